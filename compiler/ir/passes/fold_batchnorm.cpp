// BatchNorm folding. With k = scale / sqrt(var + eps) per channel c:
//   Conv: W'[c] = W[c] * k[c],           B'[c] = (B[c] - mean[c]) * k[c] + bias[c]
//   Gemm: column c of op(B) scaled by k,  C'    = (beta * C - mean) * k + bias, beta' = 1
// (alpha stays). Computed in double, stored as float; new constants, since the old weights
// may be shared with other nodes.
#include <cmath>

#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/passes/rewrite.hpp"

namespace systole::ir {
namespace {

using passes::const_input;

bool all_const(const Graph& g, const Node& bn) {
  for (size_t i = 1; i < 5; ++i)
    if (!const_input(g, bn, i)) return false;
  return true;
}

std::vector<double> bn_factor(const Graph& g, const Node& bn, std::vector<double>& shift) {
  const Tensor& s = *const_input(g, bn, 1);
  const Tensor& b = *const_input(g, bn, 2);
  const Tensor& mean = *const_input(g, bn, 3);
  const Tensor& var = *const_input(g, bn, 4);
  const double eps = bn.attrs.get_float("epsilon", 1e-5f);
  std::vector<double> k(size_t(s.numel()));
  shift.resize(k.size());
  for (size_t c = 0; c < k.size(); ++c) {
    k[c] = s.get_f64(int64_t(c)) / std::sqrt(var.get_f64(int64_t(c)) + eps);
    shift[c] = b.get_f64(int64_t(c)) - mean.get_f64(int64_t(c)) * k[c];  // bias - mean * k
  }
  return k;
}

bool fold_into_conv(Graph& g, Node& conv, const Node& bn) {
  const Tensor* w = const_input(g, conv, 1);
  const Tensor* b = const_input(g, conv, 2);
  if (!w || w->dtype != DType::f32 || (conv.input(2) != kNoValue && !b)) return false;
  std::vector<double> shift;
  const std::vector<double> k = bn_factor(g, bn, shift);
  Tensor nw = *w;
  const int64_t per = w->numel() / w->shape[0];
  for (int64_t i = 0; i < nw.numel(); ++i) nw.data<float>()[i] = float(w->data<float>()[i] * k[size_t(i / per)]);
  Tensor nb(DType::f32, {w->shape[0]});
  for (int64_t c = 0; c < w->shape[0]; ++c)
    nb.data<float>()[c] = float((b ? b->data<float>()[c] : 0.0) * k[size_t(c)] + shift[size_t(c)]);
  const std::string base = g.value(conv.inputs[1]).name;
  conv.inputs[1] = g.add_constant(g.fresh_name(base + "_bn"), std::move(nw));
  const ValueId bv = g.add_constant(g.fresh_name(base + "_bn_bias"), std::move(nb));
  if (conv.inputs.size() < 3) conv.inputs.push_back(bv);
  else conv.inputs[2] = bv;
  return true;
}

bool fold_into_gemm(Graph& g, Node& gemm, const Node& bn) {
  const Tensor* w = const_input(g, gemm, 1);
  const Tensor* c = const_input(g, gemm, 2);
  if (!w || (gemm.input(2) != kNoValue && !c)) return false;
  const int64_t n = g.value(gemm.outputs[0]).shape[1];
  if (c && c->numel() != 1 && !(c->numel() == n && c->shape.back() == n)) return false;  // per-row C: keep the BN
  std::vector<double> shift;
  const std::vector<double> k = bn_factor(g, bn, shift);
  const bool tb = gemm.attrs.get_int("transB", 0);
  Tensor nw = *w;
  for (int64_t i = 0; i < nw.numel(); ++i) {
    const int64_t col = tb ? i / w->shape[1] : i % w->shape[1];
    nw.data<float>()[i] = float(w->data<float>()[i] * k[size_t(col)]);
  }
  const double beta = gemm.attrs.get_float("beta", 1.f);
  Tensor nc(DType::f32, {n});
  for (int64_t j = 0; j < n; ++j) {
    const double cj = c ? c->get_f64(c->numel() == 1 ? 0 : j) : 0.0;
    nc.data<float>()[j] = float(beta * cj * k[size_t(j)] + shift[size_t(j)]);
  }
  const std::string base = g.value(gemm.inputs[1]).name;
  gemm.inputs[1] = g.add_constant(g.fresh_name(base + "_bn"), std::move(nw));
  const ValueId cv = g.add_constant(g.fresh_name(base + "_bn_bias"), std::move(nc));
  if (gemm.inputs.size() < 3) gemm.inputs.push_back(cv);
  else gemm.inputs[2] = cv;
  gemm.attrs.set("beta", 1.f);
  return true;
}

}  // namespace

int fold_batchnorm(Graph& g) {
  const std::vector<int> prod = g.producers();
  const std::vector<std::vector<int>> users = g.consumers();
  std::vector<bool> dead(g.nodes.size(), false);
  int folded = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& bn = g.nodes[i];
    if (bn.op != "BatchNormalization" || !all_const(g, bn)) continue;
    const int p = prod[size_t(bn.inputs[0])];
    if (p < 0 || passes::sole_consumer(g, users, bn.inputs[0]) != int(i)) continue;
    Node& src = g.nodes[size_t(p)];
    if (src.attrs.has("clip_min") || src.attrs.has("clip_max")) continue;  // BN after an activation
    const bool ok = (src.op == "Conv" && fold_into_conv(g, src, bn)) || (src.op == "Gemm" && fold_into_gemm(g, src, bn));
    if (!ok) continue;
    src.outputs[0] = bn.outputs[0];
    dead[i] = true;
    ++folded;
  }
  passes::erase_nodes(g, dead);
  return folded;
}

}  // namespace systole::ir
