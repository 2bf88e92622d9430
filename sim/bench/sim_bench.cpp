// Platform speed: one dense GEMM compiled for a design point, run on the "rtl" backend (and on
// "hls" to check the result bit for bit); prints simulated cycles per wall second and the
// hardware counters. Usage: sim_bench [preset=default] [m n k = 256 256 256]
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <random>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "compiler/gemm.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"
#include "sim/platform.hpp"

using namespace systole;

namespace {

// Process CPU seconds: on a shared machine wall time also counts other people's jobs.
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

compiler::GemmLayer random_layer(uint32_t m, uint32_t n, uint32_t k, std::vector<int8_t>& a) {
  std::mt19937 rng(7);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  compiler::GemmLayer l;
  l.m = m, l.n = n, l.k = k;
  a.resize(size_t(m) * k);
  for (auto& v : a) v = int8_t(uni(-128, 127));
  l.weights.resize(size_t(k) * n);
  for (auto& v : l.weights) v = int8_t(uni(-128, 127));
  for (uint32_t i = 0; i < n; ++i) {
    l.bias.push_back(uni(-(1 << 20), 1 << 20));
    l.mult.push_back(uni(1 << 30, 0x7fffffff));
    l.shift.push_back(uint32_t(uni(30, 40)));
  }
  l.a_zero_point = uni(-128, 127), l.out_zero_point = uni(-128, 127);
  return l;
}

std::vector<int8_t> run(const std::string& backend, const Config& cfg, const driver::Program& p,
                        const std::vector<int8_t>& a, size_t out_bytes, driver::Counters* c, double* secs,
                        double* cpu) {
  auto dev = driver::Device::open(backend, cfg);
  driver::LoadedProgram lp(*dev, p);
  lp.set_input("A", a.data(), a.size());
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  lp.run();
  *cpu = cpu_seconds() - c0;
  *secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<int8_t> out(out_bytes);
  lp.get_output("C", out.data(), out.size());
  *c = dev->counters();
  return out;
}

}  // namespace

// Platform overheads without a program: CSR round trips and idle clock cycles.
void overheads(const Config& cfg) {
  sim::Platform& p = sim::Platform::acquire(cfg);
  auto t0 = std::chrono::steady_clock::now();
  const uint64_t c0 = p.cycle();
  for (int i = 0; i < 1000; ++i) p.csr_read(isa::kCsrHwId);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("csr_read: {:.2f} us each ({} cycles each)\n", s * 1e3, (p.cycle() - c0) / 1000.0);
  t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  p.run_cycles(1000000);
  s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("idle clock: {:.3f} M cycles/s ({:.3f} per CPU second)\n", 1.0 / s, 1.0 / (cpu_seconds() - cpu0));
  p.release();
}

int main(int argc, char** argv) {
  try {
    if (argc > 2 && std::string(argv[2]) == "--overheads") {
      overheads(load_config(argv[1]));
      return 0;
    }
    const Config cfg = load_config(argc > 1 ? argv[1] : "default");
    const uint32_t m = argc > 4 ? uint32_t(std::atoi(argv[2])) : 256, n = argc > 4 ? uint32_t(std::atoi(argv[3])) : 256,
                   k = argc > 4 ? uint32_t(std::atoi(argv[4])) : 256;
    std::vector<int8_t> a;
    const compiler::GemmLayer layer = random_layer(m, n, k, a);
    const driver::Program p = compiler::compile_gemm(cfg, layer);
    driver::Counters c, ch;
    double secs = 0, hsecs = 0, cpu = 0, hcpu = 0;
    const auto rtl = run("rtl", cfg, p, a, size_t(m) * n, &c, &secs, &cpu);
    const auto hls = run("hls", cfg, p, a, size_t(m) * n, &ch, &hsecs, &hcpu);
    const uint64_t cycles = c[isa::Counter::Cycles];
    fmt::print("{} ({}x{}) gemm {}x{}x{}: {} instructions, {} cycles (hls model {}), {:.3f} s ({:.3f} s CPU), {:.3f} M cycles/s ({:.3f} per CPU second), "
               "utilization {:.1f}%, {}\n",
               cfg.name, cfg.dim, cfg.dim, m, n, k, p.insns.size(), cycles, ch[isa::Counter::Cycles], secs,
               cpu, cycles / secs / 1e6, cycles / cpu / 1e6, 100.0 * double(m) * n * k / (double(cycles) * cfg.dim * cfg.dim),
               rtl == hls ? "bit-exact with hls" : "MISMATCH with hls");
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) fmt::print("  {:14} {:>12} (hls {})\n", isa::kCounterNames[i], c.v[i], ch.v[i]);
    return rtl == hls ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "sim_bench: {}\n", e.what());
    return 1;
  }
}
