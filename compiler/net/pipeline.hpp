// The model pipeline `systole run` drives, as a library: load a model (zoo name or .onnx
// path) and optimize it, make seeded inputs, quantize (post-training for float models, the
// model's own scales for quantized ones), and convert model inputs to the quantized graph's
// int8 NHWC inputs. compile_network (codegen.hpp) and Runtime (runtime.hpp) do the rest.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.hpp"
#include "compiler/quant/quantize.hpp"

namespace systole::net {

struct LoadedModel {
  ir::Graph graph;       // optimized (ir::optimize; Q/DQ weights kept for quantized models)
  std::string source;    // "zoo:resnet50" or the file path
  bool prequantized = false;
  double load_seconds = 0, optimize_seconds = 0;
};

// A zoo name (zoo/zoo.hpp, weights from `weight_seed`) or a path ending in .onnx. Throws
// systole::Error naming the model and the reason.
LoadedModel load_model(const std::string& name_or_path, uint64_t weight_seed = 0);

// Seeded inputs in g.inputs order: float N(0, 1) for float inputs, uniform int8 otherwise.
std::vector<ir::Tensor> random_inputs(const ir::Graph& g, uint64_t seed);

struct QuantizeStats {
  double calibrate_seconds = 0;  // float executor runs over the calibration inputs (inside quantize)
  double quantize_seconds = 0;   // everything, calibration included
  int samples = 0;
};

// Float models: calibration over `first` (the run's own input, when given) plus seeded
// random inputs up to `samples` in all. Quantized models: import_quantized.
quant::QGraph quantize_model(const LoadedModel& m, const std::vector<ir::Tensor>& first, int samples, uint64_t seed,
                             const quant::QuantizeOptions& opt, QuantizeStats* stats = nullptr);

// Model inputs (ONNX layout, float or int8) -> the quantized graph's int8 NHWC inputs.
std::vector<std::vector<int8_t>> network_inputs(const quant::QGraph& q, const std::vector<ir::Tensor>& in);

}  // namespace systole::net
