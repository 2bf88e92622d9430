// The "rtl" backend through the driver's Device on the tiny design point: compiled GEMMs run
// on the Verilated RTL and on the hls model give the same bytes; hardware counters are present
// and consistent; a program that can never finish trips the watchdog with a message naming
// the stuck unit; a bus error is reported and the device works after it; reopening reuses the
// platform; a design point without a Verilated model is a clear error.
#include <gtest/gtest.h>

#include <cstdio>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "compiler/gemm.hpp"
#include "driver/backends/rtl_backend.hpp"
#include "driver/device.hpp"
#include "gemm_test_util.hpp"

namespace systole {
namespace {

using compiler::testing::GemmCase;
using compiler::testing::random_gemm;
using compiler::testing::run_program;

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class RtlBackend : public ::testing::Test {
 protected:
  Config cfg_ = load_config("tiny");

  // One GEMM on rtl and on hls: outputs byte for byte, counters compared.
  void gemm_matches_hls(uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
    SCOPED_TRACE(::testing::Message() << m << "x" << n << "x" << k);
    const GemmCase c = random_gemm(m, n, k, seed);
    const driver::Program p = compiler::compile_gemm(cfg_, c.layer);
    auto rtl_dev = driver::Device::open("rtl", cfg_);
    const auto rtl = run_program(*rtl_dev, p, c);
    rtl_dev.reset();
    auto hls_dev = driver::Device::open("hls", cfg_);
    const auto hls = run_program(*hls_dev, p, c);
    ASSERT_EQ(rtl.c, hls.c);
    EXPECT_EQ(rtl.c, compiler::testing::reference_output(c));

    using C = isa::Counter;
    const auto& r = rtl.counters;
    const auto& h = hls.counters;
    for (C exact : {C::Insns, C::ArrayRows, C::DramRdBytes, C::DramWrBytes, C::FetchBytes})
      EXPECT_EQ(r[exact], h[exact]) << isa::kCounterNames[uint32_t(exact)];
    EXPECT_EQ(r[C::Insns], p.insns.size());
    EXPECT_EQ(r[C::FetchBytes], 16 * p.insns.size());
    EXPECT_GT(r[C::Cycles], 0u);
    for (auto [busy, wait] : {std::pair{C::LoadBusy, C::LoadWait}, {C::ExecBusy, C::ExecWait}, {C::StoreBusy, C::StoreWait}})
      EXPECT_LE(r[busy] + r[wait], r[C::Cycles]) << isa::kCounterNames[uint32_t(busy)];
    EXPECT_GE(r[C::ExecBusy], r[C::ArrayRows]);
    // The hls timing model and the RTL follow the same rules (docs/timing.md); they may differ
    // in details, not in kind.
    EXPECT_NEAR(double(r[C::Cycles]) / double(h[C::Cycles]), 1.0, 0.25)
        << "rtl " << r[C::Cycles] << " cycles, hls model " << h[C::Cycles];
  }
};

TEST_F(RtlBackend, IsRegistered) {
  const auto names = driver::backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "rtl"), names.end());
}

TEST_F(RtlBackend, GemmsMatchHlsByteForByte) {
  gemm_matches_hls(4, 4, 4, 1);
  gemm_matches_hls(7, 13, 29, 2);
  gemm_matches_hls(17, 33, 65, 3);
  gemm_matches_hls(64, 64, 64, 4);
  gemm_matches_hls(2, 9, 300, 5);
}

TEST_F(RtlBackend, ReopenReusesThePlatformWithZeroedMemory) {
  {
    auto dev = driver::Device::open("rtl", cfg_);
    driver::Buffer b = dev->alloc(64, "x");
    const uint8_t ones[64] = {1, 1, 1, 1};
    dev->write(b, ones, sizeof ones);
    EXPECT_THROW(driver::Device::open("rtl", cfg_), Error);  // one open device per process
  }
  auto dev = driver::Device::open("rtl", cfg_);
  driver::Buffer b = dev->alloc(64, "x");
  uint8_t got[64] = {9};
  dev->read(b, got, sizeof got);
  for (uint8_t v : got) EXPECT_EQ(v, 0);
  dev.reset();
  try {
    Config other = cfg_;  // same Verilated model, different platform (DRAM size)
    other.name = "tiny-32mib", other.dram_mib = 32;
    driver::Device::open("rtl", other);
    ADD_FAILURE() << "a second design point in one process must be refused";
  } catch (const Error& e) {
    EXPECT_TRUE(has(e.what(), "once per process")) << e.what();
  }
}

