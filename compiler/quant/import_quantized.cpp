// Already-quantized ONNX graphs onto QOps with the model's own scales (see quantize.hpp):
//  - QLinearConv / QLinearMatMul: int8 weights (a weight zero point is folded into them when
//    w - zp fits int8; otherwise kept, and the op runs on the CPU), int32 bias, and the
//    multiplier x_scale * w_scale / y_scale computed in float32 in that order, exactly as the
//    float reference executor does, so the result is bit-identical to it;
//  - Q/DQ: a float op whose activation inputs are DequantizeLinear outputs, whose weights are
//    DequantizeLinear of int8 constants (or float constants, quantized per channel here) and
//    whose output is read only by a QuantizeLinear becomes the integer op between the int8
//    tensors; a QuantizeLinear of a float graph input is the host's input quantization.
#include <fmt/format.h>

#include <optional>

#include "arch/error.hpp"
#include "arch/scale.hpp"
#include "compiler/quant/build_ops.hpp"
#include "compiler/quant/qparams.hpp"
#include "compiler/quant/quantize.hpp"

namespace systole::quant {

namespace {

struct Importer {
  const ir::Graph& g;
  OpBuilder b;
  std::vector<std::optional<QParams>> params;
  std::vector<int> prod;
  std::vector<std::vector<int>> users;
  std::vector<bool> done;  // nodes already consumed by a pattern

  explicit Importer(const ir::Graph& graph)
      : g(graph), b(graph), params(graph.values.size()), prod(graph.producers()), users(graph.consumers()),
        done(graph.nodes.size(), false) {
    b.params_of = [this](ir::ValueId v) {
      if (!params[size_t(v)])
        throw Error(fmt::format("value '{}' has no quantization parameters (not produced by a quantized op)", g.value(v).name));
      return *params[size_t(v)];
    };
  }

  const ir::Tensor& cst(const ir::Node& n, size_t i, const char* what) const {
    const ir::ValueId v = n.input(i);
    if (v == ir::kNoValue || !g.value(v).is_const())
      throw Error(fmt::format("{}: {} (input {}) must be a constant", n.label(), what, i));
    return *g.value(v).data;
  }
  QParams qparams(const ir::Node& n, size_t si, size_t zi) const {
    const ir::Tensor& s = cst(n, si, "scale");
    if (s.numel() != 1) throw Error(fmt::format("{}: activation scale must be per tensor", n.label()));
    QParams p;
    p.scale = double(float(s.get_f64(0)));
    p.zero_point = n.input(zi) == ir::kNoValue ? 0 : int32_t(cst(n, zi, "zero point").get_i64(0));
    return p;
  }
  // The accelerator takes symmetric weights. A non-zero weight zero point z (per tensor or
  // per output channel) is folded exactly into the weights, w' = w - z, when every w' fits
  // int8; otherwise the weights stay as they are and the per-channel zero points are returned
  // (the op then runs on the CPU with conv_wzp_i8). `w` is output-channel major (OHWI).
  std::vector<int32_t> fold_weight_zero_point(const ir::Node& n, size_t zi, std::vector<int8_t>& w, int64_t out_channels) const {
    if (n.input(zi) == ir::kNoValue) return {};
    const ir::Tensor& z = cst(n, zi, "weight zero point");
    if (z.numel() != 1 && z.numel() != out_channels)
      throw Error(fmt::format("{}: weight zero point has {} values for {} output channels", n.label(), z.numel(), out_channels));
    const int64_t rest = int64_t(w.size()) / out_channels;
    std::vector<int32_t> zps(static_cast<size_t>(out_channels));
    bool fits = true;
    for (int64_t o = 0; o < out_channels; ++o) {
      zps[size_t(o)] = int32_t(z.get_i64(z.numel() == 1 ? 0 : o));
      for (int64_t k = 0; k < rest && fits; ++k) {
        const int64_t v = int64_t(w[size_t(o * rest + k)]) - zps[size_t(o)];
        fits = v >= -128 && v <= 127;
      }
    }
    if (!fits) return zps;
    for (int64_t o = 0; o < out_channels; ++o)
      for (int64_t k = 0; k < rest; ++k) w[size_t(o * rest + k)] = int8_t(int32_t(w[size_t(o * rest + k)]) - zps[size_t(o)]);
    return {};
  }
  void set_params(ir::ValueId v, const QParams& p) { params[size_t(v)] = p; }

