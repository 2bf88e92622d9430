// hls::run(): the native `hls` backend. Picks the kernel instance for the config's DIM,
// gives it freshly zeroed on-chip state sized at the ISA's address maxima, runs it
// functionally (bit-exact), then fills the cycle counters from the timing model.
#include "hls/native/accel.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "arch/error.hpp"
#include "hls/native/timing.hpp"
#include "hls/systole_top.hpp"

namespace systole::hls {
namespace {

// What each unit's instruction register waits for, for the deadlock message.
template <typename M>
std::string describe_stuck(const M& m) {
  std::string out;
  const UnitSlot* slots[isa::kNumUnits] = {&m.load_slot, &m.exec_slot, &m.store_slot};
  for (uint32_t u = 0; u < isa::kNumUnits; ++u) {
    if (!slots[u]->valid) continue;
    out += fmt::format("; {} unit holds instruction {} ({}), tokens load->exec={} exec->load={} exec->store={} store->exec={}",
                       isa::kUnitNames[u], slots[u]->cur.index,
                       isa::kOpcodes[isa::opcode_bits(slots[u]->cur.insn)].name, m.tokens.count[kLoadToExec],
                       m.tokens.count[kExecToLoad], m.tokens.count[kExecToStore], m.tokens.count[kStoreToExec]);
  }
  if (m.fetch.holding)
    out += fmt::format("; fetch holds instruction {} for a full queue", m.fetch.held.index);
  return out;
}

struct FreeDeleter {
  template <typename T>
  void operator()(T* p) const {
    p->~T();
    std::free(p);
  }
};

template <int DIM>
RunResult run_dim(const Config& cfg, uint8_t* dram, uint64_t dram_size, uint32_t insn_base, uint32_t insn_count) {
  using M = Machine<DIM, int(kSpadRowsMax), int(kAccRowsMax)>;
  // calloc, not new M(): the OS hands out zero pages lazily, so a run only pays for the rows
  // it touches (the DIM = 128 memories are 40 MiB). The memories have no initializers, so
  // default construction keeps calloc's zeros: on-chip SRAM reads 0 until written.
  void* raw = std::calloc(1, sizeof(M));
  if (!raw) throw Error(fmt::format("hls: cannot allocate {} MiB of on-chip state for DIM {}", sizeof(M) >> 20, DIM));
  std::unique_ptr<M, FreeDeleter> m(new (raw) M);

  RunLimits lim;
  lim.dram_size = dram_size;
  lim.spad_rows = cfg.spad_rows();
  lim.acc_rows = cfg.acc_rows();
  lim.insn_depth = cfg.insn_depth;
  lim.token_depth = cfg.token_depth;

  RunResult res;
  uint32_t status = 0;
  systole_top<DIM, int(kSpadRowsMax), int(kAccRowsMax)>(dram, insn_base, insn_count, lim, status, res.error_code,
                                                        res.error_insn, res.counters, *m);
  if (status & (uint32_t(1) << isa::kBitStatusBusy))
    throw Error(fmt::format("hls: the program deadlocked on dependency tokens after {} of {} instructions{}",
                            res.counters[uint32_t(isa::Counter::Insns)], insn_count, describe_stuck(*m)));

  // Time the instructions that ran: all of them, or those before the fault (an estimate of
  // the cycles until the fault; the exact counters above come from the functional run).
  const uint32_t timed = res.error_code ? res.error_insn : insn_count;
  std::vector<isa::Insn> prog;
  prog.reserve(timed);
  for (uint32_t i = 0; i < timed; ++i) {
    const uint64_t at = uint64_t(insn_base) + uint64_t(i) * isa::kInsnBytes;
    if (at + isa::kInsnBytes > dram_size) break;
    prog.push_back(isa::insn_from_bytes(dram + at));
  }
  const Counters t = estimate(cfg, prog);
  for (isa::Counter c : {isa::Counter::Cycles, isa::Counter::LoadBusy, isa::Counter::LoadWait, isa::Counter::ExecBusy,
                         isa::Counter::ExecWait, isa::Counter::StoreBusy, isa::Counter::StoreWait})
    res.counters[uint32_t(c)] = t[c];
  return res;
}

}  // namespace

RunResult run(const Config& cfg, uint8_t* dram, uint64_t dram_size, uint32_t insn_base, uint32_t insn_count) {
  cfg.validate();
  if (!dram && dram_size) throw Error("hls: DRAM pointer is null");
  switch (cfg.dim) {
    case 2: return run_dim<2>(cfg, dram, dram_size, insn_base, insn_count);
    case 4: return run_dim<4>(cfg, dram, dram_size, insn_base, insn_count);
    case 8: return run_dim<8>(cfg, dram, dram_size, insn_base, insn_count);
    case 16: return run_dim<16>(cfg, dram, dram_size, insn_base, insn_count);
    case 32: return run_dim<32>(cfg, dram, dram_size, insn_base, insn_count);
    case 64: return run_dim<64>(cfg, dram, dram_size, insn_base, insn_count);
    case 128: return run_dim<128>(cfg, dram, dram_size, insn_base, insn_count);
  }
  throw Error(fmt::format("hls: no kernel instance for DIM {} (config {}); built: 2, 4, 8, 16, 32, 64, 128",
                          cfg.dim, cfg.name));
}

}  // namespace systole::hls
