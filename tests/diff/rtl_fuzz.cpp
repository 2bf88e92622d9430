// rtl_fuzz: long-run differential fuzzing, hls vs rtl, on N random valid programs
// (tests/diff/diff_harness.hpp). Stops at the first mismatch with the seed and the first
// differing instruction.
//   usage: rtl_fuzz N [first_seed] [--default] [--verbose]   (tiny design point unless --default;
//          --verbose prints each program's cycles and exact counters)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vtop_default.h"
#include "Vtop_tiny.h"
#include "diff_harness.hpp"

using namespace systole;

template <typename V, unsigned BUS>
int fuzz(const char* config, uint64_t n, uint64_t first_seed, bool verbose) {
  const Config cfg = load_config(config);
  difftest::RtlRunner<V, BUS> rtl(cfg);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t insns = 0;
  double err_sum = 0, err_max = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const testing::RandomProgram p = testing::make_random_program(cfg, first_seed + i);
    const difftest::DiffResult d = difftest::diff_program(cfg, rtl, p);
    if (!d.same) {
      std::fprintf(stderr, "rtl_fuzz: MISMATCH (%s) %s\n", config, d.report.c_str());
      return 1;
    }
    insns += d.insns;
    if (verbose) {
      const difftest::RunOut r = rtl.run(p, uint32_t(p.insns.size()));
      std::printf("seed %llu: %zu insns, rtl %llu cycles, model %llu;", (unsigned long long)p.seed, p.insns.size(),
                  (unsigned long long)d.rtl_cycles, (unsigned long long)d.hls_cycles);
      for (isa::Counter c : difftest::kExactCounters)
        std::printf(" %s=%llu", isa::kCounterNames[uint32_t(c)], (unsigned long long)r.counters[uint32_t(c)]);
      std::printf("\n");
    }
    const double err = std::fabs(double(d.hls_cycles) - double(d.rtl_cycles)) / double(d.rtl_cycles);
    err_sum += err, err_max = std::max(err_max, err);
    if ((i + 1) % 100 == 0 || i + 1 == n)
      std::printf("rtl_fuzz: %s %llu/%llu programs, %llu instructions identical (%.0f s); model cycle error mean %.1f%% max %.1f%%\n",
                  config, (unsigned long long)(i + 1), (unsigned long long)n, (unsigned long long)insns,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  100 * err_sum / double(i + 1), 100 * err_max);
    std::fflush(stdout);  // progress visible when piped to a log during long campaigns
  }
  return 0;
}

int main(int argc, char** argv) try {
  uint64_t n = 1000, seed = 1;
  bool def = false, verbose = false;
  int pos = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--default")) def = true;
    else if (!std::strcmp(argv[i], "--verbose")) verbose = true;
    else if (pos++ == 0) n = std::strtoull(argv[i], nullptr, 0);
    else seed = std::strtoull(argv[i], nullptr, 0);
  }
  return def ? fuzz<Vtop_default, 16>("default", n, seed, verbose)
             : fuzz<Vtop_tiny, 4>("tiny", n, seed, verbose);
} catch (const std::exception& e) {
  std::fprintf(stderr, "rtl_fuzz: %s\n", e.what());
  return 1;
}
