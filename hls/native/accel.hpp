// Native entry point of the HLS accelerator model (the `hls` backend of the driver).
// Host-only (not synthesized). The synthesizable top is hls/systole_top.hpp (template over the design point); this
// wrapper picks the instance for a runtime Config, runs it functionally (bit-exact) and
// fills the performance counters from the per-instruction timing model (hls/native/timing.hpp).
#pragma once
#include <cstdint>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"

namespace systole::hls {

struct RunResult {
  uint32_t error_code = 0;  // isa::ErrorCode; 0 = ran to completion
  uint32_t error_insn = 0;  // index of the faulting instruction when error_code != 0
  uint64_t counters[isa::kNumCounters] = {};
};

// Runs insn_count instructions stored at byte address insn_base of `dram` (dram_size bytes).
// Never reads or writes outside [dram, dram + dram_size): an access outside it stops the run
// with ErrorCode::DmaBusError, like a bus error response would on hardware.
RunResult run(const Config& cfg, uint8_t* dram, uint64_t dram_size, uint32_t insn_base, uint32_t insn_count);

}  // namespace systole::hls
