// The iCE40 board top, Verilated, driven by the driver's real "uart" backend through its UART
// pins (board_pipe.hpp): compiled GEMMs through Device (program, constants and inputs loaded
// into board memory over MEM_WRITE, CSRs written, started, status polled, counters and
// results read back) bit-exact against the CPU reference and byte for byte against the "hls"
// backend, with the exact counters equal; a device error reported with its code and
// instruction over the link, and the device usable after it; a program too large for the
// board memory refused naming the sizes; and the link resynchronizing after a half-sent
// command (the bridge's 2^20-cycle drop timeout, in simulated time).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "compiler/gemm.hpp"
#include "driver/backends/uart_backend.hpp"
#include "driver/device.hpp"
#include "gemm_test_util.hpp"
#include "sim/board/board_pipe.hpp"
#include "synth/params.hpp"
#include "synth/targets.hpp"

namespace systole {
namespace {

using compiler::testing::random_gemm;
using compiler::testing::reference_output;
using compiler::testing::run_program;
using sim::board::BoardPipe;

#define EXPECT_HAS(s, part) EXPECT_NE(std::string(s).find(part), std::string::npos) << (s)

// The effective design point of the iCE40 UP5K board (the tiny config after the board override).
synth::FitResult up5k_fit() { return synth::fit_config(load_config("tiny"), synth::find_target("ice40-up5k"), true); }

class BoardUart : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = up5k_fit().config;
    driver::set_uart_stream_factory([this](const Config&) {
      auto p = std::make_unique<BoardPipe>();
      pipe_ = p.get();
      return p;
    });
  }
  void TearDown() override { driver::set_uart_stream_factory({}); }

  Config cfg_;
  BoardPipe* pipe_ = nullptr;  // owned by the backend of the open device
};

// A failure here means the board override changed: update the parameter list in
// sim/board/CMakeLists.txt.
TEST(BoardModel, IsBuiltWithTheUp5kBoardParameters) {
  const synth::FitResult f = up5k_fit();
  const sim::board::BoardParams b = sim::board::board_params();
  EXPECT_EQ(b.dim, f.params.dim);
  EXPECT_EQ(b.spad_rows, f.params.spad_rows);
  EXPECT_EQ(b.spad_banks, f.params.spad_banks);
  EXPECT_EQ(b.acc_rows, f.params.acc_rows);
  EXPECT_EQ(b.acc_banks, f.params.acc_banks);
  EXPECT_EQ(b.bus_bytes, f.params.bus_bytes);
  EXPECT_EQ(b.insn_depth, f.params.insn_depth);
  EXPECT_EQ(b.fetch_window, f.params.fetch_window);
  EXPECT_EQ(b.requant_lanes, f.params.requant_lanes);
  EXPECT_EQ(b.counter_bits, f.params.counter_bits);
  EXPECT_EQ(b.mem_bytes, synth::find_target("ice40-up5k").mem_bytes);
}

