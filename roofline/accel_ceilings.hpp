// The accelerator's roofline ceilings, computed from a design point (Config): the compute
// roof 2·DIM²·f ops/s (2 ops per int8 MAC), the DRAM roof bytes_per_cycle·f, and the on-chip
// roofs of the scratchpad and accumulator ports that feed the array. The clock f is the
// config's [clock] mhz unless a synthesis report (`systole synth`, report.json) gives the
// achieved Fmax, which then wins; the ceilings say which one they used.
#pragma once
#include <string>
#include <vector>

#include "arch/config.hpp"

namespace systole::roofline {

// One memory roof: attainable ops/s = min(peak, bytes_per_second · intensity).
struct MemoryRoof {
  std::string name;              // "DRAM", "scratchpad", "accumulator"
  double bytes_per_cycle = 0;
  double bytes_per_second = 0;
  double ridge = 0;              // ops/byte where this roof meets the compute roof
  std::string basis;             // how bytes_per_cycle follows from the config
};

struct AccelCeilings {
  std::string config;            // design point name
  unsigned dim = 0;
  double clock_mhz = 0;
  std::string clock_source;      // "config (clock.mhz)" or "synthesis report PATH (Fmax)"
  double config_clock_mhz = 0;   // what the config says, even when synthesis overrides it
  double ops_per_cycle = 0;      // 2·DIM²
  double peak_ops = 0;           // ops/s = 2·DIM²·f
  std::vector<MemoryRoof> memory;  // DRAM first, then the on-chip roofs
  const MemoryRoof& dram() const { return memory.front(); }
  // min(peak, DRAM bandwidth · intensity): the bound a layer of this DRAM intensity can reach.
  double attainable(double intensity) const;
};

// Ceilings of `cfg` at clock_mhz (<= 0: the config's own clock). `source` describes the clock.
AccelCeilings accel_ceilings(const Config& cfg, double clock_mhz = 0, const std::string& source = "");

// The achieved Fmax (MHz) from a `systole synth` report.json (its "fmax_mhz" field, present
// once the design was placed and routed). Throws systole::Error naming the file and what is
// wrong: unreadable, not JSON, no fmax_mhz (synthesis without place and route), not a
// positive number.
double read_synth_fmax(const std::string& path);

}  // namespace systole::roofline
