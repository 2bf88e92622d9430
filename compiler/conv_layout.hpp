// How a convolution maps onto the accelerator: the geometry the lowering works on (group
// units, input sampling, the kw-packed first-layer mapping) and the on-chip placement of a
// tiling (double-buffered input tiles and weight blocks in the scratchpad, accumulator tiles
// and resident output-path parameters). One function computes it so that the fit check, the
// cost model and the code generator (compiler/conv.cpp) never disagree.
//
// Mappings (docs/cost_model.md, "Convolution", has the utilization of each):
// - pixel: a scratchpad row holds DIM input channels of one input pixel; a tile of input
//   rows x columns is loaded once per channel block (the DMA writes the zero-point border),
//   and each kernel tap (ky, kx) is one MATMUL walking the tile with a_stride = stride and
//   a_outer_stride = the tile's row pitch. Kernels of width (height) 1 load only the input
//   columns (rows) they use: a strided 1x1 reads a quarter of its input, not all of it.
// - kw-packed (pack_kw): for few input channels (the first layer, C_in = 3): a row holds
//   the contiguous NHWC bytes of several horizontal taps x all channels of one output
//   column, so a 7x7 kernel takes 7 x ceil(7 / taps_per_row) MATMULs per pixel instead of
//   49 nearly empty ones. Weight rows of bytes that are not a real tap are zero.
// - group units: groups are lowered as independent convolutions (units). When a group's
//   channels are at most DIM, several groups share one unit with block-diagonal weights
//   (depthwise: diagonal), DIM / max(c_in, c_out per group) groups per unit.
// - 1x1, stride 1, no padding: the image (all images) is flattened into one row of pixels,
//   which makes the schedule the GEMM's (tiles of any pixel count).
#pragma once
#include <cstdint>
#include <string>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"

namespace systole::compiler {

struct ConvGeometry {
  ConvShape s;             // the shape as lowered (flattened when 1x1 / stride 1 / unpadded)
  bool flattened = false;
  uint32_t oh = 0, ow = 0;
  uint32_t ci_total = 0, co_total = 0;  // channels per pixel of the input / output tensors
  uint32_t cig = 0, cog = 0;            // input / output channels per group
  uint32_t groups_per_unit = 1, units = 1;
  uint32_t cin_u = 0, cout_u = 0;       // channels of a full unit (the last may hold fewer groups)
  uint32_t blocks_u = 0;                // DIM-wide output channel blocks per unit
  uint32_t kslices_u = 0;               // DIM-wide input channel blocks per unit (pixel mapping)
  // Input channels of unit u: [in_c0(u), +unit_cin(u)); output likewise (within the layer).
  uint32_t unit_groups(uint32_t u) const;
  uint32_t unit_cin(uint32_t u) const { return unit_groups(u) * cig; }
  uint32_t unit_cout(uint32_t u) const { return unit_groups(u) * cog; }
  uint32_t in_c0(uint32_t u) const { return u * groups_per_unit * cig; }
  uint32_t out_c0(uint32_t u) const { return u * groups_per_unit * cog; }
  // Taps per row of the kw-packed mapping (0 when it does not apply or would not pack).
  uint32_t packable_taps = 0;
};

// Validates the shape (throws systole::Error naming the problem) and derives the geometry.
ConvGeometry conv_geometry(const Config& cfg, const ConvShape& s);

constexpr uint32_t kMaxTapGroups = 16;

struct ConvLayout {
  ConvGeometry g;
  bool packed = false;
  // Effective tile sizes (clipped to the problem).
  uint32_t toh = 0, tow = 0, tn = 0, tk = 0;
  uint32_t n_blocks = 0;  // output blocks per tile
  uint32_t k_blocks = 0;  // input channel blocks per chunk (1 in the packed mapping)
  uint32_t taps = 0;      // MATMULs per (output block, channel block): kh*kw, or kh*tap_groups
  // Input sampling: tile row r is input row iy0 + r*rs, column c is ix0 + c*cs.
  uint32_t rs = 1, cs = 1;
  uint32_t a_stride = 1;  // MATMUL a_stride (column step between output columns)
  // Packed mapping: tap group j covers kx = group_kx0[j] .. +group_taps[j]-1 and its rows
  // hold group_span[j] bytes; span_sum over the groups.
  uint32_t tap_groups = 0;
  uint32_t group_kx0[kMaxTapGroups] = {}, group_taps[kMaxTapGroups] = {}, group_span[kMaxTapGroups] = {};
  uint32_t span_sum = 0;
  // Scratchpad: input tile (a_rows) and weight block (b_rows = n_blocks * b_block_rows),
  // each double-buffered.
  uint32_t a_rows = 0, b_block_rows = 0, b_rows = 0;
  uint32_t spad_a[2] = {0, 0}, spad_b[2] = {0, 0};
  // Accumulator: tile [n_block][toh*tow rows], double-buffered, then resident parameters of
  // chunk_tiles channel tiles (all of them when they fit).
  uint32_t acc_tile_rows = 0, acc_tile[2] = {0, 0}, param_base = 0;
  uint32_t n_tiles_u = 0;    // channel tiles per unit
  uint32_t chunk_tiles = 0;  // channel tiles (unit-major order) per parameter chunk
  uint32_t spad_rows_used = 0, acc_rows_used = 0;
  bool fits = false;
  std::string why;

  // Input tile extent for a spatial tile of th x tw outputs.
  uint32_t tile_in_rows(uint32_t th) const;
  uint32_t tile_in_cols(uint32_t tw) const;  // pixel mapping
  // Scratchpad rows of a tile row (its pitch): iw (pixel) or tap_groups * tow (packed).
  uint32_t row_pitch(uint32_t tw) const { return packed ? tap_groups * tw : tile_in_cols(tw); }
  // Weight rows of one (channel block of c channels, tap) pair.
  uint32_t weight_rows(uint32_t channels, uint32_t tap) const {
    return packed ? group_span[tap % tap_groups] : channels;
  }
  // Weight rows per (unit, output block) in DRAM.
  uint32_t unit_weight_rows() const;
};

// explain = false skips formatting `why` (the tiling search calls this thousands of times).
// The geometry is computed by the caller once (it validates the shape).
ConvLayout conv_layout(const Config& cfg, const ConvGeometry& g, const ConvTiling& t, bool explain = true);

}  // namespace systole::compiler
