// IR basics: construction, lookup, topological sort, pruning, freezing inputs, and the
// verifier's error messages.
#include <gtest/gtest.h>

#include "arch/error.hpp"
#include "compiler/ir/graph.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/ir/verify.hpp"

namespace systole::ir {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Graph two_relus() {
  Graph g;
  g.name = "t";
  const ValueId x = g.add_value("x", DType::f32, {2, 3});
  const ValueId y = g.add_value("y");
  const ValueId z = g.add_value("z");
  g.inputs = {x};
  g.outputs = {z};
  g.add_node({"r2", "Relu", {}, {y}, {z}});  // out of order on purpose
  g.add_node({"r1", "Relu", {}, {x}, {y}});
  return g;
}

TEST(FrontendGraph, SortsTopologicallyAndVerifies) {
  Graph g = two_relus();
  EXPECT_NE(error_of([&] { verify(g); }).find("node 'r2' (Relu): input 'y' is not defined before use"), std::string::npos);
  g.sort_topologically();
  EXPECT_EQ(g.nodes[0].name, "r1");
  verify(g);
  infer_shapes(g);
  EXPECT_EQ(g.value(g.at("z")).shape, (Shape{2, 3}));
}

TEST(FrontendGraph, CycleIsAnErrorNamingANode) {
  Graph g = two_relus();
  g.nodes[1].inputs = {g.at("z")};  // r1 reads r2's output
  EXPECT_NE(error_of([&] { g.sort_topologically(); }).find("cycle through node 'r"), std::string::npos);
}

TEST(FrontendGraph, PruneDropsDeadNodesAndValues) {
  Graph g = two_relus();
  g.sort_topologically();
  const ValueId dead = g.add_value("dead");
  g.add_node({"unused", "Relu", {}, {g.at("x")}, {dead}});
  g.add_constant("w", Tensor::scalar(1.f));
  g.prune();
  EXPECT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.find("dead"), kNoValue);
  EXPECT_EQ(g.find("w"), kNoValue);
  EXPECT_NE(g.find("z"), kNoValue);
  verify(g);
}

TEST(FrontendGraph, VerifierErrorsNameTheCulprit) {
  Graph g = two_relus();
  g.sort_topologically();
  g.nodes[0].attrs.set("alpha", 1.f);
  EXPECT_NE(error_of([&] { verify(g); }).find("node 'r1' (Relu): unknown attribute 'alpha'"), std::string::npos);
  g = two_relus();
  g.sort_topologically();
  g.nodes[1].outputs = {g.at("y")};  // y written twice
  EXPECT_NE(error_of([&] { verify(g); }).find("node 'r2' (Relu): output 'y' is already defined"), std::string::npos);
  g = two_relus();
  g.sort_topologically();
  g.nodes[0].op = "Softmax";
  EXPECT_NE(error_of([&] { verify(g); }).find("node 'r1' (Softmax): unsupported op"), std::string::npos);
  EXPECT_NE(error_of([&] { g.add_value("x"); }).find("'x' is defined twice"), std::string::npos);
}

TEST(FrontendGraph, FreezeInputMakesAConstant) {
  Graph g = two_relus();
  g.sort_topologically();
  g.freeze_input(g.at("x"), Tensor::from<float>({2, 3}, {1, -2, 3, -4, 5, -6}));
  EXPECT_TRUE(g.inputs.empty());
  EXPECT_TRUE(g.value(g.at("x")).is_const());
  EXPECT_NE(error_of([&] { g.freeze_input(g.at("y"), Tensor::scalar(1.f)); }).find("'y' is not a graph input"), std::string::npos);
}

TEST(FrontendGraph, ShapeInferenceErrorsNameTheNode) {
  Graph g;
  const ValueId x = g.add_value("x", DType::f32, {1, 3, 8, 8});
  const ValueId w = g.add_constant("w", Tensor(DType::f32, {4, 3, 3}));  // rank 3 weights for a 2-D conv
  const ValueId y = g.add_value("y");
  g.inputs = {x};
  g.outputs = {y};
  g.add_node({"c1", "Conv", {}, {x, w}, {y}});
  EXPECT_NE(error_of([&] { infer_shapes(g); }).find("node 'c1' (Conv): weights rank 3 differs from input rank 4"), std::string::npos);
}

}  // namespace
}  // namespace systole::ir
