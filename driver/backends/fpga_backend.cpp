// "fpga" backend over UIO and u-dma-buf (see fpga_backend.hpp).
#include "driver/backends/fpga_backend.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/fpga/sysfs.hpp"

namespace systole::driver {

namespace {

// CSR bytes the driver touches: the registers and the 64-bit counters after them.
constexpr uint64_t kCsrSpan = isa::kCounterBase + 8 * isa::kNumCounters;

// An open file plus an mmap of it; unmapped and closed on destruction (also when a later
// constructor step throws).
class Mapping {
 public:
  Mapping(const std::string& path, uint64_t offset, uint64_t size, const std::string& what) : path_(path), size_(size) {
    fd_ = ::open(path.c_str(), O_RDWR | O_SYNC | O_CLOEXEC);
    if (fd_ < 0)
      throw Error(fmt::format("fpga backend: cannot open {} ({}): {}{}", path, what, std::strerror(errno),
                              errno == EACCES ? " (run as root or give your user access to the device)" : ""));
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, off_t(offset));
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd_);
      throw Error(fmt::format("fpga backend: cannot mmap {} bytes of {} ({}) at offset 0x{:x}: {}", size, path, what,
                              offset, std::strerror(err)));
    }
    p_ = static_cast<uint8_t*>(p);
  }
  ~Mapping() {
    ::munmap(p_, size_);
    ::close(fd_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  uint8_t* data() const { return p_; }
  int fd() const { return fd_; }

 private:
  std::string path_;
  uint64_t size_;
  int fd_ = -1;
  uint8_t* p_ = nullptr;
};

class FpgaBackend final : public Backend {
 public:
  FpgaBackend(const Config& cfg, const FpgaBackendOptions& opt) : cfg_(cfg), use_irq_(opt.use_irq) {
    uio_ = fpga::find_uio_device(opt.uio_name, opt.sysfs_root, opt.dev_root);
    if (uio_.maps.empty())
      throw Error(
          fmt::format("fpga backend: UIO device uio{} '{}' has no memory map (the device tree node needs a "
                      "reg entry for the CSR block)",
                      uio_.index, uio_.name));
    const fpga::UioMap& m0 = uio_.maps[0];
    if (m0.size < kCsrSpan)
      throw Error(fmt::format("fpga backend: UIO map 0 of uio{} is {} bytes, the CSR block needs {} (0x{:x})",
                              uio_.index, m0.size, kCsrSpan, kCsrSpan));
    // UIO selects map N with mmap offset N * page size; the region starts m0.offset into it.
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    csr_map_ = std::make_unique<Mapping>(uio_.node, 0 * page, m0.offset + m0.size, "CSR map 0");
    csr_ = reinterpret_cast<volatile uint32_t*>(csr_map_->data() + m0.offset);

    buf_ = fpga::find_dma_buf(opt.dma_buf, opt.sysfs_root, opt.dev_root);
    if (opt.dma_base && *opt.dma_base != buf_.phys_addr)
      throw Error(
          fmt::format("fpga backend: {} is at physical 0x{:x}, but the bitstream's DRAM_BASE is 0x{:x} "
                      "(SYSTOLE_DMA_BASE): the accelerator would read the wrong memory; allocate the buffer "
                      "from the reserved-memory region of the generated overlay",
                      buf_.name, buf_.phys_addr, *opt.dma_base));
    const uint64_t min_bytes = 2 * 4096;
    if (buf_.size < min_bytes)
      throw Error(
          fmt::format("fpga backend: {} is {} bytes; device memory needs at least {} (the driver reserves "
                      "the first 4096)",
                      buf_.name, buf_.size, min_bytes));
    const uint64_t window = std::min<uint64_t>(buf_.size, uint64_t(1) << 32);  // 32-bit device addresses
    mem_map_ = std::make_unique<Mapping>(buf_.node, 0, window, "contiguous DMA buffer");
    win_ = std::make_unique<fpga::DmaWindow>(mem_map_->data(), buf_.phys_addr, window);
  }

  std::string name() const override { return "fpga"; }
  const Config& config() const override { return cfg_; }
  uint64_t mem_size() const override { return win_->size(); }
  // The mapping is uncached (O_SYNC), so plain copies reach memory before the next CSR write
  // (device memory order on ARM), and the CPU sees the accelerator's writes after it is idle.
  void mem_write(uint64_t addr, const void* src, size_t n) override { std::memcpy(win_->host(addr, n), src, n); }
  void mem_read(uint64_t addr, void* dst, size_t n) override { std::memcpy(dst, win_->host(addr, n), n); }

  void csr_write(uint32_t offset, uint32_t value) override {
    if (use_irq_ && offset == isa::kCsrCtrl) value |= 1u << isa::kBitCtrlIrqEnable;
    csr_[index(offset)] = value;
  }
  uint32_t csr_read(uint32_t offset) override { return csr_[index(offset)]; }

  bool wait_idle(std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + timeout;
    for (;;) {
      if (!(csr_read(isa::kCsrStatus) & (1u << isa::kBitStatusBusy))) return true;
      const auto now = Clock::now();
      if (now >= end) return false;
      if (use_irq_) {
        wait_irq(std::chrono::duration_cast<std::chrono::milliseconds>(end - now));
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
  }

  std::string describe_state() override {
    const uint32_t st = csr_read(isa::kCsrStatus);
    std::string s = fmt::format("fpga uio{} ({}), DMA window 0x{:x}+{}: status 0x{:x}, error_code {}, error_insn {};",
                                uio_.index, uio_.node, win_->phys_base(), win_->size(), st,
                                csr_read(isa::kCsrErrorCode), csr_read(isa::kCsrErrorInsn));
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) {
      const uint64_t lo = csr_read(isa::kCounterBase + 8 * i), hi = csr_read(isa::kCounterBase + 8 * i + 4);
      s += fmt::format(" {}={}", isa::kCounterNames[i], hi << 32 | lo);
    }
    return s;
  }

 private:
  size_t index(uint32_t offset) const {
    if (offset % 4 || offset + 4 > uio_.maps[0].size)
      throw Error(fmt::format("fpga backend: CSR offset 0x{:x} is unaligned or outside the {}-byte map", offset,
                              uio_.maps[0].size));
    return offset / 4;
  }

  // UIO: writing 1 re-enables the interrupt (uio_pdrv_genirq masks it in its handler), a
  // read returns the interrupt count once one has arrived. Returns on the interrupt or when
  // the time is up; the caller re-reads status either way.
  void wait_irq(std::chrono::milliseconds left) {
    const int fd = csr_map_->fd();
    const uint32_t unmask = 1;
    if (::write(fd, &unmask, sizeof unmask) != ssize_t(sizeof unmask))
      throw Error(fmt::format("fpga backend: cannot unmask the interrupt of {}: {}", uio_.node, std::strerror(errno)));
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, int(std::min<long long>(left.count() + 1, 1 << 30)));
    if (r < 0 && errno != EINTR)
      throw Error(fmt::format("fpga backend: poll on {} failed: {}", uio_.node, std::strerror(errno)));
    if (r > 0 && (p.revents & POLLIN)) {
      uint32_t count = 0;
      if (::read(fd, &count, sizeof count) < 0 && errno != EINTR && errno != EAGAIN)
        throw Error(
            fmt::format("fpga backend: reading the interrupt count of {} failed: {}", uio_.node, std::strerror(errno)));
    }
  }

  Config cfg_;
  bool use_irq_ = false;
  fpga::UioDevice uio_;
  fpga::DmaBufInfo buf_;
  std::unique_ptr<Mapping> csr_map_, mem_map_;
  volatile uint32_t* csr_ = nullptr;
  std::unique_ptr<fpga::DmaWindow> win_;
};

}  // namespace

