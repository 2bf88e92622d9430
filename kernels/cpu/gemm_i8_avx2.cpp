// AVX2 GEMM variant: a 6x16 register tile of vpmaddwd on int16 (A and B sign-extended at
// packing). A pair of int8 x int8 products is at most 2^15 in magnitude, so vpmaddwd's int32
// pair sums are exact (vpmaddubsw would saturate its int16 pair sums and is not). Function
// target attributes keep the binary loadable on CPUs without AVX2; the dispatcher only calls
// this variant when CPUID reports AVX2.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/gemm_i8_variant.hpp"

#define SYSTOLE_AVX2 __attribute__((target("avx2,fma")))

namespace systole::cpu::detail {
namespace {

constexpr int kMr = 6, kNr = 16;

// A tile as int16 in [k/2][i][2] order: one 32-bit broadcast feeds row i for a k pair.
void pack_a(const int8_t* A, ptrdiff_t lda, int rows, int K, int Kp, void* dst) {
  auto* d = static_cast<int16_t*>(dst);
  std::memset(d, 0, size_t(Kp) * kMr * 2);
  for (int i = 0; i < rows; ++i)
    for (int k = 0; k < K; ++k) d[((k >> 1) * kMr + i) * 2 + (k & 1)] = A[i * lda + k];
}

// B panel as int16 in [k/2][j][2] order: two YMM per k pair (columns 0-7, 8-15).
void pack_b_panel(const int8_t* B, ptrdiff_t sk, ptrdiff_t sn, int K, int Kp, int n0, int N, uint8_t* dst) {
  auto* d = reinterpret_cast<int16_t*>(dst);
  std::memset(d, 0, size_t(Kp) * kNr * 2);
  const int cols = std::min(kNr, N - n0);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < cols; ++j) d[((k >> 1) * kNr + j) * 2 + (k & 1)] = B[k * sk + (n0 + j) * sn];
}

// Named accumulators, not an array: GCC 12 spills arrays of vectors every iteration. All six
// rows are computed; pack_a zero-fills the padding rows of edge tiles.
#define SYSTOLE_ROW_DECL(i) __m256i c##i##0 = i0, c##i##1 = i1;
#define SYSTOLE_ROW_STEP(i)                                                 \
  {                                                                         \
    int32_t pair;                                                           \
    std::memcpy(&pair, a + (g * kMr + i) * 2, 4);                           \
    const __m256i av = _mm256_set1_epi32(pair);                             \
    c##i##0 = _mm256_add_epi32(c##i##0, _mm256_madd_epi16(av, b0));         \
    c##i##1 = _mm256_add_epi32(c##i##1, _mm256_madd_epi16(av, b1));         \
  }
#define SYSTOLE_ROW_STORE(i)                                                \
  _mm256_store_si256(reinterpret_cast<__m256i*>(t.tile + i * kNr), c##i##0); \
  _mm256_store_si256(reinterpret_cast<__m256i*>(t.tile + i * kNr + 8), c##i##1);

SYSTOLE_AVX2 void kernel(const TileArgs& t) {
  const auto* a = static_cast<const int16_t*>(t.a);
  const auto* b = reinterpret_cast<const int16_t*>(t.b);
  const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.col_init));
  const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.col_init + 8));
  SYSTOLE_ROW_DECL(0) SYSTOLE_ROW_DECL(1) SYSTOLE_ROW_DECL(2)
  SYSTOLE_ROW_DECL(3) SYSTOLE_ROW_DECL(4) SYSTOLE_ROW_DECL(5)
  for (int g = 0; g < t.Kp / 2; ++g) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + g * 32));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + g * 32 + 16));
    SYSTOLE_ROW_STEP(0) SYSTOLE_ROW_STEP(1) SYSTOLE_ROW_STEP(2)
    SYSTOLE_ROW_STEP(3) SYSTOLE_ROW_STEP(4) SYSTOLE_ROW_STEP(5)
  }
  SYSTOLE_ROW_STORE(0) SYSTOLE_ROW_STORE(1) SYSTOLE_ROW_STORE(2)
  SYSTOLE_ROW_STORE(3) SYSTOLE_ROW_STORE(4) SYSTOLE_ROW_STORE(5)
}
#undef SYSTOLE_ROW_DECL
#undef SYSTOLE_ROW_STEP
#undef SYSTOLE_ROW_STORE

}  // namespace

const GemmVariant& avx2_variant() {
  static const GemmVariant v{Isa::kAvx2, kMr, kNr, 2, 2, 2, 0, pack_a, nullptr, pack_b_panel, kernel, requant_row_scalar,
                             requant_tile_scalar};
  return v;
}

}  // namespace systole::cpu::detail
