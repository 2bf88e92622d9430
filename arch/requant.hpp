// Requantization: the one definition of the output path's arithmetic, used by the hardware
// models (hls/, and rtl/ mirrors it), the CPU reference (kernels/) and the compiler.
//
//   x   = sat32(acc + bias)                       int32, saturating
//   q   = round_half_even(x * mult / 2^shift)      exact 64-bit product, ONE rounding step
//   out = clamp(q + zero_point, clamp_lo, clamp_hi) int8 (clamp_lo/hi are int8)
//
// Rounding is half-to-even, the rule ONNX's QLinear* ops and QuantizeLinear use, so when
// mult / 2^shift equals the float scale exactly the result matches ONNX exactly. For a scale
// that is not a 31-bit dyadic fraction, quantize_multiplier() rounds it to within a relative
// 2^-31; the result can then differ from ONNX's float computation by one step only where
// x*scale lies within |x|*scale*2^-31 of a rounding tie (docs/numerics.md).
// Synthesizable: integer arithmetic only.
#pragma once
#include <cstdint>

namespace systole {

inline int32_t sat32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : int32_t(v));
}

// round_half_even(x * mult / 2^shift), saturated to int32. shift > 63 acts as 63.
inline int32_t scale_round(int32_t x, int32_t mult, uint32_t shift) {
  const int64_t prod = int64_t(x) * int64_t(mult);  // |prod| <= 2^62: exact
  if (shift == 0) return sat32(prod);
  if (shift > 63) shift = 63;
  const int64_t q = prod >> shift;  // floor (arithmetic shift)
  const uint64_t rem = uint64_t(prod) & ((uint64_t(1) << shift) - 1);
  const uint64_t half = uint64_t(1) << (shift - 1);
  const bool up = rem > half || (rem == half && (q & 1));
  return sat32(q + (up ? 1 : 0));
}

// The whole output path for one element.
inline int8_t requantize(int32_t acc, int32_t bias, int32_t mult, uint32_t shift, int32_t zero_point,
                         int32_t clamp_lo, int32_t clamp_hi) {
  const int32_t x = sat32(int64_t(acc) + int64_t(bias));
  int64_t y = int64_t(scale_round(x, mult, shift)) + zero_point;
  if (y < clamp_lo) y = clamp_lo;
  if (y > clamp_hi) y = clamp_hi;
  if (y < -128) y = -128;
  if (y > 127) y = 127;
  return int8_t(y);
}

}  // namespace systole
