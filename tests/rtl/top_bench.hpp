// Testbench around the Verilated systole_top: a DRAM model behind the memory-master port and
// an AXI4-Lite host for the CSRs.
//
// The DRAM model is the timing model's (docs/timing.md, "DRAM channel"): one data bus shared
// by reads and writes, first come first served in request order. A request of B beats
// accepted in cycle t gets the bus slots max(t + latency, bus_free) .. +B-1. A read presents
// beat j in its slot (or later, after backpressure); a write's data beats are accepted as the
// unit sends them and its response arrives in the cycle after its last slot. An access
// outside the modelled memory answers with an error.
#pragma once
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "arch/isa_gen.hpp"
#include "vl_port.hpp"

namespace systole::rtltest {

template <typename M, unsigned BUS>
class TopBench {
 public:
  explicit TopBench(size_t mem_bytes = 1 << 20, unsigned latency = 20)
      : ctx_(std::make_unique<VerilatedContext>()), m_(std::make_unique<M>(ctx_.get())), mem(mem_bytes, 0),
        latency_(latency) {
    reset(*m_);
  }

  M& model() { return *m_; }
  VerilatedContext& context() { return *ctx_; }
  uint64_t cycle() const { return cycle_; }

  // One clock cycle: drive DRAM and host inputs (clock low), evaluate, record the handshakes
  // of this cycle, then the rising edge.
  void step() {
    M& m = *m_;
    m.clk_i = 0;
    // With stall_requests, the request channel is ready in about one cycle of three
    // (pseudo-random): requests wait with valid high, as behind a busy AXI interconnect.
    stall_ = stall_ * 1103515245u + 12345u;
    m.mem_req_ready_i = !stall_requests || ((stall_ >> 16) % 3 == 0);
    m.mem_w_ready_i = 1;
    // Read response: head of the read queue once its slot has come.
    m.mem_r_valid_i = 0;
    if (!reads_.empty() && reads_.front().slot + reads_.front().beat <= cycle_) {
      const Txn& t = reads_.front();
      m.mem_r_valid_i = 1;
      m.mem_r_id_i = t.id;
      m.mem_r_last_i = (t.beat + 1 == t.beats);
      const uint64_t a = uint64_t(t.addr) + uint64_t(t.beat) * BUS;
      const bool err = a + BUS > mem.size();
      m.mem_r_err_i = err;
      if constexpr (BUS <= 8) {
        uint64_t v = 0;
        if (!err) std::memcpy(&v, &mem[a], BUS);
        m.mem_r_data_i = decltype(m.mem_r_data_i)(v);
      } else {
        if (err)
          std::memset(&m.mem_r_data_i[0], 0, BUS);
        else
          std::memcpy(&m.mem_r_data_i[0], &mem[a], BUS);  // VlWide words are little-endian
      }
    }
    m.mem_b_valid_i = 0;
    if (!bresp_.empty() && bresp_.front().slot <= cycle_ && bresp_.front().beat == bresp_.front().beats) {
      m.mem_b_valid_i = 1;
      m.mem_b_err_i = bresp_.front().err;
    }
    // Host.
    m.s_awvalid_i = host_w_;
    m.s_wvalid_i = host_w_;
    m.s_awaddr_i = host_waddr_;
    m.s_wdata_i = host_wdata_;
    m.s_wstrb_i = 0xf;
    m.s_bready_i = 1;
    m.s_arvalid_i = host_r_;
    m.s_araddr_i = host_raddr_;
    m.s_rready_i = 1;
    m.eval();

    // Handshakes of this cycle.
    if (m.mem_req_valid_o && m.mem_req_ready_i) {
      Txn t{uint32_t(m.mem_req_addr_o), uint32_t(m.mem_req_beats_o), 0, uint8_t(m.mem_req_id_o), 0};
      t.slot = std::max(cycle_ + latency_, bus_free_);
      bus_free_ = t.slot + t.beats;
      ++requests;
      if (m.mem_req_write_o) {
        writes_.push_back(t);
        t.slot = bus_free_;  // the response: the cycle after the last slot
        bresp_.push_back(t);
      } else {
        reads_.push_back(t);
      }
    }
    if (m.mem_r_valid_i && m.mem_r_ready_o) {
      Txn& t = reads_.front();
      if (++t.beat == t.beats) reads_.pop_front();
    }
    if (m.mem_w_valid_o) {
      Txn& t = writes_.front();
      const uint64_t a = uint64_t(t.addr) + uint64_t(t.beat) * BUS;
      const bool err = a + BUS > mem.size();
      for (unsigned i = 0; i < BUS; ++i)
        if (!err && get_bits(m.mem_w_strb_o, i, 1)) mem[a + i] = uint8_t(get_bits(m.mem_w_data_o, 8 * i, 8));
      t.err |= err;
      if (bool(m.mem_w_last_o) != (t.beat + 1 == t.beats)) ++protocol_errors;
      if (++t.beat == t.beats) {
        // The burst's response: its data is all here; it waits for its last bus slot.
        for (Txn& r : bresp_)
          if (r.beat != r.beats) {
            r.beat = r.beats, r.err = t.err;
            r.slot = std::max(r.slot, cycle_ + 1);
            break;
          }
        writes_.pop_front();
      }
    }
    if (m.mem_b_valid_i && m.mem_b_ready_o) bresp_.pop_front();
    if (host_w_ && m.s_awready_o) host_w_ = false;
    if (host_r_ && m.s_arready_o) host_r_ = false;
    if (m.s_rvalid_o) rdata_ = m.s_rdata_o, rvalid_seen_ = true;
    m.clk_i = 1;
    m.eval();
    ++cycle_;
  }

