// The supported-op table. Fusion attributes (clip_min, clip_max, residual, fuse_into) are the
// "internal" ones: passes add them, the exporter expands them back into ONNX nodes.
#include "compiler/ir/ops.hpp"

#include <algorithm>

namespace systole::ir {

static const std::vector<OpSchema>& table() {
  static const std::vector<std::string> conv = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  static const std::vector<std::string> act = {"clip_min", "clip_max"};
  static const std::vector<OpSchema> t = {
      {"Conv", 2, 3, 1, 1, conv, act},
      {"ConvInteger", 2, 4, 1, 1, conv, {}},
      {"QLinearConv", 8, 9, 1, 1, conv, {}},
      {"Gemm", 2, 3, 1, 1, {"alpha", "beta", "transA", "transB"}, act},
      {"MatMul", 2, 2, 1, 1, {}, {}},
      {"MatMulInteger", 2, 4, 1, 1, {}, {}},
      {"QLinearMatMul", 8, 8, 1, 1, {}, {}},
      {"Add", 2, 2, 1, 1, {}, {"residual", "fuse_into", "clip_min", "clip_max"}},
      {"Sub", 2, 2, 1, 1, {}, {}},
      {"Mul", 2, 2, 1, 1, {}, {}},
      {"Div", 2, 2, 1, 1, {}, {}},
      {"Relu", 1, 1, 1, 1, {}, {}},
      {"Clip", 1, 3, 1, 1, {}, {}},
      {"MaxPool", 1, 1, 1, 1, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"}, {}},
      {"AveragePool", 1, 1, 1, 1, {"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"}, {}},
      {"GlobalAveragePool", 1, 1, 1, 1, {}, {}},
      {"Flatten", 1, 1, 1, 1, {"axis"}, {}},
      {"Reshape", 2, 2, 1, 1, {"allowzero"}, {}},
      {"Concat", 1, -1, 1, 1, {"axis"}, {}},
      {"BatchNormalization", 5, 5, 1, 1, {"epsilon", "momentum", "training_mode"}, {}},
      {"QuantizeLinear", 2, 3, 1, 1, {"axis"}, {}},
      {"DequantizeLinear", 2, 3, 1, 1, {"axis"}, {}},
      {"Transpose", 1, 1, 1, 1, {"perm"}, {}},
      {"Shape", 1, 1, 1, 1, {}, {}},
      {"Gather", 2, 2, 1, 1, {"axis"}, {}},
      {"Unsqueeze", 2, 2, 1, 1, {}, {}},
      {"Squeeze", 1, 2, 1, 1, {}, {}},
      {"Cast", 1, 1, 1, 1, {"to"}, {}},
      {"Identity", 1, 1, 1, 1, {}, {}},
  };
  return t;
}

const OpSchema* find_schema(const std::string& op) {
  for (const OpSchema& s : table())
    if (op == s.op) return &s;
  return nullptr;
}

std::vector<std::string> supported_ops() {
  std::vector<std::string> v;
  for (const OpSchema& s : table()) v.push_back(s.op);
  return v;
}

bool commutes_with_uint8_shift(const std::string& op) {
  static const char* ops[] = {"MaxPool", "Flatten", "Reshape", "Concat", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Gather"};
  return std::any_of(std::begin(ops), std::end(ops), [&](const char* o) { return op == o; });
}

}  // namespace systole::ir
