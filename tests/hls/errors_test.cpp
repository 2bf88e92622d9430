// Faults: every isa::ErrorCode with the faulting instruction's index, configured (not
// maximum) buffer sizes, DRAM bounds including instruction fetch, that a faulting
// instruction has no effect and nothing outside the given DRAM is touched, precedence.
#include <gtest/gtest.h>

#include "arch/error.hpp"
#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

using isa::ErrorCode;

void expect_fault(Rig& rig, ErrorCode code, uint32_t insn, uint64_t dram_size = 0) {
  const RunResult r = rig.run(dram_size);
  EXPECT_EQ(r.error_code, uint32_t(code)) << "got " << isa::error_code_name(r.error_code);
  EXPECT_EQ(r.error_insn, insn);
}

class ErrorTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ErrorTest, IllegalOpcodeAfterRetiringEarlierInstructions) {
  Rig rig(GetParam());
  rig.emit(isa::LoadInsn{});
  rig.emit(isa::MatmulInsn{});
  isa::Insn bad;
  isa::set_bits(bad, isa::kLoadOpcodeLsb, isa::kOpcodeBits, 0xf);
  rig.emit_raw(bad);
  rig.emit(isa::StoreInsn{});
  const RunResult r = rig.run();
  EXPECT_EQ(r.error_code, uint32_t(ErrorCode::IllegalOpcode));
  EXPECT_EQ(r.error_insn, 2u);
  EXPECT_EQ(r.counters[uint32_t(isa::Counter::Insns)], 2u);
}

TEST_P(ErrorTest, ScratchpadRowsBeyondTheConfiguredSize) {
  Rig rig(GetParam());
  const uint32_t rows = rig.cfg.spad_rows();
  isa::LoadInsn ok;
  ok.sram_addr = rows - 2, ok.y_pad_before = 2;  // the last two rows: fine
  rig.emit(ok);
  isa::LoadInsn x = ok;
  x.y_pad_after = 1;  // one row past the end
  rig.emit(x);
  expect_fault(rig, ErrorCode::SramOutOfRange, 1);
}

TEST_P(ErrorTest, AccumulatorRowsBeyondTheConfiguredSize) {
  const uint32_t D = GetParam();
  {
    Rig rig(D);
    isa::LoadInsn x;
    x.target = uint32_t(isa::Target::Acc), x.sram_addr = rig.cfg.acc_rows(), x.y_pad_before = 1;
    rig.emit(x);
    expect_fault(rig, ErrorCode::SramOutOfRange, 0);
  }
  {
    Rig rig(D);
    isa::MatmulInsn m;
    m.rows = 4, m.outer = 2, m.acc_addr = rig.cfg.acc_rows() - 7;  // writes 8 rows
    rig.emit(m);
    expect_fault(rig, ErrorCode::SramOutOfRange, 0);
  }
  {
    Rig rig(D);
    isa::MatmulInsn m;
    m.rows = 3, m.outer = 2, m.a_stride = 4, m.a_outer_stride = 100;
    m.a_addr = rig.cfg.spad_rows() - (100 + 2 * 4);  // last activation row = spad_rows
    rig.emit(m);
    expect_fault(rig, ErrorCode::SramOutOfRange, 0);
  }
  {
    Rig rig(D);
    isa::MatmulInsn m;
    m.load_weights = 1, m.w_rows = 2, m.w_addr = rig.cfg.spad_rows() - 1;
    rig.emit(m);
    expect_fault(rig, ErrorCode::SramOutOfRange, 0);
  }
  {
    Rig rig(D);
    rig.emit(isa::StoreInsn{});
    isa::StoreInsn s;
    s.y_size = 1, s.x_size = 1, s.dram_addr = kData, s.param_addr = rig.cfg.acc_rows() - 2;  // 3 rows needed
    rig.emit(s);
    expect_fault(rig, ErrorCode::SramOutOfRange, 1);
  }
}

