// Cost model properties: fit checks, bounds, monotonicity in bandwidth and latency, and a
// chosen tiling that always fits.
#include "compiler/cost_model.hpp"

#include <gtest/gtest.h>

#include "arch/error.hpp"

namespace systole::compiler {
namespace {

const GemmShape kShapes[] = {{1, 1, 1},     {7, 13, 29},   {17, 33, 65},   {64, 64, 64},   {100, 3, 1000},
                             {3, 100, 1000}, {512, 512, 512}, {1, 4096, 4096}, {4096, 1, 64}, {33, 17, 40000},
                             {256, 2000, 96}};

TEST(CostModel, FitsRejectsOversizedAndMalformedTilings) {
  const Config cfg = load_config("default");
  const GemmShape s{4096, 4096, 4096};
  EXPECT_TRUE(fits_gemm_tiling(cfg, s, {64, 64, 256, LoopOrder::MN}));
  EXPECT_FALSE(fits_gemm_tiling(cfg, s, {4096, 64, 4096, LoopOrder::MN}));  // scratchpad
  EXPECT_FALSE(fits_gemm_tiling(cfg, s, {1024, 1024, 16, LoopOrder::MN}));  // accumulator
  EXPECT_FALSE(fits_gemm_tiling(cfg, s, {64, 24, 256, LoopOrder::MN}));     // tn not a multiple of DIM
  EXPECT_FALSE(fits_gemm_tiling(cfg, s, {64, 64, 0, LoopOrder::MN}));
  EXPECT_THROW(estimate_gemm(cfg, s, {4096, 64, 4096, LoopOrder::MN}), Error);
  // Tiles are clipped to the problem: a huge tiling fits a tiny problem.
  EXPECT_TRUE(fits_gemm_tiling(cfg, {1, 1, 1}, {1 << 20, 1 << 20, 1 << 20, LoopOrder::NM}));
}

TEST(CostModel, ChosenTilingFitsAndIsSane) {
  for (const char* name : {"tiny", "default", "large"}) {
    const Config cfg = load_config(name);
    for (const GemmShape& s : kShapes) {
      SCOPED_TRACE(::testing::Message() << name << " " << s.m << "x" << s.n << "x" << s.k);
      const GemmTiling t = choose_gemm_tiling(cfg, s);
      ASSERT_TRUE(fits_gemm_tiling(cfg, s, t)) << t.to_string();
      EXPECT_EQ(t.tn % cfg.dim, 0u);
      EXPECT_EQ(t.tk % cfg.dim, 0u);
      const CostEstimate e = estimate_gemm(cfg, s, t);
      EXPECT_EQ(e.macs, uint64_t(s.m) * s.n * s.k);
      EXPECT_GT(e.utilization, 0.0);
      EXPECT_LE(e.utilization, 1.0);
      // The array streams every row of A once per (column block, K block): a floor on cycles.
      const double floor_rows = double(s.m) * ((s.n + cfg.dim - 1) / cfg.dim) * ((s.k + cfg.dim - 1) / cfg.dim);
      EXPECT_GE(e.cycles, floor_rows);
      EXPECT_GE(e.compute_cycles, floor_rows);
      EXPECT_EQ(e.dram_wr_bytes, uint64_t(s.m) * s.n);
      EXPECT_GE(e.dram_rd_bytes, uint64_t(s.m) * s.k);
    }
  }
}

TEST(CostModel, MoreBandwidthNeverCostsCycles) {
  Config cfg = load_config("default");
  for (const GemmShape& s : kShapes) {
    const GemmTiling t = choose_gemm_tiling(cfg, s);
    double prev = 1e300, prev_chosen = 1e300;
    for (uint32_t bw : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u}) {
      Config c = cfg;
      c.dram_bytes_per_cycle = bw;
      const double cyc = estimate_gemm(c, s, t).cycles;
      EXPECT_LE(cyc, prev) << "bw " << bw << " shape " << s.m << "x" << s.n << "x" << s.k;
      prev = cyc;
      const double chosen = estimate_gemm(c, s, choose_gemm_tiling(c, s)).cycles;
      EXPECT_LE(chosen, prev_chosen * (1 + 1e-12)) << "bw " << bw;
      EXPECT_LE(chosen, cyc * (1 + 1e-12)) << "the search missed a better tiling";
      prev_chosen = chosen;
    }
  }
}

TEST(CostModel, MoreLatencyNeverSavesCycles) {
  Config cfg = load_config("default");
  const GemmShape s{200, 300, 700};
  const GemmTiling t = choose_gemm_tiling(cfg, s);
  double prev = 0;
  for (uint32_t lat : {0u, 10u, 100u, 1000u}) {
    cfg.dram_latency = lat;
    const double cyc = estimate_gemm(cfg, s, t).cycles;
    EXPECT_GE(cyc, prev);
    prev = cyc;
  }
}

TEST(CostModel, Default512CubeIsComputeBound) {
  const Config cfg = load_config("default");
  const GemmShape s{512, 512, 512};
  const CostEstimate e = estimate_gemm(cfg, s, choose_gemm_tiling(cfg, s));
  EXPECT_GE(e.utilization, 0.90);
}

TEST(CostModel, RejectsEmptyShapes) {
  const Config cfg = load_config("default");
  EXPECT_THROW(choose_gemm_tiling(cfg, {0, 4, 4}), Error);
}

}  // namespace
}  // namespace systole::compiler
