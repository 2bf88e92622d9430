// Import errors: malformed or unsupported models must throw systole::Error naming the node
// (name and op type) and the reason, never crash. Includes every truncation of real model
// files and deterministic byte corruption.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "arch/error.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "onnx/onnx_pb.h"
#include "tests/frontend/onnx_test_data.hpp"

namespace systole::onnx_io {
namespace {

using ::onnx::TensorProto;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// A float model: x[1,2,4,4] -> Conv(w) -> Relu -> y, opset 13.
::onnx::ModelProto conv_relu() {
  ::onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto value = [](::onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(TensorProto::FLOAT);
    for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  };
  value(g->add_input(), "x", {1, 2, 4, 4});
  value(g->add_output(), "y", {});
  *g->add_initializer() = tensor_to_proto(ir::Tensor(ir::DType::f32, {3, 2, 3, 3}), "w");
  auto* c = g->add_node();
  c->set_name("conv1");
  c->set_op_type("Conv");
  c->add_input("x");
  c->add_input("w");
  c->add_output("c");
  auto* r = g->add_node();
  r->set_name("relu1");
  r->set_op_type("Relu");
  r->add_input("c");
  r->add_output("y");
  return m;
}

ir::Graph import_and_infer(const ::onnx::ModelProto& m) {
  ir::Graph g = import_model(m);
  ir::infer_shapes(g);
  return g;
}

TEST(FrontendMalformed, ValidModelImports) {
  const ir::Graph g = import_and_infer(conv_relu());
  EXPECT_EQ(g.value(g.at("y")).shape, (ir::Shape{1, 3, 2, 2}));
}

TEST(FrontendMalformed, UnknownOpNamesNodeAndOp) {
  auto m = conv_relu();
  m.mutable_graph()->mutable_node(1)->set_op_type("Softmax");
  EXPECT_EQ(error_of([&] { import_model(m); }), "node 'relu1' (Softmax): op type is not supported by the systole front end");
}

TEST(FrontendMalformed, MissingInputOrInitializer) {
  auto m = conv_relu();
  m.mutable_graph()->mutable_node(1)->set_input(0, "nope");
  EXPECT_EQ(error_of([&] { import_model(m); }),
            "node 'relu1' (Relu): input 'nope' is not produced by any node, initializer or graph input");
  m = conv_relu();
  m.mutable_graph()->clear_initializer();  // weights 'w' referenced but absent
  EXPECT_EQ(error_of([&] { import_model(m); }),
            "node 'conv1' (Conv): input 'w' is not produced by any node, initializer or graph input");
  m = conv_relu();
  m.mutable_graph()->mutable_node(0)->clear_input();
  EXPECT_EQ(error_of([&] { import_model(m); }), "node 'conv1' (Conv): has 0 inputs, expected 2 to 3");
}

TEST(FrontendMalformed, WrongRanksAndShapes) {
  auto m = conv_relu();
  *m.mutable_graph()->mutable_initializer(0) = tensor_to_proto(ir::Tensor(ir::DType::f32, {3, 2, 3}), "w");
  EXPECT_EQ(error_of([&] { import_and_infer(m); }), "node 'conv1' (Conv): weights rank 3 differs from input rank 4");
  m = conv_relu();
  *m.mutable_graph()->mutable_initializer(0) = tensor_to_proto(ir::Tensor(ir::DType::f32, {3, 5, 3, 3}), "w");
  EXPECT_EQ(error_of([&] { import_and_infer(m); }), "node 'conv1' (Conv): weights expect 5 input channels, input has 2");
  m = conv_relu();
  *m.mutable_graph()->mutable_initializer(0) = tensor_to_proto(ir::Tensor(ir::DType::f32, {3, 2, 7, 7}), "w");
  EXPECT_NE(error_of([&] { import_and_infer(m); }).find("node 'conv1' (Conv): window extent 7 is larger than the padded input 4"),
            std::string::npos);
}

TEST(FrontendMalformed, BadAttributesAndDomains) {
  auto m = conv_relu();
  auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name("frobnicate");
  a->set_type(::onnx::AttributeProto::INT);
  EXPECT_EQ(error_of([&] { import_model(m); }), "node 'conv1' (Conv): attribute 'frobnicate' is not supported");
  m = conv_relu();
  a = m.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name("auto_pad");
  a->set_type(::onnx::AttributeProto::STRING);
  a->set_s("SIDEWAYS");
  EXPECT_NE(error_of([&] { import_and_infer(m); }).find("node 'conv1' (Conv): auto_pad 'SIDEWAYS' is not one of"), std::string::npos);
  m = conv_relu();
  m.mutable_graph()->mutable_node(1)->set_domain("com.microsoft");
  EXPECT_EQ(error_of([&] { import_model(m); }),
            "node 'relu1' (Relu): operator domain 'com.microsoft' is not supported (only the default ONNX domain)");
  m = conv_relu();
  m.mutable_opset_import(0)->set_version(99);
  EXPECT_EQ(error_of([&] { import_model(m); }), "model uses opset 99, newer than the supported 21");
}

TEST(FrontendMalformed, BadTensorsAndDuplicates) {
  auto m = conv_relu();
  m.mutable_graph()->mutable_initializer(0)->mutable_raw_data()->resize(10);
  EXPECT_EQ(error_of([&] { import_model(m); }), "tensor 'w' has 2 data elements for shape [3,2,3,3] (54 expected)");
  m = conv_relu();
  m.mutable_graph()->mutable_initializer(0)->set_data_type(TensorProto::FLOAT16);
  EXPECT_EQ(error_of([&] { import_model(m); }), "tensor 'w' has element type FLOAT16, not supported (float32, int8, uint8, int32, int64)");
  m = conv_relu();
  m.mutable_graph()->mutable_node(1)->set_output(0, "c");
  EXPECT_EQ(error_of([&] { import_model(m); }), "node 'relu1' (Relu): output 'c' is already defined elsewhere");
  m = conv_relu();
  m.mutable_graph()->mutable_output(0)->set_name("zzz");
  EXPECT_EQ(error_of([&] { import_model(m); }), "graph output 'zzz' is not produced by any node, initializer or input");
}

TEST(FrontendMalformed, CycleIsReported) {
  auto m = conv_relu();
  m.mutable_graph()->mutable_node(0)->set_input(0, "y");  // conv reads relu's output
  EXPECT_NE(error_of([&] { import_model(m); }).find("graph has a cycle through node '"), std::string::npos);
}

TEST(FrontendMalformed, Uint8ArithmeticIsRejectedWithReason) {
  auto m = conv_relu();
  auto* in = m.mutable_graph()->mutable_input(0);
  in->mutable_type()->mutable_tensor_type()->set_elem_type(TensorProto::UINT8);
  EXPECT_NE(error_of([&] { import_model(m); }).find("node 'conv1' (Conv): uint8 input 'x' is not supported here"), std::string::npos);
}

TEST(FrontendMalformed, GarbageAndTruncatedBytesNeverCrash) {
  EXPECT_EQ(error_of([] { import_model_bytes("\xff\xff\xff\xff garbage"); }),
            "not a valid ONNX model: the protobuf data is truncated or corrupt");
  EXPECT_NE(error_of([] { import_model_file("/nonexistent/model.onnx"); }).find("cannot open model file"), std::string::npos);
  std::vector<std::string> models;
  std::string bytes;
  conv_relu().SerializeToString(&bytes);
  models.push_back(bytes);
  const std::string root = test::onnx_testdata_dir();
  for (const char* t : {"node/test_qlinearconv", "node/test_gemm_all_attributes", "pytorch-converted/test_Conv2d_groups"})
    if (!root.empty()) {
      std::ifstream f(root + "/" + t + "/model.onnx", std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      models.push_back(ss.str());
    }
  std::mt19937 rng(7);
  int errors = 0, imported = 0;
  for (const std::string& full : models) {
    auto attempt = [&](const std::string& b) {
      try {
        ir::Graph g = import_model_bytes(b);
        ir::infer_shapes(g);
        ++imported;
      } catch (const Error&) {
        ++errors;  // anything else (std::bad_alloc, out_of_range, a crash) fails the test
      }
    };
    for (size_t len = 0; len < full.size(); ++len) attempt(full.substr(0, len));
    for (int k = 0; k < 300; ++k) {
      std::string b = full;
      for (int flips = 0; flips < 3; ++flips) b[rng() % b.size()] = char(rng());
      attempt(b);
    }
  }
  EXPECT_GT(errors, 0);
  std::printf("truncated/corrupted models: %d rejected with systole::Error, %d still valid\n", errors, imported);
}

}  // namespace
}  // namespace systole::onnx_io
