// Random layers whose outputs spread over the int8 range (scales sized from K), so that the
// bit-exact comparison exercises rounding, clamping and zero points rather than all-zeros.
#include "cli/gemm_workload.hpp"

#include <cmath>
#include <random>

#include "arch/scale.hpp"
#include "kernels/reference.hpp"

namespace systole::cli {

GemmWorkload make_gemm_workload(uint32_t m, uint32_t n, uint32_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int lo, int hi) { return int(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  GemmWorkload w;
  compiler::GemmLayer& L = w.layer;
  L.m = m, L.n = n, L.k = k;
  w.a.resize(size_t(m) * k);
  for (auto& v : w.a) v = int8_t(uni(-128, 127));
  L.weights.resize(size_t(k) * n);
  for (auto& v : L.weights) v = int8_t(uni(-127, 127));
  L.a_zero_point = uni(-16, 16);
  L.out_zero_point = uni(-10, 10);
  const bool relu = uni(0, 1);
  L.clamp_lo = relu ? L.out_zero_point : -128;
  L.clamp_hi = 127;
  // Accumulators spread ~ sqrt(K) * 74 * 74 (uniform int8 std ~ 74): aim the output at ~40.
  const double acc_std = std::sqrt(double(k)) * 74.0 * 74.0;
  for (uint32_t j = 0; j < n; ++j) {
    L.bias.push_back(uni(-int(acc_std / 4) - 1, int(acc_std / 4) + 1));
    const FixedScale s = quantize_scale(40.0 / acc_std * (0.5 + std::uniform_real_distribution<double>(0, 1)(rng)));
    L.mult.push_back(s.mult);
    L.shift.push_back(s.shift);
  }
  std::vector<int32_t> acc(size_t(m) * n);
  ref::gemm_i8(w.a.data(), L.weights.data(), acc.data(), int(m), int(n), int(k), L.a_zero_point);
  w.expected.resize(size_t(m) * n);
  const ref::Requant q{L.bias.data(), L.mult.data(), L.shift.data(), L.out_zero_point, L.clamp_lo, L.clamp_hi};
  ref::requant_i8(acc.data(), w.expected.data(), int(m), int(n), q);
  return w;
}

}  // namespace systole::cli
