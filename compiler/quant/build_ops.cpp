// QTensor / QOp construction from IR nodes (see build_ops.hpp).
#include "compiler/quant/build_ops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "arch/error.hpp"
#include "compiler/ir/window.hpp"
#include "compiler/quant/qparams.hpp"

namespace systole::quant {

FloatLinear float_linear(const ir::Graph& g, const ir::Node& n, const ir::Tensor& w, const ir::Tensor* bias) {
  FloatLinear f;
  const float* wp = w.data<float>();
  if (n.op == "Conv") {
    if (w.rank() != 3 && w.rank() != 4) throw Error(fmt::format("{}: weights of rank {} (only 1-D and 2-D convs)", n.label(), w.rank()));
    f.out_channels = w.shape[0];
    const int64_t ci = w.shape[1];
    f.kh = w.rank() == 4 ? w.shape[2] : 1;
    f.kw = w.shape.back();
    const std::vector<uint8_t> b = oihw_to_ohwi(reinterpret_cast<const uint8_t*>(wp), f.out_channels, ci, f.kh, f.kw, 4);
    f.weights.resize(b.size() / 4);
    std::memcpy(f.weights.data(), b.data(), b.size());
  } else {  // Gemm, MatMul: y = alpha * A * op(B) + beta * C, as OHWI [N][1][1][K]
    const bool gemm = n.op == "Gemm";
    if (gemm && n.attrs.get_int("transA", 0)) throw Error(fmt::format("{}: transA = 1 is not supported", n.label()));
    if (w.rank() != 2) throw Error(fmt::format("{}: weights must be a matrix, have shape {}", n.label(), ir::shape_str(w.shape)));
    const bool tb = gemm && n.attrs.get_int("transB", 0);
    const float alpha = gemm ? n.attrs.get_float("alpha", 1.f) : 1.f;
    const int64_t K = tb ? w.shape[1] : w.shape[0], N = tb ? w.shape[0] : w.shape[1];
    f.out_channels = N;
    f.weights.resize(size_t(N * K));
    for (int64_t o = 0; o < N; ++o)
      for (int64_t k = 0; k < K; ++k) f.weights[size_t(o * K + k)] = alpha * (tb ? wp[o * K + k] : wp[k * N + o]);
  }
  if (bias) {
    const float beta = n.op == "Gemm" ? n.attrs.get_float("beta", 1.f) : 1.f;
    if (bias->numel() != 1 && bias->numel() != f.out_channels)
      throw Error(fmt::format("{}: bias of shape {} is not per output channel", n.label(), ir::shape_str(bias->shape)));
    f.bias.resize(size_t(f.out_channels));
    for (int64_t o = 0; o < f.out_channels; ++o) f.bias[size_t(o)] = beta * bias->data<float>()[bias->numel() == 1 ? 0 : o];
  }
  (void)g;
  return f;
}

OpBuilder::OpBuilder(const ir::Graph& graph) : g(graph), tensor_of(graph.values.size(), -1) { q.name = graph.name; }

int OpBuilder::tensor(ir::ValueId v) {
  if (tensor_of[size_t(v)] >= 0) return tensor_of[size_t(v)];
  const ir::Value& val = g.value(v);
  if (val.is_const()) throw Error(fmt::format("value '{}' is a constant where the network path needs an activation", val.name));
  if (!val.shape_known) throw Error(fmt::format("value '{}' has no inferred shape", val.name));
  QTensor t;
  t.name = val.name;
  set_dims(t, val.shape, fmt::format("value '{}'", val.name));
  t.q = params_of(v);
  t.from_uint8 = val.from_uint8;
  return tensor_of[size_t(v)] = q.add_tensor(std::move(t));
}

void OpBuilder::alias(ir::ValueId from, ir::ValueId to) { tensor_of[size_t(to)] = tensor(from); }

QOp OpBuilder::conv_op(const ir::Node& n, int x, int y, int64_t kh, int64_t kw) {
  const QTensor &tx = q.tensors[size_t(x)], &ty = q.tensors[size_t(y)];
  QOp op;
  op.name = n.name;
  op.src_op = n.op;
  op.kind = QOpKind::Conv;
  op.inputs = {x};
  op.output = y;
  compiler::ConvShape s;
  if (n.op == "Conv" || n.op == "QLinearConv") {
    s = conv_shape(n, tx, ty, kh, kw);
  } else {
    if (tx.logical.size() != 2) throw Error(fmt::format("{}: input must be a matrix, is {}", n.label(), ir::shape_str(tx.logical)));
    s.n = uint32_t(tx.n), s.c_in = uint32_t(tx.c), s.c_out = uint32_t(ty.c);
  }
  static_cast<compiler::ConvShape&>(op.conv) = s;
  op.conv.a_zero_point = tx.q.zero_point;
  op.conv.out_zero_point = ty.q.zero_point;
  set_clamp(n, ty.q, op.conv.clamp_lo, op.conv.clamp_hi);
  return op;
}

namespace {
PoolParams pool_params(const ir::Node& n, const QTensor& x) {
  PoolParams p;
  if (n.op == "GlobalAveragePool") {
    p.kh = uint32_t(x.h), p.kw = uint32_t(x.w), p.global = true;
    return p;
  }
  const ir::Window win = ir::read_window(n);
  for (size_t d = 0; d < win.dilations.size(); ++d)
    if (win.dilations[d] != 1) throw Error(fmt::format("{}: dilated pooling is not supported", n.label()));
  if (win.rank == 1) {
    p.kw = uint32_t(win.kernel[0]), p.stride_w = uint32_t(win.strides[0]);
    p.pad_left = uint32_t(win.pads[0]), p.pad_right = uint32_t(win.pads[1]);
  } else {
    p.kh = uint32_t(win.kernel[0]), p.kw = uint32_t(win.kernel[1]);
    p.stride_h = uint32_t(win.strides[0]), p.stride_w = uint32_t(win.strides[1]);
    p.pad_top = uint32_t(win.pads[0]), p.pad_left = uint32_t(win.pads[1]);
    p.pad_bottom = uint32_t(win.pads[2]), p.pad_right = uint32_t(win.pads[3]);
  }
  p.count_include_pad = n.attrs.get_int("count_include_pad", 0) != 0;
  return p;
}
}  // namespace

void OpBuilder::generic_op(const ir::Node& n) {
  if (n.op == "Identity") {
    alias(n.inputs[0], n.outputs[0]);
    return;
  }
  QOp op;
  op.name = n.name;
  op.src_op = n.op;
  const bool movement = n.op == "Reshape" || n.op == "Flatten" || n.op == "Squeeze" || n.op == "Unsqueeze";
  const size_t data_inputs =
      (movement || n.op.find("Pool") != std::string::npos || n.op == "Relu" || n.op == "Clip") ? 1 : n.inputs.size();
  for (size_t i = 0; i < data_inputs; ++i) op.inputs.push_back(tensor(n.inputs[i]));
  op.output = tensor(n.outputs[0]);
  const QTensor& ty = q.tensors[size_t(op.output)];
  auto tin = [&](size_t i) -> const QTensor& { return q.tensors[size_t(op.inputs[i])]; };
  auto same_params = [&](const char* why) {
    if (!(tin(0).q == ty.q))
      throw Error(fmt::format("{}: input and output quantization differ (scale {} zp {} vs scale {} zp {}); {}", n.label(),
                              tin(0).q.scale, tin(0).q.zero_point, ty.q.scale, ty.q.zero_point, why));
  };
  if (n.op == "Add") {
    if (op.inputs.size() != 2 || tin(0).numel() != ty.numel() || tin(1).numel() != ty.numel())
      throw Error(fmt::format("{}: only an Add of two activations of the output's shape runs quantized (no broadcasting)", n.label()));
    op.kind = QOpKind::Add;
    op.rescale = {make_rescale(tin(0).q.scale / ty.q.scale), make_rescale(tin(1).q.scale / ty.q.scale)};
    set_clamp(n, ty.q, op.clamp_lo, op.clamp_hi);
  } else if (n.op == "MaxPool") {
    op.kind = QOpKind::MaxPool;
    op.pool = pool_params(n, tin(0));
    same_params("a quantized MaxPool keeps its input's scale");
  } else if (n.op == "AveragePool" || n.op == "GlobalAveragePool") {
    op.kind = QOpKind::AvgPool;
    op.pool = pool_params(n, tin(0));
    const uint32_t maxc = op.pool.kh * op.pool.kw;
    op.avg_rescale.resize(maxc + 1);
    for (uint32_t c = 1; c <= maxc; ++c) op.avg_rescale[c] = make_rescale(tin(0).q.scale / (ty.q.scale * c));
  } else if (n.op == "Concat") {
    const int64_t axis = ir::normalize_axis(n.attrs.get_int("axis"), int64_t(ty.logical.size()));
    if (axis != 1) throw Error(fmt::format("{}: only channel concatenation (axis 1) runs quantized, axis is {}", n.label(), axis));
    op.kind = QOpKind::Concat;
    for (size_t i = 0; i < op.inputs.size(); ++i) op.rescale.push_back(make_rescale(tin(i).q.scale / ty.q.scale));
  } else if (n.op == "Relu" || n.op == "Clip") {
    // A standalone activation (one the IR could not fuse into a Conv/Gemm output path): a
    // clamp at the bounds quantized to the output's scale, the input rescaled when the scales
    // differ. ReLU6 is Clip [0, 6].
    op.kind = QOpKind::Clamp;
    op.rescale = {make_rescale(tin(0).q.scale / ty.q.scale)};
    double lo = -INFINITY, hi = INFINITY;
    if (n.op == "Relu") {
      lo = 0;
    } else {
      for (size_t i : {size_t(1), size_t(2)}) {
        if (n.input(i) == ir::kNoValue) continue;
        const ir::Value& v = g.value(n.inputs[i]);
        if (!v.is_const() || v.data->numel() != 1)
          throw Error(fmt::format("{}: Clip bounds must be scalar constants", n.label()));
        (i == 1 ? lo : hi) = v.data->get_f64(0);
      }
      if (n.attrs.has("min")) lo = n.attrs.get_float("min");
      if (n.attrs.has("max")) hi = n.attrs.get_float("max");
    }
    op.clamp_lo = -128, op.clamp_hi = 127;
    if (std::isfinite(lo)) op.clamp_lo = int32_t(std::clamp(std::nearbyint(lo / ty.q.scale) + ty.q.zero_point, -128.0, 127.0));
    if (std::isfinite(hi)) op.clamp_hi = int32_t(std::clamp(std::nearbyint(hi / ty.q.scale) + ty.q.zero_point, -128.0, 127.0));
    if (op.clamp_lo > op.clamp_hi)
      throw Error(fmt::format("{}: clip [{}, {}] is empty at output scale {}", n.label(), lo, hi, ty.q.scale));
  } else if (movement) {
    op.kind = QOpKind::Reshape;
    same_params("a reshape cannot change the quantization");
  } else {
    throw Error(fmt::format("{}: op {} is not supported by the quantized network path", n.label(), n.op));
  }
  q.ops.push_back(std::move(op));
}

}  // namespace systole::quant
