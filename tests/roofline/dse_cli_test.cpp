// `systole dse` end to end through the binary: a sweep writes its three files, shards merge
// into the same points, and an unknown key fails naming the valid ones.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Out {
  int status = 0;
  std::string text;
};

Out run(const std::string& args) {
  Out o;
  const std::string cmd = std::string(SYSTOLE_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) o.text.append(buf, n);
  o.status = WEXITSTATUS(pclose(p));
  return o;
}

std::string body(const fs::path& csv) {  // everything but the metadata line
  std::ifstream in(csv);
  std::string first;
  std::getline(in, first);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DseCli, SweepShardsAndMerge) {
  const fs::path dir = fs::temp_directory_path() / "systole_dse_cli_test";
  fs::remove_all(dir);
  const std::string sweep = "small_cnn --sweep dim=4,8,16 dram_bytes_per_cycle=4,16 clock_mhz=100,200 --quiet";
  Out o = run("dse " + sweep + " --out " + (dir / "all").string());
  ASSERT_EQ(o.status, 0) << o.text;
  EXPECT_NE(o.text.find("12 points (12 ok"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("points/minute"), std::string::npos) << o.text;
  for (const char* f : {"points.csv", "pareto.csv", "pareto.svg"}) EXPECT_TRUE(fs::exists(dir / "all" / f)) << f;
  for (int i = 0; i < 3; ++i) {
    o = run("dse " + sweep + " --shard " + std::to_string(i) + "/3 --out " + (dir / "parts").string());
    ASSERT_EQ(o.status, 0) << o.text;
  }
  const std::string parts = (dir / "parts" / "points-0of3.csv").string() + " " + (dir / "parts" / "points-1of3.csv").string();
  o = run("dse merge " + parts + " --out " + (dir / "merged").string());
  EXPECT_EQ(o.status, 1) << o.text;
  EXPECT_NE(o.text.find("missing"), std::string::npos) << o.text;
  o = run("dse merge " + parts + " " + (dir / "parts" / "points-2of3.csv").string() + " --out " + (dir / "merged").string());
  ASSERT_EQ(o.status, 0) << o.text;
  EXPECT_EQ(body(dir / "merged" / "points.csv"), body(dir / "all" / "points.csv"));
  EXPECT_EQ(body(dir / "merged" / "pareto.csv"), body(dir / "all" / "pareto.csv"));
  fs::remove_all(dir);
}

TEST(DseCli, UnknownKeyListsTheValidOnes) {
  const Out o = run("dse small_cnn --sweep dimm=4,8 --out /tmp/systole_dse_cli_never");
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.text.find("unknown config key 'dimm'"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("array.dim"), std::string::npos) << o.text;
}

}  // namespace
