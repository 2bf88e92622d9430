// The uint8 -> int8 mapping. ONNX's uint8 quantized tensors become int8 by subtracting 128
// from data and zero points: (x - zp) is unchanged, so every quantized op computes the same
// real values, and QuantizeLinear's saturation range [0,255] maps onto [-128,127]. Data
// movement and max pooling commute with the shift too. Plain arithmetic does not (uint8 Add
// wraps modulo 256), so such uses are rejected here.
#include <fmt/format.h>

#include "arch/error.hpp"
#include "compiler/ir/ops.hpp"
#include "compiler/onnx/import_detail.hpp"

namespace systole::onnx_io::detail {
namespace {

using ir::kNoValue;
using ir::ValueId;

// Quantized-operand positions: {data input, its zero point input} pairs per op.
std::vector<std::pair<size_t, size_t>> quantized_operands(const std::string& op) {
  if (op == "QLinearConv" || op == "QLinearMatMul") return {{0, 2}, {3, 5}};
  if (op == "ConvInteger" || op == "MatMulInteger") return {{0, 2}, {1, 3}};
  if (op == "DequantizeLinear") return {{0, 2}};
  return {};
}

// Materializes ONNX's implicit uint8 zero point 0, which is -128 after the shift.
void set_zero_point(ir::Graph& g, ir::Node& n, size_t pos) {
  const ValueId v = g.add_constant(g.fresh_name(n.name + "_zero_point"), ir::Tensor::scalar<int8_t>(-128));
  g.value(v).from_uint8 = true;
  if (n.inputs.size() <= pos) n.inputs.resize(pos + 1, kNoValue);
  n.inputs[pos] = v;
}

}  // namespace

void map_uint8(ir::Graph& g, const std::set<ValueId>& declared_u8) {
  std::vector<bool> u8(g.values.size(), false);
  for (ValueId v : declared_u8) u8[size_t(v)] = true;
  auto is_u8 = [&](ValueId v) { return v != kNoValue && size_t(v) < u8.size() && u8[size_t(v)]; };
  for (ir::Node& n : g.nodes) {
    try {
      bool out_u8 = false;
      std::vector<bool> handled(n.inputs.size(), false);
      for (auto [data, zp] : quantized_operands(n.op)) {
        if (data >= n.inputs.size()) continue;
        handled[data] = true;
        if (zp < n.inputs.size()) handled[zp] = true;
        const ValueId z = n.input(zp);
        if (z == kNoValue) {
          if (is_u8(n.inputs[data])) set_zero_point(g, n, zp);
        } else if (is_u8(n.inputs[data]) != is_u8(z)) {
          throw Error(fmt::format("input '{}' and its zero point '{}' differ in uint8/int8 type", g.value(n.inputs[data]).name,
                                  g.value(z).name));
        }
      }
      if (n.op == "QuantizeLinear") {
        handled.assign(n.inputs.size(), true);
        if (n.input(2) == kNoValue) set_zero_point(g, n, 2);  // ONNX's default output type is uint8
        out_u8 = is_u8(n.input(2)) || g.value(n.input(2)).from_uint8;
      } else if (n.op == "QLinearConv" || n.op == "QLinearMatMul") {
        handled.assign(n.inputs.size(), true);
        out_u8 = is_u8(n.input(7));  // y_zero_point (both ops)
      } else if (ir::commutes_with_uint8_shift(n.op) && !n.inputs.empty()) {
        out_u8 = is_u8(n.inputs[0]);
        handled[0] = true;
        if (n.op == "Concat")
          for (size_t i = 1; i < n.inputs.size(); ++i) {
            if (is_u8(n.inputs[i]) != out_u8) throw Error("mixes uint8 and int8 inputs");
            handled[i] = true;
          }
      }
      for (size_t i = 0; i < n.inputs.size(); ++i)
        if (!handled[i] && is_u8(n.inputs[i]))
          throw Error(fmt::format("uint8 input '{}' is not supported here: arithmetic on uint8 does not commute with "
                                  "the int8 mapping (x - 128)",
                                  g.value(n.inputs[i]).name));
      if (u8.size() < g.values.size()) u8.resize(g.values.size(), false);
      for (ValueId o : n.outputs) {
        if (o == kNoValue) continue;
        if (u8[size_t(o)] && !out_u8)
          throw Error(fmt::format("output '{}' is declared uint8 but computed as int8", g.value(o).name));
        u8[size_t(o)] = out_u8;
      }
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", n.label(), e.what()));
    }
  }
  u8.resize(g.values.size(), false);
  for (size_t i = 0; i < g.values.size(); ++i)
    if (u8[i]) g.values[i].from_uint8 = true;
}

}  // namespace systole::onnx_io::detail
