// RTL memory-master -> TLM-2.0 bridge (see mem_bridge.hpp).
#include "sim/mem_bridge.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace systole::sim {

MemBridge::MemBridge(sc_core::sc_module_name name, uint32_t bus_bytes, const DramTiming& timing,
                     sc_core::sc_time clock_period)
    : sc_module(name), socket("socket"), bus_(bus_bytes), period_(clock_period) {
  set_timing(timing);
}

void MemBridge::set_timing(const DramTiming& t) {
  timing_ = t;
  channel_.configure(t, bus_);
  cpb_ = channel_.cycles_per_beat();
}

void MemBridge::reset() {
  reads_.clear();
  writes_.clear();
  w_fill_ = 0;
  outstanding_ = 0;
  r_free_ = w_free_ = 0;
  channel_.reset();
}

std::vector<uint8_t> MemBridge::take_buffer(size_t n) {
  std::vector<uint8_t> b;
  if (!spare_.empty()) {
    b = std::move(spare_.back());
    spare_.pop_back();
  }
  b.resize(n);
  return b;
}

tlm::tlm_response_status MemBridge::transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t n,
                                              uint8_t* be, uint64_t cycle, uint64_t* extra) {
  trans_.set_command(cmd);
  trans_.set_address(addr);
  trans_.set_data_ptr(data);
  trans_.set_data_length(n);
  trans_.set_streaming_width(n);
  trans_.set_byte_enable_ptr(be);
  trans_.set_byte_enable_length(be ? n : 0);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // Loosely-timed local time: how far this cycle is ahead of the SystemC time of the chunk.
  const sc_core::sc_time before = double(cycle - time_base_) * period_;
  sc_core::sc_time delay = before;
  socket->b_transport(trans_, delay);
  if (extra) {
    const sc_core::sc_time nominal = before + timing_.latency * period_;
    *extra = delay > nominal ? uint64_t(std::llround((delay - nominal) / period_)) : 0;
  }
  return trans_.get_response_status();
}

void MemBridge::on_request(uint64_t cycle, bool write, uint32_t addr, uint32_t beats, uint8_t id) {
  if (beats == 0) {  // not legal on this port (beats >= 1): served as one beat, counted
    ++stats_.protocol_errors;
    beats = 1;
  }
  ++outstanding_;
  const uint32_t n = beats * bus_;
  if (!write) {
    ++stats_.read_bursts;
    ReadBurst b{id, beats, 0, 0, take_buffer(n), std::vector<bool>(beats, false)};
    uint64_t extra = 0;
    const tlm::tlm_response_status st = transport(tlm::TLM_READ_COMMAND, addr, b.data.data(), n, nullptr, cycle, &extra);
    if (st == tlm::TLM_ADDRESS_ERROR_RESPONSE) {
      // Partly outside DRAM: beat by beat, so that only the beats outside report the error.
      for (uint32_t j = 0; j < beats; ++j)
        if (transport(tlm::TLM_READ_COMMAND, uint64_t(addr) + uint64_t(j) * bus_, b.data.data() + size_t(j) * bus_,
                      bus_, nullptr, cycle) != tlm::TLM_OK_RESPONSE) {
          b.err[j] = true;
          std::memset(b.data.data() + size_t(j) * bus_, 0, bus_);
          ++stats_.bus_errors;
        }
    } else if (st != tlm::TLM_OK_RESPONSE) {
      // A failed access as a whole (e.g. injected): every beat carries the error.
      std::fill(b.err.begin(), b.err.end(), true);
      std::memset(b.data.data(), 0, n);
      ++stats_.bus_errors;
    }
    b.start = channel_.reserve(cycle + extra, beats);
    reads_.push_back(std::move(b));
  } else {
    const uint64_t start = channel_.reserve(cycle, beats);
    ++stats_.write_bursts;
    WriteBurst b{addr, beats, 0, start + uint64_t(beats - 1) * cpb_, false, false, take_buffer(n), take_buffer(n)};
    writes_.push_back(std::move(b));
  }
}

void MemBridge::on_w_beat(uint64_t cycle, const uint8_t* data, uint32_t strb, bool last) {
  WriteBurst& b = writes_[w_fill_];
  w_free_ = cycle + cpb_;
  ++stats_.write_beats;
  std::memcpy(b.data.data() + size_t(b.beat) * bus_, data, bus_);
  uint8_t* be = b.be.data() + size_t(b.beat) * bus_;
  for (uint32_t i = 0; i < bus_; ++i) be[i] = (strb >> i) & 1 ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
  if (last != (b.beat + 1 == b.beats)) ++stats_.protocol_errors;
  if (++b.beat < b.beats) return;
  const uint32_t n = b.beats * bus_;
  uint64_t extra = 0;
  const tlm::tlm_response_status st =
      transport(tlm::TLM_WRITE_COMMAND, b.addr, b.data.data(), n, b.be.data(), cycle, &extra);
  if (st != tlm::TLM_OK_RESPONSE) {
    b.err = true;
    ++stats_.bus_errors;
    if (st == tlm::TLM_ADDRESS_ERROR_RESPONSE)
      for (uint32_t j = 0; j < b.beats; ++j)  // write what lies inside DRAM, like a real slave would
        transport(tlm::TLM_WRITE_COMMAND, uint64_t(b.addr) + uint64_t(j) * bus_, b.data.data() + size_t(j) * bus_, bus_,
                  b.be.data() + size_t(j) * bus_, cycle);
  }
  b.committed = true;
  if (b.resp_due <= cycle) b.resp_due = cycle + 1;
  b.resp_due += extra;
  spare_.push_back(std::move(b.data));
  spare_.push_back(std::move(b.be));
  ++w_fill_;
}

}  // namespace systole::sim
