// Sliding-window geometry shared by Conv-like ops and pools: the canonical attributes that
// infer_shapes() writes (explicit kernel_shape, strides, dilations, pads; auto_pad resolved
// and removed) and the output-size rule. Only 1-D and 2-D windows are supported.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::ir {

struct Window {
  int rank = 0;                    // spatial dims: 1 or 2
  std::vector<int64_t> kernel, strides, dilations;
  std::vector<int64_t> pads;       // begin_0..begin_{r-1}, end_0..end_{r-1}
  bool ceil_mode = false;
  int64_t extent(int d) const { return (kernel[size_t(d)] - 1) * dilations[size_t(d)] + 1; }
};

// Resolves the window of `n` for spatial input dims `in` and a kernel (from the weights for
// convs, from kernel_shape for pools), writes the canonical attributes back into n.attrs and
// returns the geometry with the output spatial dims in `out`. Throws with the reason.
Window canonicalize_window(Node& n, const std::vector<int64_t>& in, std::vector<int64_t> kernel, bool is_pool,
                           std::vector<int64_t>& out);

// Reads the canonical attributes (after infer_shapes).
Window read_window(const Node& n);

}  // namespace systole::ir
