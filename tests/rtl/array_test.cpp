// systole_array alone, DIM=4 and DIM=16: back-to-back weight tiles on the tight schedule the
// execute unit uses (docs/rtl.md), checked row by row against a C++ matrix product.
//   - weight rows k = 0..DIM-1 enter at S..S+DIM-1 into the bank not in use;
//   - S may equal the cycle of the last activation row still using that bank;
//   - the first row using the new bank may enter at S+DIM;
//   - each result leaves exactly 2*DIM-1 cycles after its row entered.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Varray16.h"
#include "Varray4.h"
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

// Throughput of the bare Verilated 16x16 array (reported, not asserted: the clock varies).
TEST(RtlArray, Dim16Speed) {
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Varray16>(ctx.get());
  reset(*m);
  const int cycles = 200000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < cycles; ++i) {
    m->a_i[i & 3] = uint32_t(i * 2654435761u);
    m->a_sel_i = (i >> 6) & 1;
    tick(*m);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ speed    ] 16x16 array: %.2f M cycles/s (%.2e MAC/s)\n", cycles / s / 1e6, cycles * 256.0 / s);
  SUCCEED();
}

}  // namespace
}  // namespace systole::rtltest
