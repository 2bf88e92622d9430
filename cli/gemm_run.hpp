// One GEMM run end to end (workload, compile, driver, check, counters): shared by
// `systole gemm` and `systole bench gemm`.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "arch/config.hpp"
#include "compiler/gemm.hpp"
#include "driver/device.hpp"

namespace systole::cli {

struct GemmOptions {
  uint32_t m = 256, n = 256, k = 256;
  std::string config = "default", backend = "hls";
  uint64_t seed = 1;
  std::string trace;  // FST waveform file (rtl backend built with -DSYSTOLE_TRACE=ON)
};

struct GemmResult {
  GemmOptions opts;
  Config cfg;
  compiler::GemmLowering lowering;
  size_t instructions = 0, arena_bytes = 0;
  driver::Counters counters;
  double sim_seconds = 0;
  size_t outputs = 0, mismatches = 0, first_mismatch = 0;
  int first_got = 0, first_want = 0;

  bool bit_exact() const { return mismatches == 0; }
  uint64_t cycles() const { return counters[isa::Counter::Cycles]; }
  uint64_t macs() const { return uint64_t(opts.m) * opts.n * opts.k; }
  double utilization() const;
  nlohmann::json to_json() const;
};

GemmResult run_gemm(const GemmOptions& o);

}  // namespace systole::cli
