// Per-access energy table and the energy of access counts (see energy.hpp). The default
// values and their sources are in docs/energy_area.md; keep the two in step.
#include "roofline/energy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "arch/error.hpp"

namespace systole::roofline {

EnergyCounts& EnergyCounts::operator+=(const EnergyCounts& o) {
  macs += o.macs, spad_rd_bytes += o.spad_rd_bytes, spad_wr_bytes += o.spad_wr_bytes;
  acc_rd_bytes += o.acc_rd_bytes, acc_wr_bytes += o.acc_wr_bytes;
  dram_rd_bytes += o.dram_rd_bytes, dram_wr_bytes += o.dram_wr_bytes;
  return *this;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
  mac_pj += o.mac_pj, spad_pj += o.spad_pj, acc_pj += o.acc_pj, dram_pj += o.dram_pj, total_pj += o.total_pj;
  return *this;
}

const EnergyTable& default_energy_table() {
  static const EnergyTable t = [] {
    EnergyTable e;
    // M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
    // 45 nm, 0.9 V: 8-bit multiply 0.2 pJ + 32-bit add 0.1 pJ; SRAM 64-bit read 10 pJ (8 KB),
    // 20 pJ (32 KB), 100 pJ (1 MB); DRAM 1.3-2.6 nJ per 64 bits (low end taken).
    e.mac_pj = 0.2 + 0.1;
    e.sram_curve = {{8, 10.0 / 8}, {32, 20.0 / 8}, {1024, 100.0 / 8}};
    e.sram_size_scaled = true;
    e.spad_pj_per_byte = sram_pj_per_byte(e, 64);  // default config: 256 KiB in 4 banks
    e.acc_pj_per_byte = sram_pj_per_byte(e, 32);   // 64 KiB in 2 banks
    e.dram_pj_per_byte = 1300.0 / 8;
    e.node = "45 nm";
    e.source = "Horowitz ISSCC 2014 (45 nm): MAC 0.3 pJ, SRAM 1.25-12.5 pJ/B by bank size, DRAM 162.5 pJ/B";
    return e;
  }();
  return t;
}

double sram_pj_per_byte(const EnergyTable& t, double kib) {
  const auto& c = t.sram_curve;
  if (c.empty()) throw Error("energy table: sram_curve is empty");
  if (c.size() == 1) return c[0].pj_per_byte;
  kib = std::max(kib, 1e-3);
  // Log-log interpolation on the segment holding kib; the end segments extend outwards.
  size_t i = 0;
  while (i + 2 < c.size() && kib > c[i + 1].kib) ++i;
  const double x0 = std::log(c[i].kib), x1 = std::log(c[i + 1].kib);
  const double y0 = std::log(c[i].pj_per_byte), y1 = std::log(c[i + 1].pj_per_byte);
  return std::exp(y0 + (std::log(kib) - x0) * (y1 - y0) / (x1 - x0));
}

EnergyTable energy_table_for(const EnergyTable& t, const Config& cfg) {
  EnergyTable r = t;
  if (t.sram_size_scaled) {
    r.spad_pj_per_byte = sram_pj_per_byte(t, double(cfg.spad_kib) / std::max(1u, cfg.spad_banks));
    r.acc_pj_per_byte = sram_pj_per_byte(t, double(cfg.acc_kib) / std::max(1u, cfg.acc_banks));
  }
  return r;
}

EnergyTable parse_energy_table(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column, e.description()));
  }
  const toml::table* sec = root["energy"].as_table();
  if (!sec) throw Error(fmt::format("{}: no [energy] table", origin));
  EnergyTable t = default_energy_table();
  bool fixed_sram = false;
  for (auto& kv : *sec) {
    const std::string key(kv.first.str());
    auto& v = kv.second;  // not a structured binding: clang 14 cannot capture one in the lambda
    auto num = [&]() {
      auto d = v.value<double>();
      if (!d || v.is_boolean() || *d < 0) throw Error(fmt::format("{}: [energy] {} must be a non-negative number", origin, key));
      return *d;
    };
    if (key == "mac_pj") t.mac_pj = num();
    else if (key == "spad_pj_per_byte") t.spad_pj_per_byte = num(), fixed_sram = true;
    else if (key == "acc_pj_per_byte") t.acc_pj_per_byte = num(), fixed_sram = true;
    else if (key == "dram_pj_per_byte") t.dram_pj_per_byte = num();
    else if (key == "source" && v.is_string()) t.source = *v.value<std::string>();
    else if (key == "node" && v.is_string()) t.node = *v.value<std::string>();
    else if (key == "sram_size_scaled" && v.is_boolean()) t.sram_size_scaled = *v.value<bool>();
    else if (key == "sram_curve" && v.is_array()) {
      t.sram_curve.clear();
      for (auto& p : *v.as_array()) {
        const toml::array* a = p.as_array();
        const double kib = a && a->size() == 2 ? (*a)[0].value_or(-1.0) : -1.0;
        const double pj = a && a->size() == 2 ? (*a)[1].value_or(-1.0) : -1.0;
        if (kib <= 0 || pj <= 0)
          throw Error(fmt::format("{}: [energy] sram_curve entries are [kib, pj_per_byte] pairs of positive numbers", origin));
        if (!t.sram_curve.empty() && kib <= t.sram_curve.back().kib)
          throw Error(fmt::format("{}: [energy] sram_curve sizes must increase", origin));
        t.sram_curve.push_back({kib, pj});
      }
      if (t.sram_curve.empty()) throw Error(fmt::format("{}: [energy] sram_curve is empty", origin));
    } else {
      throw Error(fmt::format("{}: unknown or mistyped key [energy] {} (known: mac_pj, spad_pj_per_byte, acc_pj_per_byte, "
                              "dram_pj_per_byte, source, node, sram_size_scaled, sram_curve)",
                              origin, key));
    }
  }
  if (fixed_sram && !sec->contains("sram_size_scaled")) t.sram_size_scaled = false;
  if (!sec->contains("source")) t.source = "custom table " + origin;
  return t;
}

