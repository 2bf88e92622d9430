// Store stage: the STORE instruction. Accumulator rows go through the output path (bias,
// per-channel requantization, zero point, clamp: systole::requantize, the one definition
// in arch/requant.hpp) and out to DRAM as int8, or unchanged as little-endian int32 when
// raw = 1. The per-channel parameters are the three accumulator rows at param_addr.
#pragma once
#include <cstdint>

#include "arch/requant.hpp"
#include "hls/hw_types.hpp"
#include "hls/stream.hpp"
#include "hls/tokens.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

template <int DIM>
uint32_t store_check(const isa::StoreInsn& x, const RunLimits& lim) {
  if (!TokenCounters::legal(token_flags(x), isa::Unit::Store) || x.x_size > uint32_t(DIM))
    return uint32_t(isa::ErrorCode::BadField);
  if (x.y_size == 0) return uint32_t(isa::ErrorCode::None);  // a no-op touches nothing
  if (addr_t(x.acc_addr) + x.y_size > lim.acc_rows ||
      (!x.raw && addr_t(x.param_addr) + isa::kParamRows > lim.acc_rows))
    return uint32_t(isa::ErrorCode::SramOutOfRange);
  if (x.x_size != 0) {
    const addr_t elem_bytes = x.raw ? kAccElemBytes : 1;
    const addr_t end = addr_t(x.dram_addr) + addr_t(x.y_size - 1) * x.dram_stride + x.x_size * elem_bytes;
    if (end > lim.dram_size) return uint32_t(isa::ErrorCode::DmaBusError);
  }
  return uint32_t(isa::ErrorCode::None);
}

// Decoded per-channel parameters, held in registers for the whole instruction (the output
// path reads the three parameter rows once, before the data rows).
template <int DIM>
struct OutputParams {
  acc_t bias[DIM];
  acc_t mult[DIM];
  uint32_t shift[DIM];
  acc_t zero_point[DIM];
  acc_t clamp_lo[DIM];
  acc_t clamp_hi[DIM];
};

template <int DIM, int SPAD_ROWS, int ACC_ROWS>
void store_execute(dram_t* dram, const isa::StoreInsn& x, const OnChip<DIM, SPAD_ROWS, ACC_ROWS>& mem) {
  OutputParams<DIM> p;
  if (!x.raw) {
    const acc_t* bias = mem.acc[addr_t(x.param_addr) + isa::kParamBiasRow];
    const acc_t* mult = mem.acc[addr_t(x.param_addr) + isa::kParamMultRow];
    const acc_t* word = mem.acc[addr_t(x.param_addr) + isa::kParamWordRow];
  store_params:
    for (int n = 0; n < DIM; ++n) {
#pragma HLS UNROLL
      const isa::ParamWord pw = isa::unpack_param(uint32_t(word[n]));
      p.bias[n] = bias[n];
      p.mult[n] = mult[n];
      p.shift[n] = pw.shift;
      p.zero_point[n] = pw.zero_point;
      p.clamp_lo[n] = pw.clamp_lo;
      p.clamp_hi[n] = pw.clamp_hi;
    }
  }
store_rows:
  for (uint32_t r = 0; r < x.y_size; ++r) {
#pragma HLS PIPELINE II = 1
    const acc_t* row = mem.acc[addr_t(x.acc_addr) + r];
    const addr_t dst = addr_t(x.dram_addr) + addr_t(r) * x.dram_stride;
  store_elems:
    for (uint32_t n = 0; n < x.x_size; ++n) {
      if (x.raw) {
        const uint32_t v = uint32_t(row[n]);
      store_bytes:
        for (uint32_t b = 0; b < kAccElemBytes; ++b) dram[dst + addr_t(n) * kAccElemBytes + b] = dram_t(v >> (8 * b));
      } else {
        const int8_t q = requantize(row[n], p.bias[n], p.mult[n], p.shift[n], p.zero_point[n], p.clamp_lo[n], p.clamp_hi[n]);
        dram[dst + n] = dram_t(q);
      }
    }
  }
}

// Runs the STORE at the head of the store queue if its tokens allow. Returns whether the
// stage changed any state.
template <int DIM, int SPAD_ROWS, int ACC_ROWS, int Q>
bool store_step(dram_t* dram, const RunLimits& lim, stream<QueuedInsn, Q>& q, UnitSlot& slot, TokenCounters& tok,
                const OnChip<DIM, SPAD_ROWS, ACC_ROWS>& mem, KernelCounters& ctr, Fault& fault) {
  bool changed = false;
  if (!slot.valid) {
    if (q.empty()) return false;
    slot.cur = q.read();
    slot.valid = true;
    changed = true;
  }
  const isa::StoreInsn x = isa::unpack_store(slot.cur.insn);
  const TokenFlags f = token_flags(x);
  if (!tok.ready(f, isa::Unit::Store, lim.token_depth)) return changed;
  const uint32_t err = store_check<DIM>(x, lim);
  if (err != uint32_t(isa::ErrorCode::None)) {
    fault.code = err;
    fault.insn = slot.cur.index;
    return true;
  }
  tok.pop(f, isa::Unit::Store);
  store_execute(dram, x, mem);
  ctr.dram_wr_bytes += uint64_t(x.y_size) * x.x_size * (x.raw ? kAccElemBytes : 1);
  tok.push(f, isa::Unit::Store);
  ++ctr.insns;
  slot.valid = false;
  return true;
}

}  // namespace systole::hls

#pragma GCC diagnostic pop
