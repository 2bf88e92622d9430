// kn2row int8 convolution (see conv_i8.hpp): the convolution as KH*KW shifted 1x1 GEMMs whose
// int32 results are accumulated (wrapping) before one requantization, the schedule the
// accelerator runs as implicit im2col. For output row (n, oh) and tap (kh, kw) the input
// pixels that tap reads form a strided row of the NHWC input (stride_w * C bytes apart), so
// each shifted GEMM reads the input in place; taps that fall in the padding are skipped, since
// padding holds the zero point and contributes exactly 0.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/conv_i8.hpp"

namespace systole::cpu::detail {

void conv2d_i8_kn2row(const ConvArgs& a) {
  const ConvShape& s = a.s;
  const int G = s.groups, Cg = s.cg(), Og = s.og(), OH = s.out_h(), OW = s.out_w();
  const int taps = s.kh * s.kw, Kc = taps * Cg;
  // One packed Cg x Og weight matrix per (group, tap): w[o][kh][kw][ci] with stride (1, Kc).
  std::vector<PackedB> B;
  B.reserve(size_t(G) * taps);
  for (int g = 0; g < G; ++g)
    for (int t = 0; t < taps; ++t) B.push_back(pack_b(a.w + size_t(g) * Og * Kc + size_t(t) * Cg, Cg, Og, 1, Kc, a.isa));
  // Output columns ow whose tap kw lands inside the image: [lo[kw], hi[kw]).
  std::vector<int> lo(size_t(s.kw)), hi(size_t(s.kw));
  for (int kw = 0; kw < s.kw; ++kw) {
    const int off = kw * s.dil_w - s.pad_l;  // iw = ow * stride_w + off
    int l = 0;
    while (l < OW && l * s.stride_w + off < 0) ++l;
    int h = l;
    while (h < OW && h * s.stride_w + off < s.w) ++h;
    lo[size_t(kw)] = l, hi[size_t(kw)] = h;
  }
  const int out_rows = s.n * OH;
#pragma omp parallel num_threads(std::max(1, a.threads))
  {
    std::vector<int32_t> acc(size_t(OW) * s.o);
    GemmArgs ga;
    ga.a_zero_point = a.x_zero_point;
    ga.out = GemmOut::kAccumulateI32;
    ga.ldc = s.o;
    ga.lda = ptrdiff_t(s.stride_w) * s.c;
#pragma omp for schedule(dynamic)
    for (int r = 0; r < out_rows; ++r) {
      const int n = r / OH, oh = r % OH;
      std::memset(acc.data(), 0, acc.size() * sizeof(int32_t));
      for (int kh = 0; kh < s.kh; ++kh) {
        const int ih = oh * s.stride_h - s.pad_t + kh * s.dil_h;
        if (ih < 0 || ih >= s.h) continue;
        for (int kw = 0; kw < s.kw; ++kw) {
          const int l = lo[size_t(kw)], h = hi[size_t(kw)];
          if (l >= h) continue;
          const int iw = l * s.stride_w + kw * s.dil_w - s.pad_l;
          for (int g = 0; g < G; ++g) {
            ga.M = h - l;
            ga.A = a.x + ((size_t(n) * s.h + ih) * s.w + iw) * s.c + size_t(g) * Cg;
            ga.B = &B[size_t(g) * taps + kh * s.kw + kw];
            ga.c_i32 = acc.data() + size_t(l) * s.o + size_t(g) * Og;
            gemm_i8(ga);
          }
        }
      }
      int8_t* y = a.y + size_t(r) * OW * s.o;
      for (int ow = 0; ow < OW; ++ow) requant_row(a.isa, acc.data() + size_t(ow) * s.o, y + size_t(ow) * s.o, s.o, a.rq, 0);
    }
  }
}

}  // namespace systole::cpu::detail
