// Unit tests of synth/: parsing captured Yosys `stat` and nextpnr --report outputs
// (tests/synth/data/), cell classification, the target table, the iCE40 fit check and
// board override, and the generated Yosys script. No tool is run here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "synth/flow.hpp"
#include "synth/params.hpp"
#include "synth/report.hpp"
#include "synth/targets.hpp"

using namespace systole;
using namespace systole::synth;

namespace {

std::string data(const std::string& name) {
  std::ifstream in(std::string(SYSTOLE_SOURCE_DIR) + "/tests/synth/data/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

double used(const std::vector<Resource>& res, const std::string& name) {
  for (const auto& r : res)
    if (r.name == name) return r.used;
  ADD_FAILURE() << "no resource " << name;
  return -1;
}

}  // namespace

TEST(YosysStat, FlatIce40) {
  const auto cells = parse_yosys_stat(data("yosys_stat_ice40_array.txt"));
  EXPECT_EQ(cells.at("SB_LUT4"), 3490);
  EXPECT_EQ(cells.at("SB_CARRY"), 549);
  const auto res = classify_cells(Family::Ice40, cells, find_target("ice40-hx8k").cap);
  EXPECT_EQ(used(res, "ff"), 4 + 255 + 691 + 1);  // SB_DFFE, SB_DFFER, SB_DFFR, SB_DFFS
  EXPECT_EQ(used(res, "bram"), 0);
  EXPECT_NEAR(res[0].utilization(), 3490.0 / 7680, 1e-9);
}

TEST(YosysStat, HierarchyTotalsWin) {
  // A -noflatten run lists every module; the totals are in "design hierarchy".
  const auto cells = parse_yosys_stat(data("yosys_stat_ice40_hier.txt"));
  EXPECT_EQ(cells.at("SB_LUT4"), 29116);
  EXPECT_EQ(cells.at("SB_RAM40_4K"), 24);
  EXPECT_EQ(cells.at("SB_CARRY"), 4866);
}

TEST(YosysStat, RejectsText) { EXPECT_THROW(parse_yosys_stat("ERROR: nothing here\n"), Error); }

TEST(Classify, Xc7Ramb18CountsHalf) {
  std::map<std::string, double> cells{{"LUT6", 10}, {"LUT2", 5}, {"FDRE", 7}, {"FDCE", 1}, {"RAMB36E1", 2},
                                      {"RAMB18E1", 3}, {"DSP48E1", 16}, {"CARRY4", 4}};
  const auto res = classify_cells(Family::Xc7, cells, find_target("xc7").cap);
  EXPECT_EQ(used(res, "lut"), 15);
  EXPECT_EQ(used(res, "ff"), 8);
  EXPECT_EQ(used(res, "bram"), 3.5);
  EXPECT_EQ(used(res, "dsp"), 16);
}

TEST(Classify, Ecp5) {
  std::map<std::string, double> cells{{"LUT4", 100}, {"TRELLIS_FF", 50}, {"CCU2C", 9}, {"MULT18X18D", 4},
                                      {"DP16KD", 2}, {"TRELLIS_DPR16X4", 3}};
  const auto res = classify_cells(Family::Ecp5, cells, find_target("ecp5").cap);
  EXPECT_EQ(used(res, "lut"), 100);
  EXPECT_EQ(used(res, "dsp"), 4);
  EXPECT_EQ(used(res, "bram"), 2);
  EXPECT_EQ(used(res, "lutram"), 3);
}

TEST(Nextpnr, Report) {
  const NextpnrReport r = parse_nextpnr_report(data("nextpnr_hx8k_array.json"));
  ASSERT_EQ(r.clocks.size(), 1u);
  EXPECT_NEAR(r.clocks[0].achieved_mhz, 63.52, 0.01);
  EXPECT_EQ(r.clocks[0].constraint_mhz, 12);
  EXPECT_EQ(r.utilization.at("ICESTORM_LC").used, 3989);
  EXPECT_EQ(r.utilization.at("ICESTORM_LC").available, 7680);
  EXPECT_EQ(r.utilization.at("SB_IO").used, 5);
}

TEST(Nextpnr, Malformed) {
  EXPECT_THROW(parse_nextpnr_report("{not json"), Error);
  EXPECT_THROW(parse_nextpnr_report("{\"fmax\": {}}"), Error);
}

TEST(Targets, TableAndUnknown) {
  EXPECT_EQ(target_names(), (std::vector<std::string>{"ice40-hx8k", "ice40-up5k", "xc7", "ecp5"}));
  EXPECT_EQ(find_target("ice40-up5k").cap.dsp, 8);
  EXPECT_EQ(find_target("ice40-hx8k").cap.bram, 32);
  try {
    find_target("ice40-lp1k");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("known: ice40-hx8k"), std::string::npos) << e.what();
  }
}

TEST(Fit, TinyNeedsTheBoardOverrideOnHx8k) {
  const Config tiny = load_config("tiny");
  const Target& hx = find_target("ice40-hx8k");
  const BramEstimate e = ice40_bram_estimate(top_params(tiny, hx), hx);
  EXPECT_EQ(e.spad, 64);  // 16 KiB x 2 read ports / 512 B per block
  EXPECT_GT(e.total(), 32u);
  try {
    fit_config(tiny, hx, false);
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("does not fit ice40-hx8k"), std::string::npos) << m;
    EXPECT_NE(m.find("--no-board-override"), std::string::npos) << m;
  }
  const FitResult f = fit_config(tiny, hx, true);
  EXPECT_EQ(f.params.spad_rows, 512u);
  EXPECT_EQ(f.params.acc_rows, 256u);
  EXPECT_EQ(f.params.acc_banks, 1u);
  EXPECT_EQ(f.params.insn_depth, 2u);
  EXPECT_EQ(f.params.requant_lanes, 1u);
  EXPECT_EQ(f.params.counter_bits, 32u);
  EXPECT_EQ(f.config.requant_lanes, 1u);
  EXPECT_EQ(f.bram.total(), 8u + 16u + 8u);  // the 24 measured by Yosys + 4 KiB board memory
  EXPECT_FALSE(f.overrides.empty());
  EXPECT_EQ(f.config.spad_kib, 2u);
}

