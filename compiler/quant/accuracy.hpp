// Float vs quantized agreement: how far the dequantized int8 outputs of the quantized graph
// are from the float graph's outputs on the same inputs (max abs error, cosine similarity,
// top-1 agreement over the last axis).
#pragma once
#include <vector>

#include "compiler/ir/graph.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::quant {

struct Agreement {
  double max_abs_error = 0;  // over every output element of every sample
  double max_abs_ref = 0;    // the float outputs' largest magnitude (for scale)
  double cosine = 1;         // cosine similarity of all outputs concatenated
  int top1_total = 0;        // rows compared (samples x batch rows of the first output)
  int top1_agree = 0;
  double dot_ = 0, nw_ = 0, ng_ = 0;  // running sums behind `cosine`
  double top1() const { return top1_total ? double(top1_agree) / top1_total : 1.0; }
};

// Adds one sample: `want` are the float graph's outputs (g.outputs order), `got` the int8
// NHWC outputs of q (q.outputs order).
void accumulate(Agreement& a, const QGraph& q, const std::vector<ir::Tensor>& want, const std::vector<std::vector<int8_t>>& got);

// Runs both graphs (float: the IR executor; quantized: the integer reference) on each input.
Agreement compare(const ir::Graph& float_graph, const QGraph& q, const std::vector<std::vector<ir::Tensor>>& inputs);

}  // namespace systole::quant
