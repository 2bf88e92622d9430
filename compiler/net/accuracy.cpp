// Data-set accuracy through the network pipeline (see accuracy.hpp).
#include "compiler/net/accuracy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/net/codegen.hpp"
#include "compiler/net/pipeline.hpp"
#include "compiler/net/runtime.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "compiler/quant/reference.hpp"
#include "driver/device.hpp"

namespace systole::net {

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// An .onnx file with its symbolic batch dimension bound to `batch`, optimized like
// load_model; zoo names through load_model (their batch is fixed).
LoadedModel load_batched(const std::string& name, int batch) {
  if (name.size() < 5 || name.compare(name.size() - 5, 5, ".onnx") != 0) return load_model(name);
  LoadedModel m;
  m.source = name;
  onnx_io::ImportOptions io;
  io.symbolic_dim = batch;
  m.graph = onnx_io::import_model_file(name, io);
  m.prequantized = quant::is_prequantized(m.graph);
  ir::FoldOptions fo;
  fo.keep_dequantize = m.prequantized;
  try {
    ir::optimize(m.graph, fo);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", name, e.what()));
  }
  return m;
}

// Rows [first, first + rows) of `src` (cycled: row i is src row i mod N) as one tensor of
// `shape` (the model input's, whose dim 0 is `rows`).
ir::Tensor gather_rows(const ir::Tensor& src, int64_t first, int64_t rows, const ir::Shape& shape, int64_t wrap_at) {
  ir::Tensor t(src.dtype, shape);
  const size_t row_bytes = src.bytes.size() / size_t(src.shape[0]);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t s = std::min(first + r, wrap_at - 1);  // past the end: repeat the last sample
    std::memcpy(t.bytes.data() + size_t(r) * row_bytes, src.bytes.data() + size_t(s) * row_bytes, row_bytes);
  }
  return t;
}

// Checks that `t` is [N, input dims 1..] of the input's dtype (uint8 mapped for uint8 inputs).
ir::Tensor check_samples(ir::Tensor t, const ir::Value& in, const char* what) {
  if (t.dtype == ir::DType::u8 && in.from_uint8) t = onnx_io::uint8_to_int8(t);
  const ir::Shape want(in.shape.begin() + 1, in.shape.end());
  if (t.rank() != int64_t(in.shape.size()) || ir::Shape(t.shape.begin() + 1, t.shape.end()) != want || t.shape[0] < 1 ||
      t.dtype != in.dtype)
    throw Error(fmt::format("{} is {} {}; the model's input '{}' takes {} [N,{}]", what, ir::dtype_name(t.dtype),
                            ir::shape_str(t.shape), in.name, ir::dtype_name(in.dtype), fmt::join(want, ",")));
  return t;
}

int64_t argmax(const ir::Tensor& t, int64_t first, int64_t count) {
  int64_t best = 0;
  for (int64_t k = 1; k < count; ++k)
    if (t.get_f64(first + k) > t.get_f64(first + best)) best = k;
  return best;
}

}  // namespace

