// Internal to the executor: the kernel calling convention and small helpers shared by the
// kernel files (conv.cpp, matmul.cpp, pool.cpp, elementwise.cpp, quantize.cpp, layout.cpp).
#pragma once
#include <fmt/format.h>

#include <vector>

#include "arch/error.hpp"
#include "compiler/ir/graph.hpp"

namespace systole::ir::exec {

struct KernelArgs {
  const Graph& g;
  const Node& n;
  const std::vector<const Tensor*>& in;
  std::vector<Tensor>& out;

  bool has(size_t i) const { return i < in.size() && in[i] != nullptr; }
  const Tensor& input(size_t i) const {
    if (!has(i)) throw Error(fmt::format("input {} is missing", i));
    return *in[i];
  }
  // Allocates output i with the dtype and shape inferred for it.
  Tensor& output(size_t i) {
    const Value& v = g.value(n.outputs.at(i));
    if (out.size() <= i) out.resize(i + 1);
    out[i] = Tensor(v.dtype, v.shape);
    return out[i];
  }
};

using Kernel = void (*)(KernelArgs&);

// For each element of a tensor of shape `out`, the flat index of the element of a tensor of
// shape `in` that numpy broadcasting maps onto it (shapes right-aligned).
std::vector<int64_t> broadcast_index(const Shape& out, const Shape& in);

// A per-tensor or per-channel parameter (scale, zero point) as doubles / int32s.
std::vector<double> params_f64(const Tensor* t, double dflt, int64_t n);
std::vector<int32_t> params_i32(const Tensor* t, int32_t dflt, int64_t n);

// round_half_even(acc * multiplier) + zero point, saturated to int8, with the ONNX QLinear*
// multiplier x_scale * w_scale / y_scale computed in float32 (as onnxruntime does) and then
// applied exactly with arch/requant.hpp (a float32 is exactly a 31-bit mult / 2^shift).
struct Requant {
  int32_t mult = 0;
  uint32_t shift = 0;
  static Requant from_scales(float in_scale, float w_scale, float out_scale);
  int8_t apply(int32_t acc, int32_t bias, int32_t zero_point) const;
};

// Clamps by the fused activation attributes clip_min / clip_max (set by fuse_activations).
void apply_fused_clip(const Node& n, Tensor& t);

// Kernels, grouped by file.
void conv(KernelArgs&);
void conv_integer(KernelArgs&);
void qlinear_conv(KernelArgs&);
void gemm(KernelArgs&);
void matmul(KernelArgs&);
void matmul_integer(KernelArgs&);
void qlinear_matmul(KernelArgs&);
void max_pool(KernelArgs&);
void average_pool(KernelArgs&);
void global_average_pool(KernelArgs&);
void binary(KernelArgs&);  // Add, Sub, Mul, Div
void relu(KernelArgs&);
void clip(KernelArgs&);
void batch_norm(KernelArgs&);
void quantize_linear(KernelArgs&);
void dequantize_linear(KernelArgs&);
void copy_reshape(KernelArgs&);  // Reshape, Flatten, Squeeze, Unsqueeze, Identity
void concat(KernelArgs&);
void transpose(KernelArgs&);
void shape_of(KernelArgs&);
void gather(KernelArgs&);
void cast_kernel(KernelArgs&);

}  // namespace systole::ir::exec
