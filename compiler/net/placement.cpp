// Placement of quantized ops on the accelerator or the CPU (see placement.hpp).
#include "compiler/net/placement.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"
#include "compiler/quant/int_ops.hpp"

namespace systole::net {

double CpuModel::seconds(uint64_t macs, bool depthwise, uint64_t bytes) const {
  const double rate = (depthwise ? depthwise_macs_per_cycle : dense_macs_per_cycle) * ghz * 1e9;
  return std::max(double(macs) / rate, double(bytes) / bytes_per_second);
}

const char* where_name(Where w) {
  switch (w) {
    case Where::Accel: return "accel";
    case Where::Cpu: return "cpu";
    case Where::Free: return "free";
  }
  return "?";
}

namespace {

std::string us(double s) { return fmt::format("{:.1f} us", s * 1e6); }

Placement place_conv(const quant::QOp& op, const Config& cfg, const PlaceOptions& opt) {
  Placement p;
  const compiler::ConvShape& s = op.conv;
  p.macs = s.macs();
  const bool depthwise = s.groups > 1 && s.groups == s.c_in;
  const uint64_t bytes = uint64_t(op.conv.weights.size()) + uint64_t(s.n) * s.h * s.w * s.c_in +
                         uint64_t(s.n) * s.out_h() * s.out_w() * s.c_out;
  p.cpu_seconds = opt.cpu.seconds(p.macs, depthwise, bytes);
  std::string why_not;
  try {
    p.tiling = compiler::choose_conv_tiling(cfg, s);
    p.estimate = compiler::estimate_conv(cfg, s, p.tiling);
    p.fits = true;
    p.accel_seconds = p.estimate.cycles / (cfg.clock_mhz * 1e6);
  } catch (const Error& e) {
    why_not = e.what();
  }
  const std::string kind = depthwise ? "depthwise " : (s.groups > 1 ? "grouped " : "");
  if (!op.weight_zero_point.empty()) {
    // Asymmetric weights whose zero point cannot be folded into int8 weights: the array
    // multiplies int8 x int8, so the CPU runs the integer kernel that subtracts the zero point.
    // This holds under every policy (--place accel forces only what can go there).
    p.where = Where::Cpu;
    p.reason = "weight zero point: w - zp_w leaves int8 and the accelerator takes symmetric int8 weights";
    p.fits = false;
    return p;
  }
  if (!p.fits) {
    if (opt.policy == PlacePolicy::Accel)
      throw Error(fmt::format("op '{}' ({}): cannot run on the accelerator: {}", op.name, op.src_op, why_not));
    p.where = Where::Cpu;
    p.reason = "does not fit the accelerator: " + why_not;
  } else if (opt.policy == PlacePolicy::Accel) {
    p.where = Where::Accel;
    p.reason = "forced (--place accel)";
  } else if (opt.policy == PlacePolicy::Cpu) {
    p.where = Where::Cpu;
    p.reason = "forced (--place cpu)";
  } else if (p.accel_seconds <= p.cpu_seconds) {
    p.where = Where::Accel;
    p.reason = fmt::format("{}conv: accel {} < CPU {}", kind, us(p.accel_seconds), us(p.cpu_seconds));
  } else {
    p.where = Where::Cpu;
    p.reason = fmt::format("{}conv: CPU {} < accel {} (utilization {:.3f})", kind, us(p.cpu_seconds), us(p.accel_seconds),
                           p.estimate.utilization);
  }
  return p;
}

}  // namespace

bool concat_input_sliced(const quant::QGraph& g, const std::vector<Placement>& p, size_t concat_op, size_t input,
                         const std::vector<int>& producer, const std::vector<int>& readers) {
  const quant::QOp& cat = g.ops[concat_op];
  const int t = cat.inputs[input];
  const int pr = producer[size_t(t)];
  if (pr < 0 || g.ops[size_t(pr)].kind != quant::QOpKind::Conv || p[size_t(pr)].where != Where::Accel) return false;
  if (readers[size_t(t)] != 1) return false;
  if (std::count(g.outputs.begin(), g.outputs.end(), t)) return false;
  if (std::count(cat.inputs.begin(), cat.inputs.end(), t) != 1) return false;
  const quant::QTensor &tx = g.tensors[size_t(t)], &ty = g.tensors[size_t(cat.output)];
  return cat.rescale[input].identity() && tx.q.zero_point == ty.q.zero_point;
}

std::vector<Placement> place(const quant::QGraph& g, const Config& cfg, const PlaceOptions& opt) {
  std::vector<Placement> out(g.ops.size());
  std::vector<int> producer(g.tensors.size(), -1), readers(g.tensors.size(), 0);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    producer[size_t(g.ops[k].output)] = int(k);
    for (int i : g.ops[k].inputs) ++readers[size_t(i)];
  }
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const quant::QOp& op = g.ops[k];
    Placement& p = out[k];
    switch (op.kind) {
      case quant::QOpKind::Conv: p = place_conv(op, cfg, opt); break;
      case quant::QOpKind::Add: p.reason = "residual add: no accelerator unit"; break;
      case quant::QOpKind::MaxPool:
      case quant::QOpKind::AvgPool: p.reason = "pooling: no accelerator unit"; break;
      case quant::QOpKind::Clamp: p.reason = "no accelerator unit for a standalone activation"; break;
      case quant::QOpKind::Reshape:
        if (quant::reshape_is_copy(g.tensors[size_t(op.inputs[0])], g.tensors[size_t(op.output)])) {
          p.where = Where::Free;
          p.reason = "same NHWC bytes: aliased";
        } else {
          p.reason = "reorders NHWC data into the ONNX flatten order";
        }
        break;
      case quant::QOpKind::Concat: {
        size_t sliced = 0;
        for (size_t i = 0; i < op.inputs.size(); ++i) sliced += concat_input_sliced(g, out, k, i, producer, readers);
        if (sliced == op.inputs.size()) {
          p.where = Where::Free;
          p.reason = "producers write channel slices (out_c_offset)";
        } else {
          p.reason = fmt::format("copies {} of {} inputs ({} written in place)", op.inputs.size() - sliced, op.inputs.size(), sliced);
        }
        break;
      }
    }
    if (op.kind != quant::QOpKind::Conv && p.where == Where::Cpu) {
      // Memory-bound data movement on the host: bytes read and written over its bandwidth.
      uint64_t bytes = uint64_t(g.tensors[size_t(op.output)].numel());
      for (int i : op.inputs) bytes += uint64_t(g.tensors[size_t(i)].numel());
      p.cpu_seconds = opt.cpu.seconds(0, false, bytes);
    }
  }
  return out;
}

}  // namespace systole::net
