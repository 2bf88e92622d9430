// The runtime's CPU path: runs one quantized op on host memory with the fast kernels of
// kernels/cpu (convolutions: bit-exact int8 conv, direct for grouped/depthwise, im2col
// otherwise) and the integer op definitions of compiler/quant/int_ops.hpp for the rest.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/conv.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::net {

// Dense NHWC int8 convolution with the layer's output path (its channel-slice fields are
// ignored: y is dense c_out).
void cpu_conv(const compiler::ConvLayer& c, const int8_t* x, int8_t* y, int threads = 1);

// Runs op `op` of g reading inputs[i] (dense) and writing `y` (dense, the output tensor; for a
// Concat, parts whose `skip[i]` is set are already in place).
void cpu_op(const quant::QGraph& g, const quant::QOp& op, const std::vector<const int8_t*>& inputs, int8_t* y,
            const std::vector<bool>& skip = {});

}  // namespace systole::net
