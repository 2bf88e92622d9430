// The standard front-end pass order. Folding runs before BN folding so BN parameters computed
// from constants are constants; fusion after BN folding so Conv+BN+Relu becomes one conv.
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/ir/verify.hpp"

namespace systole::ir {

void optimize(Graph& g, const FoldOptions& opt) {
  verify(g);
  infer_shapes(g);
  fold_constants(g, opt);
  fold_batchnorm(g);
  fuse_activations(g);
  mark_residuals(g);
  verify(g, {/*require_shapes=*/true});
}

}  // namespace systole::ir
