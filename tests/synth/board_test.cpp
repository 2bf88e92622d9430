// The iCE40 board top (rtl/board/systole_board_top) Verilated and driven through its UART
// pins by a host-side byte pipe, with the protocol of docs/synth.md: PING, CSR reads of the
// identity registers, memory write/read round trips, an unknown opcode, and a real
// three-instruction run (LOAD accumulator rows from board memory, MATMUL moving tokens,
// raw STORE back) that exercises the accelerator's memory master on the board memory.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "Vboard.h"
#include "arch/isa.hpp"

using namespace systole;

namespace {

constexpr int kCpb = 4;  // CLKS_PER_BIT of the Verilated model

class Board {
 public:
  Board() {
    m_.rx_i = 1;
    m_.clk_i = 0;
    m_.eval();
    for (int i = 0; i < 40; ++i) tick();
  }

  void tick() {
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycles_;
    // UART receive (host side): sample the middle of every bit after a start bit.
    if (rx_cnt_ < 0) {
      if (!m_.tx_o) rx_cnt_ = 0, rx_byte_ = 0;
    } else {
      ++rx_cnt_;
      const int bit = (rx_cnt_ - kCpb / 2) / kCpb;  // 0 = start, 1..8 data, 9 stop
      if ((rx_cnt_ - kCpb / 2) % kCpb == 0 && bit >= 1 && bit <= 8) rx_byte_ |= (m_.tx_o & 1) << (bit - 1);
      if (bit == 9 && (rx_cnt_ - kCpb / 2) % kCpb == 0) {
        EXPECT_EQ(m_.tx_o, 1) << "stop bit";
        rxq_.push_back(uint8_t(rx_byte_));
        rx_cnt_ = -1;
      }
    }
  }

  void send(uint8_t b) {
    const int bits[10] = {0, b & 1, b >> 1 & 1, b >> 2 & 1, b >> 3 & 1, b >> 4 & 1, b >> 5 & 1, b >> 6 & 1, b >> 7 & 1, 1};
    for (int v : bits) {
      m_.rx_i = v;
      for (int i = 0; i < kCpb; ++i) tick();
    }
  }
  void send(const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) send(b);
  }

  std::vector<uint8_t> receive(size_t n) {
    for (int i = 0; rxq_.size() < n && i < 100000; ++i) tick();
    EXPECT_GE(rxq_.size(), n) << "timeout waiting for " << n << " bytes";
    std::vector<uint8_t> out;
    while (!rxq_.empty() && out.size() < n) out.push_back(rxq_.front()), rxq_.pop_front();
    return out;
  }

  static std::vector<uint8_t> le(uint64_t v, int n) {
    std::vector<uint8_t> b;
    for (int i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
    return b;
  }

  uint32_t csr_read(uint8_t off) {
    send({0x03, off});
    const auto r = receive(5);
    EXPECT_EQ(r.at(0), 0) << "status";
    return r[1] | r[2] << 8 | r[3] << 16 | uint32_t(r[4]) << 24;
  }
  void csr_write(uint8_t off, uint32_t v) {
    std::vector<uint8_t> cmd{0x02, off};
    for (uint8_t b : le(v, 4)) cmd.push_back(b);
    send(cmd);
    EXPECT_EQ(receive(1).at(0), 0) << "status";
  }
  void mem_write(uint32_t addr, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> cmd{0x04};
    for (uint8_t b : le(addr, 4)) cmd.push_back(b);
    for (uint8_t b : le(data.size(), 2)) cmd.push_back(b);
    send(cmd);
    send(data);
    EXPECT_EQ(receive(1).at(0), 0) << "status";
  }
  std::vector<uint8_t> mem_read(uint32_t addr, uint16_t n) {
    std::vector<uint8_t> cmd{0x05};
    for (uint8_t b : le(addr, 4)) cmd.push_back(b);
    for (uint8_t b : le(n, 2)) cmd.push_back(b);
    send(cmd);
    EXPECT_EQ(receive(1).at(0), 0) << "status";
    return receive(n);
  }

  uint64_t cycles() const { return cycles_; }

 private:
  Vboard m_;
  uint64_t cycles_ = 0;
  int rx_cnt_ = -1, rx_byte_ = 0;
  std::deque<uint8_t> rxq_;
};

}  // namespace

TEST(BoardTop, PingIdentityAndBadOpcode) {
  Board b;
  b.send(0x01);
  EXPECT_EQ(b.receive(4), (std::vector<uint8_t>{'S', 'Y', 12, 4}));  // 4 KiB memory, 4-byte bus
  EXPECT_EQ(b.csr_read(isa::kCsrHwId), isa::kHwIdMagic << 16 | isa::kIsaVersion);
  EXPECT_EQ(b.csr_read(isa::kCsrHwDim), 4u);
  b.send(0x7f);
  EXPECT_EQ(b.receive(1), (std::vector<uint8_t>{0xee}));
  b.csr_write(isa::kCsrInsnBase, 0x1230);
  EXPECT_EQ(b.csr_read(isa::kCsrInsnBase), 0x1230u);
}

TEST(BoardTop, MemoryRoundTripAndWrap) {
  Board b;
  std::vector<uint8_t> data;
  for (int i = 0; i < 37; ++i) data.push_back(uint8_t(i * 7 + 3));
  b.mem_write(0x1003, data);  // unaligned start and length
  EXPECT_EQ(b.mem_read(0x1003, 37), data);
  EXPECT_EQ(b.mem_read(0x0003, 5), std::vector<uint8_t>(data.begin(), data.begin() + 5));  // wraps mod 4 KiB
  EXPECT_TRUE(b.mem_read(0x1000, 0).empty());
}

TEST(BoardTop, RunsAProgramFromBoardMemory) {
  Board b;
  // Two accumulator rows (4 int32 each) at 0x1100, copied by LOAD + raw STORE to 0x1200.
  std::vector<uint8_t> rows;
  for (int i = 0; i < 32; ++i) rows.push_back(uint8_t(0x80 + 5 * i));
  b.mem_write(0x1100, rows);
  const auto prog = isa::assemble(
      "LOAD target=acc sram_addr=0 dram_addr=0x1100 dram_stride=16 y_size=2 x_size=4 push_next=1\n"
      "MATMUL pop_prev=1 push_next=1\n"
      "STORE raw=1 acc_addr=0 dram_addr=0x1200 dram_stride=16 y_size=2 x_size=4 pop_prev=1\n");
  std::vector<uint8_t> bytes;
  for (const auto& w : prog) {
    for (uint8_t x : Board::le(w.lo, 8)) bytes.push_back(x);
    for (uint8_t x : Board::le(w.hi, 8)) bytes.push_back(x);
  }
  b.mem_write(0x1000, bytes);
  b.csr_write(isa::kCsrInsnBase, 0x1000);
  b.csr_write(isa::kCsrInsnCount, uint32_t(prog.size()));
  b.csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlStart);
  uint32_t status = 0;
  for (int i = 0; i < 20 && !(status & (1u << isa::kBitStatusDone)); ++i) status = b.csr_read(isa::kCsrStatus);
  EXPECT_TRUE(status & (1u << isa::kBitStatusDone)) << status;
  EXPECT_FALSE(status & (1u << isa::kBitStatusError)) << "error code " << b.csr_read(isa::kCsrErrorCode);
  EXPECT_EQ(b.mem_read(0x1200, 32), rows);
}
