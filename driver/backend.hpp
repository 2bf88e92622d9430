// The narrow interface every accelerator backend implements (hls now; rtl, uart, fpga
// later): device memory access, CSR access, and waiting. The driver (device.hpp) builds
// everything else (allocation, validation, launch, counters) on these calls only, exactly
// as it would on a real board through UIO/mmap.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/config.hpp"

namespace systole::driver {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual const Config& config() const = 0;
  // Device memory ("DRAM"), byte addressed from 0 to mem_size().
  virtual uint64_t mem_size() const = 0;
  virtual void mem_write(uint64_t addr, const void* src, size_t n) = 0;
  virtual void mem_read(uint64_t addr, void* dst, size_t n) = 0;
  // 32-bit CSR block (offsets from arch/isa.toml: isa::kCsr*).
  virtual void csr_write(uint32_t offset, uint32_t value) = 0;
  virtual uint32_t csr_read(uint32_t offset) = 0;
  // Lets the device run until STATUS.busy clears or `timeout` of wall time passes.
  // Returns false on timeout. A simulator advances simulated time here.
  virtual bool wait_idle(std::chrono::milliseconds timeout) = 0;
  // Human-readable description of what each unit is doing (for timeout messages).
  virtual std::string describe_state() { return {}; }
};

using BackendFactory = std::function<std::unique_ptr<Backend>(const Config&)>;

// Backends register by name. register_backend replaces an existing entry of that name
// (tests install doubles this way). Thread-safe.
void register_backend(const std::string& name, BackendFactory factory);
// Registers the backends compiled into this build ("hls" when hls/ is built). Idempotent;
// backend_names() and make_backend() call it first, so a program linking the static
// library never depends on static initializers being kept by the linker.
void register_builtin_backends();
std::vector<std::string> backend_names();  // sorted
// Throws systole::Error listing the known names when `name` is not registered.
std::unique_ptr<Backend> make_backend(const std::string& name, const Config& cfg);

}  // namespace systole::driver
