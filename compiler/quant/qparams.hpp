// Quantization parameter arithmetic shared by the post-training quantizer and the importer
// of already-quantized ONNX graphs: activation (scale, zero point) from a range, symmetric
// per-output-channel weights, int32 bias at scale s_in * s_w, the per-channel fixed-point
// requantization (arch/scale.hpp), clamps from fused ReLU / ReLU6 / Clip, and the Conv /
// Gemm geometry of IR nodes on NHWC tensors.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/ir/graph.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

// Asymmetric int8 over [min(lo, 0), max(hi, 0)] (zero is exactly representable):
// scale = (hi - lo) / 255 rounded to float32, zero_point = clamp(round(-128 - lo / scale)).
QParams activation_params(float lo, float hi);

// Symmetric per-output-channel int8: scale[o] = max|w[o]| / 127 (1 for an all-zero channel),
// q = clamp(round_half_even(w / scale[o]), -127, 127). `w` is [O][rest], any inner layout.
void quantize_weights(const float* w, int64_t out_channels, int64_t rest, std::vector<int8_t>& q,
                      std::vector<double>& scale);

// round_half_even(b / (s_in * s_w)), saturated to int32.
int32_t quantize_bias(double b, double s_in, double s_w);

// mult/shift of every output channel: quantize_scale(s_in * s_w[o] / s_out).
void set_requant(compiler::ConvLayer& c, double s_in, const std::vector<double>& s_w, double s_out);

// The output clamp of a fused activation: [clip_min, clip_max] (the node's attributes;
// absent = unbounded) in the output's quantized domain, within int8. Throws naming the node
// when the interval is empty after quantization.
void set_clamp(const ir::Node& n, const QParams& out, int32_t& lo, int32_t& hi);

// Conv geometry of a Conv-like node (canonical window attributes) from input x to output y,
// for a kernel of kh x kw. 1-D windows become 1 x k. Throws naming the node.
compiler::ConvShape conv_shape(const ir::Node& n, const QTensor& x, const QTensor& y, int64_t kh, int64_t kw);

// OIHW (or OIW) weights -> OHWI, element size `elem` bytes.
std::vector<uint8_t> oihw_to_ohwi(const uint8_t* w, int64_t o, int64_t i, int64_t kh, int64_t kw, size_t elem);

}  // namespace systole::quant
