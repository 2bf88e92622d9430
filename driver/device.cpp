// Device: allocation, bounds-checked copies and the CSR launch protocol over a Backend.
#include "driver/device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/allocator.hpp"
#include "driver/validate.hpp"

namespace systole::driver {

namespace {
using Clock = std::chrono::steady_clock;
constexpr uint32_t bit(uint32_t b) { return 1u << b; }
constexpr uint64_t kMinInsnCapacity = 256;  // instructions; the buffer grows by doubling
}  // namespace

struct Device::Impl {
  explicit Impl(std::unique_ptr<Backend> b)
      : backend(std::move(b)),
        alloc(kReservedBytes, std::min<uint64_t>(backend->mem_size(), uint64_t(1) << 32)) {}

  std::unique_ptr<Backend> backend;
  Allocator alloc;
  std::vector<Buffer> buffers;            // live user buffers, sorted by address
  std::optional<Allocator::Block> insns;  // driver-owned instruction buffer
  std::vector<isa::Insn> running_prog;    // what the device runs (for error messages)
  bool running = false;
  Clock::time_point t_start;
  double last_run = 0;

  std::string dev_name() const { return fmt::format("device '{}'", backend->name()); }

  void check_identity() {
    const uint32_t id = backend->csr_read(isa::kCsrHwId), dim = backend->csr_read(isa::kCsrHwDim);
    if ((id >> 16) != isa::kHwIdMagic)
      throw Error(fmt::format("{}: hw_id 0x{:08x} is not a Systole accelerator (expected 0x{:04x} in bits 31:16)", dev_name(),
                              id, isa::kHwIdMagic));
    if ((id & 0xffff) != isa::kIsaVersion)
      throw Error(fmt::format("{}: hardware implements ISA version {}, the driver was built for version {}", dev_name(),
                              id & 0xffff, isa::kIsaVersion));
    if (dim != backend->config().dim)
      throw Error(fmt::format("{}: hardware array is {}x{}, but config '{}' says dim = {}", dev_name(), dim, dim,
                              backend->config().name, backend->config().dim));
  }

  void soft_reset() { backend->csr_write(isa::kCsrCtrl, bit(isa::kBitCtrlReset)); }

  // Makes the instruction buffer hold at least n instructions.
  void reserve_insns(uint64_t n) {
    const uint64_t need = std::max<uint64_t>(n, 1) * isa::kInsnBytes;
    if (insns && insns->size >= need) return;
    const uint64_t cap = std::max<uint64_t>({n, kMinInsnCapacity, insns ? 2 * insns->size / isa::kInsnBytes : 0});
    const uint64_t old_size = insns ? insns->size : 0;
    if (insns) {
      alloc.free(insns->addr, insns->id);  // its space may be part of the new one
      insns.reset();
    }
    for (uint64_t bytes : {cap * isa::kInsnBytes, need}) {
      try {
        insns = alloc.alloc(bytes, "<instructions>");
        return;
      } catch (const Error&) {
      }
    }
    const uint64_t free_bytes = alloc.free_bytes(), largest = alloc.largest_free();
    if (old_size) insns = alloc.alloc(old_size, "<instructions>");  // the space just freed
    throw Error(fmt::format("{}: no device memory for the {}-instruction buffer ({} bytes; {} bytes free, largest free "
                            "range {} bytes)",
                            dev_name(), n, need, free_bytes, largest));
  }

