// Internal helpers for passes: producer/consumer queries and node removal by rewiring.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::ir::passes {

// The only node reading v, or -1 (none, several, or v is a graph output).
inline int sole_consumer(const Graph& g, const std::vector<std::vector<int>>& users, ValueId v) {
  if (g.is_output(v) || users[size_t(v)].size() != 1) return -1;
  const int n = users[size_t(v)][0];
  // The same value read twice by one node counts as two uses.
  const auto& in = g.nodes[size_t(n)].inputs;
  return std::count(in.begin(), in.end(), v) == 1 ? n : -1;
}

inline const Tensor* const_input(const Graph& g, const Node& n, size_t i) {
  const ValueId v = n.input(i);
  return v != kNoValue && g.value(v).is_const() ? &*g.value(v).data : nullptr;
}

// Erases the nodes flagged in `dead` and drops values nothing refers to any more.
inline void erase_nodes(Graph& g, const std::vector<bool>& dead) {
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!dead[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.prune();
}

// Relu, or Clip with constant bounds, on float data as a [lo, hi] range; false otherwise.
inline bool activation_bounds(const Graph& g, const Node& n, float& lo, float& hi) {
  lo = -std::numeric_limits<float>::infinity();
  hi = std::numeric_limits<float>::infinity();
  if ((n.op != "Relu" && n.op != "Clip") || g.value(n.inputs[0]).dtype != DType::f32) return false;
  if (n.op == "Relu") {
    lo = 0.f;
    return true;
  }
  for (size_t i : {size_t(1), size_t(2)}) {
    if (n.input(i) == kNoValue) continue;
    const Tensor* t = const_input(g, n, i);
    if (!t) return false;
    (i == 1 ? lo : hi) = t->data<float>()[0];
  }
  return true;
}

// Merges a clamp into n's clip_min/clip_max (the intersection of both ranges).
inline void add_clip(Node& n, float lo, float hi) {
  if (n.attrs.has("clip_min")) lo = std::max(lo, n.attrs.get_float("clip_min"));
  if (n.attrs.has("clip_max")) hi = std::min(hi, n.attrs.get_float("clip_max"));
  if (std::isfinite(lo)) n.attrs.set("clip_min", lo);
  if (std::isfinite(hi)) n.attrs.set("clip_max", hi);
}

}  // namespace systole::ir::passes
