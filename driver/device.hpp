// The user-space driver's C++ API: open a device by backend name, allocate DMA buffers,
// copy data in and out, submit a program (validated first), wait, read counters. The driver
// knows buffers and instructions, nothing of layers or networks. A Device is used from one
// thread at a time. Launch protocol over the CSRs: docs/driver.md.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/backend.hpp"

namespace systole::driver {

struct Buffer {
  uint32_t addr = 0;  // device byte address (64-byte aligned)
  uint32_t size = 0;  // bytes requested
  std::string name;
  uint64_t id = 0;    // identifies the allocation: a freed or foreign Buffer is rejected
};

struct Counters {
  uint64_t v[isa::kNumCounters] = {};
  uint64_t operator[](isa::Counter c) const { return v[uint32_t(c)]; }
};

class Device {
 public:
  static std::unique_ptr<Device> open(const std::string& backend, const Config& cfg);
  explicit Device(std::unique_ptr<Backend> backend);
  ~Device();

  const Config& config() const;
  Backend& backend();

  // 64-byte aligned; throws systole::Error when device memory is exhausted or bytes == 0.
  // Device address 0 .. kReservedBytes-1 is never handed out, so a zero address is
  // always caught by validation.
  static constexpr uint32_t kReservedBytes = 4096;
  Buffer alloc(uint32_t bytes, const std::string& name = "");
  // Throws systole::Error on a double free, a stale or foreign buffer, or while running.
  void free(const Buffer& buf);
  // Live user buffers sorted by address (the driver's instruction buffer is not listed).
  const std::vector<Buffer>& buffers() const;
  // The live user buffer starting at addr, or nullptr.
  const Buffer* find_buffer(uint32_t addr) const;

  // Bounds-checked copies (throw systole::Error naming the buffer on overflow).
  void write(const Buffer& buf, const void* src, size_t n, size_t offset = 0);
  void read(const Buffer& buf, void* dst, size_t n, size_t offset = 0);

  // Validates the program against the config and the allocated buffers (validate.hpp),
  // copies it into device memory and starts it. Throws systole::Error and runs nothing when
  // the program is invalid.
  void submit(const std::vector<isa::Insn>& prog);
  // Same without validate_program: for tests of the hardware's own fault checks and for
  // differential testing of backends on arbitrary programs. Never needed by a compiler.
  void submit_unchecked(const std::vector<isa::Insn>& prog);
  // Waits for the submitted program. Throws systole::Error on timeout (naming the stuck
  // units) or when the device reports an error (naming the code and instruction). Either
  // way the device is soft-reset and ready for the next submit.
  void wait(std::chrono::milliseconds timeout = std::chrono::minutes(10));
  bool running() const;  // submitted and not yet waited for
  Counters counters();
  // Wall time of the last submit..wait, seconds.
  double last_run_seconds() const;

 private:
  void launch(const std::vector<isa::Insn>& prog, bool validate);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace systole::driver
