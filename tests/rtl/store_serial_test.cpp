// The serial output path (output.requant_lanes < dim) on the whole top: the tiny design point
// with one requant lane, a 4-word fetch window and 32-bit counters (the iCE40 board's
// systole_top) against hls::run
// on random valid programs. DRAM images byte for byte and the exact counters; and since the
// serial lanes change the store unit's timing, the timing model's cycle count must stay
// within 5% of the RTL's on average and 10% on every program (docs/timing.md, STORE; the
// 4x4 random programs of tests/diff are at 9% mean with one requantizer per column, where
// the store path matters less).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "Vtop_serial.h"
#include "tests/diff/diff_harness.hpp"

namespace systole::difftest {
namespace {

TEST(RtlStoreSerial, TinyOneLaneRandomPrograms) {
  Config cfg = load_config("tiny");
  cfg.requant_lanes = 1;
  cfg.fetch_window = 4;
  cfg.validate();
  RtlRunner<Vtop_serial, 4> rtl(cfg);
  uint64_t insns = 0, programs = 0;
  double err_sum = 0, err_max = 0;
  for (uint64_t seed = 1; insns < 20000; ++seed) {
    const testing::RandomProgram p = testing::make_random_program(cfg, seed);
    const DiffResult d = diff_program(cfg, rtl, p);
    ASSERT_TRUE(d.same) << d.report;
    insns += d.insns, ++programs;
    const double err = std::fabs(double(d.hls_cycles) - double(d.rtl_cycles)) / double(d.rtl_cycles);
    err_sum += err, err_max = std::max(err_max, err);
    EXPECT_LE(err, 0.10) << "seed " << seed << ": hls " << d.hls_cycles << " rtl " << d.rtl_cycles << " cycles";
  }
  std::printf("[ serial   ] tiny, 1 requant lane, fetch window 4: %llu programs, %llu instructions identical; model cycle error mean "
              "%.2f%% max %.2f%%\n",
              (unsigned long long)programs, (unsigned long long)insns, 100 * err_sum / double(programs), 100 * err_max);
  EXPECT_LE(err_sum / double(programs), 0.05);
}

}  // namespace
}  // namespace systole::difftest
