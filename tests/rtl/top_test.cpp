// systole_top (DIM=4, 4-byte bus) end to end: programs built with the generated ISA codec
// run on the Verilated accelerator against a DRAM model, checked against a CPU reference
// that uses arch/requant.hpp. Covers LOAD (strided, padded, int32 to the accumulator),
// MATMUL (weights, outer loop, accumulate), STORE (requantized and raw), tokens, counters,
// the CSR identity registers and the error paths (illegal opcode, bad field, bus errors with
// the failing unit and address), and an assertion firing on a broken memory response.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vtop4.h"
#include "arch/requant.hpp"
#include "top_bench.hpp"

namespace systole::rtltest {
namespace {

constexpr unsigned D = 4;
using Bench = TopBench<Vtop4, 4>;

void put32(std::vector<uint8_t>& mem, uint32_t addr, uint32_t v) {
  for (int i = 0; i < 4; ++i) mem[addr + i] = uint8_t(v >> (8 * i));
}
uint32_t get32(const std::vector<uint8_t>& mem, uint32_t addr) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(mem[addr + i]) << (8 * i);
  return v;
}

TEST(RtlTop, IdentityRegisters) {
  Bench b;
  EXPECT_EQ(b.csr_read(isa::kCsrHwId), (0x5157u << 16) | isa::kIsaVersion);
  EXPECT_EQ(b.csr_read(isa::kCsrHwDim), D);
  EXPECT_EQ(b.csr_read(isa::kCsrStatus), 0u);
}

// C = requant(A(MxK) * W(KxN) + bias) with K = N = DIM, then the raw int32 of a second
// accumulating MATMUL. A is read with a row stride and one column of x padding.
void gemm_requant_and_raw(bool stall_requests) {
  Bench b;
  b.stall_requests = stall_requests;
  std::mt19937 rng(7);
  const unsigned M = 11;
  const uint32_t kW = 0x1000, kA = 0x2000, kP = 0x3000, kOut = 0x4000, kRaw = 0x5000, kProg = 0x100;
  const int8_t pad = -3;
  const uint32_t a_stride = 7;  // bytes between A rows in DRAM (x_size = 3 used)
  int8_t W[D][D], A[M][D];
  for (auto& r : W)
    for (auto& x : r) x = int8_t(rng());
  for (unsigned i = 0; i < M; ++i) {
    A[i][0] = pad;  // x_pad_before = 1
    for (unsigned k = 1; k < D; ++k) {
      A[i][k] = int8_t(rng());
      b.mem[kA + 1 + i * a_stride + (k - 1)] = uint8_t(A[i][k]);  // odd address: unaligned rows
    }
  }
  for (unsigned k = 0; k < D; ++k)
    for (unsigned c = 0; c < D; ++c) b.mem[kW + k * D + c] = uint8_t(W[k][c]);
  int32_t bias[D], mult[D];
  uint32_t shift[D];
  int32_t zp[D], lo[D], hi[D];
  for (unsigned c = 0; c < D; ++c) {
    bias[c] = int32_t(rng() % 201) - 100;
    // Channel 0: a random 31-bit multiplier; 1 and 2: exact halves and quarters (many
    // rounding ties, which half-to-even decides); 3: shift above 63 (acts as 63).
    const int32_t mults[D] = {int32_t(rng() >> 1), 1, 3, INT32_MAX};
    const uint32_t shifts[D] = {36, 1, 2, 200};
    mult[c] = mults[c];
    shift[c] = shifts[c];
    zp[c] = int32_t(rng() % 21) - 10;
    lo[c] = c == 0 ? zp[c] : -128;  // channel 0 with ReLU
    hi[c] = c == 3 ? 50 : 127;
    put32(b.mem, kP + 4 * c, uint32_t(bias[c]));
    put32(b.mem, kP + 16 + 4 * c, uint32_t(mult[c]));
    put32(b.mem, kP + 32 + 4 * c,
          (shift[c] & 0xff) | (uint32_t(uint8_t(zp[c])) << 8) | (uint32_t(uint8_t(lo[c])) << 16) |
              (uint32_t(uint8_t(hi[c])) << 24));
  }

  std::vector<isa::Insn> prog;
  isa::LoadInsn lw;  // weights: spad rows 0..3
  lw.sram_addr = 0, lw.dram_addr = kW, lw.dram_stride = D, lw.y_size = D, lw.x_size = D;
  prog.push_back(isa::pack(lw));
  isa::LoadInsn la;  // activations: spad rows 8.., one pad row before (row 8), x padding 1
  la.sram_addr = 8, la.dram_addr = kA + 1, la.dram_stride = a_stride, la.y_size = M, la.x_size = D - 1;
  la.x_pad_before = 1, la.y_pad_before = 1, la.pad_value = pad;
  prog.push_back(isa::pack(la));
  isa::LoadInsn lp;  // parameters: acc rows 60..62 (int32)
  lp.target = 1, lp.sram_addr = 60, lp.dram_addr = kP, lp.dram_stride = 16, lp.y_size = 3, lp.x_size = D;
  lp.push_next = 1;
  prog.push_back(isa::pack(lp));
  isa::MatmulInsn mm;  // two outer iterations over the A rows 9.. (skipping the pad row)
  mm.pop_prev = 1, mm.load_weights = 1, mm.w_addr = 0, mm.w_rows = D, mm.a_addr = 9, mm.rows = 6;
  mm.outer = 2, mm.a_outer_stride = 5, mm.acc_addr = 0, mm.push_next = 1;
  prog.push_back(isa::pack(mm));
  isa::StoreInsn st;
  st.pop_prev = 1, st.acc_addr = 0, st.dram_addr = kOut + 3, st.dram_stride = 9, st.y_size = 12, st.x_size = D;
  st.param_addr = 60, st.push_prev = 1;
  prog.push_back(isa::pack(st));
  isa::MatmulInsn mm2 = mm;  // accumulate the same product again, weights reused
  mm2.pop_prev = 0, mm2.pop_next = 1, mm2.load_weights = 0, mm2.accumulate = 1;
  prog.push_back(isa::pack(mm2));
  isa::StoreInsn raw;
  raw.pop_prev = 1, raw.acc_addr = 0, raw.dram_addr = kRaw + 2, raw.dram_stride = 4 * D, raw.y_size = 12;
  raw.x_size = D, raw.raw = 1;
  prog.push_back(isa::pack(raw));

  const uint32_t status = b.run(prog, kProg);
  ASSERT_EQ(status, 1u << isa::kBitStatusDone) << "error " << b.csr_read(isa::kCsrErrorCode) << " at "
                                               << b.csr_read(isa::kCsrErrorInsn);
  EXPECT_EQ(b.protocol_errors, 0);
  // Accumulator row o*6+i holds A row (1 + o*5 + i) (A index; spad row 9+o*5+i = A[o*5+i]).
  for (unsigned r = 0; r < 12; ++r) {
    const unsigned o = r / 6, i = r % 6, ai = o * 5 + i;
    for (unsigned c = 0; c < D; ++c) {
      int32_t acc = 0;
      for (unsigned k = 0; k < D; ++k) acc += int32_t(A[ai][k]) * W[k][c];
      const int8_t want = requantize(acc, bias[c], mult[c], shift[c], zp[c], lo[c], hi[c]);
      EXPECT_EQ(int8_t(b.mem[kOut + 3 + r * 9 + c]), want) << "row " << r << " col " << c;
      EXPECT_EQ(int32_t(get32(b.mem, kRaw + 2 + r * 4 * D + 4 * c)), 2 * acc) << "raw row " << r << " col " << c;
    }
    EXPECT_EQ(b.mem[kOut + 3 + r * 9 + D], 0) << "store wrote past x_size";
  }
  EXPECT_EQ(b.counter(isa::Counter::Insns), prog.size());
  EXPECT_EQ(b.counter(isa::Counter::ArrayRows), 24u);
  EXPECT_EQ(b.counter(isa::Counter::FetchBytes), 16u * prog.size());
  EXPECT_EQ(b.counter(isa::Counter::DramRdBytes), D * D + M * (D - 1) + 3 * 4 * D);
  EXPECT_EQ(b.counter(isa::Counter::DramWrBytes), 12u * D + 12u * 4 * D);
  EXPECT_GT(b.counter(isa::Counter::Cycles), b.counter(isa::Counter::ExecBusy));
  std::printf("[ cycles   ] gemm program%s: %llu cycles, %llu DRAM requests\n", stall_requests ? " (back-pressure)" : "",
              (unsigned long long)b.counter(isa::Counter::Cycles), (unsigned long long)b.requests);
}

TEST(RtlTop, GemmRequantAndRaw) { gemm_requant_and_raw(false); }

// The same program behind a request channel that is ready one cycle in three: the results are
// the same, and the handshake assertions (requests held, payload stable) hold throughout.
TEST(RtlTop, GemmUnderRequestBackPressure) { gemm_requant_and_raw(true); }

// A copy stream: 16 rounds of LOAD (4 int32 rows into the accumulator) -> marker MATMUL ->
// raw STORE (the rows back to DRAM), 48 instructions, so that fetch refills its buffer while
// LOADs and STOREs of different rounds compete for the request channel. Run with and without
// back-pressure: the same bytes, and (with --assert) every request held with a stable payload.
void copy_stream(bool stall_requests) {
  Bench b;
  b.stall_requests = stall_requests;
  const uint32_t kSrc = 0x2000, kDst = 0x6000, kProg = 0x100, kRounds = 16, kRows = 4;
  for (uint32_t i = 0; i < kRounds * kRows * 4 * D; ++i) b.mem[kSrc + i] = uint8_t(i * 7 + 3);
  std::vector<isa::Insn> prog;
  for (uint32_t r = 0; r < kRounds; ++r) {
    const uint32_t rows = (r % 4) * kRows * 4;  // accumulator rows 0..63, four slots
    isa::LoadInsn l;
    l.target = 1, l.sram_addr = rows, l.dram_addr = kSrc + r * kRows * 4 * D, l.dram_stride = 4 * D;
    l.y_size = kRows, l.x_size = D, l.push_next = 1;
    // The slot is free once the STORE of round r-4 has retired: MATMUL r-3 waited for it.
    l.pop_next = r >= 4;
    prog.push_back(isa::pack(l));
    isa::MatmulInsn m;  // no rows: only moves the tokens (waits for the previous STORE)
    m.rows = 0, m.pop_prev = 1, m.push_next = 1, m.pop_next = r >= 1, m.push_prev = r >= 1 && r + 3 < kRounds;
    prog.push_back(isa::pack(m));
    isa::StoreInsn s;
    s.raw = 1, s.acc_addr = rows, s.dram_addr = kDst + r * kRows * 4 * D, s.dram_stride = 4 * D;
    s.y_size = kRows, s.x_size = D, s.pop_prev = 1, s.push_prev = r + 1 < kRounds;
    prog.push_back(isa::pack(s));
  }
  const uint32_t status = b.run(prog, kProg);
  ASSERT_EQ(status, 1u << isa::kBitStatusDone) << "error " << b.csr_read(isa::kCsrErrorCode) << " at "
                                               << b.csr_read(isa::kCsrErrorInsn);
  for (uint32_t i = 0; i < kRounds * kRows * 4 * D; ++i) ASSERT_EQ(b.mem[kDst + i], b.mem[kSrc + i]) << "byte " << i;
  std::printf("[ cycles   ] copy stream%s: %llu cycles, %llu DRAM requests\n", stall_requests ? " (back-pressure)" : "",
              (unsigned long long)b.counter(isa::Counter::Cycles), (unsigned long long)b.requests);
}

TEST(RtlTop, CopyStream) { copy_stream(false); }
TEST(RtlTop, CopyStreamUnderRequestBackPressure) { copy_stream(true); }

// Back-to-back MATMULs: weight tiles alternate banks while the previous tile streams, row
// counts below and above DIM, a zero-row MATMUL, and consecutive single-row accumulations
// into the same accumulator row (the accumulator's forwarding path).
TEST(RtlTop, BackToBackMatmulsAccumulate) {
  Bench b;
  std::mt19937 rng(11);
  const unsigned R = 8, kTiles = 3;
  const uint32_t kW = 0x1000, kA = 0x2000, kRaw = 0x5000;
  int8_t W[kTiles][D][D], A[R][D];
  for (auto& t : W)
    for (auto& r : t)
      for (auto& x : r) x = int8_t(rng());
  for (auto& r : A)
    for (auto& x : r) x = int8_t(rng());
  for (unsigned t = 0; t < kTiles; ++t)
    for (unsigned k = 0; k < D; ++k)
      for (unsigned c = 0; c < D; ++c) b.mem[kW + (t * D + k) * D + c] = uint8_t(W[t][k][c]);
  for (unsigned i = 0; i < R; ++i)
    for (unsigned k = 0; k < D; ++k) b.mem[kA + i * D + k] = uint8_t(A[i][k]);

  std::vector<isa::Insn> prog;
  isa::LoadInsn lw;
  lw.sram_addr = 0, lw.dram_addr = kW, lw.dram_stride = D, lw.y_size = kTiles * D, lw.x_size = D;
  prog.push_back(isa::pack(lw));
  isa::LoadInsn la;
  la.sram_addr = 16, la.dram_addr = kA, la.dram_stride = D, la.y_size = R, la.x_size = D, la.push_next = 1;
  prog.push_back(isa::pack(la));
  struct Step { unsigned rows, tile; bool load; unsigned w_rows; };
  const Step steps[] = {{8, 0, true, D}, {1, 1, true, D}, {5, 2, true, D - 1}, {0, 0, true, D},
                        {2, 0, false, D}, {8, 1, true, D}, {1, 1, false, D}, {1, 1, false, D},
                        {4, 2, true, D}, {3, 0, true, 2}};
  int32_t expect[R][D] = {};
  bool first = true;
  unsigned cur_tile = 0, cur_wrows = D;
  for (const Step& st : steps) {
    isa::MatmulInsn m;
    m.pop_prev = first;
    m.load_weights = st.load, m.w_addr = st.tile * D, m.w_rows = st.w_rows;
    m.a_addr = 16, m.rows = st.rows, m.acc_addr = 0, m.accumulate = !first;
    prog.push_back(isa::pack(m));
    if (st.load) cur_tile = st.tile, cur_wrows = st.w_rows;
    for (unsigned i = 0; i < st.rows; ++i)
      for (unsigned c = 0; c < D; ++c) {
        int32_t v = 0;
        for (unsigned k = 0; k < cur_wrows; ++k) v += int32_t(A[i][k]) * W[cur_tile][k][c];
        expect[i][c] = first ? v : expect[i][c] + v;
      }
    first = false;
  }
  isa::MatmulInsn fin;  // an empty MATMUL that carries the token to the store
  fin.push_next = 1;
  prog.push_back(isa::pack(fin));
  isa::StoreInsn raw;
  raw.pop_prev = 1, raw.acc_addr = 0, raw.dram_addr = kRaw, raw.dram_stride = 4 * D, raw.y_size = R;
  raw.x_size = D, raw.raw = 1;
  prog.push_back(isa::pack(raw));
  ASSERT_EQ(b.run(prog, 0x100), 1u << isa::kBitStatusDone);
  for (unsigned i = 0; i < R; ++i)
    for (unsigned c = 0; c < D; ++c)
      EXPECT_EQ(int32_t(get32(b.mem, kRaw + i * 4 * D + 4 * c)), expect[i][c]) << "row " << i << " col " << c;
  EXPECT_EQ(b.counter(isa::Counter::ArrayRows), 33u);
  std::printf("[ cycles   ] back-to-back: %llu cycles, exec busy %llu\n",
              (unsigned long long)b.counter(isa::Counter::Cycles),
              (unsigned long long)b.counter(isa::Counter::ExecBusy));
}

TEST(RtlTop, IllegalOpcodeStopsWithIndex) {
  Bench b;
  std::vector<isa::Insn> prog;
  isa::LoadInsn nop;
  prog.push_back(isa::pack(nop));
  prog.push_back(isa::pack(nop));
  isa::Insn bad = isa::pack(nop);
  isa::set_bits(bad, 0, isa::kOpcodeBits, 0xd);  // the opcode is the first header field
  prog.push_back(bad);
  prog.push_back(isa::pack(nop));
  const uint32_t status = b.run(prog, 0x200);
  EXPECT_TRUE(status & (1u << isa::kBitStatusError));
  EXPECT_FALSE(status & (1u << isa::kBitStatusBusy));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 2u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 2u);
  // Soft reset clears the status; the next program runs.
  b.csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlReset);
  for (int i = 0; i < 10; ++i) b.step();
  EXPECT_EQ(b.csr_read(isa::kCsrStatus), 0u);
  prog.resize(2);
  EXPECT_EQ(b.run(prog, 0x200), 1u << isa::kBitStatusDone);
}

