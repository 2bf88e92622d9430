// "uart" backend over the board bridge protocol (see uart_backend.hpp, docs/synth.md).
#include "driver/backends/uart_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/uart/serial_port.hpp"

namespace systole::driver {

namespace {

std::mutex g_mu;
UartBackendOptions g_opt;
ByteStreamFactory g_stream_factory;

std::string hex_bytes(const uint8_t* p, size_t n) {
  if (n == 0) return "none";
  std::string s;
  for (size_t i = 0; i < n && i < 16; ++i) s += fmt::format("{}{:02x}", i ? " " : "", p[i]);
  if (n > 16) s += fmt::format(" ... ({} bytes)", n);
  return s;
}

void put_le(std::vector<uint8_t>& v, uint64_t x, int n) {
  for (int i = 0; i < n; ++i) v.push_back(uint8_t(x >> (8 * i)));
}

class UartBackend final : public Backend {
 public:
  UartBackend(const Config& cfg, std::unique_ptr<ByteStream> s, const UartBackendOptions& opt)
      : cfg_(cfg), s_(std::move(s)), opt_(opt) {
    if (!s_) throw Error("uart backend: no byte stream");
    s_->discard_input();
    info_ = ping_with_retries();
    if (info_.bus_bytes != cfg_.dram_bytes_per_cycle)
      throw Error(
          fmt::format("uart backend ({}): the board's memory bus is {} bytes wide, but config '{}' says "
                      "dram.bytes_per_cycle = {} (use the effective config `systole synth` wrote, "
                      "<out>/config.toml)",
                      s_->describe(), info_.bus_bytes, cfg_.name, cfg_.dram_bytes_per_cycle));
    mem_size_ = uart_device_mem_size(info_.mem_bytes);
  }

  std::string name() const override { return "uart"; }
  const Config& config() const override { return cfg_; }
  uint64_t mem_size() const override { return mem_size_; }

  void mem_write(uint64_t addr, const void* src, size_t n) override {
    check_range(addr, n, "write");
    const uint8_t* p = static_cast<const uint8_t*>(src);
    for (size_t done = 0; done < n;) {
      const size_t len = std::min<size_t>(n - done, uart::kMaxChunk);
      std::vector<uint8_t> cmd{uart::kMemWrite};
      put_le(cmd, addr + done, 4);
      put_le(cmd, len, 2);
      cmd.insert(cmd.end(), p + done, p + done + len);
      const std::string what = fmt::format("MEM_WRITE of {} bytes at 0x{:x}", len, addr + done);
      uint8_t st = 0;
      command(cmd, &st, 1, what);
      check_status(st, what);
      done += len;
    }
  }

  void mem_read(uint64_t addr, void* dst, size_t n) override {
    check_range(addr, n, "read");
    uint8_t* p = static_cast<uint8_t*>(dst);
    for (size_t done = 0; done < n;) {
      const size_t len = std::min<size_t>(n - done, uart::kMaxChunk);
      std::vector<uint8_t> cmd{uart::kMemRead};
      put_le(cmd, addr + done, 4);
      put_le(cmd, len, 2);
      const std::string what = fmt::format("MEM_READ of {} bytes at 0x{:x}", len, addr + done);
      // The status comes first: an error status is not followed by data.
      uint8_t st = 0;
      command(cmd, &st, 1, what + " (status byte)");
      check_status(st, what);
      receive(p + done, len, what + " (data)");
      done += len;
    }
  }

  void csr_write(uint32_t offset, uint32_t value) override {
    // irq_enable with every ctrl write: on the board the interrupt drives LED 0, which then
    // shows that a run has finished.
    if (offset == isa::kCsrCtrl) value |= 1u << isa::kBitCtrlIrqEnable;
    std::vector<uint8_t> cmd{uart::kCsrWrite, csr_offset(offset)};
    put_le(cmd, value, 4);
    const std::string what = fmt::format("CSR_WRITE of offset 0x{:02x}", offset);
    uint8_t st = 0;
    command(cmd, &st, 1, what);
    check_status(st, what);
  }

  uint32_t csr_read(uint32_t offset) override {
    const std::string what = fmt::format("CSR_READ of offset 0x{:02x}", offset);
    uint8_t r[5] = {};
    command({uart::kCsrRead, csr_offset(offset)}, r, 1, what + " (status byte)");
    check_status(r[0], what);
    receive(r + 1, 4, what + " (data)");
    return uint32_t(r[1]) | uint32_t(r[2]) << 8 | uint32_t(r[3]) << 16 | uint32_t(r[4]) << 24;
  }

