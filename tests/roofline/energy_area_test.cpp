// Energy table arithmetic and overrides, the access counts derived from cost estimates, and
// area from the per-component table and from a synth report (the synth/ JSON writer's own
// output as the fixture, so the two cannot drift apart).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "compiler/cost_model.hpp"
#include "roofline/area.hpp"
#include "roofline/energy.hpp"
#include "synth/params.hpp"
#include "synth/report.hpp"
#include "synth/targets.hpp"

namespace systole::roofline {
namespace {

TEST(Energy, BreakdownIsCountsTimesTable) {
  EnergyTable t;
  t.mac_pj = 0.5, t.spad_pj_per_byte = 2, t.acc_pj_per_byte = 3, t.dram_pj_per_byte = 100;
  EnergyCounts c;
  c.macs = 1000, c.spad_rd_bytes = 10, c.spad_wr_bytes = 5, c.acc_rd_bytes = 7, c.acc_wr_bytes = 1, c.dram_rd_bytes = 2,
  c.dram_wr_bytes = 1;
  const EnergyBreakdown b = estimate_energy(t, c);
  EXPECT_DOUBLE_EQ(b.mac_pj, 500);
  EXPECT_DOUBLE_EQ(b.spad_pj, 30);
  EXPECT_DOUBLE_EQ(b.acc_pj, 24);
  EXPECT_DOUBLE_EQ(b.dram_pj, 300);
  EXPECT_DOUBLE_EQ(b.total_pj, 854);
  EnergyBreakdown sum;
  sum += b, sum += b;
  EXPECT_DOUBLE_EQ(sum.total_pj, 2 * 854);
}

TEST(Energy, DefaultTableIsHorowitz45nm) {
  const EnergyTable& t = default_energy_table();
  EXPECT_DOUBLE_EQ(t.mac_pj, 0.3);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_byte, 162.5);
  EXPECT_EQ(t.node, "45 nm");
  EXPECT_NE(t.source.find("Horowitz"), std::string::npos);
  // The curve passes through its points (8 KB: 10 pJ / 64 bits) and is monotone between them.
  EXPECT_NEAR(sram_pj_per_byte(t, 8), 1.25, 1e-12);
  EXPECT_NEAR(sram_pj_per_byte(t, 32), 2.5, 1e-12);
  EXPECT_NEAR(sram_pj_per_byte(t, 1024), 12.5, 1e-12);
  EXPECT_NEAR(sram_pj_per_byte(t, 16), std::sqrt(1.25 * 2.5), 1e-12);  // log-log midpoint
  EXPECT_LT(sram_pj_per_byte(t, 2), 1.25);
  EXPECT_GT(sram_pj_per_byte(t, 4096), 12.5);
}

TEST(Energy, SramValuesFollowTheBankSize) {
  Config c = load_config("default");
  const EnergyTable t = energy_table_for(default_energy_table(), c);
  EXPECT_NEAR(t.spad_pj_per_byte, sram_pj_per_byte(t, 256.0 / 4), 1e-12);
  EXPECT_NEAR(t.acc_pj_per_byte, sram_pj_per_byte(t, 64.0 / 2), 1e-12);
  c.spad_banks = 16;
  EXPECT_LT(energy_table_for(default_energy_table(), c).spad_pj_per_byte, t.spad_pj_per_byte);
}

TEST(Energy, TomlOverride) {
  const EnergyTable t = parse_energy_table("[energy]\nmac_pj = 0.1\ndram_pj_per_byte = 40\nspad_pj_per_byte = 1\nsource = \"7 nm guess\"\n",
                                           "t.toml");
  EXPECT_DOUBLE_EQ(t.mac_pj, 0.1);
  EXPECT_DOUBLE_EQ(t.dram_pj_per_byte, 40);
  EXPECT_FALSE(t.sram_size_scaled);  // a fixed SRAM value turns the scaling off
  EXPECT_DOUBLE_EQ(energy_table_for(t, load_config("tiny")).spad_pj_per_byte, 1);
  EXPECT_DOUBLE_EQ(t.acc_pj_per_byte, default_energy_table().acc_pj_per_byte);  // kept
  EXPECT_EQ(t.source, "7 nm guess");
  const EnergyTable c = parse_energy_table("[energy]\nsram_curve = [[1, 0.5], [64, 4.0]]\n", "c.toml");
  EXPECT_TRUE(c.sram_size_scaled);
  EXPECT_NEAR(sram_pj_per_byte(c, 8), 0.5 * std::pow(8.0, std::log(8.0) / std::log(64.0)), 1e-9);
  try {
    parse_energy_table("[energy]\nmac = 1\n", "bad.toml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mac_pj"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_energy_table("[energy]\nmac_pj = -1\n", "neg.toml"), Error);
  EXPECT_THROW(parse_energy_table("[power]\n", "none.toml"), Error);
}

TEST(Energy, CountsFromAGemmEstimate) {
  const Config cfg = load_config("default");
  const compiler::GemmShape s{100, 40, 70};
  const compiler::CostEstimate e = compiler::estimate_gemm(cfg, s, compiler::choose_gemm_tiling(cfg, s));
  // One MATMUL per (N block, K block) streams every row of A.
  EXPECT_EQ(e.array_rows, 100u * 3 * 5);
  EXPECT_GT(e.weight_rows, 0u);
  const EnergyCounts c = energy_counts_from_cost(cfg, e);
  EXPECT_EQ(c.macs, 100u * 40 * 70);
  EXPECT_EQ(c.dram_rd_bytes, e.dram_rd_bytes);
  EXPECT_EQ(c.dram_wr_bytes, e.dram_wr_bytes);
  EXPECT_EQ(c.spad_wr_bytes, e.dram_rd_bytes);
  EXPECT_EQ(c.spad_rd_bytes, (e.array_rows + e.weight_rows) * 16);
  EXPECT_EQ(c.acc_wr_bytes, e.array_rows * 16 * 4);
  EXPECT_EQ(c.acc_rd_bytes, e.array_rows * 16 * 4 + e.dram_wr_bytes * 4);
}

TEST(Energy, ConvArrayRowsCountEveryTapAndBlock) {
  const Config cfg = load_config("default");
  compiler::ConvShape s;
  s.h = s.w = 14, s.c_in = 40, s.c_out = 20, s.kh = s.kw = 3, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  const compiler::CostEstimate e = compiler::estimate_conv(cfg, s, compiler::choose_conv_tiling(cfg, s));
  // 196 output pixels x 2 output blocks x 3 input blocks x 9 taps.
  EXPECT_EQ(e.array_rows, 196u * 2 * 3 * 9);
}

TEST(Area, TableSumsTheComponents) {
  AreaTable t;
  t.pe_um2 = 1000, t.sram_um2_per_kib = 100, t.sram_bank_um2 = 10, t.out_col_um2 = 50, t.queue_bit_um2 = 1,
  t.dma_um2_per_byte = 2, t.control_um2 = 7;
  const Config c = load_config("default");  // dim 16, 256 + 64 KiB in 4 + 2 banks, 16 B/cycle, depth 64
  const AreaEstimate a = estimate_area(t, c);
  EXPECT_NEAR(a.pe_mm2, 256 * 1000e-6, 1e-12);
  EXPECT_NEAR(a.sram_mm2, (320 * 100 + 6 * 10) * 1e-6, 1e-12);
  EXPECT_NEAR(a.other_mm2, (16 * 50 + 3 * 64 * 128 + 16 * 2 + 7) * 1e-6, 1e-12);
  EXPECT_NEAR(a.mm2, a.pe_mm2 + a.sram_mm2 + a.other_mm2, 1e-12);
  EXPECT_EQ(a.source, "table");
  EXPECT_EQ(a.synth, nullptr);
  // Bigger arrays cost more with the default table.
  EXPECT_GT(estimate_area(default_area_table(), load_config("large")).mm2, estimate_area(default_area_table(), c).mm2);
  const AreaTable o = parse_area_table("[area]\npe_um2 = 5\nnode = \"28 nm\"\n", "a.toml");
  EXPECT_DOUBLE_EQ(o.pe_um2, 5);
  EXPECT_EQ(o.node, "28 nm");
  EXPECT_DOUBLE_EQ(o.sram_um2_per_kib, default_area_table().sram_um2_per_kib);
  EXPECT_THROW(parse_area_table("[area]\npe = 5\n", "bad.toml"), Error);
}

// A report as `systole synth` writes it, for cfg on target.
nlohmann::json synth_report(const Config& cfg, const std::string& target, const std::string& design = "accel") {
  synth::Report r;
  r.target = target;
  r.design = design;
  r.config_name = cfg.name;
  r.params = synth::top_params(cfg, synth::find_target(target));
  r.synth = {{"lut", 1234, 53200, "LUT6"}, {"ff", 567, 106400, "FDRE"}, {"dsp", 16, 220, "DSP48E1"}, {"bram", 9, 140, "RAMB36E1"}};
  return synth::report_json(r);
}

TEST(Area, FromAMatchingSynthReport) {
  const Config def = load_config("default"), tiny = load_config("tiny");
  const auto dir = std::filesystem::temp_directory_path() / "systole_area_test";
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  std::ofstream(dir / "a" / "report.json") << synth_report(def, "xc7").dump();
  std::ofstream(dir / "b" / "report.json") << synth_report(def, "xc7", "array").dump();  // PE array only: skipped
  std::vector<std::string> skipped;
  const auto reports = load_synth_reports({dir.string()}, &skipped);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(skipped.size(), 1u);
  EXPECT_TRUE(reports[0].matches(def));
  EXPECT_FALSE(reports[0].matches(tiny));
  const AreaEstimate a = estimate_area(default_area_table(), def, reports);
  EXPECT_EQ(a.source, "synth:xc7");
  ASSERT_NE(a.synth, nullptr);
  EXPECT_DOUBLE_EQ(a.synth->lut, 1234);
  EXPECT_DOUBLE_EQ(a.synth->ff, 567);
  EXPECT_DOUBLE_EQ(a.synth->dsp, 16);
  EXPECT_DOUBLE_EQ(a.synth->bram, 9);
  EXPECT_GT(a.mm2, 0);  // the table value stays (comparable across points)
  EXPECT_EQ(estimate_area(default_area_table(), tiny, reports).source, "table");
  Config other = def;
  other.dram_bytes_per_cycle = 32;
  EXPECT_EQ(estimate_area(default_area_table(), other, reports).source, "table");
  EXPECT_THROW(synth_area_from_json(nlohmann::json{{"x", 1}}, "x.json"), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace systole::roofline
