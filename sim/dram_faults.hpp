// Fault injection of the platform's DRAM model (sim/dram.hpp): error responses and latency
// spikes, so that tests can drive the accelerator's DMA-error path and check that a slow memory
// changes cycles but never results. Plain data (no SystemC), so the driver's rtl backend options
// can carry it. docs/sim.md, "Fault injection".
//
// An access is one b_transport on the DRAM target: one per read burst (at its request) and one
// per write burst (when its last data beat arrives). Counting starts at 1 when the faults are
// set (Platform::acquire, set_rtl_dram_faults).
#pragma once
#include <cstdint>
#include <string>

namespace systole::sim {

struct DramFaults {
  enum class Dir : uint8_t { Any, Read, Write };
  // Error responses (TLM_GENERIC_ERROR_RESPONSE): a failed read returns every beat of its burst
  // with `err`, a failed write leaves memory unchanged and answers `b err`.
  uint64_t error_at = 0;                  // the error_at-th access of error_dir fails (once); 0: off
  uint64_t error_lo = 0, error_hi = 0;    // every access touching [error_lo, error_hi) fails
  double error_probability = 0;           // each access fails with this probability
  Dir error_dir = Dir::Any;               // the accesses the error rules apply to
  // Latency spikes: spike_cycles more cycles before the burst's first beat (read) or its write
  // response (write); later bursts queue behind it, in order, as on a real channel.
  uint64_t spike_every = 0;               // every spike_every-th access; 0: off
  double spike_probability = 0;           // each access with this probability
  uint32_t spike_cycles = 0;
  uint64_t seed = 1;                      // of the random choices

  bool any() const {
    return error_at || error_hi > error_lo || error_probability > 0 ||
           ((spike_every || spike_probability > 0) && spike_cycles);
  }
};

// What the injection did since the faults were set.
struct DramFaultStats {
  uint64_t accesses = 0, errors = 0, spikes = 0;
};

// "key=value,..." with keys error_at, error_range=LO-HI (hex with 0x, or decimal), error_p,
// error_dir=any|read|write, spike_every, spike_p, spike_cycles, seed; "" or "none" is no fault.
// Throws systole::Error naming the bad key or value.
DramFaults parse_dram_faults(const std::string& spec);
std::string to_string(const DramFaults& f);

}  // namespace systole::sim
