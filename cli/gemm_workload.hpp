// A seeded random quantized GEMM layer (data, weights, per-channel requantization) and its
// CPU-reference result: the workload of `systole gemm` and of the GEMM benchmarks.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/gemm.hpp"

namespace systole::cli {

struct GemmWorkload {
  compiler::GemmLayer layer;
  std::vector<int8_t> a;         // M*K input
  std::vector<int8_t> expected;  // M*N reference output
};

GemmWorkload make_gemm_workload(uint32_t m, uint32_t n, uint32_t k, uint64_t seed);

}  // namespace systole::cli
