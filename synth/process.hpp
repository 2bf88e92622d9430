// Running the external FPGA tools (yosys, nextpnr-ice40, icepack): locating them on PATH
// with an error that names the Debian package to install, and running one with its output
// captured in a log file.
#pragma once
#include <string>
#include <vector>

namespace systole::synth {

// Full path of `tool` on PATH, or "" when absent.
std::string find_tool(const std::string& tool);
// Throws systole::Error "<tool> not found on PATH: install the Debian package '<package>'
// (scripts/setup.sh installs it)" when absent; returns the path otherwise.
std::string require_tool(const std::string& tool, const std::string& package);
// Runs argv[0] (looked up on PATH) with stdout and stderr appended to `log_path`; returns
// its exit status (128 + signal when killed). Throws systole::Error if it cannot start.
int run_logged(const std::vector<std::string>& argv, const std::string& log_path);
// The first line of `log_path` starting with "ERROR" (Yosys, nextpnr), or its last line.
std::string first_error_line(const std::string& log_path);

}  // namespace systole::synth
