// The two roofline plots of a report (see report.hpp): the accelerator's ceilings from its
// config with one point per accelerator layer, and the CPU's measured ceilings with one
// point per layer for the own kernel and for oneDNN.
#include <fmt/format.h>

#include "roofline/report.hpp"

namespace systole::roofline {

namespace {
std::string bw_text(double bytes_per_second) { return si(bytes_per_second) + "B/s"; }
}  // namespace

RooflinePlot accel_plot(const RooflineReport& r) {
  const AccelCeilings& a = r.accel;
  RooflinePlot p;
  p.id = "roofline-accel";
  p.title = fmt::format("{} on the accelerator: {} ({}x{}), {} backend", r.source.empty() ? r.model : r.source, r.cfg.name, a.dim,
                        a.dim, r.backend);
  p.subtitle = fmt::format("clock {:g} MHz from {}", a.clock_mhz, a.clock_source);
  p.peak_ops = a.peak_ops;
  p.peak_label = fmt::format("compute {}ops/s = 2 ops/MAC x {}x{} MACs x {:g} MHz", si(a.peak_ops), a.dim, a.dim, a.clock_mhz);
  static const char* kColors[] = {"#1f5fa8", "#2a9d3a", "#8a4fb8", "#666"};
  for (size_t i = 0; i < a.memory.size(); ++i) {
    const MemoryRoof& m = a.memory[i];
    PlotRoof pr;
    pr.label = fmt::format("{} {} ({:g} B/cycle)", m.name, bw_text(m.bytes_per_second), m.bytes_per_cycle);
    pr.bytes_per_second = m.bytes_per_second;
    pr.color = kColors[std::min<size_t>(i, 3)];
    pr.dashed = i > 0;  // on-chip roofs dashed
    p.memory.push_back(pr);
  }
  PlotSeries s;
  s.name = fmt::format("layer on the accelerator ({} counters)", r.backend);
  s.css_class = "accel";
  s.color = "#f28e2b";
  s.shape = 'o';
  for (const LayerPoint& l : r.layers) {
    if (!l.accel) continue;
    PlotPoint q;
    q.number = l.number;
    q.layer = l.name;
    q.intensity = l.accel_intensity;
    q.ops_per_s = l.accel_ops_per_s;
    q.tooltip = fmt::format("{}\n{} cycles, {:.1f} ops/byte, {}ops/s = {:.1f}% of the {} bound; model {:+.2f}%", l.conv, l.cycles,
                            l.accel_intensity, si(l.accel_ops_per_s), l.accel_pct_of_roof, l.accel_bound_by, l.model_error_pct);
    s.points.push_back(q);
    p.legend.push_back({l.number, l.name});
  }
  p.series.push_back(s);
  p.notes.push_back("x: ops (2 per MAC) per DRAM byte the layer's program moved (counters dram_rd_bytes + dram_wr_bytes; "
                    "instruction fetch excluded)");
  p.notes.push_back("dashed: on-chip roofs, the bandwidth of the scratchpad / accumulator ports feeding the array (their own "
                    "intensity axis: ops per on-chip byte)");
  return p;
}

RooflinePlot cpu_plot(const RooflineReport& r) {
  const CpuCeilings& c = r.cpu;
  RooflinePlot p;
  p.id = "roofline-cpu";
  p.title = fmt::format("{} on the CPU: one core", r.source.empty() ? r.model : r.source);
  p.subtitle = fmt::format("{}; ceilings measured {} ({})", c.cpu_model, c.measured_at, c.int8_isa);
  p.peak_ops = c.int8_gops_core * 1e9;
  p.peak_label = fmt::format("int8 peak {}ops/s per core ({}, measured)", si(p.peak_ops), c.int8_isa);
  static const char* kNames[] = {"L1", "L2", "L3", "DRAM"};
  static const char* kColors[] = {"#9ab", "#79a", "#578", "#1f5fa8"};
  for (int i = 0; i < 4; ++i) {
    if (!(c.bw_core[i] > 0)) continue;
    PlotRoof pr;
    pr.label = fmt::format("{} {}", kNames[i], bw_text(c.bw_core[i] * 1e9));
    pr.bytes_per_second = c.bw_core[i] * 1e9;
    pr.color = kColors[i];
    pr.dashed = i < 3;
    p.memory.push_back(pr);
  }
  PlotSeries own, dn;
  own.name = fmt::format("own int8 kernel ({}; fastest of im2col, kn2row, direct)", r.cpu_isa);
  own.css_class = "own";
  own.color = "#4e79a7";
  own.shape = 'o';
  dn.name = "oneDNN int8 convolution (no requantization)";
  dn.css_class = "onednn";
  dn.color = "#59a14f";
  dn.shape = 's';
  for (const LayerPoint& l : r.layers) {
    for (auto [cp, ser] : {std::pair{&l.own, &own}, std::pair{&l.onednn, &dn}}) {
      if (!cp->timed) continue;
      PlotPoint q;
      q.number = l.number;
      q.layer = l.name;
      q.intensity = l.cpu_intensity;
      q.ops_per_s = cp->ops_per_s;
      q.tooltip = fmt::format("{}\n{}: {:.3f} ms, {}ops/s = {:.1f}% of the {} bound", l.conv, cp->impl, cp->seconds * 1e3,
                              si(cp->ops_per_s), cp->pct_of_roof, l.cpu_bound_by);
      ser->points.push_back(q);
    }
    p.legend.push_back({l.number, l.name});
  }
  p.series.push_back(own);
  if (r.has_onednn) p.series.push_back(dn);
  p.notes.push_back("x: ops (2 per MAC) per compulsory byte: input + weights + output activations (int8) + 12 bytes of "
                    "requantization parameters per output channel, each counted once");
  p.notes.push_back("dashed: cache-level roofs (single-thread streaming read bandwidth of L1 / L2 / L3)");
  return p;
}

}  // namespace systole::roofline
