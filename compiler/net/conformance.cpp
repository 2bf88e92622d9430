// ONNX backend node tests through the network pipeline (see conformance.hpp). Besides the
// driver code, this file maps pure integer graphs (ConvInteger, MatMulInteger and int8 data
// movement / MaxPool, which carry no scales) onto the quantized graph with unit scales: the
// accelerator's convolution with requantization factor 1 and output zero point 0 computes the
// int32 accumulator exactly while it fits int8 (cases whose results leave int8 are skipped).
#include "compiler/net/conformance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>

#include "arch/error.hpp"
#include "arch/scale.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/net/codegen.hpp"
#include "compiler/net/pipeline.hpp"
#include "compiler/net/runtime.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "compiler/quant/build_ops.hpp"
#include "compiler/quant/qparams.hpp"
#include "compiler/quant/reference.hpp"

namespace systole::net {

namespace fs = std::filesystem;

namespace {

// The ops the pipeline claims, by test name. ConvTranspose (test_convtranspose*) is another op.
const std::regex kNodeCases(
    "test_(basic_)?conv(_.*)?|test_(basic_)?convinteger.*|test_qlinearconv.*|test_gemm.*|test_matmul.*|"
    "test_qlinearmatmul.*|test_relu.*|test_maxpool.*|test_averagepool.*|test_globalaveragepool.*|test_add.*|"
    "test_concat.*|test_flatten.*|test_reshape.*");
const std::regex kTorchCases("test_Conv[123]d.*");

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The pipeline's message without the file, node and value names and the data-dependent
// numbers (shapes, weights, zero points), so that equal reasons group.
std::string reason_of(const std::string& msg) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex("^[^ ]*\\.onnx: "), ""},
      {std::regex("node '[^']*' \\(([A-Za-z]+)\\)"), "$1"},
      {std::regex(" ?\\('[^']*'\\)| ?'[^']*'"), ""},
      {std::regex("shape \\[[-0-9,]*\\]"), "shape [...]"},
      {std::regex("weight zero point -?[0-9]+ of output channel [0-9]+: weight -?[0-9]+ - -?[0-9]+ leaves int8"),
       "weight - weight zero point leaves int8"},
  };
  std::string s = msg;
  for (const auto& [re, to] : rules) s = std::regex_replace(s, re, to);
  return s;
}

bool is_linear(const std::string& op) {
  return op == "Conv" || op == "Gemm" || op == "MatMul" || op == "QLinearConv" || op == "QLinearMatMul" ||
         op == "ConvInteger" || op == "MatMulInteger";
}

struct Case {
  LoadedModel model;
  std::vector<ir::Tensor> inputs;    // runtime inputs, graph input order
  std::vector<ir::Tensor> expected;  // stored outputs (uint8 mapped to int8 where the model declares it)
  bool integer = false;              // no scales anywhere: ConvInteger / MatMulInteger / int8 movement
};

ir::Tensor load_for(const ir::Graph& g, ir::ValueId v, const std::string& path) {
  ir::Tensor t = onnx_io::load_tensor_file(path);
  if (t.dtype == ir::DType::u8 && g.value(v).from_uint8) t = onnx_io::uint8_to_int8(t);
  return t;
}

