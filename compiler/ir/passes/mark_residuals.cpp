// Residual marking: an Add joining a Conv/Gemm output with another activation of the same
// shape (the skip connection) can run in that conv's output path, reading the skip tensor,
// if the conv output is used only by the Add. The later-computed conv is preferred, since the
// skip tensor must already exist when the fused conv runs.
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/passes/rewrite.hpp"

namespace systole::ir {

int mark_residuals(Graph& g) {
  const std::vector<int> prod = g.producers();
  const std::vector<std::vector<int>> users = g.consumers();
  std::vector<bool> dead(g.nodes.size(), false);
  int marked = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& add = g.nodes[i];
    if (add.op != "Add" || dead[i] || add.attrs.has("residual")) continue;
    const ValueId a = add.inputs[0], b = add.inputs[1];
    const Value &va = g.value(a), &vb = g.value(b);
    if (va.is_const() || vb.is_const() || va.dtype != DType::f32 || va.shape != vb.shape || a == b) continue;
    int best = -1, best_pos = -1;
    for (int k = 0; k < 2; ++k) {
      const ValueId v = add.inputs[size_t(k)];
      const int p = prod[size_t(v)];
      if (p < 0 || (g.nodes[size_t(p)].op != "Conv" && g.nodes[size_t(p)].op != "Gemm")) continue;
      if (passes::sole_consumer(g, users, v) != int(i)) continue;
      if (p > best_pos) best = k, best_pos = p;
    }
    if (best < 0) continue;
    add.attrs.set("residual", int64_t(1));
    add.attrs.set("fuse_into", int64_t(best));
    ++marked;
    // The output path clamps after the add: absorb a following Relu/Clip.
    const int c = passes::sole_consumer(g, users, add.outputs[0]);
    float lo, hi;
    if (c >= 0 && passes::activation_bounds(g, g.nodes[size_t(c)], lo, hi)) {
      passes::add_clip(add, lo, hi);
      add.outputs[0] = g.nodes[size_t(c)].outputs[0];
      dead[size_t(c)] = true;
    }
  }
  passes::erase_nodes(g, dead);
  return marked;
}

}  // namespace systole::ir
