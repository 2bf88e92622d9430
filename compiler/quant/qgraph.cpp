// The quantized graph's helpers: tensor dims from ONNX shapes, layout conversions at the
// host interface, and a readable dump.
#include "compiler/quant/qgraph.hpp"

#include <fmt/format.h>

#include <cmath>

#include "arch/error.hpp"
#include "arch/requant.hpp"
#include "arch/scale.hpp"

namespace systole::quant {

void set_dims(QTensor& t, const ir::Shape& s, const std::string& what) {
  t.logical = s;
  if (s.size() == 4) t.n = s[0], t.c = s[1], t.h = s[2], t.w = s[3];
  else if (s.size() == 3) t.n = s[0], t.c = s[1], t.h = 1, t.w = s[2];
  else if (s.size() == 2) t.n = s[0], t.c = s[1], t.h = 1, t.w = 1;
  else throw Error(fmt::format("{}: tensor '{}' has shape {}; the network path takes ranks 2 to 4", what, t.name, ir::shape_str(s)));
  for (int64_t d : s)
    if (d <= 0) throw Error(fmt::format("{}: tensor '{}' has an empty shape {}", what, t.name, ir::shape_str(s)));
}

const char* qop_kind_name(QOpKind k) {
  switch (k) {
    case QOpKind::Conv: return "Conv";
    case QOpKind::Add: return "Add";
    case QOpKind::MaxPool: return "MaxPool";
    case QOpKind::AvgPool: return "AvgPool";
    case QOpKind::Concat: return "Concat";
    case QOpKind::Reshape: return "Reshape";
    case QOpKind::Clamp: return "Clamp";
  }
  return "?";
}

Rescale make_rescale(double ratio) {
  const FixedScale f = quantize_scale(ratio);
  Rescale r{f.mult, f.shift};
  if (f.mult == 0) r.shift = 0;
  return r;
}

int QGraph::add_tensor(QTensor t) {
  tensors.push_back(std::move(t));
  return int(tensors.size()) - 1;
}

int QGraph::find(const std::string& nm) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == nm) return int(i);
  return -1;
}

std::string QGraph::dump() const {
  std::string s = fmt::format("qgraph '{}': {} tensors, {} ops\n", name, tensors.size(), ops.size());
  auto tn = [&](int i) {
    const QTensor& t = tensors[size_t(i)];
    return fmt::format("{}[{}x{}x{}x{} s={:.4g} zp={}]", t.name, t.n, t.h, t.w, t.c, t.q.scale, t.q.zero_point);
  };
  for (int i : inputs) s += "  input " + tn(i) + "\n";
  for (const QOp& op : ops) {
    s += fmt::format("  {} {} ({}):", qop_kind_name(op.kind), op.name, op.src_op);
    for (int i : op.inputs) s += " " + tn(i);
    s += " -> " + tn(op.output);
    if (op.kind == QOpKind::Conv) s += " " + op.conv.to_string();
    s += "\n";
  }
  for (int i : outputs) s += "  output " + tn(i) + "\n";
  return s;
}

namespace {
// Index of NHWC element (n, y, x, c) in the logical (NCHW-order) layout.
inline int64_t logical_index(const QTensor& t, int64_t n, int64_t y, int64_t x, int64_t c) {
  return ((n * t.c + c) * t.h + y) * t.w + x;
}
template <class F> void for_each_nhwc(const QTensor& t, F f) {
  int64_t i = 0;
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t y = 0; y < t.h; ++y)
      for (int64_t x = 0; x < t.w; ++x)
        for (int64_t c = 0; c < t.c; ++c) f(i++, logical_index(t, n, y, x, c));
}
}  // namespace

std::vector<int8_t> to_nhwc(const QTensor& t, const int8_t* logical) {
  std::vector<int8_t> out(size_t(t.numel()));
  for_each_nhwc(t, [&](int64_t i, int64_t l) { out[size_t(i)] = logical[l]; });
  return out;
}

std::vector<int8_t> to_logical(const QTensor& t, const int8_t* nhwc) {
  std::vector<int8_t> out(size_t(t.numel()));
  for_each_nhwc(t, [&](int64_t i, int64_t l) { out[size_t(l)] = nhwc[i]; });
  return out;
}

std::vector<int8_t> quantize_input(const QTensor& t, const float* nchw, size_t count) {
  if (int64_t(count) != t.numel())
    throw Error(fmt::format("input '{}': got {} values, the tensor {} has {}", t.name, count, ir::shape_str(t.logical), t.numel()));
  std::vector<int8_t> out(size_t(t.numel()));
  const float s = float(t.q.scale);
  for_each_nhwc(t, [&](int64_t i, int64_t l) {
    const float v = nchw[l] / s;  // float32 division, as QuantizeLinear
    double r = std::nearbyint(double(v));  // round half to even (default rounding mode)
    if (std::isnan(v)) r = 0;
    const double q = std::min(127.0, std::max(-128.0, r + t.q.zero_point));
    out[size_t(i)] = int8_t(q);
  });
  return out;
}

std::vector<float> dequantize_output(const QTensor& t, const int8_t* nhwc) {
  std::vector<float> out(size_t(t.numel()));
  for_each_nhwc(t, [&](int64_t i, int64_t l) { out[size_t(l)] = float((int32_t(nhwc[i]) - t.q.zero_point) * t.q.scale); });
  return out;
}

}  // namespace systole::quant
