// Constant folding: any node whose inputs are all constants runs once on the reference
// executor and its outputs become constants (weight transposes, reshapes of constants,
// DequantizeLinear of constant weights unless kept, shape arithmetic).
#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/passes/rewrite.hpp"

namespace systole::ir {

int fold_constants(Graph& g, const FoldOptions& opt) {
  std::vector<bool> dead(g.nodes.size(), false);
  int folded = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (opt.keep_dequantize && n.op == "DequantizeLinear") continue;
    bool all_const = !n.inputs.empty();
    std::vector<const Tensor*> in;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      const ValueId v = n.inputs[k];
      if (v != kNoValue && !g.value(v).is_const()) all_const = false;
      in.push_back(passes::const_input(g, n, k));
    }
    if (!all_const) continue;
    std::vector<Tensor> out = run_node(g, n, in);
    for (size_t k = 0; k < out.size(); ++k) g.value(n.outputs[k]).data = std::move(out[k]);
    dead[i] = true;
    ++folded;
  }
  passes::erase_nodes(g, dead);
  return folded;
}

}  // namespace systole::ir
