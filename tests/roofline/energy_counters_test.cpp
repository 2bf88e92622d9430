// The on-chip traffic the energy model charges comes from the cost estimate; here its
// activation-row count is checked against the array_rows counter of compiled layers run on
// the hls backend: GEMM-like, 3x3, strided, grouped, depthwise and the kw-packed first layer,
// on two configs. (The DRAM bytes are the cost model's own prediction, tested with it.)
#include <gtest/gtest.h>

#include "arch/config.hpp"
#include "compiler/conv.hpp"
#include "driver/device.hpp"
#include "roofline/energy.hpp"
#include "tests/compiler/conv_test_util.hpp"

namespace systole::roofline {
namespace {

compiler::ConvShape shape(uint32_t h, uint32_t w, uint32_t cin, uint32_t cout, uint32_t k, uint32_t stride, uint32_t groups = 1) {
  compiler::ConvShape s;
  s.h = h, s.w = w, s.c_in = cin, s.c_out = cout, s.kh = s.kw = k, s.stride_h = s.stride_w = stride, s.groups = groups;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = k / 2;
  return s;
}

TEST(EnergyCounters, ArrayRowsMatchTheCounter) {
  const std::vector<compiler::ConvShape> shapes = {
      shape(12, 12, 40, 24, 1, 1), shape(10, 9, 20, 36, 3, 1), shape(13, 13, 16, 16, 3, 2), shape(8, 8, 32, 32, 3, 1, 4),
      shape(9, 9, 24, 24, 3, 1, 24), shape(20, 20, 3, 8, 7, 2)};
  for (const char* preset : {"tiny", "default"}) {
    const Config cfg = load_config(preset);
    for (const compiler::ConvShape& s : shapes) {
      const compiler::testing::ConvCase c = compiler::testing::random_conv(s, 3);
      compiler::ConvLowering low;
      const driver::Program p = compiler::compile_conv(cfg, c.layer, &low);
      auto dev = driver::Device::open("hls", cfg);
      const compiler::testing::ConvRun r = compiler::testing::run_conv(*dev, p, c);
      EXPECT_EQ(low.estimate.array_rows, r.counters[isa::Counter::ArrayRows]) << preset << " " << s.to_string();
      const EnergyCounts e = energy_counts_from_cost(cfg, low.estimate);
      const EnergyCounts m = energy_counts_from_counters(cfg, r.counters, low.estimate.macs, low.estimate.weight_rows);
      EXPECT_EQ(e.acc_wr_bytes, m.acc_wr_bytes);
      EXPECT_EQ(e.spad_rd_bytes, m.spad_rd_bytes);
      EXPECT_EQ(m.dram_rd_bytes, r.counters[isa::Counter::DramRdBytes]);
      EXPECT_EQ(m.macs, s.macs());
    }
  }
}

}  // namespace
}  // namespace systole::roofline
