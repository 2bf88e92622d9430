// Systole run control (docs/rtl.md, "Run control"): the state machine of systole_top that
// starts a run, ends it, records the first error and flushes the core.
//
// ctrl.start flushes the core (one reset cycle for every unit, queue and token counter),
// then starts fetch. The run is done when the top reports everything idle (all_idle_i). On
// the first error (illegal opcode, on-chip address out of range, bad field, bus error) it
// records the code and the instruction index, raises halt_o (no new bus requests), waits for
// outstanding bursts to finish (quiet_i), then flushes the core: status = done | error.
// ctrl.reset does the same without recording an error and clears the status. A DMA error
// also records the requester and the DRAM address (error_unit, error_addr); they read zero
// for other errors. Within one cycle the errors rank fetch, load, execute, store.
module systole_run_ctl (
  input  logic        clk_i,
  input  logic        rst_ni,
  // CSR commands
  input  logic        start_i,
  input  logic        soft_reset_i,
  // the core
  input  logic        all_idle_i,      // every instruction dispatched and retired, port quiet
  input  logic        quiet_i,         // no burst outstanding
  input  logic        f_err_i,
  input  logic [7:0]  f_err_code_i,
  input  logic [31:0] f_err_idx_i,
  input  logic [31:0] f_err_addr_i,
  input  logic        l_err_i,
  input  logic [7:0]  l_err_code_i,
  input  logic [31:0] l_err_idx_i,
  input  logic [31:0] l_err_addr_i,
  input  logic        e_err_i,
  input  logic [7:0]  e_err_code_i,
  input  logic [31:0] e_err_idx_i,
  input  logic        s_err_i,
  input  logic [7:0]  s_err_code_i,
  input  logic [31:0] s_err_idx_i,
  input  logic [31:0] s_err_addr_i,
  // control
  output logic        core_rst_no,     // the core's reset: low during a flush
  output logic        fetch_start_o,
  output logic        halt_o,          // draining after an error or a reset: no new requests
  output logic        busy_o,          // a run (or its flush) is under way
  output logic [2:0]  state_o,         // the state, for the platform's watchdog and debug view
  // status
  output logic        done_o,
  output logic        error_o,
  output logic [7:0]  err_code_o,
  output logic [31:0] err_insn_o,
  output logic [31:0] err_unit_o,
  output logic [31:0] err_addr_o
);

  typedef enum logic [2:0] {CIdle, CFlush, CRelease, CGo, CRun, CDrain} ctl_e;

  ctl_e        ctl_q, ctl_d;
  logic        flush_q, flush_d, sreset_q, sreset_d, to_idle_q, to_idle_d;
  logic        done_q, done_d, error_q, error_d;
  logic [7:0]  err_code_q, err_code_d;
  logic [31:0] err_insn_q, err_insn_d;
  logic [31:0] err_unit_q, err_unit_d, err_addr_q, err_addr_d, any_unit, any_addr;
  logic        any_err;
  logic [7:0]  any_code;
  logic [31:0] any_idx;

  // First error wins; within one cycle the order fetch, load, execute, store.
  always_comb begin
    any_err  = f_err_i || l_err_i || e_err_i || s_err_i;
    any_code = s_err_code_i;
    any_idx  = s_err_idx_i;
    any_unit = systole_isa_pkg::MemIdStore | (32'd1 << systole_isa_pkg::BitErrorUnitWrite);
    any_addr = s_err_addr_i;
    if (e_err_i) begin
      any_code = e_err_code_i;
      any_idx  = e_err_idx_i;
    end
    if (l_err_i) begin
      any_code = l_err_code_i;
      any_idx  = l_err_idx_i;
      any_unit = systole_isa_pkg::MemIdLoad;
      any_addr = l_err_addr_i;
    end
    if (f_err_i) begin
      any_code = f_err_code_i;
      any_idx  = f_err_idx_i;
      any_unit = systole_isa_pkg::MemIdFetch;
      any_addr = f_err_addr_i;
    end
  end

  // Where a DMA error happened: recorded with the error code, cleared with it, zero for
  // other errors.
  always_comb begin
    err_unit_d = err_unit_q;
    err_addr_d = err_addr_q;
    if ((ctl_q == CRun) && !soft_reset_i && any_err) begin
      err_unit_d = any_unit;
      err_addr_d = any_addr;
    end
    if (err_code_d != systole_isa_pkg::ErrDmaBusError) begin
      err_unit_d = '0;
      err_addr_d = '0;
    end
  end

  always_comb begin
    ctl_d         = ctl_q;
    flush_d       = 1'b0;
    sreset_d      = sreset_q;
    to_idle_d     = to_idle_q;
    done_d        = done_q;
    error_d       = error_q;
    err_code_d    = err_code_q;
    err_insn_d    = err_insn_q;
    fetch_start_o = 1'b0;
    halt_o        = 1'b0;

    unique case (ctl_q)
      CIdle: begin
        if (soft_reset_i || start_i) begin
          done_d     = 1'b0;
          error_d    = 1'b0;
          err_code_d = systole_isa_pkg::ErrNone;
          err_insn_d = '0;
          to_idle_d  = soft_reset_i;
          ctl_d      = CFlush;
        end
      end
      CFlush: begin
        flush_d = 1'b1;
        ctl_d   = CRelease;
      end
      CRelease: begin
        ctl_d     = to_idle_q ? CIdle : CGo;
        to_idle_d = 1'b0;
        sreset_d  = 1'b0;
      end
      CGo: begin
        fetch_start_o = 1'b1;
        ctl_d         = CRun;
      end
      CRun: begin
        if (soft_reset_i) begin
          sreset_d = 1'b1;
          ctl_d    = CDrain;
        end else if (any_err) begin
          error_d    = 1'b1;
          err_code_d = any_code;
          err_insn_d = any_idx;
          ctl_d      = CDrain;
        end else if (all_idle_i) begin
          done_d = 1'b1;
          ctl_d  = CIdle;
        end
      end
      CDrain: begin
        // No new bus requests; outstanding bursts complete, then the core is flushed.
        halt_o = 1'b1;
        if (soft_reset_i) begin
          sreset_d = 1'b1;
        end
        if (quiet_i) begin
          if (sreset_q || soft_reset_i) begin
            done_d     = 1'b0;
            error_d    = 1'b0;
            err_code_d = systole_isa_pkg::ErrNone;
            err_insn_d = '0;
          end else begin
            done_d = 1'b1;
          end
          to_idle_d = 1'b1;
          ctl_d     = CFlush;
        end
      end
      default: begin
        ctl_d = CIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctl_q      <= CIdle;
      flush_q    <= 1'b0;
      sreset_q   <= 1'b0;
      to_idle_q  <= 1'b0;
      done_q     <= 1'b0;
      error_q    <= 1'b0;
      err_code_q <= systole_isa_pkg::ErrNone;
      err_insn_q <= '0;
      err_unit_q <= '0;
      err_addr_q <= '0;
    end else begin
      ctl_q      <= ctl_d;
      flush_q    <= flush_d;
      sreset_q   <= sreset_d;
      to_idle_q  <= to_idle_d;
      done_q     <= done_d;
      error_q    <= error_d;
      err_code_q <= err_code_d;
      err_insn_q <= err_insn_d;
      err_unit_q <= err_unit_d;
      err_addr_q <= err_addr_d;
    end
  end

  // The core (everything but the CSR block and this control) is reset by a flush; driven
  // from a flop, so glitch-free.
  assign core_rst_no = rst_ni && !flush_q;
  assign busy_o      = (ctl_q != CIdle);
  assign state_o     = ctl_q;
  assign done_o      = done_q;
  assign error_o     = error_q;
  assign err_code_o  = err_code_q;
  assign err_insn_o  = err_insn_q;
  assign err_unit_o  = err_unit_q;
  assign err_addr_o  = err_addr_q;

endmodule
