// The per-cycle loop over one Verilated systole_top model M (--cc), instantiated once per model
// by sim/model.cpp.in. One cycle = drive inputs, eval with the clock low (combinational
// settle), sample the handshakes, eval with the clock high (posedge): two evals and a few
// branches, no SystemC calls (the clock thread advances SystemC time per run() chunk).
#pragma once
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "arch/error.hpp"
#include "sim/axi_lite_host.hpp"
#include "sim/core.hpp"
#include "sim/mem_bridge.hpp"
#include "verilated.h"

namespace systole::sim {

template <typename M, typename Trace>
class VerilatedCore final : public Core {
 public:
  explicit VerilatedCore(const ModelParams& p)
      : params_(p), ctx_(std::make_unique<VerilatedContext>()), m_(std::make_unique<M>(ctx_.get(), "top")) {
    // The memory data ports are copied as bus_bytes little-endian bytes (CData..VlWide).
    if (sizeof(m_->mem_r_data_i) < p.bus_bytes || sizeof(m_->mem_w_data_o) < p.bus_bytes)
      throw Error(fmt::format("rtl platform: model {} has a narrower memory data port than its {}-byte bus", p.prefix,
                              p.bus_bytes));
    if constexpr (!std::is_void_v<Trace>) ctx_->traceEverOn(true);
    // A failed RTL assertion stops the run (Stop::Assertion) instead of aborting the process.
    ctx_->fatalOnError(false);
  }
  ~VerilatedCore() override { close_trace(); }

  const ModelParams& params() const override { return params_; }
  void attach(MemBridge* bridge, AxiLiteHost* host) override { bridge_ = bridge, host_ = host; }

  void hard_reset() override {
    M& m = *m_;
    ctx_->gotError(false);
    ctx_->gotFinish(false);
    idle_inputs(m);
    m.rst_ni = 0;
    for (int i = 0; i < 2; ++i) {
      m.clk_i = 0;
      m.eval();
      m.clk_i = 1;
      m.eval();
      ++cycle_;
    }
    m.rst_ni = 1;
    m.clk_i = 0;
    m.eval();
    last_progress_ = cycle_;
  }

  RunResult run(uint64_t max_cycles, Until until, uint64_t watchdog) override {
    M& m = *m_;
    MemBridge& br = *bridge_;
    AxiLiteHost& host = *host_;
    auto& root = *m.rootp;
    const uint32_t bus = params_.bus_bytes;
    const uint64_t start = cycle_;
    RunResult r;
    r.stop = Stop::Budget;
    for (uint64_t n = 0; n < max_cycles; ++n) {
      // Inputs of this cycle.
      const MemBridge::Drive& d = br.drive(cycle_);
      m.mem_req_ready_i = d.req_ready;
      m.mem_w_ready_i = d.w_ready;
      m.mem_r_valid_i = d.r_valid;
      if (d.r_valid) {
        std::memcpy(&m.mem_r_data_i, d.r_data, bus);
        m.mem_r_last_i = d.r_last;
        m.mem_r_err_i = d.r_err;
        m.mem_r_id_i = d.r_id;
      }
      m.mem_b_valid_i = d.b_valid;
      m.mem_b_err_i = d.b_err;
      const bool aw = host.aw_w_valid(), ar = host.ar_valid();
      m.s_awvalid_i = aw;
      m.s_wvalid_i = aw;
      m.s_arvalid_i = ar;
      if (aw) m.s_awaddr_i = host.addr(), m.s_wdata_i = host.wdata();
      if (ar) m.s_araddr_i = host.addr();
      m.clk_i = 0;
      m.eval();
      dump(2 * cycle_);

      // Handshakes of this cycle.
      bool progress = false;
      if (m.mem_req_valid_o && d.req_ready) {
        br.on_request(cycle_, m.mem_req_write_o, uint32_t(m.mem_req_addr_o), uint32_t(m.mem_req_beats_o),
                      uint8_t(m.mem_req_id_o));
        progress = true;
      }
      if (d.r_valid && m.mem_r_ready_o) br.on_r_beat(cycle_), progress = true;
      if (m.mem_w_valid_o && d.w_ready) {
        br.on_w_beat(cycle_, reinterpret_cast<const uint8_t*>(&m.mem_w_data_o), uint32_t(m.mem_w_strb_o),
                     m.mem_w_last_o);
        progress = true;
      }
      if (d.b_valid && m.mem_b_ready_o) br.on_b(cycle_), progress = true;
      if (!host.done())
        host.sample(m.s_awready_o, m.s_bvalid_o, m.s_bresp_o, m.s_arready_o, m.s_rvalid_o, m.s_rdata_o, m.s_rresp_o);
      const bool lr = root.systole_top__DOT__l_ret, er = root.systole_top__DOT__e_ret, sr = root.systole_top__DOT__s_ret;
      if (lr | er | sr) ret_l_ += lr, ret_e_ += er, ret_s_ += sr, progress = true;
      progress |= bool(root.systole_top__DOT__e_row);

      m.clk_i = 1;
      m.eval();
      dump(2 * cycle_ + 1);
      ++cycle_;

      if (progress || !root.systole_top__DOT__ctl_state) last_progress_ = cycle_;
      if (ctx_->gotError()) {  // an assertion failed in this cycle (its message is on stdout)
        r.stop = Stop::Assertion;
        break;
      }
      if (until == Until::HostDone && host.done()) {
        r.stop = Stop::HostDone;
        break;
      }
      if (until == Until::Idle && !root.systole_top__DOT__ctl_state) {
        r.stop = Stop::Idle;
        break;
      }
      if (watchdog && cycle_ - last_progress_ >= watchdog) {
        r.stop = Stop::Watchdog;
        break;
      }
    }
    r.cycles = cycle_ - start;
    return r;
  }

