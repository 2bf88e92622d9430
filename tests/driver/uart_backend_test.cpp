// The "uart" backend against a software model of the board bridge (docs/synth.md protocol)
// whose CSRs and memory are those of the "hls" backend: PING and the identity checks, memory
// chunking and bounds, CSR accesses, a compiled GEMM through Device bit-exact against the CPU
// reference; and the link's failure modes, injected into the byte stream: a garbage status
// byte, no answer (timeout), a short answer, an unknown-opcode answer, a bad PING, each
// reported naming what was awaited and what arrived, with the link resynchronized after.
// The serial-port transport is exercised on a pseudo-terminal. The Verilated board top
// through the same backend is sim/board/.
#include "driver/backends/uart_backend.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <deque>
#include <thread>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "compiler/gemm.hpp"
#include "driver/backends/hls_backend.hpp"
#include "driver/device.hpp"
#include "driver/uart/serial_port.hpp"
#include "gemm_test_util.hpp"

namespace systole::driver {
namespace {

#define EXPECT_HAS(s, part) EXPECT_NE(std::string(s).find(part), std::string::npos) << (s)

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// The bridge in software: parses commands byte by byte like rtl/board/systole_uart_bridge.sv
// and answers from a Backend (the hls model). Faults are injected into the next answer.
class SoftBridge final : public ByteStream {
 public:
  enum class Fault { None, GarbageStatus, NoAnswer, Truncate, BadOp };

  SoftBridge(std::unique_ptr<Backend> dev, unsigned log2_mem, unsigned bus)
      : dev_(std::move(dev)), log2_mem_(log2_mem), bus_(bus) {}

  // Knobs and observations (the backend owns the stream; tests keep a raw pointer).
  Fault next_fault = Fault::None;
  size_t truncate_to = 0;
  std::vector<uint8_t> ping_answer;  // replaces the PING answer when not empty
  int pauses = 0, commands = 0;
  int* pauses_out = nullptr;  // also counted here: outlives the stream when open() fails
  std::vector<uint8_t> opcodes;

  void write(const uint8_t* p, size_t n) override {
    for (size_t i = 0; i < n; ++i) rx(p[i]);
  }
  size_t read(uint8_t* p, size_t n, std::chrono::milliseconds) override {
    size_t k = 0;
    while (k < n && !tx_.empty()) p[k++] = tx_.front(), tx_.pop_front();
    return k;  // what is there: the rest never comes (a timeout, instantly)
  }
  void pause(std::chrono::milliseconds) override {
    ++pauses;
    if (pauses_out) ++*pauses_out;
    cmd_.clear();  // the bridge drops a half-received command
  }
  void discard_input() override { tx_.clear(); }
  std::string describe() const override { return "soft bridge"; }
  unsigned baud() const override { return 115200; }

 private:
  uint32_t le(size_t at, int n) const {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint32_t(cmd_[at + i]) << (8 * i);
    return v;
  }

  void rx(uint8_t b) {
    cmd_.push_back(b);
    const uint8_t op = cmd_[0];
    size_t need = 1;
    if (op == uart::kCsrWrite) need = 6;
    if (op == uart::kCsrRead) need = 2;
    if (op == uart::kMemWrite || op == uart::kMemRead) need = 7;
    if (cmd_.size() < need) return;
    if (op == uart::kMemWrite && cmd_.size() < need + le(5, 2)) return;
    execute();
    cmd_.clear();
  }

