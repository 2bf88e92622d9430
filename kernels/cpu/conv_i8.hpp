// int8 2-D convolution on the CPU, bit-exact with the reference semantics:
//   acc[n][oh][ow][o] = sum_{kh,kw,ci} (x[n][ih][iw][g*Cg+ci] - x_zp) * w[o][kh][kw][ci]   (int32, wrapping)
//   ih = oh*stride_h - pad_t + kh*dil_h, iw likewise; g = o / Og. Out-of-image taps read the
//   input zero point, i.e. contribute exactly 0. y = requantize(acc, bias[o], mult[o], ...).
// Layouts: x NHWC [N][H][W][C]; w OHWI [O][KH][KW][C/groups] (one output channel per row, its
// taps in the same order as an im2col row); y NHWC [N][OH][OW][O]. Depthwise is groups == C.
// Three algorithms (all exact, all on the GEMM of gemm_i8.hpp except direct):
//   direct  loops over output pixels; weights reordered so the inner loop runs over channels
//   im2col  gathers patches (zero-point padded) into rows, then one GEMM per group
//   kn2row  one shifted 1x1 GEMM per kernel tap, accumulated in int32 (the accelerator's
//           implicit-im2col schedule); the padding taps are simply skipped
#pragma once
#include <cstdint>

#include "kernels/cpu/gemm_i8.hpp"

namespace systole::cpu {

struct ConvShape {
  int n = 1, h = 1, w = 1, c = 1;  // input, NHWC
  int o = 1;                       // output channels
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int groups = 1;
  int cg() const { return c / groups; }
  int og() const { return o / groups; }
  int out_h() const { return (h + pad_t + pad_b - dil_h * (kh - 1) - 1) / stride_h + 1; }
  int out_w() const { return (w + pad_l + pad_r - dil_w * (kw - 1) - 1) / stride_w + 1; }
};

enum class ConvAlgo { kDirect, kIm2col, kKn2row };
const char* conv_algo_name(ConvAlgo a);

struct ConvArgs {
  ConvShape s;
  const int8_t* x = nullptr;
  int32_t x_zero_point = 0;  // must be an int8 value: it is the padding byte
  const int8_t* w = nullptr;
  Requant rq{};              // per output channel o
  int8_t* y = nullptr;
  int threads = 1;
  Isa isa = best_isa();
};

// Throws std::invalid_argument on an impossible shape or zero point.
void validate(const ConvShape& s, int32_t x_zero_point);
void conv2d_i8(const ConvArgs& a, ConvAlgo algo);

namespace detail {
void conv2d_i8_direct(const ConvArgs& a);
void conv2d_i8_im2col(const ConvArgs& a);
void conv2d_i8_kn2row(const ConvArgs& a);
// Requant parameters of output channels [o0, ...): the same struct, pointers advanced.
inline Requant requant_slice(const Requant& rq, int o0) {
  return Requant{rq.bias + o0, rq.mult + o0, rq.shift + o0, rq.zero_point, rq.clamp_lo, rq.clamp_hi};
}
}  // namespace detail

}  // namespace systole::cpu
