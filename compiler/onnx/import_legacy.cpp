// Opset normalization: older opsets carried some operands as attributes and had attributes
// that no longer exist. The IR keeps one (opset 14) form per op so passes and the executor
// never look at the opset.
#include <fmt/format.h>

#include "arch/error.hpp"
#include "compiler/onnx/import_detail.hpp"

namespace systole::onnx_io::detail {
namespace {

// Moves attribute `attr` into constant input `pos` (padding skipped inputs with kNoValue).
void attr_to_input(ir::Graph& g, ir::Node& n, const std::string& attr, size_t pos, ir::Tensor t) {
  const ir::ValueId v = g.add_constant(g.fresh_name(fmt::format("{}_{}", n.name, attr)), std::move(t));
  if (n.inputs.size() <= pos) n.inputs.resize(pos + 1, ir::kNoValue);
  if (n.inputs[pos] != ir::kNoValue) throw Error(fmt::format("'{}' is given both as attribute and input", attr));
  n.inputs[pos] = v;
  n.attrs.erase(attr);
}

}  // namespace

void normalize_legacy(ir::Graph& g, ir::Node& n, int64_t opset) {
  n.attrs.erase("consumed_inputs");  // opset 1 memory-planning hint
  const std::string& op = n.op;
  if (op == "BatchNormalization") {
    n.attrs.erase("is_test");
    if (n.attrs.get_int("spatial", 1) != 1) throw Error("spatial=0 (per-activation statistics) is not supported");
    n.attrs.erase("spatial");
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Gemm") {
    // Opset < 7 broadcast=1 without axis means suffix broadcasting: numpy's rule covers it.
    if (n.attrs.has("axis")) throw Error("legacy broadcasting with an explicit 'axis' is not supported");
    n.attrs.erase("broadcast");
  } else if (op == "Clip" && opset < 11) {
    if (n.attrs.has("min")) attr_to_input(g, n, "min", 1, ir::Tensor::scalar(n.attrs.get_float("min")));
    if (n.attrs.has("max")) attr_to_input(g, n, "max", 2, ir::Tensor::scalar(n.attrs.get_float("max")));
  } else if ((op == "Squeeze" || op == "Unsqueeze") && opset < 13) {
    if (n.attrs.has("axes")) {
      const std::vector<int64_t> axes = n.attrs.get_ints("axes");
      attr_to_input(g, n, "axes", 1, ir::Tensor::from<int64_t>({int64_t(axes.size())}, axes));
    }
  } else if (op == "Reshape" && opset < 5) {
    const std::vector<int64_t> shape = n.attrs.get_ints("shape");
    attr_to_input(g, n, "shape", 1, ir::Tensor::from<int64_t>({int64_t(shape.size())}, shape));
  } else if (op == "Concat" && opset < 4 && !n.attrs.has("axis")) {
    n.attrs.set("axis", int64_t(1));  // Concat-1 defaulted to axis 1
  } else if (op == "Cast" && opset < 6) {
    throw Error("Cast before opset 6 (string 'to') is not supported");
  }
}

}  // namespace systole::onnx_io::detail
