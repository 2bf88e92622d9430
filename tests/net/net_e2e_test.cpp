// Whole networks through quantize -> place -> plan -> codegen -> run on the hls backend,
// bit-exact against the integer reference: hand-built CNN blocks (residual Add, Concat by
// channel slices, pools, depthwise and grouped convs, Flatten reordering, MLP with ReLU6) on
// the tiny and default design points, and the zoo's small models.
#include <gtest/gtest.h>

#include <algorithm>

#include "../frontend/graph_builder.hpp"
#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/quant/accuracy.hpp"
#include "net_test_util.hpp"
#include "zoo/zoo.hpp"

namespace systole::test {
namespace {

using ir::Attributes;
using Ints = std::vector<int64_t>;

Attributes conv_attrs(Ints pads, Ints strides = {1, 1}, int64_t group = 1, Ints dil = {1, 1}) {
  Attributes a;
  a.set("pads", pads);
  a.set("strides", strides);
  a.set("dilations", dil);
  a.set("group", group);
  return a;
}

ir::ValueId conv(GraphBuilder& b, const std::string& name, ir::ValueId x, int64_t cin, int64_t cout, int64_t k,
                 Attributes a, bool bias = true, int64_t group = 1) {
  std::vector<ir::ValueId> in = {x, b.random_const(name + ".w", {cout, cin / group, k, k}, -0.5f, 0.5f)};
  if (bias) in.push_back(b.random_const(name + ".b", {cout}, -0.2f, 0.2f));
  return b.node(name, "Conv", in, std::move(a));
}

ir::ValueId bn(GraphBuilder& b, const std::string& name, ir::ValueId x, int64_t c) {
  return b.node(name, "BatchNormalization",
                {x, b.random_const(name + ".s", {c}, 0.5f, 1.5f), b.random_const(name + ".b", {c}, -0.2f, 0.2f),
                 b.random_const(name + ".m", {c}, -0.2f, 0.2f), b.random_const(name + ".v", {c}, 0.5f, 1.5f)});
}

ir::ValueId relu(GraphBuilder& b, const std::string& name, ir::ValueId x) { return b.node(name, "Relu", {x}); }

ir::ValueId relu6(GraphBuilder& b, const std::string& name, ir::ValueId x) {
  return b.node(name, "Clip", {x, b.constant(name + ".lo", ir::Tensor::scalar(0.f)), b.constant(name + ".hi", ir::Tensor::scalar(6.f))});
}

// Conv+BN+Relu stem; a residual Add (conv output + skip) with Relu; a Concat of that Add and a
// conv branch; MaxPool; strided conv with ReLU6; GlobalAveragePool; Flatten; Gemm.
ir::Graph residual_concat_block() {
  GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 8, 12, 12});
  const ir::ValueId s = relu(b, "stem.relu", bn(b, "stem.bn", conv(b, "stem", x, 8, 16, 3, conv_attrs({1, 1, 1, 1}), false), 16));
  const ir::ValueId a = conv(b, "a", s, 16, 16, 1, conv_attrs({0, 0, 0, 0}));
  const ir::ValueId r = relu(b, "res.relu", b.node("res", "Add", {a, s}));
  const ir::ValueId c = relu(b, "c.relu", conv(b, "c", s, 16, 16, 3, conv_attrs({1, 1, 1, 1})));
  Attributes cat;
  cat.set("axis", int64_t(1));
  const ir::ValueId j = b.node("cat", "Concat", {r, c}, cat);
  Attributes mp;
  mp.set("kernel_shape", Ints{2, 2});
  mp.set("strides", Ints{2, 2});
  const ir::ValueId p = b.node("pool", "MaxPool", {j}, mp);
  const ir::ValueId d = relu6(b, "down.clip", conv(b, "down", p, 32, 24, 3, conv_attrs({1, 1, 1, 1}, {2, 2})));
  const ir::ValueId gap = b.node("gap", "GlobalAveragePool", {d});
  const ir::ValueId f = b.node("flat", "Flatten", {gap});
  Attributes gm;
  gm.set("transB", int64_t(1));
  b.output(b.node("fc", "Gemm", {f, b.random_const("fc.w", {10, 24}), b.random_const("fc.b", {10})}, gm));
  return std::move(b.g);
}

size_t op_index(const quant::QGraph& q, const std::string& name) {
  for (size_t i = 0; i < q.ops.size(); ++i)
    if (q.ops[i].name == name) return i;
  ADD_FAILURE() << "no op " << name;
  return 0;
}

