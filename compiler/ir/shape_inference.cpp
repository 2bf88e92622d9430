// Per-op shape/type rules, following the ONNX operator specs (opset 14 forms).
#include "compiler/ir/shape_inference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/window.hpp"

namespace systole::ir {
namespace {

// Access to one node's operands with checks whose messages name the operand.
struct Ctx {
  Graph& g;
  Node& n;

  bool has(size_t i) const { return n.input(i) != kNoValue; }
  const Value& in(size_t i) const {
    if (!has(i)) throw Error(fmt::format("input {} is required", i));
    const Value& v = g.value(n.inputs[i]);
    if (!v.shape_known) throw Error(fmt::format("input '{}' has no known shape", v.name));
    return v;
  }
  const Shape& shape(size_t i) const { return in(i).shape; }
  int64_t rank(size_t i) const { return int64_t(shape(i).size()); }
  const Tensor& constant(size_t i, const char* why) const {
    const Value& v = in(i);
    if (!v.is_const()) throw Error(fmt::format("input '{}' ({}) must be a constant", v.name, why));
    return *v.data;
  }
  void dtype(size_t i, std::initializer_list<DType> ok) const {
    const Value& v = in(i);
    for (DType t : ok)
      if (v.dtype == t) return;
    std::vector<std::string> names;
    for (DType t : ok) names.push_back(dtype_name(t));
    throw Error(fmt::format("input '{}' is {}, expected {}", v.name, dtype_name(v.dtype), fmt::join(names, " or ")));
  }
  void expect_rank(size_t i, int64_t r) const {
    if (rank(i) != r) throw Error(fmt::format("input '{}' has rank {}, expected {}", in(i).name, rank(i), r));
  }
  // A scale or zero point: a scalar, or a 1-D tensor of `len` elements (per axis / channel).
  void per_axis(size_t i, int64_t len) const {
    if (!has(i)) return;
    const Shape& s = shape(i);
    const bool ok = numel(s) == 1 ? s.size() <= 1 : (s.size() == 1 && s[0] == len);
    if (!ok) throw Error(fmt::format("input '{}' has shape {}, expected a scalar or [{}]", in(i).name, shape_str(s), len));
  }
  void out(size_t i, DType t, Shape s) {
    Value& v = g.value(n.outputs.at(i));
    v.dtype = t;
    v.shape = std::move(s);
    v.shape_known = true;
  }
};

const std::initializer_list<DType> kNumeric = {DType::f32, DType::i32, DType::i64};

// Conv, ConvInteger and QLinearConv share the geometry; x/w/b are operand positions.
void conv(Ctx& c, size_t x, size_t w, size_t b, DType t) {
  const Shape& xs = c.shape(x);
  const Shape& ws = c.shape(w);
  if (xs.size() < 3) throw Error(fmt::format("input '{}' has rank {}, expected N,C,spatial...", c.in(x).name, xs.size()));
  if (ws.size() != xs.size()) throw Error(fmt::format("weights rank {} differs from input rank {}", ws.size(), xs.size()));
  const int64_t group = c.n.attrs.get_int("group", 1);
  if (group < 1 || xs[1] % group || ws[0] % group) throw Error(fmt::format("group {} does not divide the channels", group));
  if (ws[1] * group != xs[1])
    throw Error(fmt::format("weights expect {} input channels, input has {}", ws[1] * group, xs[1]));
  if (c.has(b) && c.shape(b) != Shape{ws[0]})
    throw Error(fmt::format("bias has shape {}, expected [{}]", shape_str(c.shape(b)), ws[0]));
  std::vector<int64_t> out;
  canonicalize_window(c.n, Shape(xs.begin() + 2, xs.end()), Shape(ws.begin() + 2, ws.end()), false, out);
  c.n.attrs.set("group", group);
  Shape ys = {xs[0], ws[0]};
  ys.insert(ys.end(), out.begin(), out.end());
  c.out(0, t, ys);
}

// Numpy matmul shapes: 1-D operands are promoted and the promoted dim removed afterwards.
Shape matmul_shape(Shape a, Shape b) {
  if (a.empty() || b.empty()) throw Error("MatMul operands must not be scalars");
  const bool va = a.size() == 1, vb = b.size() == 1;
  if (va) a.insert(a.begin(), 1);
  if (vb) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), k2 = b[b.size() - 2], n = b.back();
  if (k != k2) throw Error(fmt::format("inner dimensions differ: {} vs {}", k, k2));
  Shape batch = broadcast_shapes(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!va) batch.push_back(m);
  if (!vb) batch.push_back(n);
  return batch;
}

void pool(Ctx& c, bool is_max) {
  const Shape& xs = c.shape(0);
  if (xs.size() < 3) throw Error(fmt::format("input has rank {}, expected N,C,spatial...", xs.size()));
  if (is_max && c.n.attrs.get_int("storage_order", 0) != 0) throw Error("storage_order=1 is not supported");
  std::vector<int64_t> out;
  canonicalize_window(c.n, Shape(xs.begin() + 2, xs.end()), c.n.attrs.get_ints("kernel_shape"), true, out);
  Shape ys = {xs[0], xs[1]};
  ys.insert(ys.end(), out.begin(), out.end());
  c.out(0, c.in(0).dtype, ys);
}

Shape reshape(const Shape& in, const std::vector<int64_t>& spec, bool allowzero) {
  Shape out;
  int64_t infer = -1, known = 1;
  for (size_t i = 0; i < spec.size(); ++i) {
    int64_t d = spec[i];
    if (d == 0 && !allowzero) {
      if (i >= in.size()) throw Error(fmt::format("shape entry {} is 0 but the input has rank {}", i, in.size()));
      d = in[i];
    }
    if (d == -1) {
      if (infer >= 0) throw Error("shape has more than one -1");
      infer = int64_t(i);
      d = 1;
    } else if (d < 0) {
      throw Error(fmt::format("shape entry {} is {}", i, d));
    }
    out.push_back(d);
    known *= d;
  }
  if (infer >= 0) {
    if (known == 0 || numel(in) % known) throw Error(fmt::format("cannot reshape {} to [{}]", shape_str(in), fmt::join(spec, ",")));
    out[size_t(infer)] = numel(in) / known;
  }
  if (numel(out) != numel(in)) throw Error(fmt::format("cannot reshape {} to {}", shape_str(in), shape_str(out)));
  return out;
}

std::vector<int64_t> axes_of(Ctx& c, size_t i, int64_t rank) {
  std::vector<int64_t> axes = c.constant(i, "axes").to_i64();
  for (int64_t& a : axes) a = normalize_axis(a, rank);
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) throw Error("axes has duplicates");
  return axes;
}

