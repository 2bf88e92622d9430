// Quantizer units: activation parameters, symmetric per-channel weights, the bias scale, the
// per-channel requantization, clamps from fused ReLU / ReLU6, calibration observers, shared
// Concat parameters, the integer ops' rounding (ties to even), the standalone clamp and the
// asymmetric-weight convolution.
#include <gtest/gtest.h>

#include <cmath>

#include "../frontend/graph_builder.hpp"
#include "arch/requant.hpp"
#include "arch/scale.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/quant/calibrate.hpp"
#include "compiler/quant/int_ops.hpp"
#include "compiler/quant/qparams.hpp"
#include "compiler/quant/quantize.hpp"
#include "compiler/quant/reference.hpp"

namespace systole::quant {
namespace {

TEST(QParams, ActivationRangeIncludesZero) {
  const QParams p = activation_params(0.f, 6.f);
  EXPECT_FLOAT_EQ(float(p.scale), 6.f / 255.f);
  EXPECT_EQ(p.zero_point, -128);
  const QParams q = activation_params(-1.f, 1.f);
  // -128 + 1 / float(2/255): just below -0.5 once the scale is a float32, so -1.
  EXPECT_EQ(q.zero_point, int32_t(std::nearbyint(-128.0 + 1.0 / q.scale)));
  EXPECT_TRUE(q.zero_point == -1 || q.zero_point == 0);
  const QParams r = activation_params(2.f, 3.f);  // [0, 3]: zero stays representable
  EXPECT_EQ(r.zero_point, -128);
  EXPECT_FLOAT_EQ(float(r.scale), 3.f / 255.f);
  const QParams n = activation_params(-4.f, -1.f);  // [-4, 0]
  EXPECT_EQ(n.zero_point, 127);
  const QParams z = activation_params(0.f, 0.f);  // constant zero: a positive scale, zero exact
  EXPECT_GT(z.scale, 0);
  EXPECT_EQ(z.zero_point, -128);
}

TEST(QParams, SymmetricPerOutputChannelWeights) {
  // Two output channels of 3 weights: channel 0 max 0.5, channel 1 max 2.54 (and an all-zero
  // channel 2, which gets scale 1 and zero weights).
  const std::vector<float> w = {0.5f, -0.25f, 0.1f, -2.54f, 1.27f, 0.01f, 0.f, 0.f, 0.f};
  std::vector<int8_t> q;
  std::vector<double> s;
  quantize_weights(w.data(), 3, 3, q, s);
  EXPECT_DOUBLE_EQ(s[0], 0.5 / 127);
  EXPECT_NEAR(s[1], 2.54 / 127, 1e-9);
  EXPECT_DOUBLE_EQ(s[2], 1.0);
  EXPECT_EQ(q[0], 127);
  EXPECT_EQ(q[1], -64);  // -63.5 rounds half to even
  EXPECT_EQ(q[3], -127);  // symmetric: never -128
  EXPECT_EQ(q[4], 64);   // 63.5 -> 64 (even)
  EXPECT_EQ(q[5], 0);
  EXPECT_EQ(q[8], 0);
}

TEST(QParams, BiasScaleIsInputTimesWeightScale) {
  EXPECT_EQ(quantize_bias(1.0, 0.5, 0.01), 200);
  EXPECT_EQ(quantize_bias(-0.3, 0.1, 0.1), -30);
  EXPECT_EQ(quantize_bias(0.025, 0.1, 0.1), 2);   // 2.5 -> 2 (even)
  EXPECT_EQ(quantize_bias(1e12, 1e-3, 1e-3), INT32_MAX);  // saturates
  EXPECT_EQ(quantize_bias(-1e12, 1e-3, 1e-3), INT32_MIN);
}

TEST(QParams, PerChannelRequantMultiplier) {
  compiler::ConvLayer c;
  set_requant(c, 0.02, {0.01, 0.5}, 0.1);
  ASSERT_EQ(c.mult.size(), 2u);
  const FixedScale a = quantize_scale(0.02 * 0.01 / 0.1), b = quantize_scale(0.02 * 0.5 / 0.1);
  EXPECT_EQ(c.mult[0], a.mult);
  EXPECT_EQ(c.shift[0], a.shift);
  EXPECT_EQ(c.mult[1], b.mult);
  EXPECT_EQ(c.shift[1], b.shift);
  EXPECT_NEAR(std::ldexp(double(c.mult[1]), -int(c.shift[1])), 0.1, 1e-10);
}

TEST(QParams, ClampFromFusedReluAndRelu6) {
  const QParams out{6.0 / 255.0, -128};
  ir::Node relu;
  relu.name = "c";
  relu.op = "Conv";
  relu.attrs.set("clip_min", 0.f);
  int32_t lo, hi;
  set_clamp(relu, out, lo, hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);
  ir::Node relu6 = relu;
  relu6.attrs.set("clip_max", 6.f);
  const QParams wide{12.0 / 255.0, -28};  // range [-100/255*12, ...]: the bounds bite
  set_clamp(relu6, wide, lo, hi);
  EXPECT_EQ(lo, -28);                     // ReLU: the zero point
  EXPECT_EQ(hi, int32_t(std::nearbyint(6.0 / wide.scale)) - 28);  // 127.5 -> 128 (even) - 28 = 100
  EXPECT_EQ(hi, 100);
  ir::Node none;
  set_clamp(none, wide, lo, hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);
}

TEST(IntOps, AddRescalesEachInputOnceWithTiesToEven) {
  QOp op;
  op.kind = QOpKind::Add;
  op.rescale = {make_rescale(0.5), make_rescale(0.25)};
  QTensor ta, tb, ty;
  ta.c = tb.c = ty.c = 4;
  ta.q = {1.0, 1};
  tb.q = {0.5, -2};
  ty.q = {2.0, 3};
  const int8_t a[4] = {2, 4, -127, 127}, b[4] = {0, 4, -128, 127};
  int8_t y[4];
  add_i8(op, ta, a, tb, b, ty, y);
  // a-zpa = 1 -> 0.5 -> 0 (even); b-zpb = 2 -> 0.5 -> 0: 3 + 0 + 0
  EXPECT_EQ(y[0], 3);
  // 3 -> 1.5 -> 2; 6 -> 1.5 -> 2: 3 + 2 + 2
  EXPECT_EQ(y[1], 7);
  // -128 -> -64; -126 -> -31.5 -> -32: 3 - 64 - 32 = -93
  EXPECT_EQ(y[2], -93);
  // 126 -> 63; 129 -> 32.25 -> 32: 3 + 63 + 32 = 98
  EXPECT_EQ(y[3], 98);
  op.clamp_lo = 3;  // a fused Relu clamps at the output zero point
  add_i8(op, ta, a, tb, b, ty, y);
  EXPECT_EQ(y[2], 3);
}

TEST(IntOps, StandaloneClampPassesParametersThroughOrRescales) {
  QOp op;
  op.kind = QOpKind::Clamp;
  op.rescale = {make_rescale(1.0)};
  op.clamp_lo = -20;  // Relu at zero point -20
  QTensor t;
  t.c = 4;
  t.q = {0.1, -20};
  const int8_t x[4] = {-128, -21, -20, 127};
  int8_t y[4];
  clamp_i8(op, t, x, t, y);
  EXPECT_EQ(y[0], -20);
  EXPECT_EQ(y[1], -20);
  EXPECT_EQ(y[2], -20);
  EXPECT_EQ(y[3], 127);
  QTensor ty = t;  // output at twice the scale, zero point 0: (x + 20) / 2, ties to even
  ty.q = {0.2, 0};
  op.rescale = {make_rescale(0.5)};
  op.clamp_lo = 0;
  const int8_t x2[4] = {-19, -17, -30, 100};
  clamp_i8(op, t, x2, ty, y);
  EXPECT_EQ(y[0], 0);   // 0.5 -> 0
  EXPECT_EQ(y[1], 2);   // 1.5 -> 2
  EXPECT_EQ(y[2], 0);   // -5 -> clamped at 0
  EXPECT_EQ(y[3], 60);
}

TEST(IntOps, AsymmetricWeightConvSubtractsTheWeightZeroPoint) {
  // 3x3 conv, pad 1, 2 -> 3 channels, per-channel weight zero points. Where w - zp fits int8,
  // the result equals the symmetric convolution of the folded weights exactly.
  QOp op;
  compiler::ConvLayer& c = op.conv;
  c.n = 1, c.h = 4, c.w = 5, c.c_in = 2, c.c_out = 3, c.kh = 3, c.kw = 3;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 1;
  c.a_zero_point = 7, c.out_zero_point = -3;
  c.weights.resize(3 * 9 * 2);
  for (size_t i = 0; i < c.weights.size(); ++i) c.weights[i] = int8_t(int(i * 37 % 101) - 50);
  op.weight_zero_point = {0, 5, -9};
  c.bias = {100, -200, 300};
  const FixedScale f = quantize_scale(0.0123);
  c.mult.assign(3, f.mult);
  c.shift.assign(3, f.shift);
  std::vector<int8_t> x(size_t(c.h * c.w * c.c_in));
  for (size_t i = 0; i < x.size(); ++i) x[i] = int8_t(int(i * 53 % 256) - 128);
  std::vector<int8_t> y(size_t(c.h * c.w * c.c_out)), want(y.size());
  conv_wzp_i8(op, x.data(), y.data());
  compiler::ConvLayer folded = c;
  for (int o = 0; o < 3; ++o)
    for (int k = 0; k < 18; ++k) folded.weights[size_t(o * 18 + k)] = int8_t(c.weights[size_t(o * 18 + k)] - op.weight_zero_point[size_t(o)]);
  conv_reference(folded, x.data(), want.data());
  EXPECT_EQ(y, want);
}

TEST(IntOps, AveragePoolRoundsTheMeanOnceHalfToEven) {
  QOp op;
  op.kind = QOpKind::AvgPool;
  op.pool.kh = op.pool.kw = 2;
  op.pool.stride_h = op.pool.stride_w = 2;
  QTensor tx, ty;
  tx.h = tx.w = 2, tx.c = 3;
  ty.h = ty.w = 1, ty.c = 3;
  tx.q = ty.q = {0.1, -1};
  op.avg_rescale.resize(5);
  for (uint32_t c = 1; c <= 4; ++c) op.avg_rescale[c] = make_rescale(1.0 / c);
  // channel 0: x - zp = {0,0,1,1} sum 2 -> 0.5 -> 0; channel 1: {1,1,2,2} sum 6 -> 1.5 -> 2;
  // channel 2: {-1,-2,-2,0} sum -5 -> -1.25 -> -1.
  const int8_t x[12] = {-1, 0, -2, -1, 0, -3, 0, 1, -3, 0, 1, -1};
  int8_t y[3];
  avg_pool_i8(op, tx, x, ty, y);
  EXPECT_EQ(y[0], -1 + 0);
  EXPECT_EQ(y[1], -1 + 2);
  EXPECT_EQ(y[2], -1 - 1);
}

TEST(IntOps, MaxPoolIgnoresPadding) {
  QOp op;
  op.kind = QOpKind::MaxPool;
  op.pool.kh = op.pool.kw = 3;
  op.pool.pad_top = op.pool.pad_left = op.pool.pad_bottom = op.pool.pad_right = 1;
  QTensor tx, ty;
  tx.h = tx.w = ty.h = ty.w = 2;
  const int8_t x[4] = {-120, -110, -100, -128};
  int8_t y[4];
  max_pool_i8(op, tx, x, ty, y);
  for (int8_t v : y) EXPECT_EQ(v, -100);
}

TEST(Calibration, MinMaxAndPercentileObservers) {
  test::GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 1000});
  b.output(b.node("r", "Relu", {x}));
  ir::infer_shapes(b.g);
  std::vector<float> v(1000);
  for (int i = 0; i < 1000; ++i) v[size_t(i)] = float(i) / 100.f;  // 0 .. 9.99
  v[999] = 1000.f;                                                    // an outlier
  const std::vector<std::vector<ir::Tensor>> samples = {{ir::Tensor::from<float>({1, 1000}, v)}};
  const std::vector<Range> mm = calibrate(b.g, samples);
  EXPECT_FLOAT_EQ(mm[size_t(x)].lo, 0.f);
  EXPECT_FLOAT_EQ(mm[size_t(x)].hi, 1000.f);
  CalibrationOptions po;
  po.observer = Observer::Percentile;
  po.percentile = 99.0;
  const std::vector<Range> pc = calibrate(b.g, samples, po);
  EXPECT_LT(pc[size_t(x)].hi, 10.f);  // the outlier is clipped
  EXPECT_GT(pc[size_t(x)].hi, 9.8f);
  EXPECT_LT(pc[size_t(x)].lo, 0.11f);
}

