// Convolutions compiled for the tiny (4x4) and default (16x16) design points, run through the
// driver on the hls backend and compared bit for bit with the CPU reference (channels outside
// a layer's output slice must keep their old values); every program is race-checked. Covers
// 1x1 (flattened and strided), 3x3 s1/s2 with padding, the kw-packed 7x7 s2 first layer,
// dilation, groups, depthwise, asymmetric and wide padding, odd sizes, channel slices,
// parameter chunks, forced tilings in both loop orders and random shapes.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "compiler/conv_layout.hpp"
#include "conv_test_util.hpp"
#include "race_check.hpp"

namespace systole::compiler {
namespace {

using testing::ConvCase;

ConvShape conv(uint32_t n, uint32_t h, uint32_t w, uint32_t c_in, uint32_t c_out, uint32_t k, uint32_t stride,
               uint32_t pad, uint32_t groups = 1, uint32_t dil = 1) {
  ConvShape s;
  s.n = n, s.h = h, s.w = w, s.c_in = c_in, s.c_out = c_out, s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = pad;
  s.groups = groups, s.dil_h = s.dil_w = dil;
  return s;
}

ConvLowering check(const Config& cfg, const ConvShape& s, uint32_t seed, ConvTiling tiling = {}) {
  SCOPED_TRACE(::testing::Message() << cfg.name << " " << s.to_string() << " seed " << seed);
  const ConvCase c = testing::random_conv(s, seed);
  ConvLowering low;
  const driver::Program p = compile_conv(cfg, c.layer, &low, tiling);
  SCOPED_TRACE(low.tiling.to_string());
  EXPECT_EQ(testing::find_race(cfg, p.insns), "");
  auto dev = driver::Device::open("hls", cfg);
  const testing::ConvRun r = testing::run_conv(*dev, p, c);
  const std::vector<int8_t> want = testing::reference_output(c);
  size_t bad = 0;
  for (size_t i = 0; i < want.size() && bad < 5; ++i)
    if (r.y[i] != want[i]) {
      ++bad;
      const size_t ct = s.out_channels_total();
      ADD_FAILURE() << "Y[pixel " << i / ct << "][channel " << i % ct << "] = " << int(r.y[i]) << ", reference "
                    << int(want[i]);
    }
  return low;
}

class ConvE2E : public ::testing::TestWithParam<const char*> {
 protected:
  Config cfg = load_config(GetParam());
};

TEST_P(ConvE2E, OneByOne) {
  check(cfg, conv(2, 7, 9, 13, 21, 1, 1, 0), 1);  // flattened: the GEMM schedule over 126 pixels
  check(cfg, conv(1, 9, 11, 20, 8, 1, 2, 0), 2);  // strided: only the used pixels are loaded
  check(cfg, conv(1, 5, 6, 7, 5, 1, 1, 1), 3);    // padded 1x1 (the border is bias only)
}

TEST_P(ConvE2E, ThreeByThree) {
  check(cfg, conv(1, 8, 8, 16, 16, 3, 1, 1), 10);
  check(cfg, conv(2, 9, 7, 19, 23, 3, 1, 1), 11);
  check(cfg, conv(1, 13, 11, 8, 12, 3, 2, 1), 12);
  check(cfg, conv(1, 12, 10, 5, 6, 3, 2, 0), 13);
  check(cfg, conv(1, 3, 3, 4, 4, 3, 1, 0), 14);  // one output pixel
}

TEST_P(ConvE2E, FirstLayerSevenBySevenStrideTwo) {
  check(cfg, conv(1, 30, 28, 3, 20, 7, 2, 3), 20);
  check(cfg, conv(1, 17, 15, 3, 8, 7, 2, 3), 21);
  check(cfg, conv(1, 11, 12, 1, 5, 5, 1, 2), 22);
}

TEST_P(ConvE2E, DilationGroupsDepthwise) {
  check(cfg, conv(1, 12, 11, 9, 10, 3, 1, 2, 1, 2), 30);  // dilation 2
  ConvShape d = conv(1, 10, 13, 6, 5, 3, 1, 1);
  d.dil_h = 1, d.dil_w = 3;
  check(cfg, d, 31);
  check(cfg, conv(1, 9, 9, 12, 8, 3, 1, 1, 2), 32);    // groups 2
  check(cfg, conv(1, 8, 7, 40, 36, 3, 2, 1, 2), 33);   // groups 2, groups wider than DIM on tiny
  check(cfg, conv(1, 7, 9, 24, 24, 3, 1, 1, 8), 34);   // 8 groups of 3: packed block-diagonal
  check(cfg, conv(1, 10, 10, 20, 20, 3, 1, 1, 20), 35);  // depthwise s1
  check(cfg, conv(2, 11, 9, 35, 35, 3, 2, 1, 35), 36);   // depthwise s2, odd channel count
  check(cfg, conv(1, 9, 9, 16, 32, 3, 1, 1, 16), 37);    // depthwise multiplier 2
}

TEST_P(ConvE2E, AsymmetricAndWidePadding) {
  ConvShape s = conv(1, 10, 9, 7, 9, 3, 2, 0);
  s.pad_top = 0, s.pad_left = 1, s.pad_bottom = 2, s.pad_right = 0;  // TF "SAME" style
  check(cfg, s, 40);
  s = conv(1, 6, 5, 4, 6, 3, 1, 0);
  s.pad_top = 3, s.pad_left = 17, s.pad_bottom = 1, s.pad_right = 18;  // beyond the 4-bit y_pad fields
  check(cfg, s, 41);
  s = conv(1, 8, 9, 3, 4, 7, 2, 0);
  s.pad_top = 2, s.pad_left = 5, s.pad_bottom = 4, s.pad_right = 1;
  check(cfg, s, 42);
}

TEST_P(ConvE2E, ChannelSlices) {
  ConvShape s = conv(1, 9, 8, 10, 12, 3, 1, 1);
  s.in_c_offset = 5, s.in_c_total = 23;  // a split's second part
  s.out_c_offset = 7, s.out_c_total = 30;  // written into a concat
  check(cfg, s, 50);
  s = conv(2, 6, 7, 8, 8, 1, 1, 0);
  s.in_c_offset = 3, s.in_c_total = 11, s.out_c_offset = 1, s.out_c_total = 9;
  check(cfg, s, 51);
  s = conv(1, 14, 13, 3, 6, 7, 2, 3);  // packed first layer reading a slice: other channels get zero weights
  s.in_c_offset = 1, s.in_c_total = 4, s.out_c_offset = 2, s.out_c_total = 10;
  check(cfg, s, 52);
  s = conv(1, 7, 7, 12, 12, 3, 2, 1, 12);
  s.in_c_offset = 4, s.in_c_total = 20, s.out_c_offset = 0, s.out_c_total = 16;
  check(cfg, s, 53);
}

TEST_P(ConvE2E, ForcedTilingsBothOrders) {
  const uint32_t D = cfg.dim;
  const ConvShape s = conv(2, 11, 10, 3 * D + 1, 2 * D + 3, 3, 1, 1);
  for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) {
    check(cfg, s, 60, {3, 4, D, D, order});              // many steps, K chunks
    check(cfg, s, 61, {5, 10, 2 * D, 4 * D, order});     // one K chunk: operand reuse
    check(cfg, s, 62, {11, 10, D, 4 * D, order});        // whole image per tile
    check(cfg, s, 63, {1, 3, 3 * D, 2 * D, order});      // tiny tiles
  }
  const ConvShape f = conv(1, 15, 14, 3, 2 * D, 7, 2, 3);
  if (conv_geometry(cfg, f).packable_taps)
    for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) {
      check(cfg, f, 64, {2, 5, D, D, order, true});
      check(cfg, f, 65, {8, 8, 2 * D, D, order, true});
    }
}

