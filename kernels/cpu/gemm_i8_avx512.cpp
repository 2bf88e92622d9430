// AVX-512 VNNI GEMM variant: a 6x64 register tile (24 ZMM accumulators) of vpdpbusd.
// vpdpbusd multiplies u8 by s8. The u8 side is the packed weight panel, stored as B + 128;
// A stays s8 and is read in place (no packing copy: each k-group is one 32-bit broadcast per
// row, straight from A's strided rows). The driver starts the accumulators at
// -128 * rowsum(A)[m] - zp * colsum(B)[n], which makes the result exact modulo 2^32.
// A group of four u8 x s8 products is at most 4 * 255 * 128 < 2^31, so nothing saturates.
// Per k-group the tile issues 4 ZMM loads of B, 6 broadcasts of A and 24 vpdpbusd.
// Function target attributes keep the binary loadable on CPUs without AVX-512.
// GCC 12's AVX-512 headers build masked intrinsics on _mm512_undefined_*(), which its
// -Wmaybe-uninitialized misreports once inlined (a known false positive); silence it here only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/gemm_i8_variant.hpp"

#define SYSTOLE_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))

namespace systole::cpu::detail {

void requant_row_avx512(const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0);
void requant_tile_avx512(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out, ptrdiff_t ldc,
                         const Requant& rq, int n0, bool bias_folded);

namespace {

constexpr int kMr = 6, kNr = 64;

// Row sums with vpdpbusd against a vector of ones: 64 bytes per instruction.
SYSTOLE_AVX512 void row_sums(const int8_t* A, ptrdiff_t lda, int rows, int K, int32_t* out) {
  const __m512i ones = _mm512_set1_epi8(1);
  for (int i = 0; i < rows; ++i) {
    const int8_t* a = A + i * lda;
    __m512i s = _mm512_setzero_si512();
    for (int k = 0; k < K; k += 64) {
      const __mmask64 m = K - k >= 64 ? ~__mmask64(0) : (__mmask64(1) << (K - k)) - 1;
      s = _mm512_dpbusd_epi32(s, ones, _mm512_maskz_loadu_epi8(m, a + k));
    }
    out[i] = _mm512_reduce_add_epi32(s);
  }
}

// B' = B + 128 as u8 in [k/4][j][4] order: four ZMM per k-group (columns 0-15, ..., 48-63).
// Padding (k >= K, columns >= N) is u8 0, so it adds nothing whatever A holds there.
void pack_b_panel(const int8_t* B, ptrdiff_t sk, ptrdiff_t sn, int K, int Kp, int n0, int N, uint8_t* dst) {
  std::memset(dst, 0, size_t(Kp) * kNr);
  const int cols = std::min(kNr, N - n0);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < cols; ++j)
      dst[((k >> 2) * kNr + j) * 4 + (k & 3)] = uint8_t(B[k * sk + (n0 + j) * sn]) ^ 0x80u;
}

// The 24 accumulators are named variables, not an array: GCC 12 does not keep a 1.5 KiB array
// of vectors in registers (it spills it every iteration, 3x slower). All six rows are always
// computed; the rows of an edge tile past `rows` re-read row 0 and are not stored.
#define SYSTOLE_ROW_DECL(i)                                             \
  const int8_t* a##i = a + (i < t.rows ? i : 0) * t.lda;                \
  const __m512i r##i = _mm512_set1_epi32(t.row_init[i < t.rows ? i : 0]); \
  __m512i c##i##0 = _mm512_add_epi32(i0, r##i), c##i##1 = _mm512_add_epi32(i1, r##i); \
  __m512i c##i##2 = _mm512_add_epi32(i2, r##i), c##i##3 = _mm512_add_epi32(i3, r##i);
#define SYSTOLE_ROW_FMA(i, av)                           \
  c##i##0 = _mm512_dpbusd_epi32(c##i##0, b0, av);        \
  c##i##1 = _mm512_dpbusd_epi32(c##i##1, b1, av);        \
  c##i##2 = _mm512_dpbusd_epi32(c##i##2, b2, av);        \
  c##i##3 = _mm512_dpbusd_epi32(c##i##3, b3, av);
#define SYSTOLE_ROW_STEP(i)                 \
  {                                         \
    int32_t quad;                           \
    std::memcpy(&quad, a##i + 4 * g, 4);    \
    const __m512i av = _mm512_set1_epi32(quad); \
    SYSTOLE_ROW_FMA(i, av)                  \
  }
#define SYSTOLE_ROW_TAIL(i)                 \
  {                                         \
    int32_t quad = 0;                       \
    std::memcpy(&quad, a##i + 4 * g, tail); \
    const __m512i av = _mm512_set1_epi32(quad); \
    SYSTOLE_ROW_FMA(i, av)                  \
  }
#define SYSTOLE_ROW_STORE(i)                                  \
  _mm512_store_si512(t.tile + i * kNr + 0, c##i##0);          \
  _mm512_store_si512(t.tile + i * kNr + 16, c##i##1);         \
  _mm512_store_si512(t.tile + i * kNr + 32, c##i##2);         \
  _mm512_store_si512(t.tile + i * kNr + 48, c##i##3);
#define SYSTOLE_ROWS(M) M(0) M(1) M(2) M(3) M(4) M(5)

SYSTOLE_AVX512 void kernel(const TileArgs& t) {
  const auto* a = static_cast<const int8_t*>(t.a);
  const int8_t* b = reinterpret_cast<const int8_t*>(t.b);
  const __m512i i0 = _mm512_loadu_si512(t.col_init), i1 = _mm512_loadu_si512(t.col_init + 16);
  const __m512i i2 = _mm512_loadu_si512(t.col_init + 32), i3 = _mm512_loadu_si512(t.col_init + 48);
  SYSTOLE_ROWS(SYSTOLE_ROW_DECL)
  const int full = t.K / 4, tail = t.K % 4;
  int g = 0;
  for (; g < full; ++g) {
    const int8_t* bg = b + g * 256;
    const __m512i b0 = _mm512_load_si512(bg), b1 = _mm512_load_si512(bg + 64);
    const __m512i b2 = _mm512_load_si512(bg + 128), b3 = _mm512_load_si512(bg + 192);
    SYSTOLE_ROWS(SYSTOLE_ROW_STEP)
  }
  if (tail) {  // last partial group: copy only the bytes inside A's rows
    const int8_t* bg = b + g * 256;
    const __m512i b0 = _mm512_load_si512(bg), b1 = _mm512_load_si512(bg + 64);
    const __m512i b2 = _mm512_load_si512(bg + 128), b3 = _mm512_load_si512(bg + 192);
    SYSTOLE_ROWS(SYSTOLE_ROW_TAIL)
  }
  SYSTOLE_ROWS(SYSTOLE_ROW_STORE)
}
#undef SYSTOLE_ROW_DECL
#undef SYSTOLE_ROW_FMA
#undef SYSTOLE_ROW_STEP
#undef SYSTOLE_ROW_TAIL
#undef SYSTOLE_ROW_STORE
#undef SYSTOLE_ROWS

}  // namespace

const GemmVariant& avx512_vnni_variant() {
  static const GemmVariant v{Isa::kAvx512Vnni, kMr, kNr, 4, 1, 1, 128, nullptr, row_sums, pack_b_panel, kernel,
                             requant_row_avx512, requant_tile_avx512};
  return v;
}

}  // namespace systole::cpu::detail