TEST(Quantize, ConcatInputsShareTheOutputsParameters) {
  test::GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 2, 4, 4});
  ir::Attributes c;
  c.set("pads", std::vector<int64_t>{0, 0, 0, 0});
  const ir::ValueId a = b.node("a", "Conv", {x, b.random_const("aw", {3, 2, 1, 1}, -3.f, 3.f)}, c);
  const ir::ValueId d = b.node("d", "Conv", {x, b.random_const("dw", {5, 2, 1, 1}, -0.1f, 0.1f)}, c);
  ir::Attributes cat;
  cat.set("axis", int64_t(1));
  b.output(b.node("cat", "Concat", {a, d}, cat));
  ir::optimize(b.g);
  std::vector<std::vector<ir::Tensor>> samples = {{b.random({1, 2, 4, 4})}};
  const QGraph q = quantize_float(b.g, samples);
  const QOp& catop = q.ops.back();
  ASSERT_EQ(catop.kind, QOpKind::Concat);
  for (int i : catop.inputs) EXPECT_EQ(q.tensors[size_t(i)].q, q.tensors[size_t(catop.output)].q);
  // The weights of each conv are per channel with their own scales; the bias scale follows.
  EXPECT_EQ(q.ops[0].conv.weights.size(), 6u);
  EXPECT_EQ(q.ops[0].conv.c_in, 2u);
}

}  // namespace
}  // namespace systole::quant