// Imports the case and binds as constants the inputs a compiler sees as constants: operands
// >= 1 of the linear ops (weights, bias, scales, zero points) and int64 inputs (shapes);
// the other inputs stay runtime inputs. Then optimizes like load_model.
Case load_case(const std::string& dir) {
  Case c;
  c.model.source = dir;
  c.model.graph = onnx_io::import_model_file(dir + "/model.onnx");
  ir::Graph& g = c.model.graph;
  const std::string data = dir + "/test_data_set_0/";
  std::vector<bool> constant(g.values.size(), false);
  for (const ir::Node& n : g.nodes)
    for (size_t k = 1; k < n.inputs.size(); ++k)
      if (is_linear(n.op) && n.inputs[k] != ir::kNoValue) constant[size_t(n.inputs[k])] = true;
  const std::vector<ir::ValueId> ins = g.inputs;
  for (size_t i = 0; i < ins.size(); ++i) {
    const std::string path = data + fmt::format("input_{}.pb", i);
    if (!fs::exists(path)) throw Error(fmt::format("test data: {} is missing", path));
    ir::Tensor t = load_for(g, ins[i], path);
    if (t.dtype == ir::DType::i64 || (i > 0 && constant[size_t(ins[i])])) g.freeze_input(ins[i], std::move(t));
    else c.inputs.push_back(std::move(t));
  }
  for (size_t i = 0; fs::exists(data + fmt::format("output_{}.pb", i)); ++i) {
    if (i >= g.outputs.size()) throw Error(fmt::format("test data: more output files than the model's {} outputs", g.outputs.size()));
    c.expected.push_back(load_for(g, g.outputs[i], data + fmt::format("output_{}.pb", i)));
  }
  c.model.prequantized = quant::is_prequantized(g);
  c.integer = !c.model.prequantized && !c.inputs.empty();
  for (const ir::Tensor& t : c.inputs) c.integer = c.integer && t.dtype == ir::DType::i8;
  ir::FoldOptions fo;
  fo.keep_dequantize = c.model.prequantized;
  ir::optimize(g, fo);
  return c;
}

// ---- integer graphs: unit scales ----

struct IntegerMapper {
  const ir::Graph& g;
  quant::OpBuilder b;
  std::vector<std::optional<quant::QParams>> params;

