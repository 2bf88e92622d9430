// `systole roofline MODEL`: runs a network (zoo name or .onnx file) through the same pipeline
// as `systole run` on the hls or rtl backend, and reports every conv/GEMM layer as a point on
// the accelerator's roofline (ceilings from the config or a synthesis report) and on the
// CPU's measured roofline (own kernel and oneDNN), with the analytical cost model's cycles
// against the measured ones. --out DIR writes report.html, roofline_{accel,cpu}.svg,
// layers.json and layers.csv (docs/roofline.md).
//
// `systole roofline --validate MODEL...` is the model-validation benchmark: per-layer model
// error against the backend's cycle counter and its max / mean for each model, no CPU timing
// (e.g. `systole roofline --validate resnet18 resnet50 mobilenet_v2 --backend rtl`).
// --max-error PCT / --max-mean-error PCT make it exit with status 4 when exceeded.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "arch/error.hpp"
#include "cli/options.hpp"
#include "roofline/layer_points.hpp"
#include "roofline/report.hpp"

namespace systole::cli {
namespace {

struct RooflineOptions {
  std::vector<std::string> models;
  std::string backend = "hls", config = "default", out, synth, ceilings_cache;
  net::PlacePolicy place = net::PlacePolicy::Auto;
  bool json = false, validate = false, no_cpu = false, no_onednn = false, quick_ceilings = false;
  double max_error = -1, max_mean_error = -1;
  uint64_t seed = 1;
};

void print_layers(const roofline::RooflineReport& r) {
  fmt::print("{:>3} {:<28} {:<5} {:>9} {:>8} {:>9} {:>6} {:>9} {:>8}", "#", "layer", "where", "cycles", "ops/B", "ops/s", "%roof",
             "model", "error");
  if (r.has_energy) fmt::print(" {:>8}", "uJ");
  if (r.has_cpu) fmt::print(" {:>8} {:>9} {:>6} {:>9} {:>6}", "CPU ops/B", "own ops/s", "%roof", "oneDNN", "%roof");
  fmt::print("\n");
  for (const roofline::LayerPoint& l : r.layers) {
    fmt::print("{:>3} {:<28.28} {:<5} ", l.number, l.name, l.placement);
    if (l.accel)
      fmt::print("{:>9} {:>8.1f} {:>9} {:>5.1f}% {:>9.0f} {:>+7.2f}%", l.cycles, l.accel_intensity, roofline::si(l.accel_ops_per_s),
                 l.accel_pct_of_roof, l.model_cycles, l.model_error_pct);
    else
      fmt::print("{:>9} {:>8} {:>9} {:>6} {:>9} {:>8}", "-", "-", "-", "-", "-", "-");
    if (r.has_energy) fmt::print(" {:>8}", l.accel && l.has_energy ? fmt::format("{:.2f}", l.energy_pj * 1e-6) : std::string("-"));
    if (r.has_cpu) {
      fmt::print(" {:>9.1f}", l.cpu_intensity);
      for (const roofline::CpuPoint* c : {&l.own, &l.onednn})
        if (c->timed) fmt::print(" {:>9} {:>5.1f}%", roofline::si(c->ops_per_s), c->pct_of_roof);
        else fmt::print(" {:>9} {:>6}", "-", "-");
    }
    fmt::print("\n");
  }
}

void print_validation_table(const roofline::RooflineReport& r) {
  fmt::print("{:>3} {:<30} {:<44} {:>10} {:>10} {:>8}\n", "#", "layer", "tiling", "measured", "model", "error");
  for (const roofline::LayerPoint& l : r.layers) {
    if (!l.accel) continue;
    fmt::print("{:>3} {:<30.30} {:<44.44} {:>10} {:>10.0f} {:>+7.2f}%{}\n", l.number, l.name, l.tiling, l.cycles, l.model_cycles,
               l.model_error_pct, std::fabs(l.model_error_pct) > 5 ? "  > 5%" : "");
  }
}

std::string summary_line(const roofline::RooflineReport& r) {
  const roofline::ValidationSummary& v = r.validation;
  return fmt::format("{} on {}/{} (--place {}): {} accelerator conv/GEMM layers, model vs measured cycles: max |error| {:.2f}% "
                     "({}), mean |error| {:.2f}%, total {:+.2f}%",
                     r.source, r.cfg.name, r.backend, r.place, v.layers, v.max_abs_pct, v.worst, v.mean_abs_pct,
                     v.total_measured > 0 ? 100 * (v.total_model - v.total_measured) / v.total_measured : 0.0);
}

nlohmann::ordered_json validation_json(const roofline::RooflineReport& r) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const roofline::LayerPoint& l : r.layers)
    if (l.accel)
      layers.push_back({{"number", l.number},
                        {"name", l.name},
                        {"conv", l.conv},
                        {"tiling", l.tiling},
                        {"measured_cycles", l.cycles},
                        {"model_cycles", l.model_cycles},
                        {"error_pct", l.model_error_pct}});
  const roofline::ValidationSummary& v = r.validation;
  return {{"model", r.source},
          {"config", r.cfg.name},
          {"backend", r.backend},
          {"placement", r.place},
          {"bit_exact", r.bit_exact},
          {"layers", v.layers},
          {"max_abs_error_pct", v.max_abs_pct},
          {"mean_abs_error_pct", v.mean_abs_pct},
          {"worst_layer", v.worst},
          {"measured_cycles", v.total_measured},
          {"model_cycles", v.total_model},
          {"per_layer", layers}};
}

}  // namespace

