// Conv/Gemm epilogue fusion: a following per-channel constant bias Add goes into the bias
// input, a following Relu/Clip into clip_min/clip_max, because the accelerator's output path
// applies bias and clamp for free. Only float producers: quantized graphs carry their bias
// and clamp inside QLinearConv / the Q/DQ pattern.
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/passes/rewrite.hpp"

namespace systole::ir {
namespace {

using passes::const_input;

// The bias vector of an Add of `other` onto a producer output of shape `out`, per channel
// (axis 1), or empty when `other` is not a per-channel constant.
std::vector<float> per_channel(const Tensor& other, const Shape& out) {
  if (other.dtype != DType::f32 || out.size() < 2 || other.shape.size() > out.size()) return {};
  const int64_t ch = out[1];
  // Right-align other's shape to out's; every dim except the channel dim must be 1.
  const size_t off = out.size() - other.shape.size();
  for (size_t d = 0; d < other.shape.size(); ++d)
    if (other.shape[d] != 1 && d + off != 1) return {};
  std::vector<float> b(static_cast<size_t>(ch));
  for (int64_t c = 0; c < ch; ++c) b[size_t(c)] = other.data<float>()[other.numel() == 1 ? 0 : c];
  return b;
}

bool absorb_bias(Graph& g, Node& p, const Node& add, ValueId pv) {
  const size_t other_i = add.inputs[0] == pv ? 1 : 0;
  const Tensor* other = const_input(g, add, other_i);
  if (!other) return false;
  const Shape& out = g.value(pv).shape;
  if (broadcast_shapes(out, other->shape) != out) return false;  // the Add must not grow the shape
  const std::vector<float> b = per_channel(*other, out);
  if (b.empty() || p.attrs.has("clip_min") || p.attrs.has("clip_max")) return false;
  const size_t bi = 2;
  const Tensor* old = const_input(g, p, bi);
  if (p.input(bi) != kNoValue && !old) return false;
  const int64_t ch = int64_t(b.size());
  if (old && old->numel() != ch && old->numel() != 1) return false;  // a full-matrix Gemm C stays
  const float beta = p.op == "Gemm" ? p.attrs.get_float("beta", 1.f) : 1.f;
  Tensor nb(DType::f32, {ch});
  for (int64_t c = 0; c < ch; ++c)
    nb.data<float>()[c] = (old ? beta * old->data<float>()[old->numel() == 1 ? 0 : c] : 0.f) + b[size_t(c)];
  const ValueId v = g.add_constant(g.fresh_name(g.value(add.outputs[0]).name + "_bias"), std::move(nb));
  if (p.inputs.size() <= bi) p.inputs.resize(bi + 1, kNoValue);
  p.inputs[bi] = v;
  if (p.op == "Gemm") p.attrs.set("beta", 1.f);
  return true;
}

}  // namespace

int fuse_activations(Graph& g) {
  int fused = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const std::vector<std::vector<int>> users = g.consumers();
    std::vector<bool> dead(g.nodes.size(), false);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      Node& p = g.nodes[i];
      if ((p.op != "Conv" && p.op != "Gemm") || dead[i] || g.value(p.outputs[0]).dtype != DType::f32) continue;
      const ValueId pv = p.outputs[0];
      const int c = passes::sole_consumer(g, users, pv);
      if (c < 0 || dead[size_t(c)]) continue;
      const Node& next = g.nodes[size_t(c)];
      float lo, hi;
      bool ok = false;
      if (next.op == "Add") ok = absorb_bias(g, p, next, pv);
      else if (passes::activation_bounds(g, next, lo, hi)) {
        passes::add_clip(p, lo, hi);
        ok = true;
      }
      if (!ok) continue;
      p.outputs[0] = next.outputs[0];
      dead[size_t(c)] = true;
      ++fused;
      changed = true;
    }
    passes::erase_nodes(g, dead);
  }
  return fused;
}

}  // namespace systole::ir
