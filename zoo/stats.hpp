// Size and work of a graph, for the zoo's listing, docs and tests (and any imported model):
// parameters counted the way PyTorch does (weights, biases, BN scale and shift; BN running
// statistics are buffers), and multiply-accumulates of the Conv/Gemm/MatMul family.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "compiler/ir/graph.hpp"

namespace systole::zoo {

struct GraphStats {
  int64_t params = 0;   // elements of float constants read by Conv/Gemm/MatMul/BN scale,B/Add/Sub/Mul/Div
  int64_t buffers = 0;  // BatchNormalization running mean and variance
  int64_t macs = 0;     // Conv: out elements x (Cin/group x kh x kw); Gemm/MatMul: out elements x K
  std::map<std::string, int> ops;  // node count per op type
};

// Needs inferred shapes (ir::infer_shapes); throws systole::Error naming a node whose output
// shape is unknown.
GraphStats graph_stats(const ir::Graph& g);

// "25.56 M", "4.09 G", "930 k": three significant digits with an SI suffix.
std::string si(int64_t n);

}  // namespace systole::zoo
