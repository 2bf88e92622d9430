// The convolution cost model against the hls timing model (the "cycles" counter of a real
// run through the driver) on ResNet-50-like layers and a few others (first layer, strided,
// depthwise), each checked bit-exact too; prints the model error and the utilization the
// timing model measures. Within 10% everywhere; the ResNet-50 3x3 and 1x1 bodies of the
// default design point reach the utilization the network target needs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "conv_test_util.hpp"
#include "race_check.hpp"

namespace systole::compiler {
namespace {

struct Layer {
  const char* name;
  uint32_t h, w, c_in, c_out, k, stride, pad, groups;
};

ConvShape shape_of(const Layer& l) {
  ConvShape s;
  s.h = l.h, s.w = l.w, s.c_in = l.c_in, s.c_out = l.c_out, s.kh = s.kw = l.k;
  s.stride_h = s.stride_w = l.stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = l.pad;
  s.groups = l.groups;
  return s;
}

struct Measured {
  ConvLowering low;
  double cycles = 0, util = 0, err = 0;
};

Measured measure(const Config& cfg, const Layer& l) {
  const ConvShape s = shape_of(l);
  const testing::ConvCase c = testing::random_conv(s, 9);
  Measured m;
  const driver::Program p = compile_conv(cfg, c.layer, &m.low);
  EXPECT_EQ(testing::find_race(cfg, p.insns), "") << l.name;
  auto dev = driver::Device::open("hls", cfg);
  const testing::ConvRun r = testing::run_conv(*dev, p, c);
  EXPECT_EQ(r.y, testing::reference_output(c)) << l.name;
  m.cycles = double(r.counters[isa::Counter::Cycles]);
  m.util = double(s.macs()) / (m.cycles * cfg.dim * cfg.dim);
  m.err = (m.low.estimate.cycles - m.cycles) / m.cycles;
  std::printf("%-8s %-26s %-40s model %9.0f timing %9.0f err %+6.2f%% util %.3f (model %.3f)\n", cfg.name.c_str(),
              l.name, m.low.tiling.to_string().c_str(), m.low.estimate.cycles, m.cycles, 100 * m.err, m.util,
              m.low.estimate.utilization);
  return m;
}

// ResNet-50 (224x224, batch 1) bottleneck layers, one of each shape.
const Layer kResNet50[] = {
    {"conv1 7x7/2 3->64", 224, 224, 3, 64, 7, 2, 3, 1},
    {"l1 1x1 64->64", 56, 56, 64, 64, 1, 1, 0, 1},
    {"l1 3x3 64->64", 56, 56, 64, 64, 3, 1, 1, 1},
    {"l1 1x1 64->256", 56, 56, 64, 256, 1, 1, 0, 1},
    {"l1 1x1 256->64", 56, 56, 256, 64, 1, 1, 0, 1},
    {"l2 3x3/2 128->128", 56, 56, 128, 128, 3, 2, 1, 1},
    {"l2 down 1x1/2 256->512", 56, 56, 256, 512, 1, 2, 0, 1},
    {"l2 3x3 128->128", 28, 28, 128, 128, 3, 1, 1, 1},
    {"l2 1x1 128->512", 28, 28, 128, 512, 1, 1, 0, 1},
    {"l3 3x3 256->256", 14, 14, 256, 256, 3, 1, 1, 1},
    {"l3 1x1 256->1024", 14, 14, 256, 1024, 1, 1, 0, 1},
    {"l3 1x1 1024->256", 14, 14, 1024, 256, 1, 1, 0, 1},
    {"l4 3x3 512->512", 7, 7, 512, 512, 3, 1, 1, 1},
    {"l4 1x1 512->2048", 7, 7, 512, 2048, 1, 1, 0, 1},
    {"l4 1x1 2048->512", 7, 7, 2048, 512, 1, 1, 0, 1},
};

TEST(ConvTiming, ResNet50LayersOnDefault) {
  const Config cfg = load_config("default");
  double macs = 0, cycles = 0;
  for (const Layer& l : kResNet50) {
    const Measured m = measure(cfg, l);
    EXPECT_LT(std::fabs(m.err), 0.10) << l.name;
    macs += double(shape_of(l).macs());
    cycles += m.cycles;
    // The bodies (3x3 and 1x1 beyond the first layer) are the network's MACs.
    if (l.k != 7) EXPECT_GE(m.util, 0.75) << l.name;
  }
  std::printf("default: these layers together: utilization %.3f\n", macs / (cycles * cfg.dim * cfg.dim));
}

TEST(ConvTiming, OtherLayersWithinTenPercent) {
  const struct {
    const char* config;
    Layer l;
  } cases[] = {
      {"default", {"dw 3x3 112x112x32", 112, 112, 32, 32, 3, 1, 1, 32}},
      {"default", {"dw 3x3/2 56x56x128", 56, 56, 128, 128, 3, 2, 1, 128}},
      {"default", {"g32 3x3 (ResNeXt) 128", 28, 28, 128, 128, 3, 1, 1, 32}},
      {"default", {"3x3 odd 37x23 40->72", 37, 23, 40, 72, 3, 1, 1, 1}},
      {"large", {"l1 3x3 64->64", 56, 56, 64, 64, 3, 1, 1, 1}},
      {"large", {"conv1 7x7/2 3->64", 224, 224, 3, 64, 7, 2, 3, 1}},
      {"tiny", {"3x3 32x32 8->8", 32, 32, 8, 8, 3, 1, 1, 1}},
      {"tiny", {"1x1 32x32 16->16", 32, 32, 16, 16, 1, 1, 0, 1}},
      {"tiny", {"7x7/2 64x64 3->8", 64, 64, 3, 8, 7, 2, 3, 1}},
      {"tiny", {"dw 3x3/2 32x32x16", 32, 32, 16, 16, 3, 2, 1, 16}},
  };
  for (const auto& c : cases) {
    const Measured m = measure(load_config(c.config), c.l);
    EXPECT_LT(std::fabs(m.err), 0.10) << c.config << " " << c.l.name;
  }
}

}  // namespace
}  // namespace systole::compiler
