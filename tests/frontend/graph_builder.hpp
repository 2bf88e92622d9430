// Test helper: terse construction of small IR graphs with deterministic random constants.
#pragma once
#include <random>
#include <string>

#include "compiler/ir/graph.hpp"

namespace systole::test {

struct GraphBuilder {
  ir::Graph g;
  std::mt19937 rng{12345};

  ir::ValueId input(const std::string& name, ir::Shape s) {
    const ir::ValueId v = g.add_value(name, ir::DType::f32, std::move(s));
    g.inputs.push_back(v);
    return v;
  }
  ir::ValueId constant(const std::string& name, ir::Tensor t) { return g.add_constant(name, std::move(t)); }
  ir::Tensor random(ir::Shape s, float lo = -1.f, float hi = 1.f) {
    ir::Tensor t(ir::DType::f32, std::move(s));
    std::uniform_real_distribution<float> d(lo, hi);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
    return t;
  }
  ir::ValueId random_const(const std::string& name, ir::Shape s, float lo = -1.f, float hi = 1.f) {
    return constant(name, random(std::move(s), lo, hi));
  }
  // Adds node `name` and returns its (single) output value, named after the node.
  ir::ValueId node(const std::string& name, const std::string& op, std::vector<ir::ValueId> in, ir::Attributes a = {}) {
    const ir::ValueId o = g.add_value(name + "_out");
    g.add_node({name, op, std::move(a), std::move(in), {o}});
    return o;
  }
  void output(ir::ValueId v) { g.outputs.push_back(v); }
  const ir::Node* find_node(const std::string& op) const {
    for (const ir::Node& n : g.nodes)
      if (n.op == op) return &n;
    return nullptr;
  }
  int count(const std::string& op) const {
    int c = 0;
    for (const ir::Node& n : g.nodes) c += n.op == op;
    return c;
  }
};

}  // namespace systole::test
