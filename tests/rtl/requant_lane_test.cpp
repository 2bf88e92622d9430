// systole_requant_lane (K = 4) alone against arch/requant.hpp: ties of both signs, shifts 0,
// 1, 30-33, 61-63 and > 63, saturation of acc + bias, INT32_MIN operands, clamps and zero
// points, then random elements. One element = 1 setup cycle + 64/K steps.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>

#include "Vrqlane.h"
#include "arch/requant.hpp"
#include "verilated.h"

namespace systole::rtltest {
namespace {

constexpr int kSteps = 64 / 4;

struct Lane {
  std::unique_ptr<VerilatedContext> ctx = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vrqlane> m = std::make_unique<Vrqlane>(ctx.get());
  void clock() {
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
  }
  int8_t run(int32_t acc, int32_t bias, int32_t mult, uint8_t shift, int8_t zp, int8_t lo, int8_t hi) {
    m->acc_i = uint32_t(acc);
    m->bias_i = uint32_t(bias);
    m->mult_i = uint32_t(mult);
    m->shift_i = shift;
    m->zp_i = uint8_t(zp);
    m->lo_i = uint8_t(lo);
    m->hi_i = uint8_t(hi);
    m->setup_i = 1;
    m->step_i = 0;
    clock();
    m->setup_i = 0;
    m->step_i = 1;
    // Inputs change under the steps: the lane must hold what it took at setup.
    m->acc_i = ~m->acc_i;
    m->mult_i = ~m->mult_i;
    m->shift_i = uint8_t(shift + 7);
    for (int i = 0; i < kSteps; ++i) clock();
    m->step_i = 0;
    m->eval();
    return int8_t(m->y_o);
  }
};

void check(Lane& l, int32_t acc, int32_t bias, int32_t mult, uint8_t shift, int8_t zp, int8_t lo, int8_t hi) {
  const int8_t want = requantize(acc, bias, mult, shift, zp, lo, hi);
  const int8_t got = l.run(acc, bias, mult, shift, zp, lo, hi);
  ASSERT_EQ(int(got), int(want)) << "acc " << acc << " bias " << bias << " mult " << mult << " shift " << int(shift)
                                 << " zp " << int(zp) << " lo " << int(lo) << " hi " << int(hi);
}

TEST(RtlRequantLane, TiesAndEdges) {
  Lane l;
  // Ties: x * mult / 2^shift = k + 0.5 for both signs (mult 1, shift 1: x / 2).
  for (int32_t x = -9; x <= 9; ++x) check(l, x, 0, 1, 1, 0, -128, 127);
  for (int32_t x = -9; x <= 9; ++x) check(l, x * 3, 0, 1, 2, 3, -128, 127);
  const int32_t big[] = {INT32_MIN, INT32_MIN + 1, -65536, -255, -1, 0, 1, 255, 65536, INT32_MAX - 1, INT32_MAX};
  const uint8_t shifts[] = {0, 1, 2, 8, 30, 31, 32, 33, 40, 55, 61, 62, 63, 64, 200, 255};
  for (int32_t a : big)
    for (int32_t mlt : big)
      for (uint8_t s : shifts) {
        check(l, a, 0, mlt, s, 0, -128, 127);
        check(l, a, a, mlt, s, -5, -100, 90);  // saturating acc + bias
        check(l, a, 1, mlt, s, 127, -128, 127);
      }
  // Clamps: lo > hi, ReLU at the zero point, zero points at both ends.
  check(l, 1000, 0, 1 << 30, 31, 10, 20, -20);
  check(l, -1000, 0, 1 << 30, 31, -128, -128, 127);
  check(l, 300, 0, 1, 0, -128, -128, 127);
  check(l, -300, 0, 1, 0, 127, -128, 127);
  check(l, 255, 0, 1, 0, -128, -128, 127);
  check(l, 256, 0, 1, 0, -128, -128, 127);
  check(l, -255, 0, 1, 0, 127, -128, 127);
  check(l, -256, 0, 1, 0, 127, -128, 127);
  check(l, 511, 0, 1, 1, -128, -128, 127);   // 255.5 -> 256 (even)
  check(l, -511, 0, 1, 1, 127, -128, 127);
}

TEST(RtlRequantLane, Random) {
  Lane l;
  std::mt19937 rng(7);
  auto pick32 = [&]() -> int32_t {
    switch (rng() % 4) {
      case 0: return int32_t(rng());
      case 1: return int32_t(rng() % 2001) - 1000;
      case 2: return int32_t(rng() >> (rng() % 32)) * (rng() & 1 ? 1 : -1);
      default: return (rng() & 1) ? INT32_MAX - int32_t(rng() % 4) : INT32_MIN + int32_t(rng() % 4);
    }
  };
  for (int i = 0; i < 20000; ++i) {
    const int32_t mult = (rng() % 3) ? int32_t((1u << 30) + (rng() >> 2)) : pick32();
    const uint8_t shift = (rng() % 4) ? uint8_t(25 + rng() % 20) : uint8_t(rng());
    const int8_t zp = int8_t(rng()), lo = int8_t(rng() % 3 ? -128 : int(rng())), hi = int8_t(rng() % 3 ? 127 : int(rng()));
    check(l, pick32(), pick32(), mult, shift, zp, lo, hi);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace systole::rtltest
