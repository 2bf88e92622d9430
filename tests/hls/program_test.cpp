// Whole programs through hls::run: a token-ordered, double-buffered GEMM against a naive
// GEMM (DIM 4 and 16) with exact counters, instructions that only token order makes
// correct, deadlocks (on tokens and on a too-shallow instruction queue), token depth.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "hls/bench/gemm_program.hpp"
#include "hls/native/timing.hpp"
#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

class GemmProgramTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(GemmProgramTest, MatchesNaiveGemmWithExactCounters) {
  const uint32_t D = GetParam();
  const uint32_t M = 4 * D + 3 * D, N = 5 * D, K = 3 * D;
  bench::GemmProgram g = bench::make_gemm_program(D, M, N, K);
  std::mt19937 rng(5);
  for (uint64_t i = g.a_off; i < g.b_off + uint64_t(K) * N; ++i) g.dram[i] = uint8_t(rng());
  Config cfg = config_for_dim(D);
  ASSERT_LE(g.spad_rows_needed(), cfg.spad_rows());
  ASSERT_LE(g.acc_rows_needed(), cfg.acc_rows());

  const RunResult r = run(cfg, g.dram.data(), g.dram.size(), 0, g.insn_count);
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code) << " at " << r.error_insn;
  for (uint32_t i = 0; i < M; ++i)
    for (uint32_t j = 0; j < N; ++j) {
      int32_t want = 0;
      for (uint32_t k = 0; k < K; ++k)
        want += int32_t(int8_t(g.dram[g.a_off + i * K + k])) * int32_t(int8_t(g.dram[g.b_off + k * N + j]));
      ASSERT_EQ(g.c(i, j), want) << "C[" << i << "][" << j << "]";
    }
  auto ctr = [&](isa::Counter c) { return r.counters[uint32_t(c)]; };
  EXPECT_EQ(ctr(isa::Counter::Insns), g.insn_count);
  EXPECT_EQ(ctr(isa::Counter::ArrayRows), uint64_t(M) * (K / D) * (N / D));
  EXPECT_EQ(ctr(isa::Counter::DramRdBytes), uint64_t(M) * K + uint64_t(K) * N);
  EXPECT_EQ(ctr(isa::Counter::DramWrBytes), uint64_t(M) * N * 4);
  EXPECT_EQ(ctr(isa::Counter::FetchBytes), uint64_t(g.insn_count) * isa::kInsnBytes);
  EXPECT_GT(ctr(isa::Counter::Cycles), 0u);

  // The timing model counts the same work exactly.
  std::vector<isa::Insn> prog;
  for (uint32_t i = 0; i < g.insn_count; ++i) prog.push_back(isa::insn_from_bytes(&g.dram[i * isa::kInsnBytes]));
  const TimingReport t = estimate_timing(cfg, prog);
  EXPECT_TRUE(t.completed) << t.stuck;
  for (isa::Counter c : {isa::Counter::Insns, isa::Counter::ArrayRows, isa::Counter::DramRdBytes,
                         isa::Counter::DramWrBytes, isa::Counter::FetchBytes, isa::Counter::Cycles})
    EXPECT_EQ(t.counters[c], ctr(c)) << isa::kCounterNames[uint32_t(c)];
}

INSTANTIATE_TEST_SUITE_P(Dims, GemmProgramTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

// The STORE comes first in program order and the MATMUL before its LOAD: only the tokens
// make the result right.
TEST(TokenOrder, ConsumersFirstInProgramOrder) {
  Rig rig(4);
  rig.put_i8(kData, {1, 2, 3, 4});
  isa::StoreInsn s;
  s.pop_prev = 1, s.y_size = 1, s.x_size = 4, s.raw = 1, s.dram_addr = kData + 0x100;
  rig.emit(s);
  isa::MatmulInsn m;
  m.pop_prev = 1, m.push_next = 1, m.load_weights = 1, m.w_addr = 8, m.w_rows = 4, m.rows = 1;
  rig.emit(m);
  rig.load_identity(8, kData + 0x40);
  isa::LoadInsn l;
  l.dram_addr = kData, l.y_size = 1, l.x_size = 4, l.push_next = 1;
  rig.emit(l);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u);
  for (int n = 0; n < 4; ++n) EXPECT_EQ(rig.i32(kData + 0x100 + n * 4), n + 1);
}

