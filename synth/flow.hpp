// The FPGA flow behind `systole synth`: Yosys synthesis of the accelerator (with a board
// top on the iCE40 boards), then for iCE40 nextpnr-ice40 place and route (Fmax from its
// JSON report) and icepack; for xc7 / ecp5 the Yosys resource estimate. Writes the report
// (report.txt, report.json), the effective config (config.toml), the netlist, the
// bitstream and one log per step into the output folder.
#pragma once
#include <functional>
#include <string>

#include "arch/config.hpp"
#include "synth/report.hpp"

namespace systole::synth {

struct FlowOptions {
  std::string target = "ice40-hx8k";
  Config config;
  std::string out_dir = "syn";
  std::string design = "accel";  // accel: the accelerator; array: the PE array alone
  std::string source_dir;        // repository root (rtl/, synth/); default: the build's
  bool board_override = true;    // iCE40: shrink memories to the boards' (docs/synth.md)
  bool place_route = true;       // iCE40: nextpnr + icepack after Yosys
  bool flatten = true;           // false: keep the hierarchy (several times faster Yosys)
  bool dsp_fallback = true;      // iCE40: too many SB_MAC16 -> synthesize again without -dsp
  unsigned seed = 1;             // nextpnr placement seed
  std::function<void(const std::string&)> progress;  // one line per step (may be empty)
};

// The Yosys script of a run (exposed for tests and for reproducing a run by hand).
struct YosysPlan {
  std::string top;
  std::string script;
};
YosysPlan yosys_plan(const FlowOptions& o, const Target& t, const TopParams& p, const std::string& stat_path,
                     const std::string& netlist_path);

// Runs the flow. Throws systole::Error for a missing tool, a failing tool (with the log's
// first error line) or a config that cannot fit; a design found too big after synthesis,
// or one that misses the board clock, comes back with Report::problems set (the report
// files are written either way).
Report run_flow(const FlowOptions& o);

}  // namespace systole::synth
