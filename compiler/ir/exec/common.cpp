// Helpers shared by the kernels: broadcasting indices, per-channel parameters, the QLinear
// requantization step and fused activation clamps.
#include <cmath>
#include <limits>

#include "arch/requant.hpp"
#include "arch/scale.hpp"
#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir::exec {

std::vector<int64_t> broadcast_index(const Shape& out, const Shape& in) {
  const size_t r = out.size(), off = r - in.size();
  // Strides of `in` aligned to `out`'s dims; 0 where `in` is broadcast.
  std::vector<int64_t> stride(r, 0);
  int64_t s = 1;
  for (size_t d = in.size(); d-- > 0;) {
    stride[d + off] = in[d] == 1 ? 0 : s;
    s *= in[d];
  }
  std::vector<int64_t> idx(size_t(numel(out)));
  std::vector<int64_t> pos(r, 0);
  int64_t cur = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    idx[i] = cur;
    for (size_t d = r; d-- > 0;) {  // odometer increment
      cur += stride[d];
      if (++pos[d] < out[d]) break;
      cur -= stride[d] * out[d];
      pos[d] = 0;
    }
  }
  return idx;
}

std::vector<double> params_f64(const Tensor* t, double dflt, int64_t n) {
  std::vector<double> v(size_t(n), dflt);
  if (t)
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = t->get_f64(t->numel() == 1 ? 0 : i);
  return v;
}

std::vector<int32_t> params_i32(const Tensor* t, int32_t dflt, int64_t n) {
  std::vector<int32_t> v(size_t(n), dflt);
  if (t)
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = int32_t(t->get_i64(t->numel() == 1 ? 0 : i));
  return v;
}

Requant Requant::from_scales(float in_scale, float w_scale, float out_scale) {
  const float m = (in_scale * w_scale) / out_scale;  // float32, in onnxruntime's order
  if (!(m >= 0) || !std::isfinite(m))
    throw Error(fmt::format("requantization multiplier {} * {} / {} is not a finite non-negative number", in_scale, w_scale, out_scale));
  const FixedScale f = quantize_scale(double(m));
  return {f.mult, f.shift};
}

int8_t Requant::apply(int32_t acc, int32_t bias, int32_t zero_point) const {
  return requantize(acc, bias, mult, shift, zero_point, -128, 127);
}

void apply_fused_clip(const Node& n, Tensor& t) {
  if (!n.attrs.has("clip_min") && !n.attrs.has("clip_max")) return;
  const float lo = n.attrs.get_float("clip_min", -std::numeric_limits<float>::infinity());
  const float hi = n.attrs.get_float("clip_max", std::numeric_limits<float>::infinity());
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = std::min(std::max(p[i], lo), hi);
}

}  // namespace systole::ir::exec
