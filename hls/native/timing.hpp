// The documented per-instruction timing model of the accelerator (docs/timing.md): an event
// simulation at instruction / DRAM-row granularity of the micro-architecture the RTL
// implements (in-order fetch into per-unit queues, token channels, one shared DRAM channel
// with latency and bandwidth, 1 row/cycle on-chip ports, a pipelined weight-stationary array
// with double-buffered weights). Cost is linear in instructions plus DMA rows, so it runs
// on every program. Host-only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"

namespace systole::hls {

// Fixed micro-architecture constants (the rest comes from the Config). docs/timing.md.
struct TimingConstants {
  static constexpr uint32_t kFetchMinBurst = 4;       // fetch requests bursts of at least this many words
  static constexpr uint32_t kOutputPathLatency = 2;   // acc read -> registered output row -> DRAM request
  static constexpr uint32_t kStoreRowBuffer = 4;      // output rows buffered between the output path and DRAM
  static constexpr uint32_t kParamReadCycles = isa::kParamRows;  // STORE reads its 3 parameter rows first
  static uint64_t array_latency(uint32_t dim) { return 2 * uint64_t(dim); }  // row in -> result in acc
  static uint64_t weight_load_cycles(uint32_t dim) { return dim; }          // one weight row per cycle
  static constexpr uint32_t kRequantLaneBits = 4;     // product bits per step of a serial requant lane
  // Cycles between the accumulator read of a requantized row and its push into the row
  // buffer (also the spacing of such reads): 1 with a requantizer per column; with L < D
  // serial lanes (output.requant_lanes), capture + (D/L) elements of 1 + 64/4 cycles + push.
  static uint64_t requant_row_cycles(const Config& cfg) {
    const uint32_t lanes = cfg.output_lanes();
    return lanes >= cfg.dim ? 1 : uint64_t(cfg.dim / lanes) * (64 / kRequantLaneBits + 1) + 2;
  }
};

// All performance counters of isa.toml, indexed by isa::Counter.
struct Counters {
  uint64_t value[isa::kNumCounters] = {};
  uint64_t& operator[](isa::Counter c) { return value[uint32_t(c)]; }
  uint64_t operator[](isa::Counter c) const { return value[uint32_t(c)]; }
};

// When one instruction did what (cycles from start).
struct InsnTiming {
  bool ran = false;        // false when the program stopped before it
  isa::Unit unit = isa::Unit::Load;
  uint64_t dispatch = 0;   // fetch wrote it into its unit's queue
  uint64_t take = 0;       // its unit took it from the queue
  uint64_t start = 0;      // its tokens were available: it began
  uint64_t done = 0;       // its last effect completed; its token pushes are visible from here
};

struct TimingReport {
  Counters counters;
  bool completed = true;           // false: stopped at an illegal opcode or deadlocked on tokens
  std::string stuck;               // when !completed, what stopped it
  std::vector<InsnTiming> insns;   // one per instruction of the program, program order
};

// Times the program on the design point. Field values are not checked (the functional
// model does that): an instruction is timed as the hardware would run it.
TimingReport estimate_timing(const Config& cfg, const std::vector<isa::Insn>& prog);

// Only the counters.
Counters estimate(const Config& cfg, const std::vector<isa::Insn>& prog);

}  // namespace systole::hls
