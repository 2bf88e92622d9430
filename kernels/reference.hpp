// The CPU reference: the oracle every path (hls, rtl, compiler, CPU kernels) is tested
// against. Deliberately naive and short; integer semantics exactly as the hardware's:
// int32 accumulation wraps modulo 2^32, the output path is systole::requantize().
#pragma once
#include <cstdint>

namespace systole::ref {

// acc[m][n] = sum_k (A[m][k] - a_zero_point) * B[k][n], int32 wrapping. Row-major, dense.
void gemm_i8(const int8_t* A, const int8_t* B, int32_t* acc, int M, int N, int K, int32_t a_zero_point = 0);

// Per-output-channel requantization parameters (channel = column n).
struct Requant {
  const int32_t* bias;   // [N]
  const int32_t* mult;   // [N]
  const uint32_t* shift; // [N]
  int32_t zero_point;
  int32_t clamp_lo;
  int32_t clamp_hi;
};

// out[m][n] = requantize(acc[m][n], bias[n], mult[n], shift[n], zero_point, clamp_lo, clamp_hi)
void requant_i8(const int32_t* acc, int8_t* out, int M, int N, const Requant& q);

}  // namespace systole::ref
