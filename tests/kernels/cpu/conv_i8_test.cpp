// Every int8 convolution algorithm, on every GEMM variant this CPU runs, bit-exact against a
// naive convolution written from the definition (zero-point padding, stride, dilation,
// groups, depthwise) followed by the reference requantization.
#include "kernels/cpu/conv_i8.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "kernels/reference.hpp"

namespace systole::cpu {
namespace {

// The oracle: padding materialized as the zero point, uint32 accumulation (defined wrap).
std::vector<int8_t> naive_conv(const ConvShape& s, const std::vector<int8_t>& x, int32_t zp,
                               const std::vector<int8_t>& w, const Requant& rq) {
  const int OH = s.out_h(), OW = s.out_w(), Cg = s.cg(), Og = s.og();
  std::vector<int32_t> acc(size_t(s.n) * OH * OW * s.o);
  for (int n = 0; n < s.n; ++n)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow)
        for (int o = 0; o < s.o; ++o) {
          const int g = o / Og;
          uint32_t sum = 0;
          for (int kh = 0; kh < s.kh; ++kh)
            for (int kw = 0; kw < s.kw; ++kw)
              for (int ci = 0; ci < Cg; ++ci) {
                const int ih = oh * s.stride_h - s.pad_t + kh * s.dil_h, iw = ow * s.stride_w - s.pad_l + kw * s.dil_w;
                const bool inside = ih >= 0 && ih < s.h && iw >= 0 && iw < s.w;
                const int32_t xv = inside ? x[((size_t(n) * s.h + ih) * s.w + iw) * s.c + g * Cg + ci] : zp;
                sum += uint32_t(xv - zp) * uint32_t(int32_t(w[((size_t(o) * s.kh + kh) * s.kw + kw) * Cg + ci]));
              }
          acc[((size_t(n) * OH + oh) * OW + ow) * s.o + o] = int32_t(sum);
        }
  std::vector<int8_t> y(acc.size());
  ref::requant_i8(acc.data(), y.data(), s.n * OH * OW, s.o, rq);
  return y;
}

struct Case {
  const char* name;
  ConvShape s;
};

ConvShape shape(int n, int h, int w, int c, int o, int k, int stride, int dil, int pad, int groups) {
  ConvShape s;
  s.n = n, s.h = h, s.w = w, s.c = c, s.o = o, s.kh = s.kw = k, s.stride_h = s.stride_w = stride;
  s.dil_h = s.dil_w = dil, s.pad_t = s.pad_l = s.pad_b = s.pad_r = pad, s.groups = groups;
  return s;
}

std::vector<Case> cases() {
  std::vector<Case> v = {
      {"1x1_pointwise", shape(1, 5, 7, 13, 11, 1, 1, 1, 0, 1)},
      {"1x1_single_pixel", shape(1, 1, 1, 1, 1, 1, 1, 1, 0, 1)},
      {"3x3_same", shape(1, 9, 11, 8, 16, 3, 1, 1, 1, 1)},
      {"3x3_stride2_primes", shape(2, 13, 17, 7, 19, 3, 2, 1, 1, 1)},
      {"5x5_dilation2", shape(1, 15, 12, 5, 9, 5, 1, 2, 3, 1)},
      {"3x3_groups2", shape(1, 8, 9, 12, 10, 3, 1, 1, 1, 2)},
      {"depthwise_3x3", shape(2, 10, 9, 17, 17, 3, 1, 1, 1, 17)},
      {"depthwise_mult2_stride2", shape(1, 11, 11, 6, 12, 3, 2, 1, 1, 6)},
      {"kernel_larger_than_input", shape(1, 3, 2, 4, 5, 5, 1, 1, 2, 1)},
      {"7x7_stride3_wide", shape(1, 23, 29, 3, 70, 7, 3, 1, 3, 1)},
      {"1x1_stride2", shape(1, 9, 8, 33, 65, 1, 2, 1, 0, 1)},
  };
  ConvShape asym = shape(1, 10, 13, 6, 7, 3, 1, 1, 0, 1);  // asymmetric padding and strides
  asym.pad_t = 2, asym.pad_l = 0, asym.pad_b = 0, asym.pad_r = 1, asym.stride_h = 2, asym.stride_w = 1;
  asym.kh = 3, asym.kw = 2, asym.dil_w = 3;
  v.push_back({"asymmetric", asym});
  return v;
}

class ConvAlgos : public ::testing::TestWithParam<std::tuple<ConvAlgo, Isa>> {};

TEST_P(ConvAlgos, BitExactAgainstNaive) {
  const auto [algo, isa] = GetParam();
  std::mt19937 rng(77);
  std::uniform_int_distribution<int> i8(-128, 127), bias(-3000, 3000), extra(0, 2);
  for (const Case& c : cases()) {
    const ConvShape& s = c.s;
    std::vector<int8_t> x(size_t(s.n) * s.h * s.w * s.c), w(size_t(s.o) * s.kh * s.kw * s.cg());
    for (auto& v : x) v = int8_t(i8(rng));
    for (auto& v : w) v = int8_t(i8(rng));
    std::vector<int32_t> b(size_t(s.o)), m(size_t(s.o));
    std::vector<uint32_t> sh(size_t(s.o));
    // Scale so outputs spread over the int8 range (acc ~ sqrt(taps*Cg) * 74^2): a saturated
    // output would hide errors.
    const double acc_rms = std::sqrt(double(s.kh * s.kw * s.cg())) * 74 * 74;
    const uint32_t base = 30 + uint32_t(std::lround(std::log2(acc_rms / 40)));
    for (int o = 0; o < s.o; ++o) b[o] = bias(rng), m[o] = (1 << 30) + i8(rng) * 4096, sh[o] = base + extra(rng);
    for (int32_t zp : {0, -128, 9, 127}) {
      const Requant rq{b.data(), m.data(), sh.data(), -3, -120, 127};
      const auto want = naive_conv(s, x, zp, w, rq);
      if (want.size() >= 100) {  // the oracle's outputs must be informative, not clamped
        const std::set<int8_t> distinct(want.begin(), want.end());
        ASSERT_GE(distinct.size(), 20u) << c.name;
      }
      for (int threads : {1, 2}) {
        std::vector<int8_t> y(want.size(), 0x5A);
        ConvArgs a;
        a.s = s, a.x = x.data(), a.x_zero_point = zp, a.w = w.data(), a.rq = rq, a.y = y.data();
        a.threads = threads, a.isa = isa;
        conv2d_i8(a, algo);
        ASSERT_EQ(y, want) << c.name << " algo=" << conv_algo_name(algo) << " isa=" << isa_name(isa) << " zp=" << zp
                           << " threads=" << threads;
      }
    }
  }
}

std::vector<std::tuple<ConvAlgo, Isa>> all_params() {
  std::vector<std::tuple<ConvAlgo, Isa>> v;
  for (ConvAlgo a : {ConvAlgo::kDirect, ConvAlgo::kIm2col, ConvAlgo::kKn2row})
    for (Isa i : supported_isas()) v.emplace_back(a, i);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Supported, ConvAlgos, ::testing::ValuesIn(all_params()),
                         [](const ::testing::TestParamInfo<std::tuple<ConvAlgo, Isa>>& i) {
                           return std::string(conv_algo_name(std::get<0>(i.param))) + "_" +
                                  isa_name(std::get<1>(i.param));
                         });

TEST(ConvValidate, RejectsImpossibleShapes) {
  ConvShape s = shape(1, 4, 4, 6, 4, 3, 1, 1, 0, 4);  // groups do not divide C
  EXPECT_THROW(validate(s, 0), std::invalid_argument);
  s = shape(1, 2, 2, 4, 4, 5, 1, 1, 0, 1);  // kernel larger than unpadded input
  EXPECT_THROW(validate(s, 0), std::invalid_argument);
  s = shape(1, 4, 4, 4, 4, 3, 1, 1, 1, 1);
  EXPECT_THROW(validate(s, 200), std::invalid_argument);  // zero point is not an int8 value
  EXPECT_NO_THROW(validate(s, -128));
}

}  // namespace
}  // namespace systole::cpu
