// systole_pe alone (DIM=4; ROW=0, the top row with no partial-sum input; ROW=2; ROW=3, the
// bottom row) with its real partial-sum widths: random stimulus against a register-level C++
// model of the PE (MAC, bank select, tagged weight capture, pass-through timing), and every
// int8 x int8 product from both weight banks, added to the extreme partial sums that can
// reach the row (the sum of ROW products, each in [-16256, 16384]).
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "Vpe0.h"
#include "Vpe2.h"
#include "Vpe3.h"
#include "vl_port.hpp"

namespace systole::rtltest {
namespace {

constexpr int32_t kProdMin = -128 * 127, kProdMax = 128 * 128;

// clog2 as the RTL computes it.
constexpr unsigned clog2(unsigned n) {
  unsigned b = 0;
  while ((1u << b) < n) ++b;
  return b;
}

template <unsigned Row>
struct Widths {
  static constexpr unsigned kOut = 15 + clog2(Row + 2);            // sum of Row+1 products
  static constexpr unsigned kIn = Row == 0 ? 1 : 15 + clog2(Row + 1);  // sum of Row products
  static constexpr int32_t kInMin = kProdMin * int32_t(Row), kInMax = kProdMax * int32_t(Row);
};

int32_t sext(uint32_t v, unsigned width) { return int32_t(v << (32 - width)) >> (32 - width); }
uint32_t field(int32_t v, unsigned width) { return uint32_t(v) & ((uint64_t(1) << width) - 1); }

struct PeModel {
  int8_t w[2] = {0, 0};
  uint8_t a = 0, w_out = 0, w_tag = 0;
  bool sel = false, w_valid = false, w_bank = false;
  int32_t psum = 0;
};

template <typename M, unsigned Row>
void random_stimulus() {
  using W = Widths<Row>;
  // The widths are exact: the extreme sums need every bit.
  static_assert(int64_t(kProdMax) * (Row + 1) < (int64_t(1) << (W::kOut - 1)));
  static_assert(int64_t(kProdMax) * (Row + 1) >= (int64_t(1) << (W::kOut - 2)));
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<M>(ctx.get());
  reset(*m);
  PeModel ref;
  std::mt19937 rng(1 + Row);
  int captures = 0;
  for (int cyc = 0; cyc < 20000; ++cyc) {
    const uint8_t a = rng(), w = rng(), tag = rng() % 4;
    const bool sel = rng() & 1, wv = (rng() % 3) == 0, wb = rng() & 1;
    // Any partial sum that can reach this row, its extremes often.
    int32_t psum = 0;
    if (Row > 0) {
      const uint32_t r = rng() % 4;
      psum = r == 0 ? W::kInMin
           : r == 1 ? W::kInMax
                    : W::kInMin + int32_t(rng() % uint32_t(W::kInMax - W::kInMin + 1));
    }
    m->a_i = a;
    m->a_sel_i = sel;
    m->psum_i = field(psum, W::kIn);
    m->w_i = w;
    m->w_valid_i = wv;
    m->w_tag_i = tag;
    m->w_bank_i = wb;
    m->eval();
    // Next state of the model.
    PeModel next = ref;
    next.psum = psum + int32_t(int8_t(a)) * int32_t(ref.w[sel]);
    next.a = a;
    next.sel = sel;
    next.w_out = w;
    next.w_valid = wv;
    next.w_tag = tag;
    next.w_bank = wb;
    if (wv && tag == Row) {
      next.w[wb] = int8_t(w);
      ++captures;
    }
    tick(*m);
    ref = next;
    ASSERT_EQ(sext(m->psum_o, W::kOut), ref.psum) << "cycle " << cyc;
    ASSERT_EQ(m->a_o, ref.a);
    ASSERT_EQ(bool(m->a_sel_o), ref.sel);
    ASSERT_EQ(m->w_o, ref.w_out);
    ASSERT_EQ(bool(m->w_valid_o), ref.w_valid);
    ASSERT_EQ(m->w_tag_o, ref.w_tag);
    ASSERT_EQ(bool(m->w_bank_o), ref.w_bank);
  }
  EXPECT_GT(captures, 100);
}

// Every product a*w with w in bank 0 and w' = ~w in bank 1 (so both banks see every weight),
// each added to the row's extreme and zero partial sums in turn.
template <typename M, unsigned Row>
void all_products() {
  using W = Widths<Row>;
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<M>(ctx.get());
  reset(*m);
  const int32_t psums[] = {0, W::kInMin, W::kInMax};
  int errors = 0;
  for (unsigned w = 0; w < 256 && errors < 10; ++w) {
    m->w_valid_i = 1;
    m->w_tag_i = Row;
    m->w_bank_i = 0;
    m->w_i = w;
    tick(*m);
    m->w_bank_i = 1;
    m->w_i = uint8_t(~w);
    tick(*m);
    m->w_valid_i = 0;
    for (unsigned a = 0; a < 256; ++a) {
      const bool sel = a & 1;
      const int32_t psum = psums[(a >> 1) % 3];
      m->a_i = a;
      m->a_sel_i = sel;
      m->psum_i = field(Row == 0 ? 0 : psum, W::kIn);
      tick(*m);
      const int32_t expect =
          (Row == 0 ? 0 : psum) + int32_t(int8_t(a)) * int32_t(int8_t(sel ? uint8_t(~w) : uint8_t(w)));
      if (sext(m->psum_o, W::kOut) != expect) {
        ++errors;
        ADD_FAILURE() << "row " << Row << " a " << int(int8_t(a)) << " w " << int(int8_t(w)) << " bank " << sel
                      << ": " << sext(m->psum_o, W::kOut) << " != " << expect;
      }
    }
  }
}

TEST(RtlPe, Row0MatchesModelOnRandomStimulus) { random_stimulus<Vpe0, 0>(); }
TEST(RtlPe, Row2MatchesModelOnRandomStimulus) { random_stimulus<Vpe2, 2>(); }
TEST(RtlPe, Row3MatchesModelOnRandomStimulus) { random_stimulus<Vpe3, 3>(); }
TEST(RtlPe, Row0AllProducts) { all_products<Vpe0, 0>(); }
TEST(RtlPe, Row2AllProductsAndExtremeSums) { all_products<Vpe2, 2>(); }
TEST(RtlPe, Row3AllProductsAndExtremeSums) { all_products<Vpe3, 3>(); }

}  // namespace
}  // namespace systole::rtltest