TEST_P(ErrorTest, DramOutsideTheGivenSizeAndNothingTouched) {
  const uint32_t D = GetParam();
  const uint64_t size = 0x20000;  // the rig's vector is larger: the rest is a guard area
  {
    Rig rig(D);
    isa::LoadInsn x;
    x.dram_addr = uint32_t(size - 2 * D), x.dram_stride = D, x.y_size = 3, x.x_size = D;  // third row outside
    rig.emit(x);
    expect_fault(rig, ErrorCode::DmaBusError, 0, size);
  }
  {
    Rig rig(D);
    std::fill(rig.dram.begin() + size, rig.dram.end(), 0xa5);
    std::fill(rig.dram.begin() + kData, rig.dram.begin() + size, 0x5a);
    isa::StoreInsn s;
    s.raw = 1, s.dram_addr = uint32_t(size - 4 * D - 4), s.dram_stride = 4 * D, s.y_size = 2, s.x_size = D;
    rig.emit(s);
    expect_fault(rig, ErrorCode::DmaBusError, 0, size);
    for (uint64_t i = kData; i < size; ++i) ASSERT_EQ(rig.dram[i], 0x5a) << "a faulting STORE wrote byte " << i;
    for (uint64_t i = size; i < rig.dram.size(); ++i) ASSERT_EQ(rig.dram[i], 0xa5) << "guard byte " << i << " touched";
  }
  {
    Rig rig(D);  // 32-bit address + stride arithmetic must not wrap into range
    isa::LoadInsn x;
    x.dram_addr = 0xffffff00u, x.dram_stride = 0x100, x.y_size = 2, x.x_size = 1;
    rig.emit(x);
    expect_fault(rig, ErrorCode::DmaBusError, 0);
  }
}

TEST_P(ErrorTest, InstructionFetchOutsideDram) {
  const uint32_t D = GetParam();
  {
    Rig rig(D);
    rig.emit(isa::LoadInsn{});
    rig.emit(isa::LoadInsn{});
    rig.insn_base = uint32_t(rig.dram.size() - isa::kInsnBytes);  // the second word is past the end
    expect_fault(rig, ErrorCode::DmaBusError, 1);
  }
  {
    Rig rig(D);
    rig.emit(isa::LoadInsn{});
    rig.insn_base = 8;  // not 16-byte aligned
    expect_fault(rig, ErrorCode::DmaBusError, 0);
  }
  {
    Rig rig(D);
    rig.emit(isa::LoadInsn{});
    const RunResult r = hls::run(rig.cfg, rig.dram.data(), rig.dram.size(), 0, 1u << 20);  // runs off the end
    EXPECT_EQ(r.error_code, uint32_t(ErrorCode::DmaBusError));
    EXPECT_EQ(r.error_insn, uint32_t(rig.dram.size() / isa::kInsnBytes));
  }
}

TEST_P(ErrorTest, BadFields) {
  const uint32_t D = GetParam();
  auto one = [&](auto insn) {
    Rig rig(D);
    rig.emit(isa::MatmulInsn{});
    rig.emit(insn);
    expect_fault(rig, ErrorCode::BadField, 1);
  };
  isa::LoadInsn l;
  l.y_size = 1, l.x_size = D + 1, l.dram_addr = kData;
  one(l);
  l.x_size = D - 1, l.x_pad_before = 2;  // x_pad_before + x_size > DIM
  one(l);
  l.x_size = 0, l.x_pad_before = D + 1;
  one(l);
  isa::LoadInsn lp;
  lp.pop_prev = 1;  // the load unit has no previous unit
  one(lp);
  isa::MatmulInsn m;
  m.w_rows = D + 1, m.load_weights = 1;
  one(m);
  isa::StoreInsn s;
  s.y_size = 1, s.x_size = D + 1, s.raw = 1, s.dram_addr = kData;
  one(s);
  isa::StoreInsn sn;
  sn.push_next = 1;  // the store unit has no next unit
  one(sn);
}

TEST_P(ErrorTest, UnitFaultTakesPrecedenceOverALaterIllegalOpcode) {
  Rig rig(GetParam());
  rig.emit(isa::LoadInsn{});
  isa::LoadInsn x;
  x.sram_addr = rig.cfg.spad_rows(), x.y_pad_before = 1;
  rig.emit(x);
  isa::Insn bad;
  isa::set_bits(bad, isa::kLoadOpcodeLsb, isa::kOpcodeBits, 9);
  rig.emit_raw(bad);
  expect_fault(rig, ErrorCode::SramOutOfRange, 1);
}

INSTANTIATE_TEST_SUITE_P(Dims, ErrorTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

TEST(Dispatch, UnsupportedDimThrows) {
  Config cfg = config_for_dim(16);
  cfg.dim = 12;
  std::vector<uint8_t> dram(1024);
  EXPECT_THROW(hls::run(cfg, dram.data(), dram.size(), 0, 0), Error);
}

}  // namespace
}  // namespace systole::hls::testing
