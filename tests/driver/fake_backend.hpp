// A scripted test double of the Backend interface: host-RAM device memory, a CSR block that
// logs every access, and a `behaviour` chosen by the test (finish, fault at an instruction,
// hang). It does not execute instructions; tests of real execution use the "hls" backend.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "driver/backend.hpp"

namespace systole::driver::testing {

class FakeBackend : public Backend {
 public:
  enum class Behaviour { Finish, Fault, Hang };

  explicit FakeBackend(const Config& cfg, uint64_t mem_bytes = 1 << 20);

  std::string name() const override { return "fake"; }
  const Config& config() const override { return cfg_; }
  uint64_t mem_size() const override { return mem_.size(); }
  void mem_write(uint64_t addr, const void* src, size_t n) override;
  void mem_read(uint64_t addr, void* dst, size_t n) override;
  void csr_write(uint32_t offset, uint32_t value) override;
  uint32_t csr_read(uint32_t offset) override;
  bool wait_idle(std::chrono::milliseconds timeout) override;
  std::string describe_state() override;

  // Script.
  Behaviour behaviour = Behaviour::Finish;
  uint32_t fault_code = 1, fault_insn = 0;
  uint32_t hw_id;                      // defaults to a correct id
  uint32_t hw_dim;                     // defaults to cfg.dim
  uint64_t counter_base = 0x1'0000'0000ull;  // counters[i] = counter_base * (i + 1) + insns

  // Observations.
  std::vector<std::pair<uint32_t, uint32_t>> csr_writes;  // (offset, value) in order
  std::vector<uint8_t> last_program;   // instruction bytes read at start
  int starts = 0, resets = 0;
  std::vector<uint8_t>& mem() { return mem_; }
  uint32_t status() const { return status_; }

 private:
  Config cfg_;
  std::vector<uint8_t> mem_;
  uint32_t ctrl_ = 0, status_ = 0, base_ = 0, count_ = 0, code_ = 0, insn_ = 0;
  uint64_t counters_[16] = {};
};

}  // namespace systole::driver::testing

// For the C test: registers FakeBackend under the name "fake".
extern "C" void systole_test_register_fake_backend(void);
