// Graph construction, lookup, topological sorting, dead-code pruning and text dumps.
#include "compiler/ir/graph.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"

namespace systole::ir {

std::string Node::label() const { return fmt::format("node '{}' ({})", name, op); }

ValueId Graph::add_value(Value v) {
  if (v.name.empty()) throw Error("a graph value needs a name");
  if (index_.count(v.name)) throw Error(fmt::format("value '{}' is defined twice", v.name));
  const ValueId id = ValueId(values.size());
  index_[v.name] = id;
  values.push_back(std::move(v));
  return id;
}

ValueId Graph::add_value(const std::string& n, DType t, Shape s) {
  Value v;
  v.name = n;
  v.dtype = t;
  v.shape = std::move(s);
  v.shape_known = true;
  return add_value(std::move(v));
}

ValueId Graph::add_value(const std::string& n) {
  Value v;
  v.name = n;
  return add_value(std::move(v));
}

ValueId Graph::add_constant(const std::string& n, Tensor t) {
  Value v;
  v.name = n;
  v.dtype = t.dtype;
  v.shape = t.shape;
  v.shape_known = true;
  v.data = std::move(t);
  return add_value(std::move(v));
}

std::string Graph::fresh_name(const std::string& base) const {
  if (!index_.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string n = fmt::format("{}_{}", base, i);
    if (!index_.count(n)) return n;
  }
}

ValueId Graph::find(const std::string& n) const {
  auto it = index_.find(n);
  return it == index_.end() ? kNoValue : it->second;
}

ValueId Graph::at(const std::string& n) const {
  ValueId id = find(n);
  if (id == kNoValue) throw Error(fmt::format("graph has no value named '{}'", n));
  return id;
}

Node& Graph::add_node(Node n) {
  nodes.push_back(std::move(n));
  return nodes.back();
}

void Graph::freeze_input(ValueId v, Tensor t) {
  auto it = std::find(inputs.begin(), inputs.end(), v);
  if (it == inputs.end()) throw Error(fmt::format("'{}' is not a graph input", value(v).name));
  Value& x = value(v);
  if (t.dtype != x.dtype || (x.shape_known && t.shape != x.shape))
    throw Error(fmt::format("input '{}' is {}{}, cannot bind {}{}", x.name, dtype_name(x.dtype), shape_str(x.shape),
                            dtype_name(t.dtype), shape_str(t.shape)));
  x.shape = t.shape;
  x.shape_known = true;
  x.data = std::move(t);
  inputs.erase(it);
}

std::vector<int> Graph::producers() const {
  std::vector<int> p(values.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId o : nodes[i].outputs)
      if (o != kNoValue) p.at(size_t(o)) = int(i);
  return p;
}

std::vector<std::vector<int>> Graph::consumers() const {
  std::vector<std::vector<int>> c(values.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId v : nodes[i].inputs)
      if (v != kNoValue && (c.at(size_t(v)).empty() || c[size_t(v)].back() != int(i))) c[size_t(v)].push_back(int(i));
  return c;
}

bool Graph::is_output(ValueId v) const { return std::find(outputs.begin(), outputs.end(), v) != outputs.end(); }

void Graph::sort_topologically() {
  // Kahn's algorithm, always taking the earliest ready node so an already sorted graph is unchanged.
  const std::vector<int> prod = producers();
  std::vector<int> pending(nodes.size(), 0);
  std::vector<std::vector<int>> users(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId v : nodes[i].inputs) {
      if (v == kNoValue) continue;
      const int p = prod.at(size_t(v));
      if (p >= 0) {
        ++pending[i];
        users[size_t(p)].push_back(int(i));
      }
    }
  std::vector<int> order, ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push_back(int(i));
  while (!ready.empty()) {
    auto it = std::min_element(ready.begin(), ready.end());
    const int n = *it;
    ready.erase(it);
    order.push_back(n);
    for (int u : users[size_t(n)])
      if (--pending[size_t(u)] == 0) ready.push_back(u);
  }
  if (order.size() != nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i)
      if (pending[i] > 0) throw Error(fmt::format("graph has a cycle through {}", nodes[i].label()));
  }
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  for (int i : order) sorted.push_back(std::move(nodes[size_t(i)]));
  nodes = std::move(sorted);
}

void Graph::prune() {
  // Live nodes: those reaching a graph output, found walking backwards in topological order.
  std::vector<bool> live_value(values.size(), false);
  for (ValueId v : outputs) live_value.at(size_t(v)) = true;
  std::vector<bool> live_node(nodes.size(), false);
  for (size_t i = nodes.size(); i-- > 0;) {
    for (ValueId o : nodes[i].outputs)
      if (o != kNoValue && live_value[size_t(o)]) live_node[i] = true;
    if (live_node[i])
      for (ValueId v : nodes[i].inputs)
        if (v != kNoValue) live_value[size_t(v)] = true;
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (live_node[i]) kept.push_back(std::move(nodes[i]));
  nodes = std::move(kept);

  // Keep graph inputs even when unused: they are the caller's interface.
  std::vector<bool> used(values.size(), false);
  for (ValueId v : inputs) used[size_t(v)] = true;
  for (ValueId v : outputs) used[size_t(v)] = true;
  for (const Node& n : nodes) {
    for (ValueId v : n.inputs)
      if (v != kNoValue) used[size_t(v)] = true;
    for (ValueId v : n.outputs)
      if (v != kNoValue) used[size_t(v)] = true;
  }
  std::vector<ValueId> remap(values.size(), kNoValue);
  std::vector<Value> kept_values;
  for (size_t i = 0; i < values.size(); ++i)
    if (used[i]) {
      remap[i] = ValueId(kept_values.size());
      kept_values.push_back(std::move(values[i]));
    }
  values = std::move(kept_values);
  auto fix = [&](std::vector<ValueId>& ids) {
    for (ValueId& v : ids)
      if (v != kNoValue) v = remap[size_t(v)];
  };
  fix(inputs);
  fix(outputs);
  for (Node& n : nodes) {
    fix(n.inputs);
    fix(n.outputs);
  }
  reindex();
}

void Graph::reindex() {
  index_.clear();
  for (size_t i = 0; i < values.size(); ++i) index_[values[i].name] = ValueId(i);
}

std::string Graph::dump() const {
  auto val = [&](ValueId v) {
    if (v == kNoValue) return std::string("_");
    const Value& x = value(v);
    return fmt::format("%{}:{}{}{}", x.name, dtype_name(x.dtype), x.shape_known ? shape_str(x.shape) : "[?]",
                       x.is_const() ? "=const" : "");
  };
  auto vals = [&](const std::vector<ValueId>& ids) {
    std::vector<std::string> s;
    for (ValueId v : ids) s.push_back(val(v));
    return fmt::format("{}", fmt::join(s, ", "));
  };
  std::string out = fmt::format("graph {}({}) -> ({})\n", name, vals(inputs), vals(outputs));
  for (const Node& n : nodes) {
    std::vector<std::string> attrs;
    for (const auto& [k, v] : n.attrs.all()) attrs.push_back(fmt::format("{}={}", k, attr_str(v)));
    out += fmt::format("  {} = {}[{}]({})  # {}\n", vals(n.outputs), n.op, fmt::join(attrs, " "), vals(n.inputs), n.name);
  }
  return out;
}

}  // namespace systole::ir