  void qlinear_conv(const ir::Node& n, bool matmul) {
    // QLinearConv: x, xs, xzp, w, ws, wzp, ys, yzp, [B]; QLinearMatMul: a, as, azp, b, bs, bzp, ys, yzp.
    set_params(n.inputs[0], qparams(n, 1, 2));
    set_params(n.outputs[0], qparams(n, 6, 7));
    const ir::Tensor& w = cst(n, 3, "weights");
    if (w.dtype != ir::DType::i8) throw Error(fmt::format("{}: weights must be int8", n.label()));
    int x = b.tensor(n.inputs[0]), y = b.tensor(n.outputs[0]);
    const int y_final = y;
    int64_t O = 0, kh = 1, kw = 1;
    std::vector<int8_t> ohwi;
    if (matmul && b.q.tensors[size_t(x)].logical.size() == 3) {
      // Batched A [B, M, K] with one B for every batch: rows [B*M, K] by Reshape ops around a
      // 2-D product (the reshapes reorder NHWC data into the ONNX order and back).
      const QTensor tx = b.q.tensors[size_t(x)], ty = b.q.tensors[size_t(y)];
      auto flat = [&](const QTensor& t, const std::string& suffix) {
        QTensor f;
        f.name = t.name + suffix;
        set_dims(f, {t.logical[0] * t.logical[1], t.logical[2]}, f.name);
        f.q = t.q;
        return b.q.add_tensor(std::move(f));
      };
      auto reshape = [&](int from, int to, const std::string& suffix) {
        QOp r;
        r.name = n.name + suffix;
        r.src_op = "Reshape";
        r.kind = QOpKind::Reshape;
        r.inputs = {from};
        r.output = to;
        b.q.ops.push_back(std::move(r));
      };
      const int x2 = flat(tx, "_rows");
      reshape(x, x2, "_rows");
      x = x2;
      y = flat(ty, "_rows");
    }
    if (!matmul) {
      O = w.shape[0];
      kh = w.rank() == 4 ? w.shape[2] : 1;
      kw = w.shape.back();
      const std::vector<uint8_t> t = oihw_to_ohwi(w.bytes.data(), O, w.shape[1], kh, kw, 1);
      ohwi.assign(t.begin(), t.end());
    } else {
      if (w.rank() != 2 && w.rank() != 3) throw Error(fmt::format("{}: B must be a 2-D constant", n.label()));
      const int64_t K = w.shape[w.rank() - 2];
      O = w.shape[w.rank() - 1];
      const int8_t* p = w.data<int8_t>();
      if (w.rank() == 3) {  // a batch of B matrices: supported when they are all the same matrix
        for (int64_t i = 0; i < w.numel(); ++i)
          if (p[i] != p[i % (K * O)]) throw Error(fmt::format("{}: B must be a 2-D constant (or one matrix repeated per batch)", n.label()));
        if (b.q.tensors[size_t(x)].logical.size() != 2) throw Error(fmt::format("{}: a 3-D B needs a 3-D A", n.label()));
      }
      ohwi.resize(size_t(O * K));
      for (int64_t o = 0; o < O; ++o)
        for (int64_t k = 0; k < K; ++k) ohwi[size_t(o * K + k)] = p[k * O + o];
    }
    std::vector<int32_t> wzp = fold_weight_zero_point(n, 5, ohwi, O);
    QOp op = b.conv_op(n, x, y, kh, kw);
    op.conv.weights = std::move(ohwi);
    op.weight_zero_point = std::move(wzp);
    const ir::Tensor& ws = cst(n, 4, "weight scale");
    const float xs = float(b.q.tensors[size_t(x)].q.scale), ys = float(b.q.tensors[size_t(y)].q.scale);
    op.conv.bias.assign(size_t(O), 0);
    op.conv.mult.resize(size_t(O));
    op.conv.shift.resize(size_t(O));
    const bool has_bias = !matmul && n.input(8) != ir::kNoValue;
    for (int64_t o = 0; o < O; ++o) {
      const float m = (xs * float(ws.get_f64(ws.numel() == 1 ? 0 : o))) / ys;  // float32, the executor's order
      const FixedScale f = quantize_scale(double(m));
      op.conv.mult[size_t(o)] = f.mult;
      op.conv.shift[size_t(o)] = f.shift;
      if (has_bias) op.conv.bias[size_t(o)] = int32_t(cst(n, 8, "bias").get_i64(o));
    }
    b.q.ops.push_back(std::move(op));
    if (y != y_final) {
      QOp r;
      r.name = n.name + "_unrows";
      r.src_op = "Reshape";
      r.kind = QOpKind::Reshape;
      r.inputs = {y};
      r.output = y_final;
      b.q.ops.push_back(std::move(r));
    }
  }

