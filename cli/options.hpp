// Command-line options shared by several sub-commands (which device, placement, calibration),
// declared once so every command spells, documents and converts them the same way.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "compiler/net/placement.hpp"
#include "compiler/quant/calibrate.hpp"

namespace systole::cli {

// --backend and --config.
void add_target_options(CLI::App* cmd, std::string& backend, std::string& config);

// --place auto|accel|cpu, parsed straight into the policy.
void add_place_option(CLI::App* cmd, net::PlacePolicy& policy);

// --observer minmax|percentile and --percentile, parsed straight into the calibration options.
void add_calibration_options(CLI::App* cmd, quant::CalibrationOptions& calib);

}  // namespace systole::cli
