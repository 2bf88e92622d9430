// A compiled program as the compiler writes it and the driver loads it: instructions whose
// DRAM addresses are relative to one arena, plus the arena's tensor manifest (inputs,
// outputs, constants with their bytes, scratch). Versioned binary format (.stp):
// docs/program_format.md. LoadedProgram relocates it into device buffers and runs it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/device.hpp"

namespace systole::driver {

enum class TensorKind : uint8_t { Input = 0, Output = 1, Constant = 2, Scratch = 3 };
const char* tensor_kind_name(TensorKind k);  // "input", ...; "unknown" when out of range

struct TensorDesc {
  std::string name;
  TensorKind kind = TensorKind::Scratch;
  std::string dtype;            // "int8", "int32", ... (informational for the driver)
  std::vector<int64_t> shape;   // logical shape (informational for the driver)
  uint32_t offset = 0;          // byte offset in the arena (64-byte aligned)
  uint32_t size = 0;            // bytes
  std::vector<uint8_t> data;    // constants only: exactly `size` bytes
};

struct Program {
  static constexpr uint32_t kFormatVersion = 1;
  std::string config_name;      // design point it was compiled for
  uint32_t dim = 0;             // and its array size (checked at load)
  uint32_t arena_size = 0;
  std::vector<TensorDesc> tensors;
  std::vector<isa::Insn> insns; // LOAD/STORE dram_addr are arena offsets

  const TensorDesc& tensor(const std::string& name) const;  // throws when absent
};

// Checks a program's own consistency (throws systole::Error naming the tensor or field):
// unique non-empty tensor names, known kinds, 64-byte aligned offsets, every tensor inside
// the arena, constant data of exactly `size` bytes and no data on other kinds, dim > 0.
// serialize, deserialize and LoadedProgram all run it.
void check_program(const Program& p, const std::string& origin = "<program>");

std::vector<uint8_t> serialize(const Program& p);
// Throws systole::Error "<origin>: ..." on a malformed or unsupported file (never crashes,
// never allocates more than the input's size suggests).
Program deserialize(const std::vector<uint8_t>& bytes, const std::string& origin = "<program>");
void save_program(const Program& p, const std::string& path);
Program load_program_file(const std::string& path);

// A program placed on a device: one buffer per tensor, constants written, LOAD/STORE
// dram_addr relocated from arena offsets to the buffer holding the whole access (an access
// not inside exactly one tensor is an error). Checks the program's dim against the device.
// Keeps its own copy of the manifest: `p` may be a temporary.
class LoadedProgram {
 public:
  LoadedProgram(Device& dev, const Program& p);
  ~LoadedProgram();  // frees the buffers
  LoadedProgram(const LoadedProgram&) = delete;
  LoadedProgram& operator=(const LoadedProgram&) = delete;
  // n must equal the tensor's size; only Input tensors can be set.
  void set_input(const std::string& name, const void* data, size_t n);
  // n must equal the tensor's size; any tensor can be read (scratch too, for debugging).
  void get_output(const std::string& name, void* data, size_t n);
  // Submits and waits; throws systole::Error on any failure.
  void run(std::chrono::milliseconds timeout = std::chrono::minutes(10));
  const Buffer& buffer(const std::string& name) const;
  const std::vector<isa::Insn>& instructions() const { return relocated_; }

 private:
  size_t index_of(const std::string& name) const;

  Device& dev_;
  std::vector<TensorDesc> tensors_;  // the manifest, without constant bytes
  std::vector<Buffer> bufs_;         // parallel to tensors_
  std::vector<isa::Insn> relocated_;
};

}  // namespace systole::driver