TEST(RtlTop, BadFieldAndOutOfRange) {
  Bench b;
  isa::LoadInsn l;
  l.x_size = D, l.x_pad_before = 1, l.y_size = 1;  // x_pad_before + x_size > DIM
  EXPECT_TRUE(b.run({isa::pack(l)}, 0x200) & (1u << isa::kBitStatusError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 4u);
  isa::MatmulInsn m;
  m.a_addr = 250, m.rows = 10;  // runs past the 256 scratchpad rows
  EXPECT_TRUE(b.run({isa::pack(l = isa::LoadInsn{}), isa::pack(m)}, 0x200) & (1u << isa::kBitStatusError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 3u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 1u);
}

// A MATMUL refused when the execute unit takes it (too many weight rows, weights outside the
// scratchpad) names its own index, not the previous MATMUL's.
TEST(RtlTop, RefusedMatmulNamesItsOwnIndex) {
  Bench b;
  isa::MatmulInsn ok;
  ok.rows = 1, ok.w_rows = D, ok.load_weights = 1;
  isa::MatmulInsn bad = ok;
  bad.w_rows = D + 1;  // more weight rows than the array has
  EXPECT_TRUE(b.run({isa::pack(isa::LoadInsn{}), isa::pack(ok), isa::pack(isa::LoadInsn{}), isa::pack(bad)}, 0x200) &
              (1u << isa::kBitStatusError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 4u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 3u);
  isa::MatmulInsn far = ok;
  far.w_addr = 254;  // weight rows 254..257 of a 256-row scratchpad
  EXPECT_TRUE(b.run({isa::pack(ok), isa::pack(isa::LoadInsn{}), isa::pack(far)}, 0x200) & (1u << isa::kBitStatusError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 3u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 2u);
}

TEST(RtlTop, BusErrorOnLoad) {
  Bench b(1 << 16);
  isa::LoadInsn l;
  l.dram_addr = 0x20000, l.y_size = 2, l.x_size = D;  // outside the 64 KiB DRAM model
  const uint32_t status = b.run({isa::pack(l)}, 0x200);
  EXPECT_TRUE(status & (1u << isa::kBitStatusError));
  EXPECT_TRUE(status & (1u << isa::kBitStatusDmaError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 1u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 0u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorUnit), uint32_t(isa::MemId::Load));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorAddr), 0x20000u);  // the first beat of the first row
  // A soft reset clears it all.
  b.csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlReset);
  for (int i = 0; i < 10; ++i) b.step();
  EXPECT_EQ(b.csr_read(isa::kCsrStatus), 0u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorUnit), 0u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorAddr), 0u);
}

