// Quantization parameter arithmetic (see qparams.hpp).
#include "compiler/quant/qparams.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "arch/error.hpp"
#include "arch/scale.hpp"
#include "compiler/ir/window.hpp"

namespace systole::quant {

QParams activation_params(float lo, float hi) {
  double l = std::min(0.0, double(lo)), h = std::max(0.0, double(hi));
  if (!std::isfinite(l) || !std::isfinite(h)) throw Error("activation range is not finite");
  if (h - l < 1e-8) h = l + 1e-8;  // a constant-zero tensor: any positive scale works
  QParams p;
  p.scale = double(float((h - l) / 255.0));
  const double zp = std::nearbyint(-128.0 - l / p.scale);
  p.zero_point = int32_t(std::min(127.0, std::max(-128.0, zp)));
  return p;
}

void quantize_weights(const float* w, int64_t out_channels, int64_t rest, std::vector<int8_t>& q,
                      std::vector<double>& scale) {
  q.resize(size_t(out_channels * rest));
  scale.resize(size_t(out_channels));
  for (int64_t o = 0; o < out_channels; ++o) {
    const float* row = w + o * rest;
    float m = 0;
    for (int64_t k = 0; k < rest; ++k) m = std::max(m, std::fabs(row[k]));
    const double s = m > 0 ? double(m) / 127.0 : 1.0;
    scale[size_t(o)] = s;
    for (int64_t k = 0; k < rest; ++k) {
      const double v = std::nearbyint(double(row[k]) / s);
      q[size_t(o * rest + k)] = int8_t(std::min(127.0, std::max(-127.0, v)));
    }
  }
}

int32_t quantize_bias(double b, double s_in, double s_w) {
  const double v = std::nearbyint(b / (s_in * s_w));
  return int32_t(std::min(double(INT32_MAX), std::max(double(INT32_MIN), v)));
}

void set_requant(compiler::ConvLayer& c, double s_in, const std::vector<double>& s_w, double s_out) {
  c.mult.resize(s_w.size());
  c.shift.resize(s_w.size());
  for (size_t o = 0; o < s_w.size(); ++o) {
    const FixedScale f = quantize_scale(s_in * s_w[o] / s_out);
    c.mult[o] = f.mult;
    c.shift[o] = f.shift;
  }
}

void set_clamp(const ir::Node& n, const QParams& out, int32_t& lo, int32_t& hi) {
  lo = -128, hi = 127;
  if (n.attrs.has("clip_min")) {
    const double v = std::nearbyint(double(n.attrs.get_float("clip_min")) / out.scale) + out.zero_point;
    lo = int32_t(std::min(127.0, std::max(-128.0, v)));
  }
  if (n.attrs.has("clip_max")) {
    const double v = std::nearbyint(double(n.attrs.get_float("clip_max")) / out.scale) + out.zero_point;
    hi = int32_t(std::min(127.0, std::max(-128.0, v)));
  }
  if (lo > hi) throw Error(fmt::format("{}: fused clip [{}, {}] is empty at output scale {}", n.label(), lo, hi, out.scale));
}

compiler::ConvShape conv_shape(const ir::Node& n, const QTensor& x, const QTensor& y, int64_t kh, int64_t kw) {
  const ir::Window win = ir::read_window(n);
  compiler::ConvShape s;
  s.n = uint32_t(x.n), s.h = uint32_t(x.h), s.w = uint32_t(x.w), s.c_in = uint32_t(x.c), s.c_out = uint32_t(y.c);
  s.kh = uint32_t(kh), s.kw = uint32_t(kw);
  s.groups = uint32_t(n.attrs.get_int("group", 1));
  if (win.rank == 1) {
    s.stride_w = uint32_t(win.strides[0]), s.dil_w = uint32_t(win.dilations[0]);
    s.pad_left = uint32_t(win.pads[0]), s.pad_right = uint32_t(win.pads[1]);
  } else {
    s.stride_h = uint32_t(win.strides[0]), s.stride_w = uint32_t(win.strides[1]);
    s.dil_h = uint32_t(win.dilations[0]), s.dil_w = uint32_t(win.dilations[1]);
    s.pad_top = uint32_t(win.pads[0]), s.pad_left = uint32_t(win.pads[1]);
    s.pad_bottom = uint32_t(win.pads[2]), s.pad_right = uint32_t(win.pads[3]);
  }
  if (int64_t(s.out_h()) != y.h || int64_t(s.out_w()) != y.w)
    throw Error(fmt::format("{}: output {}x{} does not match the window's {}x{}", n.label(), y.h, y.w, s.out_h(), s.out_w()));
  return s;
}

std::vector<uint8_t> oihw_to_ohwi(const uint8_t* w, int64_t o, int64_t i, int64_t kh, int64_t kw, size_t elem) {
  std::vector<uint8_t> out(size_t(o * i * kh * kw) * elem);
  for (int64_t a = 0; a < o; ++a)
    for (int64_t c = 0; c < i; ++c)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x) {
          const int64_t src = ((a * i + c) * kh + y) * kw + x, dst = ((a * kh + y) * kw + x) * i + c;
          std::memcpy(&out[size_t(dst) * elem], &w[size_t(src) * elem], elem);
        }
  return out;
}

}  // namespace systole::quant
