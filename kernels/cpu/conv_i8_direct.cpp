// Direct int8 convolution (see conv_i8.hpp): one output pixel at a time, all its output
// channels at once. The weights are reordered to [kh][kw][ci][o] so the innermost loop runs
// over contiguous output channels and vectorizes: over og within a group, or, when each group
// has one output channel (depthwise), over the groups themselves. Accumulation is uint32
// (defined wrap-around). Taps outside the image are skipped: they would read the zero point
// and add exactly 0.
#include <algorithm>
#include <vector>

#include "kernels/cpu/conv_i8.hpp"

namespace systole::cpu::detail {

void conv2d_i8_direct(const ConvArgs& a) {
  const ConvShape& s = a.s;
  const int G = s.groups, Cg = s.cg(), Og = s.og(), O = s.o, OH = s.out_h(), OW = s.out_w();
  const int taps = s.kh * s.kw;
  std::vector<uint32_t> wt(size_t(taps) * Cg * O);  // uint32: products wrap like the reference's
  for (int o = 0; o < O; ++o)
    for (int t = 0; t < taps; ++t)
      for (int ci = 0; ci < Cg; ++ci)
        wt[(size_t(t) * Cg + ci) * O + o] = uint32_t(int32_t(a.w[(size_t(o) * taps + t) * Cg + ci]));
  const int pixels = s.n * OH * OW;
  const uint32_t zp = uint32_t(a.x_zero_point);
#pragma omp parallel num_threads(std::max(1, a.threads))
  {
    std::vector<uint32_t> acc(static_cast<size_t>(O)), xs(static_cast<size_t>(G));
#pragma omp for schedule(static)
    for (int p = 0; p < pixels; ++p) {
      const int n = p / (OH * OW), oh = p / OW % OH, ow = p % OW;
      std::fill(acc.begin(), acc.end(), 0u);
      for (int kh = 0; kh < s.kh; ++kh) {
        const int ih = oh * s.stride_h - s.pad_t + kh * s.dil_h;
        if (ih < 0 || ih >= s.h) continue;
        for (int kw = 0; kw < s.kw; ++kw) {
          const int iw = ow * s.stride_w - s.pad_l + kw * s.dil_w;
          if (iw < 0 || iw >= s.w) continue;
          const int8_t* xp = a.x + ((size_t(n) * s.h + ih) * s.w + iw) * s.c;
          const uint32_t* wk = wt.data() + size_t(kh * s.kw + kw) * Cg * O;
          for (int ci = 0; ci < Cg; ++ci) {
            const uint32_t* wr = wk + size_t(ci) * O;
            if (Og == 1) {  // depthwise-like: vectorize across groups
              for (int g = 0; g < G; ++g) xs[g] = uint32_t(int32_t(xp[g * Cg + ci])) - zp;
              for (int g = 0; g < G; ++g) acc[g] += xs[g] * wr[g];
            } else {
              for (int g = 0; g < G; ++g) {
                const uint32_t xv = uint32_t(int32_t(xp[g * Cg + ci])) - zp;
                uint32_t* ag = acc.data() + size_t(g) * Og;
                const uint32_t* wg = wr + size_t(g) * Og;
                for (int og = 0; og < Og; ++og) ag[og] += xv * wg[og];
              }
            }
          }
        }
      }
      requant_row(a.isa, reinterpret_cast<const int32_t*>(acc.data()), a.y + size_t(p) * O, O, a.rq, 0);
    }
  }
}

}  // namespace systole::cpu::detail
