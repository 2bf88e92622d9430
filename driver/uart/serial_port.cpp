// POSIX serial port (see serial_port.hpp). The port is opened O_NOCTTY | O_NONBLOCK (so a
// modem-control line cannot block the open), then switched to blocking reads bounded by
// poll(), which measures the caller's timeout.
#include "driver/uart/serial_port.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "arch/error.hpp"

namespace systole::driver {
namespace {

speed_t baud_constant(unsigned baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
#ifdef B460800
    case 460800:
      return B460800;
#endif
#ifdef B921600
    case 921600:
      return B921600;
#endif
    default:
      return 0;
  }
}

// Closes the descriptor also when the SerialPort constructor throws.
struct Fd {
  int v = -1;
  ~Fd() {
    if (v >= 0) ::close(v);
  }
};

class SerialPort final : public ByteStream {
 public:
  SerialPort(const std::string& path, unsigned baud) : path_(path), baud_(baud) {
    const speed_t speed = baud_constant(baud);
    if (!speed) throw Error(fmt::format("serial port {}: unsupported baud rate {}", path, baud));
    fd_.v = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_.v < 0)
      throw Error(fmt::format("serial port {}: cannot open: {}{}", path, std::strerror(errno),
                              errno == EACCES ? " (add yourself to the 'dialout' group)" : ""));
    termios t{};
    if (tcgetattr(fd_.v, &t) != 0) fail("is not a terminal device (tcgetattr)");
    cfmakeraw(&t);                    // no echo, no line editing, no CR/LF translation, 8 bits
    t.c_cflag &= ~(PARENB | CSTOPB);  // no parity, one stop bit
    t.c_cflag &= ~CRTSCTS;            // no hardware flow control
    t.c_cflag |= CLOCAL | CREAD;
    t.c_iflag &= ~(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0) fail("cannot set the baud rate");
    if (tcsetattr(fd_.v, TCSANOW, &t) != 0) fail("cannot set raw 8N1 mode (tcsetattr)");
    const int flags = fcntl(fd_.v, F_GETFL);
    if (flags < 0 || fcntl(fd_.v, F_SETFL, flags & ~O_NONBLOCK) != 0) fail("cannot switch to blocking mode");
    discard_input();
  }
  void write(const uint8_t* data, size_t n) override {
    while (n) {
      const ssize_t w = ::write(fd_.v, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("write failed");
      }
      data += w, n -= size_t(w);
    }
  }

  size_t read(uint8_t* data, size_t n, std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + timeout;
    size_t got = 0;
    while (got < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_.v, POLLIN, 0};
      const int r = ::poll(&p, 1, int(std::min<long long>(left, 1 << 30)));
      if (r < 0) {
        if (errno == EINTR) continue;
        fail("poll failed");
      }
      if (r == 0) break;
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) fail("the device went away (unplugged?)");
      const ssize_t k = ::read(fd_.v, data + got, n - got);
      if (k < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        fail("read failed");
      }
      got += size_t(k);
    }
    return got;
  }

  void pause(std::chrono::milliseconds t) override {
    tcdrain(fd_.v);  // the pause starts once our bytes are on the wire
    std::this_thread::sleep_for(t);
  }
  void discard_input() override { tcflush(fd_.v, TCIFLUSH); }
  std::string describe() const override { return path_; }
  unsigned baud() const override { return baud_; }

 private:
  [[noreturn]] void fail(const std::string& what) {
    const std::string msg = fmt::format("serial port {}: {}: {}", path_, what, std::strerror(errno));
    throw Error(msg);
  }

  std::string path_;
  unsigned baud_;
  Fd fd_;
};

}  // namespace

std::unique_ptr<ByteStream> open_serial_port(const std::string& path, unsigned baud) {
  return std::make_unique<SerialPort>(path, baud);
}

}  // namespace systole::driver
