// Reference executor details the node tests do not pin down: round-half-to-even ties and
// saturation in QuantizeLinear and QLinearMatMul, per-axis parameters, integer accumulator
// wrapping, fused clip attributes.
#include <gtest/gtest.h>

#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/shape_inference.hpp"

namespace systole::ir {
namespace {

// A one-node graph: runtime input x, constant inputs, output y.
Tensor run1(const std::string& op, const Tensor& x, const std::vector<Tensor>& consts, Attributes attrs = {}) {
  Graph g;
  std::vector<ValueId> in = {g.add_value("x", x.dtype, x.shape)};
  for (size_t i = 0; i < consts.size(); ++i)
    in.push_back(consts[i].numel() || !consts[i].shape.empty() ? g.add_constant("c" + std::to_string(i), consts[i]) : kNoValue);
  const ValueId y = g.add_value("y");
  g.inputs = {in[0]};
  g.outputs = {y};
  g.add_node({"n", op, attrs, in, {y}});
  infer_shapes(g);
  return run(g, std::vector<Tensor>{x})[0];
}

TEST(FrontendExecutor, QuantizeLinearRoundsHalfToEvenAndSaturates) {
  const Tensor x = Tensor::from<float>({8}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1000.f, -1000.f});
  const Tensor y = run1("QuantizeLinear", x, {Tensor::scalar(1.f), Tensor::scalar<int8_t>(0)});
  EXPECT_EQ(y.vec<int8_t>(), (std::vector<int8_t>{0, 2, 2, 0, -2, -2, 127, -128}));
  // uint8 semantics after the mapping: zero point -128 saturates at [0, 255] - 128.
  const Tensor u = run1("QuantizeLinear", Tensor::from<float>({3}, {-1.f, 0.5f, 300.f}), {Tensor::scalar(1.f), Tensor::scalar<int8_t>(-128)});
  EXPECT_EQ(u.vec<int8_t>(), (std::vector<int8_t>{-128, -128, 127}));
}

TEST(FrontendExecutor, QuantizeDequantizePerAxis) {
  const Tensor x = Tensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Attributes a;
  a.set("axis", int64_t(1));
  const Tensor q = run1("QuantizeLinear", x, {Tensor::from<float>({3}, {1, 2, 4}), Tensor::from<int8_t>({3}, {0, 1, -1})}, a);
  // Column c: round(x / s[c]) + z[c]; 5/2 = 2.5 -> 2 (even), 6/4 = 1.5 -> 2.
  EXPECT_EQ(q.vec<int8_t>(), (std::vector<int8_t>{1, 2, 0, 4, 3, 1}));
  const Tensor d = run1("DequantizeLinear", q, {Tensor::from<float>({3}, {1, 2, 4}), Tensor::from<int8_t>({3}, {0, 1, -1})}, a);
  EXPECT_EQ(d.vec<float>(), (std::vector<float>{1, 2, 4, 4, 4, 8}));
}

TEST(FrontendExecutor, QLinearMatMulTiesRoundToEven) {
  // scale 1 * 1 / 2: y = round(acc / 2). acc = a * 1 with b = [[1]].
  const Tensor a = Tensor::from<int8_t>({6, 1}, {1, 3, 5, -1, -3, -5});
  const Tensor y = run1("QLinearMatMul", a,
                        {Tensor::scalar(1.f), Tensor::scalar<int8_t>(0), Tensor::from<int8_t>({1, 1}, {1}), Tensor::scalar(1.f),
                         Tensor::scalar<int8_t>(0), Tensor::scalar(2.f), Tensor::scalar<int8_t>(0)});
  EXPECT_EQ(y.vec<int8_t>(), (std::vector<int8_t>{0, 2, 2, 0, -2, -2}));
}

TEST(FrontendExecutor, MatMulIntegerWrapsLikeTheHardware) {
  // 127 * 127 * K with K = 2^17 overflows int32; the accumulator wraps modulo 2^32.
  const int64_t k = int64_t(1) << 17;
  const Tensor a(DType::i8, {1, k});
  Tensor a1 = a;
  std::fill(a1.bytes.begin(), a1.bytes.end(), uint8_t(127));
  Tensor b(DType::i8, {k, 1});
  std::fill(b.bytes.begin(), b.bytes.end(), uint8_t(127));
  const Tensor y = run1("MatMulInteger", a1, {b});
  EXPECT_EQ(y.data<int32_t>()[0], int32_t(uint32_t(uint64_t(127 * 127) * uint64_t(k))));
}

TEST(FrontendExecutor, FusedClipAttributesClampConvOutput) {
  Attributes a;
  a.set("clip_min", 0.f);
  a.set("clip_max", 6.f);
  const Tensor x = Tensor::from<float>({1, 1, 1, 3}, {-2, 3, 10});
  const Tensor y = run1("Conv", x, {Tensor::from<float>({1, 1, 1, 1}, {1})}, a);
  EXPECT_EQ(y.vec<float>(), (std::vector<float>{0, 3, 6}));
}

}  // namespace
}  // namespace systole::ir
