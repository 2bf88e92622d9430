// Timing parameters of the DRAM channel the platform models (docs/sim.md, docs/timing.md):
// request-to-first-beat latency, sustained bandwidth, and an optional limit on outstanding
// bursts (0 = unlimited, as docs/timing.md assumes). Taken from the Config's [dram] table;
// tests override them to make a slow, back-pressuring memory.
#pragma once
#include <cstdint>

#include "arch/config.hpp"

namespace systole::sim {

struct DramTiming {
  uint32_t latency = 100;         // [dram] latency_cycles: request accepted in t -> first beat in t+L
  uint32_t bytes_per_cycle = 16;  // [dram] bytes_per_cycle: channel bandwidth
  uint32_t max_outstanding = 0;   // bursts accepted but not finished before req_ready drops (0: no limit)

  static DramTiming from_config(const Config& cfg) { return {cfg.dram_latency, cfg.dram_bytes_per_cycle, 0}; }
  // Cycles one bus beat of `bus_bytes` occupies the channel (1 when the channel is as wide as the bus).
  uint32_t cycles_per_beat(uint32_t bus_bytes) const {
    return bytes_per_cycle >= bus_bytes ? 1 : (bus_bytes + bytes_per_cycle - 1) / bytes_per_cycle;
  }
};

// The shared DRAM channel of docs/timing.md in cycle counts: first come first served in request
// order; a burst requested in cycle t starts at max(t + L, bus_free) and takes `beats` consecutive
// beat slots. No SystemC time is involved: the bridge asks it once per burst.
class DramChannel {
 public:
  void configure(const DramTiming& t, uint32_t bus_bytes) {
    latency_ = t.latency;
    cpb_ = t.cycles_per_beat(bus_bytes);
    free_ = 0;
  }
  // Reserves the channel for a burst requested in cycle t; returns the cycle of its first beat.
  uint64_t reserve(uint64_t t, uint32_t beats) {
    const uint64_t start = t + latency_ > free_ ? t + latency_ : free_;
    free_ = start + uint64_t(beats) * cpb_;
    return start;
  }
  uint32_t cycles_per_beat() const { return cpb_; }
  void reset() { free_ = 0; }

 private:
  uint32_t latency_ = 0, cpb_ = 1;
  uint64_t free_ = 0;
};

}  // namespace systole::sim