TEST(RtlTop, BusErrorOnStoreNamesTheWrite) {
  Bench b(1 << 16);
  isa::StoreInsn s;
  s.dram_addr = 0x30008, s.y_size = 2, s.x_size = D, s.raw = 1, s.dram_stride = 64;  // outside the 64 KiB
  const uint32_t status = b.run({isa::pack(isa::LoadInsn{}), isa::pack(s)}, 0x200);
  EXPECT_TRUE(status & (1u << isa::kBitStatusDmaError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorCode), 1u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorInsn), 1u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorUnit), uint32_t(isa::MemId::Store) | (1u << isa::kBitErrorUnitWrite));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorAddr), 0x30008u);
}

TEST(RtlTop, NonDmaErrorsLeaveTheDmaFieldsClear) {
  Bench b;
  isa::LoadInsn l;
  l.x_size = D, l.x_pad_before = 1, l.y_size = 1;
  const uint32_t status = b.run({isa::pack(l)}, 0x200);
  EXPECT_TRUE(status & (1u << isa::kBitStatusError));
  EXPECT_FALSE(status & (1u << isa::kBitStatusDmaError));
  EXPECT_EQ(b.csr_read(isa::kCsrErrorUnit), 0u);
  EXPECT_EQ(b.csr_read(isa::kCsrErrorAddr), 0u);
}

// The assertions are live (--assert): a read beat nobody asked for, a broken memory, fires the
// memory master's check instead of silently feeding a unit.
TEST(RtlTop, AssertionFiresOnASpuriousReadBeat) {
  Bench b;
  b.context().fatalOnError(false);
  Vtop4& m = b.model();
  testing::internal::CaptureStdout();
  m.mem_r_valid_i = 1, m.mem_r_id_i = 1, m.mem_r_last_i = 1, m.mem_r_err_i = 0, m.mem_r_data_i = 0;
  m.clk_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(b.context().gotError());
  EXPECT_NE(out.find("Assertion failed"), std::string::npos) << out;
  EXPECT_NE(out.find("no read burst outstanding"), std::string::npos) << out;
}

}  // namespace
}  // namespace systole::rtltest