  void csr_write(uint32_t addr, uint32_t data) {
    host_w_ = true;
    host_waddr_ = addr;
    host_wdata_ = data;
    while (host_w_) step();
    step();  // B response
  }
  uint32_t csr_read(uint32_t addr) {
    host_r_ = true;
    host_raddr_ = addr;
    rvalid_seen_ = false;
    while (host_r_ || !rvalid_seen_) step();
    return rdata_;
  }
  uint64_t counter(isa::Counter c) {
    const uint32_t off = isa::kCounterBase + 8 * uint32_t(c);
    const uint64_t lo = csr_read(off), hi = csr_read(off + 4);
    return (hi << 32) | lo;
  }
  // Every counter, in isa::Counter order.
  std::vector<uint64_t> counters() {
    std::vector<uint64_t> v(isa::kNumCounters);
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) v[i] = counter(isa::Counter(i));
    return v;
  }

  // Starts `count` instructions at `base` (already in mem) and runs until busy clears (or
  // max_cycles). Returns the STATUS register.
  uint32_t start_and_wait(uint32_t base, uint32_t count, uint64_t max_cycles = 200000) {
    csr_write(isa::kCsrInsnBase, base);
    csr_write(isa::kCsrInsnCount, count);
    csr_write(isa::kCsrCtrl, 1u << isa::kBitCtrlStart);
    const uint64_t t0 = cycle_;
    uint32_t status = 0;
    do {
      for (int i = 0; i < 64; ++i) step();
      status = csr_read(isa::kCsrStatus);
    } while ((status & (1u << isa::kBitStatusBusy)) && cycle_ - t0 < max_cycles);
    return status;
  }

  // Writes the program at `base`, starts it and runs until busy clears (or max_cycles).
  // Returns the STATUS register.
  uint32_t run(const std::vector<isa::Insn>& prog, uint32_t base, uint64_t max_cycles = 200000) {
    for (size_t i = 0; i < prog.size(); ++i) isa::insn_to_bytes(prog[i], &mem[base + 16 * i]);
    return start_and_wait(base, uint32_t(prog.size()), max_cycles);
  }

  std::vector<uint8_t> mem;
  bool stall_requests = false;  // back-pressure on the request channel (see step)
  uint64_t requests = 0;
  int protocol_errors = 0;

 private:
  struct Txn {
    uint32_t addr, beats, beat;
    uint8_t id;
    uint64_t slot;  // first bus slot (reads, writes); response cycle (write responses)
    bool err = false;
  };
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> m_;
  unsigned latency_;
  uint64_t cycle_ = 0, bus_free_ = 0;
  uint32_t stall_ = 1;
  std::deque<Txn> reads_, writes_, bresp_;
  bool host_w_ = false, host_r_ = false, rvalid_seen_ = false;
  uint32_t host_waddr_ = 0, host_wdata_ = 0, host_raddr_ = 0, rdata_ = 0;
};

}  // namespace systole::rtltest
