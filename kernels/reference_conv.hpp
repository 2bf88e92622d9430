// The CPU reference of quantized 2D convolution: the oracle the compiler's conv lowering is
// tested against. Deliberately naive (one loop nest); integer semantics exactly as the
// hardware's: padding takes the input zero point, int32 accumulation wraps modulo 2^32, the
// output path is systole::requantize() per output channel (via ref::requant_i8).
#pragma once
#include <cstdint>

#include "kernels/reference.hpp"

namespace systole::ref {

// Geometry of a grouped, strided, dilated, asymmetrically padded 2D convolution.
// Activations NHWC (dense: C channels per pixel), weights OHWI with I = c_in / groups:
// output channel o of group g = o / (c_out / groups) reads input channels
// g*(c_in/groups) .. (g+1)*(c_in/groups)-1.
struct Conv2dShape {
  int n = 1, h = 1, w = 1, c_in = 1, c_out = 1;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dil_h = 1, dil_w = 1;
  int groups = 1;
  int out_h() const { return (h + pad_top + pad_bottom - dil_h * (kh - 1) - 1) / stride_h + 1; }
  int out_w() const { return (w + pad_left + pad_right - dil_w * (kw - 1) - 1) / stride_w + 1; }
};

// acc[n][oy][ox][o] = sum over (ky, kx, i) of (in[n][iy][ix][g*I + i] - a_zero_point) * W[o][ky][kx][i]
// with iy = oy*stride_h - pad_top + ky*dil_h (likewise ix); taps outside the image read
// a_zero_point (so contribute 0). int32 wrapping. The shape must be valid (out_h, out_w >= 1,
// groups dividing c_in and c_out): this is an oracle, not a validator.
void conv2d_acc_i8(const int8_t* in, const int8_t* weights, int32_t* acc, const Conv2dShape& s, int32_t a_zero_point);

// conv2d_acc_i8 followed by the output path per output channel: out is NHWC int8.
void conv2d_i8(const int8_t* in, const int8_t* weights, int8_t* out, const Conv2dShape& s, int32_t a_zero_point,
               const Requant& q);

}  // namespace systole::ref
