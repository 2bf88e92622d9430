// Faults on the "rtl" backend (tiny design point): the DRAM model's injected error responses and
// latency spikes, hung programs and a failed RTL assertion. Each fault must end in a clear
// systole::Error (a DMA error names the unit, the direction, the DRAM address and the
// instruction; a hang names the stuck unit), and leave the device so that the next run on the
// same Device is bit-exact and takes exactly the cycles of a run that never saw a fault.
#include <fmt/format.h>
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
using sim::DramFaults;

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class RtlFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    driver::RtlBackendOptions opt = saved_ = driver::rtl_backend_options();
    opt.watchdog_cycles = 3000;
    driver::set_rtl_backend_options(opt);
    dev_ = driver::Device::open("rtl", cfg_);
    // The reference run: bytes and cycles of this GEMM on a device that never saw a fault.
    const auto r = run_program(*dev_, prog_, case_);
    ASSERT_EQ(r.c, compiler::testing::reference_output(case_));
    clean_cycles_ = r.counters[isa::Counter::Cycles];
  }
  void TearDown() override {
    dev_.reset();
    driver::set_rtl_backend_options(saved_);
  }

  void set_faults(const DramFaults& f) { driver::set_rtl_dram_faults(dev_->backend(), f); }
  sim::DramFaultStats stats() { return driver::rtl_dram_fault_stats(dev_->backend()); }

  // Runs `body`, which must throw systole::Error; returns its message.
  template <typename F>
  std::string error_of(F&& body) {
    try {
      body();
    } catch (const Error& e) {
      std::printf("%s\n", e.what());
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return {};
  }

  // The GEMM again on the same device: bit-exact, and exactly as many cycles as the clean run.
  void expect_clean_run() {
    SCOPED_TRACE("run after the fault");
    EXPECT_FALSE(dev_->running());
    const auto r = run_program(*dev_, prog_, case_);
    EXPECT_EQ(r.c, compiler::testing::reference_output(case_));
    EXPECT_EQ(r.counters[isa::Counter::Cycles], clean_cycles_);
  }

  Config cfg_ = load_config("tiny");
  GemmCase case_ = random_gemm(9, 10, 11, 21);
  driver::Program prog_ = compiler::compile_gemm(cfg_, case_.layer);
  driver::RtlBackendOptions saved_;
  std::unique_ptr<driver::Device> dev_;
  uint64_t clean_cycles_ = 0;
};

TEST_F(RtlFaults, ReadErrorNamesLoadUnitAddressAndInstruction) {
  driver::Buffer src = dev_->alloc(256, "src");
  isa::LoadInsn l;  // two rows of 4 bytes, 64 apart; the second row's beat fails
  l.dram_addr = src.addr + 32, l.dram_stride = 64, l.y_size = 2, l.x_size = 4;
  DramFaults f;
  f.error_lo = src.addr + 96, f.error_hi = src.addr + 100, f.error_dir = DramFaults::Dir::Read;
  set_faults(f);
  const std::string m = error_of([&] {
    dev_->submit({isa::pack(l)});
    dev_->wait(std::chrono::seconds(60));
  });
  EXPECT_TRUE(has(m, fmt::format("DMA read error at DRAM address 0x{:08x} in the load unit", src.addr + 96))) << m;
  EXPECT_TRUE(has(m, "instruction 0 (LOAD")) << m;
  EXPECT_TRUE(has(m, "dma_bus_error")) << m;
  EXPECT_TRUE(has(m, "the device was reset")) << m;
  EXPECT_EQ(stats().errors, 1u);
  // The hardware's status after the driver's reset: clean.
  EXPECT_EQ(dev_->backend().csr_read(isa::kCsrStatus), 0u);
  EXPECT_EQ(dev_->backend().csr_read(isa::kCsrErrorAddr), 0u);
  set_faults({});
  dev_->free(src);
  expect_clean_run();
}

TEST_F(RtlFaults, ReadErrorInsideAGemmThenTheSameGemmIsExact) {
  DramFaults f;
  f.error_at = 6, f.error_dir = DramFaults::Dir::Read;  // the sixth read burst, once
  set_faults(f);
  const std::string m = error_of([&] { run_program(*dev_, prog_, case_); });
  EXPECT_TRUE(has(m, "DMA read error at DRAM address 0x")) << m;
  EXPECT_TRUE(has(m, " unit, instruction ")) << m;
  EXPECT_EQ(stats().errors, 1u);
  expect_clean_run();  // error_at fires once: the faults stay set, and the run is clean
  EXPECT_EQ(stats().errors, 1u);
}