  explicit IntegerMapper(const ir::Graph& graph) : g(graph), b(graph), params(graph.values.size()) {
    b.params_of = [this](ir::ValueId v) {
      if (!params[size_t(v)]) throw Error(fmt::format("value '{}' has no integer zero point", g.value(v).name));
      return *params[size_t(v)];
    };
  }
  int64_t zero_point(const ir::Node& n, size_t i, int64_t count) const {
    const ir::ValueId v = n.input(i);
    if (v == ir::kNoValue) return 0;
    if (!g.value(v).is_const()) throw Error(fmt::format("{}: zero point (input {}) must be a constant", n.label(), i));
    const ir::Tensor& z = *g.value(v).data;
    for (int64_t k = 1; k < z.numel(); ++k)
      if (z.get_i64(k) != z.get_i64(0))
        throw Error(fmt::format("{}: per-row / per-element activation zero points are not supported", n.label()));
    (void)count;
    return z.numel() ? z.get_i64(0) : 0;
  }
  // ConvInteger (x, w, x_zp, w_zp) / MatMulInteger (a, b, a_zp, b_zp): an accelerator
  // convolution with unit requantization; w - w_zp must fit int8 (no weight zero point).
  void linear(const ir::Node& n) {
    const bool conv = n.op == "ConvInteger";
    params[size_t(n.inputs[0])] = quant::QParams{1.0, int32_t(zero_point(n, 2, 1))};
    params[size_t(n.outputs[0])] = quant::QParams{1.0, 0};
    const ir::ValueId wv = n.input(1);
    if (wv == ir::kNoValue || !g.value(wv).is_const()) throw Error(fmt::format("{}: weights must be a constant", n.label()));
    const ir::Tensor& w = *g.value(wv).data;
    if (w.dtype != ir::DType::i8) throw Error(fmt::format("{}: weights must be (u)int8", n.label()));
    const int x = b.tensor(n.inputs[0]), y = b.tensor(n.outputs[0]);
    int64_t O = 0, kh = 1, kw = 1;
    std::vector<int8_t> ohwi;
    if (conv) {
      if (w.rank() != 3 && w.rank() != 4) throw Error(fmt::format("{}: weights of rank {} (only 1-D and 2-D convs)", n.label(), w.rank()));
      O = w.shape[0], kh = w.rank() == 4 ? w.shape[2] : 1, kw = w.shape.back();
      const std::vector<uint8_t> t = quant::oihw_to_ohwi(w.bytes.data(), O, w.shape[1], kh, kw, 1);
      ohwi.assign(t.begin(), t.end());
    } else {
      if (w.rank() != 2) throw Error(fmt::format("{}: B must be a 2-D constant", n.label()));
      const int64_t K = w.shape[0];
      O = w.shape[1];
      ohwi.resize(size_t(O * K));
      for (int64_t o = 0; o < O; ++o)
        for (int64_t k = 0; k < K; ++k) ohwi[size_t(o * K + k)] = w.data<int8_t>()[k * O + o];
    }
    // Weight zero point: per tensor or per output channel, folded exactly or rejected.
    const ir::ValueId zv = n.input(3);
    const int64_t rest = int64_t(ohwi.size()) / O;
    for (int64_t o = 0; zv != ir::kNoValue && o < O; ++o) {
      const ir::Tensor& z = *g.value(zv).data;
      const int64_t zp = z.get_i64(z.numel() == 1 ? 0 : o);
      for (int64_t k = 0; k < rest; ++k) {
        const int64_t v = int64_t(ohwi[size_t(o * rest + k)]) - zp;
        if (v < -128 || v > 127)
          throw Error(fmt::format("{}: weight - weight zero point leaves int8; the accelerator takes symmetric weights", n.label()));
        ohwi[size_t(o * rest + k)] = int8_t(v);
      }
    }
    quant::QOp op;
    op.name = n.name, op.src_op = n.op, op.kind = quant::QOpKind::Conv, op.inputs = {x}, op.output = y;
    const quant::QTensor &tx = b.q.tensors[size_t(x)], &ty = b.q.tensors[size_t(y)];
    compiler::ConvShape s;
    if (conv) {
      s = quant::conv_shape(n, tx, ty, kh, kw);
    } else {
      if (tx.logical.size() != 2) throw Error(fmt::format("{}: input must be a matrix, is {}", n.label(), ir::shape_str(tx.logical)));
      s.n = uint32_t(tx.n), s.c_in = uint32_t(tx.c), s.c_out = uint32_t(ty.c);
    }
    static_cast<compiler::ConvShape&>(op.conv) = s;
    op.conv.weights = std::move(ohwi);
    op.conv.bias.assign(size_t(O), 0);
    const FixedScale one = quantize_scale(1.0);
    op.conv.mult.assign(size_t(O), one.mult);
    op.conv.shift.assign(size_t(O), one.shift);
    op.conv.a_zero_point = tx.q.zero_point;
    op.conv.out_zero_point = 0;
    b.q.ops.push_back(std::move(op));
  }
  quant::QGraph run() {
    for (ir::ValueId v : g.inputs) params[size_t(v)] = quant::QParams{1.0, 0};
    for (const ir::Node& n : g.nodes) {
      if (n.op == "ConvInteger" || n.op == "MatMulInteger") {
        linear(n);
      } else if (n.op == "MaxPool" || n.op == "Reshape" || n.op == "Flatten" || n.op == "Identity" || n.op == "Concat" ||
                 n.op == "Squeeze" || n.op == "Unsqueeze") {
        params[size_t(n.outputs[0])] = params[size_t(n.inputs[0])];
        b.generic_op(n);
      } else {
        throw Error(fmt::format("{}: op {} on integer tensors without scales has no quantized form", n.label(), n.op));
      }
    }
    for (ir::ValueId v : g.inputs) b.q.inputs.push_back(b.tensor(v));
    for (ir::ValueId v : g.outputs) b.q.outputs.push_back(b.tensor(v));
    b.q.float_input = false;
    return std::move(b.q);
  }
};

// ---- checks ----

// Device output i (int8 NHWC) against a stored integer output, exactly.
std::string compare_exact(const quant::QTensor& t, const std::vector<int8_t>& got_nhwc, const ir::Tensor& want) {
  if (want.numel() != t.numel())
    return fmt::format("output '{}': {} values, the stored output {} has {}", t.name, t.numel(), ir::shape_str(want.shape), want.numel());
  const std::vector<int8_t> got = quant::to_logical(t, got_nhwc.data());
  for (int64_t i = 0; i < want.numel(); ++i)
    if (int64_t(got[size_t(i)]) != want.get_i64(i))
      return fmt::format("output '{}' element {}: accelerator {}, expected {}", t.name, i, int(got[size_t(i)]), want.get_i64(i));
  return "";
}

}  // namespace

