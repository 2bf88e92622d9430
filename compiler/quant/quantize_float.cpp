// Post-training quantization of a float IR graph (see quantize.hpp). Tensors that must share
// quantization parameters (the two sides of MaxPool, Reshape/Flatten, Identity, a standalone
// Relu/Clip, and all
// inputs and the output of a Concat, so that a concat is a pure copy or free channel slicing)
// form one class whose range is the union of its members' calibrated ranges.
#include <fmt/format.h>

#include <cmath>
#include <numeric>

#include "arch/error.hpp"
#include "compiler/ir/window.hpp"
#include "compiler/quant/build_ops.hpp"
#include "compiler/quant/qparams.hpp"
#include "compiler/quant/quantize.hpp"

namespace systole::quant {

namespace {

bool is_alias_op(const std::string& op) {
  // A standalone Relu / Clip shares its input's parameters too: it is then an exact int8
  // clamp at the quantized bounds (the output range is within the input's).
  return op == "Identity" || op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "MaxPool" ||
         op == "Relu" || op == "Clip";
}

struct UnionFind {
  std::vector<int> p;
  explicit UnionFind(size_t n) : p(n) { std::iota(p.begin(), p.end(), 0); }
  int find(int x) { return p[size_t(x)] == x ? x : p[size_t(x)] = find(p[size_t(x)]); }
  void unite(int a, int b) { p[size_t(find(a))] = find(b); }
};

// The float weights of a node input, or an error naming the node.
const ir::Tensor& const_float(const ir::Graph& g, const ir::Node& n, size_t i, const char* what) {
  const ir::ValueId v = n.input(i);
  if (v == ir::kNoValue || !g.value(v).is_const())
    throw Error(fmt::format("{}: {} (input {}) must be a constant to be quantized", n.label(), what, i));
  const ir::Tensor& t = *g.value(v).data;
  if (t.dtype != ir::DType::f32) throw Error(fmt::format("{}: {} must be float32, is {}", n.label(), what, ir::dtype_name(t.dtype)));
  return t;
}

}  // namespace

QGraph quantize_float(const ir::Graph& g, const std::vector<std::vector<ir::Tensor>>& samples, const QuantizeOptions& opt) {
  const std::vector<Range> ranges = calibrate(g, samples, opt.calib);
  // Parameter classes.
  UnionFind uf(g.values.size());
  for (const ir::Node& n : g.nodes) {
    if (is_alias_op(n.op)) uf.unite(n.inputs[0], n.outputs[0]);
    if (n.op == "Concat")
      for (ir::ValueId v : n.inputs) uf.unite(v, n.outputs[0]);
  }
  std::vector<Range> cls(g.values.size());
  for (size_t v = 0; v < g.values.size(); ++v) {
    if (!ranges[v].seen) continue;
    Range& c = cls[size_t(uf.find(int(v)))];
    c.lo = c.seen ? std::min(c.lo, ranges[v].lo) : ranges[v].lo;
    c.hi = c.seen ? std::max(c.hi, ranges[v].hi) : ranges[v].hi;
    c.seen = true;
  }
  OpBuilder b(g);
  b.params_of = [&](ir::ValueId v) {
    const Range& c = cls[size_t(uf.find(v))];
    if (!c.seen) throw Error(fmt::format("value '{}' was never computed during calibration", g.value(v).name));
    return activation_params(c.lo, c.hi);
  };
  for (ir::ValueId v : g.inputs) {
    if (g.value(v).dtype != ir::DType::f32)
      throw Error(fmt::format("input '{}' is {}, a float model takes float inputs", g.value(v).name, ir::dtype_name(g.value(v).dtype)));
    b.q.inputs.push_back(b.tensor(v));
  }
  for (const ir::Node& n : g.nodes) {
    if (n.op == "Conv" || n.op == "Gemm" || n.op == "MatMul") {
      const ir::Tensor& w = const_float(g, n, 1, "weights");
      const ir::Tensor* bias = nullptr;
      if (n.input(2) != ir::kNoValue) bias = &const_float(g, n, 2, "bias");
      FloatLinear fl = float_linear(g, n, w, bias);
      const int x = b.tensor(n.inputs[0]), y = b.tensor(n.outputs[0]);
      QOp op = b.conv_op(n, x, y, fl.kh, fl.kw);
      std::vector<double> sw;
      quantize_weights(fl.weights.data(), fl.out_channels, int64_t(fl.weights.size()) / fl.out_channels, op.conv.weights, sw);
      const double s_in = b.q.tensors[size_t(x)].q.scale;
      op.conv.bias.resize(size_t(fl.out_channels));
      for (int64_t o = 0; o < fl.out_channels; ++o)
        op.conv.bias[size_t(o)] = quantize_bias(fl.bias.empty() ? 0.0 : double(fl.bias[size_t(o)]), s_in, sw[size_t(o)]);
      set_requant(op.conv, s_in, sw, b.q.tensors[size_t(y)].q.scale);
      b.q.ops.push_back(std::move(op));
    } else {
      b.generic_op(n);
    }
  }
  for (ir::ValueId v : g.outputs) b.q.outputs.push_back(b.tensor(v));
  b.q.float_input = true;
  return std::move(b.q);
}

}  // namespace systole::quant
