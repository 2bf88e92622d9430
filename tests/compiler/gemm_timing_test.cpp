// The closed-form cost model against the hls timing model (the "cycles" counter of a real
// run through the driver): within 10% on large GEMMs, and the default design point reaches
// 90% array utilization on a 512^3 GEMM. Prints every measured error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "gemm_test_util.hpp"

namespace systole::compiler {
namespace {

struct Case {
  const char* config;
  uint32_t m, n, k;
};

double measured_cycles(const Config& cfg, const Case& s, GemmLowering* low) {
  const testing::GemmCase c = testing::random_gemm(s.m, s.n, s.k, 3);
  const driver::Program p = compile_gemm(cfg, c.layer, low);
  auto dev = driver::Device::open("hls", cfg);
  const testing::RunOutput r = testing::run_program(*dev, p, c);
  EXPECT_EQ(r.c, testing::reference_output(c));
  return double(r.counters[isa::Counter::Cycles]);
}

TEST(GemmTiming, CostModelWithinTenPercentOfTimingModel) {
  const Case cases[] = {{"default", 512, 512, 512}, {"default", 256, 1024, 384}, {"default", 1024, 128, 256},
                        {"default", 64, 64, 4096},  {"default", 300, 200, 700},  {"large", 512, 512, 512},
                        {"tiny", 128, 128, 128},    {"tiny", 64, 96, 1000}};
  for (const Case& s : cases) {
    const Config cfg = load_config(s.config);
    GemmLowering low;
    const double hw = measured_cycles(cfg, s, &low);
    const double err = (low.estimate.cycles - hw) / hw;
    std::printf("%-8s %5ux%5ux%5u  %-30s model %10.0f  timing %10.0f  error %+6.2f%%  util model %.3f timing %.3f\n",
                s.config, s.m, s.n, s.k, low.tiling.to_string().c_str(), low.estimate.cycles, hw, 100 * err,
                low.estimate.utilization, double(low.estimate.macs) / (hw * cfg.dim * cfg.dim));
    EXPECT_LT(std::fabs(err), 0.10) << s.config << " " << s.m << "x" << s.n << "x" << s.k;
  }
}

TEST(GemmTiming, Default512CubeReachesNinetyPercent) {
  const Config cfg = load_config("default");
  GemmLowering low;
  const double hw = measured_cycles(cfg, {"default", 512, 512, 512}, &low);
  const double util = 512.0 * 512 * 512 / (hw * cfg.dim * cfg.dim);
  std::printf("default 512^3: %s  utilization timing model %.4f, cost model %.4f\n", low.tiling.to_string().c_str(),
              util, low.estimate.utilization);
  EXPECT_GE(util, 0.90);
}

}  // namespace
}  // namespace systole::compiler
