// TLM-2.0 DRAM target (see dram.hpp). Memory is one calloc block: the OS maps pages lazily, so
// the 256 MiB of the default design point cost only what a program touches.
#include "sim/dram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

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
  delay += timing_.latency * period_;
  if (faults_.any()) {
    // Fault injection: the access count, then a latency spike and/or an error response.
    const DramFaults& f = faults_;
    const uint64_t k = ++fault_stats_.accesses;
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (f.spike_cycles && ((f.spike_every && k % f.spike_every == 0) ||
                           (f.spike_probability > 0 && u(rng_) < f.spike_probability))) {
      delay += double(f.spike_cycles) * period_;
      ++fault_stats_.spikes;
    }
    const bool dir_ok = f.error_dir == DramFaults::Dir::Any ||
                        (f.error_dir == DramFaults::Dir::Read ? trans.is_read() : trans.is_write());
    const uint64_t kd = dir_ok ? ++dir_accesses_ : 0;  // the k-th access of error_dir
    const bool fail = (f.error_at && f.error_at == kd) || (f.error_hi > f.error_lo && addr < f.error_hi && addr + n > f.error_lo) ||
                      (f.error_probability > 0 && u(rng_) < f.error_probability);
    if (dir_ok && fail) {
      ++fault_stats_.errors;
      trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
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
  trans.set_dmi_allowed(!faults_.any());  // DMI would bypass the injection
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Dram::set_faults(const DramFaults& f) {
  faults_ = f;
  fault_stats_ = {};
  dir_accesses_ = 0;
  rng_.seed(f.seed);
}

namespace {

uint64_t parse_u64(const std::string& key, const std::string& v) {
  size_t used = 0;
  uint64_t x = 0;
  try {
    x = std::stoull(v, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (v.empty() || used != v.size())
    throw Error(fmt::format("DRAM faults: '{}={}' is not a number", key, v));
  return x;
}

double parse_p(const std::string& key, const std::string& v) {
  size_t used = 0;
  double x = -1;
  try {
    x = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (v.empty() || used != v.size() || !(x >= 0 && x <= 1))
    throw Error(fmt::format("DRAM faults: '{}={}' is not a probability in [0, 1]", key, v));
  return x;
}

}  // namespace

DramFaults parse_dram_faults(const std::string& spec) {
  DramFaults f;
  if (spec.empty() || spec == "none") return f;
  size_t pos = 0;
  while (pos <= spec.size()) {
    const size_t end = std::min(spec.find(',', pos), spec.size());
    const std::string item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw Error(fmt::format("DRAM faults: '{}' is not key=value", item));
    const std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "error_at") {
      f.error_at = parse_u64(k, v);
    } else if (k == "error_range") {
      const size_t dash = v.find('-');
      if (dash == std::string::npos) throw Error(fmt::format("DRAM faults: 'error_range={}' is not LO-HI", v));
      f.error_lo = parse_u64(k, v.substr(0, dash));
      f.error_hi = parse_u64(k, v.substr(dash + 1));
    } else if (k == "error_p") {
      f.error_probability = parse_p(k, v);
    } else if (k == "error_dir") {
      if (v == "any") f.error_dir = DramFaults::Dir::Any;
      else if (v == "read") f.error_dir = DramFaults::Dir::Read;
      else if (v == "write") f.error_dir = DramFaults::Dir::Write;
      else throw Error(fmt::format("DRAM faults: 'error_dir={}' is not any, read or write", v));
    } else if (k == "spike_every") {
      f.spike_every = parse_u64(k, v);
    } else if (k == "spike_p") {
      f.spike_probability = parse_p(k, v);
    } else if (k == "spike_cycles") {
      f.spike_cycles = uint32_t(parse_u64(k, v));
    } else if (k == "seed") {
      f.seed = parse_u64(k, v);
    } else {
      throw Error(fmt::format("DRAM faults: unknown key '{}' (error_at, error_range, error_p, error_dir, spike_every, "
                              "spike_p, spike_cycles, seed)",
                              k));
    }
  }
  return f;
}

std::string to_string(const DramFaults& f) {
  if (!f.any()) return "none";
  static const char* dirs[] = {"any", "read", "write"};
  return fmt::format("error_at={},error_range=0x{:x}-0x{:x},error_p={},error_dir={},spike_every={},spike_p={},"
                     "spike_cycles={},seed={}",
                     f.error_at, f.error_lo, f.error_hi, f.error_probability, dirs[int(f.error_dir)], f.spike_every,
                     f.spike_probability, f.spike_cycles, f.seed);
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
