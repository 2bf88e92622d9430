// Internal to the importer: the steps import.cpp runs after building the raw graph.
#pragma once
#include <set>

#include "compiler/ir/graph.hpp"

namespace systole::onnx_io::detail {

// Rewrites opset-specific forms into the IR's canonical (opset 14) form: Clip min/max and
// Squeeze/Unsqueeze axes and Reshape shape attributes become constant inputs, legacy
// attributes (consumed_inputs, is_test, spatial, broadcast) are dropped or rejected.
void normalize_legacy(ir::Graph& g, ir::Node& n, int64_t opset);

// Propagates "this value was uint8 in ONNX" from the declared uint8 values, checks that every
// op touching such a value commutes with the int8 mapping, and materializes the uint8 default
// zero points (0 -> -128) ONNX leaves implicit. Marks Value::from_uint8.
void map_uint8(ir::Graph& g, const std::set<ir::ValueId>& declared_u8);

}  // namespace systole::onnx_io::detail
