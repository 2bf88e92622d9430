// The rtl backend with an FST waveform (a build with -DSYSTOLE_TRACE=ON): a small GEMM through
// the traced model gives the right bytes and leaves a non-empty FST file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "compiler/gemm.hpp"
#include "driver/backends/rtl_backend.hpp"
#include "driver/device.hpp"
#include "gemm_test_util.hpp"

namespace systole {
namespace {

TEST(RtlTrace, GemmWithWaveform) {
  const Config cfg = load_config("tiny");
  const std::string path = std::filesystem::temp_directory_path() / "systole_sim_trace_test.fst";
  std::remove(path.c_str());
  driver::RtlBackendOptions opt;
  opt.trace_file = path;
  {
    driver::Device dev(driver::make_rtl_backend(cfg, opt));
    const auto c = compiler::testing::random_gemm(5, 6, 7, 3);
    const auto r = compiler::testing::run_program(dev, compiler::compile_gemm(cfg, c.layer), c);
    EXPECT_EQ(r.c, compiler::testing::reference_output(c));
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace systole
