// A POSIX serial port as a ByteStream: termios raw mode, 8N1, no flow control, at a standard
// baud rate (115200 for the iCE40 board tops).
#pragma once
#include <memory>
#include <string>

#include "driver/uart/byte_stream.hpp"

namespace systole::driver {

// Throws systole::Error naming the path and the reason (missing device, permission, not a
// tty, unsupported baud rate).
std::unique_ptr<ByteStream> open_serial_port(const std::string& path, unsigned baud = 115200);

}  // namespace systole::driver
