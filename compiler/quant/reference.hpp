// The integer reference executor of a quantized graph: the oracle `systole run` checks the
// accelerator path against, bit for bit. Deliberately plain: convolutions through
// ref::conv2d_i8 (kernels/reference_conv.hpp), the other ops through int_ops.hpp, every
// tensor dense NHWC in its own buffer (no channel slicing, no aliasing).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

using TensorData = std::vector<int8_t>;

struct ReferenceOptions {
  // Called after each op with its index and output data (e.g. per-layer comparisons).
  std::function<void(size_t op, const TensorData&)> observe;
};

// Inputs in g.inputs order (int8 NHWC); returns every tensor's data (index = tensor id).
std::vector<TensorData> run_reference(const QGraph& g, const std::vector<TensorData>& inputs,
                                      const ReferenceOptions& opt = {});

// One conv op on dense NHWC data with the reference kernel.
void conv_reference(const compiler::ConvLayer& c, const int8_t* x, int8_t* y);

}  // namespace systole::quant
