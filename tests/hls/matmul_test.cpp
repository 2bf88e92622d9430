// MATMUL semantics through hls::run against a naive model: weight preload with w_rows < DIM,
// weights kept across instructions, outer / a_stride / a_outer_stride addressing, overwrite
// and accumulate, int32 wrap-around, and the array_rows counter.
#include <gtest/gtest.h>

#include <random>

#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

// The naive model of the ISA doc string, on explicit scratchpad / accumulator images.
struct Model {
  uint32_t D;
  std::vector<std::vector<int8_t>> spad;
  std::vector<std::vector<int32_t>> acc;
  std::vector<std::vector<int8_t>> w;

  Model(uint32_t d, uint32_t spad_rows, uint32_t acc_rows)
      : D(d), spad(spad_rows, std::vector<int8_t>(d)), acc(acc_rows, std::vector<int32_t>(d)),
        w(d, std::vector<int8_t>(d)) {}

  void matmul(const isa::MatmulInsn& x) {
    if (x.load_weights)
      for (uint32_t k = 0; k < D; ++k)
        for (uint32_t n = 0; n < D; ++n) w[k][n] = k < x.w_rows ? spad[x.w_addr + k][n] : 0;
    for (uint32_t o = 0; o < x.outer; ++o)
      for (uint32_t i = 0; i < x.rows; ++i) {
        const auto& a = spad[x.a_addr + o * x.a_outer_stride + i * x.a_stride];
        auto& out = acc[x.acc_addr + o * x.rows + i];
        for (uint32_t n = 0; n < D; ++n) {
          uint32_t s = 0;
          for (uint32_t k = 0; k < D; ++k) s += uint32_t(int32_t(a[k]) * int32_t(w[k][n]));
          out[n] = int32_t((x.accumulate ? uint32_t(out[n]) : 0u) + s);
        }
      }
  }
};

class MatmulTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(MatmulTest, AddressingWeightsAndAccumulateMatchNaiveModel) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  Model model(D, 128, 64);
  std::mt19937 rng(11);

  // Scratchpad rows 0..127 and accumulator rows 0..63, random (acc values span int32 so
  // that accumulation wraps).
  std::vector<int8_t> spad(128 * D);
  for (uint32_t i = 0; i < spad.size(); ++i) model.spad[i / D][i % D] = spad[i] = int8_t(rng());
  std::vector<int32_t> acc(64 * D);
  for (uint32_t i = 0; i < acc.size(); ++i) model.acc[i / D][i % D] = acc[i] = int32_t(rng());
  rig.put_i8(kData, spad);
  rig.put_i32(kData + 0x4000, acc);
  isa::LoadInsn ls;
  ls.dram_addr = kData, ls.dram_stride = D, ls.y_size = 128, ls.x_size = D;
  rig.emit(ls);
  isa::LoadInsn la;
  la.target = uint32_t(isa::Target::Acc), la.dram_addr = kData + 0x4000, la.dram_stride = D * 4;
  la.y_size = 64, la.x_size = D, la.push_next = 1;
  rig.emit(la);

  std::vector<isa::MatmulInsn> mm(4);
  mm[0].pop_prev = 1, mm[0].load_weights = 1, mm[0].w_addr = 64, mm[0].w_rows = D - 1;
  mm[0].a_addr = 1, mm[0].rows = 5, mm[0].outer = 3, mm[0].a_stride = 2, mm[0].a_outer_stride = 11;
  mm[0].acc_addr = 0, mm[0].accumulate = 1;
  // Keeps the weights; overlaps rows mm[0] wrote, so order matters.
  mm[1].a_addr = 3, mm[1].rows = 4, mm[1].acc_addr = 2, mm[1].accumulate = 1;
  // New full weights, the same rows twice (a_outer_stride 0), overwrite.
  mm[2].load_weights = 1, mm[2].w_addr = 80, mm[2].w_rows = D;
  mm[2].a_addr = 20, mm[2].rows = 6, mm[2].outer = 2, mm[2].a_outer_stride = 0, mm[2].acc_addr = 20;
  // Zero weight rows (w_rows = 0 loads all-zero weights): accumulate adds nothing.
  mm[3].load_weights = 1, mm[3].w_addr = 90, mm[3].w_rows = 0;
  mm[3].a_addr = 0, mm[3].rows = 3, mm[3].acc_addr = 40, mm[3].accumulate = 1, mm[3].push_next = 1;
  for (const auto& x : mm) {
    rig.emit(x);
    model.matmul(x);
  }
  isa::StoreInsn st;
  st.pop_prev = 1, st.y_size = 64, st.x_size = D, st.raw = 1, st.dram_addr = kData + 0x8000, st.dram_stride = D * 4;
  rig.emit(st);

  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);
  for (uint32_t row = 0; row < 64; ++row)
    for (uint32_t n = 0; n < D; ++n)
      ASSERT_EQ(rig.i32(kData + 0x8000 + (row * D + n) * 4), model.acc[row][n]) << "acc row " << row << " elem " << n;
  EXPECT_EQ(rig.counter(r, isa::Counter::ArrayRows), uint64_t(15 + 4 + 12 + 3));
  EXPECT_EQ(rig.counter(r, isa::Counter::Insns), rig.prog.size());
}

TEST_P(MatmulTest, AccumulationWrapsModulo2To32) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  rig.put_i8(kData, std::vector<int8_t>(D * (D + 1), 127));
  rig.put_i32(kData + 0x1000, std::vector<int32_t>(D, INT32_MAX));
  isa::LoadInsn ls;
  ls.dram_addr = kData, ls.dram_stride = D, ls.y_size = D + 1, ls.x_size = D;  // row 0 activations, 1.. weights
  rig.emit(ls);
  isa::LoadInsn la;
  la.target = uint32_t(isa::Target::Acc), la.dram_addr = kData + 0x1000, la.y_size = 1, la.x_size = D;
  la.push_next = 1;
  rig.emit(la);
  isa::MatmulInsn m;
  m.pop_prev = 1, m.push_next = 1, m.load_weights = 1, m.w_addr = 1, m.w_rows = D, m.rows = 1, m.accumulate = 1;
  rig.emit(m);
  isa::StoreInsn s;
  s.pop_prev = 1, s.y_size = 1, s.x_size = D, s.raw = 1, s.dram_addr = kData + 0x2000;
  rig.emit(s);
  ASSERT_EQ(rig.run().error_code, 0u);
  const int32_t want = int32_t(uint32_t(INT32_MAX) + uint32_t(D * 127 * 127));
  ASSERT_LT(want, 0);
  for (uint32_t n = 0; n < D; ++n) EXPECT_EQ(rig.i32(kData + 0x2000 + n * 4), want);
}

TEST_P(MatmulTest, ZeroRowsStreamsNothing) {
  Rig rig(GetParam());
  isa::MatmulInsn m;
  m.rows = 0, m.outer = 200, m.a_addr = 0xffff, m.acc_addr = 0xffff;  // nothing addressed
  rig.emit(m);
  m.rows = 5, m.outer = 0;
  rig.emit(m);
  const RunResult r = rig.run();
  EXPECT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);
  EXPECT_EQ(rig.counter(r, isa::Counter::ArrayRows), 0u);
}

INSTANTIATE_TEST_SUITE_P(Dims, MatmulTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

}  // namespace
}  // namespace systole::hls::testing
