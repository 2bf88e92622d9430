// The accelerator's top function, synthesizable Vitis-HLS-style C++ over the design point
// (DIM, SPAD_ROWS, ACC_ROWS). Four stages joined by streams: fetch dispatches instructions
// into per-unit queues; load, execute and store each run their queue in order and order
// themselves against each other only through the four token channels.
//
// Like VTA's vta(), the stages are composed by a scheduling loop that runs each stage while
// it can make progress (an instruction whose tokens are not available waits in its unit's
// instruction register). Natively that is how a dataflow region is simulated; for the
// concurrent FPGA build each *_step function becomes its own kernel (free-running, streams
// as AXI-Stream FIFOs), as VTA does with its fetch/load/compute/store cores.
//
// Fault precedence: a unit fault (BadField, SramOutOfRange, DmaBusError of a LOAD/STORE)
// stops the run at once. A fetch fault (bus error on an instruction word, illegal opcode)
// halts fetching; it is reported when the instructions already dispatched have run or can
// make no progress, so an earlier instruction's own fault takes precedence.
#pragma once
#include <cstdint>

#include "hls/execute.hpp"
#include "hls/fetch.hpp"
#include "hls/hw_types.hpp"
#include "hls/load.hpp"
#include "hls/store.hpp"
#include "hls/stream.hpp"
#include "hls/tokens.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

// Everything the accelerator holds between clock edges: on-chip memories, instruction
// queues, unit instruction registers, token counters, fetch state.
template <int DIM, int SPAD_ROWS, int ACC_ROWS>
struct Machine {
  OnChip<DIM, SPAD_ROWS, ACC_ROWS> mem;
  stream<QueuedInsn, kInsnQueueCapacity> load_q, exec_q, store_q;
  UnitSlot load_slot, exec_slot, store_slot;
  TokenCounters tokens;
  FetchState fetch;

  // Start of a run: queues and tokens empty; the memories keep their contents (SRAM is not
  // cleared by start, as in hardware).
  void start() {
#ifndef __SYNTHESIS__
    // In hardware the queues are empty whenever the accelerator is idle; natively a run
    // that stopped on a fault may have left instructions behind.
    load_q.clear();
    exec_q.clear();
    store_q.clear();
#endif
    load_slot.valid = exec_slot.valid = store_slot.valid = false;
    tokens.reset();
    fetch.reset();
  }

  // Whether every instruction fetched has retired and nothing waits.
  bool drained() const {
    return load_q.empty() && exec_q.empty() && store_q.empty() && !load_slot.valid && !exec_slot.valid &&
           !store_slot.valid && !fetch.holding;
  }
};

// Runs insn_count instructions from DRAM byte address insn_base. Outputs mirror the CSR
// block: status (isa::kBitStatus*: done; done + error after a fault; busy when the program
// can make no further progress, i.e. it deadlocked on tokens or a full queue), error_code / error_insn, and the counters
// the kernel counts exactly (insns, array_rows, dram_rd/wr_bytes, fetch_bytes; the cycle
// counters are left 0 for the timing model).
//
// The accelerator's state (Machine) is the kernel's own static storage on the FPGA (URAM for
// the memories). Natively the caller owns it and passes it as the last argument, because
// the buffers, sized at the ISA's address maxima, are tens of MiB (native/accel.cpp).
template <int DIM, int SPAD_ROWS, int ACC_ROWS>
void systole_top(dram_t* dram, uint32_t insn_base, uint32_t insn_count, const RunLimits& limits, uint32_t& status,
                 uint32_t& error_code, uint32_t& error_insn, uint64_t counters[isa::kNumCounters]
#ifndef __SYNTHESIS__
                 ,
                 Machine<DIM, SPAD_ROWS, ACC_ROWS>& m
#endif
) {
#pragma HLS INTERFACE mode = m_axi port = dram offset = slave bundle = gmem max_read_burst_length = 64
#pragma HLS INTERFACE mode = s_axilite port = insn_base bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = insn_count bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = limits bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = status bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error_code bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error_insn bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = counters bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = return bundle = ctrl
#ifdef __SYNTHESIS__
  static Machine<DIM, SPAD_ROWS, ACC_ROWS> m;
#pragma HLS BIND_STORAGE variable = m.mem.spad type = ram_2p impl = uram
#pragma HLS BIND_STORAGE variable = m.mem.acc type = ram_2p impl = uram
#pragma HLS ARRAY_PARTITION variable = m.mem.spad dim = 2 type = complete
#pragma HLS ARRAY_PARTITION variable = m.mem.acc dim = 2 type = complete
#pragma HLS ARRAY_PARTITION variable = m.mem.weights dim = 0 type = complete
#pragma HLS STREAM variable = m.load_q depth = kInsnQueueCapacity
#pragma HLS STREAM variable = m.exec_q depth = kInsnQueueCapacity
#pragma HLS STREAM variable = m.store_q depth = kInsnQueueCapacity
#endif
  m.start();
  KernelCounters ctr;
  Fault fault;

schedule:
  for (;;) {
    bool progress = fetch_step(dram, limits, insn_base, insn_count, m.fetch, m.load_q, m.exec_q, m.store_q, ctr);
  run_load:
    while (!fault.raised() && load_step(dram, limits, m.load_q, m.load_slot, m.tokens, m.mem, ctr, fault))
      progress = true;
  run_execute:
    while (!fault.raised() && execute_step(limits, m.exec_q, m.exec_slot, m.tokens, m.mem, ctr, fault))
      progress = true;
  run_store:
    while (!fault.raised() && store_step(dram, limits, m.store_q, m.store_slot, m.tokens, m.mem, ctr, fault))
      progress = true;
    if (fault.raised() || !progress) break;
  }

  if (!fault.raised() && m.fetch.fault.raised()) fault = m.fetch.fault;
  const bool done = !fault.raised() && m.fetch.pc == insn_count && m.drained();
  // A fault ends the run too: done and error, as the driver expects; a deadlock stays busy.
  status = fault.raised() ? ((uint32_t(1) << isa::kBitStatusDone) | (uint32_t(1) << isa::kBitStatusError))
                          : (done ? (uint32_t(1) << isa::kBitStatusDone) : (uint32_t(1) << isa::kBitStatusBusy));
  error_code = fault.code;
  error_insn = fault.raised() ? fault.insn : 0;

write_counters:
  for (uint32_t c = 0; c < isa::kNumCounters; ++c) counters[c] = 0;
  counters[uint32_t(isa::Counter::Insns)] = ctr.insns;
  counters[uint32_t(isa::Counter::ArrayRows)] = ctr.array_rows;
  counters[uint32_t(isa::Counter::DramRdBytes)] = ctr.dram_rd_bytes;
  counters[uint32_t(isa::Counter::DramWrBytes)] = ctr.dram_wr_bytes;
  counters[uint32_t(isa::Counter::FetchBytes)] = ctr.fetch_bytes;
}

}  // namespace systole::hls

#pragma GCC diagnostic pop
