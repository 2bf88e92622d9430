// Bridge from the RTL top's memory-master port (docs/rtl.md: request / write data / read data /
// write response, valid-ready, bursts of BUS_BYTES beats) to TLM-2.0 transactions on the DRAM
// target, with the DRAM channel timing of docs/timing.md applied in cycle counts:
//
//  - a burst whose request handshakes in cycle t gets its beat slots from DramChannel: first
//    beat at max(t + L, bus_free), then one beat per cycles_per_beat (1 when the channel is as
//    wide as the bus); reads and writes share the slots, in request order;
//  - reads: one b_transport per burst at request time (data to a burst buffer); beat j is
//    presented on r from its slot on (later if r_ready was low: the channel slips);
//  - writes: beats are accepted as the RTL sends them (posted, at most one per cycles_per_beat),
//    committed with one b_transport (byte enables = strobes) when the last beat arrives; the
//    response is presented from the burst's last slot on (and after its last data beat);
//  - back-pressure: req_ready drops while max_outstanding bursts are in flight;
//  - a beat outside DRAM is a bus error (r err / b err), as TLM_ADDRESS_ERROR_RESPONSE; any other
//    error response (the DRAM's fault injection) fails the whole burst: every read beat with
//    `err`, or the write's `b err` (nothing written);
//  - delay the target annotates beyond the DRAM latency (a latency spike) postpones the burst:
//    its first read beat (and the channel behind it), or its write response.
//
// The core calls drive() before and the on_*() hooks after each cycle's combinational eval; no
// SystemC time passes per cycle (the clock thread advances time in chunks).
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "sim/dram_timing.hpp"

namespace systole::sim {

class MemBridge : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<MemBridge> socket;

  MemBridge(sc_core::sc_module_name name, uint32_t bus_bytes, const DramTiming& timing, sc_core::sc_time clock_period);

  // What the bridge presents to the RTL this cycle.
  struct Drive {
    bool req_ready = true, w_ready = false, r_valid = false, r_last = false, r_err = false, b_valid = false,
         b_err = false;
    uint8_t r_id = 0;
    const uint8_t* r_data = nullptr;  // bus_bytes bytes when r_valid
  };
  const Drive& drive(uint64_t cycle) {
    d_.req_ready = !timing_.max_outstanding || outstanding_ < timing_.max_outstanding;
    d_.r_valid = false;
    if (!reads_.empty()) {
      const ReadBurst& h = reads_.front();
      uint64_t due = h.start + uint64_t(h.beat) * cpb_;
      if (due < r_free_) due = r_free_;
      if (cycle >= due) {
        d_.r_valid = true;
        d_.r_id = h.id;
        d_.r_last = h.beat + 1 == h.beats;
        d_.r_err = h.err[h.beat];
        d_.r_data = h.data.data() + size_t(h.beat) * bus_;
      }
    }
    d_.w_ready = w_fill_ < writes_.size() && cycle >= w_free_;
    d_.b_valid = false;
    if (!writes_.empty() && writes_.front().committed && cycle >= writes_.front().resp_due) {
      d_.b_valid = true;
      d_.b_err = writes_.front().err;
    }
    return d_;
  }
  // Handshakes of this cycle (valid and ready both high).
  void on_request(uint64_t cycle, bool write, uint32_t addr, uint32_t beats, uint8_t id);
  void on_r_beat(uint64_t cycle) {
    ReadBurst& h = reads_.front();
    r_free_ = cycle + cpb_;
    ++stats_.read_beats;
    if (++h.beat == h.beats) {
      spare_.push_back(std::move(h.data));
      reads_.pop_front();
      --outstanding_;
    }
  }
  void on_w_beat(uint64_t cycle, const uint8_t* data, uint32_t strb, bool last);
  void on_b(uint64_t) {
    writes_.pop_front();
    --w_fill_;
    --outstanding_;
  }

  struct Stats {
    uint64_t read_bursts = 0, write_bursts = 0, read_beats = 0, write_beats = 0, bus_errors = 0, protocol_errors = 0;
  };
  const Stats& stats() const { return stats_; }
  uint32_t outstanding() const { return outstanding_; }
  uint32_t reads_in_flight() const { return uint32_t(reads_.size()); }
  uint32_t writes_in_flight() const { return uint32_t(writes_.size()); }
  // Drops every burst in flight (with a hardware reset of the RTL) and restarts the channel.
  void reset();
  void set_timing(const DramTiming& t);
  const DramTiming& timing() const { return timing_; }
  // The cycle that corresponds to the current SystemC time (the LT local-time base).
  void set_time_base(uint64_t cycle) { time_base_ = cycle; }

 private:
  struct ReadBurst {
    uint8_t id;
    uint32_t beats, beat;
    uint64_t start;
    std::vector<uint8_t> data;
    std::vector<bool> err;
  };
  struct WriteBurst {
    uint32_t addr, beats, beat;
    uint64_t resp_due;  // last slot of the burst
    bool committed, err;
    std::vector<uint8_t> data, be;
  };
  // One b_transport of n bytes at addr: its response status, and in *extra the cycles the target
  // annotated beyond the DRAM latency.
  tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t n, uint8_t* be,
                                     uint64_t cycle, uint64_t* extra = nullptr);
  std::vector<uint8_t> take_buffer(size_t n);

  uint32_t bus_, cpb_ = 1;
  DramTiming timing_;
  DramChannel channel_;
  sc_core::sc_time period_;
  Drive d_;
  std::deque<ReadBurst> reads_;
  std::deque<WriteBurst> writes_;  // in request order; the first w_fill_ have all their data
  size_t w_fill_ = 0;
  uint32_t outstanding_ = 0;
  uint64_t r_free_ = 0, w_free_ = 0, time_base_ = 0;
  std::vector<std::vector<uint8_t>> spare_;
  tlm::tlm_generic_payload trans_;
  Stats stats_;
};

}  // namespace systole::sim