EnergyTable load_energy_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("energy table '{}': cannot open", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_energy_table(ss.str(), path);
}

EnergyBreakdown estimate_energy(const EnergyTable& t, const EnergyCounts& c) {
  EnergyBreakdown b;
  b.mac_pj = double(c.macs) * t.mac_pj;
  b.spad_pj = double(c.spad_rd_bytes + c.spad_wr_bytes) * t.spad_pj_per_byte;
  b.acc_pj = double(c.acc_rd_bytes + c.acc_wr_bytes) * t.acc_pj_per_byte;
  b.dram_pj = double(c.dram_rd_bytes + c.dram_wr_bytes) * t.dram_pj_per_byte;
  b.total_pj = b.mac_pj + b.spad_pj + b.acc_pj + b.dram_pj;
  return b;
}

namespace {

// docs/energy_area.md, "Counts".
EnergyCounts counts(const Config& cfg, uint64_t macs, uint64_t rows, uint64_t weight_rows, uint64_t dram_rd, uint64_t dram_wr) {
  EnergyCounts c;
  const uint64_t dim = cfg.dim;
  c.macs = macs;
  c.dram_rd_bytes = dram_rd;
  c.dram_wr_bytes = dram_wr;
  // Every byte the DMA brings in is written once on chip (the output-path parameters go to
  // the accumulator, the rest to the scratchpad; the parameters are a few rows per layer).
  c.spad_wr_bytes = dram_rd;
  // The array reads each streamed activation row (DIM bytes) and each weight row (DIM bytes).
  c.spad_rd_bytes = (rows + weight_rows) * dim;
  // Each streamed row adds DIM int32 partial sums into the accumulator (read, add, write);
  // the output path reads every output value as int32 before requantizing it to one byte.
  c.acc_wr_bytes = rows * dim * 4;
  c.acc_rd_bytes = rows * dim * 4 + dram_wr * 4;
  return c;
}

}  // namespace

EnergyCounts energy_counts_from_cost(const Config& cfg, const compiler::CostEstimate& e) {
  const uint64_t rows = e.array_rows ? e.array_rows : uint64_t(e.compute_cycles + 0.5);
  return counts(cfg, e.macs, rows, e.weight_rows, e.dram_rd_bytes, e.dram_wr_bytes);
}

EnergyCounts energy_counts_from_counters(const Config& cfg, const driver::Counters& c, uint64_t macs, uint64_t weight_rows) {
  return counts(cfg, macs, c[isa::Counter::ArrayRows], weight_rows, c[isa::Counter::DramRdBytes], c[isa::Counter::DramWrBytes]);
}

}  // namespace systole::roofline
