// Scripted Backend test double (see fake_backend.hpp).
#include "fake_backend.hpp"

#include <cstring>
#include <memory>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"

namespace systole::driver::testing {

FakeBackend::FakeBackend(const Config& cfg, uint64_t mem_bytes)
    : hw_id((isa::kHwIdMagic << 16) | isa::kIsaVersion), hw_dim(cfg.dim), cfg_(cfg), mem_(mem_bytes) {}

void FakeBackend::mem_write(uint64_t addr, const void* src, size_t n) {
  if (addr + n > mem_.size()) throw Error("fake: mem_write out of range");
  std::memcpy(mem_.data() + addr, src, n);
}

void FakeBackend::mem_read(uint64_t addr, void* dst, size_t n) {
  if (addr + n > mem_.size()) throw Error("fake: mem_read out of range");
  std::memcpy(dst, mem_.data() + addr, n);
}

void FakeBackend::csr_write(uint32_t offset, uint32_t value) {
  csr_writes.emplace_back(offset, value);
  if (offset == isa::kCsrInsnBase) base_ = value;
  if (offset == isa::kCsrInsnCount) count_ = value;
  if (offset != isa::kCsrCtrl) return;
  ctrl_ = value & (1u << isa::kBitCtrlIrqEnable);
  if (value & (1u << isa::kBitCtrlReset)) {
    ++resets;
    status_ = code_ = insn_ = 0;
  }
  if (value & (1u << isa::kBitCtrlStart)) {
    ++starts;
    if (uint64_t(base_) + uint64_t(count_) * 16 > mem_.size()) throw Error("fake: instructions outside memory");
    last_program.assign(mem_.begin() + base_, mem_.begin() + base_ + uint64_t(count_) * 16);
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) counters_[i] = counter_base * (i + 1) + count_;
    code_ = insn_ = 0;
    switch (behaviour) {
      case Behaviour::Finish: status_ = 1u << isa::kBitStatusDone; break;
      case Behaviour::Fault:
        status_ = (1u << isa::kBitStatusDone) | (1u << isa::kBitStatusError);
        code_ = fault_code;
        insn_ = fault_insn;
        break;
      case Behaviour::Hang: status_ = 1u << isa::kBitStatusBusy; break;
    }
  }
}

uint32_t FakeBackend::csr_read(uint32_t offset) {
  switch (offset) {
    case isa::kCsrCtrl: return ctrl_;
    case isa::kCsrStatus: return status_;
    case isa::kCsrInsnBase: return base_;
    case isa::kCsrInsnCount: return count_;
    case isa::kCsrErrorCode: return code_;
    case isa::kCsrErrorInsn: return insn_;
    case isa::kCsrHwId: return hw_id;
    case isa::kCsrHwDim: return hw_dim;
  }
  if (offset >= isa::kCounterBase && offset < isa::kCounterBase + 8 * isa::kNumCounters) {
    const uint64_t c = counters_[(offset - isa::kCounterBase) / 8];
    return (offset - isa::kCounterBase) % 8 ? uint32_t(c >> 32) : uint32_t(c);
  }
  return 0;
}

bool FakeBackend::wait_idle(std::chrono::milliseconds) { return !(status_ & (1u << isa::kBitStatusBusy)); }

std::string FakeBackend::describe_state() {
  return behaviour == Behaviour::Hang ? "execute unit: waiting for a token on load->execute" : "idle";
}

}  // namespace systole::driver::testing

extern "C" void systole_test_register_fake_backend(void) {
  systole::driver::register_backend("fake", [](const systole::Config& cfg) {
    return std::make_unique<systole::driver::testing::FakeBackend>(cfg);
  });
}