TEST_F(RtlFaults, FetchErrorNamesTheFetchUnit) {
  DramFaults f;
  f.error_at = 1, f.error_dir = DramFaults::Dir::Read;  // the first read: fetch's first burst
  set_faults(f);
  const std::string m = error_of([&] { run_program(*dev_, prog_, case_); });
  EXPECT_TRUE(has(m, "DMA read error at DRAM address 0x")) << m;
  EXPECT_TRUE(has(m, "in the fetch unit, instruction 0 (")) << m;
  expect_clean_run();
}

TEST_F(RtlFaults, RandomReadErrorsAreCaughtEveryTime) {
  DramFaults f;
  f.error_probability = 0.2, f.seed = 7, f.error_dir = DramFaults::Dir::Read;
  set_faults(f);
  for (int i = 0; i < 3; ++i) {
    const std::string m = error_of([&] { run_program(*dev_, prog_, case_); });
    EXPECT_TRUE(has(m, "DMA read error")) << m;
  }
  set_faults({});
  expect_clean_run();
}

TEST_F(RtlFaults, WriteErrorNamesStoreUnitThenTheDeviceIsClean) {
  DramFaults f;
  f.error_at = 2, f.error_dir = DramFaults::Dir::Write;  // the second write burst answers b err
  set_faults(f);
  const std::string m = error_of([&] { run_program(*dev_, prog_, case_); });
  EXPECT_TRUE(has(m, "DMA write error at DRAM address 0x")) << m;
  EXPECT_TRUE(has(m, "in the store unit, instruction ")) << m;
  EXPECT_TRUE(has(m, "(STORE")) << m;
  EXPECT_EQ(stats().errors, 1u);
  expect_clean_run();
}

TEST_F(RtlFaults, LatencySpikesCostCyclesNotResults) {
  DramFaults f;
  f.spike_every = 3, f.spike_cycles = 250;
  set_faults(f);
  const auto r = run_program(*dev_, prog_, case_);
  EXPECT_EQ(r.c, compiler::testing::reference_output(case_));
  const uint64_t spikes = stats().spikes;
  EXPECT_GT(spikes, 0u);
  EXPECT_GT(r.counters[isa::Counter::Cycles], clean_cycles_ + 250);
  // Random spikes, reads and writes alike.
  f = {};
  f.spike_probability = 0.5, f.spike_cycles = 40, f.seed = 3;
  set_faults(f);
  const auto r2 = run_program(*dev_, prog_, case_);
  EXPECT_EQ(r2.c, compiler::testing::reference_output(case_));
  EXPECT_GT(stats().spikes, 0u);
  EXPECT_GT(r2.counters[isa::Counter::Cycles], clean_cycles_);
  set_faults({});
  expect_clean_run();
}

TEST_F(RtlFaults, SpikesAndErrorsTogether) {
  DramFaults f;
  f.spike_every = 2, f.spike_cycles = 120, f.error_at = 4;
  set_faults(f);
  const std::string m = error_of([&] { run_program(*dev_, prog_, case_); });
  EXPECT_TRUE(has(m, "DMA ")) << m;
  set_faults({});
  expect_clean_run();
}

TEST_F(RtlFaults, HungProgramsNameTheStuckUnitThenACorrectRun) {
  // Store pops an execute->store token that no MATMUL pushes.
  isa::StoreInsn s;
  s.pop_prev = 1;
  std::string m = error_of([&] {
    dev_->submit_unchecked({isa::pack(s)});
    dev_->wait(std::chrono::seconds(60));
  });
  EXPECT_TRUE(has(m, "watchdog")) << m;
  EXPECT_TRUE(has(m, "stuck unit: store")) << m;
  EXPECT_TRUE(has(m, "none from execute")) << m;
  expect_clean_run();
  // Load pops an execute->load token behind a LOAD that completes.
  isa::LoadInsn l0, l1;
  l1.pop_next = 1;
  m = error_of([&] {
    dev_->submit_unchecked({isa::pack(l0), isa::pack(l1)});
    dev_->wait(std::chrono::seconds(60));
  });
  EXPECT_TRUE(has(m, "stuck unit: load")) << m;
  EXPECT_TRUE(has(m, "instruction 1 (LOAD")) << m;
  expect_clean_run();
}

