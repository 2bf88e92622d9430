// systole_array alone, DIM=4 and DIM=16: back-to-back weight tiles on the tight schedule the
// execute unit uses (docs/rtl.md), checked row by row against a C++ matrix product.
//   - weight rows k = 0..DIM-1 enter at S..S+DIM-1 into the bank not in use;
//   - S may equal the cycle of the last activation row still using that bank;
//   - the first row using the new bank may enter at S+DIM;
//   - each result leaves exactly 2*DIM-1 cycles after its row entered.
// Both implementations of rtl/systole_array.sv run these schedules: the flat model Verilator
// builds by default (Varray4/16) and the PE grid, the hardware (VarrayPe4/16, Verilated with
// +define+SYSTOLE_ARRAY_PE). A second test runs the two side by side on random inputs (any
// weight/activation schedule, resets in between) and compares psum_o in every cycle.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Varray16.h"
#include "Varray4.h"
#include "VarrayPe16.h"
#include "VarrayPe4.h"
#include "vl_port.hpp"

namespace systole::rtltest {
namespace {

struct Tile {
  std::vector<int8_t> w;                // DIM x DIM, w[k*DIM + c]
  std::vector<std::vector<int8_t>> a;   // rows of DIM
};

struct Expect {
  uint64_t cycle;
  std::vector<int32_t> out;
};

template <typename M, unsigned D>
class ArrayBench {
 public:
  ArrayBench() : ctx_(std::make_unique<VerilatedContext>()), m_(std::make_unique<M>(ctx_.get())) { reset(*m_); }

  // Runs the tiles; `gap` adds idle cycles before each weight load (0 = tight schedule).
  // Returns the number of result rows checked.
  size_t run(const std::vector<Tile>& tiles, std::mt19937& rng, unsigned gap) {
    // Schedule: weight load t starts at ws[t], streaming t starts at ss[t] (cycle numbers).
    const size_t n = tiles.size();
    std::vector<uint64_t> ws(n), ss(n), last(n);
    for (size_t t = 0; t < n; ++t) {
      uint64_t s = 1;
      if (t >= 1) s = std::max(s, ws[t - 1] + D);          // weight port is busy D cycles
      if (t >= 2) s = std::max(s, last[t - 2]);            // bank t%2 free: last row of t-2 entered
      ws[t] = s + gap;
      ss[t] = ws[t] + D;                                    // new weights complete
      if (t >= 1) ss[t] = std::max(ss[t], last[t - 1] + 1);  // rows stream in order
      last[t] = ss[t] + (tiles[t].a.empty() ? 0 : tiles[t].a.size() - 1);
      if (tiles[t].a.empty()) last[t] = ss[t] > 0 ? ss[t] - 1 : 0;
    }
    const uint64_t end = (n ? std::max(last[n - 1], ws[n - 1] + D) : 0) + 2 * D + 4;
    std::deque<Expect> expect;
    size_t checked = 0;
    for (uint64_t cyc = 0; cyc < end; ++cyc) {
      // Idle inputs carry random garbage: it must not disturb anything.
      for (unsigned i = 0; i < D; ++i) {
        set_bits(m_->a_i, 8 * i, 8, rng());
        set_bits(m_->w_i, 8 * i, 8, rng());
      }
      m_->a_sel_i = rng() & 1;
      m_->w_valid_i = 0;
      m_->w_tag_i = rng() % D;
      m_->w_bank_i = rng() & 1;
      for (size_t t = 0; t < n; ++t) {
        const bool bank = t & 1;
        if (cyc >= ws[t] && cyc < ws[t] + D) {
          const unsigned k = unsigned(cyc - ws[t]);
          for (unsigned c = 0; c < D; ++c) set_bits(m_->w_i, 8 * c, 8, uint8_t(tiles[t].w[k * D + c]));
          m_->w_valid_i = 1;
          m_->w_tag_i = k;
          m_->w_bank_i = bank;
        }
        if (cyc >= ss[t] && cyc < ss[t] + tiles[t].a.size()) {
          const auto& row = tiles[t].a[cyc - ss[t]];
          for (unsigned k = 0; k < D; ++k) set_bits(m_->a_i, 8 * k, 8, uint8_t(row[k]));
          m_->a_sel_i = bank;
          Expect e{cyc + 2 * D - 1, std::vector<int32_t>(D, 0)};
          for (unsigned c = 0; c < D; ++c)
            for (unsigned k = 0; k < D; ++k) e.out[c] += int32_t(row[k]) * int32_t(tiles[t].w[k * D + c]);
          expect.push_back(e);
        }
      }
      m_->eval();
      if (!expect.empty() && expect.front().cycle == cyc) {
        for (unsigned c = 0; c < D; ++c)
          EXPECT_EQ(s32(get_bits(m_->psum_o, 32 * c, 32)), expect.front().out[c]) << "cycle " << cyc << " column " << c;
        expect.pop_front();
        ++checked;
      }
      tick(*m_);
    }
    EXPECT_TRUE(expect.empty());
    return checked;
  }

