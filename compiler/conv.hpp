// Lowering of one quantized 2D convolution onto the accelerator as an implicit im2col: an
// input tile is loaded once into the scratchpad (the DMA writes the zero-point border), every
// kernel tap is one MATMUL walking that tile with 2D strides and accumulating in the
// accumulator, and the output path requantizes per channel on STORE. Never an im2col copy
// in DRAM. Tiling chosen by the cost model; double-buffered and token-synchronized like the
// GEMM (compiler/gemm.hpp). compiler/conv_layout.hpp describes the mappings.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/cost_model.hpp"
#include "compiler/program_builder.hpp"

namespace systole::compiler {

// A quantized convolution layer: the geometry (ConvShape: sizes, stride, padding, dilation,
// groups, channel slices of the input and output tensors) plus its constants. Per output
// channel o: y = clamp(round_half_even((sum (x - zpA) * W + bias[o]) * mult[o] / 2^shift[o])
// + zpY, lo, hi), padding taps reading zpA (contributing nothing), as ref::conv2d_i8.
struct ConvLayer : ConvShape {
  std::vector<int8_t> weights;   // OHWI: c_out x kh x kw x (c_in / groups)
  std::vector<int32_t> bias;     // c_out
  std::vector<int32_t> mult;     // c_out
  std::vector<uint32_t> shift;   // c_out, 0..63 (larger acts as 63)
  int32_t a_zero_point = 0;
  int32_t out_zero_point = 0;
  int32_t clamp_lo = -128, clamp_hi = 127;
};

struct ConvLowering {
  ConvTiling tiling;
  CostEstimate estimate;
};

// Appends the layer to `b`, reading tensor `in_name` (NHWC, n*h*w*in_channels_total() bytes,
// already in the builder) and writing channels out_c_offset.. of tensor `out_name` (NHWC,
// n*out_h*out_w*out_channels_total() bytes; other channels are left untouched). Weights and
// parameters become constant tensors `prefix`+"weights" / +"params". A tiling with toh = 0
// means "choose with the cost model". Throws systole::Error naming what is wrong.
ConvLowering lower_conv(ProgramBuilder& b, const ConvLayer& layer, const std::string& in_name,
                        const std::string& out_name, const std::string& prefix = "", ConvTiling tiling = {});

// Convenience: a whole program with input tensor "X" and output tensor "Y".
driver::Program compile_conv(const Config& cfg, const ConvLayer& layer, ConvLowering* info = nullptr,
                             ConvTiling tiling = {});

}  // namespace systole::compiler
