// `systole conformance` through the library API: the ONNX backend node tests of every op the
// pipeline claims, on hls/tiny and hls/default, with zero failures, at least the measured
// number of passes, and a reason for every skip.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compiler/net/conformance.hpp"

namespace systole::test {
namespace {

// Measured (docs/networks.md): 89 passed, 29 skipped of 118 on both design points.
constexpr int kMinPassed = 89;

class Conformance : public ::testing::TestWithParam<const char*> {};

TEST_P(Conformance, NoFailuresAndEverySkipHasAReason) {
  if (net::default_onnx_testdata_dir().empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  net::ConformanceOptions opt;
  opt.config = GetParam();
  const net::ConformanceReport rep = net::run_conformance(opt, [](const net::CaseResult& c) {
    EXPECT_NE(c.status, net::CaseStatus::Failed) << c.name << ": " << c.detail;
    if (c.status == net::CaseStatus::Passed) {
      EXPECT_TRUE(c.bit_exact) << c.name;
      EXPECT_EQ(c.accel_ops > 0, c.accel_cycles > 0) << c.name << ": accelerator ops must run on the device";
    }
    if (c.status == net::CaseStatus::Skipped) {
      EXPECT_FALSE(c.reason.empty()) << c.name << " skipped without a reason";
    }
    fmt::print("{} {:<50} {:<9} {}\n", net::case_status_name(c.status), c.name, c.kind,
               c.status == net::CaseStatus::Skipped ? c.reason : c.detail);
  });
  fmt::print("{}\n", rep.summary_line());
  for (const auto& [why, n] : rep.skip_reasons) fmt::print("  skipped {:3}: {}\n", n, why);
  EXPECT_EQ(rep.failed, 0);
  EXPECT_GE(rep.passed, kMinPassed);
  EXPECT_EQ(rep.passed + rep.failed + rep.skipped, int(rep.cases.size()));
}

// The integer ops mapped with unit scales equal ONNX's int32 results exactly. The node tests'
// QLinearConv / QLinearMatMul (full-range uint8 weights with a weight zero point that cannot be
// folded into int8) run on the CPU with the zero-point-subtracting integer kernel and equal the
// stored outputs exactly; a standalone Relu runs as a CPU clamp.
TEST(ConformanceCases, IntegerOpsAsymmetricWeightsAndStandaloneReluPass) {
  const std::string root = net::default_onnx_testdata_dir();
  if (root.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  const Config cfg = load_config("tiny");
  auto dev = driver::Device::open("hls", cfg);
  for (const char* name : {"test_basic_convinteger", "test_convinteger_with_padding", "test_matmulinteger", "test_maxpool_2d_uint8"}) {
    const net::CaseResult r = net::run_conformance_case(root + "/node/" + name, *dev, cfg);
    EXPECT_EQ(r.status, net::CaseStatus::Passed) << name << ": " << r.detail;
    EXPECT_EQ(r.kind, "integer") << name;
  }
  for (const char* name : {"test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D"}) {
    const net::CaseResult r = net::run_conformance_case(root + "/node/" + name, *dev, cfg);
    EXPECT_EQ(r.status, net::CaseStatus::Passed) << name << ": " << r.reason << r.detail;
    EXPECT_EQ(r.kind, "quantized") << name;
    EXPECT_TRUE(r.bit_exact) << name;
    EXPECT_NE(r.detail.find("equal the stored ONNX outputs exactly"), std::string::npos) << name << ": " << r.detail;
    EXPECT_EQ(r.accel_ops, 0) << name << ": asymmetric weights must be placed on the CPU";
    EXPECT_GE(r.cpu_ops, 1) << name;
  }
  const net::CaseResult relu = net::run_conformance_case(root + "/node/test_relu", *dev, cfg);
  EXPECT_EQ(relu.status, net::CaseStatus::Passed) << relu.reason << relu.detail;
  EXPECT_EQ(relu.accel_ops, 0);
  EXPECT_EQ(relu.cpu_ops, 1);
  EXPECT_TRUE(dev->buffers().empty());
}

INSTANTIATE_TEST_SUITE_P(Hls, Conformance, ::testing::Values("tiny", "default"),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

}  // namespace
}  // namespace systole::test
