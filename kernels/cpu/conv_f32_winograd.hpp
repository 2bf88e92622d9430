// fp32 Winograd convolution F(2x2, 3x3) (Lavin & Gray): each 2x2 output tile costs 16
// multiplies per (input, output) channel pair instead of 36. Outside the bit-exact int8 path:
// the transforms reassociate the sums, so results agree with a direct fp32 convolution only
// to rounding (tests use a relative tolerance). 3x3 kernels, stride 1, dilation 1, one group,
// any zero padding. Layouts as the int8 convolution: x NHWC, w OHWI [O][3][3][C], y NHWC.
#pragma once

namespace systole::cpu {

struct WinogradShape {
  int n = 1, h = 1, w = 1, c = 1, o = 1;
  int pad_t = 1, pad_l = 1, pad_b = 1, pad_r = 1;
  int out_h() const { return h + pad_t + pad_b - 2; }
  int out_w() const { return w + pad_l + pad_r - 2; }
};

// bias: [O] or null. Throws std::invalid_argument on an impossible shape.
void conv2d_f32_winograd_2x2_3x3(const WinogradShape& s, const float* x, const float* w, const float* bias, float* y,
                                 int threads = 1);

}  // namespace systole::cpu
