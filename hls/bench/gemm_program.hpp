// A complete dense int8 GEMM program for the accelerator (C = A * B, raw int32 output),
// built straight from the ISA codec: used by hls_bench for throughput and by the tests as
// an end-to-end, multi-unit, token-ordered program. Host-only.
//
// DRAM: instructions at 0, then A (M x K, row-major int8), B (K x N), C (M x N int32).
// Scratchpad: A as K/DIM column blocks of M rows, then B as N/DIM column blocks of K rows
// (rows kb*DIM.. of block nb are weight tile (kb, nb)). Accumulator: two M-row regions, so
// the STORE of one output column block overlaps the MATMULs of the next.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"

namespace systole::hls::bench {

struct GemmProgram {
  uint32_t m = 0, n = 0, k = 0, dim = 0;
  uint64_t a_off = 0, b_off = 0, c_off = 0;
  uint32_t insn_count = 0;
  std::vector<uint8_t> dram;

  uint32_t spad_rows_needed() const { return (m * k + k * n) / dim; }
  uint32_t acc_rows_needed() const { return 2 * m; }
  int32_t c(uint32_t i, uint32_t j) const {
    int32_t v;
    std::memcpy(&v, &dram[c_off + (uint64_t(i) * n + j) * 4], 4);
    return v;
  }
};

// A and B filled by the caller afterwards (or left zero). M, N, K multiples of dim.
inline GemmProgram make_gemm_program(uint32_t dim, uint32_t m, uint32_t n, uint32_t k) {
  if (!dim || m % dim || n % dim || k % dim || m > 0xffff)
    throw Error("gemm program: M, N, K must be multiples of DIM and M < 65536");
  GemmProgram g;
  g.m = m, g.n = n, g.k = k, g.dim = dim;
  const uint32_t kb_count = k / dim, nb_count = n / dim;
  const uint32_t w_base = m * kb_count;  // first scratchpad row of B

  // Layout first: the instruction count is known from the shape.
  g.insn_count = kb_count + nb_count + nb_count * (kb_count + 1);
  g.a_off = (uint64_t(g.insn_count) * isa::kInsnBytes + 63) / 64 * 64;
  g.b_off = g.a_off + uint64_t(m) * k;
  g.c_off = (g.b_off + uint64_t(k) * n + 63) / 64 * 64;
  const uint64_t size = g.c_off + uint64_t(m) * n * 4;
  if (size > 0xffffffffu) throw Error("gemm program: does not fit 32-bit DRAM addresses");
  g.dram.assign(size, 0);

  uint32_t pc = 0;
  auto emit = [&](const isa::Insn& w) { isa::insn_to_bytes(w, &g.dram[uint64_t(pc++) * isa::kInsnBytes]); };
  for (uint32_t kb = 0; kb < kb_count; ++kb) {
    isa::LoadInsn x;
    x.sram_addr = kb * m, x.dram_addr = uint32_t(g.a_off + uint64_t(kb) * dim), x.dram_stride = k;
    x.y_size = m, x.x_size = dim;
    emit(isa::pack(x));
  }
  for (uint32_t nb = 0; nb < nb_count; ++nb) {
    isa::LoadInsn x;
    x.sram_addr = w_base + nb * k, x.dram_addr = uint32_t(g.b_off + uint64_t(nb) * dim), x.dram_stride = n;
    x.y_size = k, x.x_size = dim;
    x.push_next = nb + 1 == nb_count;  // one token: all of A and B are on chip
    emit(isa::pack(x));
  }
  for (uint32_t nb = 0; nb < nb_count; ++nb) {
    const uint32_t region = (nb % 2) * m;
    for (uint32_t kb = 0; kb < kb_count; ++kb) {
      isa::MatmulInsn x;
      x.pop_prev = nb == 0 && kb == 0;
      x.pop_next = nb >= 2 && kb == 0;   // the STORE two blocks back freed this region
      x.push_next = kb + 1 == kb_count;  // results of block nb are complete
      x.load_weights = 1, x.w_addr = w_base + nb * k + kb * dim, x.w_rows = dim;
      x.a_addr = kb * m, x.rows = m, x.acc_addr = region, x.accumulate = kb > 0;
      emit(isa::pack(x));
    }
    isa::StoreInsn s;
    s.pop_prev = 1, s.push_prev = nb + 2 < nb_count;
    s.acc_addr = region, s.y_size = m, s.x_size = dim, s.raw = 1;
    s.dram_addr = uint32_t(g.c_off + uint64_t(nb) * dim * 4), s.dram_stride = n * 4;
    emit(isa::pack(s));
  }
  return g;
}

}  // namespace systole::hls::bench
