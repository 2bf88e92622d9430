// The C API (systole.h) over Device: every entry point catches everything and turns it
// into a status code plus a message kept per device.
#include "driver/systole.h"

#include <fmt/format.h>

#include <new>
#include <string>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/device.hpp"

struct systole_device {
  std::unique_ptr<systole::driver::Device> dev;
  std::string last_error;
};

namespace {

thread_local std::string g_open_error;

// Runs f, mapping exceptions to codes and recording the message in *err.
template <class F>
int guarded(std::string& err, F&& f) {
  try {
    err.clear();
    return f();
  } catch (const std::bad_alloc&) {
    err = "out of host memory";
    return SYSTOLE_ENOMEM;
  } catch (const std::exception& e) {
    err = e.what();
    return SYSTOLE_ERROR;
  } catch (...) {
    err = "unknown error";
    return SYSTOLE_ERROR;
  }
}

int invalid(systole_device* d, const std::string& msg) {
  d->last_error = msg;
  return SYSTOLE_EINVAL;
}

const systole::driver::Buffer* buffer_at(systole_device* d, uint32_t addr) {
  return d->dev->find_buffer(addr);
}

}  // namespace

extern "C" {

systole_device* systole_open(const char* backend, const char* config) {
  systole_device* out = nullptr;
  guarded(g_open_error, [&] {
    const systole::Config cfg = systole::load_config(config ? config : "default");
    auto d = std::make_unique<systole_device>();
    d->dev = systole::driver::Device::open(backend ? backend : "hls", cfg);
    out = d.release();
    return SYSTOLE_OK;
  });
  return out;
}

void systole_close(systole_device* dev) {
  try {
    delete dev;
  } catch (...) {  // destructors do not throw; belt and braces at the boundary
  }
}

uint32_t systole_dim(const systole_device* dev) { return dev ? dev->dev->config().dim : 0; }

int systole_alloc(systole_device* dev, size_t bytes, const char* name, uint32_t* addr) {
  if (!dev) return SYSTOLE_EINVAL;
  if (!addr) return invalid(dev, "systole_alloc: addr is NULL");
  if (bytes > UINT32_MAX) return invalid(dev, fmt::format("systole_alloc: {} bytes exceeds the 32-bit address space", bytes));
  return guarded(dev->last_error, [&] {
    *addr = dev->dev->alloc(uint32_t(bytes), name ? name : "").addr;
    return SYSTOLE_OK;
  });
}

int systole_free(systole_device* dev, uint32_t addr) {
  if (!dev) return SYSTOLE_EINVAL;
  const systole::driver::Buffer* b = buffer_at(dev, addr);
  if (!b) return invalid(dev, fmt::format("systole_free: no buffer starts at 0x{:x} (double free or foreign address)", addr));
  return guarded(dev->last_error, [&] {
    dev->dev->free(systole::driver::Buffer(*b));  // copy: free() erases the listed entry
    return SYSTOLE_OK;
  });
}

int systole_write(systole_device* dev, uint32_t addr, size_t offset, const void* src, size_t n) {
  if (!dev) return SYSTOLE_EINVAL;
  if (!src && n) return invalid(dev, "systole_write: src is NULL");
  const systole::driver::Buffer* b = buffer_at(dev, addr);
  if (!b) return invalid(dev, fmt::format("systole_write: no buffer starts at 0x{:x}", addr));
  return guarded(dev->last_error, [&] {
    dev->dev->write(*b, src, n, offset);
    return SYSTOLE_OK;
  });
}

int systole_read(systole_device* dev, uint32_t addr, size_t offset, void* dst, size_t n) {
  if (!dev) return SYSTOLE_EINVAL;
  if (!dst && n) return invalid(dev, "systole_read: dst is NULL");
  const systole::driver::Buffer* b = buffer_at(dev, addr);
  if (!b) return invalid(dev, fmt::format("systole_read: no buffer starts at 0x{:x}", addr));
  return guarded(dev->last_error, [&] {
    dev->dev->read(*b, dst, n, offset);
    return SYSTOLE_OK;
  });
}

int systole_submit(systole_device* dev, const void* insns, size_t count) {
  if (!dev) return SYSTOLE_EINVAL;
  if (!insns && count) return invalid(dev, "systole_submit: insns is NULL");
  return guarded(dev->last_error, [&] {
    std::vector<systole::isa::Insn> prog(count);
    const uint8_t* p = static_cast<const uint8_t*>(insns);
    for (size_t i = 0; i < count; ++i) prog[i] = systole::isa::insn_from_bytes(p + i * SYSTOLE_INSN_BYTES);
    dev->dev->submit(prog);
    return SYSTOLE_OK;
  });
}

int systole_assemble(systole_device* dev, const char* text, void* out, size_t max_insns) {
  std::string& err = dev ? dev->last_error : g_open_error;
  if (!text || (!out && max_insns)) {
    err = "systole_assemble: text or out is NULL";
    return SYSTOLE_EINVAL;
  }
  return guarded(err, [&] {
    const std::vector<systole::isa::Insn> prog = systole::isa::assemble(text, "<systole_assemble>");
    if (prog.size() > max_insns)
      throw systole::Error(fmt::format("systole_assemble: {} instructions do not fit the {} given", prog.size(), max_insns));
    if (prog.size() > size_t(INT32_MAX)) throw systole::Error("systole_assemble: too many instructions");
    uint8_t* p = static_cast<uint8_t*>(out);
    for (size_t i = 0; i < prog.size(); ++i) systole::isa::insn_to_bytes(prog[i], p + i * SYSTOLE_INSN_BYTES);
    return int(prog.size());
  });
}

int systole_wait(systole_device* dev, uint32_t timeout_ms) {
  if (!dev) return SYSTOLE_EINVAL;
  return guarded(dev->last_error, [&] {
    dev->dev->wait(timeout_ms ? std::chrono::milliseconds(timeout_ms) : std::chrono::minutes(10));
    return SYSTOLE_OK;
  });
}

size_t systole_num_counters(void) { return systole::isa::kNumCounters; }

const char* systole_counter_name(size_t i) {
  return i < systole::isa::kNumCounters ? systole::isa::kCounterNames[i] : nullptr;
}

int systole_counters(systole_device* dev, uint64_t* out, size_t n) {
  if (!dev) return SYSTOLE_EINVAL;
  if (!out && n) return invalid(dev, "systole_counters: out is NULL");
  return guarded(dev->last_error, [&] {
    const systole::driver::Counters c = dev->dev->counters();
    const size_t k = n < systole::isa::kNumCounters ? n : systole::isa::kNumCounters;
    for (size_t i = 0; i < k; ++i) out[i] = c.v[i];
    return int(k);
  });
}

const char* systole_last_error(const systole_device* dev) {
  return dev ? dev->last_error.c_str() : g_open_error.c_str();
}

}  // extern "C"
