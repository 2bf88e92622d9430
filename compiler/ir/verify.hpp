// Structural checks of a Graph: every id in range, each value defined once, constants and
// graph inputs never written by nodes, nodes in topological order, ops supported with the
// right arity and known attributes, constant data consistent with its value's type.
#pragma once
#include "compiler/ir/graph.hpp"

namespace systole::ir {

struct VerifyOptions {
  bool require_shapes = false;  // every value has a known shape (after infer_shapes)
};

// Throws systole::Error naming the first offending node or value.
void verify(const Graph& g, const VerifyOptions& opt = {});

}  // namespace systole::ir
