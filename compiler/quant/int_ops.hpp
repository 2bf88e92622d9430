// Integer kernels of the quantized graph's non-convolution ops (Add, MaxPool, AvgPool,
// Concat, Reshape) on int8 NHWC data. They are the definition of those ops' arithmetic
// (docs/networks.md): the integer reference executor and the runtime's CPU path both call
// them. Convolutions are defined by ref::conv2d_i8 (kernels/reference_conv.hpp).
#pragma once
#include <cstdint>

#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

// y = scale_round(x, r.mult, r.shift) (arch/requant.hpp: one half-to-even rounding).
int32_t apply_rescale(int32_t x, const Rescale& r);

// Residual add: y = clamp(zp_y + R_a(a - zp_a) + R_b(b - zp_b), lo, hi), saturated to int8.
void add_i8(const QOp& op, const QTensor& ta, const int8_t* a, const QTensor& tb, const int8_t* b, const QTensor& ty,
            int8_t* y);

// Max over the window's taps inside the image (padding never wins).
void max_pool_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y);

// y = clamp(zp_y + scale_round(sum(x - zp_x), avg_rescale[count]), lo, hi).
void avg_pool_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y);

// Standalone activation: y = clamp(zp_y + R(x - zp_x), lo, hi) (op.rescale[0], op.clamp_lo/hi);
// a plain clamp when input and output quantization agree.
void clamp_i8(const QOp& op, const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y);

// Convolution with asymmetric weights (op.weight_zero_point per output channel): int32
// acc = sum((x - zp_x) * (w - zp_w[o])) over the taps inside the image (padding is zp_x, so it
// contributes 0), then the accelerator's output path (requantize with bias, mult, shift, zp,
// clamp). Dense NHWC in and out; the conv's channel-slice fields are ignored.
void conv_wzp_i8(const QOp& op, const int8_t* x, int8_t* y);

// Writes input `x` (rescaled by `r`) into channels c_offset.. of y (y.c channels per pixel).
void concat_part_i8(const QTensor& tx, const int8_t* x, const Rescale& r, const QTensor& ty, int64_t c_offset, int8_t* y);

// Reinterprets x in ONNX order as y's logical shape (same element count), NHWC on both sides.
void reshape_i8(const QTensor& tx, const int8_t* x, const QTensor& ty, int8_t* y);
// Whether reshape_i8 is a plain copy (NHWC order equals logical order on both sides).
bool reshape_is_copy(const QTensor& tx, const QTensor& ty);

}  // namespace systole::quant
