// The roofline report writers on a hand-made layer table: well-formed SVG and HTML, every
// point inside its plot area, every layer present, CSV and JSON equal to the table, the
// derived columns (intensity, bound, % of roof, model error) and the validation summary.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "arch/error.hpp"
#include "roofline/csv.hpp"
#include "roofline/report.hpp"
#include "tests/roofline/xml_check.hpp"

namespace systole::roofline {
namespace {

namespace fs = std::filesystem;

LayerPoint accel_layer(const std::string& name, uint64_t macs, uint64_t cycles, uint64_t rd, uint64_t wr, double model) {
  LayerPoint l;
  l.name = name;
  l.onnx_op = "Conv";
  l.conv = "1x8x8x16 -> 16 k3x3";
  l.placement = "accel";
  l.reason = "conv: accel < CPU";
  l.macs = macs;
  l.accel = true;
  l.cycles = cycles, l.dram_rd = rd, l.dram_wr = wr;
  l.tiling = "toh=7 tow=7 tn=16 tk=16 order=MN";
  l.model_cycles = model;
  l.cpu_bytes = 2 * rd;
  return l;
}

RooflineReport sample_report() {
  RooflineReport r;
  r.model = "test_net";
  r.source = "zoo:test_net";
  r.backend = "rtl";
  r.cfg = load_config("default");
  r.accel = accel_ceilings(r.cfg);
  r.has_cpu = true;
  r.cpu.cpu_model = "Test CPU";
  r.cpu.int8_isa = "avx512_vnni";
  r.cpu.int8_gops_core = 1000;
  r.cpu.bw_core[0] = 500, r.cpu.bw_core[1] = 250, r.cpu.bw_core[2] = 120, r.cpu.bw_core[3] = 40;
  r.cpu.measured_at = "2026-01-01T00:00:00Z";
  r.cpu_isa = "avx512_vnni";
  r.has_onednn = true;
  r.checked = r.bit_exact = true;
  r.layers.push_back(accel_layer("conv1", 100'000'000, 500'000, 1'000'000, 200'000, 510'000));
  r.layers.push_back(accel_layer("odd<&>\"name, with comma", 5'000'000, 40'000, 3'000'000, 100'000, 39'000));
  LayerPoint fc;
  fc.name = "fc";
  fc.onnx_op = "Gemm";
  fc.conv = "1x1x1x512 -> 1000 k1x1";
  fc.placement = "cpu";
  fc.reason = "conv: CPU < accel";
  fc.macs = 512'000;
  fc.cpu_bytes = 600'000;
  r.layers.push_back(fc);
  for (size_t i = 0; i < r.layers.size(); ++i) {
    LayerPoint& l = r.layers[i];
    l.number = int(i + 1);
    l.op = i * 2;
    l.own = {true, "im2col", 1e-3 * double(i + 1), 0, 0, ""};
    if (i == 2) l.onednn = {false, "", 0, 0, 0, "oneDNN rejected the shape"};
    else l.onednn = {true, "brg:avx512_core_vnni", 5e-4 * double(i + 1), 0, 0, ""};
  }
  r.layers[0].has_energy = true, r.layers[0].energy_pj = 2.5e6;
  r.layers[1].has_energy = true, r.layers[1].energy_pj = 4e5;
  r.has_energy = true;
  r.energy_source = "test table";
  finish_report(r);
  return r;
}


TEST(RooflineReport, DerivedColumnsFollowFromTheCounters) {
  const RooflineReport r = sample_report();
  const LayerPoint& a = r.layers[0];
  const double f = 200e6;
  EXPECT_DOUBLE_EQ(a.ops, 2e8);
  EXPECT_DOUBLE_EQ(a.accel_intensity, 2e8 / 1.2e6);
  EXPECT_DOUBLE_EQ(a.accel_seconds, 5e5 / f);
  EXPECT_DOUBLE_EQ(a.accel_ops_per_s, 2e8 / (5e5 / f));
  // 166.7 ops/byte is right of the DRAM ridge (32): compute bound.
  EXPECT_EQ(a.accel_bound_by, "compute");
  EXPECT_DOUBLE_EQ(a.accel_bound, r.accel.peak_ops);
  EXPECT_NEAR(a.accel_pct_of_roof, 100 * a.accel_ops_per_s / r.accel.peak_ops, 1e-9);
  EXPECT_NEAR(a.model_error_pct, 2.0, 1e-12);
  EXPECT_NEAR(a.utilization, 1e8 / (5e5 * 256.0), 1e-12);
  const LayerPoint& b = r.layers[1];
  EXPECT_EQ(b.accel_bound_by, "DRAM");
  EXPECT_DOUBLE_EQ(b.accel_bound, 3.2e9 * b.accel_intensity);
  EXPECT_NEAR(b.model_error_pct, -2.5, 1e-12);
  const LayerPoint& c = r.layers[2];
  EXPECT_FALSE(c.accel);
  EXPECT_DOUBLE_EQ(c.cpu_intensity, 1.024e6 / 6e5);
  EXPECT_DOUBLE_EQ(c.cpu_bound, 40e9 * c.cpu_intensity);
  EXPECT_DOUBLE_EQ(c.own.ops_per_s, 1.024e6 / 3e-3);
  EXPECT_NEAR(c.own.pct_of_roof, 100 * c.own.ops_per_s / c.cpu_bound, 1e-9);
  // Validation: the accelerator layers only.
  EXPECT_EQ(r.validation.layers, 2u);
  EXPECT_NEAR(r.validation.max_abs_pct, 2.5, 1e-12);
  EXPECT_NEAR(r.validation.mean_abs_pct, 2.25, 1e-12);
  EXPECT_EQ(r.validation.worst, b.name);
  EXPECT_EQ(r.accel_cycles, 540'000u);
}

void check_plot(const RooflinePlot& p, const std::vector<std::string>& want_layers) {
  PlotArea area;
  const std::string svg = render_roofline_svg(p, &area);
  EXPECT_EQ(testing::check_markup(svg, false), "") << svg.substr(0, 400);
  EXPECT_EQ(svg.find("<svg"), 0u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  // The plot area rectangle as drawn.
  const std::regex rect(R"~(class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)")~");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, rect));
  EXPECT_NEAR(std::stod(m[1]), area.x, 0.05);
  EXPECT_NEAR(std::stod(m[3]), area.width, 0.05);
  // Every point inside it; every wanted layer has a point.
  const std::regex pt(R"~(<g class="point ([a-z]+)" data-layer="([^"]*)" data-number="(\d+)" data-x="([\d.]+)" data-y="([\d.]+)")~");
  std::set<std::string> seen;
  size_t points = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), pt); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[4]), y = std::stod((*it)[5]);
    EXPECT_GE(x, area.x) << (*it)[2];
    EXPECT_LE(x, area.x + area.width) << (*it)[2];
    EXPECT_GE(y, area.y) << (*it)[2];
    EXPECT_LE(y, area.y + area.height) << (*it)[2];
    seen.insert((*it)[2]);
    ++points;
  }
  size_t want_points = 0;
  for (const PlotSeries& s : p.series) want_points += s.points.size();
  EXPECT_EQ(points, want_points);
  for (const std::string& l : want_layers) EXPECT_TRUE(seen.count(xml_escape(l))) << l;
  // Roofs and their labels.
  EXPECT_NE(svg.find("class=\"roof compute\""), std::string::npos);
  EXPECT_NE(svg.find(xml_escape(p.peak_label)), std::string::npos);
  for (const PlotRoof& roof : p.memory) EXPECT_NE(svg.find(xml_escape(roof.label)), std::string::npos) << roof.label;
}

TEST(RooflineReport, AcceleratorPlotHasItsCeilingsAndEveryAcceleratorLayer) {
  const RooflineReport r = sample_report();
  const RooflinePlot p = accel_plot(r);
  ASSERT_EQ(p.memory.size(), 3u);  // DRAM, scratchpad, accumulator
  EXPECT_DOUBLE_EQ(p.peak_ops, 2.0 * 16 * 16 * 200e6);
  EXPECT_NE(p.peak_label.find("2 ops/MAC"), std::string::npos);
  EXPECT_NE(p.subtitle.find("config"), std::string::npos);  // the clock source is stated
  check_plot(p, {r.layers[0].name, r.layers[1].name});
}

TEST(RooflineReport, CpuPlotHasTheMeasuredCeilingsAndBothImplementations) {
  const RooflineReport r = sample_report();
  const RooflinePlot p = cpu_plot(r);
  EXPECT_DOUBLE_EQ(p.peak_ops, 1000e9);
  ASSERT_EQ(p.memory.size(), 4u);  // L1, L2, L3, DRAM
  ASSERT_EQ(p.series.size(), 2u);
  EXPECT_EQ(p.series[0].points.size(), 3u);
  EXPECT_EQ(p.series[1].points.size(), 2u);  // the oneDNN point that failed is absent
  check_plot(p, {r.layers[0].name, r.layers[1].name, r.layers[2].name});
}

TEST(RooflineReport, LabelsStayReadableWithManyPoints) {
  // 60 points in a tight cluster: every label is drawn, inside the plot area.
  RooflinePlot p;
  p.id = "many";
  p.peak_ops = 1e11;
  p.memory.push_back({"DRAM", 3.2e9, "#000", false});
  PlotSeries s;
  s.name = "layers";
  s.css_class = "accel";
  s.color = "#f80";
  for (int i = 0; i < 60; ++i) {
    s.points.push_back({i + 1, "layer" + std::to_string(i), 50.0 + i % 7, 9e10 - 1e8 * i, ""});
    p.legend.push_back({i + 1, "layer" + std::to_string(i)});
  }
  p.series.push_back(s);
  PlotArea area;
  const std::string svg = render_roofline_svg(p, &area);
  EXPECT_EQ(testing::check_markup(svg, false), "");
  const std::regex label(R"~(<text x="([\d.]+)" y="([\d.]+)">(\d+)</text>)~");
  std::set<int> numbers;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    if (y > area.y + area.height) continue;  // the legend
    EXPECT_GE(x, area.x);
    EXPECT_LE(x, area.x + area.width);
    EXPECT_GE(y, area.y);
    numbers.insert(std::stoi((*it)[3]));
  }
  EXPECT_EQ(numbers.size(), 60u);
}

TEST(RooflineReport, HtmlIsSelfContainedAndWellFormed) {
  const RooflineReport r = sample_report();
  const std::string h = report_html(r);
  EXPECT_EQ(testing::check_markup(h, true), "");
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("src="), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
  EXPECT_NE(h.find("<style>"), std::string::npos);
  EXPECT_NE(h.find("id=\"roofline-accel\""), std::string::npos);
  EXPECT_NE(h.find("id=\"roofline-cpu\""), std::string::npos);
  for (const LayerPoint& l : r.layers) EXPECT_NE(h.find(xml_escape(l.name)), std::string::npos) << l.name;
  EXPECT_NE(h.find("max |error| 2.50%"), std::string::npos);
}

TEST(RooflineReport, CsvAndJsonHoldTheTable) {
  const RooflineReport r = sample_report();
  const nlohmann::ordered_json j = report_json(r);
  const nlohmann::json parsed = nlohmann::json::parse(j.dump());  // valid JSON
  ASSERT_EQ(parsed["layers"].size(), r.layers.size());
  EXPECT_DOUBLE_EQ(parsed["accel_ceilings"]["peak_ops_per_s"].get<double>(), r.accel.peak_ops);
  EXPECT_EQ(parsed["accel_ceilings"]["clock_source"], r.accel.clock_source);
  EXPECT_DOUBLE_EQ(parsed["model_validation"]["max_abs_error_pct"].get<double>(), r.validation.max_abs_pct);
  EXPECT_DOUBLE_EQ(parsed["model_validation"]["mean_abs_error_pct"].get<double>(), r.validation.mean_abs_pct);

  std::istringstream csv(report_csv(r));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  const std::vector<std::string> head = csv_split(line);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j["layers"][0].items()) keys.push_back(k);
  EXPECT_EQ(head, keys);
  size_t row = 0;
  while (std::getline(csv, line)) {
    ASSERT_LT(row, r.layers.size());
    const std::vector<std::string> cells = csv_split(line);
    ASSERT_EQ(cells.size(), head.size()) << line;
    const nlohmann::ordered_json& want = j["layers"][row];
    for (size_t c = 0; c < head.size(); ++c) {
      const nlohmann::ordered_json& v = want[head[c]];
      if (v.is_null()) {
        EXPECT_EQ(cells[c], "") << head[c];
      } else if (v.is_string()) {
        EXPECT_EQ(cells[c], v.get<std::string>()) << head[c];
      } else if (v.is_number()) {
        EXPECT_NEAR(std::stod(cells[c]), v.get<double>(), 1e-8 * std::fabs(v.get<double>())) << head[c];
      }
    }
    // The JSON row is the layer's own numbers.
    const LayerPoint& l = r.layers[row];
    EXPECT_EQ(want["name"], l.name);
    EXPECT_EQ(want["accel_cycles"].is_null(), !l.accel);
    if (l.accel) {
      EXPECT_DOUBLE_EQ(want["model_error_pct"].get<double>(), l.model_error_pct);
    }
    EXPECT_DOUBLE_EQ(want["cpu_own_ops_per_s"].get<double>(), l.own.ops_per_s);
    ++row;
  }
  EXPECT_EQ(row, r.layers.size());
}

TEST(RooflineReport, WritesEveryFileAndRejectsABadFolder) {
  const RooflineReport r = sample_report();
  const fs::path dir = fs::temp_directory_path() / ("systole_roofline_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const ReportFiles f = write_report(r, (dir / "nested").string());
  for (const std::string& p : {f.html, f.accel_svg, f.cpu_svg, f.json, f.csv}) {
    EXPECT_TRUE(fs::exists(p)) << p;
    EXPECT_GT(fs::file_size(p), 100u) << p;
  }
  // A folder below a regular file cannot be created.
  const fs::path file = dir / "a_file";
  std::ofstream(file) << "x";
  try {
    write_report(r, (file / "sub").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace systole::roofline
