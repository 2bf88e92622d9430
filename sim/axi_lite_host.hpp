// The host's side of the RTL top's AXI4-Lite CSR slave: one register access at a time. A write
// holds AWVALID and WVALID (the slave takes them together) until accepted, then takes the B
// response; a read holds ARVALID until accepted, then takes R. BREADY and RREADY stay high.
// The core drives the outputs before and samples the slave after each cycle's eval; the
// platform runs the clock until done().
#pragma once
#include <cstdint>
#include <string>

namespace systole::sim {

class AxiLiteHost {
 public:
  void start_write(uint32_t offset, uint32_t value);
  void start_read(uint32_t offset);
  bool done() const { return op_ == Op::None; }
  uint32_t read_data() const { return rdata_; }
  uint32_t response() const { return resp_; }  // BRESP / RRESP of the last access
  void reset() { op_ = Op::None, phase_ = 0; }
  std::string describe() const;

  // Signals to drive this cycle.
  bool aw_w_valid() const { return op_ == Op::Write && phase_ == 0; }
  bool ar_valid() const { return op_ == Op::Read && phase_ == 0; }
  uint8_t addr() const { return uint8_t(offset_); }
  uint32_t wdata() const { return wdata_; }

  // Slave outputs after this cycle's combinational eval (BREADY = RREADY = 1).
  void sample(bool awready, bool bvalid, uint32_t bresp, bool arready, bool rvalid, uint32_t rdata, uint32_t rresp) {
    if (op_ == Op::Write) {
      if (phase_ == 0 && awready) phase_ = 1;
      else if (phase_ == 1 && bvalid) resp_ = bresp, op_ = Op::None;
    } else if (op_ == Op::Read) {
      if (phase_ == 0 && arready) phase_ = 1;
      else if (phase_ == 1 && rvalid) rdata_ = rdata, resp_ = rresp, op_ = Op::None;
    }
  }

 private:
  enum class Op { None, Write, Read };
  Op op_ = Op::None;
  int phase_ = 0;  // 0: address (and data) phase, 1: response phase
  uint32_t offset_ = 0, wdata_ = 0, rdata_ = 0, resp_ = 0;
};

}  // namespace systole::sim
