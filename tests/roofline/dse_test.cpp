// Design-space sweeps: keys and the cartesian product, overrides, invalid and non-fitting
// points, shards, merge checks, Pareto fronts, CSV round trip, and agreement of the
// evaluator with the cost model it calls. No wall-clock assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "compiler/cost_model.hpp"
#include "roofline/dse.hpp"
#include "roofline/dse_io.hpp"

namespace systole::roofline {
namespace {

compiler::ConvShape conv(uint32_t hw, uint32_t cin, uint32_t cout, uint32_t k, uint32_t stride = 1) {
  compiler::ConvShape s;
  s.h = s.w = hw, s.c_in = cin, s.c_out = cout, s.kh = s.kw = k, s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = k / 2;
  return s;
}

DseModel small_model() {
  return model_from_shapes("test", {{"c1", conv(16, 3, 8, 3)}, {"c2", conv(16, 8, 16, 3, 2)}, {"c3", conv(8, 16, 16, 1)},
                                    {"c3b", conv(8, 16, 16, 1)}, {"fc", conv(1, 16, 10, 1)}});
}

TEST(Dse, KeysAliasesAndErrors) {
  const auto keys = config_keys();
  EXPECT_EQ(keys.front(), "array.dim");
  EXPECT_TRUE(std::count(keys.begin(), keys.end(), "dram.bytes_per_cycle"));
  EXPECT_TRUE(std::count(keys.begin(), keys.end(), "queues.token_depth"));
  EXPECT_GE(keys.size(), 11u);
  EXPECT_EQ(canonical_key("dim"), "array.dim");
  EXPECT_EQ(canonical_key("spad_kib"), "scratchpad.size_kib");
  EXPECT_EQ(canonical_key("dram_bytes_per_cycle"), "dram.bytes_per_cycle");
  EXPECT_EQ(canonical_key("latency_cycles"), "dram.latency_cycles");
  EXPECT_EQ(canonical_key("accumulator.banks"), "accumulator.banks");
  try {
    canonical_key("dimm");
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown config key 'dimm'"), std::string::npos) << m;
    EXPECT_NE(m.find("array.dim"), std::string::npos) << m;
    EXPECT_NE(m.find("clock.mhz"), std::string::npos) << m;
  }
  EXPECT_THROW(canonical_key("size_kib"), Error);  // scratchpad or accumulator
  EXPECT_THROW(parse_sweep({"dim=4,8", "array.dim=16"}), Error);
  EXPECT_THROW(parse_sweep({"dim"}), Error);
  EXPECT_THROW(parse_sweep({"dim=4,,8"}), Error);
}

TEST(Dse, CartesianProductAndOverrides) {
  const Sweep sw = parse_sweep({"dim=4,8", "spad_kib=16,32,64", "mhz=100"});
  ASSERT_EQ(sw.size(), 6u);
  std::set<std::vector<std::string>> seen;
  for (uint64_t i = 0; i < sw.size(); ++i) seen.insert(sw.values(i));
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(sw.values(0), (std::vector<std::string>{"4", "16", "100"}));
  EXPECT_EQ(sw.values(1), (std::vector<std::string>{"4", "32", "100"}));  // last axis fastest
  EXPECT_EQ(sw.values(5), (std::vector<std::string>{"8", "64", "100"}));
  const Config base = load_config("tiny");
  const Config c = apply_point(base, sw, 4);
  EXPECT_EQ(c.dim, 8u);
  EXPECT_EQ(c.spad_kib, 32u);
  EXPECT_DOUBLE_EQ(c.clock_mhz, 100);
  EXPECT_EQ(c.acc_kib, base.acc_kib);  // untouched keys keep the base's value
  EXPECT_EQ(sw.signature(), "array.dim=4,8 scratchpad.size_kib=16,32,64 clock.mhz=100");
}

TEST(Dse, InvalidAndNonFittingPointsAreRecorded) {
  const Config base = load_config("tiny");
  // dim 200 is out of range; banks 3 is not a power of two; dim 4 with 1 KiB cannot hold
  // the 7x7 layer's weights twice.
  const Sweep sw = parse_sweep({"dim=4,200", "spad_kib=1,16", "spad_banks=2,3"});
  const DseModel m = model_from_shapes("t", {{"big", conv(16, 4, 4, 7)}, {"small", conv(8, 4, 4, 1)}});
  DseOptions o;
  o.jobs = 2;
  std::vector<uint64_t> all(sw.size());
  for (uint64_t i = 0; i < all.size(); ++i) all[i] = i;
  const auto r = run_sweep(base, sw, m, all, o);
  ASSERT_EQ(r.size(), 8u);
  for (const PointResult& p : r) {
    const auto v = sw.values(p.index);
    EXPECT_EQ(p.values, v);
    if (v[0] == "200") {
      EXPECT_EQ(p.status, "invalid");
      EXPECT_NE(p.reason.find("dim"), std::string::npos) << p.reason;
    } else if (v[2] == "3") {
      EXPECT_EQ(p.status, "invalid");
      EXPECT_NE(p.reason.find("banks"), std::string::npos) << p.reason;
    } else if (v[1] == "1") {
      EXPECT_EQ(p.status, "no_fit") << p.reason;
      EXPECT_NE(p.reason.find("layer big"), std::string::npos) << p.reason;
      EXPECT_GT(p.area.mm2, 0);
    } else {
      EXPECT_EQ(p.status, "ok") << p.reason;
      EXPECT_GT(p.latency_cycles, 0);
    }
  }
}

TEST(Dse, EvaluatorAgreesWithTheCostModel) {
  const Config base = load_config("default");
  const DseModel m = small_model();
  ASSERT_EQ(m.layers.size(), 4u);  // c3 and c3b share a shape
  EXPECT_EQ(m.conv_ops, 5u);
  const Sweep sw = parse_sweep({"dram_bytes_per_cycle=8,16", "clock_mhz=100,400"});
  DseOptions o;
  const auto r = run_sweep(base, sw, m, {0, 1, 2, 3}, o);
  for (const PointResult& p : r) {
    ASSERT_TRUE(p.ok()) << p.reason;
    const Config c = apply_point(base, sw, p.index);
    double cycles = 0;
    uint64_t macs = 0;
    EnergyBreakdown e;
    const EnergyTable t = energy_table_for(o.energy, c);
    for (const DseLayer& l : m.layers) {
      const compiler::CostEstimate est = compiler::estimate_conv(c, l.shape, compiler::choose_conv_tiling(c, l.shape));
      cycles += l.count * est.cycles;
      macs += l.count * est.macs;
      for (uint32_t k = 0; k < l.count; ++k) e += estimate_energy(t, energy_counts_from_cost(c, est));
    }
    EXPECT_DOUBLE_EQ(p.latency_cycles, cycles);
    EXPECT_DOUBLE_EQ(p.latency_ms, cycles / (c.clock_mhz * 1e3));
    EXPECT_EQ(p.macs, macs);
    EXPECT_EQ(p.macs, m.macs);
    EXPECT_NEAR(p.utilization, double(macs) / (cycles * 256), 1e-12);
    EXPECT_NEAR(p.energy.total_pj, e.total_pj, 1e-6 * e.total_pj);
  }
  // The clock changes the time, not the cycles.
  EXPECT_DOUBLE_EQ(r[0].latency_cycles, r[1].latency_cycles);
  EXPECT_DOUBLE_EQ(r[0].latency_ms, 4 * r[1].latency_ms);
}

TEST(Dse, ShardsCoverEveryPointOnce) {
  for (uint64_t total : {0u, 1u, 7u, 100u})
    for (uint32_t n = 1; n <= 6; ++n) {
      std::vector<int> hits(total, 0);
      for (uint32_t i = 0; i < n; ++i)
        for (uint64_t p : shard_points(total, Shard{i, n})) {
          ASSERT_LT(p, total);
          EXPECT_TRUE((Shard{i, n}.holds(p)));
          ++hits[p];
        }
      for (int h : hits) EXPECT_EQ(h, 1);
    }
  EXPECT_EQ(parse_shard("2/5").index, 2u);
  EXPECT_EQ(parse_shard("2/5").count, 5u);
  EXPECT_THROW(parse_shard("5/5"), Error);
  EXPECT_THROW(parse_shard("1/0"), Error);
  EXPECT_THROW(parse_shard("a/b"), Error);
}

DseTable shard_table(const Sweep& sw, const DseModel& m, Shard sh, const std::string& base = "tiny") {
  const Config c = load_config(base);
  DseOptions o;
  const auto r = run_sweep(c, sw, m, shard_points(sw.size(), sh), o);
  return make_table({m.name, c.name, o.energy.source, o.area.source, sw, sh}, r);
}

TEST(Dse, MergeJoinsShardsAndRejectsBadParts) {
  const Sweep sw = parse_sweep({"dim=4,8", "spad_kib=16,32", "dram_latency=50,100,200"});
  const DseModel m = small_model();
  const DseTable whole = shard_table(sw, m, Shard{});
  const DseTable a = shard_table(sw, m, Shard{0, 3}), b = shard_table(sw, m, Shard{1, 3}), c = shard_table(sw, m, Shard{2, 3});
  // Round trip through the CSV text.
  const DseTable a2 = parse_table_csv(table_csv(a), "a.csv");
  EXPECT_EQ(a2.rows, a.rows);
  EXPECT_EQ(a2.header, a.header);
  const DseTable merged = merge_tables({c, a2, b}, {"c.csv", "a.csv", "b.csv"});
  EXPECT_EQ(merged.rows, whole.rows);
  EXPECT_EQ(merged.meta.at("shard"), "all");
  try {
    merge_tables({a, b}, {"a.csv", "b.csv"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  try {
    merge_tables({a, b, c, b}, {"a.csv", "b.csv", "c.csv", "b2.csv"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("twice"), std::string::npos) << e.what();
  }
  const DseTable foreign = shard_table(parse_sweep({"dim=4,8", "spad_kib=16,32", "dram_latency=50,100,300"}), m, Shard{2, 3});
  try {
    merge_tables({a, b, foreign}, {"a.csv", "b.csv", "x.csv"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv belongs to another sweep"), std::string::npos) << e.what();
  }
  EXPECT_THROW(merge_tables({a, b, shard_table(sw, m, Shard{2, 3}, "default")}, {"a", "b", "d"}), Error);  // other base
  EXPECT_THROW(parse_table_csv("index,a\n0,1\n", "plain.csv"), Error);
}

TEST(Dse, CsvQuotesReasons) {
  DseTable t;
  t.meta = {{"tool", "systole-dse/1"}, {"points", "1"}};
  t.header = {"index", "reason"};
  t.rows = {{"0", "a, \"b\"\nc"}};
  const DseTable r = parse_table_csv(table_csv(t), "q.csv");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][1], "a, \"b\" c");
}

TEST(Dse, ParetoFrontOfAHandMadeSet) {
  const std::vector<std::pair<double, double>> pts = {
      {1, 10}, {2, 5}, {3, 5}, {2, 6}, {4, 1}, {5, 1}, {4, 1}, {0.5, 20}, {6, 0.5}, {3, 3}, {7, 7}};
  // Dominated: (3,5) by (2,5); (2,6) by (2,5); (5,1) by (4,1); (7,7) by many. Equal points stay.
  EXPECT_EQ(pareto_front(pts), (std::vector<size_t>{0, 1, 4, 6, 7, 8, 9}));
  EXPECT_TRUE(pareto_front({}).empty());
  EXPECT_EQ(pareto_front({{1, std::nan("")}, {2, 2}}), (std::vector<size_t>{1}));
}

TEST(Dse, ParetoTableAndSvg) {
  const Sweep sw = parse_sweep({"dim=4,8,16", "dram_bytes_per_cycle=4,16"});
  const DseTable t = shard_table(sw, small_model(), Shard{}, "default");
  const DseTable p = pareto_table(t);
  ASSERT_FALSE(p.rows.empty());
  EXPECT_EQ(p.header.back(), "front");
  const int lat = p.column("latency_ms");
  for (size_t i = 1; i < p.rows.size(); ++i) EXPECT_LE(std::stod(p.rows[i - 1][size_t(lat)]), std::stod(p.rows[i][size_t(lat)]));
  const std::string svg = pareto_svg(t);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("latency vs energy"), std::string::npos);
  EXPECT_NE(svg.find("latency vs area"), std::string::npos);
  EXPECT_NE(svg.find("#d33"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace systole::roofline
