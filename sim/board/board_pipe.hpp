// The Verilated iCE40 board top (rtl/board/systole_board_top) as a ByteStream: bytes written
// are bit-banged onto its rx_i pin (8N1, LSB first, CLKS_PER_BIT cycles a bit, one byte every
// 10 bit times), bytes it sends on tx_o are deserialized by sampling the middle of each bit.
// The driver's "uart" backend runs over it unchanged (driver/backends/uart_backend.hpp).
//
// Time is simulated: the model's clock stands for the board's 12 MHz oscillator, so read
// timeouts and pauses are counted in cycles (12000 per ms) and the bridge's 2^20-cycle
// resynchronization timeout behaves as on the board. With the small CLKS_PER_BIT the model is
// built with (sim/board/CMakeLists.txt), the line runs at 12 MHz / CLKS_PER_BIT baud
// (3 Mbaud for 4) instead of 115200: the protocol is the same, only faster.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "driver/uart/byte_stream.hpp"

namespace systole::sim::board {

// The model's build parameters (from sim/board/CMakeLists.txt).
struct BoardParams {
  unsigned dim, spad_rows, spad_banks, acc_rows, acc_banks, bus_bytes, insn_depth, fetch_window, requant_lanes, counter_bits;
  unsigned mem_bytes, clks_per_bit;
};
BoardParams board_params();

constexpr uint64_t kBoardHz = 12000000;  // the board oscillator the cycle count stands for

class BoardPipe final : public driver::ByteStream {
 public:
  BoardPipe();
  ~BoardPipe() override;

  void write(const uint8_t* data, size_t n) override;
  size_t read(uint8_t* data, size_t n, std::chrono::milliseconds timeout) override;
  void pause(std::chrono::milliseconds t) override;
  void discard_input() override { rxq_.clear(); }
  std::string describe() const override { return "Verilated systole_board_top"; }
  unsigned baud() const override;

  uint64_t cycles() const { return cycles_; }
  // Runs the clock; the line keeps serializing queued bytes.
  void run(uint64_t cycles);
  // LEDs: bit 0 irq (run finished), bit 1 UART activity.
  unsigned leds() const;

 private:
  void tick();

  struct Model;
  std::unique_ptr<Model> m_;
  uint64_t cycles_ = 0;
  // host -> board serializer
  std::deque<uint8_t> txq_;
  int tx_bit_ = -1;      // -1 idle, 0 start, 1..8 data, 9 stop
  unsigned tx_cnt_ = 0;  // cycles into the current bit
  // board -> host deserializer
  int rx_cnt_ = -1;
  unsigned rx_byte_ = 0;
  std::deque<uint8_t> rxq_;
};

}  // namespace systole::sim::board
