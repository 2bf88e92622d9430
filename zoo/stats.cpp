// Parameter and MAC counting over an inferred graph.
#include "zoo/stats.hpp"

#include <fmt/format.h>

#include <cmath>

#include "arch/error.hpp"

namespace systole::zoo {

GraphStats graph_stats(const ir::Graph& g) {
  GraphStats s;
  auto elems = [&](ir::ValueId v) -> int64_t {
    if (v == ir::kNoValue) return 0;
    const ir::Value& x = g.value(v);
    return x.is_const() && x.dtype == ir::DType::f32 ? x.data->numel() : 0;
  };
  auto out_shape = [&](const ir::Node& n) -> const ir::Shape& {
    const ir::Value& o = g.value(n.outputs.at(0));
    if (!o.shape_known) throw Error(fmt::format("{}: output shape unknown (run infer_shapes first)", n.label()));
    return o.shape;
  };
  auto in_shape = [&](const ir::Node& n, size_t i) -> const ir::Shape& { return g.value(n.inputs.at(i)).shape; };
  for (const ir::Node& n : g.nodes) {
    ++s.ops[n.op];
    const std::string& op = n.op;
    if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv") {
      const ir::Shape& w = in_shape(n, op == "QLinearConv" ? 3 : 1);
      int64_t per_out = 1;
      for (size_t i = 1; i < w.size(); ++i) per_out *= w[i];
      s.macs += ir::numel(out_shape(n)) * per_out;
    } else if (op == "Gemm") {
      const ir::Shape& a = in_shape(n, 0);
      s.macs += ir::numel(out_shape(n)) * (n.attrs.get_int("transA", 0) ? a.at(0) : a.at(1));
    } else if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul") {
      const ir::Shape& a = in_shape(n, 0);
      s.macs += ir::numel(out_shape(n)) * a.back();
    }
    static const char* weighted[] = {"Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div"};
    for (const char* w : weighted)
      if (op == w)
        for (ir::ValueId v : n.inputs) s.params += elems(v);
    if (op == "BatchNormalization") {
      s.params += elems(n.input(1)) + elems(n.input(2));
      s.buffers += elems(n.input(3)) + elems(n.input(4));
    }
  }
  return s;
}

std::string si(int64_t n) {
  const double x = double(n);
  if (x >= 1e9) return fmt::format("{:.3g} G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.3g} M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.3g} k", x / 1e3);
  return fmt::format("{}", n);
}

}  // namespace systole::zoo
