// The front end's graph IR: values (typed tensors, optionally constant), nodes (an op type,
// attributes, input and output values) and the graph's inputs and outputs. Nodes are kept in
// topological order; ops and their attributes follow ONNX opset 14 (docs/frontend.md lists the
// canonical forms the importer produces and the systole-specific fusion attributes).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/attributes.hpp"
#include "compiler/ir/tensor.hpp"

namespace systole::ir {

using ValueId = int32_t;
constexpr ValueId kNoValue = -1;  // an omitted optional input

struct Value {
  std::string name;
  DType dtype = DType::f32;
  Shape shape;
  bool shape_known = false;      // set by the importer (declared shapes) or by infer_shapes()
  std::optional<Tensor> data;    // constants (initializers, folded values)
  bool from_uint8 = false;       // ONNX declared it uint8; the IR holds it as int8 (x - 128)
  bool is_const() const { return data.has_value(); }
};

struct Node {
  std::string name;
  std::string op;                // ONNX op type, e.g. "Conv"
  Attributes attrs;
  std::vector<ValueId> inputs;   // kNoValue for omitted optional inputs
  std::vector<ValueId> outputs;
  std::string label() const;     // "node 'conv1' (Conv)" for error messages
  ValueId input(size_t i) const { return i < inputs.size() ? inputs[i] : kNoValue; }
};

class Graph {
 public:
  std::string name;
  std::vector<Value> values;
  std::vector<Node> nodes;       // topological order (verify() checks it)
  std::vector<ValueId> inputs;   // runtime inputs, in order
  std::vector<ValueId> outputs;

  // New values; names must be unique within the graph.
  ValueId add_value(Value v);
  ValueId add_value(const std::string& name, DType t, Shape s);
  ValueId add_value(const std::string& name);  // dtype and shape left to infer_shapes()
  ValueId add_constant(const std::string& name, Tensor t);
  std::string fresh_name(const std::string& base) const;  // base, base_1, base_2, ... unused
  ValueId find(const std::string& name) const;            // kNoValue when absent
  ValueId at(const std::string& name) const;              // throws when absent

  Value& value(ValueId id) { return values.at(size_t(id)); }
  const Value& value(ValueId id) const { return values.at(size_t(id)); }

  Node& add_node(Node n);  // the reference is invalidated by the next add_node

  // Turns runtime input `v` into a constant holding `t` (specialization, or shape operands
  // that a test feeds at run time). Throws when v is not an input or t's type differs.
  void freeze_input(ValueId v, Tensor t);

  // producer()[v] = index of the node writing value v, or -1 (inputs and constants).
  std::vector<int> producers() const;
  // consumers()[v] = indices of nodes reading value v (graph outputs are not nodes).
  std::vector<std::vector<int>> consumers() const;
  bool is_output(ValueId v) const;

  // Reorders nodes topologically (stable); throws naming a node on a cycle or undefined input.
  void sort_topologically();
  // Drops nodes whose outputs reach no graph output, and values nothing refers to.
  void prune();

  std::string dump() const;  // readable text, one node per line

 private:
  void reindex();
  std::unordered_map<std::string, ValueId> index_;
};

}  // namespace systole::ir
