// The ceiling loops (see ceiling_kernels.hpp). Each compute loop keeps 12-16 independent
// accumulator chains, enough to cover the FMA latency times the number of FMA pipes on
// current x86 cores, so the loop measures throughput, not latency. Function target attributes
// keep the binary loadable on CPUs without these instruction sets; the caller checks CPUID.
// GCC 12's AVX-512 headers build masked intrinsics on _mm512_undefined_*(), which its
// -Wmaybe-uninitialized misreports once inlined (a known false positive); silence it here only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "roofline/ceiling_kernels.hpp"

#include <immintrin.h>

#define SYSTOLE_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
#define SYSTOLE_AVX2 __attribute__((target("avx2,fma")))

namespace systole::roofline::detail {

// The peak loops are inline assembly: GCC 12 shuffles intrinsic accumulator chains through
// extra moves and stack slots, which measures the compiler, not the machine. The AVX-512 body
// is shaped like the GEMM's register tile: 24 independent accumulators (zmm0-23) fed by four
// "B" registers (zmm24-27) and two alternating "A" registers (zmm28-29). Fewer chains (16)
// reach only half the peak on Zen 5, whose FMA/VNNI latency times its two pipes exceeds 16.
#define SYSTOLE_Q(OP, a, c0, c1, c2, c3)                                                     \
  OP " %%zmm24, %%zmm" #a ", %%zmm" #c0 "\n\t" OP " %%zmm25, %%zmm" #a ", %%zmm" #c1 "\n\t" \
  OP " %%zmm26, %%zmm" #a ", %%zmm" #c2 "\n\t" OP " %%zmm27, %%zmm" #a ", %%zmm" #c3 "\n\t"
#define SYSTOLE_BODY24(OP)                                                                   \
  SYSTOLE_Q(OP, 28, 0, 1, 2, 3) SYSTOLE_Q(OP, 29, 4, 5, 6, 7) SYSTOLE_Q(OP, 28, 8, 9, 10, 11) \
  SYSTOLE_Q(OP, 29, 12, 13, 14, 15) SYSTOLE_Q(OP, 28, 16, 17, 18, 19) SYSTOLE_Q(OP, 29, 20, 21, 22, 23)
#define SYSTOLE_LOAD_OPERANDS                                                               \
  "vmovdqu64 (%[p]), %%zmm24\n\t vmovdqu64 64(%[p]), %%zmm25\n\t"                           \
  "vmovdqu64 128(%[p]), %%zmm26\n\t vmovdqu64 192(%[p]), %%zmm27\n\t"                       \
  "vmovdqu64 256(%[p]), %%zmm28\n\t vmovdqu64 320(%[p]), %%zmm29\n\t"                       \
  "vmovdqu64 (%[z]), %%zmm0\n\t"
#define SYSTOLE_COPY_ACC(i) "vmovdqa64 %%zmm0, %%zmm" #i "\n\t"
#define SYSTOLE_INIT_ACC                                                                     \
  SYSTOLE_COPY_ACC(1) SYSTOLE_COPY_ACC(2) SYSTOLE_COPY_ACC(3) SYSTOLE_COPY_ACC(4) SYSTOLE_COPY_ACC(5) \
  SYSTOLE_COPY_ACC(6) SYSTOLE_COPY_ACC(7) SYSTOLE_COPY_ACC(8) SYSTOLE_COPY_ACC(9) SYSTOLE_COPY_ACC(10) \
  SYSTOLE_COPY_ACC(11) SYSTOLE_COPY_ACC(12) SYSTOLE_COPY_ACC(13) SYSTOLE_COPY_ACC(14) SYSTOLE_COPY_ACC(15) \
  SYSTOLE_COPY_ACC(16) SYSTOLE_COPY_ACC(17) SYSTOLE_COPY_ACC(18) SYSTOLE_COPY_ACC(19) SYSTOLE_COPY_ACC(20) \
  SYSTOLE_COPY_ACC(21) SYSTOLE_COPY_ACC(22) SYSTOLE_COPY_ACC(23)
#define SYSTOLE_ZMM_CLOBBERS                                                                              \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",       \
      "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", \
      "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29"

namespace {
// Operand data: small integers for VNNI, and for fp32 values that keep the accumulators
// normal (acc += 2^-10 * 0.5 per step never overflows or goes denormal in any run length).
struct alignas(64) Operands {
  int8_t i8[6 * 64];
  float f32[6 * 16];
  int32_t zero_i[16];
  float one_f[16];
  Operands() {
    for (int i = 0; i < 6 * 64; ++i) i8[i] = int8_t(i % 7 - 3);
    for (int i = 0; i < 6 * 16; ++i) f32[i] = i < 64 ? 0.0009765625f : 0.5f;
    for (int i = 0; i < 16; ++i) zero_i[i] = 0, one_f[i] = 1.0f;
  }
};
const Operands& operands() {
  static const Operands o;
  return o;
}
}  // namespace

SYSTOLE_AVX512 double int8_vnni_loop(uint64_t iters, int* sink) {
  const uint64_t n = iters;
  if (n == 0) return 0;
  int out[16];
  __asm__ volatile(SYSTOLE_LOAD_OPERANDS SYSTOLE_INIT_ACC
                   "1:\n\t" SYSTOLE_BODY24("vpdpbusd")
                   "dec %[n]\n\t"
                   "jnz 1b\n\t"
                   "vpaddd %%zmm23, %%zmm0, %%zmm0\n\t"
                   "vmovdqu32 %%zmm0, %[out]\n\t"
                   : [n] "+r"(iters), [out] "=m"(out)
                   : [p] "r"(operands().i8), [z] "r"(operands().zero_i), "m"(operands())
                   : SYSTOLE_ZMM_CLOBBERS, "cc");
  *sink = out[0];
  return double(n) * 24 * 64 * 2;  // 24 vpdpbusd x 64 MACs x 2 ops
}

SYSTOLE_AVX512 double fp32_avx512_loop(uint64_t iters, float* sink) {
  const uint64_t n = iters;
  if (n == 0) return 0;
  float out[16];
  __asm__ volatile(SYSTOLE_LOAD_OPERANDS SYSTOLE_INIT_ACC
                   "1:\n\t" SYSTOLE_BODY24("vfmadd231ps")
                   "dec %[n]\n\t"
                   "jnz 1b\n\t"
                   "vaddps %%zmm23, %%zmm0, %%zmm0\n\t"
                   "vmovups %%zmm0, %[out]\n\t"
                   : [n] "+r"(iters), [out] "=m"(out)
                   : [p] "r"(operands().f32), [z] "r"(operands().one_f), "m"(operands())
                   : SYSTOLE_ZMM_CLOBBERS, "cc");
  *sink = out[0];
  return double(n) * 24 * 16 * 2;  // 24 FMAs x 16 lanes x 2 flops
}

#define SYSTOLE_REP12(OP, S) OP(0, S) OP(1, S) OP(2, S) OP(3, S) OP(4, S) OP(5, S) OP(6, S) OP(7, S) \
  OP(8, S) OP(9, S) OP(10, S) OP(11, S)
#define SYSTOLE_ZERO_Y(i, S) "vpxor %%ymm" #i ", %%ymm" #i ", %%ymm" #i "\n\t"
#define SYSTOLE_YMM_CLOBBERS                                                                                 \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", \
      "xmm13"

// vpmaddwd is the AVX2 GEMM's multiply (vpaddd runs on other pipes): 16 int16 MACs each.
// Chained on itself (acc = madd(acc, b)) so nothing is loop-invariant.
SYSTOLE_AVX2 double int8_avx2_loop(uint64_t iters, int* sink) {
  const uint64_t n = iters;
  if (n == 0) return 0;
  int out[8];
#define SYSTOLE_MADD(i, S) "vpmaddwd %%ymm13, %%ymm" #i ", %%ymm" #i "\n\t"
  __asm__ volatile(
      "vmovd %[b], %%xmm13\n\t"
      "vpbroadcastd %%xmm13, %%ymm13\n\t" SYSTOLE_REP12(SYSTOLE_ZERO_Y, "")
      "1:\n\t" SYSTOLE_REP12(SYSTOLE_MADD, "")
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vmovdqu %%ymm0, %[out]\n\t"
      : [n] "+r"(iters), [out] "=m"(out)
      : [b] "r"(0x00030004)
      : SYSTOLE_YMM_CLOBBERS, "cc");
#undef SYSTOLE_MADD
  *sink = out[0];
  return double(n) * 12 * 16 * 2;  // 12 vpmaddwd x 16 MACs x 2 ops
}

SYSTOLE_AVX2 double fp32_avx2_loop(uint64_t iters, float* sink) {
  const uint64_t n = iters;
  if (n == 0) return 0;
  float out[8];
#define SYSTOLE_FMA(i, S) "vfmadd231ps %%ymm13, %%ymm12, %%ymm" #i "\n\t"
  __asm__ volatile(
      "vmovd %[a], %%xmm12\n\t"
      "vpbroadcastd %%xmm12, %%ymm12\n\t"
      "vmovd %[b], %%xmm13\n\t"
      "vpbroadcastd %%xmm13, %%ymm13\n\t" SYSTOLE_REP12(SYSTOLE_ZERO_Y, "")
      "1:\n\t" SYSTOLE_REP12(SYSTOLE_FMA, "")
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vmovups %%ymm0, %[out]\n\t"
      : [n] "+r"(iters), [out] "=m"(out)
      : [a] "r"(0x3f7ffff0), [b] "r"(0x358637bd)
      : SYSTOLE_YMM_CLOBBERS, "cc");
#undef SYSTOLE_FMA
  *sink = out[0];
  return double(n) * 12 * 8 * 2;
}

double fp32_scalar_loop(uint64_t iters, float* sink) {
  float c[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (uint64_t it = 0; it < iters; ++it)
    for (float& x : c) x = x * 0.999999f + 1e-6f;
  *sink = c[0] + c[7];
  return double(iters) * 8 * 2;
}

namespace {

SYSTOLE_AVX512 uint64_t read_avx512(const uint8_t* buf, size_t bytes, int passes) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  for (int p = 0; p < passes; ++p)
    for (size_t i = 0; i < bytes; i += 512) {
      const uint8_t* q = buf + i;
      s0 = _mm512_add_epi64(s0, _mm512_load_si512(q));
      s1 = _mm512_add_epi64(s1, _mm512_load_si512(q + 64));
      s2 = _mm512_add_epi64(s2, _mm512_load_si512(q + 128));
      s3 = _mm512_add_epi64(s3, _mm512_load_si512(q + 192));
      s4 = _mm512_add_epi64(s4, _mm512_load_si512(q + 256));
      s5 = _mm512_add_epi64(s5, _mm512_load_si512(q + 320));
      s6 = _mm512_add_epi64(s6, _mm512_load_si512(q + 384));
      s7 = _mm512_add_epi64(s7, _mm512_load_si512(q + 448));
    }
  s0 = _mm512_add_epi64(_mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)),
                        _mm512_add_epi64(_mm512_add_epi64(s4, s5), _mm512_add_epi64(s6, s7)));
  return uint64_t(_mm512_reduce_add_epi64(s0));
}