TEST(RtlBackendModels, MissingModelNamesTheCMakeOption) {
  // Runs before any platform exists in this process (ctest: one process per test).
  Config big = load_config("large");
  big.name = "custom", big.dim = 8;  // no preset, never built
  try {
    driver::Device::open("rtl", big);
    ADD_FAILURE() << "no model exists for dim 8";
  } catch (const Error& e) {
    EXPECT_TRUE(has(e.what(), "no Verilated model")) << e.what();
    EXPECT_TRUE(has(e.what(), "SYSTOLE_SIM_PRESETS")) << e.what();
  }
}

TEST_F(RtlBackend, WatchdogNamesTheStuckUnitAndTheDeviceRecovers) {
  driver::RtlBackendOptions opt = driver::rtl_backend_options();
  const driver::RtlBackendOptions saved = opt;
  opt.watchdog_cycles = 3000;
  driver::set_rtl_backend_options(opt);
  auto dev = driver::Device::open("rtl", cfg_);
  driver::set_rtl_backend_options(saved);
  isa::MatmulInsn wait_forever;  // pops a load->execute token no LOAD ever pushes
  wait_forever.pop_prev = 1;
  dev->submit_unchecked({isa::pack(wait_forever)});
  try {
    dev->wait(std::chrono::seconds(60));
    ADD_FAILURE() << "the program cannot finish";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_TRUE(has(m, "watchdog")) << m;
    EXPECT_TRUE(has(m, "stuck unit: execute")) << m;
    EXPECT_TRUE(has(m, "none from load")) << m;
    EXPECT_TRUE(has(m, "instruction 0 (MATMUL")) << m;
    std::printf("%s\n", m.c_str());
  }
  EXPECT_FALSE(dev->running());
  // Usable after: a small GEMM through the same device.
  const GemmCase c = random_gemm(5, 6, 7, 9);
  const auto r = run_program(*dev, compiler::compile_gemm(cfg_, c.layer), c);
  EXPECT_EQ(r.c, compiler::testing::reference_output(c));
}

TEST_F(RtlBackend, BusErrorIsReportedAndTheDeviceRecovers) {
  auto dev = driver::Device::open("rtl", cfg_);
  isa::LoadInsn bad;  // reads past the end of the 64 MiB DRAM
  bad.dram_addr = uint32_t(cfg_.dram_bytes()) - 4, bad.y_size = 2, bad.x_size = 4, bad.dram_stride = 64;
  dev->submit_unchecked({isa::pack(bad)});
  try {
    dev->wait(std::chrono::seconds(60));
    ADD_FAILURE() << "the LOAD reads outside DRAM";
  } catch (const Error& e) {
    EXPECT_TRUE(has(e.what(), "dma_bus_error")) << e.what();
    EXPECT_TRUE(has(e.what(), "instruction 0 (LOAD")) << e.what();
  }
  const GemmCase c = random_gemm(9, 4, 12, 10);
  const auto r = run_program(*dev, compiler::compile_gemm(cfg_, c.layer), c);
  EXPECT_EQ(r.c, compiler::testing::reference_output(c));
}

TEST_F(RtlBackend, DescribeStateNamesEveryUnit) {
  auto dev = driver::Device::open("rtl", cfg_);
  const std::string s = dev->backend().describe_state();
  for (const char* unit : {"fetch:", "load:", "execute:", "store:", "run control idle"})
    EXPECT_TRUE(has(s, unit)) << s;
}

}  // namespace
}  // namespace systole