TEST(TokenOrder, StoreFreesAccumulatorForTheNextMatmul) {
  // MATMUL writes acc row 0, STORE reads it, then a second MATMUL overwrites it only after
  // the STORE's token: the first result must reach DRAM intact.
  Rig rig(4);
  rig.put_i8(kData, {1, 1, 1, 1, 2, 2, 2, 2});
  rig.load_identity(8, kData + 0x40);
  isa::LoadInsn l;
  l.dram_addr = kData, l.dram_stride = 4, l.y_size = 2, l.x_size = 4, l.push_next = 1;
  rig.emit(l);
  isa::MatmulInsn m1;
  m1.pop_prev = 1, m1.push_next = 1, m1.load_weights = 1, m1.w_addr = 8, m1.w_rows = 4, m1.rows = 1;
  rig.emit(m1);
  isa::MatmulInsn m2;
  m2.pop_next = 1, m2.push_next = 1, m2.a_addr = 1, m2.rows = 1;
  rig.emit(m2);
  isa::StoreInsn s1;
  s1.pop_prev = 1, s1.push_prev = 1, s1.y_size = 1, s1.x_size = 4, s1.raw = 1, s1.dram_addr = kData + 0x100;
  rig.emit(s1);
  isa::StoreInsn s2 = s1;
  s2.push_prev = 0, s2.dram_addr = kData + 0x200;
  rig.emit(s2);
  ASSERT_EQ(rig.run().error_code, 0u);
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(rig.i32(kData + 0x100 + n * 4), 1);
    EXPECT_EQ(rig.i32(kData + 0x200 + n * 4), 2);
  }
}

TEST(Deadlock, PopWithoutPushThrows) {
  Rig rig(4);
  isa::MatmulInsn m;
  m.pop_prev = 1;
  rig.emit(m);
  try {
    rig.run();
    FAIL() << "expected a deadlock error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("deadlock"), std::string::npos) << e.what();
  }
}

// LOAD 0 waits for a token the MATMUL behind three more LOADs would send: with a queue of
// one instruction fetch cannot reach the MATMUL (in-order fetch), with a deeper one it can.
TEST(Deadlock, ShallowInstructionQueueBlocksFetch) {
  for (uint32_t depth : {1u, 4u}) {
    Rig rig(4);
    rig.cfg.insn_depth = depth;
    isa::LoadInsn l0;
    l0.pop_next = 1;
    rig.emit(l0);
    rig.emit(isa::LoadInsn{});
    rig.emit(isa::LoadInsn{});
    isa::MatmulInsn m;
    m.push_prev = 1;
    rig.emit(m);
    if (depth == 1) {
      EXPECT_THROW(rig.run(), Error);
    } else {
      const RunResult r = rig.run();
      EXPECT_EQ(r.error_code, 0u);
      EXPECT_EQ(r.counters[uint32_t(isa::Counter::Insns)], 4u);
    }
  }
}

// With a token depth of 1 the second push waits for the first pop; the program still runs.
TEST(TokenDepth, PushWaitsForRoom) {
  Rig rig(4);
  rig.cfg.token_depth = 1;
  for (int i = 0; i < 3; ++i) {
    isa::LoadInsn l;
    l.push_next = 1;
    rig.emit(l);
  }
  for (int i = 0; i < 3; ++i) {
    isa::MatmulInsn m;
    m.pop_prev = 1;
    rig.emit(m);
  }
  const RunResult r = rig.run();
  EXPECT_EQ(r.error_code, 0u);
  EXPECT_EQ(r.counters[uint32_t(isa::Counter::Insns)], 6u);
}

}  // namespace
}  // namespace systole::hls::testing
