// See board_pipe.hpp.
#include "sim/board/board_pipe.hpp"

#include <fmt/format.h>

#include "Vboard_top.h"
#include "arch/error.hpp"

namespace systole::sim::board {

BoardParams board_params() {
  return {SYSTOLE_BOARD_DIM,          SYSTOLE_BOARD_SPAD_ROWS, SYSTOLE_BOARD_SPAD_BANKS,  SYSTOLE_BOARD_ACC_ROWS,
          SYSTOLE_BOARD_ACC_BANKS,    SYSTOLE_BOARD_BUS_BYTES, SYSTOLE_BOARD_INSN_DEPTH,  SYSTOLE_BOARD_FETCH_DEPTH, SYSTOLE_BOARD_REQUANT_LANES,
          SYSTOLE_BOARD_COUNTER_BITS, SYSTOLE_BOARD_MEM_BYTES, SYSTOLE_BOARD_CLKS_PER_BIT};
}

namespace {
constexpr unsigned kCpb = SYSTOLE_BOARD_CLKS_PER_BIT;
uint64_t ms_to_cycles(std::chrono::milliseconds t) { return uint64_t(t.count()) * (kBoardHz / 1000); }
}  // namespace

struct BoardPipe::Model {
  Vboard_top top;
};

BoardPipe::BoardPipe() : m_(std::make_unique<Model>()) {
  m_->top.rx_i = 1;
  m_->top.clk_i = 0;
  m_->top.eval();
  run(64);  // past the 15-cycle power-on reset
}

BoardPipe::~BoardPipe() { m_->top.final(); }

unsigned BoardPipe::baud() const { return unsigned(kBoardHz / kCpb); }
unsigned BoardPipe::leds() const { return m_->top.led_o; }

void BoardPipe::tick() {
  // Host transmitter: drive the bit of this cycle, then clock the board.
  if (tx_bit_ < 0 && !txq_.empty()) tx_bit_ = 0, tx_cnt_ = 0;
  if (tx_bit_ >= 0) {
    const uint8_t b = txq_.front();
    m_->top.rx_i = tx_bit_ == 0 ? 0 : tx_bit_ == 9 ? 1 : (b >> (tx_bit_ - 1)) & 1;
    if (++tx_cnt_ == kCpb) {
      tx_cnt_ = 0;
      if (++tx_bit_ == 10) tx_bit_ = -1, txq_.pop_front();
    }
  } else {
    m_->top.rx_i = 1;
  }
  m_->top.clk_i = 1;
  m_->top.eval();
  m_->top.clk_i = 0;
  m_->top.eval();
  ++cycles_;
  // Host receiver: after a falling edge, sample the middle of every bit.
  const unsigned line = m_->top.tx_o & 1;
  if (rx_cnt_ < 0) {
    if (!line) rx_cnt_ = 0, rx_byte_ = 0;
    return;
  }
  ++rx_cnt_;
  if ((rx_cnt_ - int(kCpb / 2)) % int(kCpb) != 0 || rx_cnt_ < int(kCpb / 2)) return;
  const int bit = (rx_cnt_ - int(kCpb / 2)) / int(kCpb);  // 0 start, 1..8 data, 9 stop
  if (bit == 0 && line) {
    rx_cnt_ = -1;  // a glitch, not a start bit
  } else if (bit >= 1 && bit <= 8) {
    rx_byte_ |= line << (bit - 1);
  } else if (bit == 9) {
    if (!line) throw Error(fmt::format("board pipe: framing error (stop bit low) after byte 0x{:02x}", rx_byte_));
    rxq_.push_back(uint8_t(rx_byte_));
    rx_cnt_ = -1;
  }
}

void BoardPipe::run(uint64_t cycles) {
  for (uint64_t i = 0; i < cycles; ++i) tick();
}

void BoardPipe::write(const uint8_t* data, size_t n) { txq_.insert(txq_.end(), data, data + n); }

size_t BoardPipe::read(uint8_t* data, size_t n, std::chrono::milliseconds timeout) {
  const uint64_t end = cycles_ + ms_to_cycles(timeout);
  while (rxq_.size() < n && cycles_ < end) tick();
  size_t k = 0;
  while (k < n && !rxq_.empty()) data[k++] = rxq_.front(), rxq_.pop_front();
  return k;
}

void BoardPipe::pause(std::chrono::milliseconds t) {
  while (!txq_.empty()) tick();  // the pause starts once our bytes are on the wire
  run(ms_to_cycles(t));
}

}  // namespace systole::sim::board
