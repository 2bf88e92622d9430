// The platform's DMA path against the DRAM model, without the driver: accumulator LOADs (strided,
// unaligned, x- and y-padded) copied back by raw STOREs and compared with a model of the LOAD
// semantics; the DRAM channel's latency and bandwidth seen in the load unit's busy cycles;
// back-pressure from a slow DRAM (fewer bytes per cycle than the bus, one burst in flight);
// a bus error outside DRAM (status.dma_error, the load unit, the failed beat's address), and
// the platform usable after it.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "sim/platform.hpp"

namespace systole::sim {
namespace {

constexpr uint32_t kProg = 0x1000, kIn = 0x10000, kOut = 0x80000;

struct Outcome {
  uint32_t status = 0, error_code = 0, error_unit = 0, error_addr = 0;
  uint64_t counters[isa::kNumCounters] = {};
};

// Writes the program, starts it, runs until idle (or 2M cycles), reads status and counters.
Outcome run(Platform& p, const std::vector<isa::Insn>& prog) {
  std::vector<uint8_t> bytes(prog.size() * isa::kInsnBytes);
  for (size_t i = 0; i < prog.size(); ++i) isa::insn_to_bytes(prog[i], bytes.data() + i * isa::kInsnBytes);
  p.dram().write(kProg, bytes.data(), bytes.size());
  p.csr_write(isa::kCsrInsnBase, kProg);
  p.csr_write(isa::kCsrInsnCount, uint32_t(prog.size()));
  p.csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlStart);
  EXPECT_EQ(p.run_until_idle(2000000, 0).stop, Stop::Idle);
  Outcome r;
  r.status = p.csr_read(isa::kCsrStatus);
  r.error_code = p.csr_read(isa::kCsrErrorCode);
  r.error_unit = p.csr_read(isa::kCsrErrorUnit);
  r.error_addr = p.csr_read(isa::kCsrErrorAddr);
  for (uint32_t i = 0; i < isa::kNumCounters; ++i)
    r.counters[i] = p.csr_read(isa::kCounterBase + 8 * i) | uint64_t(p.csr_read(isa::kCounterBase + 8 * i + 4)) << 32;
  return r;
}

// LOAD into the accumulator, then a raw STORE of every written row (DIM int32 each) to kOut.
std::vector<isa::Insn> round_trip(const isa::LoadInsn& l, uint32_t dim) {
  isa::LoadInsn ld = l;
  ld.target = 1;
  ld.push_next = 1;
  isa::MatmulInsn mm;  // no rows: only passes the token on
  mm.pop_prev = 1, mm.push_next = 1;
  isa::StoreInsn st;
  st.pop_prev = 1, st.raw = 1, st.acc_addr = l.sram_addr, st.dram_addr = kOut, st.dram_stride = 4 * dim;
  st.y_size = l.y_pad_before + l.y_size + l.y_pad_after, st.x_size = dim;
  return {isa::pack(ld), isa::pack(mm), isa::pack(st)};
}

// The accumulator rows a LOAD writes (docs/isa.md), as int32.
std::vector<int32_t> expected_rows(const isa::LoadInsn& l, const std::vector<uint8_t>& dram, uint32_t dim) {
  std::vector<int32_t> rows;
  const int32_t pad = int8_t(l.pad_value);
  for (uint32_t r = 0; r < l.y_pad_before + l.y_size + l.y_pad_after; ++r)
    for (uint32_t e = 0; e < dim; ++e) {
      int32_t v = pad;
      const bool data_row = r >= l.y_pad_before && r < l.y_pad_before + l.y_size && l.x_size;
      if (data_row && e >= l.x_pad_before && e < l.x_pad_before + l.x_size) {
        const uint64_t a = l.dram_addr + uint64_t(r - l.y_pad_before) * l.dram_stride + 4 * (e - l.x_pad_before);
        std::memcpy(&v, &dram[a], 4);
      }
      rows.push_back(v);
    }
  return rows;
}

class DmaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = load_config("tiny");
    fill_.resize(0x40000);
    std::mt19937 rng(5);
    for (auto& b : fill_) b = uint8_t(rng());
  }
  Platform& open(const DramTiming& t) {
    PlatformOptions o;
    o.dram = t;
    Platform& p = Platform::acquire(cfg_, o);
    p.dram().write(kIn, fill_.data(), fill_.size());
    return p;
  }
  void check_round_trip(Platform& p, const isa::LoadInsn& l) {
    SCOPED_TRACE(isa::disassemble(isa::pack(l)));
    const Outcome r = run(p, round_trip(l, cfg_.dim));
    ASSERT_EQ(r.status, 1u << isa::kBitStatusDone) << "error " << isa::error_code_name(r.error_code);
    std::vector<uint8_t> dram(kIn + fill_.size(), 0);
    std::memcpy(&dram[kIn], fill_.data(), fill_.size());
    const std::vector<int32_t> want = expected_rows(l, dram, cfg_.dim);
    std::vector<int32_t> got(want.size());
    p.dram().read(kOut, got.data(), got.size() * 4);
    EXPECT_EQ(got, want);
    EXPECT_EQ(r.counters[uint32_t(isa::Counter::DramRdBytes)], uint64_t(l.y_size) * l.x_size * 4);
  }
  Config cfg_;
  std::vector<uint8_t> fill_;
};

