// Builds a driver::Program: lays tensors out in the arena (64-byte aligned), appends
// instructions through the checked codec, and keeps the dependency-token bookkeeping so that
// code generators state intent (which unit waits for which) rather than raw bits. Every
// emit checks the token rules the driver's validator enforces (pop after an earlier push on
// the same channel, neighbours only, at most token_depth outstanding).
#pragma once
#include <array>
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

  // A tensor added earlier; throws systole::Error when absent.
  const driver::TensorDesc& tensor(const std::string& name) const;

  // Finishes: checks every token channel is balanced and returns the program. Throws
  // systole::Error on an unbalanced channel or an empty program; the builder is then empty.
  driver::Program finish();

  // Token channels between neighbouring units, named by direction.
  enum Channel { kLoadToExec = 0, kExecToLoad = 1, kExecToStore = 2, kStoreToExec = 3, kNumChannels = 4 };
  // Tokens pushed and not yet popped on a channel (as of the last emitted instruction).
  uint32_t outstanding(Channel c) const { return tokens_[c]; }

 private:
  // Checks one instruction's token flags (a pop needs an earlier unmatched push) and counts them.
  void track(const char* op, isa::Unit unit, uint32_t pop_prev, uint32_t pop_next, uint32_t push_prev,
             uint32_t push_next);

  Config cfg_;
  driver::Program prog_;
  std::array<uint32_t, kNumChannels> tokens_{};
};

}  // namespace systole::compiler
