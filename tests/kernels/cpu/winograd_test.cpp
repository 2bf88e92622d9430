// fp32 Winograd F(2x2,3x3) against a naive fp32 convolution (double accumulation), within a
// relative tolerance: the transforms reassociate sums, so bit-exactness is not expected.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/cpu/conv_f32_winograd.hpp"

namespace systole::cpu {
namespace {

std::vector<float> naive(const WinogradShape& s, const std::vector<float>& x, const std::vector<float>& w,
                         const std::vector<float>& b) {
  const int OH = s.out_h(), OW = s.out_w();
  std::vector<float> y(size_t(s.n) * OH * OW * s.o);
  for (int n = 0; n < s.n; ++n)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow)
        for (int o = 0; o < s.o; ++o) {
          double acc = b[o];
          for (int kh = 0; kh < 3; ++kh)
            for (int kw = 0; kw < 3; ++kw) {
              const int ih = oh - s.pad_t + kh, iw = ow - s.pad_l + kw;
              if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w) continue;
              for (int c = 0; c < s.c; ++c)
                acc += double(x[((size_t(n) * s.h + ih) * s.w + iw) * s.c + c]) * w[((size_t(o) * 3 + kh) * 3 + kw) * s.c + c];
            }
          y[((size_t(n) * OH + oh) * OW + ow) * s.o + o] = float(acc);
        }
  return y;
}

WinogradShape ws(int n, int h, int w, int c, int o, int pt, int pl, int pb, int pr) {
  WinogradShape s;
  s.n = n, s.h = h, s.w = w, s.c = c, s.o = o, s.pad_t = pt, s.pad_l = pl, s.pad_b = pb, s.pad_r = pr;
  return s;
}

TEST(Winograd2x2_3x3, MatchesNaiveWithinTolerance) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const WinogradShape shapes[] = {ws(1, 8, 8, 4, 5, 1, 1, 1, 1),     ws(2, 7, 9, 3, 6, 1, 1, 1, 1),
                                  ws(1, 3, 3, 1, 1, 0, 0, 0, 0),     ws(1, 13, 11, 17, 9, 0, 0, 0, 0),
                                  ws(1, 5, 6, 8, 64, 2, 0, 1, 2),    ws(3, 1, 1, 2, 3, 1, 1, 1, 1),
                                  ws(1, 30, 31, 32, 33, 1, 1, 1, 1)};
  for (const WinogradShape& s : shapes)
    for (int threads : {1, 2}) {
      std::vector<float> x(size_t(s.n) * s.h * s.w * s.c), w(size_t(s.o) * 9 * s.c), b(size_t(s.o));
      for (auto& v : x) v = u(rng);
      for (auto& v : w) v = u(rng);
      for (auto& v : b) v = u(rng);
      const auto want = naive(s, x, w, b);
      std::vector<float> y(want.size(), NAN);
      conv2d_f32_winograd_2x2_3x3(s, x.data(), w.data(), b.data(), y.data(), threads);
      const float scale = std::sqrt(float(9 * s.c));  // typical magnitude of a sum of 9C unit products
      for (size_t i = 0; i < y.size(); ++i)
        ASSERT_NEAR(y[i], want[i], 1e-5f * scale + 1e-5f * std::fabs(want[i])) << "index " << i << " C=" << s.c;
    }
}

TEST(Winograd2x2_3x3, RejectsImpossibleShape) {
  std::vector<float> buf(16);
  EXPECT_THROW(conv2d_f32_winograd_2x2_3x3(ws(1, 1, 1, 1, 1, 0, 0, 0, 0), buf.data(), buf.data(), nullptr, buf.data()),
               std::invalid_argument);
}

}  // namespace
}  // namespace systole::cpu
