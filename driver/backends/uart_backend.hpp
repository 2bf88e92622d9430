// The "uart" backend: an iCE40 board top (rtl/board/systole_board_top) driven through its UART
// bridge with the byte protocol of docs/synth.md (PING, CSR_WRITE, CSR_READ, MEM_WRITE,
// MEM_READ). Device memory is the board memory; Device does allocation, validation, launch
// and counters exactly as on the other backends. The transport is a ByteStream: a serial port
// (SYSTOLE_UART, default /dev/ttyUSB1, 115200 8N1) or whatever stream factory a test installs
// (the Verilated board top of sim/board/).
//
// Errors are systole::Error naming what went wrong on the link: a timeout names the command
// and response awaited and the bytes received; a protocol error names the unexpected byte; an
// access past the board memory names both sizes.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "driver/backend.hpp"
#include "driver/uart/byte_stream.hpp"

namespace systole::driver {

// Protocol constants (docs/synth.md; rtl/board/systole_uart_bridge.sv).
namespace uart {
constexpr uint8_t kPing = 0x01, kCsrWrite = 0x02, kCsrRead = 0x03, kMemWrite = 0x04, kMemRead = 0x05;
constexpr uint8_t kStatusOk = 0x00, kStatusBadOp = 0xee;
constexpr uint8_t kPingMagic0 = 'S', kPingMagic1 = 'Y';
constexpr uint32_t kMaxChunk = 4096;  // bytes per MEM_WRITE / MEM_READ command
}  // namespace uart

struct UartBackendOptions {
  std::string device;  // serial port; "" = $SYSTOLE_UART, else /dev/ttyUSB1
  unsigned baud = 115200;
  // Each response may take this long plus its transfer time at the line rate.
  std::chrono::milliseconds response_timeout{1000};
  int ping_attempts = 3;  // PING retries at open, 100 ms apart (resynchronizes the bridge)
};

// The board's identity as answered to PING.
struct BoardInfo {
  uint32_t mem_bytes = 0;  // board memory (2^n bytes)
  uint32_t bus_bytes = 0;  // accelerator memory-bus width
};

// Device memory the driver may address on a board with `mem_bytes` of RAM: the driver never
// allocates below 4096, so a RAM of at most 4 KiB is seen at 4096..4096+mem_bytes (addresses
// wrap modulo mem_bytes in the board memory).
uint64_t uart_device_mem_size(uint32_t mem_bytes);

// Opens the backend over `stream`: PING (checked against cfg.dram_bytes_per_cycle), then the
// backend is ready (Device checks hw_id / hw_dim over CSR_READ).
std::unique_ptr<Backend> make_uart_backend(const Config& cfg, std::unique_ptr<ByteStream> stream,
                                           const UartBackendOptions& opt = {});
// The "uart" factory: the installed stream factory if any, else the serial port.
std::unique_ptr<Backend> make_uart_backend(const Config& cfg);

// Options the "uart" factory uses from now on (e.g. a CLI's --uart DEVICE).
void set_uart_backend_options(const UartBackendOptions& opt);
UartBackendOptions uart_backend_options();

// Replaces the serial port by another transport for every later "uart" open (tests: the
// Verilated board top over an in-process pipe). An empty function restores the serial port.
using ByteStreamFactory = std::function<std::unique_ptr<ByteStream>(const Config&)>;
void set_uart_stream_factory(ByteStreamFactory factory);

}  // namespace systole::driver
