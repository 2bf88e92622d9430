// GEMMs compiled for the tiny (4x4) and default (16x16) design points, run through the
// driver on the hls backend, compared bit for bit with the CPU reference: degenerate and
// prime shapes, non-multiples of DIM, K far beyond the scratchpad, N beyond the resident
// parameter rows, forced tilings in both loop orders.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "compiler/gemm_layout.hpp"
#include "gemm_test_util.hpp"
#include "race_check.hpp"

namespace systole::compiler {
namespace {

using testing::GemmCase;
using testing::random_gemm;

struct Shape {
  uint32_t m, n, k;
};

class GemmE2E : public ::testing::Test {
 protected:
  GemmLowering check(const Config& cfg, Shape s, uint32_t seed, GemmTiling tiling = {}) {
    SCOPED_TRACE(::testing::Message() << cfg.name << " " << s.m << "x" << s.n << "x" << s.k << " seed " << seed);
    const GemmCase c = random_gemm(s.m, s.n, s.k, seed);
    ProgramBuilder b(cfg);
    b.add_tensor("A", driver::TensorKind::Input, "int8", {s.m, s.k}, s.m * s.k);
    b.add_tensor("C", driver::TensorKind::Output, "int8", {s.m, s.n}, s.m * s.n);
    const GemmLowering low = lower_gemm(b, c.layer, "A", "C", "", tiling);
    const driver::Program p = b.finish();
    SCOPED_TRACE(low.tiling.to_string());
    EXPECT_EQ(testing::find_race(cfg, p.insns), "");
    auto dev = driver::Device::open("hls", cfg);
    const testing::RunOutput r = testing::run_program(*dev, p, c);
    const std::vector<int8_t> want = testing::reference_output(c);
    size_t bad = 0;
    for (size_t i = 0; i < want.size() && bad < 5; ++i)
      if (r.c[i] != want[i]) {
        ++bad;
        ADD_FAILURE() << "C[" << i / s.n << "][" << i % s.n << "] = " << int(r.c[i]) << ", reference " << int(want[i]);
      }
    return low;
  }
};

TEST(RaceCheck, FindsAMissingToken) {
  const Config cfg = load_config("tiny");
  isa::LoadInsn l;
  l.y_size = 4, l.x_size = 4;
  isa::MatmulInsn m;
  m.rows = 4, m.acc_addr = 0;
  EXPECT_NE(testing::find_race(cfg, {isa::pack(l), isa::pack(m)}), "");  // MATMUL may read before the LOAD wrote
  l.push_next = 1;
  m.pop_prev = 1;
  EXPECT_EQ(testing::find_race(cfg, {isa::pack(l), isa::pack(m)}), "");
  isa::StoreInsn st;
  st.y_size = 4, st.x_size = 4;
  EXPECT_NE(testing::find_race(cfg, {isa::pack(l), isa::pack(m), isa::pack(st)}), "");  // STORE before results
}

TEST_F(GemmE2E, TinyShapes) {
  const Config cfg = load_config("tiny");
  const Shape shapes[] = {{1, 1, 1},  {7, 13, 29}, {17, 33, 65}, {4, 4, 4},  {5, 3, 2},
                          {64, 64, 64}, {1, 37, 5},  {37, 1, 5},   {2, 9, 300}, {31, 7, 4}};
  uint32_t seed = 1;
  for (Shape s : shapes) check(cfg, s, seed++);
}

TEST_F(GemmE2E, TinyKFarBeyondTheScratchpad) {
  const Config cfg = load_config("tiny");  // 16 KiB scratchpad
  check(cfg, {3, 5, 40000}, 11);
  check(cfg, {9, 6, 20011}, 12);
}

TEST_F(GemmE2E, TinyNBeyondResidentParameters) {
  // 3 parameter rows per 4 columns: 400 columns need 300 rows, more than the 256-row
  // accumulator, so the columns are split into chunks with a barrier between them.
  const Config cfg = load_config("tiny");
  for (Shape s : {Shape{6, 400, 9}, Shape{13, 1001, 3}}) {
    const GemmLowering low = check(cfg, s, 21 + s.m);
    EXPECT_LT(gemm_layout(cfg, {s.m, s.n, s.k}, low.tiling).chunk_cols, s.n) << "expected several N chunks";
  }
  // Forced: 2 x 80 tile rows leave room for the parameters of 6 tiles: 3 chunks of 120 columns.
  const GemmTiling t{16, 20, 8, LoopOrder::MN};
  const GemmLayout L = gemm_layout(cfg, {40, 300, 8}, t);
  ASSERT_TRUE(L.fits) << L.why;
  EXPECT_EQ(L.chunk_cols, 120u);
  check(cfg, {40, 300, 8}, 23, t);
  check(cfg, {40, 300, 8}, 24, {16, 20, 8, LoopOrder::NM});
}

TEST_F(GemmE2E, TinyForcedTilingsBothOrders) {
  const Config cfg = load_config("tiny");
  for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) {
    check(cfg, {23, 19, 17}, 31, {4, 4, 4, order});    // many steps, every operand reloaded
    check(cfg, {23, 19, 17}, 32, {5, 8, 20, order});   // one K chunk: operand reuse across tiles
    check(cfg, {23, 19, 17}, 33, {23, 4, 8, order});   // one M tile
    check(cfg, {23, 19, 17}, 34, {3, 20, 8, order});   // one N tile
    check(cfg, {1, 19, 17}, 35, {4, 8, 4, order});
  }
}

TEST_F(GemmE2E, TinyRandomShapesAndTilings) {
  const Config cfg = load_config("tiny");
  std::mt19937 rng(2024);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  for (int i = 0; i < 40; ++i) {
    const Shape s{uni(1, 70), uni(1, 70), uni(1, 200)};
    GemmTiling t;  // half chosen by the cost model, half random (kept only when it fits)
    if (i % 2) {
      t = {uni(1, 40), 4 * uni(1, 12), 4 * uni(1, 30), uni(0, 1) ? LoopOrder::MN : LoopOrder::NM};
      if (!fits_gemm_tiling(cfg, {s.m, s.n, s.k}, t)) t = {};
    }
    check(cfg, s, 1000 + i, t);
  }
}

TEST_F(GemmE2E, DefaultShapes) {
  const Config cfg = load_config("default");
  const Shape shapes[] = {{1, 1, 1},      {7, 13, 29},   {17, 33, 65}, {16, 16, 16},
                          {100, 200, 300}, {1, 513, 257}, {250, 3, 999}, {129, 127, 131}};
  uint32_t seed = 100;
  for (Shape s : shapes) check(cfg, s, seed++);
}

TEST_F(GemmE2E, Default512Cube) {
  check(load_config("default"), {512, 512, 512}, 7);
}

TEST_F(GemmE2E, ReluAndExtremeParameters) {
  const Config cfg = load_config("default");
  GemmCase c = random_gemm(20, 40, 50, 5);
  c.layer.clamp_lo = c.layer.out_zero_point;  // ReLU
  c.layer.clamp_hi = 127;
  c.layer.shift[0] = 0;
  c.layer.shift[1] = 63;
  c.layer.shift[2] = 200;  // above 63 acts as 63
  c.layer.bias[3] = INT32_MAX;
  c.layer.bias[4] = INT32_MIN;
  const driver::Program p = compile_gemm(cfg, c.layer);
  auto dev = driver::Device::open("hls", cfg);
  EXPECT_EQ(testing::run_program(*dev, p, c).c, testing::reference_output(c));
}

TEST_F(GemmE2E, RejectsMalformedLayers) {
  const Config cfg = load_config("default");
  GemmCase c = random_gemm(4, 4, 4, 1);
  GemmLayer l = c.layer;
  l.bias.pop_back();
  EXPECT_THROW(compile_gemm(cfg, l), Error);
  l = c.layer;
  l.a_zero_point = 128;
  EXPECT_THROW(compile_gemm(cfg, l), Error);
  l = c.layer;
  l.clamp_lo = 5, l.clamp_hi = 4;
  EXPECT_THROW(compile_gemm(cfg, l), Error);
  l = c.layer;
  l.m = 0;
  EXPECT_THROW(compile_gemm(cfg, l), Error);
  ProgramBuilder b(cfg);
  b.add_tensor("A", driver::TensorKind::Input, "int8", {4, 4}, 16);
  b.add_tensor("C", driver::TensorKind::Output, "int8", {4, 4}, 16);
  EXPECT_THROW(lower_gemm(b, c.layer, "A", "C", "", {16, 24, 16, LoopOrder::MN}), Error);  // tn not a multiple of DIM
  GemmCase big = random_gemm(2048, 2048, 16, 1);
  ProgramBuilder b2(cfg);
  b2.add_tensor("A", driver::TensorKind::Input, "int8", {2048, 16}, 2048 * 16);
  b2.add_tensor("C", driver::TensorKind::Output, "int8", {2048, 2048}, 2048 * 2048);
  EXPECT_THROW(lower_gemm(b2, big.layer, "A", "C", "", {2048, 2048, 16, LoopOrder::MN}), Error);  // accumulator
  EXPECT_THROW(lower_gemm(b, c.layer, "X", "C"), Error);
}

}  // namespace
}  // namespace systole::compiler
