// Internal to the quantizers (quantize_float.cpp, import_quantized.cpp): construction of
// QTensors and QOps from IR nodes, shared by both. The caller decides where each value's
// quantization parameters come from (`params_of`) and how weights are quantized; the builder
// does the geometry, the layout (NCHW -> NHWC, OIHW -> OHWI) and the integer parameters of
// the ops without weights.
#pragma once
#include <functional>
#include <vector>

#include "compiler/ir/graph.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

// A Conv / Gemm / MatMul's weights as OHWI floats [out_channels][kh][kw][c_in / groups]
// (alpha folded in) and its bias (beta folded in; empty when absent).
struct FloatLinear {
  std::vector<float> weights, bias;
  int64_t out_channels = 0, kh = 1, kw = 1;
};
FloatLinear float_linear(const ir::Graph& g, const ir::Node& n, const ir::Tensor& w, const ir::Tensor* bias);

struct OpBuilder {
  explicit OpBuilder(const ir::Graph& graph);
  const ir::Graph& g;
  QGraph q;
  std::function<QParams(ir::ValueId)> params_of;
  std::vector<int> tensor_of;  // value id -> tensor index, -1 when not created yet

  // The tensor of activation value v (created on first use, with params_of(v)).
  int tensor(ir::ValueId v);
  // Makes `to` another name for the tensor of `from` (Identity).
  void alias(ir::ValueId from, ir::ValueId to);
  // A Conv op from x to y: geometry (Conv-like nodes: their window; Gemm/MatMul: 1x1 over
  // n = rows), zero points and the fused clamp. Weights, bias and requant are the caller's.
  QOp conv_op(const ir::Node& n, int x, int y, int64_t kh, int64_t kw);
  // Add, MaxPool, AveragePool, GlobalAveragePool, Concat, Reshape, Flatten, Squeeze,
  // Unsqueeze, Identity, standalone Relu / Clip (a Clamp op): appended to q.ops. Other ops throw naming the node.
  void generic_op(const ir::Node& n);
};

}  // namespace systole::quant
