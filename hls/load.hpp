// Load stage: the LOAD instruction. A DMA from DRAM into the scratchpad (int8 rows) or the
// accumulator (little-endian int32 rows) that inserts padding on the fly: y_pad_before
// padding rows, y_size data rows (x_pad_before padding elements, x_size DRAM elements,
// padding up to DIM), y_pad_after padding rows. This is what makes convolution an implicit
// im2col: the zero point border is never materialized in DRAM.
#pragma once
#include <cstdint>

#include "hls/hw_types.hpp"
#include "hls/stream.hpp"
#include "hls/tokens.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

// Fault check done when the instruction starts, before it has any effect, so a faulting
// LOAD changes nothing. Order: field errors, then on-chip range, then DRAM range.
template <int DIM>
uint32_t load_check(const isa::LoadInsn& x, const RunLimits& lim) {
  if (!TokenCounters::legal(token_flags(x), isa::Unit::Load) || x.x_size > uint32_t(DIM) ||
      x.x_pad_before + x.x_size > uint32_t(DIM))
    return uint32_t(isa::ErrorCode::BadField);
  const bool to_acc = x.target == uint32_t(isa::Target::Acc);
  const addr_t rows = addr_t(x.y_pad_before) + x.y_size + x.y_pad_after;
  if (rows != 0 && addr_t(x.sram_addr) + rows > (to_acc ? lim.acc_rows : lim.spad_rows))
    return uint32_t(isa::ErrorCode::SramOutOfRange);
  if (x.y_size != 0 && x.x_size != 0) {
    const addr_t elem_bytes = to_acc ? kAccElemBytes : 1;
    const addr_t end = addr_t(x.dram_addr) + addr_t(x.y_size - 1) * x.dram_stride + x.x_size * elem_bytes;
    if (end > lim.dram_size) return uint32_t(isa::ErrorCode::DmaBusError);
  }
  return uint32_t(isa::ErrorCode::None);
}

// One on-chip row: padding, DRAM elements, padding. `T` is the on-chip element (int8 or
// int32); int32 elements are assembled from 4 little-endian bytes. `src` is the row's DRAM
// byte address and is only dereferenced for data elements (never when x_size = 0).
template <int DIM, typename T>
void load_row(const dram_t* dram, addr_t src, uint32_t x_pad_before, uint32_t x_size, T pad, T* dst) {
#pragma HLS INLINE
load_row_elems:
  for (uint32_t n = 0; n < uint32_t(DIM); ++n) {
#pragma HLS UNROLL
    T v = pad;
    if (n >= x_pad_before && n < x_pad_before + x_size) {
      const addr_t at = src + addr_t(n - x_pad_before) * sizeof(T);
      uint32_t word = 0;
    load_row_bytes:
      for (uint32_t b = 0; b < sizeof(T); ++b) word |= uint32_t(dram[at + b]) << (8 * b);
      v = T(word);  // truncation to int8 / reinterpretation as int32: two's complement
    }
    dst[n] = v;
  }
}

template <int DIM, typename T>
void load_block(const dram_t* dram, const isa::LoadInsn& x, T (*rows)[DIM]) {
  // pad_value is already sign-extended by the codec, so T(pad_value) is the sign extension
  // the ISA asks for on the accumulator.
  const T pad = T(x.pad_value);
  addr_t row = x.sram_addr;
load_pad_before:
  for (uint32_t r = 0; r < x.y_pad_before; ++r, ++row) load_row<DIM, T>(dram, 0, DIM, 0, pad, rows[row]);
load_data_rows:
  for (uint32_t r = 0; r < x.y_size; ++r, ++row) {
#pragma HLS PIPELINE II = 1
    const addr_t src = addr_t(x.dram_addr) + addr_t(r) * x.dram_stride;
    load_row<DIM, T>(dram, src, x.x_pad_before, x.x_size, pad, rows[row]);
  }
load_pad_after:
  for (uint32_t r = 0; r < x.y_pad_after; ++r, ++row) load_row<DIM, T>(dram, 0, DIM, 0, pad, rows[row]);
}

// Runs the LOAD at the head of the load queue if its tokens allow. Returns whether the
// stage changed any state (took an instruction, retired one or faulted).
template <int DIM, int SPAD_ROWS, int ACC_ROWS, int Q>
bool load_step(const dram_t* dram, const RunLimits& lim, stream<QueuedInsn, Q>& q, UnitSlot& slot,
               TokenCounters& tok, OnChip<DIM, SPAD_ROWS, ACC_ROWS>& mem, KernelCounters& ctr, Fault& fault) {
  bool changed = false;
  if (!slot.valid) {
    if (q.empty()) return false;
    slot.cur = q.read();
    slot.valid = true;
    changed = true;
  }
  const isa::LoadInsn x = isa::unpack_load(slot.cur.insn);
  const TokenFlags f = token_flags(x);
  if (!tok.ready(f, isa::Unit::Load, lim.token_depth)) return changed;
  const uint32_t err = load_check<DIM>(x, lim);
  if (err != uint32_t(isa::ErrorCode::None)) {
    fault.code = err;
    fault.insn = slot.cur.index;
    return true;
  }
  tok.pop(f, isa::Unit::Load);
  const bool to_acc = x.target == uint32_t(isa::Target::Acc);
  if (to_acc)
    load_block<DIM, acc_t>(dram, x, mem.acc);
  else
    load_block<DIM, elem_t>(dram, x, mem.spad);
  ctr.dram_rd_bytes += uint64_t(x.y_size) * x.x_size * (to_acc ? kAccElemBytes : 1);
  tok.push(f, isa::Unit::Load);
  ++ctr.insns;
  slot.valid = false;
  return true;
}

}  // namespace systole::hls

#pragma GCC diagnostic pop
