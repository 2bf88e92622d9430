// Quantization of an IR graph (after ir::optimize: BN folded, activations fused, residual Adds
// marked) into the quantized graph (qgraph.hpp):
//  - float graphs: post-training quantization from calibration ranges (calibrate.hpp):
//    asymmetric int8 activations, symmetric per-output-channel int8 weights, int32 bias at
//    s_in * s_w, per-channel fixed-point requantization, fused ReLU / ReLU6 / Clip as clamps;
//  - already-quantized ONNX graphs (QLinearConv, QLinearMatMul, QuantizeLinear /
//    DequantizeLinear around float ops): the same form with the model's own scales.
// Every failure is a systole::Error naming the node and the reason.
#pragma once
#include <vector>

#include "compiler/ir/graph.hpp"
#include "compiler/quant/calibrate.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

struct QuantizeOptions {
  CalibrationOptions calib;
};

// Post-training quantization; `samples` are calibration inputs in g.inputs order.
QGraph quantize_float(const ir::Graph& g, const std::vector<std::vector<ir::Tensor>>& samples,
                      const QuantizeOptions& opt = {});

// Whether the graph carries its own quantization (QLinear* or QuantizeLinear nodes).
bool is_prequantized(const ir::Graph& g);
// Maps an already-quantized graph (optimized with FoldOptions::keep_dequantize) onto QOps.
QGraph import_quantized(const ir::Graph& g);

}  // namespace systole::quant
