// Properties of the timing model (docs/timing.md): DMA latency + bytes/bandwidth, weight
// double buffering hiding the preload, array drain before a dependent STORE, tokens
// serializing units, one DRAM channel shared, deadlock and illegal-opcode reporting,
// counter consistency. Cycle counts only, never wall-clock time.
#include <gtest/gtest.h>

#include "hls/native/timing.hpp"
#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

class TimingTest : public ::testing::Test {
 protected:
  TimingTest() : cfg(config_for_dim(16)) {}
  template <typename T>
  void emit(const T& x) { prog.push_back(isa::pack(x)); }
  TimingReport time() {
    TimingReport r = estimate_timing(cfg, prog);
    EXPECT_TRUE(r.completed) << r.stuck;
    return r;
  }
  uint64_t L() const { return cfg.dram_latency; }
  uint64_t bw() const { return cfg.dram_bytes_per_cycle; }

  Config cfg;
  std::vector<isa::Insn> prog;
};

isa::LoadInsn load_rows(uint32_t rows, uint32_t x_size) {
  isa::LoadInsn x;
  x.y_size = rows, x.x_size = x_size, x.dram_stride = x_size, x.dram_addr = 0x10000;
  return x;
}

isa::MatmulInsn matmul(uint32_t rows, bool load_weights) {
  isa::MatmulInsn m;
  m.rows = rows, m.load_weights = load_weights, m.w_rows = 16, m.w_addr = 1000;
  return m;
}

TEST_F(TimingTest, LoadTakesLatencyPlusBytesOverBandwidth) {
  for (uint32_t rows : {1u, 64u, 1000u}) {
    prog.clear();
    emit(load_rows(rows, 16));
    const TimingReport r = time();
    const uint64_t ideal = L() + rows * 16 / bw();
    const InsnTiming& t = r.insns[0];
    EXPECT_GE(t.done - t.start, ideal) << rows;
    EXPECT_LE(t.done - t.start, ideal + 2) << rows;
    EXPECT_EQ(r.counters[isa::Counter::LoadBusy], t.done - t.start);
    EXPECT_EQ(r.counters[isa::Counter::DramRdBytes], rows * 16u);
    // The instruction itself was fetched over the same DRAM first.
    EXPECT_GE(t.dispatch, L());
    EXPECT_EQ(r.counters[isa::Counter::Cycles], t.done);
  }
}

TEST_F(TimingTest, NarrowRowsCostAWholeBeatAndPaddingRowsACycle) {
  isa::LoadInsn x = load_rows(100, 3);  // 3 of 16 bytes per beat: 1 beat per row
  x.y_pad_before = 10, x.y_pad_after = 10;
  emit(x);
  const TimingReport r = time();
  const InsnTiming& t = r.insns[0];
  EXPECT_GE(t.done - t.start, L() + 100 + 10);  // trailing padding rows after the data
  EXPECT_LE(t.done - t.start, L() + 100 + 10 + 2);
}

TEST_F(TimingTest, BackToBackMatmulsHideTheWeightLoad) {
  const uint64_t D = cfg.dim;
  for (uint32_t rows : {16u, 64u}) {
    prog.clear();
    emit(matmul(rows, true));
    emit(matmul(rows, true));
    emit(matmul(rows, true));
    const TimingReport r = time();
    EXPECT_EQ(r.insns[1].done - r.insns[0].done, rows) << "bubble between tiles, rows " << rows;
    EXPECT_EQ(r.insns[2].done - r.insns[1].done, rows);
    EXPECT_EQ(r.counters[isa::Counter::ExecBusy], D + 3 * rows);  // only the first preload shows
    EXPECT_EQ(r.counters[isa::Counter::ArrayRows], 3 * rows);
    EXPECT_EQ(r.insns[0].done - r.insns[0].start, D + rows + 2 * D);  // preload, stream, drain
  }
}

TEST_F(TimingTest, ShortTilesExposeTheWeightLoad) {
  const uint64_t D = cfg.dim;
  emit(matmul(4, true));
  emit(matmul(4, true));
  const TimingReport r = time();
  EXPECT_EQ(r.insns[1].done - r.insns[0].done, D);  // the preload (DIM cycles) dominates
}

TEST_F(TimingTest, TokenDependencySerializesUnits) {
  for (bool token : {false, true}) {
    prog.clear();
    isa::LoadInsn l = load_rows(256, 16);
    l.push_next = token;
    emit(l);
    isa::MatmulInsn m = matmul(64, true);
    m.pop_prev = token;
    emit(m);
    const TimingReport r = time();
    if (token) {
      EXPECT_GE(r.insns[1].start, r.insns[0].done);
      EXPECT_GT(r.counters[isa::Counter::ExecWait], 0u);
      EXPECT_EQ(r.insns[1].start - r.insns[1].take, r.counters[isa::Counter::ExecWait]);
    } else {
      EXPECT_LT(r.insns[1].start, r.insns[0].done);  // the units overlap
      EXPECT_EQ(r.counters[isa::Counter::ExecWait], 0u);
    }
  }
}

TEST_F(TimingTest, DependentStoreWaitsForTheArrayToDrain) {
  const uint64_t D = cfg.dim;
  isa::MatmulInsn m = matmul(32, false);
  m.push_next = 1;
  emit(m);
  isa::StoreInsn s;
  s.pop_prev = 1, s.y_size = 32, s.x_size = 16, s.dram_addr = 0x10000, s.dram_stride = 16;
  emit(s);
  const TimingReport r = time();
  EXPECT_EQ(r.insns[0].done, r.insns[0].start + 32 + 2 * D);
  EXPECT_EQ(r.insns[1].start, r.insns[0].done);
  // 3 parameter rows, output path, one write per row at 16 B/cycle, DRAM latency.
  EXPECT_GE(r.insns[1].done - r.insns[1].start, 3 + 4 + L() + 32);
  EXPECT_LE(r.insns[1].done - r.insns[1].start, 3 + 4 + L() + 32 + 2);
  EXPECT_EQ(r.counters[isa::Counter::DramWrBytes], 32u * 16);
}

