// The SystemC platform around the Verilated accelerator:
//
//   Platform "systole"
//   ├── RtlCore   "rtl"    SC_MODULE owning the Verilated systole_top (--cc), its clock and reset;
//   │                      one SC_THREAD runs the clock in a C++ loop (sim/core_impl.hpp) and
//   │                      advances SystemC time once per chunk of cycles
//   ├── MemBridge "bridge" RTL memory-master port -> TLM-2.0 initiator, DRAM channel timing
//   ├── Dram      "dram"   TLM-2.0 target over the host buffer the driver reads and writes
//   └── AxiLiteHost        the host's AXI4-Lite master on the CSR slave
//
// The SystemC kernel elaborates once per process, so there is one Platform per process: built
// by the first acquire(), reused (hardware reset, DRAM zeroed) by later ones with the same
// hardware parameters, refused for different ones. Not thread-safe: one user at a time.
#pragma once
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include <systemc>

#include "arch/config.hpp"
#include "sim/axi_lite_host.hpp"
#include "sim/core.hpp"
#include "sim/dram.hpp"
#include "sim/mem_bridge.hpp"

namespace systole::sim {

struct PlatformOptions {
  std::string trace_file;             // FST waveform of every cycle (needs a model built with SYSTOLE_TRACE)
  std::optional<DramTiming> dram;     // DRAM channel timing; default DramTiming::from_config
  DramFaults faults;                  // DRAM fault injection (dram_faults.hpp); default none
};

class RtlCore : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(RtlCore);
  RtlCore(sc_core::sc_module_name name, std::unique_ptr<Core> core, MemBridge& bridge, sc_core::sc_time period);
  Core& core() { return *core_; }
  const Core& core() const { return *core_; }
  // Runs the clock inside the SystemC kernel (sc_start) until `until`, max_cycles or the watchdog.
  RunResult run(uint64_t max_cycles, Until until, uint64_t watchdog_cycles);

 private:
  void clock_thread();
  std::unique_ptr<Core> core_;
  MemBridge& bridge_;
  sc_core::sc_time period_;
  sc_core::sc_event kick_;
  uint64_t max_cycles_ = 0, watchdog_ = 0;
  Until until_ = Until::Cycles;
  RunResult result_;
  std::exception_ptr error_;
};

class Platform : public sc_core::sc_module {
 public:
  // The process's platform for cfg; throws systole::Error when it is in use, or was built for
  // other hardware parameters (the SystemC kernel cannot elaborate a second one).
  static Platform& acquire(const Config& cfg, const PlatformOptions& opt = {});
  // Ends a use: closes the trace. The platform stays for the next acquire().
  void release();

  const Config& config() const { return cfg_; }
  const ModelParams& model() const { return rtl_.core().params(); }
  Dram& dram() { return dram_; }
  MemBridge& bridge() { return bridge_; }
  uint64_t cycle() { return rtl_.core().cycle(); }
  sc_core::sc_time clock_period() const { return period_; }

  // One AXI4-Lite access: runs the clock until the handshake completes (throws systole::Error
  // if the slave does not answer within 1000 cycles).
  void csr_write(uint32_t offset, uint32_t value);
  uint32_t csr_read(uint32_t offset);
  bool busy() { return rtl_.core().busy(); }
  // Runs until the top is idle (run control back in idle), max_cycles pass, or the watchdog fires.
  RunResult run_until_idle(uint64_t max_cycles, uint64_t watchdog_cycles);
  RunResult run_cycles(uint64_t n) { return rtl_.run(n, Until::Cycles, 0); }
  UnitState unit_state() { return rtl_.core().unit_state(); }
  // Hardware reset (rst_ni), bursts in flight dropped, CSR port idle. DRAM is kept.
  void hard_reset();
  // After a run stopped with Stop::Assertion: hard reset, then throws systole::Error saying so.
  [[noreturn]] void assertion_failed(const std::string& where);

 private:
  Platform(sc_core::sc_module_name name, const Config& cfg, const ModelParams& model, std::unique_ptr<Core> core,
           const DramTiming& timing);
  void access(const char* what, uint32_t offset);

  Config cfg_;
  sc_core::sc_time period_;
  Dram dram_;
  MemBridge bridge_;
  RtlCore rtl_;
  AxiLiteHost host_;
  bool in_use_ = false;
  std::string trace_file_;
};

}  // namespace systole::sim
