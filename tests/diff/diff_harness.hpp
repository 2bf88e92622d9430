// Differential testing of the hls backend (hls::run: functional model + timing model) against
// the Verilated RTL top (tests/rtl/top_bench.hpp) on random valid programs
// (tests/common/random_program.hpp): the final DRAM images must be equal byte for byte and
// the counters both backends count exactly (insns, array_rows, DRAM and fetch bytes) equal.
// On a mismatch, bisecting the program prefix finds the first instruction whose effect
// differs; the report names the seed and disassembles it.
#pragma once
#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa.hpp"
#include "hls/native/accel.hpp"
#include "tests/common/random_program.hpp"
#include "top_bench.hpp"

namespace systole::difftest {

struct RunOut {
  std::vector<uint8_t> dram;
  std::vector<uint64_t> counters;
  uint32_t error_code = 0;
};

inline RunOut run_hls(const Config& cfg, const testing::RandomProgram& p, uint32_t n) {
  RunOut r;
  r.dram = p.dram;
  const hls::RunResult h = hls::run(cfg, r.dram.data(), r.dram.size(), p.insn_base, n);
  r.counters.assign(h.counters, h.counters + isa::kNumCounters);
  r.error_code = h.error_code;
  return r;
}

// One Verilated top reused across programs (every program writes the on-chip rows it reads,
// and start flushes the rest of the state).
template <typename V, unsigned BUS>
class RtlRunner {
 public:
  explicit RtlRunner(const Config& cfg) : bench_(1 << 16, cfg.dram_latency) {}
  RunOut run(const testing::RandomProgram& p, uint32_t n) {
    bench_.mem = p.dram;
    const uint32_t status = bench_.start_and_wait(p.insn_base, n, 20000000);
    RunOut r;
    r.counters = bench_.counters();
    if (status != (1u << isa::kBitStatusDone))
      r.error_code = (status & (1u << isa::kBitStatusBusy)) ? 0xff : bench_.csr_read(isa::kCsrErrorCode);
    r.dram = std::move(bench_.mem);
    if (bench_.protocol_errors) r.error_code = 0xfe;
    return r;
  }

 private:
  rtltest::TopBench<V, BUS> bench_;
};

constexpr isa::Counter kExactCounters[] = {isa::Counter::Insns, isa::Counter::ArrayRows, isa::Counter::DramRdBytes,
                                           isa::Counter::DramWrBytes, isa::Counter::FetchBytes};

// Empty when the two runs agree; otherwise what differs.
inline std::string compare(const RunOut& h, const RunOut& r) {
  std::string why;
  if (h.error_code || r.error_code) why += fmt::format(" error codes hls {} rtl {};", h.error_code, r.error_code);
  for (size_t i = 0; i < h.dram.size() && i < r.dram.size(); ++i)
    if (h.dram[i] != r.dram[i]) {
      why += fmt::format(" DRAM byte {:#x}: hls {:#04x} rtl {:#04x};", i, h.dram[i], r.dram[i]);
      break;
    }
  for (isa::Counter c : kExactCounters)
    if (h.counters[uint32_t(c)] != r.counters[uint32_t(c)])
      why += fmt::format(" {}: hls {} rtl {};", isa::kCounterNames[uint32_t(c)], h.counters[uint32_t(c)],
                         r.counters[uint32_t(c)]);
  return why;
}

struct DiffResult {
  bool same = true;
  std::string report;           // on a mismatch: seed, first differing instruction, why
  uint64_t insns = 0;
  uint64_t hls_cycles = 0, rtl_cycles = 0;
};

template <typename Runner>
DiffResult diff_program(const Config& cfg, Runner& rtl, const testing::RandomProgram& p) {
  DiffResult d;
  const uint32_t n = uint32_t(p.insns.size());
  d.insns = n;
  const RunOut h = run_hls(cfg, p, n), r = rtl.run(p, n);
  d.hls_cycles = h.counters[uint32_t(isa::Counter::Cycles)];
  d.rtl_cycles = r.counters[uint32_t(isa::Counter::Cycles)];
  const std::string why = compare(h, r);
  if (why.empty()) return d;
  d.same = false;
  // Smallest prefix whose runs differ: its last instruction is the first that differs.
  uint32_t lo = 0, hi = n;
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (compare(run_hls(cfg, p, mid), rtl.run(p, mid)).empty()) lo = mid;
    else hi = mid;
  }
  d.report = fmt::format("seed {}: {} instructions;{}\n  first differing prefix: {} instructions, instruction {}: {}",
                         p.seed, n, why, hi, hi - 1, isa::disassemble(p.insns[hi - 1]));
  return d;
}

}  // namespace systole::difftest
