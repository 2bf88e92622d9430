// "rtl" backend over the SystemC platform (see rtl_backend.hpp).
#include "driver/backends/rtl_backend.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <mutex>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "sim/platform.hpp"

namespace systole::driver {

namespace {

std::mutex g_opt_mu;
RtlBackendOptions g_opt;

constexpr uint64_t kResetCycles = 1000000;

class RtlBackend final : public Backend {
 public:
  RtlBackend(const Config& cfg, const RtlBackendOptions& opt) : watchdog_(opt.watchdog_cycles) {
    sim::PlatformOptions po;
    po.trace_file = opt.trace_file;
    po.faults = opt.dram_faults;
    p_ = &sim::Platform::acquire(cfg, po);
  }
  ~RtlBackend() override { p_->release(); }

  std::string name() const override { return "rtl"; }
  const Config& config() const override { return p_->config(); }
  uint64_t mem_size() const override { return p_->dram().size(); }
  void mem_write(uint64_t addr, const void* src, size_t n) override { p_->dram().write(addr, src, n); }
  void mem_read(uint64_t addr, void* dst, size_t n) override { p_->dram().read(addr, dst, n); }

  void csr_write(uint32_t offset, uint32_t value) override {
    if (offset == isa::kCsrInsnBase) insn_base_ = value;
    if (offset == isa::kCsrInsnCount) insn_count_ = value;
    p_->csr_write(offset, value);
    // A soft reset drains bursts in flight, then flushes the core: a few cycles, or up to a DRAM
    // round trip. Like a driver polling status after a reset, return only when it is done, so the
    // next submit finds the device idle.
    if (offset == isa::kCsrCtrl && (value & (1u << isa::kBitCtrlReset))) {
      const sim::Stop stop = p_->run_until_idle(kResetCycles, 0).stop;
      if (stop == sim::Stop::Assertion) p_->assertion_failed("during a soft reset");
      if (stop != sim::Stop::Idle)
        throw Error(fmt::format("rtl backend: soft reset did not finish within {} cycles; {}", kResetCycles,
                                describe_state()));
    }
  }
  uint32_t csr_read(uint32_t offset) override { return p_->csr_read(offset); }

  bool wait_idle(std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    const auto t_end = Clock::now() + timeout;
    constexpr uint64_t kChunk = 1 << 18;  // cycles between wall-clock checks (~0.2 s at 1 M cycles/s)
    for (;;) {
      const sim::RunResult r = p_->run_until_idle(kChunk, watchdog_);
      if (r.stop == sim::Stop::Idle) return true;
      if (r.stop == sim::Stop::Watchdog) hang();
      if (r.stop == sim::Stop::Assertion)
        p_->assertion_failed(fmt::format("while running the {}-instruction program; state: {}", insn_count_,
                                         sim::describe(p_->unit_state(), namer())));
      if (Clock::now() >= t_end) return false;
    }
  }

  sim::Platform& platform() { return *p_; }

  // While busy, the unit to blame comes first (the driver's timeout message quotes this).
  std::string describe_state() override {
    const sim::UnitState s = p_->unit_state();
    const sim::InsnNamer n = namer();
    return fmt::format("rtl platform (model {}): {}{}", p_->model().prefix,
                       s.busy() ? "stuck unit: " + sim::stuck_unit(s, n) + "; " : std::string(), sim::describe(s, n));
  }

 private:
  // The watchdog fired: describe, reset the device (drain, then flush), throw.
  [[noreturn]] void hang() {
    const sim::UnitState s = p_->unit_state();
    const sim::InsnNamer namer = this->namer();
    const std::string msg =
        fmt::format("rtl backend: watchdog: the accelerator has been busy for {} cycles without retiring an instruction, "
                    "issuing an array row or moving DRAM data; stuck unit: {}; state: {} (the device was reset)",
                    s.cycles_since_progress, sim::stuck_unit(s, namer), sim::describe(s, namer));
    p_->csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlReset);
    if (p_->run_until_idle(kResetCycles, 0).stop != sim::Stop::Idle) p_->hard_reset();
    throw Error(msg);
  }

  // Names the n-th instruction of a unit by scanning the program in device memory (the RTL
  // exposes how many instructions each unit retired, not their indices).
  sim::InsnNamer namer() {
    return [this](sim::Unit u, uint64_t n) -> sim::InsnRef {
      uint8_t b[isa::kInsnBytes];
      uint64_t seen = 0;
      for (uint32_t i = 0; i < insn_count_; ++i) {
        const uint64_t addr = uint64_t(insn_base_) + uint64_t(i) * isa::kInsnBytes;
        if (addr + sizeof b > p_->dram().size()) break;
        p_->dram().read(addr, b, sizeof b);
        const isa::Insn w = isa::insn_from_bytes(b);
        const isa::OpcodeInfo* op = isa::find_opcode(isa::opcode_bits(w));
        if (!op || op->unit != u || seen++ != n) continue;
        auto flag = [&](const char* name) {
          const isa::FieldInfo* f = isa::find_field(*op, name);
          return f && isa::get_field(w, *f) != 0;
        };
        return {fmt::format("instruction {} ({})", i, isa::disassemble(w)), true, flag("pop_prev"), flag("pop_next")};
      }
      return {fmt::format("{} instruction #{} (past the program's last)", isa::kUnitNames[uint32_t(u)], n)};
    };
  }

  sim::Platform* p_ = nullptr;
  uint64_t watchdog_;
  uint32_t insn_base_ = 0, insn_count_ = 0;
};

}  // namespace

void set_rtl_backend_options(const RtlBackendOptions& opt) {
  std::lock_guard<std::mutex> lock(g_opt_mu);
  g_opt = opt;
}

RtlBackendOptions rtl_backend_options() {
  std::lock_guard<std::mutex> lock(g_opt_mu);
  return g_opt;
}

namespace {
RtlBackend& as_rtl(Backend& b) {
  auto* r = dynamic_cast<RtlBackend*>(&b);
  if (!r) throw Error(fmt::format("backend '{}' is not the rtl backend: it has no DRAM fault injection", b.name()));
  return *r;
}
}  // namespace

void set_rtl_dram_faults(Backend& b, const sim::DramFaults& faults) { as_rtl(b).platform().dram().set_faults(faults); }

sim::DramFaultStats rtl_dram_fault_stats(Backend& b) { return as_rtl(b).platform().dram().fault_stats(); }

std::unique_ptr<Backend> make_rtl_backend(const Config& cfg, const RtlBackendOptions& opt) {
  return std::make_unique<RtlBackend>(cfg, opt);
}

std::unique_ptr<Backend> make_rtl_backend(const Config& cfg) {
  RtlBackendOptions opt = rtl_backend_options();
  if (const char* t = std::getenv("SYSTOLE_RTL_TRACE"); t && *t) opt.trace_file = t;
  if (const char* w = std::getenv("SYSTOLE_RTL_WATCHDOG"); w && *w) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(w, &end, 10);
    if (*end) throw Error(fmt::format("SYSTOLE_RTL_WATCHDOG='{}' is not a cycle count", w));
    opt.watchdog_cycles = v;
  }
  if (const char* f = std::getenv("SYSTOLE_RTL_FAULTS"); f && *f) opt.dram_faults = sim::parse_dram_faults(f);
  return make_rtl_backend(cfg, opt);
}

// The hook driver/builtin_backends.cpp calls when this library is linked in.
void register_rtl_backend() {
  register_backend("rtl", [](const Config& cfg) { return make_rtl_backend(cfg); });
}

}  // namespace systole::driver
