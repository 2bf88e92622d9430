// TLM-2.0 DRAM target (see dram.hpp). Memory is one calloc block: the OS maps pages lazily, so
// the 256 MiB of the default design point cost only what a program touches.
#include "sim/dram.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

#include "arch/error.hpp"

namespace systole::sim {

void Dram::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

Dram::Dram(sc_core::sc_module_name name, uint64_t bytes, const DramTiming& timing, sc_core::sc_time clock_period)
    : sc_module(name), socket("socket"), size_(bytes), timing_(timing), period_(clock_period), dirty_lo_(bytes) {
  mem_.reset(static_cast<uint8_t*>(std::calloc(size_, 1)));
  if (!mem_) throw Error(fmt::format("sim: cannot reserve {} bytes of DRAM", size_));
  socket.register_b_transport(this, &Dram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Dram::transport_dbg);
}

void Dram::check(uint64_t addr, size_t n, const char* what) const {
  if (addr > size_ || n > size_ - addr)
    throw Error(fmt::format("rtl platform: {} of {} bytes at 0x{:x} is outside DRAM ({} bytes)", what, n, addr, size_));
}

void Dram::write(uint64_t addr, const void* src, size_t n) {
  check(addr, n, "write");
  if (!n) return;
  std::memcpy(mem_.get() + addr, src, n);
  touch(addr, n);
}

void Dram::read(uint64_t addr, void* dst, size_t n) const {
  check(addr, n, "read");
  if (n) std::memcpy(dst, mem_.get() + addr, n);
}

void Dram::clear() {
  if (dirty_hi_ > dirty_lo_) std::memset(mem_.get() + dirty_lo_, 0, dirty_hi_ - dirty_lo_);
  dirty_lo_ = size_;
  dirty_hi_ = 0;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const size_t n = trans.get_data_length();
  if (trans.get_streaming_width() < n) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (addr > size_ || n > size_ - addr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint8_t* mem = mem_.get() + addr;
  uint8_t* data = trans.get_data_ptr();
  const uint8_t* be = trans.get_byte_enable_ptr();
  const size_t be_len = trans.get_byte_enable_length();
  if (trans.is_read()) {
    std::memcpy(data, mem, n);
  } else if (trans.is_write()) {
    if (be && be_len) {
      for (size_t i = 0; i < n; ++i)
        if (be[i % be_len] == TLM_BYTE_ENABLED) mem[i] = data[i];
    } else {
      std::memcpy(mem, data, n);
    }
    touch(addr, n);
  }
  delay += timing_.latency * period_;
  trans.set_dmi_allowed(true);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  // Direct access bypasses the dirty tracking: a DMI writer must call write() or accept that a
  // reused platform may not zero what it wrote (the bridge never uses DMI).
  dmi.set_dmi_ptr(mem_.get());
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(timing_.latency * period_);
  dmi.set_write_latency(timing_.latency * period_);
  return true;
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  if (addr >= size_) return 0;
  const size_t n = std::min<uint64_t>(trans.get_data_length(), size_ - addr);
  if (trans.is_read()) std::memcpy(trans.get_data_ptr(), mem_.get() + addr, n);
  if (trans.is_write()) {
    std::memcpy(mem_.get() + addr, trans.get_data_ptr(), n);
    touch(addr, n);
  }
  return unsigned(n);
}

}  // namespace systole::sim