AccuracyReport evaluate_accuracy(const std::string& model, const ir::Tensor& data_in, const ir::Tensor& labels,
                                 const ir::Tensor* calib_in, const AccuracyOptions& opt) {
  const auto t_all = std::chrono::steady_clock::now();
  if (opt.batch < 1) throw Error(fmt::format("batch size {} must be at least 1", opt.batch));
  AccuracyReport r;
  r.model = model, r.backend = opt.backend;
  const Config cfg = load_config(opt.config);
  r.config = cfg.name;

  auto t0 = std::chrono::steady_clock::now();
  const LoadedModel m = load_batched(model, opt.batch);
  r.prequantized = m.prequantized;
  if (m.graph.inputs.size() != 1 || m.graph.outputs.empty())
    throw Error(fmt::format("{}: accuracy needs a model with one input, it has {}", model, m.graph.inputs.size()));
  const ir::Value& in = m.graph.value(m.graph.inputs[0]);
  if (in.shape.empty()) throw Error(fmt::format("{}: input '{}' is a scalar; samples need a batch dimension", model, in.name));
  const ir::Tensor data = check_samples(data_in, in, "the data");
  const int64_t B = in.shape[0], N = data.shape[0];
  if (labels.numel() != N || (labels.dtype != ir::DType::i64 && labels.dtype != ir::DType::i32 && labels.dtype != ir::DType::i8 &&
                              labels.dtype != ir::DType::u8))
    throw Error(fmt::format("the labels are {} {}; expected {} integer class indices", ir::dtype_name(labels.dtype),
                            ir::shape_str(labels.shape), N));
  r.samples = int(N), r.batch = int(B);
  for (int64_t i = 0; i < N; ++i) r.labels.push_back(labels.get_i64(i));
  r.load_seconds = since(t0);

  // Quantize: calibration samples cycled into batches of B (min/max ranges are unchanged by
  // the repetition).
  t0 = std::chrono::steady_clock::now();
  quant::QGraph q;
  if (m.prequantized) {
    q = quant::import_quantized(m.graph);
  } else {
    const ir::Tensor calib = calib_in ? check_samples(*calib_in, in, "the calibration data") : data;
    const int64_t M = calib_in ? calib.shape[0] : std::min<int64_t>(N, std::max(1, opt.calib_samples));
    r.calib_samples = int(M), r.calib_from_data = calib_in == nullptr;
    std::vector<std::vector<ir::Tensor>> samples;
    for (int64_t first = 0; first < M; first += B) {
      ir::Tensor t(calib.dtype, in.shape);
      for (int64_t k = 0; k < B; ++k)
        std::memcpy(t.bytes.data() + size_t(k) * (t.bytes.size() / size_t(B)),
                    calib.bytes.data() + size_t((first + k) % M) * (calib.bytes.size() / size_t(calib.shape[0])),
                    t.bytes.size() / size_t(B));
      samples.push_back({std::move(t)});
    }
    q = quant::quantize_float(m.graph, samples, opt.quant);
  }
  r.quantize_seconds = since(t0);

  t0 = std::chrono::steady_clock::now();
  CompileOptions co;
  co.place.policy = opt.place;
  const CompiledNet cn = compile_network(std::move(q), cfg, co);
  const quant::QGraph& g = cn.graph;
  for (const Placement& p : cn.placement) (p.where == Where::Accel ? r.accel_ops : r.cpu_ops) += p.where != Where::Free;
  r.compile_seconds = since(t0);

  const quant::QTensor& out = g.tensors[size_t(g.outputs[0])];
  const int64_t per_sample = out.numel() / B;
  if (out.logical.empty() || out.logical[0] != B || per_sample < 1)
    throw Error(fmt::format("{}: output '{}' {} does not have the batch of {} samples as its first dimension", model, out.name,
                            ir::shape_str(out.logical), B));
  r.classes = int(per_sample);

  auto dev = driver::Device::open(opt.backend, cfg);
  Runtime rt(*dev, cn);
  for (int64_t first = 0; first < N; first += B) {
    const int64_t rows = std::min(B, N - first);
    const ir::Tensor x = gather_rows(data, first, B, in.shape, N);
    const std::vector<std::vector<int8_t>> qin = network_inputs(g, {x});

    t0 = std::chrono::steady_clock::now();
    const RunResult run = rt.run(qin);
    r.device_seconds += since(t0);
    r.accel_cycles += run.accel_cycles, r.accel_macs += run.accel_macs;
    ++r.runs;

    t0 = std::chrono::steady_clock::now();
    const std::vector<quant::TensorData> ref = quant::run_reference(g, qin);
    r.reference_seconds += since(t0);

    t0 = std::chrono::steady_clock::now();
    const std::vector<ir::Tensor> fl = ir::run(m.graph, {x});
    r.float_seconds += since(t0);

    // Per sample: bit-exactness of every output (NHWC, the batch outermost), predictions.
    const ir::Tensor deq = ir::Tensor::from(out.logical, quant::dequantize_output(out, run.outputs[0].data()));
    for (int64_t s = 0; s < rows; ++s) {
      bool exact = true;
      for (size_t o = 0; o < g.outputs.size(); ++o) {
        const std::vector<int8_t>& want = ref[size_t(g.outputs[o])];
        const size_t n = want.size() / size_t(B), base = size_t(s) * n;
        for (size_t k = 0; k < n && exact; ++k)
          if (run.outputs[o][base + k] != want[base + k]) {
            exact = false;
            if (r.first_mismatch.empty())
              r.first_mismatch = fmt::format("sample {} output '{}' element {} (NHWC): accelerator {}, integer reference {}",
                                             first + s, g.tensors[size_t(g.outputs[o])].name, k, int(run.outputs[o][base + k]),
                                             int(want[base + k]));
          }
      }
      r.bit_exact_samples += exact;
      const int64_t fp = argmax(fl[0], s * per_sample, per_sample), ip = argmax(deq, s * per_sample, per_sample);
      const int64_t label = r.labels[size_t(first + s)];
      r.float_pred.push_back(fp), r.int8_pred.push_back(ip);
      r.float_correct += fp == label, r.int8_correct += ip == label, r.top1_agree += fp == ip;
    }
    if (opt.progress) opt.progress(size_t(first + rows), size_t(N));
  }
  r.utilization = r.accel_cycles ? double(r.accel_macs) / (double(r.accel_cycles) * cfg.peak_macs_per_cycle()) : 0;
  r.total_seconds = since(t_all);
  return r;
}

}  // namespace systole::net
