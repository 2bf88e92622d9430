// Shared helpers of the GEMM end-to-end tests: a seeded random layer, the CPU-reference
// result, and one run of a compiled program on a driver backend.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/gemm.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"
#include "kernels/reference.hpp"

namespace systole::compiler::testing {

struct GemmCase {
  GemmLayer layer;
  std::vector<int8_t> a;  // M*K
};

// Random A, B, bias, mult in [2^30, 2^31), shift 30..40, zero points and clamps.
inline GemmCase random_gemm(uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  GemmCase c;
  GemmLayer& l = c.layer;
  l.m = m, l.n = n, l.k = k;
  c.a.resize(size_t(m) * k);
  for (auto& v : c.a) v = int8_t(uni(-128, 127));
  l.weights.resize(size_t(k) * n);
  for (auto& v : l.weights) v = int8_t(uni(-128, 127));
  l.bias.resize(n), l.mult.resize(n), l.shift.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    l.bias[i] = uni(-(1 << 20), 1 << 20);
    l.mult[i] = int32_t(std::uniform_int_distribution<uint32_t>(1u << 30, (1u << 31) - 1)(rng));
    l.shift[i] = uint32_t(uni(30, 40));
  }
  l.a_zero_point = uni(-128, 127);
  l.out_zero_point = uni(-128, 127);
  l.clamp_lo = uni(-128, 0);
  l.clamp_hi = uni(0, 127);
  return c;
}

inline std::vector<int8_t> reference_output(const GemmCase& c) {
  const GemmLayer& l = c.layer;
  std::vector<int32_t> acc(size_t(l.m) * l.n);
  ref::gemm_i8(c.a.data(), l.weights.data(), acc.data(), int(l.m), int(l.n), int(l.k), l.a_zero_point);
  std::vector<int8_t> out(acc.size());
  ref::requant_i8(acc.data(), out.data(), int(l.m), int(l.n),
                  {l.bias.data(), l.mult.data(), l.shift.data(), l.out_zero_point, l.clamp_lo, l.clamp_hi});
  return out;
}

struct RunOutput {
  std::vector<int8_t> c;
  driver::Counters counters;
};

inline RunOutput run_program(driver::Device& dev, const driver::Program& p, const GemmCase& c) {
  driver::LoadedProgram lp(dev, p);
  lp.set_input("A", c.a.data(), c.a.size());
  lp.run();
  RunOutput r;
  r.c.resize(size_t(c.layer.m) * c.layer.n);
  lp.get_output("C", r.c.data(), r.c.size());
  r.counters = dev.counters();
  return r;
}

}  // namespace systole::compiler::testing
