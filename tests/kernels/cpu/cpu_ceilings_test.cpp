// Sanity of the run-time CPU ceilings (quick mode): positive, ordered where physics says so,
// JSON round trip and the per-machine cache file. No absolute speeds are asserted.
#include "roofline/cpu_ceilings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace systole::roofline {
namespace {

TEST(CpuCeilings, QuickMeasurementIsSaneAndCached) {
  const std::string path = (std::filesystem::temp_directory_path() / "systole_cpu_ceilings_test.json").string();
  std::remove(path.c_str());
  CeilingOptions o;
  o.quick = true;
  o.threads = 2;
  o.cache_path = path;
  const CpuCeilings c = cpu_ceilings(o);
  EXPECT_FALSE(c.cpu_model.empty());
  EXPECT_GT(c.int8_gops_core, 0);
  EXPECT_GT(c.int8_gops_all, 0);
  EXPECT_GT(c.fp32_gflops_core, 0);
  EXPECT_GT(c.fp32_gflops_all, 0);
  for (int l = 0; l < 4; ++l) {
    EXPECT_GT(c.bw_core[l], 0) << kLevelNames[l];
    EXPECT_GT(c.bw_all[l], 0) << kLevelNames[l];
  }
  EXPECT_LT(c.bw_core[3], c.bw_core[0]);  // DRAM below L1
  EXPECT_FALSE(c.sweep.empty());

  // The second call is served from the cache file: identical values, no re-measurement.
  const CpuCeilings again = cpu_ceilings(o);
  EXPECT_EQ(again.measured_at, c.measured_at);
  EXPECT_DOUBLE_EQ(again.int8_gops_core, c.int8_gops_core);
  std::ifstream in(path);
  nlohmann::json db;
  in >> db;
  ASSERT_TRUE(db.contains(c.cpu_model));
  EXPECT_EQ(db[c.cpu_model]["threads"], 2);

  const CpuCeilings rt = ceilings_from_json(to_json(c));
  EXPECT_EQ(rt.cpu_model, c.cpu_model);
  EXPECT_DOUBLE_EQ(rt.bw_all[3], c.bw_all[3]);
  EXPECT_EQ(rt.sweep.size(), c.sweep.size());
  std::remove(path.c_str());
}

TEST(CpuCeilings, CorruptCacheIsRemeasured) {
  const std::string path = (std::filesystem::temp_directory_path() / "systole_cpu_ceilings_bad.json").string();
  { std::ofstream(path) << "{ not json"; }
  CeilingOptions o;
  o.quick = true;
  o.threads = 1;
  o.cache_path = path;
  EXPECT_GT(cpu_ceilings(o).int8_gops_core, 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace systole::roofline
