// The "rtl" backend: the cycle-accurate SystemC platform (sim/platform.hpp) around the Verilated
// RTL behind the Backend interface. Device memory is the DRAM model's buffer (direct copies);
// CSR accesses run the clock through the AXI4-Lite host port; wait_idle runs simulated time
// until status.busy clears, the wall-clock timeout passes, or the platform's watchdog sees a
// hang (then it resets the device and throws systole::Error naming the stuck unit). Counters
// are the hardware's own. One platform per process: a second open with the same hardware
// parameters reuses it (hardware reset, DRAM zeroed), a different one is an error.
//
// Built as the separate library systole_driver_rtl (sim/CMakeLists.txt) so that systole_driver
// never depends on SystemC or Verilator; linking it registers "rtl".
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "driver/backend.hpp"
#include "sim/dram_faults.hpp"

namespace systole::driver {

struct RtlBackendOptions {
  // FST waveform of the whole run (needs a build with -DSYSTOLE_TRACE=ON). Env: SYSTOLE_RTL_TRACE.
  std::string trace_file;
  // Busy cycles without an instruction retired, an array row issued or a DRAM beat before the
  // platform declares a hang (0: never). Env: SYSTOLE_RTL_WATCHDOG.
  uint64_t watchdog_cycles = 200000;
  // DRAM fault injection from the open on (error responses, latency spikes; docs/sim.md).
  // Env: SYSTOLE_RTL_FAULTS, e.g. "error_at=3,error_dir=read" or "spike_every=4,spike_cycles=300".
  sim::DramFaults dram_faults;
};

// Options used by the "rtl" factory from now on (e.g. a CLI's --trace); the environment
// variables above override them at each open.
void set_rtl_backend_options(const RtlBackendOptions& opt);
RtlBackendOptions rtl_backend_options();

// Replaces the DRAM fault rules of an open "rtl" backend (its access count restarts), and what
// they did so far. Throw systole::Error when `b` is not an rtl backend.
void set_rtl_dram_faults(Backend& b, const sim::DramFaults& faults);
sim::DramFaultStats rtl_dram_fault_stats(Backend& b);

std::unique_ptr<Backend> make_rtl_backend(const Config& cfg, const RtlBackendOptions& opt);
std::unique_ptr<Backend> make_rtl_backend(const Config& cfg);

}  // namespace systole::driver
