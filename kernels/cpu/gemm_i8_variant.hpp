// Internal: the interface each ISA variant of the int8 GEMM implements (one .cpp per ISA).
// The driver loop, threading and epilogue modes live once in gemm_i8.cpp; a variant only
// supplies its packing layouts, its register-tile kernel and its requantization.
//
// Exactness: every variant computes sum_k A'[m][k] * B'[k][n] with A' = A (s8) and
// B' = B + b_offset (b_offset = 128 for VNNI, whose vpdpbusd needs one u8 operand), so
//   sum (A - zp) * B = sum A * B' - b_offset * rowsum(A)[m] - zp * colsum(B)[n]   (mod 2^32).
// The driver folds both correction terms into the accumulators' starting values.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/cpu/gemm_i8.hpp"

namespace systole::cpu::detail {

constexpr int kMaxMr = 6, kMaxNr = 64;  // largest register tile of any variant

// One register tile: tile[i][j] = col_init[j] + row_init[i] + sum_k A'[i][k] * B'[k][j],
// for i < mr (rows >= `rows` are don't-care), j < nr; int32, wrapping; tile row stride nr.
struct TileArgs {
  const void* a;        // packed A tile, or (variants without pack_a) A itself at the tile's first row
  ptrdiff_t lda;        // row stride of A for variants that read it in place
  int rows;             // valid rows
  const uint8_t* b;     // packed B panel
  int K, Kp;
  const int32_t* col_init;  // [nr]
  const int32_t* row_init;  // [rows], or null (zeros)
  int32_t* tile;            // [mr][nr], 64-byte aligned
};

struct GemmVariant {
  Isa isa;
  int mr, nr;        // register tile: rows of A x columns of B
  int kgroup;        // K is padded to a multiple of this (4 for vpdpbusd, 2 for vpmaddwd)
  int a_elem_bytes;  // bytes per packed A element
  int b_elem_bytes;  // bytes per packed B element (int16 for AVX2, 1 otherwise)
  int b_offset;      // B' = B + b_offset
  // Packs `rows` (<= mr) rows of A into one tile of mr * Kp elements (padding rows and k >= K
  // meet B's zero padding). Null: the kernel reads A in place (strided rows, no copy).
  void (*pack_a)(const int8_t* A, ptrdiff_t lda, int rows, int K, int Kp, void* dst);
  // out[i] = sum_k A[i][k] (int32 wrapping) for i < rows; needed when b_offset != 0.
  void (*row_sums)(const int8_t* A, ptrdiff_t lda, int rows, int K, int32_t* out);
  // Packs columns [n0, n0 + nr) of B' (columns >= N and rows >= K as zeros) into one panel.
  void (*pack_b_panel)(const int8_t* B, ptrdiff_t sk, ptrdiff_t sn, int K, int Kp, int n0, int N, uint8_t* dst);
  void (*kernel)(const TileArgs& t);
  void (*requant_row)(const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0);
  // The same for `rows` rows sharing columns [n0, n0 + count): acc row stride ld_acc, out ldc.
  // bias_folded: acc already holds acc + bias and cannot have saturated (see gemm_i8.cpp), so
  // the bias add and its saturation are skipped.
  void (*requant_tile)(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out, ptrdiff_t ldc,
                       const Requant& rq, int n0, bool bias_folded);
};

const GemmVariant& portable_variant();
const GemmVariant& avx2_variant();
const GemmVariant& avx512_vnni_variant();
const GemmVariant& variant_for(Isa isa);

// Scalar output path (systole::requantize per element): the portable epilogue.
void requant_row_scalar(const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0);
void requant_tile_scalar(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out, ptrdiff_t ldc,
                         const Requant& rq, int n0, bool bias_folded);

}  // namespace systole::cpu::detail
