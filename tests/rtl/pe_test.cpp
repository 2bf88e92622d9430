// systole_pe alone (DIM=4, ROW=2): random stimulus against a register-level C++ model of
// the PE: MAC with wrap-around, bank select, tagged weight capture, pass-through timing.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "Vpe.h"
#include "vl_port.hpp"

namespace systole::rtltest {
namespace {

constexpr uint32_t kRow = 2;

struct PeModel {
  int8_t w[2] = {0, 0};
  uint8_t a = 0, w_out = 0, w_tag = 0;
  bool sel = false, w_valid = false, w_bank = false;
  uint32_t psum = 0;
};

TEST(RtlPe, MatchesModelOnRandomStimulus) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vpe>(ctx.get());
  reset(*m);
  PeModel ref;
  std::mt19937 rng(1);
  int captures = 0;
  for (int cyc = 0; cyc < 20000; ++cyc) {
    const uint8_t a = rng(), w = rng(), tag = rng() % 4;
    const bool sel = rng() & 1, wv = (rng() % 3) == 0, wb = rng() & 1;
    // Extreme values often, to exercise the int32 wrap-around.
    const uint32_t psum = (rng() % 4 == 0) ? (rng() & 1 ? 0x7fffff80u : 0x80000040u) : uint32_t(rng());
    m->a_i = a;
    m->a_sel_i = sel;
    m->psum_i = psum;
    m->w_i = w;
    m->w_valid_i = wv;
    m->w_tag_i = tag;
    m->w_bank_i = wb;
    m->eval();
    // Next state of the model.
    PeModel next = ref;
    next.psum = psum + uint32_t(int32_t(int8_t(a)) * int32_t(ref.w[sel]));
    next.a = a;
    next.sel = sel;
    next.w_out = w;
    next.w_valid = wv;
    next.w_tag = tag;
    next.w_bank = wb;
    if (wv && tag == kRow) {
      next.w[wb] = int8_t(w);
      ++captures;
    }
    tick(*m);
    ref = next;
    ASSERT_EQ(m->psum_o, ref.psum) << "cycle " << cyc;
    ASSERT_EQ(m->a_o, ref.a);
    ASSERT_EQ(bool(m->a_sel_o), ref.sel);
    ASSERT_EQ(m->w_o, ref.w_out);
    ASSERT_EQ(bool(m->w_valid_o), ref.w_valid);
    ASSERT_EQ(m->w_tag_o, ref.w_tag);
    ASSERT_EQ(bool(m->w_bank_o), ref.w_bank);
  }
  EXPECT_GT(captures, 100);
}

TEST(RtlPe, ProductExtremes) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vpe>(ctx.get());
  reset(*m);
  // Load -128 into bank 1, 127 into bank 0.
  m->w_valid_i = 1;
  m->w_tag_i = kRow;
  m->w_bank_i = 1;
  m->w_i = 0x80;
  tick(*m);
  m->w_bank_i = 0;
  m->w_i = 0x7f;
  tick(*m);
  m->w_valid_i = 0;
  const struct { uint8_t a; bool sel; uint32_t psum; int64_t expect; } cases[] = {
      {0x80, 1, 0, 16384}, {0x80, 0, 0, -16256}, {0x7f, 0, 0, 16129},
      {0x7f, 0, 0x7fffffffu, int64_t(int32_t(0x7fffffffu + 16129u))},
  };
  for (const auto& c : cases) {
    m->a_i = c.a;
    m->a_sel_i = c.sel;
    m->psum_i = c.psum;
    tick(*m);
    EXPECT_EQ(int32_t(m->psum_o), int32_t(c.expect));
  }
}

}  // namespace
}  // namespace systole::rtltest