TEST_P(ConvE2E, ParametersBeyondTheAccumulator) {
  // Enough output channels that their parameter rows do not fit next to the tiles: the
  // channel tiles are split into chunks with a barrier between them.
  const uint32_t c_out = (cfg.acc_rows() / 3 + 2) * cfg.dim;  // 3 parameter rows per DIM channels
  const ConvShape s = conv(1, 3, 4, 5, c_out, 1, 1, 0);
  const ConvTiling t{3, 4, cfg.dim, cfg.dim, LoopOrder::MN};
  const ConvLayout L = conv_layout(cfg, conv_geometry(cfg, s), t);
  ASSERT_TRUE(L.fits) << L.why;
  EXPECT_LT(L.chunk_tiles, L.n_tiles_u);
  check(cfg, s, 70, t);
  ConvShape g2 = conv(1, 3, 4, 10, 2 * c_out, 1, 1, 0, 2);  // two units, a chunk boundary inside each
  g2.kh = g2.kw = 3, g2.pad_top = g2.pad_left = g2.pad_bottom = g2.pad_right = 1;
  const ConvLayout L2 = conv_layout(cfg, conv_geometry(cfg, g2), {2, 3, 2 * cfg.dim, cfg.dim});
  ASSERT_TRUE(L2.fits) << L2.why;
  EXPECT_EQ(L2.g.units, 2u);
  EXPECT_NE(L2.n_tiles_u % L2.chunk_tiles, 0u) << "expected a chunk to straddle the two units";
  for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) check(cfg, g2, 72, {2, 3, 2 * cfg.dim, cfg.dim, order});
  check(cfg, conv(1, 4, 4, c_out, c_out, 3, 1, 1, c_out), 71);  // depthwise: many units, chunks of them
}

