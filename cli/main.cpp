// `systole`: the command line of the co-design kit. Every failure is one line on stderr
// naming what is wrong, and a non-zero exit status.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "arch/error.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Systole: int8 systolic-array accelerator co-design kit"};
  app.require_subcommand(1);
  systole::cli::add_gemm_command(app);
  systole::cli::add_asm_commands(app);
  systole::cli::add_config_command(app);
  systole::cli::add_bench_command(app);
  systole::cli::add_run_command(app);
  systole::cli::add_accuracy_command(app);
  systole::cli::add_conformance_command(app);
  systole::cli::add_synth_command(app);
  systole::cli::add_export_command(app);
  systole::cli::add_dse_command(app);
  systole::cli::add_roofline_command(app);
  systole::cli::add_zynq_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own failure, already reported by it
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const systole::Error& e) {
    fmt::print(stderr, "systole: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "systole: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