DType dtype_from_onnx(int64_t to) {
  switch (to) {
    case 1: return DType::f32;
    case 3: return DType::i8;
    case 6: return DType::i32;
    case 7: return DType::i64;
    default: throw Error(fmt::format("Cast to ONNX type {} is not supported", to));
  }
}

void infer_node(Ctx& c) {
  const std::string& op = c.n.op;
  const DType f = DType::f32, i8 = DType::i8, i32 = DType::i32, i64 = DType::i64;
  if (op == "Conv") {
    for (size_t i = 0; i < 3; ++i) if (c.has(i)) c.dtype(i, {f});
    conv(c, 0, 1, 2, f);
  } else if (op == "ConvInteger") {
    c.dtype(0, {i8});
    c.dtype(1, {i8});
    if (c.has(2)) { c.dtype(2, {i8}); c.per_axis(2, 1); }
    if (c.has(3)) { c.dtype(3, {i8}); c.per_axis(3, c.shape(1)[0]); }
    conv(c, 0, 1, kNoValue, i32);
  } else if (op == "QLinearConv") {
    for (size_t i : {0, 2, 3, 5, 7}) c.dtype(i, {i8});
    for (size_t i : {1, 4, 6}) c.dtype(i, {f});
    if (c.has(8)) c.dtype(8, {i32});
    for (size_t i : {1, 2, 6, 7}) c.per_axis(i, 1);
    c.per_axis(4, c.shape(3).at(0));
    c.per_axis(5, c.shape(3).at(0));
    conv(c, 0, 3, 8, i8);
  } else if (op == "Gemm") {
    for (size_t i = 0; i < 3; ++i) if (c.has(i)) c.dtype(i, {f});
    c.expect_rank(0, 2);
    c.expect_rank(1, 2);
    const bool ta = c.n.attrs.get_int("transA", 0), tb = c.n.attrs.get_int("transB", 0);
    const int64_t m = c.shape(0)[ta ? 1 : 0], k = c.shape(0)[ta ? 0 : 1];
    const int64_t k2 = c.shape(1)[tb ? 1 : 0], n = c.shape(1)[tb ? 0 : 1];
    if (k != k2) throw Error(fmt::format("inner dimensions differ: {} vs {}", k, k2));
    if (c.has(2) && broadcast_shapes(c.shape(2), {m, n}) != Shape{m, n})
      throw Error(fmt::format("C has shape {}, not broadcastable to [{},{}]", shape_str(c.shape(2)), m, n));
    c.out(0, f, {m, n});
  } else if (op == "MatMul") {
    c.dtype(0, {f});
    c.dtype(1, {f});
    c.out(0, f, matmul_shape(c.shape(0), c.shape(1)));
  } else if (op == "MatMulInteger" || op == "QLinearMatMul") {
    const bool q = op == "QLinearMatMul";
    const size_t b = q ? 3 : 1;
    c.dtype(0, {i8});
    c.dtype(b, {i8});
    if (c.rank(0) < 2 || c.rank(b) < 2) throw Error("quantized MatMul operands must have rank >= 2");
    const Shape y = matmul_shape(c.shape(0), c.shape(b));
    const int64_t m = c.shape(0)[size_t(c.rank(0) - 2)], n = c.shape(b).back();
    const size_t az = q ? 2 : 2, bz = q ? 5 : 3;
    if (c.has(az)) { c.dtype(az, {i8}); c.per_axis(az, m); }
    if (c.has(bz)) { c.dtype(bz, {i8}); c.per_axis(bz, n); }
    if (q) {
      c.dtype(1, {f}); c.per_axis(1, m);
      c.dtype(4, {f}); c.per_axis(4, n);
      c.dtype(6, {f}); c.per_axis(6, 1);
      c.dtype(7, {i8}); c.per_axis(7, 1);
    }
    c.out(0, q ? i8 : i32, y);
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    c.dtype(0, kNumeric);
    if (c.in(1).dtype != c.in(0).dtype)
      throw Error(fmt::format("operands are {} and {}", dtype_name(c.in(0).dtype), dtype_name(c.in(1).dtype)));
    c.out(0, c.in(0).dtype, broadcast_shapes(c.shape(0), c.shape(1)));
  } else if (op == "Relu" || op == "Identity") {
    if (op == "Relu") c.dtype(0, {f, i8, i32});
    c.out(0, c.in(0).dtype, c.shape(0));
  } else if (op == "Clip") {
    c.dtype(0, {f, i8, i32});
    for (size_t i : {1, 2})
      if (c.has(i)) {
        if (c.in(i).dtype != c.in(0).dtype || numel(c.shape(i)) != 1) throw Error("min and max must be scalars of the input type");
      }
    c.out(0, c.in(0).dtype, c.shape(0));
  } else if (op == "MaxPool") {
    c.dtype(0, {f, i8});
    pool(c, true);
  } else if (op == "AveragePool") {
    c.dtype(0, {f});
    pool(c, false);
  } else if (op == "GlobalAveragePool") {
    c.dtype(0, {f});
    if (c.rank(0) < 3) throw Error("input must be N,C,spatial...");
    Shape s = c.shape(0);
    std::fill(s.begin() + 2, s.end(), 1);
    c.out(0, f, s);
  } else if (op == "Flatten") {
    const Shape& s = c.shape(0);
    const int64_t axis = normalize_axis(c.n.attrs.get_int("axis", 1), int64_t(s.size()), true);
    c.out(0, c.in(0).dtype, {numel(Shape(s.begin(), s.begin() + axis)), numel(Shape(s.begin() + axis, s.end()))});
  } else if (op == "Reshape") {
    c.dtype(1, {i64});
    c.expect_rank(1, 1);
    c.out(0, c.in(0).dtype, reshape(c.shape(0), c.constant(1, "target shape").to_i64(), c.n.attrs.get_int("allowzero", 0)));
  } else if (op == "Concat") {
    Shape s = c.shape(0);
    const int64_t axis = normalize_axis(c.n.attrs.get_int("axis"), int64_t(s.size()));
    for (size_t i = 1; i < c.n.inputs.size(); ++i) {
      const Shape& t = c.shape(i);
      if (c.in(i).dtype != c.in(0).dtype) throw Error(fmt::format("input '{}' has a different dtype", c.in(i).name));
      bool ok = t.size() == s.size();
      for (size_t d = 0; ok && d < s.size(); ++d) ok = int64_t(d) == axis || t[d] == s[d];
      if (!ok) throw Error(fmt::format("input '{}' shape {} does not match {} outside axis {}", c.in(i).name, shape_str(t), shape_str(s), axis));
      s[size_t(axis)] += t[size_t(axis)];
    }
    c.n.attrs.set("axis", axis);
    c.out(0, c.in(0).dtype, s);
  } else if (op == "BatchNormalization") {
    if (c.n.attrs.get_int("training_mode", 0)) throw Error("training_mode=1 is not supported (inference only)");
    for (size_t i = 0; i < 5; ++i) c.dtype(i, {f});
    if (c.rank(0) < 2) throw Error("input must be N,C,...");
    for (size_t i = 1; i < 5; ++i)
      if (c.shape(i) != Shape{c.shape(0)[1]})
        throw Error(fmt::format("input '{}' has shape {}, expected [{}]", c.in(i).name, shape_str(c.shape(i)), c.shape(0)[1]));
    c.out(0, f, c.shape(0));
  } else if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    const bool q = op == "QuantizeLinear";
    c.dtype(0, q ? std::initializer_list<DType>{f, i32} : std::initializer_list<DType>{i8, i32});
    c.dtype(1, {f});
    if (q && !c.has(2)) throw Error("the IR needs an explicit zero point (the importer adds ONNX's uint8 default)");
    if (c.has(2)) c.dtype(2, {i8, i32});
    if (c.has(2) && (c.in(2).dtype != (q ? i8 : c.in(0).dtype))) throw Error("zero point dtype does not match the quantized data");
    if (numel(c.shape(1)) != 1) {
      const int64_t axis = normalize_axis(c.n.attrs.get_int("axis", 1), c.rank(0));
      c.per_axis(1, c.shape(0)[size_t(axis)]);
      c.per_axis(2, c.shape(0)[size_t(axis)]);
    } else {
      c.per_axis(2, 1);
    }
    c.out(0, q ? c.in(2).dtype : f, c.shape(0));
  } else if (op == "Transpose") {
    const int64_t r = c.rank(0);
    std::vector<int64_t> perm(static_cast<size_t>(r));
    for (int64_t i = 0; i < r; ++i) perm[size_t(i)] = r - 1 - i;
    perm = c.n.attrs.get_ints("perm", perm);
    std::vector<int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < int64_t(sorted.size()); ++i)
      if (sorted[size_t(i)] != i || int64_t(perm.size()) != r) throw Error(fmt::format("perm [{}] is not a permutation of rank {}", fmt::join(perm, ","), r));
    Shape s;
    for (int64_t p : perm) s.push_back(c.shape(0)[size_t(p)]);
    c.n.attrs.set("perm", perm);
    c.out(0, c.in(0).dtype, s);
  } else if (op == "Shape") {
    c.out(0, i64, {c.rank(0)});
  } else if (op == "Gather") {
    c.dtype(1, {i32, i64});
    const Shape& d = c.shape(0);
    const int64_t axis = normalize_axis(c.n.attrs.get_int("axis", 0), int64_t(d.size()));
    Shape s(d.begin(), d.begin() + axis);
    s.insert(s.end(), c.shape(1).begin(), c.shape(1).end());
    s.insert(s.end(), d.begin() + axis + 1, d.end());
    c.n.attrs.set("axis", axis);
    c.out(0, c.in(0).dtype, s);
  } else if (op == "Unsqueeze") {
    const Shape& d = c.shape(0);
    const std::vector<int64_t> axes = axes_of(c, 1, int64_t(d.size()) + int64_t(numel(c.shape(1))));
    Shape s;
    size_t j = 0;
    for (int64_t i = 0; i < int64_t(d.size() + axes.size()); ++i)
      s.push_back(std::binary_search(axes.begin(), axes.end(), i) ? 1 : d[j++]);
    c.out(0, c.in(0).dtype, s);
  } else if (op == "Squeeze") {
    const Shape& d = c.shape(0);
    std::vector<int64_t> axes;
    if (c.has(1)) axes = axes_of(c, 1, int64_t(d.size()));
    Shape s;
    for (int64_t i = 0; i < int64_t(d.size()); ++i) {
      const bool listed = std::binary_search(axes.begin(), axes.end(), i);
      if (listed && d[size_t(i)] != 1) throw Error(fmt::format("cannot squeeze axis {} of size {}", i, d[size_t(i)]));
      if (!(listed || (axes.empty() && d[size_t(i)] == 1))) s.push_back(d[size_t(i)]);
    }
    c.out(0, c.in(0).dtype, s);
  } else if (op == "Cast") {
    c.out(0, dtype_from_onnx(c.n.attrs.get_int("to")), c.shape(0));
  } else {
    throw Error("unsupported op");
  }
}

