// IR -> ONNX ModelProto (opset 14), e.g. for `systole export NAME file.onnx`. Constants become
// initializers; fused activations (clip_min/clip_max) are expanded back into Relu/Clip nodes
// and residual marks dropped, so any ONNX runtime can load the result. uint8-origin values are
// written as int8 (the IR's form; the quantized ops accept both).
#pragma once
#include <string>

#include "compiler/ir/graph.hpp"

namespace onnx {
class ModelProto;
}

namespace systole::onnx_io {

::onnx::ModelProto export_model(const ir::Graph& g);
std::string export_model_bytes(const ir::Graph& g);
void export_model_file(const ir::Graph& g, const std::string& path);

constexpr int64_t kExportOpset = 14;

}  // namespace systole::onnx_io