std::string default_onnx_testdata_dir() {
  if (const char* e = std::getenv("SYSTOLE_ONNX_TESTDATA"); e && *e) return e;
#ifdef SYSTOLE_ONNX_TESTDATA_DIR
  if (fs::exists(fs::path(SYSTOLE_ONNX_TESTDATA_DIR) / "node")) return SYSTOLE_ONNX_TESTDATA_DIR;
#endif
  const char* debian = "/usr/include/onnx/backend/test/data";
  return fs::exists(fs::path(debian) / "node") ? debian : "";
}

const char* case_status_name(CaseStatus s) {
  return s == CaseStatus::Passed ? "PASS" : s == CaseStatus::Failed ? "FAIL" : "SKIP";
}

std::string ConformanceReport::summary_line() const {
  return fmt::format("conformance: {} passed, {} failed, {} skipped", passed, failed, skipped);
}

std::vector<std::pair<std::string, std::string>> conformance_cases(const std::string& data_dir, const std::string& filter) {
  if (data_dir.empty() || !fs::is_directory(fs::path(data_dir) / "node"))
    throw Error(fmt::format("ONNX test data '{}' has no node/ directory (install libonnx-testdata, or set SYSTOLE_ONNX_TESTDATA)",
                            data_dir));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [suite, re] : {std::pair{"node", kNodeCases}, std::pair{"pytorch-converted", kTorchCases}}) {
    const fs::path dir = fs::path(data_dir) / suite;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (std::regex_match(name, re) && name.find(filter) != std::string::npos) out.push_back({suite, name});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return out;
}

