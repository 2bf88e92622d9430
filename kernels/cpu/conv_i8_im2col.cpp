// im2col + GEMM int8 convolution (see conv_i8.hpp). Patches of a chunk of output pixels are
// gathered into rows of KH*KW*Cg bytes (out-of-image taps filled with the input zero point,
// which the GEMM's zero-point correction turns into exact zeros), then multiplied by the
// group's OHWI weights, which are already the transposed GEMM B: pack_b reads them with
// stride (1, KH*KW*Cg), no copy. The requantization runs in the GEMM epilogue, written
// straight into the NHWC output at column offset g*Og.
// A 1x1, stride-1, unpadded convolution skips the gather: the NHWC input is the A matrix.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/cpu/conv_i8.hpp"

namespace systole::cpu::detail {
namespace {

constexpr int kChunk = 192;  // output pixels per gathered block: a multiple of the 6-row tile

void gather_rows(const ConvArgs& a, int g, int p0, int rows, int8_t* buf) {
  const ConvShape& s = a.s;
  const int Cg = s.cg(), OH = s.out_h(), OW = s.out_w(), Kc = s.kh * s.kw * Cg;
  for (int r = 0; r < rows; ++r) {
    const int p = p0 + r, n = p / (OH * OW), oh = p / OW % OH, ow = p % OW;
    int8_t* dst = buf + size_t(r) * Kc;
    for (int kh = 0; kh < s.kh; ++kh)
      for (int kw = 0; kw < s.kw; ++kw, dst += Cg) {
        const int ih = oh * s.stride_h - s.pad_t + kh * s.dil_h, iw = ow * s.stride_w - s.pad_l + kw * s.dil_w;
        if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w)
          std::memset(dst, int8_t(a.x_zero_point), size_t(Cg));
        else
          std::memcpy(dst, a.x + ((size_t(n) * s.h + ih) * s.w + iw) * s.c + size_t(g) * Cg, size_t(Cg));
      }
  }
}

}  // namespace

void conv2d_i8_im2col(const ConvArgs& a) {
  const ConvShape& s = a.s;
  const int G = s.groups, Cg = s.cg(), Og = s.og(), Kc = s.kh * s.kw * Cg;
  const int pixels = s.n * s.out_h() * s.out_w();
  const bool pointwise = s.kh == 1 && s.kw == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_t == 0 &&
                         s.pad_l == 0 && s.pad_b == 0 && s.pad_r == 0;
  for (int g = 0; g < G; ++g) {
    const PackedB B = pack_b(a.w + size_t(g) * Og * Kc, Kc, Og, 1, Kc, a.isa);
    GemmArgs ga;
    ga.a_zero_point = a.x_zero_point;
    ga.B = &B;
    ga.out = GemmOut::kRequantI8;
    ga.ldc = s.o;
    ga.rq = requant_slice(a.rq, g * Og);
    if (pointwise) {  // the input already is the im2col matrix (row stride C)
      ga.M = pixels;
      ga.A = a.x + size_t(g) * Cg;
      ga.lda = s.c;
      ga.c_i8 = a.y + size_t(g) * Og;
      ga.threads = a.threads;
      gemm_i8(ga);
      continue;
    }
    const int chunks = (pixels + kChunk - 1) / kChunk;
#pragma omp parallel num_threads(std::max(1, a.threads))
    {
      std::vector<int8_t> buf(size_t(kChunk) * Kc);
      GemmArgs gt = ga;
      gt.A = buf.data();
      gt.lda = Kc;
#pragma omp for schedule(dynamic)
      for (int ch = 0; ch < chunks; ++ch) {
        const int p0 = ch * kChunk, rows = std::min(kChunk, pixels - p0);
        gather_rows(a, g, p0, rows, buf.data());
        gt.M = rows;
        gt.c_i8 = a.y + size_t(p0) * s.o + size_t(g) * Og;
        gemm_i8(gt);
      }
    }
  }
}

}  // namespace systole::cpu::detail