TEST_F(BoardUart, GemmsAreBitExactAndMatchHls) {
  auto dev = driver::Device::open("uart", cfg_);
  ASSERT_NE(pipe_, nullptr);
  EXPECT_EQ(dev->backend().name(), "uart");
  EXPECT_EQ(dev->backend().mem_size(), 65536u);
  auto hls = driver::Device::open("hls", cfg_);
  for (auto [m, n, k] : {std::tuple{8u, 8u, 8u}, {5u, 11u, 19u}}) {
    SCOPED_TRACE(::testing::Message() << m << "x" << n << "x" << k);
    const auto c = random_gemm(m, n, k, 100 + m * n * k);
    const driver::Program p = compiler::compile_gemm(cfg_, c.layer);
    const uint64_t before = pipe_->cycles();
    const auto board = run_program(*dev, p, c);
    EXPECT_GT(pipe_->cycles(), before);
    RecordProperty(fmt::format("board_cycles_{}x{}x{}", m, n, k), std::to_string(pipe_->cycles() - before));
    RecordProperty(fmt::format("accel_cycles_{}x{}x{}", m, n, k), std::to_string(board.counters[isa::Counter::Cycles]));
    EXPECT_EQ(board.c, reference_output(c));
    const auto h = run_program(*hls, p, c);
    EXPECT_EQ(board.c, h.c);
    // Counters read back over CSR_READ: the exact ones equal the hls model's.
    using C = isa::Counter;
    for (C exact : {C::Insns, C::ArrayRows, C::DramRdBytes, C::DramWrBytes, C::FetchBytes})
      EXPECT_EQ(board.counters[exact], h.counters[exact]) << isa::kCounterNames[uint32_t(exact)];
    EXPECT_EQ(board.counters[C::Insns], p.insns.size());
    EXPECT_EQ(pipe_->leds() & 1, 1u);  // LED 0, the interrupt: the run finished
    EXPECT_GT(board.counters[C::Cycles], 0u);
    EXPECT_LE(board.counters[C::ExecBusy], board.counters[C::Cycles]);
  }
}

TEST_F(BoardUart, DeviceErrorIsReportedOverTheLinkAndTheBoardRecovers) {
  auto dev = driver::Device::open("uart", cfg_);
  const isa::Insn bad{0xf, 0};  // opcode 15: not defined by the ISA
  ASSERT_EQ(isa::find_opcode(isa::opcode_bits(bad)), nullptr);
  dev->submit_unchecked({bad});
  try {
    dev->wait(std::chrono::seconds(60));
    ADD_FAILURE() << "an illegal opcode must fail the run";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "illegal_opcode");
    EXPECT_HAS(e.what(), "instruction 0");
  }
  const auto c = random_gemm(4, 4, 4, 7);
  const auto r = run_program(*dev, compiler::compile_gemm(cfg_, c.layer), c);
  EXPECT_EQ(r.c, reference_output(c));
}

TEST_F(BoardUart, ProgramLargerThanBoardMemoryNamesTheSizes) {
  auto dev = driver::Device::open("uart", cfg_);
  const auto c = random_gemm(256, 128, 128, 3);  // A 32 KiB + B 16 KiB + C 32 KiB: over 64 KiB
  const driver::Program p = compiler::compile_gemm(cfg_, c.layer);
  const uint64_t before = pipe_->cycles();
  try {
    driver::LoadedProgram lp(*dev, p);
    ADD_FAILURE() << "the program cannot fit 64 KiB of board memory";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "bytes free");
  }
  EXPECT_LT(pipe_->cycles() - before, 2000u);  // refused before sending any data over the link
}

TEST_F(BoardUart, ResynchronizesAfterAHalfSentCommand) {
  // Another program left a CSR_WRITE half sent (opcode and offset only): the bridge waits for
  // 4 more bytes and swallows the first PING. The backend's retry pauses 100 ms (1.2 M cycles,
  // past the bridge's 2^20-cycle drop timeout) and the next PING is answered.
  driver::set_uart_stream_factory([this](const Config&) {
    auto p = std::make_unique<BoardPipe>();
    const uint8_t half[2] = {driver::uart::kCsrWrite, isa::kCsrInsnBase};
    p->write(half, 2);
    pipe_ = p.get();
    return p;
  });
  driver::UartBackendOptions o;
  o.response_timeout = std::chrono::milliseconds(5);  // simulated time: 60000 cycles
  driver::set_uart_backend_options(o);
  auto dev = driver::Device::open("uart", cfg_);
  driver::set_uart_backend_options({});
  EXPECT_GT(pipe_->cycles(), uint64_t(1) << 20);
  EXPECT_EQ(dev->backend().csr_read(isa::kCsrHwDim), 4u);
  EXPECT_EQ(dev->backend().csr_read(isa::kCsrInsnBase), 0u);  // the half write never happened
}

}  // namespace
}  // namespace systole
