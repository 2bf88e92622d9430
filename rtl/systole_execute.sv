// Systole execute unit: MATMUL on the weight-stationary array.
//
// Two engines joined by a one-instruction hand-off register, so the next instruction's
// weights load while the current one streams:
//   front: take the instruction, wait for its tokens (pop_prev = load->execute,
//          pop_next = store->execute), check fields, then (load_weights) read spad rows
//          w_addr..w_addr+DIM-1 on read port B, one per cycle, into the shadow bank
//          (rows >= w_rows are zero): exactly DIM cycles. It starts only when the hand-off
//          register is empty, i.e. the back engine has taken the previous instruction, so
//          no row still to be issued uses the bank being overwritten.
//   back:  takes the instruction from the hand-off register and issues one activation row
//          per cycle on read port A (row a_addr + o*a_outer_stride + i*a_stride), with the
//          control (accumulator row acc_addr + o*rows + i, accumulate, bank) delayed to meet
//          the array's result 1 + (2*DIM-1) cycles later, then written to the accumulator.
// An instruction retires (tokens pushed: push_prev -> load, push_next -> store) the cycle
// after its last result row is committed to the accumulator; rows*outer = 0 sends a marker
// down the same pipeline so retirement stays in order. docs/rtl.md has the cycle counts.
module systole_execute #(
  parameter int unsigned DIM       = 4,
  parameter int unsigned SPAD_ROWS = 256,
  parameter int unsigned ACC_ROWS  = 64,
  parameter bit          LUT_MUL   = 1'b1,  // the PEs' multiplier (rtl/systole_pe.sv)
  localparam int unsigned SpAw     = $clog2(SPAD_ROWS),
  localparam int unsigned AccAw    = $clog2(ACC_ROWS),
  localparam int unsigned TagW     = (DIM > 1) ? $clog2(DIM) : 1,
  // Row pointers, as wide as the values they can hold (the 32-bit arithmetic they replace
  // never wrapped either, so the range checks see the same values): a pointer only advances
  // from a row that passed its range check (< SPAD_ROWS / ACC_ROWS) or from a_base, the first
  // row of the current outer iteration, which passed it; the step is at most the 16-bit
  // outer stride (the 8-bit stride, 1 for the accumulator), and the start is a 16-bit field.
  localparam int unsigned APtrW    = $clog2(SPAD_ROWS + 65536),
  localparam int unsigned AccPtrW  = $clog2(ACC_ROWS + 65536),
  // Instructions in flight: one issue_last per cycle at most, retired 2*DIM + 1 cycles later
  // (control delay 2*DIM, then ret_q), so at most 2*DIM + 1 are in flight.
  localparam int unsigned InflW    = $clog2(2 * DIM + 2)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // instruction queue
  input  logic              insn_valid_i,
  output logic              insn_ready_o,
  input  systole_isa_pkg::matmul_insn_t      insn_i,
  input  logic [31:0]       insn_idx_i,
  // tokens
  input  logic              tok_prev_avail_i,
  output logic              tok_prev_pop_o,
  input  logic              tok_next_avail_i,
  output logic              tok_next_pop_o,
  output logic              tok_prev_push_o,
  output logic              tok_next_push_o,
  // scratchpad reads: A = activations, B = weights
  output logic              sp_re_a_o,
  output logic [SpAw-1:0]   sp_raddr_a_o,
  input  logic [DIM*8-1:0]  sp_rdata_a_i,
  output logic              sp_re_b_o,
  output logic [SpAw-1:0]   sp_raddr_b_o,
  input  logic [DIM*8-1:0]  sp_rdata_b_i,
  // accumulator execute port
  output logic              acc_valid_o,
  output logic [AccAw-1:0]  acc_addr_o,
  output logic [DIM*32-1:0] acc_data_o,
  output logic              acc_accumulate_o,
  // status
  output logic              idle_o,
  output logic              busy_o,      // loading weights or streaming rows
  output logic              wait_o,      // has an instruction, waits for a token
  output logic              row_o,       // one activation row entered the array
  output logic              retire_o,
  output logic              err_o,
  output logic [7:0]        err_code_o,
  output logic [31:0]       err_idx_o
);

  typedef enum logic [1:0] {FIdle, FWload, FErr} front_e;
  typedef enum logic [1:0] {BIdle, BStream, BErr} back_e;

  // Control that travels with a row through the array.
  typedef struct packed {
    logic             valid;      // write a result row
    logic             last;       // last row (or marker) of an instruction
    logic             accumulate;
    logic             push_prev;
    logic             push_next;
    logic [AccAw-1:0] addr;
  } ctl_t;
  localparam int unsigned CtlW = 5 + AccAw;  // width of ctl_t (Yosys 0.23 has no $bits of a type)

  front_e         f_state_q, f_state_d;
  back_e          b_state_q, b_state_d;
  systole_isa_pkg::matmul_insn_t   f_insn_q, f_insn_d, b_insn_q, b_insn_d;
  logic [31:0]    f_idx_q, f_idx_d, b_idx_q, b_idx_d;
  // The hand-off register is only a valid flag: the instruction it holds is always the
  // front's f_insn_q / f_idx_q with bank bank_q (both engines write it from the same values,
  // and the front does not take a new instruction while it is full and not being taken),
  // so the copy is not stored (a simulation-only shadow below asserts the equality).
  logic           h_valid_q, h_valid_d, b_bank_q, b_bank_d;
  logic           bank_q, bank_d;              // bank of the most recently loaded weights
  logic [TagW-1:0] k_q, k_d;                   // weight row being loaded
  logic [15:0]    i_q, i_d;                    // inner row
  logic [7:0]     o_q, o_d;                    // outer iteration
  logic [APtrW-1:0]   a_ptr_q, a_ptr_d, a_base_q, a_base_d;
  logic [AccPtrW-1:0] acc_ptr_q, acc_ptr_d;
  logic [InflW-1:0]   inflight_q, inflight_d;  // instructions issued, not retired
  // Weight-row control, one cycle behind the spad read (aligned with its data).
  logic           wl_valid_q, wl_valid_d, wl_zero_q, wl_zero_d, wl_bank_q, wl_bank_d;
  logic [TagW-1:0] wl_tag_q, wl_tag_d;
  logic           a_sel_q, a_sel_d;
  ctl_t           ctl_in, ctl_out;
  logic [CtlW-1:0] ctl_out_bits;
  logic           ret_q, ret_d, ret_pp_q, ret_pp_d, ret_pn_q, ret_pn_d;
  logic           f_err, b_err, issue_last, take, h_empty;
  logic           last_issue, take_h, h_free, f_tok_ok, h_write, src_valid, src_empty, consume;
  logic           a_ok, acc_ok, i_last, o_last;
  systole_isa_pkg::matmul_insn_t   n_insn, src_insn;
  logic [31:0]    n_idx, src_idx;
  logic           n_bank, src_bank;
  logic [7:0]     f_err_code;
  logic [DIM*8-1:0] w_row;

  // The back engine can accept an instruction this cycle: idle, or issuing the last row of
  // the current one (markers only when idle).
  // One copy of each test the engines share. i_q == rows - 1 (mod 2^16) as i_q + 1 == rows:
  // the incrementer is the one i_d uses (likewise o_q).
  assign a_ok       = (32'(a_ptr_q) < SPAD_ROWS);
  assign acc_ok     = (32'(acc_ptr_q) < ACC_ROWS);
  assign i_last     = (16'(i_q + 1'b1) == b_insn_q.rows);
  assign o_last     = (8'(o_q + 1'b1) == b_insn_q.outer);
  assign last_issue = (b_state_q == BStream) && i_last && o_last && a_ok && acc_ok;
  assign h_empty    = (f_insn_q.rows == '0) || (f_insn_q.outer == '0);
  assign take_h     = h_valid_q && (h_empty ? (b_state_q == BIdle) : ((b_state_q == BIdle) || last_issue));
  assign h_free     = !h_valid_q || take_h;
  assign f_tok_ok   = (!insn_i.pop_prev || tok_prev_avail_i) && (!insn_i.pop_next || tok_next_avail_i);

  always_comb begin
    f_state_d  = f_state_q;
    f_insn_d   = f_insn_q;
    f_idx_d    = f_idx_q;
    bank_d     = bank_q;
    k_d        = k_q;
    insn_ready_o   = 1'b0;
    tok_prev_pop_o = 1'b0;
    tok_next_pop_o = 1'b0;
    sp_re_b_o      = 1'b0;
    sp_raddr_b_o   = SpAw'(f_insn_q.w_addr) + SpAw'(k_q);
    wl_valid_d     = 1'b0;
    wl_zero_d      = 1'b1;
    wl_tag_d       = k_q;
    wl_bank_d      = !bank_q;
    wait_o         = 1'b0;
    f_err          = 1'b0;
    f_err_code     = systole_isa_pkg::ErrNone;
    h_write        = 1'b0;
    n_insn         = f_insn_q;
    n_idx          = f_idx_q;
    n_bank         = bank_q;

    unique case (f_state_q)
      FIdle: begin
        // Start the queue head once the hand-off register is free (or being taken) and its
        // tokens are there; with load_weights, weight row 0 is read in this same cycle.
        if (insn_valid_i && h_free && f_tok_ok) begin
          insn_ready_o   = 1'b1;
          tok_prev_pop_o = insn_i.pop_prev;
          tok_next_pop_o = insn_i.pop_next;
          f_insn_d       = insn_i;
          f_idx_d        = insn_idx_i;
          if (32'(insn_i.w_rows) > DIM) begin
            f_err      = 1'b1;
            f_err_code = systole_isa_pkg::ErrBadField;
            f_state_d  = FErr;
          end else if (insn_i.load_weights &&
                       (32'(insn_i.w_addr) + 32'(insn_i.w_rows) > SPAD_ROWS)) begin
            f_err      = 1'b1;
            f_err_code = systole_isa_pkg::ErrSramOutOfRange;
            f_state_d  = FErr;
          end else if (insn_i.load_weights) begin
            sp_re_b_o    = (insn_i.w_rows != '0);
            sp_raddr_b_o = SpAw'(insn_i.w_addr);
            wl_valid_d   = 1'b1;
            wl_zero_d    = !sp_re_b_o;
            wl_tag_d     = '0;
            k_d          = TagW'(1);
            f_state_d    = FWload;
          end else begin
            h_write = 1'b1;
            n_insn  = insn_i;
            n_idx   = insn_idx_i;
          end
        end else begin
          wait_o = insn_valid_i && h_free && !f_tok_ok;
        end
      end
      FWload: begin
        sp_re_b_o  = (32'(k_q) < 32'(f_insn_q.w_rows));
        wl_valid_d = 1'b1;
        wl_zero_d  = !sp_re_b_o;
        if (32'(k_q) == DIM - 1) begin
          bank_d    = !bank_q;
          h_write   = 1'b1;
          n_bank    = !bank_q;
          f_state_d = FIdle;
        end else begin
          k_d = k_q + 1'b1;
        end
      end
      FErr: begin
      end
      default: begin
        f_state_d = FIdle;
      end
    endcase

    // Back engine: takes from the hand-off register, or straight from the front in the cycle
    // the front hands over (so the first row follows the last weight row without a gap).
    b_state_d  = b_state_q;
    b_insn_d   = b_insn_q;
    b_idx_d    = b_idx_q;
    b_bank_d   = b_bank_q;
    i_d        = i_q;
    o_d        = o_q;
    a_ptr_d    = a_ptr_q;
    a_base_d   = a_base_q;
    acc_ptr_d  = acc_ptr_q;
    sp_re_a_o  = 1'b0;
    sp_raddr_a_o = SpAw'(a_ptr_q);
    a_sel_d    = b_bank_q;
    ctl_in     = '0;
    b_err      = 1'b0;
    issue_last = 1'b0;
    take       = 1'b0;
    src_insn   = h_valid_q ? f_insn_q : n_insn;
    src_idx    = h_valid_q ? f_idx_q : n_idx;
    src_bank   = h_valid_q ? bank_q : n_bank;
    src_valid  = h_valid_q || h_write;
    src_empty  = (src_insn.rows == '0) || (src_insn.outer == '0);
    consume    = 1'b0;

    unique case (b_state_q)
      BIdle: begin
        if (src_valid && src_empty) begin
          // Nothing to stream: a marker keeps retirement in order.
          consume          = 1'b1;
          b_idx_d          = src_idx;
          ctl_in.last      = 1'b1;
          ctl_in.push_prev = src_insn.push_prev;
          ctl_in.push_next = src_insn.push_next;
          issue_last       = 1'b1;
        end else begin
          take = src_valid;
        end
      end
      BStream: begin
        if (!a_ok || !acc_ok) begin
          b_err     = 1'b1;
          b_state_d = BErr;
        end else begin
          sp_re_a_o         = 1'b1;
          ctl_in.valid      = 1'b1;
          ctl_in.accumulate = b_insn_q.accumulate;
          ctl_in.addr       = AccAw'(acc_ptr_q);
          acc_ptr_d         = acc_ptr_q + 1'b1;
          if (i_last) begin
            i_d      = '0;
            o_d      = o_q + 1'b1;
            a_base_d = a_base_q + APtrW'(b_insn_q.a_outer_stride);
            a_ptr_d  = a_base_q + APtrW'(b_insn_q.a_outer_stride);
            if (o_last) begin
              ctl_in.last      = 1'b1;
              ctl_in.push_prev = b_insn_q.push_prev;
              ctl_in.push_next = b_insn_q.push_next;
              issue_last       = 1'b1;
              b_state_d        = BIdle;
              // The next instruction takes over without a bubble.
              take             = src_valid && !src_empty;
            end
          end else begin
            i_d     = i_q + 1'b1;
            a_ptr_d = a_ptr_q + APtrW'(b_insn_q.a_stride);
          end
        end
      end
      BErr: begin
      end
      default: begin
        b_state_d = BIdle;
      end
    endcase

    if (take) begin
      consume   = 1'b1;
      b_insn_d  = src_insn;
      b_idx_d   = src_idx;
      b_bank_d  = src_bank;
      i_d       = '0;
      o_d       = '0;
      a_ptr_d   = APtrW'(src_insn.a_addr);
      a_base_d  = APtrW'(src_insn.a_addr);
      acc_ptr_d = AccPtrW'(src_insn.acc_addr);
      b_state_d = BStream;
    end

    // The hand-off register: the front's new instruction stays unless it was bypassed.
    h_valid_d = h_valid_q;
    if (consume && h_valid_q) begin
      h_valid_d = 1'b0;
    end
    if (h_write && !(consume && !h_valid_q)) begin
      h_valid_d = 1'b1;
    end
  end

  // Retirement: the cycle after the last row's accumulator write.
  assign ctl_out = ctl_out_bits;
  always_comb begin
    ret_d      = ctl_out.last;
    ret_pp_d   = ctl_out.last && ctl_out.push_prev;
    ret_pn_d   = ctl_out.last && ctl_out.push_next;
    inflight_d = inflight_q;
    if (issue_last && !ret_q) begin
      inflight_d = inflight_q + 1'b1;
    end else if (ret_q && !issue_last) begin
      inflight_d = inflight_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_state_q  <= FIdle;
      b_state_q  <= BIdle;
      f_insn_q   <= '0;
      b_insn_q   <= '0;
      f_idx_q    <= '0;
      b_idx_q    <= '0;
      h_valid_q  <= 1'b0;
      b_bank_q   <= 1'b0;
      bank_q     <= 1'b0;
      k_q        <= '0;
      i_q        <= '0;
      o_q        <= '0;
      a_ptr_q    <= '0;
      a_base_q   <= '0;
      acc_ptr_q  <= '0;
      inflight_q <= '0;
      wl_valid_q <= 1'b0;
      wl_zero_q  <= 1'b1;
      wl_bank_q  <= 1'b0;
      wl_tag_q   <= '0;
      a_sel_q    <= 1'b0;
      ret_q      <= 1'b0;
      ret_pp_q   <= 1'b0;
      ret_pn_q   <= 1'b0;
    end else begin
      f_state_q  <= f_state_d;
      b_state_q  <= b_state_d;
      f_insn_q   <= f_insn_d;
      b_insn_q   <= b_insn_d;
      f_idx_q    <= f_idx_d;
      b_idx_q    <= b_idx_d;
      h_valid_q  <= h_valid_d;
      b_bank_q   <= b_bank_d;
      bank_q     <= bank_d;
      k_q        <= k_d;
      i_q        <= i_d;
      o_q        <= o_d;
      a_ptr_q    <= a_ptr_d;
      a_base_q   <= a_base_d;
      acc_ptr_q  <= acc_ptr_d;
      inflight_q <= inflight_d;
      wl_valid_q <= wl_valid_d;
      wl_zero_q  <= wl_zero_d;
      wl_bank_q  <= wl_bank_d;
      wl_tag_q   <= wl_tag_d;
      a_sel_q    <= a_sel_d;
      ret_q      <= ret_d;
      ret_pp_q   <= ret_pp_d;
      ret_pn_q   <= ret_pn_d;
    end
  end

  // Spad read latency (1) + array latency (2*DIM-1).
  systole_delay #(.WIDTH(CtlW), .DEPTH(2 * DIM)) u_ctl_delay (
    .clk_i,
    .rst_ni,
    .d_i (ctl_in),
    .q_o (ctl_out_bits)
  );

  assign w_row = wl_zero_q ? '0 : sp_rdata_b_i;

  systole_array #(.DIM(DIM), .LUT_MUL(LUT_MUL)) u_array (
    .clk_i,
    .rst_ni,
    .a_i       (sp_rdata_a_i),
    .a_sel_i   (a_sel_q),
    .w_i       (w_row),
    .w_valid_i (wl_valid_q),
    .w_tag_i   (wl_tag_q),
    .w_bank_i  (wl_bank_q),
    .psum_o    (acc_data_o)
  );

  assign acc_valid_o      = ctl_out.valid;
  assign acc_addr_o       = ctl_out.addr;
  assign acc_accumulate_o = ctl_out.accumulate;
  assign tok_prev_push_o  = ret_pp_q;
  assign tok_next_push_o  = ret_pn_q;
  assign retire_o         = ret_q;
  assign row_o            = sp_re_a_o;
  assign busy_o           = (f_state_q == FWload) || (b_state_q == BStream);
  assign idle_o           = (f_state_q == FIdle) && !h_valid_q && (b_state_q == BIdle) &&
                            (inflight_q == '0);
  assign err_o            = f_err || b_err;
  assign err_code_o       = f_err ? f_err_code : systole_isa_pkg::ErrSramOutOfRange;
  assign err_idx_o        = f_err ? insn_idx_i : b_idx_q;  // f_err: the queue head, refused as it is taken

  // Assertions (Verilator --assert; not synthesized): every scratchpad and accumulator row
  // used is inside its memory (the range checks above stop the unit before a bad one).
`ifndef SYNTHESIS
  a_exec_a_row: assert property (@(posedge clk_i) disable iff (!rst_ni) sp_re_a_o |-> (32'(a_ptr_q) < SPAD_ROWS))
    else $error("systole_execute: activation row %0d out of range", a_ptr_q);
  a_exec_acc_row: assert property (@(posedge clk_i) disable iff (!rst_ni) ctl_in.valid |-> (32'(acc_ptr_q) < ACC_ROWS))
    else $error("systole_execute: accumulator row %0d out of range", acc_ptr_q);
  a_exec_w_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
      sp_re_b_o |-> (((f_state_q == FIdle) ? 32'(insn_i.w_addr) : 32'(f_insn_q.w_addr) + 32'(k_q)) < SPAD_ROWS))
    else $error("systole_execute: weight row out of range");
  // The hand-off register's instruction, as it was stored before: it equals the front's.
  systole_isa_pkg::matmul_insn_t h_insn_sim_q;
  logic [31:0]                   h_idx_sim_q;
  logic                          h_bank_sim_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      h_insn_sim_q <= '0;
      h_idx_sim_q  <= '0;
      h_bank_sim_q <= 1'b0;
    end else if (h_write && !(consume && !h_valid_q)) begin
      h_insn_sim_q <= n_insn;
      h_idx_sim_q  <= n_idx;
      h_bank_sim_q <= n_bank;
    end
  end
  a_exec_handoff: assert property (@(posedge clk_i) disable iff (!rst_ni)
      h_valid_q |-> ((h_insn_sim_q == f_insn_q) && (h_idx_sim_q == f_idx_q) && (h_bank_sim_q == bank_q)))
    else $error("systole_execute: hand-off register differs from the front's instruction");
  a_exec_inflight: assert property (@(posedge clk_i) disable iff (!rst_ni) !(ret_q && (inflight_q == '0)))
    else $error("systole_execute: retirement with no instruction in flight");
`endif

endmodule