  M& model() { return *m_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> m_;
};

template <unsigned D>
std::vector<Tile> random_tiles(std::mt19937& rng, size_t n, const std::vector<size_t>& rows) {
  std::vector<Tile> tiles(n);
  for (size_t t = 0; t < n; ++t) {
    tiles[t].w.resize(D * D);
    for (auto& x : tiles[t].w) x = int8_t(rng());
    // Some all-extreme tiles: -128 * -128 sums.
    if (t % 5 == 3)
      for (auto& x : tiles[t].w) x = -128;
    tiles[t].a.resize(rows[t % rows.size()], std::vector<int8_t>(D));
    for (auto& r : tiles[t].a)
      for (auto& x : r) x = (t % 5 == 3) ? int8_t(-128) : int8_t(rng());
  }
  return tiles;
}

template <typename M, unsigned D>
void run_schedules() {
  std::mt19937 rng(D);
  // Row counts below, at and above DIM (below DIM the weight port limits the pace).
  const std::vector<size_t> rows = {D, 1, 2 * D + 3, D - 1, 3, D + 1};
  for (unsigned gap : {0u, 1u, 5u}) {
    ArrayBench<M, D> bench;
    auto tiles = random_tiles<D>(rng, 12, rows);
    size_t expect_rows = 0;
    for (auto& t : tiles) expect_rows += t.a.size();
    EXPECT_EQ(bench.run(tiles, rng, gap), expect_rows) << "gap " << gap;
  }
}

TEST(RtlArray, Dim4BackToBackTiles) { run_schedules<Varray4, 4>(); }
TEST(RtlArray, Dim16BackToBackTiles) { run_schedules<Varray16, 16>(); }
TEST(RtlArray, Dim4PeGridBackToBackTiles) { run_schedules<VarrayPe4, 4>(); }
TEST(RtlArray, Dim16PeGridBackToBackTiles) { run_schedules<VarrayPe16, 16>(); }

// The flat model and the PE grid in lockstep on unconstrained random inputs: weight rows at
// any time, into any bank and row (also into the bank in use, also while a load is still
// travelling down the grid), random bank selects, phases where the activation row and bank
// select are held (the flat model skips recomputing an unchanged row), and asynchronous
// resets. psum_o must be identical in every cycle.
template <typename Flat, typename Grid, unsigned D>
void flat_matches_grid(uint32_t seed, int cycles) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto f = std::make_unique<Flat>(ctx.get());
  auto g = std::make_unique<Grid>(ctx.get());
  reset(*f);
  reset(*g);
  std::mt19937 rng(seed);
  int mismatches = 0;
  unsigned w_density = 4, sel = 0;
  for (int cyc = 0; cyc < cycles && mismatches < 10; ++cyc) {
    if (cyc % 97 == 0) w_density = rng() % 8;  // phases: no weights .. weights every cycle
    if (rng() % 23 == 0) sel ^= 1;
    // Extreme sums in every row: -128 * -128 (the largest) and -128 * 127 (the smallest).
    const unsigned phase = (cyc / 211) % 8;
    const bool extreme = phase == 3 || phase == 7;
    const uint32_t w_extreme = phase == 3 ? 0x80 : 0x7f;
    const bool hold = (cyc / 53) % 3 == 1;        // activations and bank select held (idle port)
    for (unsigned i = 0; i < D; ++i) {
      const uint32_t a = extreme ? 0x80 : rng(), w = extreme ? w_extreme : rng();
      if (!hold) set_bits(f->a_i, 8 * i, 8, a), set_bits(g->a_i, 8 * i, 8, a);
      set_bits(f->w_i, 8 * i, 8, w), set_bits(g->w_i, 8 * i, 8, w);
    }
    const bool wv = rng() % 8 < w_density;
    const unsigned tag = rng() % D, bank = rng() & 1;
    f->w_valid_i = g->w_valid_i = wv;
    f->w_tag_i = g->w_tag_i = tag;
    f->w_bank_i = g->w_bank_i = bank;
    if (!hold) f->a_sel_i = g->a_sel_i = (rng() % 16 == 0) ? (sel ^ 1) : sel;
    if (rng() % 5000 == 0) {
      const int n = 1 + int(rng() % 3);
      reset(*f, n);
      reset(*g, n);
      continue;
    }
    f->clk_i = g->clk_i = 0;
    f->eval(), g->eval();
    for (unsigned c = 0; c < D; ++c) {
      const uint32_t fv = get_bits(f->psum_o, 32 * c, 32), gv = get_bits(g->psum_o, 32 * c, 32);
      if (fv != gv) {
        ++mismatches;
        ADD_FAILURE() << "seed " << seed << " cycle " << cyc << " column " << c << ": flat " << s32(fv)
                      << ", PE grid " << s32(gv);
      }
    }
    f->clk_i = g->clk_i = 1;
    f->eval(), g->eval();
  }
}

TEST(RtlArray, Dim4FlatMatchesPeGrid) {
  for (uint32_t seed : {1u, 2u, 3u}) flat_matches_grid<Varray4, VarrayPe4, 4>(seed, 20000);
}
TEST(RtlArray, Dim16FlatMatchesPeGrid) {
  for (uint32_t seed : {4u, 5u}) flat_matches_grid<Varray16, VarrayPe16, 16>(seed, 20000);
}

// Throughput of the bare Verilated 16x16 array, flat model and PE grid (reported, not
// asserted: the clock varies).
// Thread CPU seconds: on a shared machine wall time also counts other jobs.
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

template <typename M>
void array_speed(const char* name) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<M>(ctx.get());
  reset(*m);
  const int cycles = 200000;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  for (int i = 0; i < cycles; ++i) {
    m->a_i[i & 3] = uint32_t(i * 2654435761u);
    m->a_sel_i = (i >> 6) & 1;
    tick(*m);
  }
  const double cpu = cpu_seconds() - c0;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ speed    ] 16x16 array (%s): %.2f M cycles/s wall, %.2f M per CPU second (%.2e MAC/s)\n", name,
              cycles / s / 1e6, cycles / cpu / 1e6, cycles * 256.0 / cpu);
}

TEST(RtlArray, Dim16Speed) {
  array_speed<Varray16>("flat model");
  array_speed<VarrayPe16>("PE grid");
  SUCCEED();
}

}  // namespace
}  // namespace systole::rtltest
