// The SystemC platform (see platform.hpp).
#include "sim/platform.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"
#include "sim/models.hpp"

// libsystemc.so calls sc_main from its main(); programs that use the platform have their own
// main() and never enter it. Weak, so that a real SystemC program's sc_main wins.
__attribute__((weak)) int sc_main(int, char*[]) {
  return 1;
}

namespace systole::sim {

namespace {

Platform* g_platform = nullptr;  // the process's platform: never destroyed (SystemC owns the kernel state)

bool same_hardware(const Config& a, const Config& b) {
  return a.dim == b.dim && a.spad_kib == b.spad_kib && a.spad_banks == b.spad_banks && a.acc_kib == b.acc_kib &&
         a.acc_banks == b.acc_banks && a.dram_mib == b.dram_mib && a.dram_bytes_per_cycle == b.dram_bytes_per_cycle &&
         a.clock_mhz == b.clock_mhz && a.insn_depth == b.insn_depth && a.token_depth == b.token_depth &&
         a.fetch_window == b.fetch_window && a.requant_lanes == b.requant_lanes;
}

sc_core::sc_time period_of(const Config& cfg) {
  // Whole picoseconds (SystemC's default resolution): 200 MHz -> 5000 ps.
  return sc_core::sc_time(std::round(1e6 / cfg.clock_mhz), sc_core::SC_PS);
}

}  // namespace

// ------------------------------------------------------------------------------- RtlCore

RtlCore::RtlCore(sc_core::sc_module_name name, std::unique_ptr<Core> core, MemBridge& bridge, sc_core::sc_time period)
    : sc_module(name), core_(std::move(core)), bridge_(bridge), period_(period) {
  SC_THREAD(clock_thread);
}

void RtlCore::clock_thread() {
  for (;;) {
    wait(kick_);
    bridge_.set_time_base(core_->cycle());
    try {
      result_ = core_->run(max_cycles_, until_, watchdog_);
    } catch (...) {
      error_ = std::current_exception();
      result_ = {};
    }
    wait(double(result_.cycles) * period_);  // SystemC time follows the cycles just run
  }
}

RunResult RtlCore::run(uint64_t max_cycles, Until until, uint64_t watchdog_cycles) {
  max_cycles_ = max_cycles, until_ = until, watchdog_ = watchdog_cycles;
  error_ = nullptr;
  kick_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();  // returns when the thread waits for the next kick (no events left)
  if (error_) std::rethrow_exception(error_);
  return result_;
}

// ------------------------------------------------------------------------------- Platform

Platform::Platform(sc_core::sc_module_name name, const Config& cfg, const ModelParams& model, std::unique_ptr<Core> core,
                   const DramTiming& timing)
    : sc_module(name),
      cfg_(cfg),
      period_(period_of(cfg)),
      dram_("dram", cfg.dram_bytes(), timing, period_),
      bridge_("bridge", model.bus_bytes, timing, period_),
      rtl_("rtl", std::move(core), bridge_, period_) {
  bridge_.socket.bind(dram_.socket);
  rtl_.core().attach(&bridge_, &host_);
}

Platform& Platform::acquire(const Config& cfg, const PlatformOptions& opt) {
  const bool trace = !opt.trace_file.empty();
  const DramTiming timing = opt.dram ? *opt.dram : DramTiming::from_config(cfg);
  if (!g_platform) {
    const ModelEntry& m = find_model(cfg, trace);  // throws naming the CMake option
    if (!std::getenv("SYSC_DISABLE_COPYRIGHT_MESSAGE")) setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    g_platform = new Platform("systole", cfg, m.params, m.make(m.params), timing);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborate; the clock thread waits for its first kick
  } else {
    Platform& p = *g_platform;
    if (p.in_use_)
      throw Error(fmt::format("rtl backend: the simulated platform (config '{}') is already open in this process; close "
                              "the other device first (SystemC elaborates one platform per process)",
                              p.cfg_.name));
    if (!same_hardware(p.cfg_, cfg) || p.model().trace != trace) {
      find_model(cfg, trace);  // no model at all is the more useful message
      throw Error(fmt::format("rtl backend: this process already elaborated the platform for config '{}' ({}x{}{}); "
                              "config '{}' ({}x{}{}) needs a new process (SystemC elaborates once per process)",
                              p.cfg_.name, p.cfg_.dim, p.cfg_.dim, p.model().trace ? ", traced" : "", cfg.name, cfg.dim,
                              cfg.dim, trace ? ", traced" : ""));
    }
    p.cfg_ = cfg;  // same hardware; the DRAM latency may differ
    p.dram_.clear();
  }
  Platform& p = *g_platform;
  p.dram_.set_timing(timing);
  p.dram_.set_faults(opt.faults);
  p.bridge_.set_timing(timing);
  p.hard_reset();
  if (trace) {
    p.rtl_.core().open_trace(opt.trace_file, uint64_t(p.period_.to_seconds() * 1e12 + 0.5));
    p.trace_file_ = opt.trace_file;
  }
  p.in_use_ = true;
  return p;
}

void Platform::release() {
  rtl_.core().close_trace();
  trace_file_.clear();
  in_use_ = false;
}

void Platform::hard_reset() {
  bridge_.reset();
  host_.reset();
  rtl_.core().hard_reset();
}

void Platform::assertion_failed(const std::string& where) {
  const uint64_t c = cycle();
  hard_reset();
  throw Error(fmt::format("rtl platform: an RTL assertion failed in cycle {} ({}; Verilator printed the assertion "
                          "above); the platform was hardware-reset",
                          c, where));
}

void Platform::access(const char* what, uint32_t offset) {
  const RunResult r = rtl_.run(1000, Until::HostDone, 0);
  if (r.stop == Stop::Assertion) {
    host_.reset();
    assertion_failed(fmt::format("during a CSR {} 0x{:02x}", what, offset));
  }
  if (r.stop != Stop::HostDone) {
    const std::string state = host_.describe();
    host_.reset();
    throw Error(fmt::format("rtl platform: CSR {} 0x{:02x} not answered by the AXI4-Lite slave within 1000 cycles ({})",
                            what, offset, state));
  }
}

void Platform::csr_write(uint32_t offset, uint32_t value) {
  if (offset == isa::kCsrCtrl && (value & (1u << isa::kBitCtrlStart))) rtl_.core().clear_retired();
  host_.start_write(offset, value);
  access("write to", offset);
}

uint32_t Platform::csr_read(uint32_t offset) {
  host_.start_read(offset);
  access("read of", offset);
  return host_.read_data();
}

RunResult Platform::run_until_idle(uint64_t max_cycles, uint64_t watchdog_cycles) {
  return rtl_.run(max_cycles, Until::Idle, watchdog_cycles);
}

}  // namespace systole::sim