  void execute() {
    ++commands;
    opcodes.push_back(cmd_[0]);
    std::vector<uint8_t> out;
    switch (cmd_[0]) {
      case uart::kPing:
        out = ping_answer.empty() ? std::vector<uint8_t>{'S', 'Y', uint8_t(log2_mem_), uint8_t(bus_)} : ping_answer;
        break;
      case uart::kCsrWrite:
        dev_->csr_write(cmd_[1], le(2, 4));
        out = {0};
        break;
      case uart::kCsrRead: {
        const uint32_t v = dev_->csr_read(cmd_[1]);
        out = {0, uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
        break;
      }
      case uart::kMemWrite: {
        const uint32_t addr = le(1, 4), len = le(5, 2);
        dev_->mem_write(addr, cmd_.data() + 7, len);
        out = {0};
        break;
      }
      case uart::kMemRead: {
        const uint32_t addr = le(1, 4), len = le(5, 2);
        out.assign(1 + len, 0);
        dev_->mem_read(addr, out.data() + 1, len);
        break;
      }
      default:
        out = {uart::kStatusBadOp};
    }
    if (cmd_[0] != uart::kPing) {
      switch (next_fault) {
        case Fault::None:
          break;
        case Fault::GarbageStatus:
          out[0] = 0x7a;
          break;
        case Fault::NoAnswer:
          out.clear();
          break;
        case Fault::Truncate:
          out.resize(truncate_to);
          break;
        case Fault::BadOp:
          out = {uart::kStatusBadOp};
          break;
      }
      next_fault = Fault::None;
    }
    tx_.insert(tx_.end(), out.begin(), out.end());
  }

  std::unique_ptr<Backend> dev_;
  unsigned log2_mem_, bus_;
  std::vector<uint8_t> cmd_;
  std::deque<uint8_t> tx_;
};

class UartBackendTest : public ::testing::Test {
 protected:
  Config cfg_ = load_config("tiny");
  SoftBridge* bridge_ = nullptr;
  int pauses_ = 0;

