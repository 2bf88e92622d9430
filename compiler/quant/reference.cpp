// Integer reference executor of a quantized graph (see reference.hpp).
#include "compiler/quant/reference.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"
#include "compiler/quant/int_ops.hpp"
#include "kernels/reference_conv.hpp"

namespace systole::quant {

void conv_reference(const compiler::ConvLayer& c, const int8_t* x, int8_t* y) {
  ref::Conv2dShape s;
  s.n = int(c.n), s.h = int(c.h), s.w = int(c.w), s.c_in = int(c.c_in), s.c_out = int(c.c_out);
  s.kh = int(c.kh), s.kw = int(c.kw), s.stride_h = int(c.stride_h), s.stride_w = int(c.stride_w);
  s.pad_top = int(c.pad_top), s.pad_left = int(c.pad_left), s.pad_bottom = int(c.pad_bottom), s.pad_right = int(c.pad_right);
  s.dil_h = int(c.dil_h), s.dil_w = int(c.dil_w), s.groups = int(c.groups);
  const ref::Requant q{c.bias.data(), c.mult.data(), c.shift.data(), c.out_zero_point, c.clamp_lo, c.clamp_hi};
  ref::conv2d_i8(x, c.weights.data(), y, s, c.a_zero_point, q);
}

std::vector<TensorData> run_reference(const QGraph& g, const std::vector<TensorData>& inputs, const ReferenceOptions& opt) {
  if (inputs.size() != g.inputs.size())
    throw Error(fmt::format("graph '{}' takes {} inputs, got {}", g.name, g.inputs.size(), inputs.size()));
  std::vector<TensorData> t(g.tensors.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const QTensor& qt = g.tensors[size_t(g.inputs[i])];
    if (int64_t(inputs[i].size()) != qt.numel())
      throw Error(fmt::format("input '{}': got {} bytes, the tensor has {}", qt.name, inputs[i].size(), qt.numel()));
    t[size_t(g.inputs[i])] = inputs[i];
  }
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const QOp& op = g.ops[k];
    const QTensor& ty = g.tensors[size_t(op.output)];
    TensorData y(size_t(ty.numel()));
    auto in = [&](size_t i) -> const TensorData& {
      const TensorData& d = t[size_t(op.inputs.at(i))];
      if (d.empty()) throw Error(fmt::format("op '{}': input {} has not been computed", op.name, i));
      return d;
    };
    auto tin = [&](size_t i) -> const QTensor& { return g.tensors[size_t(op.inputs[i])]; };
    switch (op.kind) {
      case QOpKind::Conv:
        if (op.weight_zero_point.empty()) conv_reference(op.conv, in(0).data(), y.data());
        else conv_wzp_i8(op, in(0).data(), y.data());
        break;
      case QOpKind::Clamp: clamp_i8(op, tin(0), in(0).data(), ty, y.data()); break;
      case QOpKind::Add: add_i8(op, tin(0), in(0).data(), tin(1), in(1).data(), ty, y.data()); break;
      case QOpKind::MaxPool: max_pool_i8(op, tin(0), in(0).data(), ty, y.data()); break;
      case QOpKind::AvgPool: avg_pool_i8(op, tin(0), in(0).data(), ty, y.data()); break;
      case QOpKind::Reshape: reshape_i8(tin(0), in(0).data(), ty, y.data()); break;
      case QOpKind::Concat: {
        int64_t off = 0;
        for (size_t i = 0; i < op.inputs.size(); ++i) {
          concat_part_i8(tin(i), in(i).data(), op.rescale.at(i), ty, off, y.data());
          off += tin(i).c;
        }
        break;
      }
    }
    t[size_t(op.output)] = std::move(y);
    if (opt.observe) opt.observe(k, t[size_t(op.output)]);
  }
  return t;
}

}  // namespace systole::quant
