// Tests of the CPU reference: the requantization rules (rounding ties, shift edge cases,
// saturation, clamps) and small hand-checked GEMMs, including int32 wrap-around.
#include "kernels/reference.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "arch/requant.hpp"

namespace systole {
namespace {

TEST(ScaleRound, TiesRoundHalfToEvenBothSigns) {
  // x * 1 / 2: exact halves round to the even neighbour.
  EXPECT_EQ(scale_round(1, 1, 1), 0);    //  0.5 ->  0
  EXPECT_EQ(scale_round(3, 1, 1), 2);    //  1.5 ->  2
  EXPECT_EQ(scale_round(5, 1, 1), 2);    //  2.5 ->  2
  EXPECT_EQ(scale_round(-1, 1, 1), 0);   // -0.5 ->  0
  EXPECT_EQ(scale_round(-3, 1, 1), -2);  // -1.5 -> -2
  EXPECT_EQ(scale_round(-5, 1, 1), -2);  // -2.5 -> -2
  // Non-ties round to nearest, both signs.
  EXPECT_EQ(scale_round(5, 1, 2), 1);    //  1.25 ->  1
  EXPECT_EQ(scale_round(7, 1, 2), 2);    //  1.75 ->  2
  EXPECT_EQ(scale_round(-5, 1, 2), -1);  // -1.25 -> -1
  EXPECT_EQ(scale_round(-7, 1, 2), -2);  // -1.75 -> -2
  // A tie through the multiplier: 3 * 2^30 / 2^31 = 1.5 -> 2; 5 * 2^30 / 2^31 = 2.5 -> 2.
  EXPECT_EQ(scale_round(3, 1 << 30, 31), 2);
  EXPECT_EQ(scale_round(5, 1 << 30, 31), 2);
  EXPECT_EQ(scale_round(-3, 1 << 30, 31), -2);
  EXPECT_EQ(scale_round(-5, 1 << 30, 31), -2);
}

TEST(ScaleRound, ShiftZeroSaturates) {
  EXPECT_EQ(scale_round(7, 3, 0), 21);
  EXPECT_EQ(scale_round(INT32_MAX, 2, 0), INT32_MAX);
  EXPECT_EQ(scale_round(INT32_MIN, 2, 0), INT32_MIN);
  EXPECT_EQ(scale_round(INT32_MIN, -1, 0), INT32_MAX);  // 2^31 does not fit
}

TEST(ScaleRound, Shift63AndAbove) {
  // |x*mult| <= 2^62 < 2^63 / 2: everything rounds to 0 at shift 63, except the exact half.
  EXPECT_EQ(scale_round(INT32_MAX, INT32_MAX, 63), 0);
  EXPECT_EQ(scale_round(INT32_MIN, INT32_MIN, 63), 0);   // 2^62 / 2^63 = 0.5 -> 0 (even)
  EXPECT_EQ(scale_round(INT32_MIN, INT32_MAX, 63), 0);   // just below -0.5 in magnitude
  // shift > 63 acts as 63.
  EXPECT_EQ(scale_round(INT32_MIN, INT32_MIN, 64), scale_round(INT32_MIN, INT32_MIN, 63));
  EXPECT_EQ(scale_round(12345, 6789, 200), 0);
  // 62: 2^62 / 2^62 = 1; (-2^31 * 2^31 - ... ) handled exactly.
  EXPECT_EQ(scale_round(INT32_MIN, INT32_MIN, 62), 1);
  EXPECT_EQ(scale_round(INT32_MIN, INT32_MIN, 61), 2);
}

TEST(Requantize, AccPlusBiasSaturates) {
  // sat32(acc + bias) first: a positive overflow pins to INT32_MAX before scaling.
  EXPECT_EQ(requantize(INT32_MAX, 1, 1, 31, 0, -128, 127), 1);  // (2^31-1)/2^31 -> 1
  EXPECT_EQ(requantize(INT32_MAX, INT32_MAX, 1, 24, 0, -128, 127), 127);  // 127.99.. -> 128 -> clamp 127
  EXPECT_EQ(requantize(INT32_MAX, INT32_MAX, 1, 25, 0, -128, 127), 64);   // would be 128 without saturation
  EXPECT_EQ(requantize(INT32_MIN, INT32_MIN, 1, 25, 0, -128, 127), -64);
  EXPECT_EQ(requantize(INT32_MIN, -1, 1, 31, 0, -128, 127), -1);
}

TEST(Requantize, ZeroPointAndClamps) {
  EXPECT_EQ(requantize(10, 0, 1, 0, 5, -128, 127), 15);
  EXPECT_EQ(requantize(-10, 0, 1, 0, 5, 5, 127), 5);     // ReLU: clamp_lo = zero point
  EXPECT_EQ(requantize(100, 0, 1, 0, 0, -128, 50), 50);  // upper clamp
  EXPECT_EQ(requantize(1000, 0, 1, 0, 0, -128, 127), 127);   // int8 saturation
  EXPECT_EQ(requantize(-1000, 0, 1, 0, 0, -128, 127), -128);
  EXPECT_EQ(requantize(3, 0, 1, 1, -4, -128, 127), -2);  // 1.5 -> 2, + zp
}

TEST(Gemm, HandChecked2x3x2) {
  const int8_t A[] = {1, 2, 3, -4, 5, -6};   // 2x3
  const int8_t B[] = {7, -8, 9, 10, -11, 12};  // 3x2
  int32_t C[4];
  ref::gemm_i8(A, B, C, 2, 2, 3);
  EXPECT_EQ(C[0], 1 * 7 + 2 * 9 + 3 * -11);
  EXPECT_EQ(C[1], 1 * -8 + 2 * 10 + 3 * 12);
  EXPECT_EQ(C[2], -4 * 7 + 5 * 9 + -6 * -11);
  EXPECT_EQ(C[3], -4 * -8 + 5 * 10 + -6 * 12);
}

TEST(Gemm, ZeroPointSubtracted) {
  const int8_t A[] = {3, 5};  // 1x2, zp 2 -> {1, 3}
  const int8_t B[] = {4, -1};  // 2x1
  int32_t C;
  ref::gemm_i8(A, B, &C, 1, 1, 2, 2);
  EXPECT_EQ(C, 1 * 4 + 3 * -1);
  ref::gemm_i8(A, B, &C, 1, 1, 2, -128);
  EXPECT_EQ(C, 131 * 4 + 133 * -1);
}

TEST(Gemm, WrapsModulo2To32) {
  // 2^17 products of (-128 - 127) * -128 = 32640 overflow int32: the reference wraps.
  const int K = 1 << 17;
  std::vector<int8_t> A(K, -128), B(K, -128);
  int32_t C;
  ref::gemm_i8(A.data(), B.data(), &C, 1, 1, K, 127);
  const uint64_t exact = uint64_t(K) * 32640u;
  EXPECT_EQ(C, int32_t(uint32_t(exact)));
}

TEST(Requant, PerChannelParameters) {
  const int32_t acc[] = {100, 100, -100, -100};  // 2x2
  const int32_t bias[] = {1, -1};
  const int32_t mult[] = {1 << 30, 1 << 29};
  const uint32_t shift[] = {31, 31};
  int8_t out[4];
  ref::requant_i8(acc, out, 2, 2, {bias, mult, shift, 3, -128, 127});
  EXPECT_EQ(out[0], 50 + 3);   // 101/2 = 50.5 -> 50
  EXPECT_EQ(out[1], 25 + 3);   // 99/4 = 24.75 -> 25
  EXPECT_EQ(out[2], -50 + 3);  // -99/2 = -49.5 -> -50
  EXPECT_EQ(out[3], -25 + 3);  // -101/4 = -25.25 -> -25
}

}  // namespace
}  // namespace systole
