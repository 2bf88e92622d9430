// The platform's DRAM: a TLM-2.0 target (loosely timed, blocking b_transport, plus DMI) over one
// host buffer of [dram] size_mib. b_transport checks the range (TLM_ADDRESS_ERROR_RESPONSE
// outside, which the bridge turns into a bus error), honours byte enables and adds the DRAM
// latency to the annotated delay; the channel's beat-level timing is applied by the bridge
// (mem_bridge.hpp). The driver reads and writes the same buffer directly (read/write below).
// Fault injection (dram_faults.hpp): chosen accesses answer TLM_GENERIC_ERROR_RESPONSE or add
// spike cycles to the annotated delay.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "sim/dram_faults.hpp"
#include "sim/dram_timing.hpp"

namespace systole::sim {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  Dram(sc_core::sc_module_name name, uint64_t bytes, const DramTiming& timing, sc_core::sc_time clock_period);

  uint64_t size() const { return size_; }
  uint8_t* data() { return mem_.get(); }
  const DramTiming& timing() const { return timing_; }
  void set_timing(const DramTiming& t) { timing_ = t; }
  // Replaces the fault rules; restarts the access count, the statistics and the random stream.
  void set_faults(const DramFaults& f);
  const DramFaults& faults() const { return faults_; }
  const DramFaultStats& fault_stats() const { return fault_stats_; }

  // Host (driver) access; throw systole::Error outside the memory.
  void write(uint64_t addr, const void* src, size_t n);
  void read(uint64_t addr, void* dst, size_t n) const;
  // Zeroes everything written since construction or the last clear() (a reused platform starts
  // from zeroed memory, like a fresh calloc, without touching 256 MiB).
  void clear();

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void check(uint64_t addr, size_t n, const char* what) const;
  void touch(uint64_t addr, size_t n) {
    if (addr < dirty_lo_) dirty_lo_ = addr;
    if (addr + n > dirty_hi_) dirty_hi_ = addr + n;
  }

  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };
  uint64_t size_;
  std::unique_ptr<uint8_t, FreeDeleter> mem_;
  DramTiming timing_;
  sc_core::sc_time period_;
  uint64_t dirty_lo_, dirty_hi_ = 0;
  DramFaults faults_;
  DramFaultStats fault_stats_;
  std::mt19937_64 rng_;
  uint64_t dir_accesses_ = 0;
};

}  // namespace systole::sim
