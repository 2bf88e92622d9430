// Test helper: structural equality of two IR graphs, comparing values by name (an imported
// graph numbers its values differently), so export -> import round trips can be checked.
#pragma once
#include <fmt/format.h>

#include <string>

#include "compiler/ir/graph.hpp"

namespace systole::test {

// Empty when equal; otherwise the first difference, readable.
inline std::string graph_diff(const ir::Graph& a, const ir::Graph& b) {
  auto name = [](const ir::Graph& g, ir::ValueId v) { return v == ir::kNoValue ? std::string() : g.value(v).name; };
  auto names = [&](const ir::Graph& g, const std::vector<ir::ValueId>& ids) {
    std::vector<std::string> n;
    for (ir::ValueId v : ids) n.push_back(name(g, v));
    return n;
  };
  if (a.name != b.name) return fmt::format("graph name '{}' vs '{}'", a.name, b.name);
  if (names(a, a.inputs) != names(b, b.inputs)) return "graph inputs differ";
  if (names(a, a.outputs) != names(b, b.outputs)) return "graph outputs differ";
  if (a.nodes.size() != b.nodes.size()) return fmt::format("{} nodes vs {}", a.nodes.size(), b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const ir::Node &x = a.nodes[i], &y = b.nodes[i];
    if (x.name != y.name || x.op != y.op) return fmt::format("node {}: {} vs {}", i, x.label(), y.label());
    if (!(x.attrs == y.attrs)) return fmt::format("{}: attributes differ", x.label());
    if (names(a, x.inputs) != names(b, y.inputs)) return fmt::format("{}: inputs differ", x.label());
    if (names(a, x.outputs) != names(b, y.outputs)) return fmt::format("{}: outputs differ", x.label());
  }
  if (a.values.size() != b.values.size()) return fmt::format("{} values vs {}", a.values.size(), b.values.size());
  for (const ir::Value& v : a.values) {
    const ir::ValueId id = b.find(v.name);
    if (id == ir::kNoValue) return fmt::format("value '{}' missing", v.name);
    const ir::Value& w = b.value(id);
    if (v.dtype != w.dtype || v.shape_known != w.shape_known || v.shape != w.shape)
      return fmt::format("value '{}': {}{} vs {}{}", v.name, ir::dtype_name(v.dtype), ir::shape_str(v.shape),
                         ir::dtype_name(w.dtype), ir::shape_str(w.shape));
    if (v.is_const() != w.is_const() || (v.is_const() && !(*v.data == *w.data)))
      return fmt::format("value '{}': constant data differs", v.name);
  }
  return "";
}

}  // namespace systole::test
