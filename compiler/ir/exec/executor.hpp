// The float reference executor: runs an IR graph on the CPU with ONNX semantics. Float math
// uses Eigen; the quantized ONNX ops use exact integer arithmetic (arch/requant.hpp), so this
// is the oracle that conformance tests, calibration and accuracy reports are judged against.
// The graph must have been through infer_shapes() (kernels read the canonical attributes and
// the inferred output shapes).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::ir {

struct RunOptions {
  // Called for every value computed (graph inputs included), e.g. to collect calibration ranges.
  std::function<void(ValueId, const Tensor&)> observe;
};

// Inputs in the order of g.inputs; returns the outputs in the order of g.outputs. Input
// dtypes and shapes must match the graph's declaration exactly.
std::vector<Tensor> run(const Graph& g, const std::vector<Tensor>& inputs, const RunOptions& opt = {});
std::map<std::string, Tensor> run(const Graph& g, const std::map<std::string, Tensor>& inputs, const RunOptions& opt = {});

// One node: `in[i]` is input i (nullptr for omitted optional inputs; Shape reads only the
// declared shape and accepts nullptr). Used by run() and by constant folding.
std::vector<Tensor> run_node(const Graph& g, const Node& n, const std::vector<const Tensor*>& in);

}  // namespace systole::ir