// Shape arithmetic worth folding during inference: small int64 results from constants.
bool fold_now(const Graph& g, const Node& n) {
  if (n.op == "Shape") return true;
  static const char* ops[] = {"Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Reshape", "Add", "Sub", "Mul", "Div", "Identity", "Flatten"};
  if (std::none_of(std::begin(ops), std::end(ops), [&](const char* o) { return n.op == o; })) return false;
  if (g.value(n.outputs[0]).dtype != DType::i64) return false;
  return std::all_of(n.inputs.begin(), n.inputs.end(), [&](ValueId v) { return v == kNoValue || g.value(v).is_const(); });
}

}  // namespace

void infer_shapes(Graph& g) {
  for (ValueId v : g.inputs)
    if (!g.value(v).shape_known) throw Error(fmt::format("graph input '{}' has no shape", g.value(v).name));
  std::vector<bool> folded(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    try {
      Ctx c{g, n};
      infer_node(c);
      if (fold_now(g, n)) {
        std::vector<const Tensor*> in;
        for (ValueId v : n.inputs) in.push_back(v == kNoValue ? nullptr : (g.value(v).is_const() ? &*g.value(v).data : nullptr));
        std::vector<Tensor> out = run_node(g, n, in);
        for (size_t k = 0; k < out.size(); ++k) g.value(n.outputs[k]).data = std::move(out[k]);
        folded[i] = true;
      }
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", n.label(), e.what()));
    }
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!folded[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
}

}  // namespace systole::ir