FpgaBackendOptions fpga_backend_options_from_env() {
  FpgaBackendOptions o;
  auto env = [](const char* k) -> const char* {
    const char* v = std::getenv(k);
    return v && *v ? v : nullptr;
  };
  if (const char* v = env("SYSTOLE_UIO")) o.uio_name = v;
  if (const char* v = env("SYSTOLE_UDMABUF")) o.dma_buf = v;
  if (const char* v = env("SYSTOLE_SYSFS")) o.sysfs_root = v;
  if (const char* v = env("SYSTOLE_DEVFS")) o.dev_root = v;
  if (const char* v = env("SYSTOLE_FPGA_IRQ")) o.use_irq = std::string(v) == "1";
  if (const char* v = env("SYSTOLE_DMA_BASE")) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long b = std::strtoull(v, &end, 0);
    if (errno || !end || *end) throw Error(fmt::format("SYSTOLE_DMA_BASE='{}' is not an address", v));
    o.dma_base = b;
  }
  return o;
}

std::unique_ptr<Backend> make_fpga_backend(const Config& cfg, const FpgaBackendOptions& opt) {
  return std::make_unique<FpgaBackend>(cfg, opt);
}

std::unique_ptr<Backend> make_fpga_backend(const Config& cfg) {
  return make_fpga_backend(cfg, fpga_backend_options_from_env());
}

}  // namespace systole::driver
