// Lowering of one quantized GEMM layer, C = requant(A·B + bias), onto the accelerator:
// tiling chosen by the cost model, double-buffered scratchpad and accumulator blocks,
// decoupled load / execute / store streams synchronized by dependency tokens.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/cost_model.hpp"
#include "compiler/program_builder.hpp"

namespace systole::compiler {

// A quantized GEMM layer. A is [M][K] int8 row-major with zero point a_zero_point; B is
// [K][N] int8 row-major (symmetric); C is [M][N] int8 row-major. Per output channel n:
// C = clamp(round_half_even((sum_k (A-zpA)·B + bias[n]) * mult[n] / 2^shift[n]) + zpC, lo, hi).
struct GemmLayer {
  uint32_t m = 0, n = 0, k = 0;
  std::vector<int8_t> weights;   // B, K*N
  std::vector<int32_t> bias;     // N
  std::vector<int32_t> mult;     // N
  std::vector<uint32_t> shift;   // N, 0..63
  int32_t a_zero_point = 0;
  int32_t out_zero_point = 0;
  int32_t clamp_lo = -128, clamp_hi = 127;
};

struct GemmLowering {
  GemmTiling tiling;
  CostEstimate estimate;
};

// Appends the layer to `b`, reading tensor `a_name` (already in the builder, M*K bytes) and
// writing tensor `c_name` (M*N bytes). Weights and parameters become constant tensors named
// `prefix`+"weights" / +"params". A tiling of all zeros means "choose with the cost model".
GemmLowering lower_gemm(ProgramBuilder& b, const GemmLayer& layer, const std::string& a_name, const std::string& c_name,
                        const std::string& prefix = "", GemmTiling tiling = {});

// Convenience: a whole program with input tensor "A" and output tensor "C".
driver::Program compile_gemm(const Config& cfg, const GemmLayer& layer, GemmLowering* info = nullptr);

}  // namespace systole::compiler