  uint64_t cycle() const override { return cycle_; }
  bool busy() const override { return m_->rootp->systole_top__DOT__ctl_state != 0; }

  UnitState unit_state() const override {
    const auto& t = *m_->rootp;
    UnitState s;
    s.cycle = cycle_;
    s.ctl = t.systole_top__DOT__ctl_state;
    s.fetch_done = t.systole_top__DOT__f_done;
    s.fetch_idle = t.systole_top__DOT__f_idle;
    s.q_load = t.systole_top__DOT__q_ld_count;
    s.q_exec = t.systole_top__DOT__q_ex_count;
    s.q_store = t.systole_top__DOT__q_st_count;
    s.tok_le = t.systole_top__DOT__t_le_avail;
    s.tok_el = t.systole_top__DOT__t_el_avail;
    s.tok_es = t.systole_top__DOT__t_es_avail;
    s.tok_se = t.systole_top__DOT__t_se_avail;
    s.load_idle = t.systole_top__DOT__l_idle, s.load_busy = t.systole_top__DOT__l_busy;
    s.load_wait = t.systole_top__DOT__l_wait;
    s.exec_idle = t.systole_top__DOT__e_idle, s.exec_busy = t.systole_top__DOT__e_busy;
    s.exec_wait = t.systole_top__DOT__e_wait;
    s.store_idle = t.systole_top__DOT__s_idle, s.store_busy = t.systole_top__DOT__s_busy;
    s.store_wait = t.systole_top__DOT__s_wait;
    s.load_retired = ret_l_, s.exec_retired = ret_e_, s.store_retired = ret_s_;
    s.reads_in_flight = bridge_ ? bridge_->reads_in_flight() : 0;
    s.writes_in_flight = bridge_ ? bridge_->writes_in_flight() : 0;
    s.cycles_since_progress = cycle_ - last_progress_;
    return s;
  }
  void clear_retired() override { ret_l_ = ret_e_ = ret_s_ = 0; }

  void open_trace(const std::string& path, uint64_t period_ps) override {
    if constexpr (std::is_void_v<Trace>) {
      throw Error(fmt::format("rtl platform: model {} was built without tracing; cannot write '{}'", params_.prefix, path));
    } else {
      close_trace();
      tfp_ = std::make_unique<Trace>();
      m_->trace(tfp_.get(), 99);
      tfp_->open(path.c_str());
      if (!tfp_->isOpen()) {
        tfp_.reset();
        throw Error(fmt::format("rtl platform: cannot open trace file '{}'", path));
      }
      half_ps_ = period_ps / 2 ? period_ps / 2 : 1;
    }
  }
  void close_trace() override {
    if constexpr (!std::is_void_v<Trace>) {
      if (tfp_) tfp_->close();
      tfp_.reset();
    }
  }

 private:
  static void idle_inputs(M& m) {
    m.mem_req_ready_i = 0, m.mem_w_ready_i = 0, m.mem_r_valid_i = 0, m.mem_b_valid_i = 0;
    m.s_awvalid_i = 0, m.s_wvalid_i = 0, m.s_arvalid_i = 0, m.s_bready_i = 1, m.s_rready_i = 1, m.s_wstrb_i = 0xf;
  }
  void dump(uint64_t half_cycle) {
    if constexpr (!std::is_void_v<Trace>) {
      if (tfp_) tfp_->dump(half_cycle * half_ps_);
    } else {
      (void)half_cycle;
    }
  }

  ModelParams params_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> m_;
  MemBridge* bridge_ = nullptr;
  AxiLiteHost* host_ = nullptr;
  uint64_t cycle_ = 0, last_progress_ = 0, half_ps_ = 1;
  uint64_t ret_l_ = 0, ret_e_ = 0, ret_s_ = 0;  // instructions retired per unit since clear_retired()
  struct NoTrace {};
  std::unique_ptr<std::conditional_t<std::is_void_v<Trace>, NoTrace, Trace>> tfp_;
};

}  // namespace systole::sim
