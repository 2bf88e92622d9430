// The synthesis report: parsers for the tools' outputs (Yosys `stat`, the nextpnr --report
// JSON), the grouping of technology cells into resource classes (LUT, FF, carry, DSP, BRAM,
// ...), utilization against the device, flow step times, and the text / JSON renderings.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/params.hpp"
#include "synth/targets.hpp"

namespace systole::synth {

// Cell type -> count from Yosys `stat` output: the design-hierarchy totals when present
// (hierarchical netlist), else the last module section (flat netlist). Throws
// systole::Error when the text holds no statistics.
std::map<std::string, double> parse_yosys_stat(const std::string& text);

struct Resource {
  std::string name;       // lut, ff, carry, dsp, bram, spram, lutram, io, ...
  double used = 0;
  double available = 0;   // 0: unknown / none on the device
  std::string cells;      // which cells were counted ("SB_LUT4")
  double utilization() const { return available > 0 ? used / available : 0; }
};

// Resource classes of a family from its cell counts (BRAM of xc7 in RAMB36 equivalents).
std::vector<Resource> classify_cells(Family f, const std::map<std::string, double>& cells, const Capacity& cap);

struct NextpnrReport {
  std::map<std::string, Resource> utilization;  // ICESTORM_LC, ICESTORM_RAM, SB_IO, ...
  struct Clock {
    std::string name;
    double achieved_mhz = 0, constraint_mhz = 0;
  };
  std::vector<Clock> clocks;
};
// Parses `nextpnr-* --report` JSON; throws systole::Error on malformed input.
NextpnrReport parse_nextpnr_report(const std::string& json_text);

struct StepTime {
  std::string step;  // yosys, nextpnr, icepack
  double seconds = 0;
  std::string log;   // file name in the output folder
};

struct Report {
  std::string target, device, board, design, top, config_name;
  std::string effective_config;         // name of the config actually built (config.toml)
  TopParams params;
  std::vector<std::string> overrides;
  std::map<std::string, double> cells;  // Yosys cells
  std::vector<Resource> synth;          // from Yosys
  bool placed = false;
  std::vector<Resource> pnr;            // from nextpnr (placed design)
  std::vector<Resource> packed;         // from nextpnr --pack-only (iCE40 netlist too large to place)
  double fmax_mhz = 0, clock_mhz = 0;   // achieved Fmax (worst clock), board clock
  std::vector<StepTime> steps;
  std::vector<std::string> notes;       // what the flow decided on its own (DSP fallback)
  std::vector<std::string> problems;    // does-not-fit, timing failures
  std::vector<std::string> outputs;     // files written (bitstream, netlist, logs)
  bool ok() const { return problems.empty(); }
};

// Resources over 100% of the device's capacity, one message each.
std::vector<std::string> over_capacity(const std::vector<Resource>& res, const std::string& device);

std::string report_text(const Report& r);
nlohmann::json report_json(const Report& r);

}  // namespace systole::synth
