// `systole synth --target T --config C --out DIR`: FPGA synthesis of a design point
// (synth/flow.hpp): Yosys, then nextpnr-ice40 + icepack on the iCE40 boards, or a Yosys
// resource estimate for xc7 / ecp5. Prints the report; exit 1 when the design does not fit
// or misses the board clock (the report is written all the same).
#include <fmt/format.h>

#include <memory>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "synth/flow.hpp"

namespace systole::cli {

void add_synth_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "Synthesize the accelerator for an FPGA target (report, bitstream on iCE40)");
  struct Opts {
    std::string target = "ice40-hx8k", config = "tiny", out = "syn", design = "accel", source_dir;
    bool no_override = false, no_pnr = false, hier = false, quiet = false;
    unsigned seed = 1;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--target,-t", o->target,
                  fmt::format("target: {}", fmt::join(synth::target_names(), ", ")))
      ->capture_default_str();
  cmd->add_option("--config,-c", o->config, "design point: preset (tiny, default, large) or TOML file")
      ->capture_default_str();
  cmd->add_option("--out,-o", o->out, "output folder (report.txt, report.json, bitstream, logs)")->capture_default_str();
  cmd->add_option("--design", o->design, "accel (the accelerator; board top on iCE40) or array (PE array alone)")
      ->capture_default_str();
  cmd->add_flag("--no-board-override", o->no_override,
                "iCE40: refuse a config whose memories do not fit instead of shrinking them (docs/synth.md)");
  cmd->add_flag("--no-pnr", o->no_pnr, "iCE40: stop after Yosys (no place and route, no bitstream)");
  cmd->add_flag("--hierarchical", o->hier, "keep the hierarchy in Yosys (several times faster, slightly larger counts)");
  cmd->add_option("--seed", o->seed, "nextpnr placement seed")->capture_default_str();
  cmd->add_option("--source-dir", o->source_dir, "repository root holding rtl/ and synth/ (default: this build's)");
  cmd->add_flag("--quiet,-q", o->quiet, "print only the report");
  cmd->callback([o] {
    synth::FlowOptions f;
    f.target = o->target;
    f.config = load_config(o->config);
    f.out_dir = o->out;
    f.design = o->design;
    f.source_dir = o->source_dir;
    f.board_override = !o->no_override;
    f.place_route = !o->no_pnr;
    f.flatten = !o->hier;
    f.seed = o->seed;
    if (!o->quiet) f.progress = [](const std::string& m) { fmt::print(stderr, "synth: {}\n", m); };
    const synth::Report r = synth::run_flow(f);
    fmt::print("{}", synth::report_text(r));
    fmt::print("report: {0}/report.txt, {0}/report.json\n", o->out);
    if (!r.ok()) throw Error(fmt::format("{} for {}: {}", r.design, r.target, fmt::join(r.problems, "; ")));
  });
}

}  // namespace systole::cli