TEST_F(TimingTest, LoadAndStoreShareTheDramChannel) {
  auto cycles_of = [&](bool load, bool store) {
    prog.clear();
    if (load) emit(load_rows(500, 16));
    if (store) {
      isa::StoreInsn s;
      s.raw = 1, s.y_size = 125, s.x_size = 16, s.dram_addr = 0x80000, s.dram_stride = 64;  // 500 beats
      emit(s);
    }
    return time().counters[isa::Counter::Cycles];
  };
  const uint64_t both = cycles_of(true, true);
  EXPECT_GE(both, L() + 1000);  // 1000 beats through one channel
  EXPECT_GT(both, cycles_of(true, false) + 400);
  EXPECT_GT(both, cycles_of(false, true) + 400);
}

TEST_F(TimingTest, DeadlockAndIllegalOpcodeAreReported) {
  isa::MatmulInsn m;
  m.pop_prev = 1;
  emit(m);
  TimingReport r = estimate_timing(cfg, prog);
  EXPECT_FALSE(r.completed);
  EXPECT_NE(r.stuck.find("load->execute"), std::string::npos) << r.stuck;
  EXPECT_EQ(r.counters[isa::Counter::Insns], 0u);

  prog.clear();
  emit(load_rows(1, 16));
  isa::Insn bad;
  isa::set_bits(bad, isa::kLoadOpcodeLsb, isa::kOpcodeBits, 0xe);
  prog.push_back(bad);
  r = estimate_timing(cfg, prog);
  EXPECT_FALSE(r.completed);
  EXPECT_NE(r.stuck.find("illegal opcode"), std::string::npos) << r.stuck;
  EXPECT_EQ(r.counters[isa::Counter::Insns], 1u);
}

TEST_F(TimingTest, CountersAreConsistentOnAMixedProgram) {
  // A small pipelined loop: load a block, multiply it, store it; tokens both ways.
  for (int i = 0; i < 20; ++i) {
    isa::LoadInsn l = load_rows(32, 16);
    l.pop_next = i >= 2, l.push_next = 1, l.sram_addr = (i % 2) * 32;
    emit(l);
    isa::MatmulInsn m = matmul(32, i == 0);
    m.pop_prev = 1, m.push_prev = i + 2 < 20, m.pop_next = i >= 2, m.push_next = 1, m.acc_addr = (i % 2) * 32;
    emit(m);
    isa::StoreInsn s;
    s.pop_prev = 1, s.push_prev = i + 2 < 20, s.acc_addr = (i % 2) * 32, s.y_size = 32, s.x_size = 16;
    s.dram_addr = 0x100000, s.dram_stride = 16;
    emit(s);
  }
  const TimingReport r = time();
  const Counters& c = r.counters;
  EXPECT_EQ(c[isa::Counter::Insns], 60u);
  EXPECT_EQ(c[isa::Counter::FetchBytes], 60u * 16);
  for (auto [busy, wait] : {std::pair{isa::Counter::LoadBusy, isa::Counter::LoadWait},
                            std::pair{isa::Counter::ExecBusy, isa::Counter::ExecWait},
                            std::pair{isa::Counter::StoreBusy, isa::Counter::StoreWait}}) {
    EXPECT_GT(c[busy], 0u);
    EXPECT_LE(c[busy] + c[wait], c[isa::Counter::Cycles]) << isa::kCounterNames[uint32_t(busy)];
  }
  uint64_t last = 0;
  for (const InsnTiming& t : r.insns) {
    EXPECT_TRUE(t.ran);
    EXPECT_LT(t.dispatch, t.take);
    EXPECT_LE(t.take, t.start);
    EXPECT_LT(t.start, t.done);
    last = std::max(last, t.done);
  }
  EXPECT_EQ(c[isa::Counter::Cycles], last);
}

// queues.fetch_window bounds the words requested ahead of dispatch: a fetch-bound program of
// padding-only LOADs (no DRAM data) waits one DRAM round trip per window, so a window of 4
// takes at least a latency per 4 instructions, and 16 words overlap four such round trips.
TEST_F(TimingTest, FetchWindowBoundsInstructionsInFlight) {
  isa::LoadInsn pad;
  pad.y_pad_before = 1;  // one padding row: no DRAM request, retires a cycle after it starts
  for (int i = 0; i < 64; ++i) emit(pad);
  cfg.fetch_window = 16;
  const uint64_t wide = time().counters[isa::Counter::Cycles];
  cfg.fetch_window = 4;
  const TimingReport r = time();
  const uint64_t narrow = r.counters[isa::Counter::Cycles];
  EXPECT_GE(narrow, 16 * L());  // 16 windows of 4, each a round trip after the last dispatch
  EXPECT_LT(wide, 16 * L());
  EXPECT_EQ(r.counters[isa::Counter::FetchBytes], 64u * isa::kInsnBytes);
  // No window ever holds more than 4 words: instruction i + 4 is dispatched a latency after i.
  for (size_t i = 4; i < r.insns.size(); ++i) EXPECT_GE(r.insns[i].dispatch, r.insns[i - 4].dispatch + L()) << i;
}

TEST_F(TimingTest, EmptyProgramTakesNoCycles) {
  const TimingReport r = time();
  EXPECT_EQ(r.counters[isa::Counter::Cycles], 0u);
}

}  // namespace
}  // namespace systole::hls::testing
