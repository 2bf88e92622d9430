// STORE semantics through hls::run: the output path against systole::requantize (rounding
// ties to even, saturation, clamps, shift above 63), partial rows with a DRAM stride, raw
// mode, y_size = 0, and the write-byte counter.
#include <gtest/gtest.h>

#include <random>

#include "arch/requant.hpp"
#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

class StoreTest : public ::testing::TestWithParam<uint32_t> {};

struct Channel {
  int32_t bias, mult;
  isa::ParamWord pw;
};

TEST_P(StoreTest, OutputPathMatchesRequantizeWithTiesAndSaturation) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  std::mt19937 rng(3);
  auto pw = [](uint32_t shift, int32_t zp, int32_t lo, int32_t hi) {
    isa::ParamWord p;
    p.shift = shift, p.zero_point = zp, p.clamp_lo = lo, p.clamp_hi = hi;
    return p;
  };
  std::vector<Channel> ch(D);
  ch[0] = {0, 1, pw(1, 0, -128, 127)};              // x / 2: exact ties
  ch[1] = {1000, 1 << 30, pw(20, 3, -50, 100)};     // large gain: saturates at the clamps
  ch[2] = {INT32_MAX, 1, pw(0, 0, -128, 127)};      // acc + bias saturates to int32 first
  ch[3] = {-7, 1 << 16, pw(70, -4, -128, 127)};     // shift above 63 acts as 63
  for (uint32_t n = 4; n < D; ++n)
    ch[n] = {int32_t(rng() % 2001) - 1000, int32_t(rng() >> 1),
             pw(uint32_t(rng() % 40), int32_t(rng() % 255) - 127, -128 + int32_t(rng() % 20), 127 - int32_t(rng() % 20))};
  std::vector<int32_t> params(3 * D);
  for (uint32_t n = 0; n < D; ++n) {
    params[n] = ch[n].bias;
    params[D + n] = ch[n].mult;
    params[2 * D + n] = int32_t(isa::pack_param(ch[n].pw));
  }
  // Column 0: the tie cases; 1: far beyond both clamps; 2: small; the rest random int32.
  const int32_t ties[6] = {3, 5, -3, -5, 7, 1};
  const uint32_t rows = 6;
  std::vector<int32_t> acc(rows * D);
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t n = 0; n < D; ++n) acc[r * D + n] = n == 0 ? ties[r] : n == 1 ? (r % 2 ? -1000000 : 1000000) : n == 2 ? int32_t(r) : int32_t(rng());

  rig.put_i32(kData, params);
  rig.put_i32(kData + 0x1000, acc);
  isa::LoadInsn lp;
  lp.target = uint32_t(isa::Target::Acc), lp.sram_addr = 100, lp.dram_addr = kData, lp.dram_stride = D * 4;
  lp.y_size = 3, lp.x_size = D;
  rig.emit(lp);
  isa::LoadInsn la = lp;
  la.sram_addr = 7, la.dram_addr = kData + 0x1000, la.y_size = rows, la.push_next = 1;
  rig.emit(la);
  isa::MatmulInsn relay;  // moves the load token on to the store unit
  relay.pop_prev = 1, relay.push_next = 1;
  rig.emit(relay);
  isa::StoreInsn s;
  s.pop_prev = 1, s.acc_addr = 7, s.y_size = rows, s.x_size = D, s.param_addr = 100;
  s.dram_addr = kData + 0x2000, s.dram_stride = D + 3;
  rig.emit(s);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);

  for (uint32_t row = 0; row < rows; ++row)
    for (uint32_t n = 0; n < D; ++n) {
      const Channel& c = ch[n];
      const int8_t want = requantize(acc[row * D + n], c.bias, c.mult, c.pw.shift, c.pw.zero_point, c.pw.clamp_lo,
                                     c.pw.clamp_hi);
      EXPECT_EQ(rig.i8(kData + 0x2000 + row * (D + 3) + n), want) << "row " << row << " channel " << n;
    }
  // Round half to even, written out: 1.5 -> 2, 2.5 -> 2, -1.5 -> -2, -2.5 -> -2, 3.5 -> 4, 0.5 -> 0.
  const int8_t tie_want[6] = {2, 2, -2, -2, 4, 0};
  for (uint32_t row = 0; row < rows; ++row) EXPECT_EQ(rig.i8(kData + 0x2000 + row * (D + 3)), tie_want[row]);
  // Large gain clamps to hi (100) or lo (-50); bias saturation then identity scale gives 127.
  for (uint32_t row = 0; row < rows; ++row) {
    EXPECT_EQ(rig.i8(kData + 0x2000 + row * (D + 3) + 1), row % 2 ? -50 : 100);
    EXPECT_EQ(rig.i8(kData + 0x2000 + row * (D + 3) + 2), 127);
  }
  // The bytes between rows (the stride gap) are untouched.
  for (uint32_t row = 0; row + 1 < rows; ++row)
    for (uint32_t g = 0; g < 3; ++g) EXPECT_EQ(rig.dram[kData + 0x2000 + row * (D + 3) + D + g], 0);
  EXPECT_EQ(rig.counter(r, isa::Counter::DramWrBytes), uint64_t(rows * D));
}

TEST_P(StoreTest, RawPartialRowsAndNoOp) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  std::vector<int32_t> acc(2 * D);
  for (uint32_t i = 0; i < acc.size(); ++i) acc[i] = int32_t(0x01020304u * (i + 1));
  rig.put_i32(kData, acc);
  isa::LoadInsn la;
  la.target = uint32_t(isa::Target::Acc), la.dram_addr = kData, la.dram_stride = D * 4, la.y_size = 2, la.x_size = D;
  la.push_next = 1;
  rig.emit(la);
  isa::MatmulInsn relay;
  relay.pop_prev = 1, relay.push_next = 1;
  rig.emit(relay);
  isa::StoreInsn s;
  s.pop_prev = 1, s.y_size = 2, s.x_size = D - 1, s.raw = 1, s.param_addr = 0xffff;  // ignored when raw
  s.dram_addr = kData + 0x1000, s.dram_stride = 4 * D + 8;
  rig.emit(s);
  isa::StoreInsn nop;  // y_size = 0 touches nothing, whatever its addresses
  nop.acc_addr = 0xffff, nop.dram_addr = 0xffffffffu, nop.x_size = D;
  rig.emit(nop);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);
  for (uint32_t row = 0; row < 2; ++row) {
    for (uint32_t n = 0; n < D - 1; ++n)
      EXPECT_EQ(rig.i32(kData + 0x1000 + row * (4 * D + 8) + n * 4), acc[row * D + n]);
    EXPECT_EQ(rig.i32(kData + 0x1000 + row * (4 * D + 8) + (D - 1) * 4), 0);  // element D-1 not stored
  }
  // Little-endian bytes.
  EXPECT_EQ(rig.dram[kData + 0x1000], 0x04);
  EXPECT_EQ(rig.dram[kData + 0x1003], 0x01);
  EXPECT_EQ(rig.counter(r, isa::Counter::DramWrBytes), uint64_t(2 * (D - 1) * 4));
}

INSTANTIATE_TEST_SUITE_P(Dims, StoreTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

}  // namespace
}  // namespace systole::hls::testing
