// Sub-commands of the `systole` CLI; each file cli/<name>_cmd.cpp adds one to the app.
#pragma once
#include <CLI/CLI.hpp>

namespace systole::cli {

void add_gemm_command(CLI::App& app);
void add_asm_commands(CLI::App& app);
void add_config_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_accuracy_command(CLI::App& app);
void add_conformance_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_dse_command(CLI::App& app);
void add_roofline_command(CLI::App& app);
void add_zynq_command(CLI::App& app);

}  // namespace systole::cli
