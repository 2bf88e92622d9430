// Passes on small hand-built graphs: results equal before and after each pass (BN folding,
// bias/activation fusion, constant folding), and the resulting structure (which nodes remain,
// which attributes mark fusions).
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/ir/verify.hpp"
#include "tests/frontend/graph_builder.hpp"

namespace systole::ir {
namespace {

using test::GraphBuilder;

void expect_near(const Tensor& a, const Tensor& b, float tol = 1e-5f) {
  ASSERT_EQ(a.shape, b.shape);
  for (int64_t i = 0; i < a.numel(); ++i)
    ASSERT_NEAR(a.data<float>()[i], b.data<float>()[i], tol * (1 + std::fabs(b.data<float>()[i]))) << "element " << i;
}

// Runs `pass` on a copy of the inferred graph and checks the outputs are unchanged.
template <class Pass>
Graph check_equal(GraphBuilder& b, Pass pass) {
  infer_shapes(b.g);
  verify(b.g, {true});
  std::vector<Tensor> in;
  for (ValueId v : b.g.inputs) in.push_back(b.random(b.g.value(v).shape, -2.f, 2.f));
  const std::vector<Tensor> before = run(b.g, in);
  Graph g = b.g;
  pass(g);
  verify(g, {true});
  const std::vector<Tensor> after = run(g, in);
  for (size_t i = 0; i < before.size(); ++i) expect_near(after[i], before[i]);
  return g;
}

Attributes conv_attrs(int64_t pad) {
  Attributes a;
  a.set("pads", std::vector<int64_t>{pad, pad, pad, pad});
  return a;
}

ValueId batchnorm(GraphBuilder& b, const std::string& name, ValueId x, int64_t c) {
  Attributes a;
  a.set("epsilon", 1e-3f);
  return b.node(name, "BatchNormalization",
                {x, b.random_const(name + "_s", {c}, 0.5f, 2.f), b.random_const(name + "_b", {c}),
                 b.random_const(name + "_m", {c}), b.random_const(name + "_v", {c}, 0.1f, 3.f)},
                a);
}

TEST(FrontendPasses, BatchNormFoldsIntoConv) {
  GraphBuilder b;
  const ValueId x = b.input("x", {2, 3, 6, 6});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {4, 3, 3, 3}), b.random_const("bias", {4})}, conv_attrs(1));
  b.output(batchnorm(b, "bn", c, 4));
  const Graph g = check_equal(b, fold_batchnorm);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op, "Conv");
  EXPECT_EQ(g.value(g.nodes[0].outputs[0]).name, "bn_out");  // the BN's output name survives
}

TEST(FrontendPasses, BatchNormFoldsIntoConvWithoutBiasAndGemmWithTransB) {
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 2, 5, 5});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {3, 2, 1, 1})});
  b.output(batchnorm(b, "bn", c, 3));
  EXPECT_EQ(check_equal(b, fold_batchnorm).nodes.size(), 1u);

  GraphBuilder h;
  const ValueId a = h.input("a", {4, 5});
  Attributes ga;
  ga.set("transB", int64_t(1));
  ga.set("beta", 0.5f);
  const ValueId y = h.node("fc", "Gemm", {a, h.random_const("w", {3, 5}), h.random_const("c", {3})}, ga);
  h.output(batchnorm(h, "bn", y, 3));
  const Graph g = check_equal(h, fold_batchnorm);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].attrs.get_float("beta"), 1.f);
}

TEST(FrontendPasses, BatchNormStaysWhenConvOutputIsShared) {
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 2, 4, 4});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {2, 2, 1, 1})});
  b.output(batchnorm(b, "bn", c, 2));
  b.output(c);
  EXPECT_EQ(check_equal(b, fold_batchnorm).nodes.size(), 2u);
}

TEST(FrontendPasses, BiasAddAndReluFuseIntoConv) {
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 3, 5, 5});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {4, 3, 3, 3})}, conv_attrs(1));
  const ValueId s = b.node("add", "Add", {b.random_const("bias", {1, 4, 1, 1}), c});
  b.output(b.node("relu", "Relu", {s}));
  const Graph g = check_equal(b, fuse_activations);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& n = g.nodes[0];
  EXPECT_EQ(n.inputs.size(), 3u);  // bias input created
  EXPECT_EQ(n.attrs.get_float("clip_min"), 0.f);
  EXPECT_FALSE(n.attrs.has("clip_max"));
  EXPECT_EQ(g.value(n.outputs[0]).name, "relu_out");
}

TEST(FrontendPasses, Relu6ClipFusesIntoGemm) {
  GraphBuilder b;
  const ValueId a = b.input("a", {2, 4});
  const ValueId y = b.node("fc", "Gemm", {a, b.random_const("w", {4, 3}, -3, 3), b.random_const("c", {3})});
  b.output(b.node("clip", "Clip", {y, b.constant("lo", Tensor::scalar(0.f)), b.constant("hi", Tensor::scalar(6.f))}));
  const Graph g = check_equal(b, fuse_activations);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].attrs.get_float("clip_min"), 0.f);
  EXPECT_EQ(g.nodes[0].attrs.get_float("clip_max"), 6.f);
}

