// Model loading, seeded inputs, quantization dispatch (see pipeline.hpp).
#include "compiler/net/pipeline.hpp"

#include <fmt/format.h>

#include <chrono>
#include <random>

#include "arch/error.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/onnx/import.hpp"
#include "zoo/zoo.hpp"

namespace systole::net {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}
}  // namespace

LoadedModel load_model(const std::string& name, uint64_t weight_seed) {
  LoadedModel m;
  auto t0 = std::chrono::steady_clock::now();
  if (ends_with(name, ".onnx")) {
    m.graph = onnx_io::import_model_file(name);
    m.source = name;
  } else if (zoo::is_zoo_model(name)) {
    m.graph = zoo::make_zoo_model(name, weight_seed);
    m.source = "zoo:" + zoo::find_zoo_model(name)->name;
  } else {
    std::string names;
    for (const std::string& n : zoo::zoo_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error(fmt::format("model '{}' is neither an .onnx file nor a zoo model ({})", name, names));
  }
  m.load_seconds = since(t0);
  t0 = std::chrono::steady_clock::now();
  m.prequantized = quant::is_prequantized(m.graph);
  ir::FoldOptions fo;
  fo.keep_dequantize = m.prequantized;
  try {
    ir::optimize(m.graph, fo);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", m.source, e.what()));
  }
  m.optimize_seconds = since(t0);
  return m;
}

std::vector<ir::Tensor> random_inputs(const ir::Graph& g, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ir::Tensor> out;
  for (ir::ValueId v : g.inputs) {
    const ir::Value& val = g.value(v);
    ir::Tensor t(val.dtype, val.shape);
    if (val.dtype == ir::DType::f32) {
      std::normal_distribution<float> d(0.f, 1.f);
      for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
    } else if (val.dtype == ir::DType::i8) {
      std::uniform_int_distribution<int> d(-128, 127);
      for (int64_t i = 0; i < t.numel(); ++i) t.data<int8_t>()[i] = int8_t(d(rng));
    } else {
      throw Error(fmt::format("input '{}' is {}: random inputs are float or int8", val.name, ir::dtype_name(val.dtype)));
    }
    out.push_back(std::move(t));
  }
  return out;
}

quant::QGraph quantize_model(const LoadedModel& m, const std::vector<ir::Tensor>& first, int samples, uint64_t seed,
                             const quant::QuantizeOptions& opt, QuantizeStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  QuantizeStats st;
  quant::QGraph q;
  if (m.prequantized) {
    q = quant::import_quantized(m.graph);
  } else {
    std::vector<std::vector<ir::Tensor>> calib;
    if (!first.empty()) calib.push_back(first);
    for (uint64_t i = 1; int(calib.size()) < std::max(samples, 1); ++i) calib.push_back(random_inputs(m.graph, seed + 1000003 * i));
    st.samples = int(calib.size());
    q = quant::quantize_float(m.graph, calib, opt);
  }
  st.quantize_seconds = since(t0);
  if (stats) *stats = st;
  return q;
}

std::vector<std::vector<int8_t>> network_inputs(const quant::QGraph& q, const std::vector<ir::Tensor>& in) {
  if (in.size() != q.inputs.size()) throw Error(fmt::format("the network takes {} inputs, got {}", q.inputs.size(), in.size()));
  std::vector<std::vector<int8_t>> out;
  for (size_t i = 0; i < in.size(); ++i) {
    const quant::QTensor& t = q.tensors[size_t(q.inputs[i])];
    if (in[i].numel() != t.numel())
      throw Error(fmt::format("input '{}': {} values given, the tensor {} has {}", t.name, in[i].numel(), ir::shape_str(t.logical), t.numel()));
    if (in[i].dtype == ir::DType::f32) out.push_back(quant::quantize_input(t, in[i].data<float>(), size_t(in[i].numel())));
    else if (in[i].dtype == ir::DType::i8) out.push_back(quant::to_nhwc(t, in[i].data<int8_t>()));
    else throw Error(fmt::format("input '{}' is {}; expected float32 or int8", t.name, ir::dtype_name(in[i].dtype)));
  }
  return out;
}

}  // namespace systole::net