TEST_F(RtlFaults, AFailedRtlAssertionIsAnErrorAndThePlatformRecovers) {
  // 256 pushes on the load->execute channel and no pop: the 8-bit token counter would lose a
  // token. The validator refuses such a program; the hardware's assertion catches it.
  isa::LoadInsn push;
  push.push_next = 1;
  const std::vector<isa::Insn> prog(256, isa::pack(push));
  const std::string m = error_of([&] {
    dev_->submit_unchecked(prog);
    dev_->wait(std::chrono::seconds(60));
  });
  EXPECT_TRUE(has(m, "RTL assertion failed")) << m;
  EXPECT_TRUE(has(m, "hardware-reset")) << m;
  expect_clean_run();
  // A LOAD whose burst would wrap past the 32-bit DRAM space.
  isa::LoadInsn wrap;
  wrap.target = 1, wrap.dram_addr = 0xfffffff8u, wrap.y_size = 1, wrap.x_size = 4;
  const std::string w = error_of([&] {
    dev_->submit_unchecked({isa::pack(wrap)});
    dev_->wait(std::chrono::seconds(60));
  });
  EXPECT_TRUE(has(w, "RTL assertion failed")) << w;
  expect_clean_run();
}

// Without the watchdog, the driver's own timeout catches the hang and names the stuck unit.
TEST(RtlHang, DriverTimeoutNamesTheStuckUnitThenACorrectRun) {
  const driver::RtlBackendOptions saved = driver::rtl_backend_options();
  driver::RtlBackendOptions opt = saved;
  opt.watchdog_cycles = 0;
  driver::set_rtl_backend_options(opt);
  const Config cfg = load_config("tiny");
  auto dev = driver::Device::open("rtl", cfg);
  driver::set_rtl_backend_options(saved);
  isa::MatmulInsn wait_forever;  // pops a load->execute token no LOAD pushes: never finishes
  wait_forever.pop_prev = 1;
  dev->submit_unchecked({isa::pack(wait_forever)});
  std::string m;
  try {
    dev->wait(std::chrono::milliseconds(300));
    ADD_FAILURE() << "the program cannot finish";
  } catch (const Error& e) {
    m = e.what();
  }
  std::printf("%s\n", m.c_str());
  EXPECT_TRUE(has(m, "timeout after 300 ms")) << m;
  EXPECT_TRUE(has(m, "the device was reset")) << m;
  EXPECT_TRUE(has(m, "stuck unit: execute")) << m;
  EXPECT_TRUE(has(m, "none from load")) << m;
  const GemmCase c = random_gemm(6, 7, 8, 4);
  const auto r = run_program(*dev, compiler::compile_gemm(cfg, c.layer), c);
  EXPECT_EQ(r.c, compiler::testing::reference_output(c));
}

TEST(RtlFaultSpec, ParsesAndRejects) {
  const DramFaults f = sim::parse_dram_faults("error_at=3,error_dir=write,spike_every=4,spike_cycles=300,seed=9");
  EXPECT_EQ(f.error_at, 3u);
  EXPECT_EQ(f.error_dir, DramFaults::Dir::Write);
  EXPECT_EQ(f.spike_every, 4u);
  EXPECT_EQ(f.spike_cycles, 300u);
  EXPECT_EQ(f.seed, 9u);
  const DramFaults r = sim::parse_dram_faults("error_range=0x1000-0x2000,error_p=0.25,spike_p=1");
  EXPECT_EQ(r.error_lo, 0x1000u);
  EXPECT_EQ(r.error_hi, 0x2000u);
  EXPECT_DOUBLE_EQ(r.error_probability, 0.25);
  EXPECT_TRUE(r.any());
  EXPECT_FALSE(sim::parse_dram_faults("none").any());
  EXPECT_FALSE(sim::parse_dram_faults("").any());
  EXPECT_THROW(sim::parse_dram_faults("error_at=x"), Error);
  EXPECT_THROW(sim::parse_dram_faults("bogus=1"), Error);
  EXPECT_THROW(sim::parse_dram_faults("error_p=2"), Error);
}

}  // namespace
}  // namespace systole