TEST(FrontendPasses, NoFusionAcrossASharedOutputOrARuntimeBias) {
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 2, 3, 3});
  const ValueId z = b.input("z", {1, 2, 3, 3});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {2, 2, 1, 1})});
  b.output(b.node("relu", "Relu", {c}));
  b.output(b.node("add", "Add", {c, z}));  // c has two users
  EXPECT_EQ(check_equal(b, fuse_activations).nodes.size(), 3u);
}

TEST(FrontendPasses, ResidualAddIsMarkedAndAbsorbsRelu) {
  // x -> conv1(+relu) -> conv2 ; add(conv2, x) -> relu : the ResNet basic block.
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 4, 6, 6});
  const ValueId c1 = b.node("conv1", "Conv", {x, b.random_const("w1", {4, 4, 3, 3})}, conv_attrs(1));
  const ValueId r1 = b.node("relu1", "Relu", {c1});
  const ValueId c2 = b.node("conv2", "Conv", {r1, b.random_const("w2", {4, 4, 3, 3})}, conv_attrs(1));
  const ValueId s = b.node("add", "Add", {x, c2});
  b.output(b.node("relu2", "Relu", {s}));
  const Graph g = check_equal(b, [](Graph& g) {
    fuse_activations(g);
    EXPECT_EQ(mark_residuals(g), 1);
  });
  ASSERT_EQ(g.nodes.size(), 3u);
  const Node& add = g.nodes[2];
  EXPECT_EQ(add.op, "Add");
  EXPECT_EQ(add.attrs.get_int("residual"), 1);
  EXPECT_EQ(add.attrs.get_int("fuse_into"), 1);  // input 1 is conv2's output
  EXPECT_EQ(add.attrs.get_float("clip_min"), 0.f);
  EXPECT_EQ(g.nodes[0].attrs.get_float("clip_min"), 0.f);  // relu1 fused into conv1
}

TEST(FrontendPasses, ConstantFoldingOfShapeChainsWeightsAndDequantize) {
  GraphBuilder b;
  const ValueId x = b.input("x", {2, 3, 4});
  // Reshape x to [2, 12] with a shape computed from Shape(x): Gather(0) ++ [-1].
  const ValueId shp = b.node("shape", "Shape", {x});
  Attributes ax;
  ax.set("axis", int64_t(0));
  const ValueId n0 = b.node("gather", "Gather", {shp, b.constant("i0", Tensor::scalar<int64_t>(0))}, ax);
  const ValueId n0v = b.node("unsq", "Unsqueeze", {n0, b.constant("ax0", Tensor::from<int64_t>({1}, {0}))});
  const ValueId target = b.node("cat", "Concat", {n0v, b.constant("m1", Tensor::from<int64_t>({1}, {-1}))}, ax);
  const ValueId flat = b.node("reshape", "Reshape", {x, target});
  // Weights stored transposed and int8-quantized: DequantizeLinear then Transpose.
  Tensor wq(DType::i8, {5, 12});
  for (int64_t i = 0; i < wq.numel(); ++i) wq.data<int8_t>()[i] = int8_t(i * 7 % 255 - 127);
  const ValueId wd = b.node("dq", "DequantizeLinear", {b.constant("wq", wq), b.constant("ws", Tensor::scalar(0.02f))});
  Attributes perm;
  perm.set("perm", std::vector<int64_t>{1, 0});
  const ValueId wt = b.node("tr", "Transpose", {wd}, perm);
  b.output(b.node("mm", "MatMul", {flat, wt}));
  const Graph g = check_equal(b, [](Graph& g) { EXPECT_EQ(fold_constants(g), 2); });
  ASSERT_EQ(g.nodes.size(), 2u);  // Reshape (shape folded during inference) and MatMul
  EXPECT_EQ(g.nodes[0].op, "Reshape");
  EXPECT_TRUE(g.value(g.nodes[0].inputs[1]).is_const());

  GraphBuilder k = b;
  infer_shapes(k.g);
  fold_constants(k.g, {/*keep_dequantize=*/true});
  EXPECT_EQ(k.count("DequantizeLinear"), 1);
  EXPECT_EQ(k.count("Transpose"), 1);
}

TEST(FrontendPasses, OptimizeRunsThePipeline) {
  GraphBuilder b;
  const ValueId x = b.input("x", {1, 3, 8, 8});
  const ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {8, 3, 3, 3})}, conv_attrs(1));
  const ValueId n = batchnorm(b, "bn", c, 8);
  const ValueId r = b.node("relu", "Relu", {n});
  const ValueId p = b.node("gap", "GlobalAveragePool", {r});
  const ValueId f = b.node("flat", "Flatten", {p});
  b.output(b.node("fc", "Gemm", {f, b.random_const("fw", {8, 10}), b.random_const("fb", {10})}));
  const Graph g = check_equal(b, [](Graph& g) { optimize(g); });
  std::vector<std::string> ops;
  for (const Node& n : g.nodes) ops.push_back(n.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "GlobalAveragePool", "Flatten", "Gemm"}));
}

}  // namespace
}  // namespace systole::ir
