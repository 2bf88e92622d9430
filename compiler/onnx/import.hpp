// ONNX model import: ModelProto (file, bytes or message) -> ir::Graph. Float and quantized
// models (QuantizeLinear/DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger,
// MatMulInteger); uint8 tensors become int8 (x - 128, zero points - 128); opset-specific
// forms are normalized to the IR's opset-14 forms. Anything unsupported or malformed throws
// systole::Error naming the node (name and op type) or tensor and the reason.
#pragma once
#include <cstdint>
#include <string>

#include "compiler/ir/graph.hpp"

namespace onnx {
class ModelProto;
}

namespace systole::onnx_io {

struct ImportOptions {
  int64_t symbolic_dim = 1;  // value bound to symbolic / unknown input dims (the batch size)
};

ir::Graph import_model_file(const std::string& path, const ImportOptions& opt = {});
ir::Graph import_model_bytes(const std::string& bytes, const ImportOptions& opt = {});
ir::Graph import_model(const ::onnx::ModelProto& m, const ImportOptions& opt = {});

// Highest default-domain opset the importer accepts.
constexpr int64_t kMaxOpset = 21;

}  // namespace systole::onnx_io
