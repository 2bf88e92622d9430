// Zoo models on the float reference executor: outputs have the declared shape, are finite and
// in a sane range, are reproducible, and the optimized graph (BN folded, activations fused,
// residual Adds marked) computes the same logits. Also runs the exported-and-reimported graph.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/onnx/export.hpp"
#include "compiler/onnx/import.hpp"
#include "zoo/builder.hpp"
#include "zoo/zoo.hpp"

namespace systole::zoo {
namespace {

ir::Tensor random_input(const ir::Shape& s, uint64_t seed) {
  ir::Tensor t(ir::DType::f32, s);
  Rng(seed).fill_normal(t.data<float>(), t.numel(), 0.f, 1.f);
  return t;
}

float max_abs(const ir::Tensor& t) {
  float m = 0;
  for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, std::fabs(t.data<float>()[i]));
  return m;
}

float max_diff(const ir::Tensor& a, const ir::Tensor& b) {
  float m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::fabs(a.data<float>()[i] - b.data<float>()[i]));
  return m;
}

class ZooExecTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooExecTest, RunsAndOptimizedGraphAgrees) {
  const ZooModel& m = *find_zoo_model(GetParam());
  ir::Graph g = make_zoo_model(m.name);
  ir::infer_shapes(g);
  const ir::Tensor x = random_input(m.input, 3);
  const ir::Tensor y = ir::run(g, std::vector<ir::Tensor>{x}).at(0);
  ASSERT_EQ(y.shape, m.output);
  for (int64_t i = 0; i < y.numel(); ++i) ASSERT_TRUE(std::isfinite(y.data<float>()[i])) << i;
  const float peak = max_abs(y);
  EXPECT_GT(peak, 0.1f);   // not dead (all-zero ReLUs would give just the bias)
  EXPECT_LT(peak, 100.f);  // not exploding with depth

  // Reproducible, and a different input gives different logits.
  EXPECT_EQ(ir::run(g, std::vector<ir::Tensor>{x}).at(0), y);
  EXPECT_GT(max_diff(ir::run(g, std::vector<ir::Tensor>{random_input(m.input, 4)}).at(0), y), 1e-3f);

  ir::Graph opt = g;
  ir::optimize(opt);
  EXPECT_LT(opt.nodes.size(), g.nodes.size());
  const ir::Tensor yo = ir::run(opt, std::vector<ir::Tensor>{x}).at(0);
  EXPECT_LE(max_diff(yo, y), 1e-4f * peak + 1e-5f);

  ir::Graph back = onnx_io::import_model_bytes(onnx_io::export_model_bytes(opt));
  ir::infer_shapes(back);
  EXPECT_EQ(ir::run(back, std::vector<ir::Tensor>{x}).at(0), yo);
}

// The small models are the ones meant for executor and simulator tests; the ImageNet ones run
// here too because the executor takes well under a second for each.
INSTANTIATE_TEST_SUITE_P(All, ZooExecTest, ::testing::ValuesIn(zoo_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(ZooExec, MlpMatchesHandComputation) {
  // fc1 -> relu -> fc2 -> relu -> fc3 recomputed directly from the weights.
  const ir::Graph g = make_zoo_model("mlp", 5);
  auto w = [&](const std::string& n) { return *g.value(g.at(n)).data; };
  const ir::Tensor x = random_input({1, 256}, 9);
  std::vector<float> h(x.vec<float>());
  for (const char* layer : {"fc1", "fc2", "fc3"}) {
    const ir::Tensor W = w(std::string(layer) + ".weight"), B = w(std::string(layer) + ".bias");
    const int64_t n = W.shape[0], k = W.shape[1];
    std::vector<float> o(size_t(n), 0.f);
    for (int64_t j = 0; j < n; ++j) {
      double acc = B.data<float>()[j];
      for (int64_t i = 0; i < k; ++i) acc += double(W.data<float>()[j * k + i]) * h[size_t(i)];
      o[size_t(j)] = std::string(layer) == "fc3" ? float(acc) : std::max(0.f, float(acc));
    }
    h = o;
  }
  ir::Graph gi = g;
  ir::infer_shapes(gi);
  const ir::Tensor y = ir::run(gi, std::vector<ir::Tensor>{x}).at(0);
  ASSERT_EQ(y.numel(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(y.data<float>()[i], h[size_t(i)], 1e-4f * (1.f + std::fabs(h[size_t(i)])));
}

}  // namespace
}  // namespace systole::zoo
