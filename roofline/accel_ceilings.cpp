// Accelerator ceilings from the config and an optional synthesis report (see accel_ceilings.hpp).
#include "roofline/accel_ceilings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "arch/error.hpp"

namespace systole::roofline {

double AccelCeilings::attainable(double intensity) const {
  return std::min(peak_ops, dram().bytes_per_second * intensity);
}

AccelCeilings accel_ceilings(const Config& cfg, double clock_mhz, const std::string& source) {
  AccelCeilings c;
  c.config = cfg.name;
  c.dim = cfg.dim;
  c.config_clock_mhz = cfg.clock_mhz;
  c.clock_mhz = clock_mhz > 0 ? clock_mhz : cfg.clock_mhz;
  c.clock_source = clock_mhz > 0 ? (source.empty() ? std::string("given") : source) : std::string("config (clock.mhz)");
  const double f = c.clock_mhz * 1e6;
  const double d = cfg.dim;
  c.ops_per_cycle = 2 * d * d;
  c.peak_ops = c.ops_per_cycle * f;
  auto roof = [&](const std::string& name, double bpc, const std::string& basis) {
    MemoryRoof r;
    r.name = name;
    r.bytes_per_cycle = bpc;
    r.bytes_per_second = bpc * f;
    r.ridge = c.ops_per_cycle / bpc;
    r.basis = basis;
    c.memory.push_back(r);
  };
  roof("DRAM", cfg.dram_bytes_per_cycle, "dram.bytes_per_cycle: one DMA beat per cycle, shared by LOAD, STORE and fetch");
  // The scratchpad's two read ports feed the array: activations (A) and weights (B), one row
  // of DIM int8 each per cycle.
  roof("scratchpad", 2 * d, fmt::format("2 read ports (activations, weights) x one {}-byte row per cycle", cfg.spad_row_bytes()));
  // The accumulator's execute port reads and writes one row of DIM int32 per cycle (accumulate).
  roof("accumulator", 2 * 4 * d,
       fmt::format("execute port: read + write of one {}-byte int32 row per cycle (accumulate)", cfg.acc_row_bytes()));
  return c;
}

double read_synth_fmax(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("--synth {}: cannot read the synthesis report", path));
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("--synth {}: not a JSON synthesis report ({})", path, e.what()));
  }
  if (!j.is_object() || !j.contains("fmax_mhz"))
    throw Error(fmt::format("--synth {}: no \"fmax_mhz\" field (a `systole synth` report.json has it once the design is "
                            "placed and routed)",
                            path));
  const nlohmann::json& f = j["fmax_mhz"];
  if (!f.is_number() || !(f.get<double>() > 0))
    throw Error(fmt::format("--synth {}: \"fmax_mhz\" is {}, expected a positive number of MHz", path, f.dump()));
  return f.get<double>();
}

}  // namespace systole::roofline
