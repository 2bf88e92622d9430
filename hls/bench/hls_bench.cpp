// hls_bench: throughput of the native functional model on a dense int8 GEMM program
// (hls/bench/gemm_program.hpp). Prints the best wall time of a few runs, MAC/s, and the
// timing model's cycle estimate for the same program.
//   usage: hls_bench [M N K [DIM [repeats]]]   (default 512 512 512 16 3)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <random>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "hls/bench/gemm_program.hpp"
#include "hls/native/accel.hpp"

using namespace systole;

int main(int argc, char** argv) try {
  const uint32_t m = argc > 1 ? uint32_t(std::atoi(argv[1])) : 512;
  const uint32_t n = argc > 2 ? uint32_t(std::atoi(argv[2])) : 512;
  const uint32_t k = argc > 3 ? uint32_t(std::atoi(argv[3])) : 512;
  const uint32_t dim = argc > 4 ? uint32_t(std::atoi(argv[4])) : 16;
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;

  hls::bench::GemmProgram g = hls::bench::make_gemm_program(dim, m, n, k);
  std::mt19937 rng(1);
  for (uint64_t i = g.a_off; i < g.b_off + uint64_t(k) * n; ++i) g.dram[i] = uint8_t(rng());

  // The default design point, with buffers large enough to hold the whole problem.
  Config cfg = load_config("default");
  cfg.dim = dim;
  cfg.spad_kib = std::max<uint32_t>(cfg.spad_kib, (g.spad_rows_needed() * dim + 1023) / 1024);
  cfg.acc_kib = std::max<uint32_t>(cfg.acc_kib, (g.acc_rows_needed() * dim * 4 + 1023) / 1024);
  cfg.validate();

  double best = 1e30;
  hls::RunResult r;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    r = hls::run(cfg, g.dram.data(), g.dram.size(), 0, g.insn_count);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    if (r.error_code) throw Error(fmt::format("run failed: {} at instruction {}", isa::error_code_name(r.error_code), r.error_insn));
  }

  // Spot-check a few outputs against a direct dot product.
  for (uint32_t t = 0; t < 64; ++t) {
    const uint32_t i = uint32_t(rng() % m), j = uint32_t(rng() % n);
    int32_t want = 0;
    for (uint32_t x = 0; x < k; ++x)
      want += int32_t(int8_t(g.dram[g.a_off + uint64_t(i) * k + x])) * int32_t(int8_t(g.dram[g.b_off + uint64_t(x) * n + j]));
    if (g.c(i, j) != want) throw Error(fmt::format("wrong result C[{}][{}] = {}, expected {}", i, j, g.c(i, j), want));
  }

  const double macs = double(m) * n * k;
  const uint64_t cycles = r.counters[uint32_t(isa::Counter::Cycles)];
  fmt::print("hls_bench: GEMM {}x{}x{} on DIM={} ({} instructions)\n", m, n, k, dim, g.insn_count);
  fmt::print("  functional model: {:.3f} ms best of {}, {:.2f} G MAC/s\n", best * 1e3, repeats, macs / best / 1e9);
  fmt::print("  timing model:     {} cycles, array utilization {:.1f}% ({:.3f} ms at {} MHz)\n", cycles,
             100.0 * macs / (double(cycles) * dim * dim), cycles / cfg.clock_mhz / 1e3, cfg.clock_mhz);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "hls_bench: %s\n", e.what());
  return 1;
}
