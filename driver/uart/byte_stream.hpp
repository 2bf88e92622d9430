// The byte stream the "uart" backend speaks its protocol over (docs/synth.md, "UART
// protocol"): a serial port on a real board (serial_port.hpp), an in-process pipe to a
// Verilated board top in tests (sim/board/), or a scripted double. Writes are whole; reads
// return what arrived within a timeout, so a short answer is seen as such.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace systole::driver {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Sends all n bytes (throws systole::Error when the link fails).
  virtual void write(const uint8_t* data, size_t n) = 0;
  // Reads up to n bytes, returning as soon as n have arrived or `timeout` has passed since the
  // call: the count read (short or 0 on timeout). A simulated stream measures the timeout in
  // simulated time.
  virtual size_t read(uint8_t* data, size_t n, std::chrono::milliseconds timeout) = 0;
  // Lets `t` pass with the line idle (the bridge drops a half-received command after ~87 ms).
  virtual void pause(std::chrono::milliseconds t) = 0;
  // Discards input received and not yet read.
  virtual void discard_input() = 0;
  // What the stream is connected to, for messages ("/dev/ttyUSB1", "Verilated board top").
  virtual std::string describe() const = 0;
  // Bits per second on the line (sets the expected-transfer-time part of read timeouts).
  virtual unsigned baud() const = 0;
};

}  // namespace systole::driver
