// Builds a driver::Program: lays tensors out in the arena (64-byte aligned), appends
// instructions through the checked codec, and keeps the dependency-token bookkeeping so that
// code generators state intent (which unit waits for which) rather than raw bits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/program.hpp"

namespace systole::compiler {

class ProgramBuilder {
 public:
  explicit ProgramBuilder(const Config& cfg);
  const Config& config() const { return cfg_; }

  // Adds a tensor to the arena; returns its byte offset. Constant data must be `size` bytes.
  uint32_t add_tensor(const std::string& name, driver::TensorKind kind, const std::string& dtype,
                      std::vector<int64_t> shape, uint32_t size, std::vector<uint8_t> data = {});

  // Appends an instruction (checked packing: throws systole::Error on a field overflow).
  void emit(const isa::LoadInsn& x);
  void emit(const isa::MatmulInsn& x);
  void emit(const isa::StoreInsn& x);
  size_t size() const { return prog_.insns.size(); }

  // Finishes: checks every token channel is balanced and returns the program.
  driver::Program finish();

 private:
  Config cfg_;
  driver::Program prog_;
};

}  // namespace systole::compiler