TEST(NetE2E, ResidualConcatBlockTinyAllAccel) {
  ir::Graph g = residual_concat_block();
  quant::QGraph q = optimize_and_quantize(g);
  // The Relu after the residual Add is a clamp of the Add; BN and Relus are folded/fused.
  EXPECT_EQ(std::count_if(q.ops.begin(), q.ops.end(), [](const quant::QOp& o) { return o.kind == quant::QOpKind::Conv; }), 5);
  const NetCheck c = run_checked(q, "tiny", net::PlacePolicy::Accel, random_qinputs(q, 1));
  const size_t cat = op_index(c.net.graph, "cat");
  EXPECT_EQ(c.net.placement[cat].where, net::Where::Cpu);  // the Add's output is copied ...
  EXPECT_NE(c.net.placement[cat].reason.find("1 written in place"), std::string::npos);  // ... conv c writes its slice
  const quant::QOp& add = c.net.graph.ops[op_index(c.net.graph, "res")];
  EXPECT_EQ(add.clamp_lo, c.net.graph.tensors[size_t(add.output)].q.zero_point);  // fused Relu
  EXPECT_GT(c.run.accel_cycles, 0u);
}

TEST(NetE2E, ResidualConcatBlockDefaultAuto) {
  ir::Graph g = residual_concat_block();
  quant::QGraph q = optimize_and_quantize(g);
  for (uint64_t seed = 1; seed <= 3; ++seed) run_checked(q, "default", net::PlacePolicy::Auto, random_qinputs(q, seed));
}

TEST(NetE2E, ConcatOfTwoConvsIsFree) {
  GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 5, 9, 9});
  const ir::ValueId a = conv(b, "a", x, 5, 7, 1, conv_attrs({0, 0, 0, 0}));
  const ir::ValueId c = conv(b, "c", x, 5, 20, 3, conv_attrs({1, 1, 1, 1}));
  Attributes cat;
  cat.set("axis", int64_t(1));
  const ir::ValueId j = b.node("cat", "Concat", {a, c}, cat);
  b.output(conv(b, "after", j, 27, 6, 3, conv_attrs({0, 0, 0, 0})));
  quant::QGraph q = optimize_and_quantize(b.g);
  // Concat inputs share the output's quantization, so the concat is a pure copy ...
  const quant::QOp& catop = q.ops[op_index(q, "cat")];
  for (const quant::Rescale& r : catop.rescale) EXPECT_TRUE(r.identity());
  for (const char* config : {"tiny", "default"}) {
    const NetCheck c2 = run_checked(q, config, net::PlacePolicy::Accel, random_qinputs(q, 3));
    // ... and costs nothing: both convs write channel slices of one storage.
    const size_t k = op_index(c2.net.graph, "cat");
    EXPECT_EQ(c2.net.placement[k].where, net::Where::Free);
    const auto& slots = c2.net.memory.slots;
    const int ta = c2.net.graph.ops[op_index(c2.net.graph, "a")].output, tc = c2.net.graph.ops[op_index(c2.net.graph, "c")].output;
    EXPECT_EQ(slots[size_t(ta)].storage, slots[size_t(tc)].storage);
    EXPECT_EQ(slots[size_t(tc)].c_offset, 7u);
    EXPECT_EQ(slots[size_t(tc)].c_total, 27u);
  }
}

TEST(NetE2E, DepthwiseGroupedDilatedAndPlacement) {
  GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 32, 28, 28});
  const ir::ValueId e = relu6(b, "expand.clip", conv(b, "expand", x, 32, 64, 1, conv_attrs({0, 0, 0, 0})));
  const ir::ValueId dw = relu6(b, "dw.clip", conv(b, "dw", e, 64, 64, 3, conv_attrs({1, 1, 1, 1}, {1, 1}, 64), true, 64));
  const ir::ValueId gr = conv(b, "grouped", dw, 64, 32, 3, conv_attrs({2, 2, 2, 2}, {1, 1}, 4, {2, 2}), true, 4);
  b.output(b.node("res", "Add", {gr, x}));
  quant::QGraph q = optimize_and_quantize(b.g);
  const NetCheck c = run_checked(q, "default", net::PlacePolicy::Auto, random_qinputs(q, 5));
  const net::Placement& p = c.net.placement[op_index(c.net.graph, "dw")];
  EXPECT_EQ(p.where, net::Where::Cpu);
  EXPECT_NE(p.reason.find("depthwise"), std::string::npos) << p.reason;
  EXPECT_LT(p.estimate.utilization, 0.1);
  EXPECT_EQ(c.net.placement[op_index(c.net.graph, "expand")].where, net::Where::Accel);
  EXPECT_NE(c.net.placement[op_index(c.net.graph, "res")].reason.find("residual add"), std::string::npos);
  run_checked(q, "tiny", net::PlacePolicy::Accel, random_qinputs(q, 6));
  run_checked(q, "default", net::PlacePolicy::Cpu, random_qinputs(q, 7));
}

