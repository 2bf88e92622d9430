// A compiled program as the compiler writes it and the driver loads it: instructions whose
// DRAM addresses are relative to one arena, plus the arena's tensor manifest (inputs,
// outputs, constants with their bytes, scratch). Versioned binary format (.stp):
// docs/program_format.md. `load_program` relocates it into device buffers and runs it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/device.hpp"

namespace systole::driver {

enum class TensorKind : uint8_t { Input = 0, Output = 1, Constant = 2, Scratch = 3 };

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

std::vector<uint8_t> serialize(const Program& p);
// Throws systole::Error on a malformed or unsupported file (never crashes).
Program deserialize(const std::vector<uint8_t>& bytes, const std::string& origin = "<program>");
void save_program(const Program& p, const std::string& path);
Program load_program_file(const std::string& path);

// A program placed on a device: one buffer per tensor, instructions relocated.
class LoadedProgram {
 public:
  LoadedProgram(Device& dev, const Program& p);
  ~LoadedProgram();
  void set_input(const std::string& name, const void* data, size_t n);
  void get_output(const std::string& name, void* data, size_t n);
  // Submits and waits; throws systole::Error on any failure.
  void run(std::chrono::milliseconds timeout = std::chrono::minutes(10));
  const Buffer& buffer(const std::string& name) const;

 private:
  Device& dev_;
  const Program& prog_;
  std::vector<Buffer> bufs_;
  std::vector<isa::Insn> relocated_;
};

}  // namespace systole::driver
