// The per-layer roofline table (see layer_points.hpp): one run of the network through the
// `systole run` pipeline, then per conv/GEMM layer the device counters, the cost model's
// estimate for the same tiling, and the CPU timings.
#include "roofline/layer_points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "arch/error.hpp"
#include "compiler/cost_model.hpp"
#include "compiler/net/codegen.hpp"
#include "compiler/net/pipeline.hpp"
#include "compiler/net/runtime.hpp"
#include "compiler/quant/reference.hpp"
#include "driver/device.hpp"
#include "kernels/cpu/cpu_features.hpp"
#include "roofline/energy.hpp"

namespace systole::roofline {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

ValidationSummary summarize_validation(const std::vector<LayerPoint>& layers) {
  ValidationSummary v;
  double sum = 0;
  for (const LayerPoint& l : layers) {
    if (!l.accel || l.cycles == 0) continue;
    const double e = std::fabs(l.model_error_pct);
    ++v.layers;
    sum += e;
    if (v.layers == 1 || e > v.max_abs_pct) v.max_abs_pct = e, v.worst = l.name;
    v.total_measured += double(l.cycles);
    v.total_model += l.model_cycles;
  }
  v.mean_abs_pct = v.layers ? sum / double(v.layers) : 0;
  return v;
}

void finish_report(RooflineReport& r) {
  const double cpu_peak = r.has_cpu ? r.cpu.int8_gops_core * 1e9 : 0;
  const double cpu_bw = r.has_cpu ? r.cpu.bw_core[3] * 1e9 : 0;
  const double f = r.accel.clock_mhz * 1e6;
  r.accel_cycles = 0;
  for (LayerPoint& l : r.layers) {
    l.ops = 2.0 * double(l.macs);
    if (l.accel) {
      r.accel_cycles += l.cycles;
      const double bytes = double(l.dram_rd + l.dram_wr);
      l.accel_seconds = f > 0 ? double(l.cycles) / f : 0;
      l.accel_intensity = bytes > 0 ? l.ops / bytes : 0;
      const double mem = r.accel.dram().bytes_per_second * l.accel_intensity;
      l.accel_bound = bytes > 0 ? std::min(r.accel.peak_ops, mem) : r.accel.peak_ops;
      l.accel_bound_by = bytes > 0 && mem < r.accel.peak_ops ? "DRAM" : "compute";
      l.accel_ops_per_s = l.accel_seconds > 0 ? l.ops / l.accel_seconds : 0;
      l.accel_pct_of_roof = l.accel_bound > 0 ? 100.0 * l.accel_ops_per_s / l.accel_bound : 0;
      l.utilization = l.cycles ? double(l.macs) / (double(l.cycles) * r.cfg.peak_macs_per_cycle()) : 0;
      l.model_error_pct = l.cycles ? 100.0 * (l.model_cycles - double(l.cycles)) / double(l.cycles) : 0;
    }
    l.cpu_intensity = l.cpu_bytes ? l.ops / double(l.cpu_bytes) : 0;
    if (r.has_cpu) {
      const double mem = cpu_bw * l.cpu_intensity;
      l.cpu_bound = std::min(cpu_peak, mem);
      l.cpu_bound_by = mem < cpu_peak ? "DRAM" : "compute";
    }
    for (CpuPoint* c : {&l.own, &l.onednn}) {
      if (!c->timed || c->seconds <= 0) continue;
      c->ops_per_s = l.ops / c->seconds;
      c->pct_of_roof = l.cpu_bound > 0 ? 100.0 * c->ops_per_s / l.cpu_bound : 0;
    }
  }
  r.validation = summarize_validation(r.layers);
}

RooflineReport build_report(const ReportOptions& o) {
  auto say = [&](const std::string& s) {
    if (o.progress) o.progress(s);
  };
  const auto t_all = std::chrono::steady_clock::now();
  RooflineReport r;
  r.model = o.model;
  r.backend = o.backend;
  r.place = o.place == net::PlacePolicy::Accel ? "accel" : o.place == net::PlacePolicy::Cpu ? "cpu" : "auto";
  r.cfg = load_config(o.config);
  // Everything that can be wrong with the inputs is checked before the (long) run.
  double fmax = 0;
  std::string clock_source;
  if (!o.synth.empty()) {
    fmax = read_synth_fmax(o.synth);
    clock_source = fmt::format("synthesis report {} (Fmax)", o.synth);
  }
  r.accel = accel_ceilings(r.cfg, fmax, clock_source);

  say(fmt::format("loading {}", o.model));
  net::LoadedModel m = net::load_model(o.model);
  r.source = m.source;
  const std::vector<ir::Tensor> inputs = net::random_inputs(m.graph, o.seed);
  say("quantizing");
  quant::QGraph q = net::quantize_model(m, inputs, o.calib, o.seed, quant::QuantizeOptions{});
  say("compiling");
  net::CompileOptions co;
  co.place.policy = o.place;
  const net::CompiledNet cn = net::compile_network(std::move(q), r.cfg, co);
  const quant::QGraph& g = cn.graph;
  const std::vector<std::vector<int8_t>> qin = net::network_inputs(g, inputs);

  say(fmt::format("running on the {} backend", o.backend));
  auto dev = driver::Device::open(o.backend, r.cfg);
  net::Runtime rt(*dev, cn);
  const net::RunResult run = rt.run(qin);
  if (o.check) {
    say("checking against the integer reference");
    const std::vector<quant::TensorData> ref = quant::run_reference(g, qin);
    r.checked = true;
    r.bit_exact = true;
    for (size_t i = 0; i < g.outputs.size(); ++i) r.bit_exact = r.bit_exact && run.outputs[i] == ref[size_t(g.outputs[i])];
  }

  const EnergyTable energy = energy_table_for(default_energy_table(), r.cfg);
  r.energy_source = energy.source;
  int number = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const quant::QOp& op = g.ops[k];
    if (op.kind != quant::QOpKind::Conv) continue;
    const net::LayerStats& ls = run.layers[k];
    const net::Placement& pl = cn.placement[k];
    LayerPoint p;
    p.number = ++number;
    p.op = k;
    p.name = op.name;
    p.onnx_op = op.src_op;
    p.conv = op.conv.to_string();
    p.placement = net::where_name(ls.where);
    p.reason = pl.reason;
    p.macs = ls.macs ? ls.macs : op.conv.macs();
    if (ls.where == net::Where::Accel) {
      p.accel = true;
      p.cycles = ls.cycles, p.dram_rd = ls.dram_rd, p.dram_wr = ls.dram_wr;
      p.tiling = pl.tiling.to_string();
      // The estimate of the layer exactly as code generation lowered it (with its output
      // channel slice), for the tiling the compiler chose with this same model.
      const compiler::CostEstimate est = compiler::estimate_conv(r.cfg, cn.steps[k].layer, pl.tiling);
      p.model_cycles = est.cycles;
      // Energy: the on-chip access counts of the same estimate, with the DRAM bytes and MACs
      // the run actually counted.
      EnergyCounts ec = energy_counts_from_cost(r.cfg, est);
      ec.dram_rd_bytes = ls.dram_rd, ec.dram_wr_bytes = ls.dram_wr, ec.macs = p.macs;
      p.energy_pj = estimate_energy(energy, ec).total_pj;
      p.has_energy = true;
      r.has_energy = true;
    }
    p.cpu_bytes = cpu_compulsory_bytes(op.conv);
    r.layers.push_back(p);
  }

  if (o.cpu) {
    r.cpu = cpu_ceilings(o.cpu_ceilings);
    r.has_cpu = true;
    r.cpu_isa = cpu::isa_name(cpu::best_isa());
    r.has_onednn = o.cpu_budget.onednn && onednn_available();
    for (LayerPoint& p : r.layers) {
      say(fmt::format("CPU timing {}/{}: {}", p.number, r.layers.size(), p.name));
      const CpuLayerTiming t = time_cpu_conv(g.ops[p.op].conv, o.cpu_budget);
      p.own.timed = true;
      p.own.impl = t.best_own.algo;
      p.own.seconds = t.best_own.seconds;
      if (t.has_onednn) {
        p.onednn.timed = t.onednn.error.empty();
        p.onednn.impl = t.onednn_impl;
        p.onednn.seconds = t.onednn.seconds;
        p.onednn.error = t.onednn.error;
      }
    }
  }
  finish_report(r);
  r.wall_seconds = since(t_all);
  return r;
}

}  // namespace systole::roofline