TEST(NetE2E, FlattenReordersNhwcIntoOnnxOrder) {
  GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 3, 6, 5});
  const ir::ValueId c = relu(b, "c.relu", conv(b, "c", x, 3, 4, 3, conv_attrs({1, 1, 1, 1})));
  const ir::ValueId f = b.node("flat", "Flatten", {c});
  b.output(b.node("fc", "MatMul", {f, b.random_const("fc.w", {4 * 6 * 5, 7})}));
  ir::Graph fg = b.g;
  quant::QGraph q = optimize_and_quantize(b.g);
  const NetCheck r = run_checked(q, "tiny", net::PlacePolicy::Accel, random_qinputs(q, 2));
  EXPECT_EQ(r.net.placement[op_index(r.net.graph, "flat")].where, net::Where::Cpu);
  // The quantized network tracks the float one (a wrong flatten order would not).
  ir::optimize(fg);
  std::vector<std::vector<ir::Tensor>> in = {net::random_inputs(fg, 11)};
  const quant::Agreement a = quant::compare(fg, q, in);
  EXPECT_GT(a.cosine, 0.99);
}

TEST(NetE2E, MlpWithRelu6OnTiny) {
  GraphBuilder b;
  ir::ValueId h = b.input("x", {2, 40});
  Attributes tb;
  tb.set("transB", int64_t(1));
  h = relu6(b, "l1.clip", b.node("l1", "Gemm", {h, b.random_const("l1.w", {33, 40}), b.random_const("l1.b", {33})}, tb));
  h = relu(b, "l2.relu", b.node("l2", "Gemm", {h, b.random_const("l2.w", {33, 20}), b.random_const("l2.b", {20})}));
  b.output(b.node("l3", "Gemm", {h, b.random_const("l3.w", {5, 20})}, tb));
  quant::QGraph q = optimize_and_quantize(b.g);
  ASSERT_EQ(q.ops.size(), 3u);
  const quant::QOp& l1 = q.ops[0];
  const quant::QParams& o = q.tensors[size_t(l1.output)].q;
  EXPECT_EQ(l1.conv.clamp_lo, std::max(-128, o.zero_point));
  EXPECT_EQ(l1.conv.clamp_hi, std::min(127, int32_t(std::nearbyint(6.0 / o.scale)) + o.zero_point));
  run_checked(q, "tiny", net::PlacePolicy::Accel, random_qinputs(q, 4));
  run_checked(q, "default", net::PlacePolicy::Auto, random_qinputs(q, 4));
}

TEST(NetE2E, ZooSmallModelsBitExact) {
  for (const char* name : {"mlp", "small_cnn"}) {
    SCOPED_TRACE(name);
    ir::Graph g = zoo::make_zoo_model(name, 0);
    quant::QGraph q = optimize_and_quantize(g, 2);
    run_checked(q, "default", net::PlacePolicy::Auto, random_qinputs(q, 9));
    run_checked(q, "tiny", net::PlacePolicy::Accel, random_qinputs(q, 10));
  }
}

TEST(NetE2E, MobileNetV2DefaultBitExactAndAgreesWithFloat) {
  net::LoadedModel m = net::load_model("mobilenet_v2");
  const std::vector<ir::Tensor> in = net::random_inputs(m.graph, 1);
  quant::QGraph q = net::quantize_model(m, in, 2, 1, {});
  const NetCheck c = run_checked(q, "default", net::PlacePolicy::Auto, net::network_inputs(q, in));
  EXPECT_GT(c.run.utilization, 0.5);
  quant::Agreement a;
  quant::accumulate(a, c.net.graph, ir::run(m.graph, in), c.run.outputs);
  EXPECT_GT(a.cosine, 0.99);
}

TEST(NetE2E, MemoryPlanNeverOverlapsLiveTensors) {
  net::LoadedModel m = net::load_model("small_cnn");
  quant::QGraph q = net::quantize_model(m, {}, 1, 1, {});
  const net::CompiledNet n = net::compile_network(q, load_config("default"));
  const auto& st = n.memory.storage;
  for (size_t i = 0; i < st.size(); ++i)
    for (size_t j = i + 1; j < st.size(); ++j) {
      const bool live_together = st[i].last >= st[j].first && st[j].last >= st[i].first;
      const bool bytes_overlap = st[i].offset < st[j].offset + st[j].bytes && st[j].offset < st[i].offset + st[i].bytes;
      EXPECT_FALSE(live_together && bytes_overlap) << st[i].name << " and " << st[j].name;
    }
  EXPECT_LT(n.memory.arena_bytes, n.memory.unshared_bytes);
}

TEST(NetE2E, UnsupportedOpNamesTheNode) {
  GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 4, 5, 5});
  b.output(b.node("odd", "Mul", {x, x}));
  ir::optimize(b.g);
  try {
    net::LoadedModel m;
    m.graph = b.g;
    net::quantize_model(m, {}, 1, 1, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'odd' (Mul)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace systole::test
