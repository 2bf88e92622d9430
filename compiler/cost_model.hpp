// Analytical cost model of the accelerator: compute cycles, DMA bytes over bandwidth plus
// latency, and their overlap, for a tiled GEMM (and later each conv layer). Closed form, no
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

}  // namespace systole::compiler
