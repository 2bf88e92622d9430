// Imported ONNX models through the network path: the ONNX backend node tests (libonnx-testdata)
// with their weights bound as constants, bit-exact on hls against the integer reference; the
// QLinearConv / QLinearMatMul cases also equal ONNX's stored outputs exactly. And a
// hand-built Q/DQ model (QuantizeLinear / DequantizeLinear around a float Conv), which maps
// onto the same quantized form with the model's own scales.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "../frontend/graph_builder.hpp"
#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "net_test_util.hpp"

namespace systole::test {
namespace {

namespace fs = std::filesystem;

std::string node_dir(const std::string& name) {
#ifdef SYSTOLE_ONNX_TESTDATA
  return std::string(SYSTOLE_ONNX_TESTDATA) + "/node/" + name;
#else
  (void)name;
  return "";
#endif
}

struct NodeCase {
  net::LoadedModel model;
  std::vector<ir::Tensor> inputs;  // the runtime input (input_0)
  std::vector<ir::Tensor> expected;
};

ir::Tensor load_for(const ir::Graph& g, ir::ValueId v, const std::string& path) {
  ir::Tensor t = onnx_io::load_tensor_file(path);
  if (t.dtype == ir::DType::u8 && g.value(v).from_uint8) t = onnx_io::uint8_to_int8(t);
  return t;
}

// Imports the case, binds the inputs that are weights, scales or zero points as constants
// (any input read as operand >= 1 of a Conv/Gemm/MatMul/QLinear* op, or not float / int8 data
// read first), keeps the activations as runtime inputs, optimizes.
NodeCase load_case(const std::string& name) {
  NodeCase c;
  const std::string dir = node_dir(name);
  c.model.graph = onnx_io::import_model_file(dir + "/model.onnx");
  ir::Graph& g = c.model.graph;
  const std::string data = dir + "/test_data_set_0/";
  const std::vector<ir::ValueId> ins = g.inputs;
  std::vector<bool> weight(g.values.size(), false);
  for (const ir::Node& n : g.nodes) {
    const bool linear = n.op == "Conv" || n.op == "Gemm" || n.op == "MatMul" || n.op.rfind("QLinear", 0) == 0;
    for (size_t k = 1; k < n.inputs.size(); ++k)
      if (linear && n.inputs[k] != ir::kNoValue) weight[size_t(n.inputs[k])] = true;
  }
  for (size_t i = 0; i < ins.size(); ++i) {
    ir::Tensor t = load_for(g, ins[i], data + "input_" + std::to_string(i) + ".pb");
    if (i == 0 || !weight[size_t(ins[i])]) c.inputs.push_back(std::move(t));
    else g.freeze_input(ins[i], std::move(t));
  }
  for (size_t i = 0; fs::exists(data + "output_" + std::to_string(i) + ".pb"); ++i)
    c.expected.push_back(load_for(g, g.outputs[i], data + "output_" + std::to_string(i) + ".pb"));
  c.model.prequantized = quant::is_prequantized(g);
  ir::FoldOptions fo;
  fo.keep_dequantize = c.model.prequantized;
  ir::optimize(g, fo);
  return c;
}

class NodeModels : public ::testing::TestWithParam<const char*> {};

TEST_P(NodeModels, BitExactOnHls) {
  if (node_dir("x").empty() || !fs::exists(node_dir(GetParam()))) GTEST_SKIP() << "libonnx-testdata not installed";
  NodeCase c = load_case(GetParam());
  const quant::QGraph q = net::quantize_model(c.model, c.inputs, 2, 3, {});
  const std::vector<std::vector<int8_t>> in = net::network_inputs(q, c.inputs);
  for (const char* config : {"tiny", "default"}) {
    const NetCheck r = run_checked(q, config, net::PlacePolicy::Accel, in);
    if (c.model.prequantized) {  // ONNX's own integer result, exactly
      const quant::QTensor& t = r.net.graph.tensors[size_t(r.net.graph.outputs[0])];
      EXPECT_EQ(r.run.outputs[0], quant::to_nhwc(t, c.expected[0].data<int8_t>())) << config;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Onnx, NodeModels,
                         ::testing::Values("test_basic_conv_with_padding",
                                           "test_basic_conv_without_padding", "test_conv_with_strides_padding",
                                           "test_conv_with_strides_no_padding", "test_conv_with_strides_and_asymmetric_padding",
                                           "test_conv_with_autopad_same", "test_gemm_transposeB", "test_gemm_default_vector_bias",
                                           "test_gemm_alpha", "test_matmul_2d", "test_maxpool_2d_pads",
                                           "test_maxpool_2d_strides", "test_averagepool_2d_pads",
                                           "test_averagepool_2d_pads_count_include_pad", "test_globalaveragepool",
                                           "test_concat_2d_axis_1", "test_add", "test_flatten_axis1", "test_relu",
                                           "test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D"),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param).substr(5); });

// The node tests' QLinear models have asymmetric uint8 weights whose w - zero_point leaves
// int8: the op keeps its weight zero points and is placed on the CPU (even under --place accel)
// with a reason naming the weight zero point; the result equals ONNX's exactly (NodeModels).
TEST(NodeModelsQLinear, AsymmetricWeightsRunOnTheCpuWithTheReason) {
  for (const char* name : {"test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D"}) {
    if (node_dir("x").empty() || !fs::exists(node_dir(name))) GTEST_SKIP() << "libonnx-testdata not installed";
    NodeCase c = load_case(name);
    const quant::QGraph q = net::quantize_model(c.model, c.inputs, 1, 1, {});
    const std::vector<std::vector<int8_t>> in = net::network_inputs(q, c.inputs);
    const NetCheck r = run_checked(q, "tiny", net::PlacePolicy::Accel, in);
    int convs = 0;
    for (size_t k = 0; k < r.net.graph.ops.size(); ++k) {
      const quant::QOp& op = r.net.graph.ops[k];
      if (op.kind != quant::QOpKind::Conv) continue;
      ++convs;
      EXPECT_FALSE(op.weight_zero_point.empty()) << name;
      EXPECT_EQ(r.net.placement[k].where, net::Where::Cpu) << name;
      EXPECT_NE(r.net.placement[k].reason.find("weight zero point"), std::string::npos) << r.net.placement[k].reason;
    }
    EXPECT_EQ(convs, 1) << name;
  }
}

// int8 input -> QLinearConv 3x3 -> MaxPool -> QLinearConv 1x1 -> Flatten -> QLinearMatMul:
// symmetric per-channel weights, int32 bias; the accelerator's result equals the ONNX
// semantics of the reference executor exactly (same float32 multiplier, one rounding).
ir::Graph qlinear_model() {
  GraphBuilder b;
  const ir::ValueId x = b.g.add_value("x", ir::DType::i8, {1, 4, 9, 9});
  b.g.inputs.push_back(x);
  std::mt19937 rng(3);
  auto i8 = [&](const std::string& n, ir::Shape s, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<int8_t> v(static_cast<size_t>(ir::numel(s)), 0);
    for (int8_t& e : v) e = int8_t(d(rng));
    return b.constant(n, ir::Tensor::from<int8_t>(std::move(s), v));
  };
  auto f = [&](const std::string& n, std::vector<float> v) {
    const int64_t k = int64_t(v.size());
    return b.constant(n, k == 1 ? ir::Tensor::scalar(v[0]) : ir::Tensor::from<float>({k}, v));
  };
  auto z = [&](const std::string& n, int8_t v) { return b.constant(n, ir::Tensor::scalar(v)); };
  auto bias = [&](const std::string& n, int64_t k) {
    std::vector<int32_t> v(static_cast<size_t>(k), 0);
    for (int64_t i = 0; i < k; ++i) v[size_t(i)] = int32_t(i * 97) - 300;
    return b.constant(n, ir::Tensor::from<int32_t>({k}, v));
  };
  ir::Attributes p1;
  p1.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  const ir::ValueId c1 = b.node("qc1", "QLinearConv",
                                {x, f("xs", {0.05f}), z("xz", -3), i8("w1", {8, 4, 3, 3}, -127, 127),
                                 f("w1s", {0.01f, 0.02f, 0.013f, 0.007f, 0.011f, 0.03f, 0.004f, 0.017f}), i8("w1z", {8}, 0, 0),
                                 f("y1s", {0.09f}), z("y1z", 5), bias("b1", 8)},
                                p1);
  ir::Attributes mp;
  mp.set("kernel_shape", std::vector<int64_t>{2, 2});
  mp.set("strides", std::vector<int64_t>{2, 2});
  const ir::ValueId pool = b.node("pool", "MaxPool", {c1}, mp);
  const ir::ValueId c2 = b.node("qc2", "QLinearConv",
                                {pool, f("y1s2", {0.09f}), z("y1z2", 5), i8("w2", {6, 8, 1, 1}, -127, 127), f("w2s", {0.02f}),
                                 z("w2z", 0), f("y2s", {0.07f}), z("y2z", -10), bias("b2", 6)});
  const ir::ValueId fl = b.node("flat", "Flatten", {c2});
  b.output(b.node("qmm", "QLinearMatMul", {fl, f("y2s2", {0.07f}), z("y2z2", -10), i8("w3", {6 * 4 * 4, 5}, -127, 127),
                                          f("w3s", {0.01f}), z("w3z", 0), f("y3s", {0.2f}), z("y3z", 1)}));
  return std::move(b.g);
}

TEST(QLinearModel, AcceleratorEqualsOnnxSemanticsExactly) {
  net::LoadedModel m;
  m.graph = qlinear_model();
  m.prequantized = true;
  ir::FoldOptions fo;
  fo.keep_dequantize = true;
  ir::optimize(m.graph, fo);
  const quant::QGraph q = net::quantize_model(m, {}, 1, 1, {});
  EXPECT_FALSE(q.float_input);
  const std::vector<ir::Tensor> in = net::random_inputs(m.graph, 21);
  const std::vector<ir::Tensor> want = ir::run(m.graph, in);
  for (const char* config : {"tiny", "default"}) {
    const NetCheck r = run_checked(q, config, net::PlacePolicy::Accel, net::network_inputs(q, in));
    const quant::QTensor& t = r.net.graph.tensors[size_t(r.net.graph.outputs[0])];
    EXPECT_EQ(r.run.outputs[0], quant::to_nhwc(t, want[0].data<int8_t>())) << config;
    std::set<int8_t> distinct(r.run.outputs[0].begin(), r.run.outputs[0].end());
    EXPECT_GE(distinct.size(), 3u) << "degenerate test data";
  }
}

// input -> Q -> DQ -> Conv(DQ(int8 weights, per-channel scales), float bias) -> Relu -> Q -> DQ
ir::Graph qdq_conv_model() {
  GraphBuilder b;
  ir::Graph& g = b.g;
  const ir::ValueId x = b.input("x", {1, 3, 7, 7});
  auto scalar_f = [&](const std::string& n, float v) { return b.constant(n, ir::Tensor::scalar(v)); };
  auto scalar_i8 = [&](const std::string& n, int8_t v) { return b.constant(n, ir::Tensor::scalar(v)); };
  const ir::ValueId xq = b.node("xq", "QuantizeLinear", {x, scalar_f("xs", 0.02f), scalar_i8("xz", 3)});
  const ir::ValueId xd = b.node("xd", "DequantizeLinear", {xq, scalar_f("xs2", 0.02f), scalar_i8("xz2", 3)});
  std::vector<int8_t> w(5 * 3 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int(i * 37 % 255) - 127);
  const ir::ValueId wq = b.constant("wq", ir::Tensor::from<int8_t>({5, 3, 3, 3}, w));
  const ir::ValueId ws = b.constant("ws", ir::Tensor::from<float>({5}, {0.01f, 0.02f, 0.005f, 0.015f, 0.03f}));
  const ir::ValueId wz = b.constant("wz", ir::Tensor::from<int8_t>({5}, {0, 0, 0, 0, 0}));
  ir::Attributes da;
  da.set("axis", int64_t(0));
  const ir::ValueId wd = b.node("wd", "DequantizeLinear", {wq, ws, wz}, da);
  ir::Attributes ca;
  ca.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  const ir::ValueId y = b.node("conv", "Conv", {xd, wd, b.random_const("bias", {5}, -0.3f, 0.3f)}, ca);
  const ir::ValueId r = b.node("relu", "Relu", {y});
  const ir::ValueId yq = b.node("yq", "QuantizeLinear", {r, scalar_f("ys", 0.05f), scalar_i8("yz", -128)});
  b.output(b.node("yd", "DequantizeLinear", {yq, scalar_f("ys2", 0.05f), scalar_i8("yz2", -128)}));
  (void)g;
  return std::move(b.g);
}

TEST(QdqModel, MapsToOneConvWithTheModelsScales) {
  net::LoadedModel m;
  m.graph = qdq_conv_model();
  m.prequantized = quant::is_prequantized(m.graph);
  ASSERT_TRUE(m.prequantized);
  ir::FoldOptions fo;
  fo.keep_dequantize = true;
  ir::optimize(m.graph, fo);
  const quant::QGraph q = net::quantize_model(m, {}, 1, 1, {});
  ASSERT_EQ(q.ops.size(), 1u);
  const quant::QOp& op = q.ops[0];
  EXPECT_EQ(op.kind, quant::QOpKind::Conv);
  EXPECT_TRUE(q.float_input);
  EXPECT_FLOAT_EQ(float(q.tensors[size_t(q.inputs[0])].q.scale), 0.02f);
  EXPECT_EQ(q.tensors[size_t(q.inputs[0])].q.zero_point, 3);
  EXPECT_FLOAT_EQ(float(q.tensors[size_t(op.output)].q.scale), 0.05f);
  EXPECT_EQ(op.conv.clamp_lo, -128);  // Relu at zero point -128
  EXPECT_EQ(op.conv.a_zero_point, 3);
  // Multiplier of channel 2: 0.02 * 0.005 / 0.05 = 0.002.
  const double m2 = double(0.02f) * double(0.005f) / double(0.05f);
  EXPECT_NEAR(std::ldexp(double(op.conv.mult[2]), -int(op.conv.shift[2])), m2, m2 * 1e-9);

  const std::vector<ir::Tensor> in = net::random_inputs(m.graph, 5);
  const std::vector<std::vector<int8_t>> qin = net::network_inputs(q, in);
  const NetCheck r = run_checked(q, "tiny", net::PlacePolicy::Accel, qin);
  // Within one step of the ONNX Q/DQ semantics (float conv, then one QuantizeLinear rounding).
  const std::vector<ir::Tensor> want = ir::run(m.graph, in);
  const quant::QTensor& t = r.net.graph.tensors[size_t(r.net.graph.outputs[0])];
  const std::vector<float> got = quant::dequantize_output(t, r.run.outputs[0].data());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[0].data<float>()[i], 0.05 * 1.01) << i;
}

}  // namespace
}  // namespace systole::test
