// JSON and CSV renderings of the layer table (see report.hpp). Both come from layer_row, so
// they hold the same fields with the same values.
#include <fmt/format.h>

#include "roofline/csv.hpp"
#include "roofline/report.hpp"

namespace systole::roofline {

using ojson = nlohmann::ordered_json;

ojson layer_row(const RooflineReport& r, const LayerPoint& l) {
  ojson j;
  auto acc = [&](auto v) { return l.accel ? ojson(v) : ojson(nullptr); };
  auto cpu = [&](const CpuPoint& c, auto v) { return c.timed ? ojson(v) : ojson(nullptr); };
  j["number"] = l.number;
  j["name"] = l.name;
  j["onnx_op"] = l.onnx_op;
  j["conv"] = l.conv;
  j["placement"] = l.placement;
  j["macs"] = l.macs;
  j["ops"] = l.ops;
  j["accel_cycles"] = acc(l.cycles);
  j["accel_dram_rd_bytes"] = acc(l.dram_rd);
  j["accel_dram_wr_bytes"] = acc(l.dram_wr);
  j["accel_seconds"] = acc(l.accel_seconds);
  j["accel_intensity"] = acc(l.accel_intensity);
  j["accel_bound_ops_per_s"] = acc(l.accel_bound);
  j["accel_bound_by"] = acc(l.accel_bound_by);
  j["accel_ops_per_s"] = acc(l.accel_ops_per_s);
  j["accel_pct_of_roof"] = acc(l.accel_pct_of_roof);
  j["utilization"] = acc(l.utilization);
  j["tiling"] = acc(l.tiling);
  j["model_cycles"] = acc(l.model_cycles);
  j["model_error_pct"] = acc(l.model_error_pct);
  if (r.has_energy) j["accel_energy_uj"] = l.accel && l.has_energy ? ojson(l.energy_pj * 1e-6) : ojson(nullptr);
  j["cpu_bytes"] = l.cpu_bytes;
  j["cpu_intensity"] = l.cpu_intensity;
  j["cpu_bound_ops_per_s"] = r.has_cpu ? ojson(l.cpu_bound) : ojson(nullptr);
  j["cpu_bound_by"] = r.has_cpu ? ojson(l.cpu_bound_by) : ojson(nullptr);
  j["cpu_own_impl"] = cpu(l.own, l.own.impl);
  j["cpu_own_seconds"] = cpu(l.own, l.own.seconds);
  j["cpu_own_ops_per_s"] = cpu(l.own, l.own.ops_per_s);
  j["cpu_own_pct_of_roof"] = cpu(l.own, l.own.pct_of_roof);
  j["cpu_onednn_impl"] = cpu(l.onednn, l.onednn.impl);
  j["cpu_onednn_seconds"] = cpu(l.onednn, l.onednn.seconds);
  j["cpu_onednn_ops_per_s"] = cpu(l.onednn, l.onednn.ops_per_s);
  j["cpu_onednn_pct_of_roof"] = cpu(l.onednn, l.onednn.pct_of_roof);
  j["reason"] = l.reason;
  return j;
}

ojson report_json(const RooflineReport& r) {
  ojson j;
  j["model"] = r.source.empty() ? r.model : r.source;
  j["config"] = r.cfg.name;
  j["backend"] = r.backend;
  j["placement"] = r.place;
  j["checked"] = r.checked;
  j["bit_exact"] = r.checked ? ojson(r.bit_exact) : ojson(nullptr);
  const AccelCeilings& a = r.accel;
  ojson roofs = ojson::array();
  for (const MemoryRoof& m : a.memory)
    roofs.push_back({{"name", m.name},
                     {"bytes_per_cycle", m.bytes_per_cycle},
                     {"bytes_per_second", m.bytes_per_second},
                     {"ridge_ops_per_byte", m.ridge},
                     {"basis", m.basis}});
  j["accel_ceilings"] = {{"dim", a.dim},
                         {"clock_mhz", a.clock_mhz},
                         {"clock_source", a.clock_source},
                         {"config_clock_mhz", a.config_clock_mhz},
                         {"ops_per_cycle", a.ops_per_cycle},
                         {"peak_ops_per_s", a.peak_ops},
                         {"peak_formula", "2 ops per MAC x DIM^2 MACs per cycle x clock"},
                         {"memory", roofs}};
  if (r.has_cpu) {
    const CpuCeilings& c = r.cpu;
    j["cpu_ceilings"] = {{"cpu_model", c.cpu_model},
                         {"int8_isa", c.int8_isa},
                         {"kernel_isa", r.cpu_isa},
                         {"threads", 1},
                         {"int8_ops_per_s", c.int8_gops_core * 1e9},
                         {"bandwidth_bytes_per_s",
                          {{"l1", c.bw_core[0] * 1e9}, {"l2", c.bw_core[1] * 1e9}, {"l3", c.bw_core[2] * 1e9}, {"dram", c.bw_core[3] * 1e9}}},
                         {"measured_at", c.measured_at},
                         {"onednn", r.has_onednn}};
  } else {
    j["cpu_ceilings"] = nullptr;
  }
  const ValidationSummary& v = r.validation;
  j["model_validation"] = {{"backend", r.backend},
                           {"layers", v.layers},
                           {"max_abs_error_pct", v.max_abs_pct},
                           {"mean_abs_error_pct", v.mean_abs_pct},
                           {"worst_layer", v.worst},
                           {"measured_cycles", v.total_measured},
                           {"model_cycles", v.total_model}};
  j["accel_cycles"] = r.accel_cycles;
  j["energy"] = r.has_energy ? ojson{{"unit", "uJ per layer (accel_energy_uj)"}, {"source", r.energy_source}} : ojson(nullptr);
  ojson layers = ojson::array();
  for (const LayerPoint& l : r.layers) layers.push_back(layer_row(r, l));
  j["layers"] = layers;
  j["wall_seconds"] = r.wall_seconds;
  return j;
}

namespace {
std::string csv_cell(const ojson& v) {
  if (v.is_null()) return "";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return fmt::format("{:.9g}", v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return csv_field(v.is_string() ? v.get<std::string>() : v.dump());
}
}  // namespace

std::string report_csv(const RooflineReport& r) {
  std::string out;
  LayerPoint empty;
  const ojson head = layer_row(r, r.layers.empty() ? empty : r.layers.front());
  bool first = true;
  for (const auto& [k, v] : head.items()) out += (first ? "" : ",") + k, first = false;
  out += "\n";
  for (const LayerPoint& l : r.layers) {
    first = true;
    const ojson row = layer_row(r, l);  // kept alive for the loop (items() does not own it)
    for (const auto& [k, v] : row.items()) out += (first ? "" : ",") + csv_cell(v), first = false;
    out += "\n";
  }
  return out;
}

}  // namespace systole::roofline