  std::unique_ptr<Backend> open(unsigned log2_mem = 16, unsigned bus = 4, std::vector<uint8_t> ping = {}) {
    auto s = std::make_unique<SoftBridge>(make_hls_backend(cfg_), log2_mem, bus);
    s->ping_answer = std::move(ping);
    s->pauses_out = &pauses_;
    bridge_ = s.get();
    return make_uart_backend(cfg_, std::move(s));
  }
};

TEST_F(UartBackendTest, PingGivesTheBoardMemorySize) {
  EXPECT_EQ(open(16)->mem_size(), 65536u);  // UP5K: 64 KiB SPRAM
  EXPECT_EQ(open(12)->mem_size(), 8192u);   // HX8K: 4 KiB seen at 4096..8191 (and aliased below)
  EXPECT_EQ(uart_device_mem_size(4096), 8192u);
  EXPECT_EQ(uart_device_mem_size(1024), 5120u);
  EXPECT_EQ(uart_device_mem_size(1 << 17), uint64_t(1) << 17);
}

TEST_F(UartBackendTest, CsrAndMemoryThroughTheProtocol) {
  auto b = open();
  EXPECT_EQ(b->csr_read(isa::kCsrHwId) >> 16, isa::kHwIdMagic);
  b->csr_write(isa::kCsrInsnBase, 0x1230);
  EXPECT_EQ(b->csr_read(isa::kCsrInsnBase), 0x1230u);
  // 10000 bytes: three MEM_WRITE commands (4096 + 4096 + 1808), three MEM_READ.
  std::vector<uint8_t> data(10000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31 + 7);
  bridge_->opcodes.clear();
  b->mem_write(0x2001, data.data(), data.size());
  std::vector<uint8_t> back(data.size());
  b->mem_read(0x2001, back.data(), back.size());
  EXPECT_EQ(back, data);
  EXPECT_EQ(bridge_->opcodes, (std::vector<uint8_t>{4, 4, 4, 5, 5, 5}));
}

TEST_F(UartBackendTest, AccessPastTheBoardMemoryNamesTheSizes) {
  auto b = open(12);
  uint8_t x[16] = {};
  const std::string e = error_of([&] { b->mem_write(8190, x, 16); });
  EXPECT_HAS(e, "board memory too small");
  EXPECT_HAS(e, "16 bytes at 0x1ffe");
  EXPECT_HAS(e, "8192-byte device memory");
  EXPECT_HAS(e, "4096 bytes of RAM");
  EXPECT_HAS(error_of([&] { b->mem_read(uint64_t(1) << 40, x, 1); }), "board memory too small");
}

TEST_F(UartBackendTest, GemmThroughDeviceIsBitExact) {
  using compiler::testing::random_gemm;
  register_backend("uart-soft", [this](const Config& c) {
    auto s = std::make_unique<SoftBridge>(make_hls_backend(c), 16, c.dram_bytes_per_cycle);
    bridge_ = s.get();
    return make_uart_backend(c, std::move(s));
  });
  auto dev = Device::open("uart-soft", cfg_);
  EXPECT_EQ(dev->backend().name(), "uart");
  for (auto [m, n, k] : {std::tuple{8u, 8u, 8u}, {7u, 13u, 29u}}) {
    const auto c = random_gemm(m, n, k, m + n + k);
    const Program p = compiler::compile_gemm(cfg_, c.layer);
    const auto r = compiler::testing::run_program(*dev, p, c);
    EXPECT_EQ(r.c, compiler::testing::reference_output(c)) << m << "x" << n << "x" << k;
    EXPECT_EQ(r.counters[isa::Counter::Insns], p.insns.size());
    EXPECT_GT(r.counters[isa::Counter::DramWrBytes], 0u);
  }
}

// The HX8K board has 4 KiB of memory (device addresses 4096..8191): an 8x8x8 GEMM, its
// constants and its instruction buffer fit.
TEST_F(UartBackendTest, GemmFitsTheHx8kBoardMemory) {
  auto dev = std::make_unique<Device>(open(12));
  EXPECT_EQ(dev->backend().mem_size(), 8192u);
  const auto c = compiler::testing::random_gemm(8, 8, 8, 5);
  const auto r = compiler::testing::run_program(*dev, compiler::compile_gemm(cfg_, c.layer), c);
  EXPECT_EQ(r.c, compiler::testing::reference_output(c));
}

TEST_F(UartBackendTest, BusWidthMismatchNamesTheEffectiveConfig) {
  const std::string e = error_of([&] { open(16, 8); });
  EXPECT_HAS(e, "memory bus is 8 bytes wide");
  EXPECT_HAS(e, "dram.bytes_per_cycle = 4");
  EXPECT_HAS(e, "config.toml");
}

TEST_F(UartBackendTest, WrongPingAnswerIsAProtocolErrorAfterRetries) {
  std::string e = error_of([&] { open(16, 4, {'A', 'B', 12, 4}); });
  EXPECT_HAS(e, "protocol error: PING answered 41 42 0c 04");
  EXPECT_HAS(e, "after 3 attempts");
  EXPECT_EQ(pauses_, 2);  // not bridge_: the failed open destroyed the stream  // 100 ms between attempts, to let the bridge drop a half command
  EXPECT_HAS(error_of([&] { open(16, 4, {'S', 'Y', 40, 4}); }), "log2(memory bytes) = 40");
  EXPECT_HAS(error_of([&] { open(16, 4, {'S', 'Y', 12, 3}); }), "3-byte memory bus");
}

TEST_F(UartBackendTest, SilentBoardTimesOutNamingPing) {
  const std::string e = error_of([&] { open(16, 4, {'S'}); });  // one byte, then nothing
  EXPECT_HAS(e, "timeout waiting for the 4-byte answer to PING: received 1 byte (53)");
  EXPECT_HAS(e, "right port");
}

TEST_F(UartBackendTest, GarbageStatusByteIsNamed) {
  auto b = open();
  bridge_->next_fault = SoftBridge::Fault::GarbageStatus;
  const std::string e = error_of([&] { b->csr_write(isa::kCsrInsnBase, 1); });
  EXPECT_HAS(e, "protocol error: unexpected status byte 0x7a in the answer to CSR_WRITE of offset 0x08");
  // The next command resynchronizes first (pause, PING), then works.
  const int pings = bridge_->commands;
  bridge_->opcodes.clear();
  EXPECT_EQ(b->csr_read(isa::kCsrHwDim), 4u);
  EXPECT_EQ(bridge_->opcodes, (std::vector<uint8_t>{uart::kPing, uart::kCsrRead}));
  EXPECT_EQ(bridge_->commands, pings + 2);
}

TEST_F(UartBackendTest, NoAnswerIsATimeoutNamingTheCommand) {
  auto b = open();
  bridge_->next_fault = SoftBridge::Fault::NoAnswer;
  EXPECT_HAS(error_of([&] { b->csr_read(isa::kCsrStatus); }),
             "timeout waiting for the 1-byte answer to CSR_READ of offset 0x04 (status byte): received 0 bytes (none)");
  EXPECT_EQ(b->csr_read(isa::kCsrHwDim), 4u);  // resynchronized
}

TEST_F(UartBackendTest, ShortReadNamesTheBytesReceived) {
  auto b = open();
  b->csr_write(isa::kCsrInsnCount, 0xa1b2c3d4);
  bridge_->next_fault = SoftBridge::Fault::Truncate;
  bridge_->truncate_to = 3;  // status + 2 of 4 data bytes
  EXPECT_HAS(error_of([&] { b->csr_read(isa::kCsrInsnCount); }),
             "timeout waiting for CSR_READ of offset 0x0c (data): received 2 of 4 bytes (d4 c3)");
  bridge_->next_fault = SoftBridge::Fault::Truncate;
  bridge_->truncate_to = 1 + 100;
  std::vector<uint8_t> buf(300);
  EXPECT_HAS(error_of([&] { b->mem_read(0x3000, buf.data(), buf.size()); }),
             "MEM_READ of 300 bytes at 0x3000 (data): received 100 of 300 bytes");
  b->mem_read(0x3000, buf.data(), buf.size());  // resynchronized
}

TEST_F(UartBackendTest, UnknownOpcodeAnswerMeansOutOfSync) {
  auto b = open();
  bridge_->next_fault = SoftBridge::Fault::BadOp;
  uint8_t x[4] = {1, 2, 3, 4};
  EXPECT_HAS(error_of([&] { b->mem_write(0x2000, x, 4); }),
             "the bridge answered 0xee (unknown opcode) to MEM_WRITE of 4 bytes at 0x2000: the link is out of sync");
}

TEST_F(UartBackendTest, IsRegisteredAndUsesTheInstalledStreamFactory) {
  const auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "uart"), names.end());
  int made = 0;
  set_uart_stream_factory([&](const Config& c) {
    ++made;
    return std::make_unique<SoftBridge>(make_hls_backend(c), 16, c.dram_bytes_per_cycle);
  });
  auto dev = Device::open("uart", cfg_);
  set_uart_stream_factory({});
  EXPECT_EQ(made, 1);
  EXPECT_EQ(dev->backend().mem_size(), 65536u);
  // Without the factory: the serial port named by the options.
  UartBackendOptions o;
  o.device = "/nonexistent/ttyUSB9";
  set_uart_backend_options(o);
  const std::string e = error_of([&] { Device::open("uart", cfg_); });
  set_uart_backend_options({});
  EXPECT_HAS(e, "serial port /nonexistent/ttyUSB9: cannot open");
}

TEST(SerialPort, RefusesWhatIsNotATerminal) {
  EXPECT_HAS(error_of([] { open_serial_port("/dev/null"); }), "/dev/null: is not a terminal device");
  EXPECT_HAS(error_of([] { open_serial_port("/dev/null", 12345); }), "unsupported baud rate 12345");
}

// The termios transport on a pseudo-terminal: the "board" answers PING from the master side.
TEST(SerialPort, TalksThroughAPseudoTerminal) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  const std::string slave = ptsname(master);
  auto port = open_serial_port(slave);
  EXPECT_EQ(port->describe(), slave);
  const uint8_t ping = uart::kPing;
  port->write(&ping, 1);
  uint8_t got = 0;
  ASSERT_EQ(::read(master, &got, 1), 1);
  EXPECT_EQ(got, uart::kPing);
  const uint8_t answer[4] = {'S', 'Y', 12, 4};
  ASSERT_EQ(::write(master, answer, 4), 4);
  uint8_t r[4] = {};
  EXPECT_EQ(port->read(r, 4, std::chrono::seconds(5)), 4u);
  EXPECT_EQ(r[0], 'S');
  EXPECT_EQ(r[2], 12);
  // Nothing more comes: a read returns short at its timeout.
  EXPECT_EQ(port->read(r, 1, std::chrono::milliseconds(20)), 0u);
  ::close(master);
}

}  // namespace
}  // namespace systole::driver
