// See options.hpp.
#include "cli/options.hpp"

#include <map>
#include <vector>

namespace systole::cli {

void add_target_options(CLI::App* cmd, std::string& backend, std::string& config) {
  cmd->add_option("--backend", backend, "driver backend (hls, rtl, ...)")->capture_default_str();
  cmd->add_option("--config", config, "preset (tiny, default, large) or TOML file")->capture_default_str();
}

namespace {
// A choice among named values: the user sees and types the names, the caller gets the value.
template <class T>
void add_choice(CLI::App* cmd, const char* flag, T& target, const std::map<std::string, T>& names, const char* help) {
  std::vector<std::string> keys;
  std::string def;
  for (const auto& [n, v] : names) {
    keys.push_back(n);
    if (v == target) def = n;
  }
  cmd->add_option_function<std::string>(flag, [&target, &names](const std::string& s) { target = names.at(s); }, help)
      ->check(CLI::IsMember(keys))
      ->default_str(def);
}
}  // namespace

void add_place_option(CLI::App* cmd, net::PlacePolicy& policy) {
  static const std::map<std::string, net::PlacePolicy> names = {
      {"auto", net::PlacePolicy::Auto}, {"accel", net::PlacePolicy::Accel}, {"cpu", net::PlacePolicy::Cpu}};
  add_choice(cmd, "--place", policy, names, "placement of convolutions: auto (cost models), accel (whenever they fit), cpu");
}

void add_calibration_options(CLI::App* cmd, quant::CalibrationOptions& calib) {
  static const std::map<std::string, quant::Observer> names = {{"minmax", quant::Observer::MinMax},
                                                              {"percentile", quant::Observer::Percentile}};
  add_choice(cmd, "--observer", calib.observer, names, "calibration observer: minmax or percentile");
  cmd->add_option("--percentile", calib.percentile, "percentile observer's upper percentile")->capture_default_str();
}

}  // namespace systole::cli