  // Polls status back to back: each CSR_READ is ~0.5 ms of line time at 115200 baud.
  bool wait_idle(std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + timeout;
    for (;;) {
      if (!(csr_read(isa::kCsrStatus) & (1u << isa::kBitStatusBusy))) return true;
      if (Clock::now() >= end) return false;
    }
  }

  std::string describe_state() override {
    std::string s = fmt::format("uart board on {} ({} bytes of board memory, {}-byte bus)", s_->describe(),
                                info_.mem_bytes, info_.bus_bytes);
    try {
      const uint32_t st = csr_read(isa::kCsrStatus);
      s += fmt::format(": status 0x{:x} (busy {}, done {}, error {}), error_code {}, error_insn {}", st,
                       st >> isa::kBitStatusBusy & 1, st >> isa::kBitStatusDone & 1, st >> isa::kBitStatusError & 1,
                       csr_read(isa::kCsrErrorCode), csr_read(isa::kCsrErrorInsn));
      std::string c;
      for (uint32_t i = 0; i < isa::kNumCounters; ++i) {
        const uint64_t lo = csr_read(isa::kCounterBase + 8 * i), hi = csr_read(isa::kCounterBase + 8 * i + 4);
        c += fmt::format("{}{}={}", i ? " " : "", isa::kCounterNames[i], hi << 32 | lo);
      }
      s += "; counters: " + c;
    } catch (const Error& e) {
      s += fmt::format(" (state unavailable: {})", e.what());
    }
    return s;
  }

 private:
  std::string where() const { return fmt::format("uart backend ({})", s_->describe()); }

  uint8_t csr_offset(uint32_t offset) const {
    if (offset > 0xff)
      throw Error(fmt::format("{}: CSR offset 0x{:x} does not fit the protocol's 8-bit field", where(), offset));
    return uint8_t(offset);
  }

  void check_range(uint64_t addr, size_t n, const char* dir) const {
    if (addr > mem_size_ || n > mem_size_ - addr)
      throw Error(
          fmt::format("{}: board memory too small: {} of {} bytes at 0x{:x} ends at 0x{:x}, past the board's "
                      "{}-byte device memory ({} bytes of RAM; addresses below 4096 alias it)",
                      where(), dir, n, addr, addr + n, mem_size_, info_.mem_bytes));
    if (addr + n > (uint64_t(1) << 32))
      throw Error(fmt::format("{}: address 0x{:x} does not fit the protocol's 32-bit field", where(), addr + n));
  }

  // Time allowed for `n` bytes to cross the line (10 bits each) on top of the fixed timeout.
  std::chrono::milliseconds timeout_for(size_t n) const {
    const unsigned baud = std::max(1u, s_->baud());
    return opt_.response_timeout + std::chrono::milliseconds(uint64_t(n) * 10 * 1000 / baud + 1);
  }

  // Sends a command and reads the first n bytes of its answer. A link left in an unknown
  // state by an earlier failure is resynchronized first.
  void command(const std::vector<uint8_t>& cmd, uint8_t* resp, size_t n, const std::string& what) {
    if (resync_needed_) resync();
    resync_needed_ = true;  // cleared once the whole answer has been read
    s_->write(cmd.data(), cmd.size());
    const size_t got = s_->read(resp, n, timeout_for(cmd.size() + n));
    if (got < n)
      throw Error(fmt::format("{}: timeout waiting for the {}-byte answer to {}: received {} byte{} ({})", where(), n,
                              what, got, got == 1 ? "" : "s", hex_bytes(resp, got)));
    resync_needed_ = false;
  }

  // Reads the rest of an answer.
  void receive(uint8_t* p, size_t n, const std::string& what) {
    resync_needed_ = true;
    const size_t got = s_->read(p, n, timeout_for(n));
    if (got < n)
      throw Error(fmt::format("{}: timeout waiting for {}: received {} of {} bytes ({})", where(), what, got, n,
                              hex_bytes(p, got)));
    resync_needed_ = false;
  }