SYSTOLE_AVX2 uint64_t read_avx2(const uint8_t* buf, size_t bytes, int passes) {
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (int p = 0; p < passes; ++p)
    for (size_t i = 0; i < bytes; i += 128) {
      const auto* q = reinterpret_cast<const __m256i*>(buf + i);
      s0 = _mm256_add_epi64(s0, _mm256_load_si256(q));
      s1 = _mm256_add_epi64(s1, _mm256_load_si256(q + 1));
      s2 = _mm256_add_epi64(s2, _mm256_load_si256(q + 2));
      s3 = _mm256_add_epi64(s3, _mm256_load_si256(q + 3));
    }
  s0 = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
  return uint64_t(_mm256_extract_epi64(s0, 0) + _mm256_extract_epi64(s0, 3));
}

uint64_t read_scalar(const uint8_t* buf, size_t bytes, int passes) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const auto* q = reinterpret_cast<const uint64_t*>(buf);
  for (int p = 0; p < passes; ++p)
    for (size_t i = 0; i < bytes / 8; i += 4) s0 += q[i], s1 += q[i + 1], s2 += q[i + 2], s3 += q[i + 3];
  return s0 + s1 + s2 + s3;
}

}  // namespace

uint64_t read_stream(const uint8_t* buf, size_t bytes, int passes, int isa_level) {
  if (isa_level >= 2) return read_avx512(buf, bytes, passes);
  if (isa_level == 1) return read_avx2(buf, bytes, passes);
  return read_scalar(buf, bytes, passes);
}

}  // namespace systole::roofline::detail
