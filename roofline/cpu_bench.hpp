// The CPU side-by-side benchmark behind `systole bench cpu --json` and the `cpu_bench` tool:
// the own int8 GEMM (zero point + requantization epilogue, int8 out) against oneDNN's int8
// matmul on the same shape, plus the measured CPU ceilings. Returns one JSON object.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace systole::roofline {

struct CpuBenchOptions {
  int m = 512, n = 512, k = 512;
  int threads = 1;               // GEMM threads (the ceilings always report per core and all cores)
  int reps = 100;                // timed repetitions per configuration (best and median reported)
  bool all_variants = true;      // also time the avx2 / portable fallbacks this CPU runs
  bool check = true;             // verify bit-exactness against the reference
  bool quick_ceilings = false;   // shorter ceiling measurement (tests)
  bool remeasure_ceilings = false;
  std::string ceilings_cache;    // "" = default cache file, "-" = do not read or write one
};

nlohmann::json run_cpu_bench(const CpuBenchOptions& opt);

}  // namespace systole::roofline
