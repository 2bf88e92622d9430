// The CPU reference of quantized conv2d (see reference_conv.hpp): the plain 7-deep loop nest.
// Accumulation in uint32 so that int32 wrap-around is defined behaviour, as in reference.cpp.
#include "kernels/reference_conv.hpp"

#include <cstddef>
#include <vector>

namespace systole::ref {

void conv2d_acc_i8(const int8_t* in, const int8_t* weights, int32_t* acc, const Conv2dShape& s, int32_t a_zero_point) {
  const int oh = s.out_h(), ow = s.out_w();
  const int ci_g = s.c_in / s.groups, co_g = s.c_out / s.groups;
  for (int n = 0; n < s.n; ++n)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int o = 0; o < s.c_out; ++o) {
          const int g = o / co_g;
          uint32_t sum = 0;
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx) {
              const int iy = oy * s.stride_h - s.pad_top + ky * s.dil_h;
              const int ix = ox * s.stride_w - s.pad_left + kx * s.dil_w;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;  // padding: (zp - zp) * w = 0
              const int8_t* px = in + ((size_t(n) * s.h + iy) * s.w + ix) * s.c_in + size_t(g) * ci_g;
              const int8_t* wk = weights + ((size_t(o) * s.kh + ky) * s.kw + kx) * ci_g;
              for (int i = 0; i < ci_g; ++i) sum += uint32_t(int32_t(px[i]) - a_zero_point) * uint32_t(int32_t(wk[i]));
            }
          acc[((size_t(n) * oh + oy) * ow + ox) * s.c_out + o] = int32_t(sum);
        }
}

void conv2d_i8(const int8_t* in, const int8_t* weights, int8_t* out, const Conv2dShape& s, int32_t a_zero_point,
               const Requant& q) {
  const int pixels = s.n * s.out_h() * s.out_w();
  std::vector<int32_t> acc(size_t(pixels) * s.c_out);
  conv2d_acc_i8(in, weights, acc.data(), s, a_zero_point);
  requant_i8(acc.data(), out, pixels, s.c_out, q);  // NHWC: the channel is the column
}

}  // namespace systole::ref
