// QuantizeLinear and DequantizeLinear with per-tensor or per-axis scales and zero points.
// Quantize: saturate(round_half_even(x / scale) + zero_point), the division in float32 as
// ONNX's reference and onnxruntime do. Dequantize: (x - zero_point) * scale in float32.
#include <cmath>

#include "compiler/ir/exec/kernels.hpp"

namespace systole::ir::exec {
namespace {

// Channel of flat element i for a per-axis parameter (0 when per-tensor).
struct AxisIndex {
  int64_t inner = 1, dim = 1;
  bool per_axis = false;
  AxisIndex(const Node& n, const Shape& x, const Tensor& scale) {
    per_axis = scale.numel() != 1;
    if (!per_axis) return;
    const int64_t axis = normalize_axis(n.attrs.get_int("axis", 1), int64_t(x.size()));
    dim = x[size_t(axis)];
    for (size_t d = size_t(axis) + 1; d < x.size(); ++d) inner *= x[d];
  }
  size_t operator()(int64_t i) const { return per_axis ? size_t((i / inner) % dim) : 0; }
};

}  // namespace

void quantize_linear(KernelArgs& a) {
  const Tensor& x = a.input(0);
  const Tensor& scale = a.input(1);
  Tensor& y = a.output(0);
  const AxisIndex ch(a.n, x.shape, scale);
  const std::vector<double> s = params_f64(&scale, 1.0, ch.dim);
  const std::vector<int32_t> z = params_i32(&a.input(2), 0, ch.dim);
  const double lo = y.dtype == DType::i8 ? -128 : double(INT32_MIN), hi = y.dtype == DType::i8 ? 127 : double(INT32_MAX);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const size_t c = ch(i);
    const float q = std::nearbyint(float(x.get_f64(i)) / float(s[c]));  // default FE_TONEAREST: half to even
    double v = std::isnan(q) ? double(z[c]) : double(q) + z[c];
    v = std::min(std::max(v, lo), hi);
    if (y.dtype == DType::i8) y.data<int8_t>()[i] = int8_t(v);
    else y.data<int32_t>()[i] = int32_t(v);
  }
}

void dequantize_linear(KernelArgs& a) {
  const Tensor& x = a.input(0);
  const Tensor& scale = a.input(1);
  Tensor& y = a.output(0);
  const AxisIndex ch(a.n, x.shape, scale);
  const std::vector<double> s = params_f64(&scale, 1.0, ch.dim);
  const std::vector<int32_t> z = params_i32(a.has(2) ? &a.input(2) : nullptr, 0, ch.dim);
  float* yp = y.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const size_t c = ch(i);
    yp[i] = float(x.get_i64(i) - z[c]) * float(s[c]);
  }
}

}  // namespace systole::ir::exec
