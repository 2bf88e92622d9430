// `systole run MODEL`: the kit's main job. Compiles a network (zoo name or .onnx file:
// import -> passes -> quantize -> place -> tile -> codegen), runs it on the accelerator through
// the driver (any backend), checks the result bit for bit against the integer CPU reference of
// the same quantized graph, and reports per-layer counters and float-vs-quantized agreement.
// Exit status 3 when the accelerator's output is not bit-exact.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "cli/options.hpp"
#include "compiler/io/npy.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/net/codegen.hpp"
#include "compiler/net/pipeline.hpp"
#include "compiler/net/runtime.hpp"
#include "compiler/onnx/tensor_proto.hpp"
#include "compiler/quant/accuracy.hpp"
#include "compiler/quant/reference.hpp"
#include "driver/device.hpp"

namespace systole::cli {
namespace {

struct RunOptions {
  std::string model, backend = "hls", config = "default", input, output, report;
  net::PlacePolicy place = net::PlacePolicy::Auto;
  quant::CalibrationOptions calibration;
  bool json = false;
  uint64_t seed = 1;
  int calib = 4, eval = 0;
};

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string shape_nhwc(const quant::QTensor& t) {
  if (t.logical.size() == 2) return fmt::format("{}x{}", t.n, t.c);
  return fmt::format("{}x{}x{}x{}", t.n, t.h, t.w, t.c);
}

std::string human(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

// A one-line progress bar on stderr (only when stderr is a terminal).
struct Progress {
  bool on = false;
  void operator()(size_t done, size_t total, const std::string& what) const {
    if (!on || total == 0) return;
    const int width = 30, fill = int(width * done / total);
    fmt::print(stderr, "\r  [{}{}] {}/{} {:<32.32}", std::string(size_t(fill), '#'), std::string(size_t(width - fill), '.'), done,
               total, what);
    if (done == total) fmt::print(stderr, "\r{:80}\r", "");
    std::fflush(stderr);
  }
};

struct Outcome {
  net::CompiledNet net;
  net::RunResult run;
  quant::Agreement agree, held_out;  // on the run's input; on --eval further seeded inputs
  std::vector<ir::Tensor> inputs;
  size_t mismatches = 0, compared = 0;
  std::string first_mismatch;
  double load_s = 0, optimize_s = 0, quantize_s = 0, compile_s = 0, reference_s = 0, float_s = 0, total_s = 0;
  int calib_samples = 0;
  bool prequantized = false;
  std::string source;
  bool bit_exact() const { return mismatches == 0; }
};

std::vector<ir::Tensor> read_inputs(const RunOptions& o, const ir::Graph& g) {
  if (o.input.empty()) return net::random_inputs(g, o.seed);
  if (g.inputs.size() != 1) throw Error(fmt::format("--input gives one tensor; the model has {} inputs", g.inputs.size()));
  ir::Tensor t = io::read_npy(o.input);
  const ir::Value& v = g.value(g.inputs[0]);
  if (t.dtype == ir::DType::u8 && v.from_uint8) t = onnx_io::uint8_to_int8(t);
  if (t.dtype != v.dtype || t.shape != v.shape)
    throw Error(fmt::format("{}: {} {} given, the model's input '{}' is {} {}", o.input, ir::dtype_name(t.dtype),
                            ir::shape_str(t.shape), v.name, ir::dtype_name(v.dtype), ir::shape_str(v.shape)));
  return {t};
}

Outcome execute(const RunOptions& o, const Progress& progress) {
  Outcome r;
  const auto t_all = std::chrono::steady_clock::now();
  const Config cfg = load_config(o.config);
  net::LoadedModel m = net::load_model(o.model);
  r.load_s = m.load_seconds, r.optimize_s = m.optimize_seconds, r.prequantized = m.prequantized, r.source = m.source;
  r.inputs = read_inputs(o, m.graph);

  quant::QuantizeOptions qo;
  qo.calib = o.calibration;
  net::QuantizeStats qs;
  quant::QGraph q = net::quantize_model(m, r.inputs, o.calib, o.seed, qo, &qs);
  r.quantize_s = qs.quantize_seconds, r.calib_samples = qs.samples;

  auto t0 = std::chrono::steady_clock::now();
  net::CompileOptions co;
  co.place.policy = o.place;
  r.net = net::compile_network(std::move(q), cfg, co);
  r.compile_s = since(t0);
  const quant::QGraph& qg = r.net.graph;

  const std::vector<std::vector<int8_t>> qin = net::network_inputs(qg, r.inputs);
  auto dev = driver::Device::open(o.backend, cfg);
  net::Runtime rt(*dev, r.net);
  r.run = rt.run(qin, [&](size_t done, size_t total) {
    progress(done, total, done < total ? qg.ops[done].name : std::string("done"));
  });

  t0 = std::chrono::steady_clock::now();
  const std::vector<quant::TensorData> ref = quant::run_reference(qg, qin);
  r.reference_s = since(t0);
  std::vector<std::vector<int8_t>> want;
  for (size_t i = 0; i < qg.outputs.size(); ++i) {
    const std::vector<int8_t>& w = ref[size_t(qg.outputs[i])];
    want.push_back(w);
    const std::vector<int8_t>& got = r.run.outputs[i];
    for (size_t k = 0; k < w.size(); ++k) {
      if (got[k] == w[k]) continue;
      if (r.mismatches++ == 0)
        r.first_mismatch = fmt::format("output '{}' element {} (NHWC): accelerator {}, reference {}",
                                       qg.tensors[size_t(qg.outputs[i])].name, k, got[k], w[k]);
    }
    r.compared += w.size();
  }

  // Float (or ONNX-semantics) outputs of the model itself against the dequantized result.
  t0 = std::chrono::steady_clock::now();
  std::vector<ir::Tensor> fl = ir::run(m.graph, r.inputs);
  for (size_t i = 0; i < fl.size(); ++i)
    if (fl[i].dtype == ir::DType::i8) {
      const quant::QTensor& t = qg.tensors[size_t(qg.outputs[i])];
      const std::vector<float> d = quant::dequantize_output(t, quant::to_nhwc(t, fl[i].data<int8_t>()).data());
      fl[i] = ir::Tensor::from(fl[i].shape, d);
    }
  quant::accumulate(r.agree, qg, fl, r.run.outputs);
  std::vector<std::vector<ir::Tensor>> extra;
  for (int i = 0; i < o.eval; ++i) extra.push_back(net::random_inputs(m.graph, o.seed + 7919 * uint64_t(i + 1)));
  if (!extra.empty()) r.held_out = quant::compare(m.graph, qg, extra);
  r.float_s = since(t0);
  r.total_s = since(t_all);
  return r;
}

nlohmann::json layer_json(const Outcome& r, size_t k) {
  const net::LayerStats& l = r.run.layers[k];
  const quant::QOp& op = r.net.graph.ops[k];
  const net::Placement& p = r.net.placement[k];
  nlohmann::json j = {{"name", op.name},
                      {"op", quant::qop_kind_name(op.kind)},
                      {"onnx_op", op.src_op},
                      {"shape", shape_nhwc(r.net.graph.tensors[size_t(op.output)])},
                      {"placement", net::where_name(l.where)},
                      {"reason", p.reason},
                      {"macs", l.macs},
                      {"cycles", l.cycles},
                      {"utilization", l.utilization},
                      {"dram_rd_bytes", l.dram_rd},
                      {"dram_wr_bytes", l.dram_wr},
                      {"model_seconds", l.model_seconds},
                      {"wall_seconds", l.wall_seconds}};
  if (op.kind == quant::QOpKind::Conv) {
    j["conv"] = op.conv.to_string();
    if (p.fits) j["tiling"] = p.tiling.to_string(), j["estimated_cycles"] = p.estimate.cycles;
  }
  return j;
}

nlohmann::json summary_json(const RunOptions& o, const Outcome& r) {
  const net::RunResult& x = r.run;
  nlohmann::json layers = nlohmann::json::array();
  for (size_t k = 0; k < x.layers.size(); ++k) layers.push_back(layer_json(r, k));
  size_t accel = 0, cpu = 0;
  for (const auto& l : x.layers) (l.where == net::Where::Accel ? accel : cpu) += l.where != net::Where::Free;
  return {{"model", r.source},
          {"config", r.net.cfg.name},
          {"backend", o.backend},
          {"bit_exact", r.bit_exact()},
          {"mismatches", r.mismatches},
          {"outputs_compared", r.compared},
          {"cycles", x.accel_cycles},
          {"macs", x.accel_macs + x.cpu_macs},
          {"accel_macs", x.accel_macs},
          {"cpu_macs", x.cpu_macs},
          {"utilization", x.utilization},
          {"dram_rd_bytes", x.dram_rd},
          {"dram_wr_bytes", x.dram_wr},
          {"accel_layers", accel},
          {"cpu_layers", cpu},
          {"model_seconds", x.model_seconds},
          {"wall_seconds", r.total_s},
          {"run_wall_seconds", x.wall_seconds},
          {"compile_seconds", r.optimize_s + r.compile_s + (r.prequantized ? r.quantize_s : 0.0)},
          {"quantize_seconds", r.quantize_s},
          {"calibration_samples", r.calib_samples},
          {"instructions", r.net.instructions},
          {"arena_bytes", r.net.memory.arena_bytes},
          {"arena_unshared_bytes", r.net.memory.unshared_bytes},
          {"constant_bytes", r.net.constant_bytes},
          {"agreement",
           {{"max_abs_error", r.agree.max_abs_error},
            {"max_abs_float", r.agree.max_abs_ref},
            {"cosine", r.agree.cosine},
            {"top1", r.agree.top1()}}},
          {"held_out_agreement",
           {{"inputs", o.eval},
            {"max_abs_error", r.held_out.max_abs_error},
            {"cosine", r.held_out.cosine},
            {"top1", r.held_out.top1()}}},
          {"layers", layers}};
}

void print_table(const Outcome& r) {
  const quant::QGraph& g = r.net.graph;
  fmt::print("{:>3} {:<26} {:<7} {:<14} {:<5} {:>8} {:>9} {:>5} {:>8} {:>9}  {}\n", "#", "layer", "op", "output", "where", "MACs",
             "cycles", "util", "DRAM", "time us", "why");
  for (size_t k = 0; k < r.run.layers.size(); ++k) {
    const net::LayerStats& l = r.run.layers[k];
    const quant::QOp& op = g.ops[k];
    const bool acc = l.where == net::Where::Accel;
    fmt::print("{:>3} {:<26.26} {:<7} {:<14} {:<5} {:>8} {:>9} {:>5} {:>8} {:>9.1f}  {}\n", k, op.name, quant::qop_kind_name(op.kind),
               shape_nhwc(g.tensors[size_t(op.output)]), net::where_name(l.where), l.macs ? human(double(l.macs)) : "-",
               acc ? human(double(l.cycles)) : "-", acc ? fmt::format("{:.3f}", l.utilization) : "-",
               acc ? human(double(l.dram_rd + l.dram_wr)) : "-", l.model_seconds * 1e6, r.net.placement[k].reason);
  }
}

void print_summary(const RunOptions& o, const Outcome& r) {
  const net::RunResult& x = r.run;
  const Config& cfg = r.net.cfg;
  fmt::print("systole run: {} on {} ({}x{}) via {}\n", r.source, cfg.name, cfg.dim, cfg.dim, o.backend);
  print_table(r);
  size_t accel = 0, cpu = 0;
  for (const auto& l : x.layers) (l.where == net::Where::Accel ? accel : cpu) += l.where != net::Where::Free;
  fmt::print("  layers      {} ops: {} on the accelerator, {} on the CPU, {} free\n", x.layers.size(), accel, cpu,
             x.layers.size() - accel - cpu);
  fmt::print("  accelerator {} cycles ({:.3f} ms at {} MHz), {} MACs, utilization {:.3f}\n", x.accel_cycles,
             x.accel_cycles / (cfg.clock_mhz * 1e3), cfg.clock_mhz, human(double(x.accel_macs)), x.utilization);
  fmt::print("  DRAM        read {}B, write {}B; arena {}B (without reuse {}B), constants {}B\n", human(double(x.dram_rd)),
             human(double(x.dram_wr)), human(double(r.net.memory.arena_bytes)), human(double(r.net.memory.unshared_bytes)),
             human(double(r.net.constant_bytes)));
  fmt::print("  CPU         {} MACs; modelled end to end {:.3f} ms\n", human(double(x.cpu_macs)), x.model_seconds * 1e3);
  if (r.bit_exact()) fmt::print("  result      bit-exact with the integer reference ({} outputs)\n", r.compared);
  else fmt::print("  result      MISMATCH: {} of {} outputs differ; first: {}\n", r.mismatches, r.compared, r.first_mismatch);
  fmt::print("  vs {}  max abs error {:.4g} (|float| <= {:.4g}), cosine {:.6f}, top-1 agreement {}/{}\n",
             r.prequantized ? "ONNX semantics" : "float model", r.agree.max_abs_error, r.agree.max_abs_ref, r.agree.cosine,
             r.agree.top1_agree, r.agree.top1_total);
  if (o.eval > 0)
    fmt::print("  held out    {} more inputs (integer reference): max abs error {:.4g}, cosine {:.6f}, top-1 {}/{}\n", o.eval,
               r.held_out.max_abs_error, r.held_out.cosine, r.held_out.top1_agree, r.held_out.top1_total);
  fmt::print("  time        load {:.2f} s, optimize {:.2f} s, quantize {:.2f} s ({} calibration inputs), compile {:.2f} s, "
             "run {:.2f} s, reference {:.2f} s, total {:.2f} s\n",
             r.load_s, r.optimize_s, r.quantize_s, r.calib_samples, r.compile_s, x.wall_seconds, r.reference_s, r.total_s);
}

void write_report(const RunOptions& o, const Outcome& r) {
  namespace fs = std::filesystem;
  fs::create_directories(o.report);
  std::ofstream js(fs::path(o.report) / "run.json");
  js << summary_json(o, r).dump(2) << "\n";
  std::ofstream csv(fs::path(o.report) / "layers.csv");
  csv << "index,name,op,onnx_op,shape,placement,macs,cycles,utilization,dram_rd_bytes,dram_wr_bytes,model_seconds,wall_seconds,reason\n";
  for (size_t k = 0; k < r.run.layers.size(); ++k) {
    const nlohmann::json l = layer_json(r, k);
    std::string reason = l["reason"].get<std::string>();
    for (char& c : reason)
      if (c == '"') c = '\'';
    csv << fmt::format("{},{},{},{},{},{},{},{},{:.6f},{},{},{:.9f},{:.6f},\"{}\"\n", k, l["name"].get<std::string>(),
                       l["op"].get<std::string>(), l["onnx_op"].get<std::string>(), l["shape"].get<std::string>(),
                       l["placement"].get<std::string>(), l["macs"].get<uint64_t>(), l["cycles"].get<uint64_t>(),
                       l["utilization"].get<double>(), l["dram_rd_bytes"].get<uint64_t>(), l["dram_wr_bytes"].get<uint64_t>(),
                       l["model_seconds"].get<double>(), l["wall_seconds"].get<double>(), reason);
  }
  if (!js || !csv) throw Error(fmt::format("--report {}: could not write the report files", o.report));
}

void write_output(const RunOptions& o, const Outcome& r) {
  const quant::QGraph& g = r.net.graph;
  const quant::QTensor& t = g.tensors[size_t(g.outputs.at(0))];
  if (r.prequantized) {
    const std::vector<int8_t> l = quant::to_logical(t, r.run.outputs[0].data());
    ir::Tensor y = ir::Tensor::from(t.logical, l);
    if (t.from_uint8) y = onnx_io::int8_to_uint8(y);
    io::write_npy(o.output, y);
  } else {
    io::write_npy(o.output, ir::Tensor::from(t.logical, quant::dequantize_output(t, r.run.outputs[0].data())));
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Compile a network, run it on the accelerator and check it bit for bit");
  cmd->add_option("model", o->model, "zoo model name (e.g. resnet50) or .onnx file")->required();
  add_target_options(cmd, o->backend, o->config);
  cmd->add_option("--input", o->input, ".npy input (default: seeded random)");
  cmd->add_option("--output", o->output, "write the network's output as .npy (float models: dequantized)");
  cmd->add_flag("--json", o->json, "print one JSON object instead of the table");
  cmd->add_option("--report", o->report, "directory for run.json and layers.csv");
  cmd->add_option("--seed", o->seed, "seed of the random input and calibration inputs")->capture_default_str();
  cmd->add_option("--calib", o->calib, "calibration inputs for float models (the run's input is the first)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--eval", o->eval, "also compare float and quantized outputs on N more seeded inputs")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  add_place_option(cmd, o->place);
  add_calibration_options(cmd, o->calibration);
  cmd->callback([o] {
    Progress progress;
    progress.on = !o->json && isatty(fileno(stderr));
    const Outcome r = execute(*o, progress);
    if (o->json) fmt::print("{}\n", summary_json(*o, r).dump());
    else print_summary(*o, r);
    if (!o->report.empty()) write_report(*o, r);
    if (!o->output.empty()) write_output(*o, r);
    if (!r.bit_exact()) throw CLI::RuntimeError(3);
  });
}

}  // namespace systole::cli