  // The sole QuantizeLinear reading float output v of a Q/DQ float op, or an error.
  const ir::Node& output_quantizer(const ir::Node& n, ir::ValueId v) {
    const auto& u = users[size_t(v)];
    if (u.size() != 1 || g.nodes[size_t(u[0])].op != "QuantizeLinear" || g.is_output(v))
      throw Error(fmt::format("{}: in a quantized model its output must be read only by a QuantizeLinear", n.label()));
    done[size_t(u[0])] = true;
    return g.nodes[size_t(u[0])];
  }
  // Binds the float output of n to the int8 output of its QuantizeLinear.
  void bind_output(const ir::Node& n) {
    const ir::Node& q = output_quantizer(n, n.outputs[0]);
    set_params(q.outputs[0], qparams(q, 1, 2));
    b.alias(q.outputs[0], n.outputs[0]);
  }
  // The DequantizeLinear node producing float value v from a constant, or nullptr.
  const ir::Node* const_dequant(ir::ValueId v) const {
    const int p = prod[size_t(v)];
    if (p < 0 || g.nodes[size_t(p)].op != "DequantizeLinear") return nullptr;
    const ir::Node& d = g.nodes[size_t(p)];
    return g.value(d.inputs[0]).is_const() ? &d : nullptr;
  }

  void qdq_linear(const ir::Node& n) {
    bind_output(n);
    const int x = b.tensor(n.inputs[0]), y = b.tensor(n.outputs[0]);
    const double s_in = b.q.tensors[size_t(x)].q.scale;
    std::vector<double> sw;
    std::vector<int8_t> wq;
    std::vector<int32_t> wzp;
    FloatLinear fl;
    const ir::Tensor* fbias = nullptr;
    const ir::Node* bias_dq = n.input(2) == ir::kNoValue ? nullptr : const_dequant(n.inputs[2]);
    if (n.input(2) != ir::kNoValue && !bias_dq) fbias = &cst(n, 2, "bias");
    if (const ir::Node* d = const_dequant(n.inputs[1])) {
      // Int8 weights with their scales: lay them out as floats of the integer values (exact),
      // reuse float_linear's layout code, and take the per-channel scales from the node.
      if (n.op == "Gemm" && n.attrs.get_float("alpha", 1.f) != 1.f)
        throw Error(fmt::format("{}: alpha != 1 with int8 weights is not supported", n.label()));
      const ir::Tensor wf = ir::cast(*g.value(d->inputs[0]).data, ir::DType::f32);
      fl = float_linear(g, n, wf, nullptr);
      const ir::Tensor& s = cst(*d, 1, "weight scale");
      const int64_t axis = d->attrs.get_int("axis", 1);
      const bool per_out = s.numel() == 1 || (n.op == "Conv" ? axis == 0 : (axis == 1 || axis == -1) && !n.attrs.get_int("transB", 0));
      if (!per_out) throw Error(fmt::format("{}: weight scales must be per tensor or per output channel", n.label()));
      for (int64_t o = 0; o < fl.out_channels; ++o) sw.push_back(s.get_f64(s.numel() == 1 ? 0 : o));
      wq.assign(fl.weights.begin(), fl.weights.end());  // integer values, exact in float
      wzp = fold_weight_zero_point(*d, 2, wq, fl.out_channels);
    } else {
      const ir::Tensor& w = cst(n, 1, "weights");
      if (w.dtype != ir::DType::f32) throw Error(fmt::format("{}: weights must be float or DequantizeLinear of int8", n.label()));
      fl = float_linear(g, n, w, nullptr);
      quantize_weights(fl.weights.data(), fl.out_channels, int64_t(fl.weights.size()) / fl.out_channels, wq, sw);
    }
    QOp op = b.conv_op(n, x, y, fl.kh, fl.kw);
    op.conv.weights = std::move(wq);
    op.weight_zero_point = std::move(wzp);
    op.conv.bias.assign(size_t(fl.out_channels), 0);
    if (bias_dq) {
      const ir::Tensor& b32 = *g.value(bias_dq->inputs[0]).data;
      for (int64_t o = 0; o < fl.out_channels; ++o) op.conv.bias[size_t(o)] = int32_t(b32.get_i64(b32.numel() == 1 ? 0 : o));
    } else if (fbias) {
      if (fbias->dtype != ir::DType::f32 || (fbias->numel() != 1 && fbias->numel() != fl.out_channels))
        throw Error(fmt::format("{}: bias must be a float per-channel constant", n.label()));
      const double beta = n.op == "Gemm" ? n.attrs.get_float("beta", 1.f) : 1.0;
      for (int64_t o = 0; o < fl.out_channels; ++o)
        op.conv.bias[size_t(o)] = quantize_bias(beta * fbias->get_f64(fbias->numel() == 1 ? 0 : o), s_in, sw[size_t(o)]);
    }
    set_requant(op.conv, s_in, sw, b.q.tensors[size_t(y)].q.scale);
    b.q.ops.push_back(std::move(op));
  }

