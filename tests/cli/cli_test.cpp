// The `systole` command end to end, as a user runs it: exit codes, JSON fields, messages.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>

namespace {

struct CmdResult {
  int status = -1;
  std::string out;  // stdout and stderr together
};

CmdResult systole(const std::string& args) {
  CmdResult r;
  const std::string cmd = std::string(SYSTOLE_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

nlohmann::json gemm_json(const std::string& args) {
  const CmdResult r = systole("gemm --json " + args);
  EXPECT_EQ(r.status, 0) << r.out;
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST(Cli, GemmJsonHasTheDocumentedFieldsAndIsBitExact) {
  for (const char* args : {"--m 7 --n 13 --k 29 --config tiny", "--m 33 --n 40 --k 70 --config default --seed 5"}) {
    const auto j = gemm_json(args);
    for (const char* key : {"backend", "config", "m", "n", "k", "cycles", "macs", "utilization", "dram_bytes", "bit_exact",
                            "sim_seconds", "sim_cycles_per_second"})
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << j.dump();
    EXPECT_TRUE(j["bit_exact"].get<bool>());
    EXPECT_EQ(j["backend"], "hls");
    const double dim = j["dim"].get<double>();
    const double macs = double(j["m"].get<int>()) * j["n"].get<int>() * j["k"].get<int>();
    EXPECT_EQ(j["macs"].get<double>(), macs);
    ASSERT_GT(j["cycles"].get<double>(), 0);
    EXPECT_DOUBLE_EQ(j["utilization"].get<double>(), macs / (j["cycles"].get<double>() * dim * dim));
    EXPECT_LE(j["utilization"].get<double>(), 1.0);
    EXPECT_GT(j["dram_bytes"].get<double>(), 0);
  }
}

TEST(Cli, GemmHumanSummary) {
  const CmdResult r = systole("gemm --m 16 --n 16 --k 16 --config tiny");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("bit-exact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("utilization"), std::string::npos) << r.out;
}

TEST(Cli, BadInputGivesAClearErrorAndNonZeroExit) {
  CmdResult r = systole("gemm --config /no/such.toml");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("not a preset"), std::string::npos) << r.out;
  r = systole("gemm --m 0");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("at least 1"), std::string::npos) << r.out;
  r = systole("gemm --backend nosuch --m 4 --n 4 --k 4");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("nosuch"), std::string::npos) << r.out;
  r = systole("frobnicate");
  EXPECT_NE(r.status, 0);
}

TEST(Cli, AsmDisasmRoundTrip) {
  const std::string dir = testing::TempDir();
  {
    std::ofstream s(dir + "/p.s");
    s << "LOAD sram_addr=2 dram_addr=0x40 dram_stride=16 y_size=4 x_size=16 push_next=1\n"
         "MATMUL pop_prev=1 load_weights=1 w_rows=16 rows=4 push_next=1\n"
         "STORE pop_prev=1 y_size=4 x_size=16 dram_addr=0x400 dram_stride=16\n";
  }
  CmdResult r = systole("asm " + dir + "/p.s -o " + dir + "/p.bin");
  ASSERT_EQ(r.status, 0) << r.out;
  r = systole("disasm " + dir + "/p.bin");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("LOAD push_next=1 sram_addr=2 dram_addr=0x40 dram_stride=16 y_size=4 x_size=16"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("MATMUL pop_prev=1 push_next=1 rows=4 w_rows=16 load_weights=1"), std::string::npos) << r.out;
  {
    std::ofstream s(dir + "/bad.s");
    s << "LOAD\nSTORE y_size=70000\n";
  }
  r = systole("asm " + dir + "/bad.s -o " + dir + "/bad.bin");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("bad.s:2:"), std::string::npos) << r.out;
}

TEST(Cli, ConfigPrintsAndValidates) {
  CmdResult r = systole("config tiny");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("dim = 4"), std::string::npos) << r.out;
  const std::string bad = testing::TempDir() + "/bad.toml";
  std::ofstream(bad) << "[scratchpad]\nbanks = 3\n";
  r = systole("config " + bad);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("banks = 3 must be a power of two"), std::string::npos) << r.out;
}
