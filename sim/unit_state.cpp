// Words for a UnitState (see unit_state.hpp).
#include "sim/unit_state.hpp"

#include <fmt/format.h>

namespace systole::sim {

namespace {

const char* ctl_name(uint32_t c) {
  static const char* names[] = {"idle", "flush", "release", "go", "run", "drain"};
  return c < 6 ? names[c] : "?";
}

// One unit: idle, waiting for a token (which channels have none), or busy, always naming the
// oldest instruction it has not retired. A unit may also leave an instruction in its queue until
// its tokens are there: then it is idle with instructions queued.
std::string unit_words(bool idle, bool busy, bool wait, uint32_t queued, const std::string& insn,
                       const std::string& tokens) {
  if (idle)
    return queued ? fmt::format("not started, {} queued, next {} ({})", queued, insn, tokens) : "idle";
  if (wait) return fmt::format("waiting for a token ({}) at {}", tokens, insn);
  return fmt::format("{} {}{}", busy ? "executing" : "holding", insn,
                     queued ? fmt::format(", {} more queued", queued) : std::string());
}

// The empty token channels the instruction pops (all empty ones when it is not known).
std::string tokens(const InsnRef& i, bool prev_avail, const char* prev, bool next_avail, const char* next) {
  std::string s;
  if (prev && !prev_avail && (!i.known || i.pop_prev)) s += fmt::format("none from {}", prev);
  if (next && !next_avail && (!i.known || i.pop_next)) s += fmt::format("{}none from {}", s.empty() ? "" : ", ", next);
  return s.empty() ? "tokens available" : s;
}

std::string load_words(const UnitState& s, const InsnNamer& n) {
  const InsnRef i = n(Unit::Load, s.load_retired);
  return unit_words(s.load_idle, s.load_busy, s.load_wait, s.q_load, i.text, tokens(i, true, nullptr, s.tok_el, "execute")) +
         (s.reads_in_flight ? fmt::format(" ({} DRAM read bursts in flight)", s.reads_in_flight) : "");
}
std::string exec_words(const UnitState& s, const InsnNamer& n) {
  const InsnRef i = n(Unit::Execute, s.exec_retired);
  return unit_words(s.exec_idle, s.exec_busy, s.exec_wait, s.q_exec, i.text, tokens(i, s.tok_le, "load", s.tok_se, "store"));
}
std::string store_words(const UnitState& s, const InsnNamer& n) {
  const InsnRef i = n(Unit::Store, s.store_retired);
  return unit_words(s.store_idle, s.store_busy, s.store_wait, s.q_store, i.text, tokens(i, s.tok_es, "execute", true, nullptr)) +
         (s.writes_in_flight ? fmt::format(" ({} DRAM write bursts in flight)", s.writes_in_flight) : "");
}

}  // namespace

std::string describe(const UnitState& s, const InsnNamer& n) {
  return fmt::format("cycle {}, run control {}; fetch: {}; load: {}; execute: {}; store: {}; tokens available "
                     "load->execute {}, execute->load {}, execute->store {}, store->execute {}",
                     s.cycle, ctl_name(s.ctl),
                     s.fetch_done ? "every instruction dispatched" : (s.fetch_idle ? "idle" : "fetching"),
                     load_words(s, n), exec_words(s, n), store_words(s, n), int(s.tok_le), int(s.tok_el),
                     int(s.tok_es), int(s.tok_se));
}

std::string stuck_unit(const UnitState& s, const InsnNamer& n) {
  // A unit holding (or with a queued) instruction while a token it pops is missing is what
  // deadlocks; otherwise the first busy unit is the best guess.
  auto starved = [&](Unit u, uint64_t k, bool prev_avail, bool next_avail) {
    const InsnRef i = n(u, k);
    return (!prev_avail && (!i.known || i.pop_prev)) || (!next_avail && (!i.known || i.pop_next));
  };
  if (s.exec_wait || (s.exec_idle && s.q_exec && starved(Unit::Execute, s.exec_retired, s.tok_le, s.tok_se)))
    return "execute (" + exec_words(s, n) + ")";
  if (s.load_wait || (s.load_idle && s.q_load && starved(Unit::Load, s.load_retired, true, s.tok_el)))
    return "load (" + load_words(s, n) + ")";
  if (s.store_wait || (s.store_idle && s.q_store && starved(Unit::Store, s.store_retired, s.tok_es, true)))
    return "store (" + store_words(s, n) + ")";
  if (!s.load_idle) return "load (" + load_words(s, n) + ")";
  if (!s.exec_idle) return "execute (" + exec_words(s, n) + ")";
  if (!s.store_idle) return "store (" + store_words(s, n) + ")";
  if (!s.fetch_done) return "fetch (instructions not all dispatched)";
  return fmt::format("run control (state {})", ctl_name(s.ctl));
}

}  // namespace systole::sim
