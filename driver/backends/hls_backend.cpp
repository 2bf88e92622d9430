// "hls" backend adapter (see hls_backend.hpp). Device memory is one zero-filled calloc
// block (the OS maps pages lazily, so a 256 MiB design point costs only what is touched).
#include "driver/backends/hls_backend.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "arch/isa_gen.hpp"

#if SYSTOLE_DRIVER_HAVE_HLS
#include "hls/native/accel.hpp"
#endif

namespace systole::driver {

#if SYSTOLE_DRIVER_HAVE_HLS
namespace {

class HlsBackend final : public Backend {
 public:
  explicit HlsBackend(const Config& cfg) : cfg_(cfg), size_(cfg.dram_bytes()) {
    mem_.reset(static_cast<uint8_t*>(std::calloc(size_, 1)));
    if (!mem_) throw Error(fmt::format("hls backend: cannot reserve {} bytes of device memory", size_));
  }

  std::string name() const override { return "hls"; }
  const Config& config() const override { return cfg_; }
  uint64_t mem_size() const override { return size_; }

  void mem_write(uint64_t addr, const void* src, size_t n) override {
    check_range(addr, n, "write");
    if (n) std::memcpy(mem_.get() + addr, src, n);
  }
  void mem_read(uint64_t addr, void* dst, size_t n) override {
    check_range(addr, n, "read");
    if (n) std::memcpy(dst, mem_.get() + addr, n);
  }

  void csr_write(uint32_t offset, uint32_t value) override {
    switch (offset) {
      case isa::kCsrCtrl:
        ctrl_ = value & (1u << isa::kBitCtrlIrqEnable);  // start and reset self-clear
        if (value & (1u << isa::kBitCtrlReset)) reset();
        if (value & (1u << isa::kBitCtrlStart)) start();
        break;
      case isa::kCsrInsnBase: insn_base_ = value; break;
      case isa::kCsrInsnCount: insn_count_ = value; break;
      default: break;  // read-only and unmapped registers ignore writes, as on the bus
    }
  }

  uint32_t csr_read(uint32_t offset) override {
    switch (offset) {
      case isa::kCsrCtrl: return ctrl_;
      case isa::kCsrStatus: return status_;
      case isa::kCsrInsnBase: return insn_base_;
      case isa::kCsrInsnCount: return insn_count_;
      case isa::kCsrErrorCode: return error_code_;
      case isa::kCsrErrorInsn: return error_insn_;
      case isa::kCsrErrorUnit: return error_unit_;
      case isa::kCsrErrorAddr: return error_addr_;
      case isa::kCsrHwId: return (isa::kHwIdMagic << 16) | isa::kIsaVersion;
      case isa::kCsrHwDim: return cfg_.dim;
      default: break;
    }
    if (offset >= isa::kCounterBase && offset < isa::kCounterBase + 8 * isa::kNumCounters && offset % 4 == 0) {
      const uint64_t c = counters_[(offset - isa::kCounterBase) / 8];
      return (offset - isa::kCounterBase) % 8 == 0 ? uint32_t(c) : uint32_t(c >> 32);
    }
    return 0;  // unmapped: reads as zero
  }

  // start() ran the program to completion, or found it deadlocked: then the device stays
  // busy for good, like hardware would, until a soft reset.
  bool wait_idle(std::chrono::milliseconds) override { return !(status_ & (1u << isa::kBitStatusBusy)); }

  std::string describe_state() override {
    if (!hang_.empty()) return "hls model stuck: " + hang_;
    return fmt::format("hls model idle (status 0x{:x}, last run of {} instructions at 0x{:x})", status_, insn_count_,
                       insn_base_);
  }

 private:
  void check_range(uint64_t addr, size_t n, const char* what) const {
    if (addr > size_ || n > size_ - addr)
      throw Error(fmt::format("hls backend: {} of {} bytes at 0x{:x} is outside device memory ({} bytes)", what, n, addr,
                              size_));
  }
  void reset() {
    hang_.clear();
    status_ = 0;
    error_code_ = 0;
    error_insn_ = 0;
    error_unit_ = 0;
    error_addr_ = 0;
  }
  // After a dma_bus_error: the requester and the address, as the RTL reports them (docs/isa.md),
  // except that a LOAD names the start of its first row outside memory, not the failed beat.
  void locate_dma_error() {
    const uint64_t at = uint64_t(insn_base_) + 16 * uint64_t(error_insn_);
    error_unit_ = uint32_t(isa::MemId::Fetch);
    error_addr_ = uint32_t(at);
    if (insn_base_ % 16 || at + isa::kInsnBytes > size_) return;  // fetch's own fault
    const isa::Insn w = isa::insn_from_bytes(mem_.get() + at);
    const isa::OpcodeInfo* op = isa::find_opcode(isa::opcode_bits(w));
    if (!op) return;
    auto field = [&](const char* name) -> uint64_t {
      const isa::FieldInfo* f = isa::find_field(*op, name);
      return f ? uint64_t(isa::get_field(w, *f)) : 0;
    };
    error_addr_ = uint32_t(field("dram_addr"));
    if (op->unit == isa::Unit::Store) {
      error_unit_ = uint32_t(isa::MemId::Store) | (1u << isa::kBitErrorUnitWrite);
    } else if (op->unit == isa::Unit::Load) {
      error_unit_ = uint32_t(isa::MemId::Load);
      const uint64_t bytes = field("x_size") * (field("target") == uint64_t(isa::Target::Acc) ? 4 : 1);
      for (uint64_t r = 0; r < field("y_size"); ++r) {
        const uint64_t a = field("dram_addr") + r * field("dram_stride");
        if (a + bytes > size_) {
          error_addr_ = uint32_t(a);
          break;
        }
      }
    }
  }
  void start() {
    reset();
    for (auto& c : counters_) c = 0;
    status_ = 1u << isa::kBitStatusBusy;
    hls::RunResult r;
    try {
      r = hls::run(cfg_, mem_.get(), size_, insn_base_, insn_count_);
    } catch (const Error& e) {
      hang_ = e.what();  // a token deadlock: stays busy until reset (see wait_idle)
      return;
    } catch (...) {
      status_ = 0;
      throw;
    }
    error_code_ = r.error_code;
    error_insn_ = r.error_code ? r.error_insn : 0;
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) counters_[i] = r.counters[i];
    status_ = (1u << isa::kBitStatusDone) | (r.error_code ? 1u << isa::kBitStatusError : 0u);
    if (r.error_code == uint32_t(isa::ErrorCode::DmaBusError)) {
      status_ |= 1u << isa::kBitStatusDmaError;
      locate_dma_error();
    }
  }

  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  Config cfg_;
  uint64_t size_;
  std::unique_ptr<uint8_t, FreeDeleter> mem_;
  std::string hang_;  // why the model is stuck busy, empty when it is not
  uint32_t ctrl_ = 0, status_ = 0, insn_base_ = 0, insn_count_ = 0, error_code_ = 0, error_insn_ = 0;
  uint32_t error_unit_ = 0, error_addr_ = 0;
  uint64_t counters_[isa::kNumCounters] = {};
};

}  // namespace

std::unique_ptr<Backend> make_hls_backend(const Config& cfg) { return std::make_unique<HlsBackend>(cfg); }

#else

std::unique_ptr<Backend> make_hls_backend(const Config&) {
  throw Error("the hls backend is not built (hls/ has no systole_hls library in this build)");
}

#endif

}  // namespace systole::driver
