// Fetch stage: reads the 16-byte instruction words from DRAM at insn_base, in order, and
// dispatches each to the queue of the unit its opcode names. It stalls (without losing the
// word it holds) when that queue has no room, so the units run decoupled up to the queue
// depth. A fetch fault (bus error, illegal opcode) halts fetching; the scheduler reports it
// once the instructions already dispatched have run (see systole_top.hpp).
#pragma once
#include <cstdint>

#include "hls/hw_types.hpp"
#include "hls/stream.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

struct FetchState {
  uint32_t pc = 0;          // next instruction index to read
  bool holding = false;     // `held` was read but not yet dispatched (its queue was full)
  QueuedInsn held;
  bool halted = false;      // a fetch fault stopped fetching
  Fault fault;              // the fetch fault, reported by the scheduler

  void reset() { *this = FetchState(); }
};

// Room left under the configured depth. Natively the stream knows its size; in hardware
// the queue's own depth is the configured one, so full() is the whole test.
template <int Q>
inline bool queue_has_room(const stream<QueuedInsn, Q>& q, uint32_t depth) {
#ifdef __SYNTHESIS__
  (void)depth;
  return !q.full();
#else
  return !q.full() && q.size() < depth;
#endif
}

// Fetches and dispatches until a queue is full, the program ends or a fault halts fetching.
// Returns whether any instruction was dispatched.
template <int Q>
bool fetch_step(const dram_t* dram, const RunLimits& lim, uint32_t insn_base, uint32_t insn_count,
                FetchState& st, stream<QueuedInsn, Q>& load_q, stream<QueuedInsn, Q>& exec_q,
                stream<QueuedInsn, Q>& store_q, KernelCounters& ctr) {
  bool dispatched = false;
fetch_loop:
  while (!st.halted && (st.holding || st.pc < insn_count)) {
    if (!st.holding) {
      // Instructions are read as one aligned 16-byte beat; a misaligned base or a word
      // outside DRAM gets a bus error response, exactly like a LOAD outside DRAM.
      const addr_t addr = addr_t(insn_base) + addr_t(st.pc) * isa::kInsnBytes;
      if (insn_base % isa::kInsnBytes != 0 || addr + isa::kInsnBytes > lim.dram_size) {
        st.halted = true;
        st.fault.code = uint32_t(isa::ErrorCode::DmaBusError);
        st.fault.insn = st.pc;
        break;
      }
      st.held.insn = isa::insn_from_bytes(dram + addr);
      st.held.index = st.pc;
      st.holding = true;
      ++st.pc;
      ctr.fetch_bytes += isa::kInsnBytes;
    }
    const uint32_t op = isa::opcode_bits(st.held.insn);
    if (!isa::is_valid_opcode(op)) {
      st.halted = true;
      st.holding = false;
      st.fault.code = uint32_t(isa::ErrorCode::IllegalOpcode);
      st.fault.insn = st.held.index;
      break;
    }
    const isa::Unit unit = isa::unit_of(isa::Opcode(op));
    stream<QueuedInsn, Q>& q = unit == isa::Unit::Load ? load_q : (unit == isa::Unit::Execute ? exec_q : store_q);
    if (!queue_has_room(q, lim.insn_depth)) break;  // in-order fetch: wait for this unit
    q.write(st.held);
    st.holding = false;
    dispatched = true;
  }
  return dispatched;
}

}  // namespace systole::hls

#pragma GCC diagnostic pop
