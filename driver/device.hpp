// The user-space driver's C++ API: open a device by backend name, allocate DMA buffers,
// copy data in and out, submit a program (validated first), wait, read counters. The driver
// knows buffers and instructions, nothing of layers or networks.
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
  uint32_t addr = 0;  // device byte address
  uint32_t size = 0;  // bytes
  std::string name;
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

  // 64-byte aligned; throws systole::Error when device memory is exhausted.
  Buffer alloc(uint32_t bytes, const std::string& name = "");
  void free(const Buffer& buf);
  const std::vector<Buffer>& buffers() const;

  // Bounds-checked copies (throw systole::Error naming the buffer on overflow).
  void write(const Buffer& buf, const void* src, size_t n, size_t offset = 0);
  void read(const Buffer& buf, void* dst, size_t n, size_t offset = 0);

  // Validates the program against the config and the allocated buffers (validate.hpp),
  // copies it into device memory and starts it. Throws systole::Error and runs nothing when
  // the program is invalid.
  void submit(const std::vector<isa::Insn>& prog);
  // Waits for the submitted program. Throws systole::Error on timeout (naming the stuck
  // units) or when the device reports an error (naming the code and instruction).
  void wait(std::chrono::milliseconds timeout = std::chrono::minutes(10));
  Counters counters();
  // Wall time of the last submit..wait, seconds.
  double last_run_seconds() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace systole::driver
