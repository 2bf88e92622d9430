// The one bit-level primitive of the instruction codec: a 128-bit instruction word and
// get/set of a named field's bit range. The generated arch/isa_gen.hpp calls these with the
// offsets from arch/isa.toml; nothing else in the code base shifts instruction bits.
// Synthesizable (plain integer arithmetic, no heap), so hls/ uses it too.
#pragma once
#include <cstdint>

namespace systole::isa {

struct Insn {
  uint64_t lo = 0;  // bits 63..0
  uint64_t hi = 0;  // bits 127..64
  bool operator==(const Insn& o) const { return lo == o.lo && hi == o.hi; }
  bool operator!=(const Insn& o) const { return !(*this == o); }
};

inline uint64_t low_mask(unsigned bits) { return bits >= 64 ? ~uint64_t(0) : ((uint64_t(1) << bits) - 1); }

// Field [lsb, lsb+bits) of the word, bits <= 32 (the spec keeps every field within 32 bits).
inline uint64_t get_bits(const Insn& w, unsigned lsb, unsigned bits) {
  const uint64_t m = low_mask(bits);
  if (lsb >= 64) return (w.hi >> (lsb - 64)) & m;
  if (lsb + bits <= 64) return (w.lo >> lsb) & m;
  const unsigned lo_bits = 64 - lsb;
  return ((w.lo >> lsb) | (w.hi << lo_bits)) & m;
}

inline void set_bits(Insn& w, unsigned lsb, unsigned bits, uint64_t v) {
  const uint64_t m = low_mask(bits);
  v &= m;
  if (lsb >= 64) {
    w.hi = (w.hi & ~(m << (lsb - 64))) | (v << (lsb - 64));
  } else if (lsb + bits <= 64) {
    w.lo = (w.lo & ~(m << lsb)) | (v << lsb);
  } else {
    const unsigned lo_bits = 64 - lsb;
    w.lo = (w.lo & low_mask(lsb)) | (v << lsb);
    w.hi = (w.hi & ~(m >> lo_bits)) | (v >> lo_bits);
  }
}

inline bool fits_unsigned(uint32_t v, unsigned bits) { return bits >= 32 || v < (uint32_t(1) << bits); }
inline bool fits_signed(int32_t v, unsigned bits) {
  return bits >= 32 || (v >= -(int32_t(1) << (bits - 1)) && v < (int32_t(1) << (bits - 1)));
}

inline int64_t sign_extend(uint64_t v, unsigned bits) {
  const uint64_t sign = uint64_t(1) << (bits - 1);
  return int64_t((v ^ sign) - sign);
}

// Little-endian byte image of an instruction, as it sits in DRAM.
inline void insn_to_bytes(const Insn& w, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(w.lo >> (8 * i));
  for (int i = 0; i < 8; ++i) out[8 + i] = uint8_t(w.hi >> (8 * i));
}
inline Insn insn_from_bytes(const uint8_t* in) {
  Insn w;
  for (int i = 0; i < 8; ++i) w.lo |= uint64_t(in[i]) << (8 * i);
  for (int i = 0; i < 8; ++i) w.hi |= uint64_t(in[8 + i]) << (8 * i);
  return w;
}

}  // namespace systole::isa
