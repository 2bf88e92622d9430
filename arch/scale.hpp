// Turning a real-valued requantization scale into the hardware's (multiplier, shift) pair:
// scale ~= mult / 2^shift with mult in [2^30, 2^31) (31 significant bits) and shift 0..63.
// Host-side only (uses <cmath>); the hardware only ever sees the integers.
#pragma once
#include <cmath>
#include <cstdint>

#include "arch/error.hpp"

namespace systole {

struct FixedScale {
  int32_t mult = 0;
  uint32_t shift = 0;
  double value() const { return std::ldexp(double(mult), -int(shift)); }
};

// Relative error <= 2^-31 for scales in [2^-32, 2^31); smaller scales lose mantissa bits
// (shift saturates at 63); a zero scale gives mult = 0. Throws for negative, NaN or >= 2^31.
inline FixedScale quantize_scale(double scale) {
  if (!(scale >= 0) || scale >= 2147483648.0) throw Error("requantization scale must be in [0, 2^31)");
  if (scale == 0) return {0, 0};
  int exp = 0;
  const double m = std::frexp(scale, &exp);  // scale = m * 2^exp, m in [0.5, 1)
  int64_t mult = std::llround(std::ldexp(m, 31));
  int shift = 31 - exp;
  if (mult == (int64_t(1) << 31)) {  // m rounded up to 1.0
    mult >>= 1;
    --shift;
  }
  while (shift > 63) {  // too small: drop mantissa bits, rounding half away from zero
    mult = (mult + 1) >> 1;
    --shift;
  }
  if (shift < 0) throw Error("requantization scale too large");
  return {int32_t(mult), uint32_t(shift)};
}

}  // namespace systole