  std::string describe_insn(uint32_t i) const {
    if (i < running_prog.size()) return fmt::format("instruction {} ({})", i, isa::disassemble(running_prog[i]));
    return fmt::format("instruction {} (outside the {}-instruction program)", i, running_prog.size());
  }
};

std::unique_ptr<Device> Device::open(const std::string& backend, const Config& cfg) {
  return std::make_unique<Device>(make_backend(backend, cfg));
}

Device::Device(std::unique_ptr<Backend> backend) {
  if (!backend) throw Error("Device: no backend");
  impl_ = std::make_unique<Impl>(std::move(backend));
  impl_->check_identity();
  impl_->soft_reset();
}

Device::~Device() {
  if (impl_ && impl_->running) {
    try {
      impl_->soft_reset();  // never leave a program running on memory we no longer own
    } catch (...) {
    }
  }
}

const Config& Device::config() const { return impl_->backend->config(); }
Backend& Device::backend() { return *impl_->backend; }
const std::vector<Buffer>& Device::buffers() const { return impl_->buffers; }
bool Device::running() const { return impl_->running; }
double Device::last_run_seconds() const { return impl_->last_run; }

const Buffer* Device::find_buffer(uint32_t addr) const {
  auto it = std::lower_bound(impl_->buffers.begin(), impl_->buffers.end(), addr,
                             [](const Buffer& b, uint32_t a) { return b.addr < a; });
  return it != impl_->buffers.end() && it->addr == addr ? &*it : nullptr;
}

Buffer Device::alloc(uint32_t bytes, const std::string& name) {
  const Allocator::Block& b = impl_->alloc.alloc(bytes, name);
  Buffer buf{uint32_t(b.addr), bytes, name, b.id};
  auto& v = impl_->buffers;
  v.insert(std::upper_bound(v.begin(), v.end(), buf, [](const Buffer& x, const Buffer& y) { return x.addr < y.addr; }), buf);
  return buf;
}

void Device::free(const Buffer& buf) {
  if (impl_->running) {
    impl_->alloc.lookup(buf.addr, buf.id, buf.name);  // a bad handle is still reported as such
    throw Error(fmt::format("cannot free buffer '{}' while a program is running (call wait() first)", buf.name));
  }
  impl_->alloc.free(buf.addr, buf.id, buf.name);
  auto& v = impl_->buffers;
  v.erase(std::remove_if(v.begin(), v.end(), [&](const Buffer& b) { return b.id == buf.id; }), v.end());
}

void Device::write(const Buffer& buf, const void* src, size_t n, size_t offset) {
  const Allocator::Block& b = impl_->alloc.lookup(buf.addr, buf.id, buf.name);
  if (offset > b.size || n > b.size - offset)
    throw Error(fmt::format("write of {} bytes at offset {} overruns buffer '{}' ({} bytes)", n, offset, b.name, b.size));
  if (n) impl_->backend->mem_write(b.addr + offset, src, n);
}

void Device::read(const Buffer& buf, void* dst, size_t n, size_t offset) {
  const Allocator::Block& b = impl_->alloc.lookup(buf.addr, buf.id, buf.name);
  if (offset > b.size || n > b.size - offset)
    throw Error(fmt::format("read of {} bytes at offset {} overruns buffer '{}' ({} bytes)", n, offset, b.name, b.size));
  if (n) impl_->backend->mem_read(b.addr + offset, dst, n);
}

void Device::submit(const std::vector<isa::Insn>& prog) { launch(prog, true); }
void Device::submit_unchecked(const std::vector<isa::Insn>& prog) { launch(prog, false); }

void Device::launch(const std::vector<isa::Insn>& prog, bool validate) {
  Impl& d = *impl_;
  if (d.running) throw Error(fmt::format("{}: submit while a program is running (call wait() first)", d.dev_name()));
  if (prog.size() > UINT32_MAX) throw Error(fmt::format("program of {} instructions exceeds insn_count", prog.size()));
  const uint32_t status = d.backend->csr_read(isa::kCsrStatus);
  if (status & bit(isa::kBitStatusBusy))
    throw Error(fmt::format("{}: hardware is busy (status 0x{:x}) before submit", d.dev_name(), status));

  if (validate) validate_program(prog, config(), d.buffers);
  d.reserve_insns(prog.size());
  std::vector<uint8_t> bytes(prog.size() * isa::kInsnBytes);
  for (size_t i = 0; i < prog.size(); ++i) isa::insn_to_bytes(prog[i], bytes.data() + i * isa::kInsnBytes);
  if (!bytes.empty()) d.backend->mem_write(d.insns->addr, bytes.data(), bytes.size());

  d.backend->csr_write(isa::kCsrInsnBase, uint32_t(d.insns->addr));
  d.backend->csr_write(isa::kCsrInsnCount, uint32_t(prog.size()));
  d.running_prog = prog;
  d.t_start = Clock::now();
  d.running = true;
  try {
    d.backend->csr_write(isa::kCsrCtrl, bit(isa::kBitCtrlStart));
  } catch (const std::exception& e) {
    d.running = false;
    throw Error(fmt::format("{}: start failed: {}", d.dev_name(), e.what()));
  }
}

void Device::wait(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  if (!d.running) throw Error(fmt::format("{}: wait() without a submitted program", d.dev_name()));
  bool idle = false;
  try {
    idle = d.backend->wait_idle(timeout);
  } catch (...) {
    d.running = false;
    throw;
  }
  d.running = false;
  d.last_run = std::chrono::duration<double>(Clock::now() - d.t_start).count();
  if (!idle) {
    std::string state = d.backend->describe_state();
    if (state.empty()) state = "the backend gives no state description";
    d.soft_reset();
    throw Error(fmt::format("{}: timeout after {} ms waiting for the {}-instruction program (the device was reset); {}",
                            d.dev_name(), timeout.count(), d.running_prog.size(), state));
  }
  const uint32_t status = d.backend->csr_read(isa::kCsrStatus);
  if (status & bit(isa::kBitStatusError)) {
    const uint32_t code = d.backend->csr_read(isa::kCsrErrorCode), at = d.backend->csr_read(isa::kCsrErrorInsn);
    if (status & bit(isa::kBitStatusDmaError)) {
      // A failed memory access: which requester, which direction, which DRAM address.
      const uint32_t unit = d.backend->csr_read(isa::kCsrErrorUnit), addr = d.backend->csr_read(isa::kCsrErrorAddr);
      d.soft_reset();
      const uint32_t id = unit & 0xff;
      const char* who = "unknown";
      for (const isa::EnumValue& v : isa::kMemIdValues)
        if (uint32_t(v.value) == id) who = v.name;
      throw Error(fmt::format("{}: DMA {} error at DRAM address 0x{:08x} in the {} unit, {}: error {} (code {}); the "
                              "device was reset",
                              d.dev_name(), (unit & bit(isa::kBitErrorUnitWrite)) ? "write" : "read", addr, who,
                              d.describe_insn(at), isa::error_code_name(code), code));
    }
    d.soft_reset();
    throw Error(fmt::format("{}: error {} (code {}) at {}", d.dev_name(), isa::error_code_name(code), code, d.describe_insn(at)));
  }
  if (!(status & bit(isa::kBitStatusDone)))
    throw Error(fmt::format("{}: idle, but status 0x{:x} reports neither done nor error", d.dev_name(), status));
}

Counters Device::counters() {
  Counters c;
  Backend& b = *impl_->backend;
  for (uint32_t i = 0; i < isa::kNumCounters; ++i) {
    const uint32_t off = isa::kCounterBase + 8 * i;
    // Low word first. On a device still counting, the low word may wrap between the two
    // reads: then read the pair again (no tearing either way).
    uint32_t lo = b.csr_read(off), hi = b.csr_read(off + 4);
    const uint32_t lo2 = b.csr_read(off);
    if (lo2 < lo) {
      lo = lo2;
      hi = b.csr_read(off + 4);
    }
    c.v[i] = (uint64_t(hi) << 32) | lo;
  }
  return c;
}

}  // namespace systole::driver
