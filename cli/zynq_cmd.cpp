// `systole zynq --board pynq-z2|zcu104 --config C --out DIR`: writes the Zynq project of a
// design point (synth/zynq/zynq.hpp): bd.tcl (Vivado block design -> bitstream + .xsa),
// hls.tcl + hls_top.cpp (Vitis HLS of hls/), system-user.dtsi (UIO node, reserved memory,
// u-dma-buf for the "fpga" backend), config.toml. Runs no Xilinx tool.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

#include "arch/config.hpp"
#include "cli/commands.hpp"
#include "synth/zynq/zynq.hpp"

namespace systole::cli {

void add_zynq_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("zynq", "Write the Vivado block design, Vitis HLS script and device tree for a Zynq board");
  struct Opts {
    std::string board = "pynq-z2", config = "tiny", out = "zynq", source_dir;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--board,-b", o->board, fmt::format("board: {}", fmt::join(synth::zynq::board_names(), ", ")))
      ->capture_default_str();
  cmd->add_option("--config,-c", o->config, "design point: preset (tiny, default, large) or TOML file")
      ->capture_default_str();
  cmd->add_option("--out,-o", o->out, "output folder")->capture_default_str();
  cmd->add_option("--source-dir", o->source_dir,
                  "repository root the scripts read rtl/ and hls/ from (default: this build's)");
  cmd->callback([o] {
    const synth::zynq::Project p =
        synth::zynq::make_project(load_config(o->config), o->board, o->source_dir, synth::zynq::default_gen_dir());
    for (const auto& f : synth::zynq::write_project(p, o->out)) fmt::print("wrote {}\n", f);
    fmt::print(
        "{}: {} MHz, {} MiB reserved device memory; then: cd {} && vitis_hls -f hls.tcl (optional) && "
        "vivado -mode batch -source bd.tcl\n",
        p.board, p.clock_mhz, p.dram_bytes >> 20, o->out);
  });
}

}  // namespace systole::cli
