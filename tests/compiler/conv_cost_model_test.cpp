// Convolution cost model and tiling search: shape validation and fit errors name the problem,
// chosen tilings fit and are sane (kw-packing chosen for the first layer where it applies,
// 1x1 stride-1 layers flattened), bounds and monotonicity in bandwidth and latency, and the
// search is fast enough to run per layer of a network.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <iterator>
#include <string>

#include "arch/error.hpp"
#include "compiler/conv_layout.hpp"
#include "compiler/cost_model.hpp"

namespace systole::compiler {
namespace {

ConvShape conv(uint32_t h, uint32_t w, uint32_t c_in, uint32_t c_out, uint32_t k, uint32_t stride, uint32_t pad,
               uint32_t groups = 1) {
  ConvShape s;
  s.h = h, s.w = w, s.c_in = c_in, s.c_out = c_out, s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
  s.groups = groups;
  return s;
}

const ConvShape kShapes[] = {conv(224, 224, 3, 64, 7, 2, 3),  conv(56, 56, 64, 64, 3, 1, 1),   conv(56, 56, 64, 256, 1, 1, 0),
                             conv(56, 56, 256, 512, 1, 2, 0), conv(7, 7, 512, 512, 3, 1, 1),    conv(7, 7, 2048, 512, 1, 1, 0),
                             conv(112, 112, 32, 32, 3, 1, 1, 32), conv(28, 28, 128, 128, 3, 1, 1, 32), conv(1, 1, 1, 1, 1, 1, 0),
                             conv(9, 300, 5, 7, 3, 2, 1),     conv(3, 3, 1000, 3, 3, 1, 1)};

std::string error_of(const Config& cfg, const ConvShape& s, const ConvTiling& t = {1, 1, 16, 16}) {
  try {
    estimate_conv(cfg, s, t);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ConvCostModel, InvalidShapesAndTilingsNameTheProblem) {
  const Config cfg = load_config("default");
  EXPECT_NE(error_of(cfg, conv(5, 5, 4, 6, 3, 1, 1, 4)).find("groups"), std::string::npos);
  EXPECT_NE(error_of(cfg, conv(2, 2, 4, 6, 5, 1, 0)).find("smaller than the dilated kernel"), std::string::npos);
  ConvShape s = conv(5, 5, 4, 6, 3, 1, 1);
  s.in_c_total = 5, s.in_c_offset = 2;
  EXPECT_NE(error_of(cfg, s).find("input channels"), std::string::npos);
  s = conv(56, 56, 64, 64, 3, 1, 1);
  EXPECT_NE(error_of(cfg, s, {56, 56, 64, 16}).find("accumulator rows"), std::string::npos);
  EXPECT_NE(error_of(cfg, conv(56, 56, 1024, 64, 3, 1, 1), {8, 56, 16, 1024}).find("scratchpad rows"), std::string::npos);
  EXPECT_NE(error_of(cfg, s, {1, 8, 24, 16}).find("multiples of DIM"), std::string::npos);
  EXPECT_NE(error_of(cfg, s, {1, 8, 16, 16, LoopOrder::MN, true}).find("pack_kw"), std::string::npos);
  EXPECT_NE(error_of(cfg, conv(600, 4, 8, 8, 3, 1, 1), {300, 1, 16, 16}).find("MATMUL field"), std::string::npos);  // outer: 8 bits
  EXPECT_TRUE(fits_conv_tiling(cfg, s, {4, 56, 16, 64}));
}

TEST(ConvCostModel, ChosenTilingFitsAndIsSane) {
  for (const char* name : {"tiny", "default", "large"}) {
    const Config cfg = load_config(name);
    for (const ConvShape& s : kShapes) {
      SCOPED_TRACE(::testing::Message() << name << " " << s.to_string());
      const ConvTiling t = choose_conv_tiling(cfg, s);
      ASSERT_TRUE(fits_conv_tiling(cfg, s, t)) << t.to_string();
      const CostEstimate e = estimate_conv(cfg, s, t);
      EXPECT_EQ(e.macs, s.macs());
      EXPECT_GT(e.utilization, 0.0);
      EXPECT_LE(e.utilization, 1.0);
      EXPECT_GE(e.cycles, e.compute_cycles);
      EXPECT_GE(e.dram_wr_bytes, uint64_t(s.out_h()) * s.out_w() * s.c_out);
    }
  }
}

TEST(ConvCostModel, MappingChoices) {
  const Config cfg = load_config("default");
  // The first layer packs kw taps x 3 channels into a row: 5 taps fit 16 bytes.
  const ConvShape c1 = conv(224, 224, 3, 64, 7, 2, 3);
  EXPECT_EQ(conv_geometry(cfg, c1).packable_taps, 5u);
  EXPECT_TRUE(choose_conv_tiling(cfg, c1).pack_kw);
  // A channel slice of 3 out of 8 channels still packs, with 8-byte pixel steps: 2 taps.
  ConvShape sl = c1;
  sl.in_c_total = 8;
  EXPECT_EQ(conv_geometry(cfg, sl).packable_taps, 2u);
  // 1x1 stride 1 unpadded layers are one row of pixels; strided ones are not.
  const ConvGeometry f = conv_geometry(cfg, conv(56, 56, 64, 256, 1, 1, 0));
  EXPECT_TRUE(f.flattened);
  EXPECT_EQ(f.ow, 56u * 56u);
  EXPECT_FALSE(conv_geometry(cfg, conv(56, 56, 64, 256, 1, 2, 0)).flattened);
  // Depthwise: 16 channels per unit with diagonal weights; 32 groups of 4: 4 per unit.
  const ConvGeometry dw = conv_geometry(cfg, conv(8, 8, 40, 40, 3, 1, 1, 40));
  EXPECT_EQ(dw.groups_per_unit, 16u);
  EXPECT_EQ(dw.units, 3u);
  EXPECT_EQ(dw.unit_cin(2), 8u);
  EXPECT_EQ(conv_geometry(cfg, conv(8, 8, 128, 128, 3, 1, 1, 32)).groups_per_unit, 4u);
  EXPECT_EQ(conv_geometry(cfg, conv(8, 8, 64, 64, 3, 1, 1, 2)).groups_per_unit, 1u);  // 32-channel groups: one each
}

TEST(ConvCostModel, MonotonicInBandwidthAndLatency) {
  Config cfg = load_config("default");
  for (const ConvShape& s : {conv(56, 56, 64, 64, 3, 1, 1), conv(14, 14, 1024, 256, 1, 1, 0), conv(224, 224, 3, 64, 7, 2, 3)}) {
    const ConvTiling t = choose_conv_tiling(cfg, s);
    double prev = 0;
    for (uint32_t bw : {64u, 16u, 4u, 1u}) {
      Config c = cfg;
      c.dram_bytes_per_cycle = bw;
      const double cycles = estimate_conv(c, s, t).cycles;
      EXPECT_GE(cycles, prev) << s.to_string() << " bw " << bw;
      prev = cycles;
    }
    prev = 0;
    for (uint32_t lat : {10u, 100u, 1000u}) {
      Config c = cfg;
      c.dram_latency = lat;
      const double cycles = estimate_conv(c, s, t).cycles;
      EXPECT_GE(cycles, prev) << s.to_string() << " latency " << lat;
      prev = cycles;
    }
  }
}

TEST(ConvCostModel, SearchIsFast) {
  const Config cfg = load_config("default");
  const auto t0 = std::chrono::steady_clock::now();
  for (const ConvShape& s : kShapes) choose_conv_tiling(cfg, s);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("choose_conv_tiling: %zu layers in %.1f ms\n", std::size(kShapes), ms);
  EXPECT_LT(ms, 5000.0);  // generous: a shared 2-core machine; typically well under a second
}

}  // namespace
}  // namespace systole::compiler