  void run() {
    b.q.float_input = false;
    std::vector<ir::ValueId> input_q;  // per graph input: the int8 value the network starts from
    for (ir::ValueId v : g.inputs) {
      const ir::Value& val = g.value(v);
      if (val.dtype == ir::DType::f32) {
        // Must be quantized by a QuantizeLinear: that node's output is the network's input.
        const auto& u = users[size_t(v)];
        if (u.size() != 1 || g.nodes[size_t(u[0])].op != "QuantizeLinear")
          throw Error(fmt::format("float input '{}' of a quantized model must be read only by a QuantizeLinear", val.name));
        const ir::Node& q = g.nodes[size_t(u[0])];
        done[size_t(u[0])] = true;
        set_params(q.outputs[0], qparams(q, 1, 2));
        input_q.push_back(q.outputs[0]);
        b.q.float_input = true;
      } else if (val.dtype == ir::DType::i8) {
        input_q.push_back(v);  // parameters from its first quantized reader (set while walking)
      } else {
        throw Error(fmt::format("input '{}' is {}; quantized models take float or (u)int8 inputs", val.name, ir::dtype_name(val.dtype)));
      }
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (done[i]) continue;
      const ir::Node& n = g.nodes[i];
      if (n.op == "QLinearConv" || n.op == "QLinearMatMul") {
        qlinear_conv(n, n.op == "QLinearMatMul");
      } else if (n.op == "DequantizeLinear") {
        if (g.value(n.inputs[0]).is_const()) continue;  // weights: read by their consumer
        set_params(n.inputs[0], qparams(n, 1, 2));
        b.alias(n.inputs[0], n.outputs[0]);
      } else if (n.op == "QuantizeLinear") {
        throw Error(fmt::format("{}: QuantizeLinear of a value that is not a float op's output or a graph input", n.label()));
      } else if (n.op == "Conv" || n.op == "Gemm" || n.op == "MatMul") {
        qdq_linear(n);
      } else if (g.value(n.outputs[0]).dtype == ir::DType::f32) {
        bind_output(n);  // Add, pools, Concat, reshapes between DQ and Q
        b.generic_op(n);
      } else {
        // int8 data movement / MaxPool straight on a quantized tensor: parameters pass through.
        if (n.inputs.empty() || !params[size_t(n.inputs[0])])
          throw Error(fmt::format("{}: op {} on a tensor without quantization parameters", n.label(), n.op));
        if (n.op == "Concat")
          for (ir::ValueId v : n.inputs)
            if (!(params[size_t(v)] == params[size_t(n.inputs[0])]))
              throw Error(fmt::format("{}: int8 Concat of inputs with different scales", n.label()));
        set_params(n.outputs[0], *params[size_t(n.inputs[0])]);
        b.generic_op(n);
      }
    }
    for (ir::ValueId v : input_q) {
      if (b.tensor_of[size_t(v)] < 0) throw Error(fmt::format("input '{}' is not read by a quantized op", g.value(v).name));
      b.q.inputs.push_back(b.tensor_of[size_t(v)]);
    }
    for (ir::ValueId v : g.outputs) b.q.outputs.push_back(b.tensor(v));
  }
};

}  // namespace

bool is_prequantized(const ir::Graph& g) {
  for (const ir::Node& n : g.nodes)
    if (n.op == "QLinearConv" || n.op == "QLinearMatMul" || n.op == "QuantizeLinear" || n.op == "DequantizeLinear") return true;
  return false;
}

QGraph import_quantized(const ir::Graph& g) {
  Importer im(g);
  im.run();
  return std::move(im.b.q);
}

}  // namespace systole::quant
