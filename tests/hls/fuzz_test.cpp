// Random instruction words (legal opcodes, random fields and token flags) on a small DRAM
// window: every run must end (done, a fault, or a deadlock reported as systole::Error) and
// never touch memory outside the window; the timing model must terminate on the same words.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "hls/native/timing.hpp"
#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

// Small, mostly in-range fields; token flags rarely set.
isa::Insn tame(const isa::Insn& w, uint32_t D, std::mt19937_64& rng) {
  auto small = [&](uint32_t n) { return uint32_t(rng() % n); };
  const bool tokens = small(4) == 0;
  switch (isa::Opcode(isa::opcode_bits(w))) {
    case isa::Opcode::LOAD: {
      isa::LoadInsn x = isa::unpack_load(w);
      if (!tokens) x.pop_next = x.push_next = 0;
      x.pop_prev = x.push_prev = 0;  // the load unit has no previous neighbour
      x.sram_addr = small(64), x.dram_addr = 0x1000 + small(0x4000), x.dram_stride = small(64);
      x.y_size = small(8), x.x_size = small(D + 1), x.x_pad_before = small(D + 1 - x.x_size);
      x.y_pad_before = small(3), x.y_pad_after = small(3);
      return isa::pack(x);
    }
    case isa::Opcode::MATMUL: {
      isa::MatmulInsn x = isa::unpack_matmul(w);
      if (!tokens) x.pop_prev = x.pop_next = x.push_prev = x.push_next = 0;
      x.a_addr = small(64), x.w_addr = small(64), x.acc_addr = small(64), x.rows = small(8), x.outer = small(3);
      x.a_stride = small(3), x.a_outer_stride = small(16), x.w_rows = small(D + 1);
      return isa::pack(x);
    }
    case isa::Opcode::STORE: {
      isa::StoreInsn x = isa::unpack_store(w);
      if (!tokens) x.pop_prev = x.push_prev = 0;
      x.pop_next = x.push_next = 0;  // the store unit has no next neighbour
      x.acc_addr = small(64), x.param_addr = small(64), x.dram_addr = 0x1000 + small(0x4000);
      x.dram_stride = small(256), x.y_size = small(8), x.x_size = small(D + 1);
      return isa::pack(x);
    }
  }
  return w;
}

class FuzzTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(FuzzTest, RandomProgramsStayInsideDram) {
  const uint32_t D = GetParam();
  std::mt19937_64 rng(D);
  const uint64_t window = 0x8000;
  int done = 0, faults = 0, deadlocks = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Rig rig(D, window + 4096);
    std::fill(rig.dram.begin() + window, rig.dram.end(), 0xcc);
    for (uint64_t i = 0x1000; i < window; ++i) rig.dram[i] = uint8_t(rng());
    const int n = 1 + int(rng() % 24);
    for (int i = 0; i < n; ++i) {
      isa::Insn w;
      w.lo = rng(), w.hi = rng();
      isa::set_bits(w, isa::kLoadOpcodeLsb, isa::kOpcodeBits, rng() % 64 ? rng() % 3 : 3);  // rarely illegal
      // Tame most of them (through the codec) so that runs get past the first instruction.
      if (rng() % 16 != 0) w = tame(w, D, rng);
      rig.emit_raw(w);
    }
    try {
      const RunResult r = rig.run(window);
      (r.error_code ? faults : done)++;
    } catch (const Error&) {
      ++deadlocks;
    }
    for (uint64_t i = window; i < rig.dram.size(); ++i) ASSERT_EQ(rig.dram[i], 0xcc) << "trial " << trial << " byte " << i;
    const TimingReport t = estimate_timing(rig.cfg, rig.prog);
    EXPECT_LE(t.counters[isa::Counter::Insns], uint64_t(n));
  }
  // The mix exercises all three outcomes.
  EXPECT_GT(done, 0);
  EXPECT_GT(faults, 0);
  EXPECT_GT(deadlocks, 0);
  RecordProperty("done", done), RecordProperty("faults", faults), RecordProperty("deadlocks", deadlocks);
}

INSTANTIATE_TEST_SUITE_P(Dims, FuzzTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

}  // namespace
}  // namespace systole::hls::testing
