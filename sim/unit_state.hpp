// A snapshot of what each unit of the RTL top is doing, read from the top-level status signals
// sim/debug.vlt makes public (run control, unit idle/busy/wait, queue levels, token
// availability) plus the instructions each unit retired in this run (counted by the core), and
// its description in words for the watchdog and describe_state().
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "arch/isa_gen.hpp"

namespace systole::sim {

using isa::Unit;  // load, execute, store (arch/isa.toml)

struct UnitState {
  uint64_t cycle = 0;
  uint32_t ctl = 0;  // systole_run_ctl state (systole_top ctl_state): 0 idle, 1 flush, 2 release, 3 go, 4 run, 5 drain
  bool fetch_done = false, fetch_idle = false;
  uint32_t q_load = 0, q_exec = 0, q_store = 0;                          // instructions queued per unit
  bool tok_le = false, tok_el = false, tok_es = false, tok_se = false;  // token available on the channel
  bool load_idle = true, load_busy = false, load_wait = false;
  bool exec_idle = true, exec_busy = false, exec_wait = false;
  bool store_idle = true, store_busy = false, store_wait = false;
  uint64_t load_retired = 0, exec_retired = 0, store_retired = 0;  // since the last ctrl.start
  uint32_t reads_in_flight = 0, writes_in_flight = 0;             // DRAM bursts the bridge holds
  uint64_t cycles_since_progress = 0;

  bool busy() const { return ctl != 0; }
};

// The n-th instruction (0-based, program order) of a unit, as the caller can name it from the
// program: text such as "instruction 7 (MATMUL ...)" and, when known, its token pops (so a
// wait names only the channels the instruction pops).
struct InsnRef {
  std::string text;
  bool known = false, pop_prev = false, pop_next = false;
};
using InsnNamer = std::function<InsnRef(Unit, uint64_t)>;

// Every unit in a sentence: "fetch: ...; load: ...; execute: ...; store: ...; queues ...".
std::string describe(const UnitState& s, const InsnNamer& name_insn);
// The unit to blame for a hang, e.g. "execute (waiting for a token at instruction 2 (MATMUL ...))".
std::string stuck_unit(const UnitState& s, const InsnNamer& name_insn);

}  // namespace systole::sim
