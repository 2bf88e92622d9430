// Bit-field access to Verilated ports of any width (CData..QData scalars and VlWide words),
// so testbenches address flat RTL buses as element arrays: field i of width w at bit i*w.
#pragma once
#include <cstdint>
#include <type_traits>

#include "verilated.h"

namespace systole::rtltest {

// Reads `width` (<= 32) bits at `lsb`.
template <typename T>
uint32_t get_bits(const T& port, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  if constexpr (std::is_integral_v<T>) {
    v = uint64_t(port) >> lsb;
  } else {
    const unsigned w = lsb / 32, b = lsb % 32;
    v = uint64_t(port[w]) >> b;
    if (b + width > 32) v |= uint64_t(port[w + 1]) << (32 - b);
  }
  return uint32_t(v & ((uint64_t(1) << width) - 1));
}

// Writes `width` (<= 32) bits at `lsb`.
template <typename T>
void set_bits(T& port, unsigned lsb, unsigned width, uint32_t value) {
  const uint64_t mask = (uint64_t(1) << width) - 1, v = uint64_t(value) & mask;
  if constexpr (std::is_integral_v<T>) {
    port = T((uint64_t(port) & ~(mask << lsb)) | (v << lsb));
  } else {
    const unsigned w = lsb / 32, b = lsb % 32;
    port[w] = uint32_t((port[w] & ~uint32_t(mask << b)) | uint32_t(v << b));
    if (b + width > 32) {
      const unsigned hi = b + width - 32;
      const uint32_t mhi = uint32_t((uint64_t(1) << hi) - 1);
      port[w + 1] = (port[w + 1] & ~mhi) | uint32_t(v >> (32 - b));
    }
  }
}

inline int8_t s8(uint32_t v) { return int8_t(uint8_t(v)); }
inline int32_t s32(uint32_t v) { return int32_t(v); }

// One rising edge: clock low half then high half.
template <typename M>
void tick(M& m) {
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
}

// Active-low reset for `cycles` clock cycles.
template <typename M>
void reset(M& m, int cycles = 2) {
  m.rst_ni = 0;
  m.clk_i = 0;
  m.eval();
  for (int i = 0; i < cycles; ++i) tick(m);
  m.rst_ni = 1;
  m.eval();
}

}  // namespace systole::rtltest
