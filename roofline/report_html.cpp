// The self-contained HTML report (inline CSS, inline SVG, no scripts) and the folder writer
// (see report.hpp).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "arch/error.hpp"
#include "roofline/report.hpp"

namespace systole::roofline {

namespace {

const char* kCss = R"(
body { font-family: Helvetica, Arial, sans-serif; font-size: 13px; margin: 24px; color: #111; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
p.meta { color: #444; margin-top: 0; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; }
.plots svg { border: 1px solid #ccc; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-top: 8px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #f0f0f0; font-weight: 600; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { white-space: nowrap; } td.small { font-size: 11px; color: #444; }
td.bad { color: #b00; font-weight: bold; } td.na { color: #aaa; text-align: center; }
tr:nth-child(even) td { background: #fafafa; }
.summary td { border: none; padding: 1px 12px 1px 0; }
dl dt { font-weight: bold; margin-top: 6px; } dl dd { margin-left: 16px; }
)";

std::string esc(const std::string& s) { return xml_escape(s); }
std::string num(double v, const char* f = "{:.3g}") { return fmt::format(fmt::runtime(f), v); }
std::string td_n(const std::string& s, const char* cls = "n") { return fmt::format("<td class=\"{}\">{}</td>", cls, s); }
const std::string kNa = "<td class=\"na\">&ndash;</td>";

}  // namespace

std::string report_html(const RooflineReport& r) {
  const AccelCeilings& a = r.accel;
  const std::string model = r.source.empty() ? r.model : r.source;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + esc(fmt::format("Systole roofline: {} ({}, {})", model, r.cfg.name, r.backend)) + "</title>\n";
  h += "<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
  h += "<h1>" + esc(fmt::format("Roofline: {}", model)) + "</h1>\n";
  h += "<p class=\"meta\">" +
       esc(fmt::format("design point {} ({}x{} array), accelerator counters from the {} backend; {} conv/GEMM layers (placement {})",
                       r.cfg.name, a.dim, a.dim, r.backend, r.layers.size(), r.place.empty() ? "auto" : r.place)) +
       (r.checked ? (r.bit_exact ? "; outputs bit-exact with the integer reference" : "; <b>outputs NOT bit-exact</b>") : "") +
       "</p>\n";

  // Ceilings and validation summary.
  h += "<h2>Ceilings</h2>\n<table class=\"summary\">\n";
  h += fmt::format("<tr><td>accelerator clock</td><td>{:g} MHz</td><td>from {}</td></tr>\n", a.clock_mhz, esc(a.clock_source));
  h += fmt::format("<tr><td>accelerator compute</td><td>{}ops/s</td><td>2 ops per MAC &times; {}&sup2; MACs/cycle &times; {:g} MHz</td></tr>\n",
                   si(a.peak_ops), a.dim, a.clock_mhz);
  for (const MemoryRoof& m : a.memory)
    h += fmt::format("<tr><td>accelerator {}</td><td>{}B/s</td><td>{:g} B/cycle: {}; ridge {:.3g} ops/byte</td></tr>\n", esc(m.name),
                     si(m.bytes_per_second), m.bytes_per_cycle, esc(m.basis), m.ridge);
  if (r.has_cpu) {
    const CpuCeilings& c = r.cpu;
    h += fmt::format("<tr><td>CPU int8 (1 core)</td><td>{}ops/s</td><td>{} measured {} ({})</td></tr>\n", si(c.int8_gops_core * 1e9),
                     esc(c.int8_isa), esc(c.measured_at), esc(c.cpu_model));
    static const char* kLv[] = {"L1", "L2", "L3", "DRAM"};
    for (int i = 0; i < 4; ++i)
      h += fmt::format("<tr><td>CPU {} read (1 core)</td><td>{}B/s</td><td>streaming read, measured</td></tr>\n", kLv[i],
                       si(c.bw_core[i] * 1e9));
  }
  h += "</table>\n";
  const ValidationSummary& v = r.validation;
  h += "<h2>Analytical model vs measured cycles</h2>\n";
  if (v.layers) {
    h += "<p>" +
         esc(fmt::format("compiler/cost_model (the model the compiler chooses tilings with) against the {} backend's cycle counter "
                         "on {} accelerator conv/GEMM layers: max |error| {:.2f}% ({}), mean |error| {:.2f}%; total {:.0f} model vs "
                         "{:.0f} measured cycles ({:+.2f}%).",
                         r.backend, v.layers, v.max_abs_pct, v.worst, v.mean_abs_pct, v.total_model, v.total_measured,
                         v.total_measured > 0 ? 100 * (v.total_model - v.total_measured) / v.total_measured : 0.0)) +
         (r.backend == "hls" ? " The hls backend's cycles come from the per-instruction timing model; the cycle-accurate truth is "
                               "<code>--backend rtl</code>."
                             : "") +
         "</p>\n";
  } else {
    h += "<p>No layer ran on the accelerator.</p>\n";
  }

  h += "<h2>Roofline plots</h2>\n<div class=\"plots\">\n";
  h += render_roofline_svg(accel_plot(r));
  if (r.has_cpu) h += render_roofline_svg(cpu_plot(r));
  h += "</div>\n";

  // The table.
  h += "<h2>Layers</h2>\n<table class=\"layers\">\n<tr><th>#</th><th>layer</th><th>geometry</th><th>placed</th><th>ops</th>"
       "<th>accel cycles</th><th>accel DRAM bytes</th><th>accel intensity<br>ops/B</th><th>accel bound<br>ops/s</th>"
       "<th>accel achieved<br>ops/s</th><th>% of roof</th><th>util.</th><th>model cycles</th><th>model error</th>";
  if (r.has_energy) h += "<th>energy<br>&micro;J</th>";
  if (r.has_cpu)
    h += "<th>CPU bytes</th><th>CPU intensity<br>ops/B</th><th>CPU bound<br>ops/s</th><th>own kernel</th><th>own achieved<br>ops/s</th>"
         "<th>own % of roof</th><th>oneDNN achieved<br>ops/s</th><th>oneDNN % of roof</th>";
  h += "</tr>\n";
  for (const LayerPoint& l : r.layers) {
    h += "<tr>" + td_n(std::to_string(l.number)) + "<td class=\"name\">" + esc(l.name) + "</td><td class=\"small\">" + esc(l.conv) +
         "</td><td class=\"small\" title=\"" + esc(l.reason) + "\">" + esc(l.placement) + "</td>" + td_n(si(l.ops));
    if (l.accel) {
      h += td_n(std::to_string(l.cycles)) + td_n(si(double(l.dram_rd + l.dram_wr))) + td_n(num(l.accel_intensity)) +
           td_n(si(l.accel_bound) + " " + (l.accel_bound_by == "DRAM" ? "(DRAM)" : "(compute)")) + td_n(si(l.accel_ops_per_s)) +
           td_n(num(l.accel_pct_of_roof, "{:.1f}%")) + td_n(num(l.utilization, "{:.3f}")) + td_n(num(l.model_cycles, "{:.0f}")) +
           td_n(num(l.model_error_pct, "{:+.2f}%"), std::fabs(l.model_error_pct) > 5 ? "n bad" : "n");
      if (r.has_energy) h += l.has_energy ? td_n(num(l.energy_pj * 1e-6, "{:.4g}")) : kNa;
    } else {
      for (int i = 0; i < 9 + (r.has_energy ? 1 : 0); ++i) h += kNa;
    }
    if (r.has_cpu) {
      h += td_n(si(double(l.cpu_bytes))) + td_n(num(l.cpu_intensity)) + td_n(si(l.cpu_bound));
      if (l.own.timed) h += "<td class=\"small\">" + esc(l.own.impl) + "</td>" + td_n(si(l.own.ops_per_s)) + td_n(num(l.own.pct_of_roof, "{:.1f}%"));
      else h += kNa + kNa + kNa;
      if (l.onednn.timed) h += td_n(si(l.onednn.ops_per_s)) + td_n(num(l.onednn.pct_of_roof, "{:.1f}%"));
      else h += "<td class=\"na\" title=\"" + esc(l.onednn.error) + "\">&ndash;</td>" + kNa;
    }
    h += "</tr>\n";
  }
  h += "</table>\n";

  h += R"(<h2>Columns</h2>
<dl>
<dt>ops</dt><dd>2 &times; MACs of the layer (2 ops per multiply-accumulate).</dd>
<dt>accel cycles, DRAM bytes</dt><dd>The hardware counters of the layer's program on the chosen backend: <code>cycles</code>, <code>dram_rd_bytes + dram_wr_bytes</code> (data moved by LOAD and STORE; instruction fetch excluded).</dd>
<dt>accel intensity</dt><dd>ops / counted DRAM bytes.</dd>
<dt>accel bound</dt><dd>min(compute roof, DRAM bandwidth &times; intensity): the best this layer could reach at its measured traffic.</dd>
<dt>accel achieved, % of roof</dt><dd>ops / (cycles / clock), and that as a percentage of the bound.</dd>
<dt>util.</dt><dd>MACs / (cycles &times; DIM&sup2;).</dd>
<dt>model cycles, model error</dt><dd>The compiler's analytical cost model (compiler/cost_model) for the tiling it chose, and (model &minus; measured) / measured.</dd>
<dt>energy</dt><dd>Estimated energy of the layer on the accelerator: the cost model's on-chip access counts (scratchpad, accumulator, MACs) with the run's counted DRAM bytes, times the per-access energy table of roofline/energy.hpp (source in layers.json, docs/energy_area.md).</dd>
<dt>CPU bytes, CPU intensity</dt><dd>Compulsory bytes: input + weights + output (int8) + 12 bytes of requantization parameters per output channel, each once; ops / those bytes.</dd>
<dt>CPU bound</dt><dd>min(measured int8 peak of one core, measured single-core DRAM read bandwidth &times; intensity).</dd>
<dt>own kernel, own achieved</dt><dd>The fastest of the kit's exact int8 convolutions (im2col, kn2row, direct; zero point and requantization to int8 included, weights packed per call), one thread, best of several runs.</dd>
<dt>oneDNN achieved</dt><dd>oneDNN's int8 convolution, u8 NHWC source without zero point, s32 destination, no requantization (less work than the own kernel), weights reordered once outside the timing, one thread.</dd>
</dl>
)";
  h += "</body>\n</html>\n";
  return h;
}

void prepare_report_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw Error("--out: empty folder name");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Error(fmt::format("--out {}: cannot create the report folder ({})", dir, ec ? ec.message() : "a file is in the way"));
  const fs::path probe = fs::path(dir) / ".systole_write_test";
  {
    std::ofstream o(probe);
    if (!o) throw Error(fmt::format("--out {}: the folder is not writable", dir));
  }
  fs::remove(probe, ec);
}

ReportFiles write_report(const RooflineReport& r, const std::string& dir) {
  namespace fs = std::filesystem;
  prepare_report_dir(dir);
  ReportFiles f;
  auto put = [&](const std::string& name, const std::string& text) {
    const std::string path = (fs::path(dir) / name).string();
    std::ofstream o(path, std::ios::binary);
    o << text;
    o.close();
    if (!o) throw Error(fmt::format("--out {}: cannot write {}", dir, path));
    return path;
  };
  f.html = put("report.html", report_html(r));
  f.accel_svg = put("roofline_accel.svg", render_roofline_svg(accel_plot(r)));
  if (r.has_cpu) f.cpu_svg = put("roofline_cpu.svg", render_roofline_svg(cpu_plot(r)));
  f.json = put("layers.json", report_json(r).dump(2) + "\n");
  f.csv = put("layers.csv", report_csv(r));
  return f;
}

}  // namespace systole::roofline
