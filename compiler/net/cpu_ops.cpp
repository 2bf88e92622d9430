// CPU execution of quantized ops (see cpu_ops.hpp).
#include "compiler/net/cpu_ops.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "arch/error.hpp"
#include "compiler/quant/int_ops.hpp"
#include "kernels/cpu/conv_i8.hpp"

namespace systole::net {

void cpu_conv(const compiler::ConvLayer& c, const int8_t* x, int8_t* y, int threads) {
  cpu::ConvArgs a;
  cpu::ConvShape& s = a.s;
  s.n = int(c.n), s.h = int(c.h), s.w = int(c.w), s.c = int(c.c_in), s.o = int(c.c_out);
  s.kh = int(c.kh), s.kw = int(c.kw), s.stride_h = int(c.stride_h), s.stride_w = int(c.stride_w);
  s.dil_h = int(c.dil_h), s.dil_w = int(c.dil_w);
  s.pad_t = int(c.pad_top), s.pad_l = int(c.pad_left), s.pad_b = int(c.pad_bottom), s.pad_r = int(c.pad_right);
  s.groups = int(c.groups);
  a.x = x;
  a.x_zero_point = c.a_zero_point;
  a.w = c.weights.data();
  a.rq = cpu::Requant{c.bias.data(), c.mult.data(), c.shift.data(), c.out_zero_point, c.clamp_lo, c.clamp_hi};
  a.y = y;
  a.threads = threads;
  try {
    cpu::conv2d_i8(a, c.groups > 1 ? cpu::ConvAlgo::kDirect : cpu::ConvAlgo::kIm2col);
  } catch (const std::invalid_argument& e) {
    throw Error(fmt::format("CPU convolution {}: {}", c.to_string(), e.what()));
  }
}

void cpu_op(const quant::QGraph& g, const quant::QOp& op, const std::vector<const int8_t*>& in, int8_t* y,
            const std::vector<bool>& skip) {
  auto t = [&](int i) -> const quant::QTensor& { return g.tensors[size_t(i)]; };
  const quant::QTensor& ty = t(op.output);
  switch (op.kind) {
    case quant::QOpKind::Conv:
      if (op.weight_zero_point.empty()) cpu_conv(op.conv, in[0], y);
      else quant::conv_wzp_i8(op, in[0], y);  // asymmetric weights: the integer definition
      break;
    case quant::QOpKind::Clamp: quant::clamp_i8(op, t(op.inputs[0]), in[0], ty, y); break;
    case quant::QOpKind::Add: quant::add_i8(op, t(op.inputs[0]), in[0], t(op.inputs[1]), in[1], ty, y); break;
    case quant::QOpKind::MaxPool: quant::max_pool_i8(op, t(op.inputs[0]), in[0], ty, y); break;
    case quant::QOpKind::AvgPool: quant::avg_pool_i8(op, t(op.inputs[0]), in[0], ty, y); break;
    case quant::QOpKind::Reshape: quant::reshape_i8(t(op.inputs[0]), in[0], ty, y); break;
    case quant::QOpKind::Concat: {
      int64_t off = 0;
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        if (skip.empty() || !skip[i]) quant::concat_part_i8(t(op.inputs[i]), in[i], op.rescale[i], ty, off, y);
        off += t(op.inputs[i]).c;
      }
      break;
    }
  }
}

}  // namespace systole::net
