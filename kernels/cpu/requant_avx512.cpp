// The output path (arch/requant.hpp) vectorized with AVX-512, bit-exact with
// systole::requantize. Sixteen int32 accumulators are split into even and odd lanes held as
// 64-bit values (shifts only, no cross-lane shuffles), and every step runs in 64-bit lanes as
// the scalar code does:
//   x = sat32(acc + bias); prod = x * mult (vpmuldq: exact 64-bit product);
//   q = (prod + 2^(s-1) - 1 + odd(prod >> s)) >> s   == round-half-even(prod / 2^s) for s > 0
//   (the odd term turns round-half-down into half-to-even; |prod| <= 2^62, so no overflow).
// The scalar tail  y = clamp(clamp(sat32(q) + zp, lo, hi), -128, 127)  is evaluated as
//   vpmovsdb(min(max(q + zp, fa), fb)),  fa = c(INT32_MIN + zp), fb = c(INT32_MAX + zp),
// with c(v) = min(max(v, lo), hi): sat32(q) + zp = clamp(q + zp, INT32_MIN + zp, INT32_MAX + zp)
// and a monotone c maps clamp(v, A, B) to clamp(c(v), c(A), c(B)); c(v) = v on [fa, fb] unless
// lo > hi, where fa = fb = hi. vpmovsdb's saturation is the final [-128, 127] clamp.
// Column parameters are widened once per tile and reused for every row.
// GCC 12's AVX-512 headers build masked intrinsics on _mm512_undefined_*(), which its
// -Wmaybe-uninitialized misreports once inlined (a known false positive); silence it here only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <climits>

#include "kernels/cpu/gemm_i8_variant.hpp"

#define SYSTOLE_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))

namespace systole::cpu::detail {
namespace {

// Per-column parameters of one half (even or odd lanes) of 16 columns, as 64-bit lanes.
struct Half {
  __m512i bias, mult, shift, half_m1, odd_mask;
};

struct Consts {
  __m512i one, i32min, i32max, zp, fa, fb;
};

SYSTOLE_AVX512 inline __m512i even64(__m512i v) { return _mm512_srai_epi64(_mm512_slli_epi64(v, 32), 32); }
SYSTOLE_AVX512 inline __m512i odd64(__m512i v) { return _mm512_srai_epi64(v, 32); }

SYSTOLE_AVX512 inline Half make_half(__m512i bias, __m512i mult, __m512i shift, const Consts& c) {
  Half h;
  h.bias = bias;
  h.mult = mult;  // vpmuldq reads the low 32 bits of each lane: no sign extension needed
  h.shift = _mm512_min_epu64(shift, _mm512_set1_epi64(63));  // shift > 63 acts as 63
  // 2^(s-1) - 1 and odd_mask = 1 for s > 0; both 0 for s == 0 (then q = prod exactly).
  const __mmask8 nonzero = _mm512_test_epi64_mask(h.shift, h.shift);
  h.half_m1 = _mm512_maskz_sub_epi64(nonzero, _mm512_sllv_epi64(c.one, _mm512_sub_epi64(h.shift, c.one)), c.one);
  h.odd_mask = _mm512_maskz_mov_epi64(nonzero, c.one);
  return h;
}

// Eight accumulators (int32 values in 64-bit lanes) -> eight results in 64-bit lanes.
// kBiasFolded: acc already is acc + bias, known not to have saturated (gemm_i8.cpp).
template <bool kBiasFolded>
SYSTOLE_AVX512 inline __m512i requant_half(__m512i acc, const Half& h, const Consts& c) {
  __m512i x = acc;
  if (!kBiasFolded) x = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(acc, h.bias), c.i32min), c.i32max);
  const __m512i prod = _mm512_mul_epi32(x, h.mult);
  const __m512i odd = _mm512_and_si512(_mm512_srav_epi64(prod, h.shift), h.odd_mask);
  const __m512i q = _mm512_srav_epi64(_mm512_add_epi64(prod, _mm512_add_epi64(h.half_m1, odd)), h.shift);
  return _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(q, c.zp), c.fa), c.fb);
}

int64_t clamp_lo_hi(int64_t v, const Requant& rq) {
  v = std::max<int64_t>(v, rq.clamp_lo);
  return std::min<int64_t>(v, rq.clamp_hi);
}

template <bool kBiasFolded>
SYSTOLE_AVX512 void requant_tile_impl(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out,
                                      ptrdiff_t ldc, const Requant& rq, int n0) {
  Consts c;
  c.one = _mm512_set1_epi64(1);
  c.i32min = _mm512_set1_epi64(INT32_MIN);
  c.i32max = _mm512_set1_epi64(INT32_MAX);
  c.zp = _mm512_set1_epi64(rq.zero_point);
  c.fa = _mm512_set1_epi64(clamp_lo_hi(int64_t(INT32_MIN) + rq.zero_point, rq));
  c.fb = _mm512_set1_epi64(clamp_lo_hi(int64_t(INT32_MAX) + rq.zero_point, rq));
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
  for (int j = 0; j < count; j += 16) {
    const int left = count - j;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
    const int n = n0 + j;
    const __m512i bias = _mm512_maskz_loadu_epi32(m, rq.bias + n);
    const __m512i mult = _mm512_maskz_loadu_epi32(m, rq.mult + n);
    const __m512i shift = _mm512_maskz_loadu_epi32(m, rq.shift + n);
    const Half he = make_half(even64(bias), mult, _mm512_and_si512(shift, low32), c);
    const Half ho = make_half(odd64(bias), _mm512_srli_epi64(mult, 32), _mm512_srli_epi64(shift, 32), c);
    for (int i = 0; i < rows; ++i) {
      const __m512i a = _mm512_maskz_loadu_epi32(m, acc + i * ld_acc + j);
      const __m512i ye = requant_half<kBiasFolded>(even64(a), he, c);
      const __m512i yo = requant_half<kBiasFolded>(odd64(a), ho, c);
      // Results fit int32 (they lie in [fa, fb]): put odd lanes back in the high halves.
      const __m512i y = _mm512_ternarylogic_epi64(_mm512_slli_epi64(yo, 32), ye, low32, 0xF8);  // yo<<32 | (ye & low32)
      _mm_mask_storeu_epi8(out + i * ldc + j, m, _mm512_cvtsepi32_epi8(y));
    }
  }
}

}  // namespace

void requant_tile_avx512(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out, ptrdiff_t ldc,
                         const Requant& rq, int n0, bool bias_folded) {
  if (bias_folded) requant_tile_impl<true>(acc, ld_acc, rows, count, out, ldc, rq, n0);
  else requant_tile_impl<false>(acc, ld_acc, rows, count, out, ldc, rq, n0);
}

void requant_row_avx512(const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0) {
  requant_tile_avx512(acc, 0, 1, count, out, 0, rq, n0, false);
}

}  // namespace systole::cpu::detail
