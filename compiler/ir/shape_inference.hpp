// Shape and type inference for every supported op. It also canonicalizes attributes later
// stages rely on (explicit window pads etc., see window.hpp) and folds int64 shape arithmetic
// (Shape, Gather, Concat, Unsqueeze, ... on constants) on the way, because the shapes of later
// nodes (Reshape) depend on those values.
#pragma once
#include "compiler/ir/graph.hpp"

namespace systole::ir {

// Sets dtype and shape of every node output. Throws systole::Error naming the node and the
// reason (wrong rank, dtype, mismatched dims, non-constant shape operand, ...).
void infer_shapes(Graph& g);

}  // namespace systole::ir