TEST_P(ConvE2E, RandomShapesAndTilings) {
  std::mt19937 rng(cfg.dim * 77);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  for (int i = 0; i < 40; ++i) {
    ConvShape s;
    s.groups = uni(0, 3) == 0 ? uni(2, 4) : 1;
    s.c_in = s.groups * uni(1, 12), s.c_out = s.groups * uni(1, 12);
    s.n = uni(1, 2), s.h = uni(1, 14), s.w = uni(1, 14);
    s.kh = uni(1, 5), s.kw = uni(1, 5);
    s.stride_h = uni(1, 3), s.stride_w = uni(1, 3);
    s.dil_h = uni(1, 4) == 1 ? 2 : 1, s.dil_w = uni(1, 4) == 1 ? 2 : 1;
    s.pad_top = uni(0, 3), s.pad_left = uni(0, 3), s.pad_bottom = uni(0, 3), s.pad_right = uni(0, 3);
    if (uni(0, 3) == 0) s.in_c_total = s.c_in + uni(1, 5), s.in_c_offset = uni(0, s.in_c_total - s.c_in);
    if (uni(0, 3) == 0) s.out_c_total = s.c_out + uni(1, 5), s.out_c_offset = uni(0, s.out_c_total - s.c_out);
    if (s.out_h() == 0 || s.out_w() == 0) continue;
    ConvTiling t;  // half chosen by the cost model, half random (kept only when it fits)
    if (i % 2) {
      t = {uni(1, 6), uni(1, 9), cfg.dim * uni(1, 3), cfg.dim * uni(1, 3), uni(0, 1) ? LoopOrder::MN : LoopOrder::NM,
           uni(0, 1) == 1};
      if (!fits_conv_tiling(cfg, s, t)) t = {};
    }
    check(cfg, s, 1000 + i, t);
  }
}

TEST_P(ConvE2E, ReluAndExtremeParameters) {
  ConvCase c = testing::random_conv(conv(1, 6, 6, 5, 8, 3, 1, 1), 80);
  c.layer.clamp_lo = c.layer.out_zero_point, c.layer.clamp_hi = 127;
  c.layer.shift[0] = 0, c.layer.shift[1] = 63, c.layer.shift[2] = 200;
  c.layer.bias[3] = INT32_MAX, c.layer.bias[4] = INT32_MIN;
  const driver::Program p = compile_conv(cfg, c.layer);
  EXPECT_EQ(testing::find_race(cfg, p.insns), "");
  auto dev = driver::Device::open("hls", cfg);
  EXPECT_EQ(testing::run_conv(*dev, p, c).y, testing::reference_output(c));
}

INSTANTIATE_TEST_SUITE_P(Configs, ConvE2E, ::testing::Values("tiny", "default"));

TEST(ConvLowering, RejectsMalformedLayers) {
  const Config cfg = load_config("default");
  const ConvLayer good = testing::random_conv(conv(1, 5, 5, 4, 6, 3, 1, 1), 1).layer;
  auto rejects = [&](auto edit) {
    ConvLayer l = good;
    edit(l);
    EXPECT_THROW(compile_conv(cfg, l), Error);
  };
  rejects([](ConvLayer& l) { l.bias.pop_back(); });
  rejects([](ConvLayer& l) { l.weights.pop_back(); });
  rejects([](ConvLayer& l) { l.a_zero_point = 128; });
  rejects([](ConvLayer& l) { l.clamp_lo = 5, l.clamp_hi = 4; });
  rejects([](ConvLayer& l) { l.groups = 4; });  // does not divide c_out = 6
  rejects([](ConvLayer& l) { l.kh = 9; });      // kernel larger than the padded input
  rejects([](ConvLayer& l) { l.stride_w = 0; });
  rejects([](ConvLayer& l) { l.in_c_total = 6, l.in_c_offset = 3; });  // slice beyond the tensor
  // A forced tiling that does not fit names the buffer.
  try {
    compile_conv(cfg, testing::random_conv(conv(1, 200, 200, 64, 64, 3, 1, 1), 1).layer, nullptr,
                 {200, 200, 64, 64, LoopOrder::MN});
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rows"), std::string::npos) << e.what();
  }
  // pack_kw where it does not apply (two taps of 12 channels exceed DIM = 16).
  const ConvLayer wide = testing::random_conv(conv(1, 5, 5, 12, 6, 3, 1, 1), 2).layer;
  EXPECT_THROW(compile_conv(cfg, wide, nullptr, {2, 2, 16, 16, LoopOrder::MN, true}), Error);
}

}  // namespace
}  // namespace systole::compiler
