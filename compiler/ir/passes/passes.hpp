// Graph passes of the front end. Each takes a shape-inferred graph (infer_shapes) and leaves
// it verified-valid, shape-inferred and pruned. Fused activations and residual marks are
// attributes (docs/frontend.md): clip_min/clip_max on Conv/Gemm/Add, residual/fuse_into on Add.
#pragma once
#include "compiler/ir/graph.hpp"

namespace systole::ir {

struct FoldOptions {
  // Keep DequantizeLinear of constant int8 weights: a quantizer reading a Q/DQ model wants the
  // int8 weights and scales, not their float product.
  bool keep_dequantize = false;
};

// Evaluates every node whose inputs are all constants and replaces its outputs by constants.
// Returns the number of nodes folded.
int fold_constants(Graph& g, const FoldOptions& opt = {});

// BatchNormalization right after a float Conv or Gemm (with constant weights, its output used
// only by the BN) is folded into new weights and bias. Returns the number folded.
int fold_batchnorm(Graph& g);

// Conv/Gemm followed by an Add of a constant per-channel bias absorbs it into its bias input;
// Conv/Gemm followed by Relu or Clip (constant bounds) absorbs it as clip_min/clip_max.
// Returns the number of nodes absorbed.
int fuse_activations(Graph& g);

// Marks Add nodes that join a Conv/Gemm output (used only by the Add) with another activation
// of the same shape as residual=1, fuse_into=<input index of that conv output>, and absorbs a
// following Relu/Clip into the Add's clip_min/clip_max. Returns the number marked.
int mark_residuals(Graph& g);

// The standard front-end pipeline: infer_shapes, fold_constants, fold_batchnorm,
// fuse_activations, mark_residuals, verify.
void optimize(Graph& g, const FoldOptions& opt = {});

}  // namespace systole::ir
