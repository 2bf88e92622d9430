// Export: IR -> ONNX -> IR round trips keep results; fused activations come back as ONNX
// Relu/Clip nodes; tensor .pb files round trip; the uint8 mapping helpers are exact.
#include <gtest/gtest.h>

#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/onnx/export.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "onnx/onnx_pb.h"
#include "tests/frontend/graph_builder.hpp"

namespace systole::onnx_io {
namespace {

TEST(FrontendExport, FusedGraphRoundTripsThroughOnnx) {
  test::GraphBuilder b;
  const ir::ValueId x = b.input("x", {1, 3, 6, 6});
  ir::Attributes pads;
  pads.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  const ir::ValueId c = b.node("conv", "Conv", {x, b.random_const("w", {4, 3, 3, 3}), b.random_const("bias", {4})}, pads);
  const ir::ValueId r = b.node("relu6", "Clip", {c, b.constant("lo", ir::Tensor::scalar(0.f)), b.constant("hi", ir::Tensor::scalar(6.f))});
  const ir::ValueId c2 = b.node("conv2", "Conv", {r, b.random_const("w2", {4, 4, 1, 1})});
  const ir::ValueId s = b.node("add", "Add", {c2, r});
  b.output(b.node("relu", "Relu", {s}));
  ir::optimize(b.g);
  ASSERT_EQ(b.g.nodes.size(), 3u);  // conv(+clip), conv2, add(+relu, residual)

  const ::onnx::ModelProto m = export_model(b.g);
  std::vector<std::string> ops;
  for (const auto& n : m.graph().node()) ops.push_back(n.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "Clip", "Conv", "Add", "Relu"}));
  for (const auto& n : m.graph().node())
    for (const auto& a : n.attribute()) EXPECT_NE(a.name(), "residual");

  ir::Graph back = import_model(m);
  ir::infer_shapes(back);
  const ir::Tensor in = b.random({1, 3, 6, 6}, -3, 3);
  const ir::Tensor want = ir::run(b.g, std::vector<ir::Tensor>{in})[0];
  const ir::Tensor got = ir::run(back, std::vector<ir::Tensor>{in})[0];
  EXPECT_EQ(got, want);
}

TEST(FrontendExport, TensorFilesAndUint8Mapping) {
  const ir::Tensor t = ir::Tensor::from<int32_t>({2, 2}, {1, -2, 300000, -7});
  const std::string path = ::testing::TempDir() + "/systole_tensor.pb";
  save_tensor_file(t, "t", path);
  std::string name;
  EXPECT_EQ(load_tensor_file(path, &name), t);
  EXPECT_EQ(name, "t");
  const ir::Tensor u = ir::Tensor::from<uint8_t>({4}, {0, 127, 128, 255});
  EXPECT_EQ(uint8_to_int8(u).vec<int8_t>(), (std::vector<int8_t>{-128, -1, 0, 127}));
  EXPECT_EQ(int8_to_uint8(uint8_to_int8(u)), u);
}

}  // namespace
}  // namespace systole::onnx_io
