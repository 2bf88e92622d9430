// Execute stage: the MATMUL instruction on the weight-stationary DIM x DIM array. Optional
// weight preload (scratchpad rows w_addr.., rows w_rows..DIM-1 zero), then rows*outer
// activation rows streamed through the array, each producing DIM int32 results that
// overwrite or add to (wrapping modulo 2^32) one accumulator row.
//
// In the PEs the weights are double-buffered (the next tile loads while the current one
// streams); functionally that is invisible because an instruction's preload always precedes
// its own streaming and follows the previous instruction's, so one weight register set is
// an exact model. The timing model (native/timing.cpp) accounts for the overlap.
#pragma once
#include <cstdint>

#include "hls/hw_types.hpp"
#include "hls/stream.hpp"
#include "hls/tokens.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

template <int DIM>
uint32_t matmul_check(const isa::MatmulInsn& x, const RunLimits& lim) {
  if (!TokenCounters::legal(token_flags(x), isa::Unit::Execute) || x.w_rows > uint32_t(DIM))
    return uint32_t(isa::ErrorCode::BadField);
  if (x.load_weights && x.w_rows != 0 && addr_t(x.w_addr) + x.w_rows > lim.spad_rows)
    return uint32_t(isa::ErrorCode::SramOutOfRange);
  if (x.rows != 0 && x.outer != 0) {
    const addr_t last_a = addr_t(x.a_addr) + addr_t(x.outer - 1) * x.a_outer_stride + addr_t(x.rows - 1) * x.a_stride;
    const addr_t acc_end = addr_t(x.acc_addr) + addr_t(x.outer) * x.rows;
    if (last_a >= lim.spad_rows || acc_end > lim.acc_rows) return uint32_t(isa::ErrorCode::SramOutOfRange);
  }
  return uint32_t(isa::ErrorCode::None);
}

// One activation row through the array: out[n] (+)= sum_k a[k] * w[k][n]. In hardware this
// is one pipelined step (II = 1) of DIM*DIM multipliers; natively the n loop is the vector
// loop (int8 widened to int32 lanes), so keep it innermost and free of branches.
template <int DIM>
inline void array_row(const elem_t* __restrict a, const elem_t (*__restrict w)[DIM], acc_t* __restrict out,
                      bool accumulate) {
#pragma HLS INLINE
  acc_t sum[DIM];
array_clear:
  for (int n = 0; n < DIM; ++n) sum[n] = 0;
array_k:
  for (int k = 0; k < DIM; ++k) {
#pragma HLS UNROLL
    const acc_t ak = a[k];
  array_n:
    for (int n = 0; n < DIM; ++n) sum[n] += ak * acc_t(w[k][n]);  // |sum| < 2^22: no overflow
  }
  // Accumulation wraps modulo 2^32 like the hardware adder: add as unsigned.
  const uint32_t keep = accumulate ? ~uint32_t(0) : 0;
array_write:
  for (int n = 0; n < DIM; ++n) out[n] = acc_t((uint32_t(out[n]) & keep) + uint32_t(sum[n]));
}

template <int DIM, int SPAD_ROWS, int ACC_ROWS>
void matmul_execute(const isa::MatmulInsn& x, OnChip<DIM, SPAD_ROWS, ACC_ROWS>& mem) {
  if (x.load_weights) {
  weights_rows:
    for (uint32_t k = 0; k < uint32_t(DIM); ++k) {
#pragma HLS PIPELINE II = 1
    weights_cols:
      for (uint32_t n = 0; n < uint32_t(DIM); ++n)
        mem.weights[k][n] = k < x.w_rows ? mem.spad[addr_t(x.w_addr) + k][n] : elem_t(0);
    }
  }
  const bool accumulate = x.accumulate != 0;
matmul_outer:
  for (uint32_t o = 0; o < x.outer; ++o) {
    const addr_t a_base = addr_t(x.a_addr) + addr_t(o) * x.a_outer_stride;
    const addr_t acc_base = addr_t(x.acc_addr) + addr_t(o) * x.rows;
  matmul_rows:
    for (uint32_t i = 0; i < x.rows; ++i) {
#pragma HLS PIPELINE II = 1
      array_row<DIM>(mem.spad[a_base + addr_t(i) * x.a_stride], mem.weights, mem.acc[acc_base + i], accumulate);
    }
  }
}

// Runs the MATMUL at the head of the execute queue if its tokens allow. Returns whether the
// stage changed any state.
template <int DIM, int SPAD_ROWS, int ACC_ROWS, int Q>
bool execute_step(const RunLimits& lim, stream<QueuedInsn, Q>& q, UnitSlot& slot, TokenCounters& tok,
                  OnChip<DIM, SPAD_ROWS, ACC_ROWS>& mem, KernelCounters& ctr, Fault& fault) {
  bool changed = false;
  if (!slot.valid) {
    if (q.empty()) return false;
    slot.cur = q.read();
    slot.valid = true;
    changed = true;
  }
  const isa::MatmulInsn x = isa::unpack_matmul(slot.cur.insn);
  const TokenFlags f = token_flags(x);
  if (!tok.ready(f, isa::Unit::Execute, lim.token_depth)) return changed;
  const uint32_t err = matmul_check<DIM>(x, lim);
  if (err != uint32_t(isa::ErrorCode::None)) {
    fault.code = err;
    fault.insn = slot.cur.index;
    return true;
  }
  tok.pop(f, isa::Unit::Execute);
  matmul_execute(x, mem);
  ctr.array_rows += uint64_t(x.rows) * x.outer;
  tok.push(f, isa::Unit::Execute);
  ++ctr.insns;
  slot.valid = false;
  return true;
}

}  // namespace systole::hls

#pragma GCC diagnostic pop
