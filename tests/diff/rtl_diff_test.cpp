// hls vs rtl on random valid programs (tests/diff/diff_harness.hpp): at least 10^5
// instructions on the tiny design point (DIM=4, 4-byte bus) and 2*10^4 on the default
// one (DIM=16, 16-byte bus), 100-cycle DRAM latency. DRAM images byte for byte, the exact
// counters, and (reported, not asserted) the timing model's cycle error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "Vtop_default.h"
#include "Vtop_tiny.h"
#include "diff_harness.hpp"

namespace systole::difftest {
namespace {

template <typename V, unsigned BUS>
void run_many(const char* config, uint64_t first_seed, uint64_t min_insns) {
  const Config cfg = load_config(config);
  RtlRunner<V, BUS> rtl(cfg);
  uint64_t insns = 0, programs = 0;
  double err_sum = 0, err_max = 0;
  for (uint64_t seed = first_seed; insns < min_insns; ++seed) {
    const testing::RandomProgram p = testing::make_random_program(cfg, seed);
    const DiffResult d = diff_program(cfg, rtl, p);
    ASSERT_TRUE(d.same) << config << " " << d.report;
    insns += d.insns, ++programs;
    const double err = std::fabs(double(d.hls_cycles) - double(d.rtl_cycles)) / double(d.rtl_cycles);
    err_sum += err, err_max = std::max(err_max, err);
  }
  std::printf("[ diff     ] %s: %llu programs, %llu instructions identical; model cycle error mean %.1f%% max %.1f%%\n",
              config, (unsigned long long)programs, (unsigned long long)insns, 100 * err_sum / double(programs),
              100 * err_max);
}

TEST(RtlDiff, TinyRandomPrograms) { run_many<Vtop_tiny, 4>("tiny", 1, 100000); }

TEST(RtlDiff, DefaultRandomPrograms) { run_many<Vtop_default, 16>("default", 100001, 20000); }

}  // namespace
}  // namespace systole::difftest
