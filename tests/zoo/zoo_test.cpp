// Zoo models: registry lookups and errors; for every model the verifier, shape inference, the
// exact torchvision parameter counts and MACs, op counts, determinism per seed, He-normal
// weight statistics, the optimize pipeline (BN folded, activations fused, residuals marked)
// and an ONNX export -> import round trip to an equal graph; ResNet-50 builds fast.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>

#include "arch/error.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/ir/verify.hpp"
#include "compiler/onnx/export.hpp"
#include "compiler/onnx/import.hpp"
#include "onnx/onnx_pb.h"
#include "tests/zoo/graph_diff.hpp"
#include "zoo/builder.hpp"
#include "zoo/stats.hpp"
#include "zoo/zoo.hpp"

namespace systole::zoo {
namespace {

struct Expected {
  std::string name;
  int64_t params, buffers, macs;
  int convs, bns, adds;
};
void PrintTo(const Expected& e, std::ostream* os) { *os << e.name; }  // test names, not a byte dump

// Parameter counts equal torchvision's (sum of p.numel() over model.parameters()).
const std::vector<Expected>& expected() {
  static const std::vector<Expected> e = {
      {"mlp", 265'482, 0, 264'704, 0, 0, 0},
      {"small_cnn", 348'778, 320, 8'488'192, 4, 2, 0},
      {"mobilenet_v2", 3'504'872, 34'112, 300'774'272, 52, 52, 10},
      {"resnet18", 11'689'512, 9'600, 1'814'073'344, 20, 20, 8},
      {"resnet50", 25'557'032, 53'120, 4'089'184'256, 53, 53, 16},
  };
  return e;
}

ir::Graph inferred(const std::string& name, uint64_t seed = 0) {
  ir::Graph g = make_zoo_model(name, seed);
  ir::infer_shapes(g);
  return g;
}

TEST(Zoo, NamesAndLookup) {
  std::vector<std::string> want;
  for (const Expected& e : expected()) want.push_back(e.name);
  EXPECT_EQ(zoo_names(), want);
  ASSERT_NE(find_zoo_model("ResNet-50"), nullptr);
  EXPECT_EQ(find_zoo_model("ResNet-50")->name, "resnet50");
  EXPECT_EQ(find_zoo_model("mobilenetv2")->name, "mobilenet_v2");
  EXPECT_TRUE(is_zoo_model("MLP"));
  EXPECT_FALSE(is_zoo_model("model.onnx"));
  EXPECT_EQ(find_zoo_model("vgg16"), nullptr);
  for (const ZooModel& m : zoo_models()) EXPECT_FALSE(m.description.empty()) << m.name;
}

TEST(Zoo, UnknownNameListsTheKnownOnes) {
  try {
    make_zoo_model("vgg16");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown zoo model 'vgg16'"), std::string::npos) << msg;
    for (const std::string& n : zoo_names()) EXPECT_NE(msg.find(n), std::string::npos) << msg;
  }
}

class ZooModelTest : public ::testing::TestWithParam<Expected> {};

TEST_P(ZooModelTest, VerifiesInfersAndCounts) {
  const Expected& want = GetParam();
  const ZooModel& m = *find_zoo_model(want.name);
  ir::Graph g = make_zoo_model(want.name);
  ASSERT_NO_THROW(ir::verify(g));
  EXPECT_EQ(g.name, want.name);
  ASSERT_EQ(g.inputs.size(), 1u);
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.value(g.inputs[0]).shape, m.input);
  EXPECT_EQ(g.value(g.inputs[0]).dtype, ir::DType::f32);
  EXPECT_EQ(g.value(g.outputs[0]).name, "output");
  EXPECT_FALSE(g.value(g.outputs[0]).shape_known);  // like an imported model: inference does it

  ir::infer_shapes(g);
  ASSERT_NO_THROW(ir::verify(g, {true}));
  EXPECT_EQ(g.value(g.outputs[0]).shape, m.output);
  EXPECT_EQ(g.value(g.outputs[0]).dtype, ir::DType::f32);

  const GraphStats s = graph_stats(g);
  EXPECT_EQ(s.params, want.params);
  EXPECT_EQ(s.buffers, want.buffers);
  EXPECT_EQ(s.macs, want.macs);
  EXPECT_EQ(s.ops.count("Conv") ? s.ops.at("Conv") : 0, want.convs);
  EXPECT_EQ(s.ops.count("BatchNormalization") ? s.ops.at("BatchNormalization") : 0, want.bns);
  EXPECT_EQ(s.ops.count("Add") ? s.ops.at("Add") : 0, want.adds);
}

TEST_P(ZooModelTest, DeterministicPerSeed) {
  const std::string& name = GetParam().name;
  const ir::Graph a = make_zoo_model(name, 7), b = make_zoo_model(name, 7), c = make_zoo_model(name, 8);
  EXPECT_EQ(test::graph_diff(a, b), "");
  const std::string d = test::graph_diff(a, c);
  EXPECT_NE(d.find("constant data differs"), std::string::npos) << d;  // same structure, new weights
  // Every weight tensor changes with the seed, not just the first.
  int same = 0, consts = 0;
  for (const ir::Value& v : a.values)
    if (v.is_const() && v.dtype == ir::DType::f32 && v.data->numel() > 1) {
      ++consts;
      same += *v.data == *c.value(c.at(v.name)).data;
    }
  EXPECT_GT(consts, 0);
  EXPECT_EQ(same, 0);
}

TEST_P(ZooModelTest, WeightsAreHeNormalAndBatchNormIsPlausible) {
  const ir::Graph g = make_zoo_model(GetParam().name);
  for (const ir::Node& n : g.nodes) {
    if (n.op == "Conv" || n.op == "Gemm") {
      const ir::Tensor& w = *g.value(n.inputs[1]).data;
      const int64_t fan_in = w.numel() / w.shape[0];
      if (w.numel() < 20000) continue;  // too few samples for a tight check
      double sum = 0, sq = 0;
      for (int64_t i = 0; i < w.numel(); ++i) {
        sum += w.data<float>()[i];
        sq += double(w.data<float>()[i]) * w.data<float>()[i];
      }
      const double mean = sum / double(w.numel()), sd = std::sqrt(sq / double(w.numel()) - mean * mean);
      EXPECT_NEAR(sd, std::sqrt(2.0 / double(fan_in)), 0.03 * std::sqrt(2.0 / double(fan_in))) << n.label();
      EXPECT_NEAR(mean, 0.0, 0.05 * sd) << n.label();
    } else if (n.op == "BatchNormalization") {
      const ir::Tensor &scale = *g.value(n.inputs[1]).data, &var = *g.value(n.inputs[4]).data;
      for (int64_t i = 0; i < var.numel(); ++i) {
        ASSERT_GE(var.data<float>()[i], 0.5f) << n.label();
        ASSERT_GT(scale.data<float>()[i], 0.f) << n.label();
      }
    }
  }
}

TEST_P(ZooModelTest, OptimizeFoldsBatchNormAndFusesActivations) {
  const Expected& want = GetParam();
  ir::Graph g = inferred(want.name);
  ir::optimize(g);
  int bns = 0, acts = 0, residuals = 0, adds = 0;
  for (const ir::Node& n : g.nodes) {
    bns += n.op == "BatchNormalization";
    acts += n.op == "Relu" || n.op == "Clip";
    adds += n.op == "Add";
    residuals += n.op == "Add" && n.attrs.get_int("residual", 0) == 1;
  }
  EXPECT_EQ(bns, 0);
  EXPECT_EQ(acts, 0);
  EXPECT_EQ(adds, want.adds);
  EXPECT_EQ(residuals, want.adds);
  EXPECT_EQ(g.value(g.outputs[0]).name, "output");
}

TEST_P(ZooModelTest, OnnxExportReimportsToAnEqualGraph) {
  const ir::Graph g = inferred(GetParam().name);
  const ::onnx::ModelProto m = onnx_io::export_model(g);
  EXPECT_EQ(m.graph().node_size(), int(g.nodes.size()));
  ir::Graph back = onnx_io::import_model(m);
  ir::infer_shapes(back);
  EXPECT_EQ(test::graph_diff(g, back), "");
  // And through serialized bytes, as `systole export` writes them.
  ir::Graph from_bytes = onnx_io::import_model_bytes(onnx_io::export_model_bytes(g));
  ir::infer_shapes(from_bytes);
  EXPECT_EQ(test::graph_diff(g, from_bytes), "");
}

INSTANTIATE_TEST_SUITE_P(All, ZooModelTest, ::testing::ValuesIn(expected()),
                         [](const ::testing::TestParamInfo<Expected>& i) { return i.param.name; });

TEST(Zoo, ResNet50BuildsFast) {
  // CPU time, best of three: the machine is shared, wall time measures the neighbours.
  make_zoo_model("mlp");
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    const std::clock_t t0 = std::clock();
    const ir::Graph g = make_zoo_model("resnet50", uint64_t(i));
    best = std::min(best, double(std::clock() - t0) / CLOCKS_PER_SEC);
  }
  RecordProperty("resnet50_build_cpu_ms", int(best * 1000));
  EXPECT_LT(best, 0.5);
}

TEST(Zoo, RngIsReproducibleAndNormal) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next(), b.next());
  std::vector<float> v(400000);
  Rng(1).fill_normal(v.data(), int64_t(v.size()), 1.f, 2.f);
  double sum = 0, sq = 0, m4 = 0;
  int beyond2 = 0, beyond3 = 0;
  for (float x : v) {
    ASSERT_TRUE(std::isfinite(x));
    sum += x;
    sq += double(x) * x;
    const double z = (double(x) - 1.0) / 2.0;
    m4 += z * z * z * z;
    beyond2 += std::fabs(z) > 2;
    beyond3 += std::fabs(z) > 3;
  }
  const double n = double(v.size());
  const double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(sd, 2.0, 0.02);
  EXPECT_NEAR(m4 / n, 3.0, 0.06);                   // normal kurtosis
  EXPECT_NEAR(beyond2 / n, 0.0455, 0.0455 * 0.04);  // two-sided tails of N(0,1)
  EXPECT_NEAR(beyond3 / n, 0.0027, 0.0027 * 0.15);
  EXPECT_NE(stream_seed(0, "conv1.weight"), stream_seed(1, "conv1.weight"));
  EXPECT_NE(stream_seed(0, "conv1.weight"), stream_seed(0, "conv2.weight"));
}

TEST(Zoo, StatsNeedInferredShapes) {
  const ir::Graph g = make_zoo_model("mlp");
  EXPECT_THROW(graph_stats(g), Error);
  EXPECT_EQ(si(25'557'032), "25.6 M");
  EXPECT_EQ(si(4'089'184'256), "4.09 G");
  EXPECT_EQ(si(999), "999");
}

}  // namespace
}  // namespace systole::zoo
