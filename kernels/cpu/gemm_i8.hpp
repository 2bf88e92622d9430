// Fast int8 GEMM for the CPU, bit-exact with the reference (kernels/reference.hpp):
//
//   acc[m][n] = sum_k (A[m][k] - a_zero_point) * B[k][n]     int32, wrapping modulo 2^32
//   C[m][n]   = systole::requantize(acc, bias[n], mult[n], shift[n], zp, lo, hi)   (or acc itself)
//
// B (the weights) is packed once into the layout of one ISA variant (pack_b). The zero point
// is folded out of the K loop (accumulators start at -zp * colsum(B)), and the requantization
// runs in the kernel's epilogue, so C is written once, as int8, while the tile is in L1.
// Variants (chosen at run time, see cpu_features.hpp; exactness in gemm_i8_variant.hpp):
//   avx512_vnni  6x64 register tile of vpdpbusd (u8 x s8): B is packed as B+128 (u8), A is read
//                in place as s8, and -128 * rowsum(A) corrects the offset, exactly mod 2^32.
//   avx2         6x16 register tile of vpmaddwd on int16 (vpmaddubsw would saturate).
//   portable     4x16 scalar tile in uint32 arithmetic (defined wrap-around), auto-vectorized.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/cpu/cpu_features.hpp"
#include "kernels/reference.hpp"

namespace systole::cpu {

// Per-output-channel requantization parameters, indexed by the GEMM column n: the same struct
// the reference uses, so one parameter set drives both.
using Requant = ref::Requant;

// B packed for one ISA: column panels of the variant's NR columns, K padded to its k-group.
struct PackedB {
  Isa isa = Isa::kPortable;
  int K = 0, N = 0;
  int Kp = 0;                 // K rounded up to the variant's k-group
  int panels = 0;             // ceil(N / NR)
  size_t panel_bytes = 0;     // bytes per panel
  std::unique_ptr<uint8_t[], void (*)(void*)> data{nullptr, nullptr};  // 64-byte aligned
  std::unique_ptr<int32_t[]> colsum;  // sum_k B[k][n] per column (padded to panels*NR), int32 wrapping
  const uint8_t* panel(int p) const { return data.get() + size_t(p) * panel_bytes; }
};

// Packs B, element (k, n) at B[k * stride_k + n * stride_n]: row-major B is (ldb, 1); a
// transposed matrix (e.g. OHWI conv weights, one output channel per row) is (1, ld).
PackedB pack_b(const int8_t* B, int K, int N, ptrdiff_t stride_k, ptrdiff_t stride_n, Isa isa);
inline PackedB pack_b(const int8_t* B, int K, int N, Isa isa) { return pack_b(B, K, N, N, 1, isa); }

// What the epilogue does with each finished tile.
enum class GemmOut {
  kRequantI8,      // c_i8[m*ldc + n] = requantize(acc, ...)
  kStoreI32,       // c_i32[m*ldc + n] = acc
  kAccumulateI32,  // c_i32[m*ldc + n] += acc (wrapping): shifted GEMMs of a convolution
};

struct GemmArgs {
  int M = 0;
  const int8_t* A = nullptr;  // M x B.K, row m at A + m * lda
  ptrdiff_t lda = 0;
  int32_t a_zero_point = 0;
  const PackedB* B = nullptr;
  GemmOut out = GemmOut::kRequantI8;
  int8_t* c_i8 = nullptr;
  int32_t* c_i32 = nullptr;
  ptrdiff_t ldc = 0;
  Requant rq{};  // used by kRequantI8; bias/mult/shift indexed by n in [0, N)
  int threads = 1;  // OpenMP threads for this call (1 = run on the calling thread)
};

// Runs the variant B was packed for (which must be supported by this CPU).
void gemm_i8(const GemmArgs& args);

// Convenience: packs row-major B (K x N) and runs the requantizing GEMM.
void gemm_i8_requant(const int8_t* A, const int8_t* B, int8_t* C, int M, int N, int K, int32_t a_zero_point,
                     const Requant& rq, int threads = 1, Isa isa = best_isa());

// One row of the output path, vectorized where the ISA allows; out[j] = requantize(acc[j],
// bias[n0+j], mult[n0+j], shift[n0+j], ...). Shared by the GEMM epilogue and direct convolution.
void requant_row(Isa isa, const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0);

}  // namespace systole::cpu