CaseResult run_conformance_case(const std::string& dir, driver::Device& dev, const Config& cfg, PlacePolicy place) {
  CaseResult r;
  const fs::path p(dir);
  r.name = p.filename().string();
  r.suite = p.parent_path().filename().string();
  const auto t0 = std::chrono::steady_clock::now();
  auto skip = [&](const std::string& msg) {
    r.status = CaseStatus::Skipped;
    r.reason = reason_of(msg);
    r.detail = msg;
    r.seconds = since(t0);
    return r;
  };
  auto fail = [&](const std::string& msg) {
    r.status = CaseStatus::Failed;
    r.detail = msg;
    r.seconds = since(t0);
    return r;
  };
  // 1. Load and quantize: a rejection here is the pipeline's "unsupported".
  Case c;
  quant::QGraph q;
  try {
    c = load_case(dir);
    r.kind = c.model.prequantized ? "quantized" : c.integer ? "integer" : "float";
    if (c.integer) {
      // The accelerator's int8 output path holds the int32 results only while they fit int8.
      const std::vector<ir::Tensor> onnx = ir::run(c.model.graph, c.inputs);
      for (const ir::Tensor& t : onnx)
        for (int64_t i = 0; i < t.numel(); ++i)
          if (t.get_i64(i) < -128 || t.get_i64(i) > 127)
            return skip(fmt::format("int32 result {} leaves the accelerator's int8 output path", t.get_i64(i)));
      q = IntegerMapper(c.model.graph).run();
    } else if (c.model.prequantized) {
      q = quant::import_quantized(c.model.graph);
    } else {
      q = quant::quantize_float(c.model.graph, {c.inputs});
    }
  } catch (const Error& e) {
    return skip(e.what());
  }
  if (c.expected.size() != q.outputs.size())
    return fail(fmt::format("{} stored outputs, the network has {}", c.expected.size(), q.outputs.size()));
  // 2. Compile and run on the device, and the integer reference: everything here must work.
  try {
    CompileOptions co;
    co.place.policy = place;
    const CompiledNet cn = compile_network(std::move(q), cfg, co);
    const quant::QGraph& g = cn.graph;
    for (const Placement& pl : cn.placement) (pl.where == Where::Accel ? r.accel_ops : r.cpu_ops) += pl.where != Where::Free;
    const std::vector<std::vector<int8_t>> in = network_inputs(g, c.inputs);
    RunResult run;
    {
      Runtime rt(dev, cn);
      run = rt.run(in);
    }
    r.accel_cycles = run.accel_cycles;
    const std::vector<quant::TensorData> ref = quant::run_reference(g, in);
    r.bit_exact = true;
    std::string first;
    for (size_t i = 0; i < g.outputs.size(); ++i) {
      const quant::QTensor& t = g.tensors[size_t(g.outputs[i])];
      const std::vector<int8_t>& want = ref[size_t(g.outputs[i])];
      r.outputs_compared += want.size();
      for (size_t k = 0; k < want.size() && first.empty(); ++k)
        if (run.outputs[i][k] != want[k])
          first = fmt::format("output '{}' element {} (NHWC): accelerator {}, integer reference {}", t.name, k,
                              int(run.outputs[i][k]), int(want[k]));
    }
    if (!first.empty()) {
      r.bit_exact = false;
      return fail("not bit-exact with the integer reference: " + first);
    }
    const std::string ops = fmt::format("{} op(s) on the accelerator in {} cycles, {} on the CPU", r.accel_ops, r.accel_cycles, r.cpu_ops);
    // 3. Against the stored outputs.
    if (c.expected[0].dtype != ir::DType::f32) {
      for (size_t i = 0; i < g.outputs.size(); ++i) {
        const std::string m = compare_exact(g.tensors[size_t(g.outputs[i])], run.outputs[i], c.expected[i]);
        if (!m.empty()) return fail("differs from the stored output: " + m);
      }
      r.detail = fmt::format("{} outputs equal the stored ONNX outputs exactly; bit-exact with the reference ({})",
                             r.outputs_compared, ops);
    } else {
      double worst = 0;  // largest error / tolerance
      for (size_t i = 0; i < g.outputs.size(); ++i) {
        const quant::QTensor& t = g.tensors[size_t(g.outputs[i])];
        const ir::Tensor& want = c.expected[i];
        if (want.dtype != ir::DType::f32 || want.numel() != t.numel())
          return fail(fmt::format("output '{}': stored {} {}, the network's has {} values", t.name, ir::dtype_name(want.dtype),
                                  ir::shape_str(want.shape), t.numel()));
        const std::vector<float> got = quant::dequantize_output(t, run.outputs[i].data());
        double err = 0;
        for (int64_t k = 0; k < want.numel(); ++k) err = std::max(err, std::fabs(double(got[size_t(k)]) - want.data<float>()[k]));
        const double tol = kFloatTolSteps * t.q.scale;
        if (err / tol >= worst) worst = err / tol, r.max_abs_error = err, r.tolerance = tol;
      }
      if (r.max_abs_error > r.tolerance)
        return fail(fmt::format("bit-exact, but max |int8 - float| {:.4g} exceeds the tolerance {:.4g} ({} output steps)",
                                r.max_abs_error, r.tolerance, kFloatTolSteps));
      r.detail = fmt::format("bit-exact with the reference ({} outputs, {}); vs ONNX float: max |err| {:.4g} = {:.2f} steps <= {}",
                             r.outputs_compared, ops, r.max_abs_error, kFloatTolSteps * r.max_abs_error / r.tolerance,
                             kFloatTolSteps);
    }
    r.status = CaseStatus::Passed;
  } catch (const Error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(fmt::format("internal error: {}", e.what()));
  }
  r.seconds = since(t0);
  return r;
}

ConformanceReport run_conformance(const ConformanceOptions& opt, const std::function<void(const CaseResult&)>& on_case) {
  const std::string root = opt.data_dir.empty() ? default_onnx_testdata_dir() : opt.data_dir;
  const auto cases = conformance_cases(root, opt.filter);
  if (cases.empty()) throw Error(fmt::format("no conformance case matches the filter '{}'", opt.filter));
  const Config cfg = load_config(opt.config);
  auto dev = driver::Device::open(opt.backend, cfg);
  ConformanceReport rep;
  for (const auto& [suite, name] : cases) {
    CaseResult r = run_conformance_case((fs::path(root) / suite / name).string(), *dev, cfg, opt.place);
    if (r.status == CaseStatus::Passed) ++rep.passed;
    else if (r.status == CaseStatus::Failed) ++rep.failed;
    else ++rep.skipped, ++rep.skip_reasons[r.reason];
    if (on_case) on_case(r);
    rep.cases.push_back(std::move(r));
  }
  return rep;
}

}  // namespace systole::net