void add_roofline_command(CLI::App& app) {
  auto o = std::make_shared<RooflineOptions>();
  auto* cmd = app.add_subcommand("roofline", "Per-layer roofline of a network on the accelerator and the CPU; cost-model validation");
  cmd->add_option("model", o->models, "zoo model name (e.g. resnet50) or .onnx file (several with --validate)")->required();
  add_target_options(cmd, o->backend, o->config);
  add_place_option(cmd, o->place);
  cmd->add_option("--out", o->out, "folder for report.html, roofline_accel.svg, roofline_cpu.svg, layers.json, layers.csv");
  cmd->add_option("--synth", o->synth, "synthesis report.json (systole synth): its fmax_mhz replaces the config clock");
  cmd->add_flag("--json", o->json, "print the report (or, with --validate, the validation) as one JSON object");
  cmd->add_flag("--validate", o->validate, "cost model vs measured cycles only (no CPU timing), for one or more models");
  cmd->add_option("--max-error", o->max_error, "exit with status 4 when a layer's |model error| exceeds PCT");
  cmd->add_option("--max-mean-error", o->max_mean_error, "exit with status 4 when the mean |model error| exceeds PCT");
  cmd->add_flag("--no-cpu", o->no_cpu, "skip the CPU points (no kernel timing)");
  cmd->add_flag("--no-onednn", o->no_onednn, "CPU points from the own kernels only");
  cmd->add_option("--ceilings-cache", o->ceilings_cache, "CPU ceilings cache file (default ~/.cache/systole/cpu_ceilings.json; - for none)");
  cmd->add_flag("--quick-ceilings", o->quick_ceilings, "shorter CPU ceiling measurement when none is cached");
  cmd->add_option("--seed", o->seed, "seed of the input and calibration inputs (as systole run)")->capture_default_str();
  cmd->callback([o] {
    if (o->models.size() > 1 && !o->validate) throw Error("one model per report: several models only with --validate");
    if (o->models.size() > 1 && !o->out.empty()) throw Error("--out writes one model's report: give one model");
    if (!o->out.empty()) roofline::prepare_report_dir(o->out);
    if (!o->synth.empty()) roofline::read_synth_fmax(o->synth);  // fail before the run
    const bool progress_on = !o->json && isatty(fileno(stderr));
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    bool exceeded = false;
    for (const std::string& model : o->models) {
      roofline::ReportOptions ro;
      ro.model = model;
      ro.config = o->config;
      ro.backend = o->backend;
      ro.synth = o->synth;
      ro.place = o->place;
      ro.seed = o->seed;
      ro.cpu = !o->no_cpu && !o->validate;
      ro.cpu_budget.onednn = !o->no_onednn;
      ro.cpu_ceilings.cache_path = o->ceilings_cache;
      ro.cpu_ceilings.quick = o->quick_ceilings;
      if (progress_on)
        ro.progress = [](const std::string& s) {
          fmt::print(stderr, "\r  {:<70.70}", s);
          std::fflush(stderr);
        };
      const roofline::RooflineReport r = roofline::build_report(ro);
      if (progress_on) fmt::print(stderr, "\r{:80}\r", "");
      roofline::ReportFiles files;
      if (!o->out.empty()) files = roofline::write_report(r, o->out);
      const roofline::ValidationSummary& v = r.validation;
      if ((o->max_error >= 0 && v.max_abs_pct > o->max_error) || (o->max_mean_error >= 0 && v.mean_abs_pct > o->max_mean_error))
        exceeded = true;
      if (o->json) {
        all.push_back(o->validate ? validation_json(r) : roofline::report_json(r));
        continue;
      }
      if (o->validate) {
        fmt::print("systole roofline --validate: {} on {} via {}\n", r.source, r.cfg.name, r.backend);
        print_validation_table(r);
      } else {
        const roofline::AccelCeilings& a = r.accel;
        fmt::print("systole roofline: {} on {} ({}x{}) via {}\n", r.source, r.cfg.name, a.dim, a.dim, r.backend);
        fmt::print("  accelerator  peak {}ops/s (2 ops/MAC x {}x{} x {:g} MHz, clock from {}), DRAM {}B/s\n", roofline::si(a.peak_ops),
                   a.dim, a.dim, a.clock_mhz, a.clock_source, roofline::si(a.dram().bytes_per_second));
        if (r.has_cpu)
          fmt::print("  CPU          int8 peak {}ops/s per core ({}), DRAM {}B/s per core\n", roofline::si(r.cpu.int8_gops_core * 1e9),
                     r.cpu.int8_isa, roofline::si(r.cpu.bw_core[3] * 1e9));
        print_layers(r);
      }
      fmt::print("  {}\n", summary_line(r));
      if (r.checked) fmt::print("  result       {}\n", r.bit_exact ? "bit-exact with the integer reference" : "MISMATCH against the integer reference");
      if (!o->out.empty()) fmt::print("  wrote        {}, {}{}, {}, {}\n", files.html, files.accel_svg, files.cpu_svg.empty() ? "" : ", " + files.cpu_svg,
                                      files.json, files.csv);
    }
    if (o->json) fmt::print("{}\n", (o->validate ? nlohmann::ordered_json{{"validation", all}} : (all.size() == 1 ? all[0] : all)).dump());
    if (exceeded) throw CLI::RuntimeError(4);
  });
}

}  // namespace systole::cli
