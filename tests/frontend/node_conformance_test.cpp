// ONNX backend node tests (libonnx-testdata) for the supported ops: every case must import,
// infer shapes and execute to the stored outputs, raw, after optimize(), and after an
// export/import round trip. Cases for unsupported features are listed with the reason and
// must fail with a systole::Error (not crash, not pass silently). Prints a summary table.
// SYSTOLE_NODE_TEST=<substring> restricts the run to matching cases.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>

#include "tests/frontend/onnx_test_data.hpp"

namespace systole::test {
namespace {

namespace fs = std::filesystem;

// Node test names (under node/) and pytorch-converted names covered by the front end.
const std::regex kNodeTests(
    "test_(basic_)?conv.*|test_convinteger.*|test_qlinearconv|test_qlinearmatmul.*|test_gemm.*|test_matmul.*|"
    "test_matmulinteger|test_relu|test_maxpool.*|test_averagepool.*|test_globalaveragepool.*|test_add.*|"
    "test_batchnorm.*|test_flatten.*|test_reshape.*|test_concat.*|test_clip.*|test_quantizelinear.*|"
    "test_dequantizelinear.*|test_basic_convinteger");
const std::regex kTorchTests("test_Conv[123]d.*|test_ConvTranspose2d.*");

// Known-unsupported cases and why. Each must still be rejected with a systole::Error.
const std::vector<std::pair<std::regex, std::string>> kUnsupported = {
    {std::regex("test_(averagepool|maxpool)_3d.*|test_Conv3d.*"), "3-D convolution/pooling: the accelerator and front end support 1-D and 2-D windows"},
    {std::regex("test_convtranspose.*|test_ConvTranspose.*"), "ConvTranspose is not a supported op"},
    {std::regex("test_maxpool_with_argmax.*"), "MaxPool's Indices output is not supported"},
    {std::regex("test_batchnorm_.*training_mode"), "BatchNormalization training_mode=1 (inference only)"},
    {std::regex("test_add_uint8"), "plain uint8 arithmetic does not commute with the uint8->int8 mapping"},
};

const char* mode_name(Mode m) { return m == Mode::raw ? "raw" : m == Mode::optimized ? "optimized" : "reexported"; }

TEST(FrontendOnnxNodeTests, RunAll) {
  const std::string root = onnx_testdata_dir();
  if (root.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  const char* filter = std::getenv("SYSTOLE_NODE_TEST");
  std::vector<std::pair<std::string, fs::path>> cases;
  for (const auto& [sub, re] : {std::pair{"node", kNodeTests}, std::pair{"pytorch-converted", kTorchTests}})
    for (const auto& e : fs::directory_iterator(fs::path(root) / sub)) {
      const std::string name = e.path().filename().string();
      if (std::regex_match(name, re) && (!filter || name.find(filter) != std::string::npos)) cases.push_back({name, e.path()});
    }
  std::sort(cases.begin(), cases.end());
  ASSERT_FALSE(cases.empty());

  int passed = 0, failed = 0;
  std::map<std::string, std::vector<std::string>> skipped;  // reason -> cases
  for (const auto& [name, path] : cases) {
    const std::string* reason = nullptr;
    for (const auto& [re, why] : kUnsupported)
      if (std::regex_match(name, re)) reason = &why;
    if (reason) {
      const CaseResult r = run_case(path.string(), Mode::raw);
      EXPECT_FALSE(r.ok) << name << " is listed unsupported (" << *reason << ") but passes";
      EXPECT_FALSE(r.message.empty()) << name << ": rejected without an error message";
      skipped[*reason].push_back(name);
      fmt::print("  SKIP {:52} {}\n", name, r.message);
      continue;
    }
    bool ok = true;
    for (Mode m : {Mode::raw, Mode::optimized, Mode::reexported}) {
      const CaseResult r = run_case(path.string(), m);
      if (!r.ok) {
        ADD_FAILURE() << name << " [" << mode_name(m) << "]: " << r.message;
        ok = false;
      }
    }
    ok ? ++passed : ++failed;
  }
  int nskip = 0;
  for (const auto& [why, names] : skipped) nskip += int(names.size());
  fmt::print("\nONNX node tests: {} passed, {} failed, {} skipped (of {})\n", passed, failed, nskip, cases.size());
  for (const auto& [why, names] : skipped) fmt::print("  skipped {:2}: {}\n      {}\n", names.size(), why, fmt::join(names, " "));
}

}  // namespace
}  // namespace systole::test
