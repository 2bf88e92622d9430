// RTL memory-master -> TLM-2.0 bridge (see mem_bridge.hpp).
#include "sim/mem_bridge.hpp"

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

bool MemBridge::transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t n, uint8_t* be, uint64_t cycle) {
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
  sc_core::sc_time delay = double(cycle - time_base_) * period_;
  socket->b_transport(trans_, delay);
  return trans_.is_response_ok();
}

void MemBridge::on_request(uint64_t cycle, bool write, uint32_t addr, uint32_t beats, uint8_t id) {
  if (beats == 0) {  // not legal on this port (beats >= 1): served as one beat, counted
    ++stats_.protocol_errors;
    beats = 1;
  }
  ++outstanding_;
  const uint64_t start = channel_.reserve(cycle, beats);
  const uint32_t n = beats * bus_;
  if (!write) {
    ++stats_.read_bursts;
    ReadBurst b{id, beats, 0, start, take_buffer(n), std::vector<bool>(beats, false)};
    if (!transport(tlm::TLM_READ_COMMAND, addr, b.data.data(), n, nullptr, cycle)) {
      // Partly outside DRAM: beat by beat, so that only the beats outside report the error.
      for (uint32_t j = 0; j < beats; ++j)
        if (!transport(tlm::TLM_READ_COMMAND, uint64_t(addr) + uint64_t(j) * bus_, b.data.data() + size_t(j) * bus_,
                       bus_, nullptr, cycle)) {
          b.err[j] = true;
          std::memset(b.data.data() + size_t(j) * bus_, 0, bus_);
          ++stats_.bus_errors;
        }
    }
    reads_.push_back(std::move(b));
  } else {
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
  if (!transport(tlm::TLM_WRITE_COMMAND, b.addr, b.data.data(), n, b.be.data(), cycle)) {
    b.err = true;
    ++stats_.bus_errors;
    for (uint32_t j = 0; j < b.beats; ++j)  // write what lies inside DRAM, like a real slave would
      transport(tlm::TLM_WRITE_COMMAND, uint64_t(b.addr) + uint64_t(j) * bus_, b.data.data() + size_t(j) * bus_, bus_,
                b.be.data() + size_t(j) * bus_, cycle);
  }
  b.committed = true;
  if (b.resp_due <= cycle) b.resp_due = cycle + 1;
  spare_.push_back(std::move(b.data));
  spare_.push_back(std::move(b.be));
  ++w_fill_;
}

}  // namespace systole::sim
