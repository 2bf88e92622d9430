// The Verilated systole_top behind a model-independent interface: the platform picks one of the
// models built into this binary (models.hpp) and runs it through these calls. The per-cycle
// loop itself is the template in core_impl.hpp, one instantiation per Verilated model.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "sim/unit_state.hpp"

namespace systole::sim {

class MemBridge;
class AxiLiteHost;

// Parameters a Verilated model was built with (sim/CMakeLists.txt, from configs/<preset>.toml).
struct ModelParams {
  const char* prefix;  // Verilator prefix, e.g. "Vsystole_default"
  const char* preset;  // configs/<preset>.toml it was built from
  bool trace;          // built with --trace-fst
  uint32_t dim, spad_rows, spad_banks, acc_rows, acc_banks, bus_bytes, insn_depth, fetch_window;
};

enum class Until { HostDone, Idle, Cycles };
// Assertion: an RTL assertion failed (Verilator --assert) in the cycle the run stopped.
enum class Stop { HostDone, Idle, Budget, Watchdog, Assertion };

struct RunResult {
  uint64_t cycles = 0;  // cycles run by this call
  Stop stop = Stop::Budget;
};

class Core {
 public:
  virtual ~Core() = default;
  virtual const ModelParams& params() const = 0;
  // Drives the memory port through `bridge` and the CSR port from `host` (both outlive the core).
  virtual void attach(MemBridge* bridge, AxiLiteHost* host) = 0;
  // rst_ni low for two cycles (inputs idle), then released; clears a failed assertion.
  virtual void hard_reset() = 0;
  // Runs up to max_cycles clock cycles, stopping early when `until` is reached, or (when
  // watchdog_cycles > 0) when the top has been busy for watchdog_cycles cycles without retiring
  // an instruction, issuing an array row or moving a DRAM beat.
  virtual RunResult run(uint64_t max_cycles, Until until, uint64_t watchdog_cycles) = 0;
  virtual uint64_t cycle() const = 0;
  virtual bool busy() const = 0;
  virtual UnitState unit_state() const = 0;
  // Restarts the per-unit retire counts of unit_state() (the platform calls it on ctrl.start).
  virtual void clear_retired() = 0;
  // FST waveform (trace models only; throws systole::Error otherwise). Times in ps.
  virtual void open_trace(const std::string& path, uint64_t period_ps) = 0;
  virtual void close_trace() = 0;
};

}  // namespace systole::sim
