// ProgramBuilder: arena layout, checked instruction emission and token bookkeeping.
// Token rules mirror the driver's validator (driver/validate.hpp) so that a code generator
// bug is reported here, at the instruction that breaks the rule, instead of at submit time.
#include "compiler/program_builder.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"

namespace systole::compiler {

namespace {
constexpr uint32_t kArenaAlign = 64;  // cache line / DMA burst alignment the driver also uses

const char* channel_name(int c) {
  static const char* names[ProgramBuilder::kNumChannels] = {"load->execute", "execute->load", "execute->store", "store->execute"};
  return names[c];
}
}  // namespace

ProgramBuilder::ProgramBuilder(const Config& cfg) : cfg_(cfg) {
  prog_.config_name = cfg.name;
  prog_.dim = cfg.dim;
}

uint32_t ProgramBuilder::add_tensor(const std::string& name, driver::TensorKind kind, const std::string& dtype,
                                    std::vector<int64_t> shape, uint32_t size, std::vector<uint8_t> data) {
  if (name.empty()) throw Error("add_tensor: tensor name is empty");
  for (const auto& t : prog_.tensors)
    if (t.name == name) throw Error(fmt::format("add_tensor: tensor '{}' already exists", name));
  if (size == 0) throw Error(fmt::format("add_tensor: tensor '{}' has size 0", name));
  if (kind == driver::TensorKind::Constant && data.size() != size)
    throw Error(fmt::format("add_tensor: constant '{}' has {} data bytes, expected {}", name, data.size(), size));
  if (kind != driver::TensorKind::Constant && !data.empty())
    throw Error(fmt::format("add_tensor: only constants carry data, '{}' is not a constant", name));
  const uint64_t offset = (uint64_t(prog_.arena_size) + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
  const uint64_t end = offset + size;
  if (end > UINT32_MAX || end > cfg_.dram_bytes())
    throw Error(fmt::format("add_tensor: arena would grow to {} bytes with '{}', more than device memory ({} bytes)", end,
                            name, cfg_.dram_bytes()));
  driver::TensorDesc t;
  t.name = name;
  t.kind = kind;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.offset = uint32_t(offset);
  t.size = size;
  t.data = std::move(data);
  prog_.tensors.push_back(std::move(t));
  prog_.arena_size = uint32_t(end);
  return uint32_t(offset);
}

const driver::TensorDesc& ProgramBuilder::tensor(const std::string& name) const {
  for (const auto& t : prog_.tensors)
    if (t.name == name) return t;
  throw Error(fmt::format("program builder: no tensor named '{}'", name));
}

void ProgramBuilder::track(const char* op, isa::Unit unit, uint32_t pop_prev, uint32_t pop_next, uint32_t push_prev,
                           uint32_t push_next) {
  // Channel indices: prev/next neighbours of each unit in the load <-> execute <-> store chain.
  int in_prev = -1, in_next = -1, out_prev = -1, out_next = -1;
  switch (unit) {
    case isa::Unit::Load: in_next = kExecToLoad, out_next = kLoadToExec; break;
    case isa::Unit::Execute:
      in_prev = kLoadToExec, in_next = kStoreToExec, out_prev = kExecToLoad, out_next = kExecToStore;
      break;
    case isa::Unit::Store: in_prev = kExecToStore, out_prev = kStoreToExec; break;
  }
  const size_t index = prog_.insns.size();
  auto fail = [&](const std::string& why) {
    throw Error(fmt::format("instruction {} ({}): {}", index, op, why));
  };
  if ((pop_prev || push_prev) && in_prev < 0) fail("the load unit has no previous unit to exchange tokens with");
  if ((pop_next || push_next) && in_next < 0) fail("the store unit has no next unit to exchange tokens with");
  // Pops happen before the instruction starts, pushes after it finishes: its own push
  // cannot satisfy its own pop.
  for (auto [flag, ch] : {std::pair{pop_prev, in_prev}, std::pair{pop_next, in_next}}) {
    if (!flag) continue;
    if (tokens_[ch] == 0) fail(fmt::format("pops a {} token that no earlier instruction pushed", channel_name(ch)));
    --tokens_[ch];
  }
  for (auto [flag, ch] : {std::pair{push_prev, out_prev}, std::pair{push_next, out_next}}) {
    if (!flag) continue;
    if (++tokens_[ch] > cfg_.token_depth)
      fail(fmt::format("more than token_depth = {} outstanding {} tokens", cfg_.token_depth, channel_name(ch)));
  }
}

void ProgramBuilder::emit(const isa::LoadInsn& x) {
  const isa::Insn w = isa::pack_checked(x);
  track("LOAD", isa::Unit::Load, x.pop_prev, x.pop_next, x.push_prev, x.push_next);
  prog_.insns.push_back(w);
}

void ProgramBuilder::emit(const isa::MatmulInsn& x) {
  const isa::Insn w = isa::pack_checked(x);
  track("MATMUL", isa::Unit::Execute, x.pop_prev, x.pop_next, x.push_prev, x.push_next);
  prog_.insns.push_back(w);
}

void ProgramBuilder::emit(const isa::StoreInsn& x) {
  const isa::Insn w = isa::pack_checked(x);
  track("STORE", isa::Unit::Store, x.pop_prev, x.pop_next, x.push_prev, x.push_next);
  prog_.insns.push_back(w);
}

driver::Program ProgramBuilder::finish() {
  for (int c = 0; c < kNumChannels; ++c)
    if (tokens_[c] != 0)
      throw Error(fmt::format("program builder: {} {} token(s) pushed but never popped", tokens_[c], channel_name(c)));
  if (prog_.insns.empty()) throw Error("program builder: the program has no instructions");
  driver::Program out = std::move(prog_);
  prog_ = driver::Program{};
  prog_.config_name = cfg_.name;
  prog_.dim = cfg_.dim;
  tokens_ = {};
  return out;
}

}  // namespace systole::compiler
