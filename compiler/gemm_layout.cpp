// gemm_layout(): the single place that decides buffer addresses and the fit of a tiling.
#include "compiler/gemm_layout.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/isa_gen.hpp"

namespace systole::compiler {

GemmLayout gemm_layout(const Config& cfg, const GemmShape& s, const GemmTiling& t, bool explain) {
  GemmLayout L;
  const uint32_t dim = cfg.dim;
  if (s.m == 0 || s.n == 0 || s.k == 0) {
    if (explain) L.why = fmt::format("GEMM shape {}x{}x{} has a zero dimension", s.m, s.n, s.k);
    return L;
  }
  if (t.tm == 0 || t.tn == 0 || t.tk == 0 || t.tn % dim || t.tk % dim) {
    if (explain) L.why = fmt::format("tiling {} invalid: tm >= 1, tn and tk positive multiples of DIM = {}", t.to_string(), dim);
    return L;
  }
  const uint64_t n_pad = round_up(s.n, dim), k_pad = round_up(s.k, dim);
  L.tm = uint32_t(std::min<uint64_t>(t.tm, s.m));
  L.tn = uint32_t(std::min<uint64_t>(t.tn, n_pad));
  L.tk = uint32_t(std::min<uint64_t>(t.tk, k_pad));
  L.k_blocks = L.tk / dim;
  L.n_blocks = L.tn / dim;

  // 64-bit sums: a silly tiling must fail the check, not wrap around into a "fit".
  const uint64_t a_rows = uint64_t(L.tm) * L.k_blocks, b_rows = uint64_t(L.n_blocks) * L.tk;
  const uint64_t spad_used = 2 * (a_rows + b_rows);
  const uint64_t tile_rows = uint64_t(L.tm) * L.n_blocks;
  const uint64_t all_param_rows = isa::kParamRows * (n_pad / dim);
  const uint64_t tile_param_rows = isa::kParamRows * uint64_t(L.n_blocks);
  if (spad_used > cfg.spad_rows()) {
    if (explain) L.why = fmt::format("tiling {} needs {} scratchpad rows (2 x ({} A + {} B)), the scratchpad has {}", t.to_string(),
                        spad_used, a_rows, b_rows, cfg.spad_rows());
    return L;
  }
  if (2 * tile_rows + tile_param_rows > cfg.acc_rows()) {
    if (explain) L.why = fmt::format("tiling {} needs {} accumulator rows (2 x {} tile + {} parameter rows), the accumulator has {}",
                        t.to_string(), 2 * tile_rows + tile_param_rows, tile_rows, tile_param_rows, cfg.acc_rows());
    return L;
  }
  // MATMUL.rows and LOAD.y_size are 16-bit: one tile's rows and one chunk's K rows must fit.
  if (L.tm > 0xffff || L.tk > 0xffff) {
    if (explain) L.why = fmt::format("tiling {}: tm and tk must stay below 65536 (16-bit row counts)", t.to_string());
    return L;
  }
  L.a_rows = uint32_t(a_rows);
  L.b_rows = uint32_t(b_rows);
  L.spad_a[0] = 0;
  L.spad_a[1] = L.a_rows;
  L.spad_b[0] = 2 * L.a_rows;
  L.spad_b[1] = 2 * L.a_rows + L.b_rows;
  L.spad_rows_used = uint32_t(spad_used);
  L.acc_tile_rows = uint32_t(tile_rows);
  L.acc_tile[0] = 0;
  L.acc_tile[1] = L.acc_tile_rows;
  L.param_base = 2 * L.acc_tile_rows;
  // Parameters of all columns stay resident when they fit; otherwise the columns are split
  // into chunks of whole tiles, each with its parameter block loaded once.
  const uint64_t free_rows = cfg.acc_rows() - 2 * tile_rows;
  if (all_param_rows <= free_rows) {
    L.chunk_cols = uint32_t(n_pad);
  } else {
    const uint64_t tiles = free_rows / tile_param_rows;  // >= 1 by the check above
    L.chunk_cols = uint32_t(tiles * L.tn);
  }
  L.acc_rows_used = L.param_base + uint32_t(isa::kParamRows * (L.chunk_cols / dim));
  L.fits = true;
  return L;
}

}  // namespace systole::compiler
