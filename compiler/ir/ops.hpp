// The ops the front end supports: arity and the attributes each accepts. One table serves the
// importer (unsupported op / attribute errors), the verifier and the exporter.
#pragma once
#include <string>
#include <vector>

namespace systole::ir {

struct OpSchema {
  const char* op;
  int min_inputs, max_inputs;    // max -1: variadic
  int min_outputs, max_outputs;
  std::vector<std::string> attrs;     // ONNX attributes (canonical opset-14 form)
  std::vector<std::string> internal;  // systole-only attributes set by passes (never exported)
};

const OpSchema* find_schema(const std::string& op);  // nullptr when unsupported
std::vector<std::string> supported_ops();

// Ops that only move or select int8 data: they commute with the uint8 -> int8 mapping
// (x - 128) and may therefore carry ONNX uint8 tensors.
bool commutes_with_uint8_shift(const std::string& op);

}  // namespace systole::ir