isa::LoadInsn load(uint32_t addr, uint32_t stride, uint32_t y, uint32_t x, uint32_t xpb = 0, uint32_t ypb = 0,
                   uint32_t ypa = 0, int pad = 0) {
  isa::LoadInsn l;
  l.dram_addr = addr, l.dram_stride = stride, l.y_size = y, l.x_size = x, l.x_pad_before = xpb;
  l.y_pad_before = ypb, l.y_pad_after = ypa, l.pad_value = pad, l.sram_addr = 8;
  return l;
}

TEST_F(DmaTest, StridesPaddingAndUnalignedBursts) {
  Platform& p = open(DramTiming::from_config(cfg_));
  check_round_trip(p, load(kIn, 16, 8, 4));                      // dense, aligned, 4 beats per row
  check_round_trip(p, load(kIn + 3, 100, 5, 3, 1, 2, 1, -7));   // unaligned: one more beat per row; padding
  check_round_trip(p, load(kIn + 1, 4097, 9, 1, 3, 0, 3, 127));  // odd stride, one element
  check_round_trip(p, load(kIn + 2, 0, 4, 2, 2));                // stride 0: the same row again
  check_round_trip(p, load(kIn, 16, 0, 4, 0, 3, 2, -128));       // padding rows only
  const uint64_t before = p.bridge().stats().protocol_errors;
  EXPECT_EQ(before, 0u);
  p.release();
}

TEST_F(DmaTest, LatencyAndBandwidthOfTheChannel) {
  // 32 rows of 16 bytes = 4 beats of the 4-byte bus each: the load unit is busy for the latency
  // plus every beat (docs/timing.md: L + R*beats, +1 for the last row's write).
  DramTiming t = DramTiming::from_config(cfg_);
  t.latency = 37;
  Platform& p = open(t);
  const uint32_t rows = 32, beats = 4;
  Outcome fast = run(p, round_trip(load(kIn, 16, rows, 4), cfg_.dim));
  const uint64_t busy_fast = fast.counters[uint32_t(isa::Counter::LoadBusy)];
  EXPECT_GE(busy_fast, t.latency + rows * beats);
  EXPECT_LE(busy_fast, t.latency + rows * beats + 8);

  // Half the bandwidth (2 bytes per cycle on a 4-byte bus): every beat takes two cycles (the
  // last one is used in the first of its two cycles).
  t.bytes_per_cycle = 2;
  p.release();
  Platform& p2 = open(t);
  Outcome slow = run(p2, round_trip(load(kIn, 16, rows, 4), cfg_.dim));
  const uint64_t busy_slow = slow.counters[uint32_t(isa::Counter::LoadBusy)];
  EXPECT_GE(busy_slow, t.latency + 2 * rows * beats - 1);
  EXPECT_LE(busy_slow, t.latency + 2 * rows * beats + 8);
  p2.release();
}

TEST_F(DmaTest, BackPressureFromASlowDram) {
  // One burst in flight at a time, 2 bytes per cycle, long latency: req_ready drops, every row
  // pays the full latency, the data must still be right.
  DramTiming t{61, 2, 1};
  Platform& p = open(t);
  const isa::LoadInsn l = load(kIn + 5, 44, 12, 4, 0, 1, 1, 9);
  check_round_trip(p, l);
  const Outcome r = run(p, round_trip(l, cfg_.dim));
  const uint64_t busy = r.counters[uint32_t(isa::Counter::LoadBusy)];
  EXPECT_GE(busy, uint64_t(l.y_size) * (t.latency + 2 * 5));  // unaligned 16 bytes: 5 beats per row
  EXPECT_EQ(p.bridge().outstanding(), 0u);
  p.release();
}

TEST_F(DmaTest, BusErrorOutsideDramThenUsable) {
  Platform& p = open(DramTiming::from_config(cfg_));
  const uint64_t errors = p.bridge().stats().bus_errors;
  const Outcome bad = run(p, round_trip(load(uint32_t(cfg_.dram_bytes()) - 8, 16, 2, 4), cfg_.dim));
  EXPECT_EQ(bad.status,
            (1u << isa::kBitStatusDone) | (1u << isa::kBitStatusError) | (1u << isa::kBitStatusDmaError));
  EXPECT_EQ(bad.error_code, uint32_t(isa::ErrorCode::DmaBusError));
  EXPECT_EQ(bad.error_unit, uint32_t(isa::MemId::Load));
  // The first beat past the end of DRAM (the LOAD's rows start 8 bytes before it).
  EXPECT_GE(bad.error_addr, uint32_t(cfg_.dram_bytes()));
  EXPECT_LT(bad.error_addr, uint32_t(cfg_.dram_bytes()) + 16);
  EXPECT_GT(p.bridge().stats().bus_errors, errors);
  p.csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlReset);
  EXPECT_EQ(p.run_until_idle(100000, 0).stop, Stop::Idle);
  check_round_trip(p, load(kIn + 7, 20, 3, 4));
  p.release();
}

TEST_F(DmaTest, ReuseZeroesDramAndRefusesOtherHardware) {
  Platform& p = open(DramTiming::from_config(cfg_));
  uint8_t b = 0;
  p.dram().read(kIn + 10, &b, 1);
  EXPECT_EQ(b, fill_[10]);
  EXPECT_THROW(Platform::acquire(cfg_), Error);  // in use
  p.release();
  Platform& q = Platform::acquire(cfg_);
  EXPECT_EQ(&q, &p);
  q.dram().read(kIn + 10, &b, 1);
  EXPECT_EQ(b, 0);
  q.release();
  Config other = cfg_;  // same Verilated model, different platform (DRAM size)
  other.name = "tiny-32mib", other.dram_mib = 32;
  try {
    Platform::acquire(other);
    ADD_FAILURE() << "a second design point in one process must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("once per process"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace systole::sim
