// `systole roofline` as a user runs it: the report folder and its files, the clock from a
// synthesis report, the cost-model validation on the cycle-accurate rtl backend (tiny
// config: the Verilated 4x4 model, cheap), and the errors for bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/roofline/xml_check.hpp"

namespace {

namespace fs = std::filesystem;

struct CmdResult {
  int status = -1;
  std::string out;  // stdout
  std::string all;  // stdout and stderr
};

CmdResult systole(const std::string& args) {
  CmdResult r;
  const fs::path err = fs::temp_directory_path() / ("systole_roofline_cli_" + std::to_string(::getpid()) + ".err");
  const std::string cmd = std::string(SYSTOLE_BIN) + " " + args + " 2>" + err.string();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream e(err);
  std::stringstream ss;
  ss << e.rdbuf();
  r.all = r.out + ss.str();
  fs::remove(err);
  return r;
}

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("systole_roofline_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RooflineCli, WritesTheReportFolder) {
  const fs::path dir = temp_dir("out");
  const fs::path synth = dir.string() + "_synth.json";
  std::ofstream(synth) << R"~({"target": "xc7", "fmax_mhz": 150.0})~";
  const CmdResult r = systole("roofline small_cnn --no-cpu --out " + dir.string() + " --synth " + synth.string());
  ASSERT_EQ(r.status, 0) << r.all;
  for (const char* f : {"report.html", "roofline_accel.svg", "layers.json", "layers.csv"}) EXPECT_TRUE(fs::exists(dir / f)) << f;
  const nlohmann::json j = nlohmann::json::parse(slurp(dir / "layers.json"));
  EXPECT_DOUBLE_EQ(j["accel_ceilings"]["clock_mhz"].get<double>(), 150.0);
  EXPECT_NE(j["accel_ceilings"]["clock_source"].get<std::string>().find("synthesis"), std::string::npos);
  EXPECT_DOUBLE_EQ(j["accel_ceilings"]["peak_ops_per_s"].get<double>(), 2.0 * 16 * 16 * 150e6);
  EXPECT_TRUE(j["bit_exact"].get<bool>());
  ASSERT_GE(j["layers"].size(), 4u);
  const std::string html = slurp(dir / "report.html"), svg = slurp(dir / "roofline_accel.svg");
  EXPECT_EQ(systole::roofline::testing::check_markup(html, true), "");
  EXPECT_EQ(systole::roofline::testing::check_markup(svg, false), "");
  EXPECT_NE(svg.find("150 MHz"), std::string::npos);
  for (const auto& l : j["layers"]) {
    const std::string name = l["name"].get<std::string>();
    EXPECT_NE(html.find(name), std::string::npos) << name;
    if (l["placement"] == "accel") {
      EXPECT_NE(svg.find("data-layer=\"" + name + "\""), std::string::npos) << name;
    }
  }
  // The CSV has one line per layer after the header.
  std::istringstream csv(slurp(dir / "layers.csv"));
  std::string line;
  size_t lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, j["layers"].size() + 1);
  fs::remove_all(dir);
  fs::remove(synth);
}

TEST(RooflineCli, CpuPointsWithOwnCeilingsCache) {
  const fs::path dir = temp_dir("cpu");
  fs::create_directories(dir);
  const CmdResult r = systole("roofline mlp --json --quick-ceilings --ceilings-cache " + (dir / "ceilings.json").string());
  ASSERT_EQ(r.status, 0) << r.all;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["cpu_ceilings"].is_object());
  EXPECT_GT(j["cpu_ceilings"]["int8_ops_per_s"].get<double>(), 0);
  for (const auto& l : j["layers"]) {
    EXPECT_GT(l["cpu_own_ops_per_s"].get<double>(), 0) << l.dump();
    EXPECT_GT(l["cpu_intensity"].get<double>(), 0);
    EXPECT_FALSE(l["cpu_own_impl"].get<std::string>().empty());
  }
  fs::remove_all(dir);
}

TEST(RooflineCli, BadInputIsNamed) {
  CmdResult r = systole("roofline no_such_model --no-cpu");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.all.find("no_such_model"), std::string::npos) << r.all;

  const fs::path file = temp_dir("file");
  std::ofstream(file) << "x";
  r = systole("roofline small_cnn --no-cpu --out " + (file / "sub").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.all.find("--out"), std::string::npos) << r.all;

  std::ofstream(file) << "{ this is not json";
  r = systole("roofline small_cnn --no-cpu --synth " + file.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.all.find("--synth"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("not a JSON"), std::string::npos) << r.all;

  std::ofstream(file) << R"~({"target": "ice40-up5k"})~";
  r = systole("roofline small_cnn --no-cpu --synth " + file.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.all.find("fmax_mhz"), std::string::npos) << r.all;
  fs::remove(file);

  r = systole("roofline small_cnn mlp --no-cpu");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.all.find("--validate"), std::string::npos) << r.all;
}

TEST(RooflineCli, ValidateReportsAndEnforcesItsThreshold) {
  CmdResult r = systole("roofline --validate small_cnn --json");
  ASSERT_EQ(r.status, 0) << r.all;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["validation"].size(), 1u);
  const auto& v = j["validation"][0];
  EXPECT_EQ(v["backend"], "hls");
  EXPECT_EQ(v["layers"].get<size_t>(), v["per_layer"].size());
  double max_err = 0, sum = 0;
  for (const auto& l : v["per_layer"]) max_err = std::max(max_err, std::fabs(l["error_pct"].get<double>())), sum += std::fabs(l["error_pct"].get<double>());
  EXPECT_DOUBLE_EQ(v["max_abs_error_pct"].get<double>(), max_err);
  EXPECT_NEAR(v["mean_abs_error_pct"].get<double>(), sum / double(v["per_layer"].size()), 1e-9);
  // A threshold below the worst error fails the command with status 4.
  r = systole("roofline --validate small_cnn --max-error 0");
  EXPECT_EQ(r.status, 4) << r.all;
  EXPECT_NE(r.all.find("max |error|"), std::string::npos) << r.all;
}

#ifdef SYSTOLE_HAVE_RTL
// The analytical model against the cycle-accurate RTL on every conv/GEMM layer, forced onto
// the accelerator (the tiny design point's placement would run them all on the CPU). Within
// 5% on every layer of 10 000 cycles or more; the batch-1 fully connected layers of a few
// thousand cycles (fetch-bound, prologue-dominated: docs/roofline.md) within 20%.
TEST(RooflineCli, ModelWithinFivePercentOfTheRtlOnTiny) {
  const CmdResult r = systole("roofline --validate small_cnn mlp --backend rtl --config tiny --place accel --json");
  ASSERT_EQ(r.status, 0) << r.all;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["validation"].size(), 2u);
  for (const auto& m : j["validation"]) {
    EXPECT_TRUE(m["bit_exact"].get<bool>()) << m["model"];
    EXPECT_GE(m["layers"].get<int>(), 1) << m["model"];
    for (const auto& l : m["per_layer"]) {
      const double cycles = l["measured_cycles"].get<double>(), err = std::fabs(l["error_pct"].get<double>());
      EXPECT_GT(cycles, 0);
      EXPECT_LE(err, cycles >= 10000 ? 5.0 : 20.0) << m["model"] << " " << l.dump();
    }
  }
}
#endif

}  // namespace
