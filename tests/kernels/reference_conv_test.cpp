// Tests of the CPU conv reference: hand-checked small cases, the zero-point border, the
// identities that tie it to the GEMM reference (1x1 = GEMM, groups = independent convs,
// dilation = a kernel with zero gaps), output sizes, and int32 wrap-around.
#include "kernels/reference_conv.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "arch/requant.hpp"

namespace systole::ref {
namespace {

std::vector<int8_t> random_i8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(std::uniform_int_distribution<int>(-128, 127)(rng));
  return v;
}

std::vector<int32_t> acc_of(const std::vector<int8_t>& in, const std::vector<int8_t>& w, const Conv2dShape& s, int32_t zp) {
  std::vector<int32_t> acc(size_t(s.n) * s.out_h() * s.out_w() * s.c_out);
  conv2d_acc_i8(in.data(), w.data(), acc.data(), s, zp);
  return acc;
}

TEST(ReferenceConv, OutputSizes) {
  Conv2dShape s;
  s.h = 224, s.w = 224, s.kh = s.kw = 7, s.stride_h = s.stride_w = 2, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 3;
  EXPECT_EQ(s.out_h(), 112);
  EXPECT_EQ(s.out_w(), 112);
  s.h = s.w = 10, s.kh = s.kw = 3, s.stride_h = s.stride_w = 1, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 0;
  s.dil_h = 2, s.dil_w = 3;  // effective kernels 5 and 7
  EXPECT_EQ(s.out_h(), 6);
  EXPECT_EQ(s.out_w(), 4);
  s.dil_h = s.dil_w = 1, s.pad_top = 0, s.pad_bottom = 1, s.stride_h = 2;  // asymmetric: (10 + 1 - 3) / 2 + 1
  EXPECT_EQ(s.out_h(), 5);
}

TEST(ReferenceConv, HandCheckedThreeByThreeWithPadding) {
  // 3x3 image 1..9, all-ones 3x3 kernel, padding 1: each output is the sum of its neighbourhood.
  Conv2dShape s;
  s.h = s.w = 3, s.kh = s.kw = 3, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  const std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w(9, 1);
  EXPECT_EQ(acc_of(in, w, s, 0), (std::vector<int32_t>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
  // With a zero point the padded taps still contribute nothing: (x - zp) over the real taps only.
  std::vector<int8_t> shifted(9);
  for (int i = 0; i < 9; ++i) shifted[i] = int8_t(in[i] + 10);
  EXPECT_EQ(acc_of(shifted, w, s, 10), acc_of(in, w, s, 0));
  // Stride 2: the corners only.
  s.stride_h = s.stride_w = 2;
  EXPECT_EQ(acc_of(in, w, s, 0), (std::vector<int32_t>{12, 16, 24, 28}));
}

TEST(ReferenceConv, OneByOneIsTheGemm) {
  Conv2dShape s;
  s.n = 2, s.h = 3, s.w = 5, s.c_in = 7, s.c_out = 4;
  const auto in = random_i8(size_t(2) * 3 * 5 * 7, 1), w = random_i8(4 * 7, 2);
  std::vector<int8_t> b(7 * 4);  // GEMM B is [K][N]: transpose of OHWI [N][K]
  for (int k = 0; k < 7; ++k)
    for (int n = 0; n < 4; ++n) b[k * 4 + n] = w[n * 7 + k];
  std::vector<int32_t> want(30 * 4);
  gemm_i8(in.data(), b.data(), want.data(), 30, 4, 7, -5);
  EXPECT_EQ(acc_of(in, w, s, -5), want);
}

TEST(ReferenceConv, GroupsAreIndependentConvolutions) {
  Conv2dShape s;
  s.h = 5, s.w = 4, s.c_in = 6, s.c_out = 4, s.kh = s.kw = 3, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  s.groups = 2;
  const auto in = random_i8(5 * 4 * 6, 3), w = random_i8(4 * 9 * 3, 4);
  const auto acc = acc_of(in, w, s, 7);
  Conv2dShape h = s;
  h.groups = 1, h.c_in = 3, h.c_out = 2;
  for (int g = 0; g < 2; ++g) {
    std::vector<int8_t> in_g(5 * 4 * 3), w_g(w.begin() + g * 2 * 27, w.begin() + (g + 1) * 2 * 27);
    for (int p = 0; p < 20; ++p)
      for (int c = 0; c < 3; ++c) in_g[p * 3 + c] = in[p * 6 + g * 3 + c];
    const auto acc_g = acc_of(in_g, w_g, h, 7);
    for (int p = 0; p < 20; ++p)
      for (int o = 0; o < 2; ++o) EXPECT_EQ(acc[p * 4 + g * 2 + o], acc_g[p * 2 + o]) << "group " << g;
  }
}

TEST(ReferenceConv, DilationIsAKernelWithZeroGaps) {
  Conv2dShape s;
  s.h = 9, s.w = 8, s.c_in = 2, s.c_out = 3, s.kh = s.kw = 3, s.dil_h = 2, s.dil_w = 3, s.stride_w = 2;
  s.pad_top = 1, s.pad_left = 2, s.pad_bottom = 0, s.pad_right = 3;
  const auto in = random_i8(9 * 8 * 2, 5), w = random_i8(3 * 9 * 2, 6);
  Conv2dShape e = s;  // the equivalent undilated 5x7 kernel
  e.kh = 5, e.kw = 7, e.dil_h = e.dil_w = 1;
  std::vector<int8_t> we(3 * 5 * 7 * 2, 0);
  for (int o = 0; o < 3; ++o)
    for (int ky = 0; ky < 3; ++ky)
      for (int kx = 0; kx < 3; ++kx)
        for (int i = 0; i < 2; ++i) we[((o * 5 + 2 * ky) * 7 + 3 * kx) * 2 + i] = w[((o * 3 + ky) * 3 + kx) * 2 + i];
  EXPECT_EQ(acc_of(in, w, s, -3), acc_of(in, we, e, -3));
}

TEST(ReferenceConv, AccumulatorWrapsModulo2To32) {
  // 1x1 with K = 140000 terms of (-128 - 127) * -128 = 32640: the true sum 4 569 600 000 wraps.
  Conv2dShape s;
  s.c_in = 140000;
  const std::vector<int8_t> in(140000, -128), w(140000, -128);
  const int64_t exact = int64_t(140000) * 32640;
  EXPECT_EQ(acc_of(in, w, s, 127)[0], int32_t(uint32_t(uint64_t(exact))));
}

TEST(ReferenceConv, RequantizesPerOutputChannel) {
  Conv2dShape s;
  s.h = 4, s.w = 3, s.c_in = 5, s.c_out = 3, s.kh = s.kw = 2, s.pad_bottom = s.pad_right = 1;
  const auto in = random_i8(4 * 3 * 5, 7), w = random_i8(3 * 4 * 5, 8);
  const std::vector<int32_t> bias = {100, -2000, 7}, mult = {1 << 30, 1518500250, 2000000000};
  const std::vector<uint32_t> shift = {33, 36, 40};
  const Requant q{bias.data(), mult.data(), shift.data(), -3, -20, 90};
  std::vector<int8_t> out(12 * 3);
  conv2d_i8(in.data(), w.data(), out.data(), s, 4, q);
  const auto acc = acc_of(in, w, s, 4);
  for (int p = 0; p < 12; ++p)
    for (int o = 0; o < 3; ++o)
      EXPECT_EQ(out[p * 3 + o], requantize(acc[p * 3 + o], bias[o], mult[o], shift[o], -3, -20, 90));
}

}  // namespace
}  // namespace systole::ref