TEST(Fit, LargeArrayDoesNotFitEvenOverridden) {
  const Config def = load_config("default");  // DIM = 16
  try {
    fit_config(def, find_target("ice40-up5k"), true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("even with the board override"), std::string::npos) << e.what();
  }
  // Estimate-only targets never refuse.
  EXPECT_TRUE(fit_config(def, find_target("xc7"), false).overrides.empty());
}

TEST(Fit, OneByteBusIsRefusedNamingTheKey) {
  Config c = load_config("tiny");
  c.dram_bytes_per_cycle = 1;
  for (const char* t : {"ice40-hx8k", "xc7"}) {
    try {
      fit_config(c, find_target(t), true);
      FAIL() << t;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("dram.bytes_per_cycle = 1 is not supported by the RTL"), std::string::npos)
          << e.what();
    }
  }
  c.dram_bytes_per_cycle = 2;
  EXPECT_NO_THROW(fit_config(c, find_target("xc7"), true));
}

TEST(Plan, BoardTopScript) {
  FlowOptions o;
  o.target = "ice40-up5k";
  const Target& t = find_target(o.target);
  const FitResult f = fit_config(load_config("tiny"), t, true);
  const YosysPlan p = yosys_plan(o, t, f.params, "/tmp/s.txt", "/tmp/n.json");
  EXPECT_EQ(p.top, "systole_board_top");
  EXPECT_NE(p.script.find("synth_ice40 -dsp -spram -top systole_board_top -run begin:check"), std::string::npos);
  EXPECT_NE(p.script.find("-set SPAD_ROWS 512"), std::string::npos);
  EXPECT_NE(p.script.find("-set MEM_BYTES 65536"), std::string::npos);
  EXPECT_NE(p.script.find("-set CLKS_PER_BIT 104"), std::string::npos);
  EXPECT_NE(p.script.find("-set LED_INVERT 1"), std::string::npos);
  EXPECT_NE(p.script.find("-set REQUANT_LANES 1 -set COUNTER_BITS 32"), std::string::npos);
  EXPECT_NE(p.script.find("rtl/board/systole_uart_bridge.sv"), std::string::npos);
  EXPECT_NE(p.script.find("write_json /tmp/n.json"), std::string::npos);
  o.design = "array";
  o.target = "xc7";
  const YosysPlan a = yosys_plan(o, find_target("xc7"), f.params, "/tmp/s.txt", "");
  EXPECT_EQ(a.top, "systole_array");
  EXPECT_EQ(a.script.find("rtl/board/"), std::string::npos);
  o.design = "cpu";
  EXPECT_THROW(yosys_plan(o, t, f.params, "/tmp/s.txt", ""), Error);
}

TEST(Report, TextAndJson) {
  Report r;
  r.target = "ice40-hx8k";
  r.device = "iCE40HX8K-CT256";
  r.design = "array";
  r.synth = {{"lut", 9000, 7680, "SB_LUT4"}, {"bram", 0, 32, ""}};
  r.steps = {{"yosys", 12.5, "yosys.log"}};
  r.problems = over_capacity(r.synth, r.device);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("lut: 9000 used"), std::string::npos) << r.problems[0];
  const std::string txt = report_text(r);
  EXPECT_NE(txt.find("117.2%"), std::string::npos) << txt;
  EXPECT_NE(txt.find("PROBLEMS"), std::string::npos);
  const auto j = report_json(r);
  EXPECT_EQ(j["synthesis"]["lut"]["used"], 9000);
  EXPECT_EQ(j["steps"][0]["seconds"], 12.5);
  EXPECT_FALSE(j["ok"].get<bool>());
}
