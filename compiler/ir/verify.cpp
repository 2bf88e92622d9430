// The verifier. Messages name the node (node 'x' (Op)) or value ('%name') at fault.
#include "compiler/ir/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "arch/error.hpp"
#include "compiler/ir/ops.hpp"

namespace systole::ir {

static void check_value(const Graph& g, ValueId id, const std::string& where) {
  if (id < 0 || size_t(id) >= g.values.size()) throw Error(fmt::format("{}: value id {} out of range", where, id));
}

void verify(const Graph& g, const VerifyOptions& opt) {
  std::unordered_set<std::string> names;
  for (const Value& v : g.values) {
    if (v.name.empty()) throw Error("graph has a value without a name");
    if (!names.insert(v.name).second) throw Error(fmt::format("value '{}' is defined twice", v.name));
    if (v.data) {
      if (v.data->dtype != v.dtype || v.data->shape != v.shape || !v.shape_known)
        throw Error(fmt::format("constant '{}' is declared {}{} but holds {}{}", v.name, dtype_name(v.dtype),
                                shape_str(v.shape), dtype_name(v.data->dtype), shape_str(v.data->shape)));
      if (v.data->bytes.size() != size_t(v.data->numel()) * dtype_size(v.dtype))
        throw Error(fmt::format("constant '{}' has {} bytes for shape {}", v.name, v.data->bytes.size(), shape_str(v.shape)));
    }
    if (v.dtype == DType::u8) throw Error(fmt::format("value '{}' is uint8; the IR carries uint8 as int8", v.name));
    if (opt.require_shapes && !v.shape_known) throw Error(fmt::format("value '{}' has no inferred shape", v.name));
  }

  std::vector<bool> defined(g.values.size(), false);
  for (ValueId v : g.inputs) {
    check_value(g, v, "graph input");
    if (g.value(v).is_const()) throw Error(fmt::format("graph input '{}' is also a constant", g.value(v).name));
    defined[size_t(v)] = true;
  }
  for (size_t i = 0; i < g.values.size(); ++i)
    if (g.values[i].is_const()) defined[i] = true;

  for (const Node& n : g.nodes) {
    const OpSchema* s = find_schema(n.op);
    if (!s) throw Error(fmt::format("{}: unsupported op", n.label()));
    const int ni = int(n.inputs.size()), no = int(n.outputs.size());
    if (ni < s->min_inputs || (s->max_inputs >= 0 && ni > s->max_inputs))
      throw Error(fmt::format("{}: has {} inputs, expected {}..{}", n.label(), ni, s->min_inputs, s->max_inputs));
    if (no < s->min_outputs || no > s->max_outputs)
      throw Error(fmt::format("{}: has {} outputs, expected {}..{}", n.label(), no, s->min_outputs, s->max_outputs));
    for (const auto& kv : n.attrs.all()) {
      const std::string& k = kv.first;  // not a structured binding: clang 14 cannot capture one
      auto known = [&](const std::vector<std::string>& l) { return std::find(l.begin(), l.end(), k) != l.end(); };
      if (!known(s->attrs) && !known(s->internal)) throw Error(fmt::format("{}: unknown attribute '{}'", n.label(), k));
    }
    for (int i = 0; i < ni; ++i) {
      const ValueId v = n.inputs[size_t(i)];
      if (v == kNoValue) {
        if (i < s->min_inputs) throw Error(fmt::format("{}: required input {} is missing", n.label(), i));
        continue;
      }
      check_value(g, v, n.label());
      if (!defined[size_t(v)])
        throw Error(fmt::format("{}: input '{}' is not defined before use (not a graph input, constant or earlier "
                                "node output)",
                                n.label(), g.value(v).name));
    }
    for (ValueId v : n.outputs) {
      if (v == kNoValue) throw Error(fmt::format("{}: has an omitted output", n.label()));
      check_value(g, v, n.label());
      if (defined[size_t(v)])
        throw Error(fmt::format("{}: output '{}' is already defined (graph input, constant or another node)",
                                n.label(), g.value(v).name));
      defined[size_t(v)] = true;
    }
  }
  for (ValueId v : g.outputs) {
    check_value(g, v, "graph output");
    if (!defined[size_t(v)]) throw Error(fmt::format("graph output '{}' is never computed", g.value(v).name));
  }
}

}  // namespace systole::ir