  void check_status(uint8_t st, const std::string& what) {
    if (st == uart::kStatusOk) return;
    resync_needed_ = true;
    if (st == uart::kStatusBadOp)
      throw Error(
          fmt::format("{}: the bridge answered 0xee (unknown opcode) to {}: the link is out of sync", where(), what));
    if (st <= 3)
      throw Error(fmt::format("{}: {} failed with AXI response 0x{:02x} ({})", where(), what, st,
                              st == 2   ? "SLVERR"
                              : st == 3 ? "DECERR"
                                        : "EXOKAY"));
    throw Error(
        fmt::format("{}: protocol error: unexpected status byte 0x{:02x} in the answer to {}", where(), st, what));
  }

  BoardInfo ping() {
    uint8_t r[4] = {};
    const uint8_t cmd = uart::kPing;
    s_->write(&cmd, 1);
    const size_t got = s_->read(r, 4, timeout_for(5));
    if (got < 4)
      throw Error(
          fmt::format("{}: timeout waiting for the 4-byte answer to PING: received {} byte{} ({}); is the "
                      "board programmed with the Systole bitstream and this the right port?",
                      where(), got, got == 1 ? "" : "s", hex_bytes(r, got)));
    if (r[0] != uart::kPingMagic0 || r[1] != uart::kPingMagic1)
      throw Error(
          fmt::format("{}: protocol error: PING answered {} (expected 53 59, \"SY\"): not a Systole board "
                      "bridge, or out of sync",
                      where(), hex_bytes(r, 4)));
    if (r[2] > 31 || r[2] < 4)
      throw Error(
          fmt::format("{}: protocol error: PING reports log2(memory bytes) = {} (byte 0x{:02x})", where(), r[2], r[2]));
    if (r[3] == 0 || r[3] > 64 || (r[3] & (r[3] - 1)))
      throw Error(
          fmt::format("{}: protocol error: PING reports a {}-byte memory bus (byte 0x{:02x})", where(), r[3], r[3]));
    return {uint32_t(1) << r[2], r[3]};
  }

  BoardInfo ping_with_retries() {
    for (int attempt = 1;; ++attempt) {
      try {
        return ping();
      } catch (const Error& e) {
        if (attempt >= std::max(1, opt_.ping_attempts)) {
          if (attempt == 1) throw;
          throw Error(fmt::format("{} (after {} attempts)", e.what(), attempt));
        }
        // A half-sent command swallows our PING: let the bridge drop it, then retry.
        s_->pause(std::chrono::milliseconds(100));
        s_->discard_input();
      }
    }
  }

  void resync() {
    s_->pause(std::chrono::milliseconds(100));
    s_->discard_input();
    const BoardInfo again = ping_with_retries();
    if (again.mem_bytes != info_.mem_bytes || again.bus_bytes != info_.bus_bytes)
      throw Error(
          fmt::format("{}: after resynchronizing, the board reports {} bytes of memory and a {}-byte bus "
                      "(it was {} and {}): a different bitstream?",
                      where(), again.mem_bytes, again.bus_bytes, info_.mem_bytes, info_.bus_bytes));
    resync_needed_ = false;
  }

  Config cfg_;
  std::unique_ptr<ByteStream> s_;
  UartBackendOptions opt_;
  BoardInfo info_;
  uint64_t mem_size_ = 0;
  bool resync_needed_ = false;
};

}  // namespace

uint64_t uart_device_mem_size(uint32_t mem_bytes) {
  return mem_bytes <= 4096 ? 4096 + uint64_t(mem_bytes) : uint64_t(mem_bytes);
}

std::unique_ptr<Backend> make_uart_backend(const Config& cfg, std::unique_ptr<ByteStream> stream,
                                           const UartBackendOptions& opt) {
  return std::make_unique<UartBackend>(cfg, std::move(stream), opt);
}

std::unique_ptr<Backend> make_uart_backend(const Config& cfg) {
  UartBackendOptions opt;
  ByteStreamFactory factory;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    opt = g_opt;
    factory = g_stream_factory;
  }
  if (factory) return make_uart_backend(cfg, factory(cfg), opt);
  std::string dev = opt.device;
  if (dev.empty()) {
    const char* e = std::getenv("SYSTOLE_UART");
    dev = e && *e ? e : "/dev/ttyUSB1";
  }
  return make_uart_backend(cfg, open_serial_port(dev, opt.baud), opt);
}

void set_uart_backend_options(const UartBackendOptions& opt) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_opt = opt;
}

UartBackendOptions uart_backend_options() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_opt;
}

void set_uart_stream_factory(ByteStreamFactory factory) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_stream_factory = std::move(factory);
}

}  // namespace systole::driver
