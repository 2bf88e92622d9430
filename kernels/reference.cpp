// The CPU reference (see reference.hpp): naive loops, the oracle for every other path.
// Accumulation uses uint32 arithmetic so that int32 wrap-around is defined behaviour and
// matches the hardware's modulo-2^32 accumulator exactly.
#include "kernels/reference.hpp"

#include <cstddef>

#include "arch/requant.hpp"

namespace systole::ref {

void gemm_i8(const int8_t* A, const int8_t* B, int32_t* acc, int M, int N, int K, int32_t a_zero_point) {
  for (int m = 0; m < M; ++m) {
    for (int n = 0; n < N; ++n) {
      uint32_t s = 0;
      for (int k = 0; k < K; ++k) {
        const int32_t a = int32_t(A[size_t(m) * K + k]) - a_zero_point;  // |a| <= 2^31: zero point is int8 in practice
        s += uint32_t(a) * uint32_t(int32_t(B[size_t(k) * N + n]));
      }
      acc[size_t(m) * N + n] = int32_t(s);  // two's complement conversion (defined since C++20, universal in practice)
    }
  }
}

void requant_i8(const int32_t* acc, int8_t* out, int M, int N, const Requant& q) {
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      const size_t i = size_t(m) * N + n;
      out[i] = requantize(acc[i], q.bias[n], q.mult[n], q.shift[n], q.zero_point, q.clamp_lo, q.clamp_hi);
    }
}

}  // namespace systole::ref
