// Analytical cost model of the accelerator: compute cycles, DMA bytes over bandwidth plus
// latency, and their overlap, for a tiled GEMM and a tiled convolution. Closed form, no
// simulation, so that the compiler can search tilings and roofline/ and design-space sweeps
// can evaluate thousands of design points. docs/cost_model.md states every term.
#pragma once
#include <cstdint>
#include <string>

#include "arch/config.hpp"

namespace systole::compiler {

// Loop order of the output-tile loops (innermost last). K is always innermost inside a tile.
enum class LoopOrder : uint8_t { MN = 0, NM = 1 };

// Tile sizes larger than the (padded) problem are clipped to it.
struct GemmTiling {
  uint32_t tm = 0;  // output rows per tile (any >= 1; the search uses multiples of DIM)
  uint32_t tn = 0;  // output columns per tile (multiple of DIM)
  uint32_t tk = 0;  // reduction depth per scratchpad block (multiple of DIM)
  LoopOrder order = LoopOrder::MN;
  std::string to_string() const;
};

struct CostEstimate {
  double cycles = 0;          // estimated end-to-end cycles
  double compute_cycles = 0;  // execute unit busy
  double load_cycles = 0;     // load unit busy (bandwidth + latency terms)
  double store_cycles = 0;    // store unit busy
  uint64_t dram_rd_bytes = 0;
  uint64_t dram_wr_bytes = 0;
  uint64_t macs = 0;          // useful MACs (M*N*K)
  double utilization = 0;     // macs / (cycles * DIM^2)
  // On-chip traffic for energy estimates (roofline/energy.hpp): activation rows streamed
  // through the array (the array_rows counter) and weight rows the MATMULs read.
  uint64_t array_rows = 0;
  uint64_t weight_rows = 0;
};

struct GemmShape {
  uint32_t m = 0, n = 0, k = 0;
};

// Cost of one GEMM under one tiling, as compiler/gemm.cpp lowers it. Constant time (~100 ns).
// Throws systole::Error naming what does not fit when !fits_gemm_tiling.
CostEstimate estimate_gemm(const Config& cfg, const GemmShape& s, const GemmTiling& t);
// Whether the tiling's double-buffered blocks fit the scratchpad and accumulator (with at
// least one tile's output-path parameter rows) and its row counts fit the 16-bit fields.
bool fits_gemm_tiling(const Config& cfg, const GemmShape& s, const GemmTiling& t);
// The cheapest tiling by estimate_gemm over the balanced tile sizes of each dimension and
// both loop orders (docs/cost_model.md). Throws systole::Error when nothing fits.
GemmTiling choose_gemm_tiling(const Config& cfg, const GemmShape& s);

// Geometry of a quantized 2D convolution (compiler/conv.hpp lowers it): NHWC activations,
// OHWI weights with c_in / groups input channels per group. The layer reads input channels
// in_c_offset .. +c_in of a tensor with in_c_total channels per pixel and writes output
// channels out_c_offset .. +c_out of one with out_c_total (0 = exactly c_in / c_out): a
// concat or split costs nothing.
struct ConvShape {
  uint32_t n = 1, h = 1, w = 1, c_in = 1, c_out = 1;
  uint32_t kh = 1, kw = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  uint32_t dil_h = 1, dil_w = 1;
  uint32_t groups = 1;
  uint32_t in_c_offset = 0, in_c_total = 0;
  uint32_t out_c_offset = 0, out_c_total = 0;
  // Output size (0 when the padded input is smaller than the dilated kernel).
  uint32_t out_h() const;
  uint32_t out_w() const;
  uint32_t in_channels_total() const { return in_c_total ? in_c_total : c_in; }
  uint32_t out_channels_total() const { return out_c_total ? out_c_total : c_out; }
  uint64_t macs() const;  // n * out_h * out_w * c_out * kh * kw * c_in / groups
  std::string to_string() const;
};

// How a convolution is cut (compiler/conv_layout.hpp has the mapping it implies).
struct ConvTiling {
  uint32_t toh = 0;  // output rows per spatial tile (<= 255: MATMUL.outer)
  uint32_t tow = 0;  // output columns per spatial tile
  uint32_t tn = 0;   // output channels per tile, a multiple of DIM (within one group unit)
  uint32_t tk = 0;   // input channels per scratchpad chunk, a multiple of DIM
  LoopOrder order = LoopOrder::MN;  // MN: spatial tiles outer, channel tiles inner
  bool pack_kw = false;  // first-layer mapping: kw taps x C_in packed into one DIM-wide row
  std::string to_string() const;
};

// Cost of one convolution under one tiling, as compiler/conv.cpp lowers it. Cost grows with
// the number of tile rows and columns (microseconds), never with the layer's volume. Throws
// systole::Error naming what is wrong when the shape is invalid or the tiling does not fit.
CostEstimate estimate_conv(const Config& cfg, const ConvShape& s, const ConvTiling& t);
bool fits_conv_tiling(const Config& cfg, const ConvShape& s, const ConvTiling& t);
// The cheapest fitting tiling by estimate_conv (docs/cost_model.md, "Convolution"); tries
// the kw-packed mapping where it applies. Throws systole::Error when nothing fits.
ConvTiling choose_conv_tiling(const Config& cfg, const ConvShape& s);

}  // namespace systole::compiler
