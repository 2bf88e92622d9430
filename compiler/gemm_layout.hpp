// On-chip placement of a tiled GEMM: where the double-buffered A and B blocks sit in the
// scratchpad, where the two accumulator tiles and the resident output-path parameter rows
// sit in the accumulator, and how many output columns share one resident parameter block.
// One function computes it so that the fit check, the cost model and the code generator
// can never disagree about what fits.
#pragma once
#include <cstdint>
#include <string>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"

namespace systole::compiler {

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
inline uint64_t round_up(uint64_t a, uint64_t b) { return ceil_div(a, b) * b; }

struct GemmLayout {
  // Effective tile sizes, clipped to the problem (a tile never exceeds the padded shape).
  uint32_t tm = 0, tn = 0, tk = 0;
  uint32_t k_blocks = 0;  // tk / DIM: DIM-deep blocks per K chunk
  uint32_t n_blocks = 0;  // tn / DIM: DIM-wide column blocks per tile
  // Scratchpad: A block [k_block][tm rows] (a_rows = k_blocks*tm), B block [n_block][tk rows]
  // (b_rows = n_blocks*tk), each double-buffered.
  uint32_t a_rows = 0, b_rows = 0;
  uint32_t spad_a[2] = {0, 0}, spad_b[2] = {0, 0};
  // Accumulator: tile [n_block][tm rows], double-buffered, then the parameter rows (3 per
  // DIM output columns) of chunk_cols resident columns.
  uint32_t acc_tile_rows = 0;
  uint32_t acc_tile[2] = {0, 0};
  uint32_t param_base = 0;
  uint32_t chunk_cols = 0;  // multiple of tn (or all of N rounded up to DIM)
  uint32_t spad_rows_used = 0, acc_rows_used = 0;
  bool fits = false;
  std::string why;  // when !fits: what does not fit
};

// explain = false skips formatting `why` (the tiling search calls this thousands of times).
GemmLayout gemm_layout(const Config& cfg, const GemmShape& s, const GemmTiling& t, bool explain = true);

}  // namespace systole::compiler
