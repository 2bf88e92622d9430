// Systole DIM x DIM weight-stationary systolic array.
//
// PE(k, c) sits in row k (input channel k) and column c (output channel c) and holds
// weight W[k][c]. One activation row a[0..DIM-1] enters per cycle on a_i; the result row
// psum_o[c] = sum_k a[k] * W[k][c] (int32, wrapping) leaves LATENCY = 2*DIM-1 cycles later,
// already de-skewed (all columns in the same cycle).
//
//   - input skew:   a[k] is delayed k cycles before PE(k, 0)
//   - output deskew: column c is delayed DIM-1-c cycles after PE(DIM-1, c)
//   - weights:      one weight row per cycle on w_i (w_tag_i = its row k, w_bank_i = the
//                   shadow bank); column c is delayed c cycles, then the row flows down one
//                   PE per cycle and PE(k, c) captures it. A full load is DIM rows in DIM
//                   cycles. It may start in the same cycle as the last activation row that
//                   uses the bank being overwritten, and the first activation row that uses
//                   the new bank may enter DIM cycles after the first weight row (the cycle
//                   after the last one): docs/rtl.md derives both bounds.
//   - a_sel_i:      which weight bank the activation row multiplies with; it travels with
//                   the row through the skew and the PEs, so banks swap per PE exactly when
//                   the row reaches it.
//
// Two implementations of the same ports, cycle for cycle and bit for bit:
//   - the PE grid below (DIM x DIM systole_pe, skews, de-skew): the hardware, what Yosys and
//     every tool other than Verilator read, and what Verilator reads with
//     +define+SYSTOLE_ARRAY_PE (tests/rtl/array_test.cpp Verilates both and compares them
//     on random inputs every cycle);
//   - under Verilator, a flat model (SYSTOLE_ARRAY_FLAT), ~15x faster to evaluate: the DIM^2
//     pipeline registers of the grid cost more than the MACs themselves in a Verilated model
//     (docs/rtl.md, "Two implementations of systole_array"). It rests on one property of the
//     grid: the weight that PE(k, c) uses for the row entering at E is the last one entered
//     with tag k into that bank at a cycle T < E (it is captured at T+k+c, the row reaches
//     the PE at E+k+c), whatever the schedule. So the flat model writes weight rows into two
//     banks as they enter, computes the whole result row the cycle its activation row
//     enters, and delays it by the grid's latency 2*DIM-1 (zero after reset, like the grid's
//     reset registers).
module systole_array #(
  parameter int unsigned DIM = 4,
  // The PEs' multiplier (rtl/systole_pe.sv); the fast Verilator description has no PEs.
  /* verilator lint_off UNUSEDPARAM */
  parameter bit          LUT_MUL = 1'b1,
  /* verilator lint_on UNUSEDPARAM */
  localparam int unsigned TagW = (DIM > 1) ? $clog2(DIM) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [DIM*8-1:0]  a_i,       // element k in bits [8k +: 8]
  input  logic              a_sel_i,
  input  logic [DIM*8-1:0]  w_i,       // element c in bits [8c +: 8]
  input  logic              w_valid_i,
  input  logic [TagW-1:0]   w_tag_i,
  input  logic              w_bank_i,
  output logic [DIM*32-1:0] psum_o     // column c in bits [32c +: 32]
);

`ifdef VERILATOR
`ifndef SYSTOLE_ARRAY_PE
`define SYSTOLE_ARRAY_FLAT
`endif
`endif

`ifdef SYSTOLE_ARRAY_FLAT
  // Weight banks as the grid holds them once every capture is done, sign-extended to 32 bits
  // when written (so that a MAC is one 32-bit multiply-add): row k, column c of bank b in
  // w_q[b][k][32c +: 32].
  logic [DIM*32-1:0] w_q [2][DIM];
  logic [DIM*32-1:0] row_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned k = 0; k < DIM; k++) begin
        w_q[0][k] <= '0;
        w_q[1][k] <= '0;
      end
    end else if (w_valid_i) begin
      logic [DIM*32-1:0] wx;
      for (int unsigned c = 0; c < DIM; c++) begin
        wx[32*c +: 32] = 32'($signed(w_i[8*c +: 8]));
      end
      w_q[w_bank_i][w_tag_i] <= wx;
    end
  end

  // The result row of the activation row entering now, with the bank it names: int32
  // wrap-around sums of int8 x int8 products, as the PE grid computes them (exactly, in
  // narrower sums that cannot wrap). Computed in the clock edge's evaluation (once per
  // cycle), then delayed to the grid's latency. When the activation row,
  // its bank select and the weights are those of the previous computation (an idle array:
  // the scratchpad port holds its last row), the result is the same and is not recomputed.
  logic [DIM*8-1:0] a_last_q;
  logic             sel_last_q, w_new_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_q      <= '0;
      a_last_q   <= '0;
      sel_last_q <= 1'b0;
      w_new_q    <= 1'b0;
    end else begin
      w_new_q <= w_valid_i;
      if (w_new_q || (a_i != a_last_q) || (a_sel_i != sel_last_q)) begin
        logic [31:0] acc [DIM];
        logic [31:0] ak;
        for (int unsigned c = 0; c < DIM; c++) begin
          acc[c] = '0;
        end
        for (int unsigned k = 0; k < DIM; k++) begin
          ak = 32'($signed(a_i[8*k +: 8]));
          for (int unsigned c = 0; c < DIM; c++) begin
            acc[c] = acc[c] + ak * w_q[a_sel_i][k][32*c +: 32];
          end
        end
        for (int unsigned c = 0; c < DIM; c++) begin
          row_q[32*c +: 32] <= acc[c];
        end
        a_last_q   <= a_i;
        sel_last_q <= a_sel_i;
      end
    end
  end

  systole_delay #(.WIDTH(DIM*32), .DEPTH(2*DIM - 2)) u_latency (
    .clk_i,
    .rst_ni,
    .d_i (row_q),
    .q_o (psum_o)
  );
`else
  // Interconnect: index [k][c] is the input of PE(k, c); [k][DIM] / [DIM][c] are the edges.
  // Unpacked arrays (Yosys 0.23 has no multi-dimensional packed arrays), split for Verilator
  // so that the input-driven edge elements do not drag every PE into input evaluation
  // (2x faster simulation).
  logic [7:0]      a_h     [DIM][DIM+1] /*verilator split_var*/;
  logic            sel_h   [DIM][DIM+1] /*verilator split_var*/;
  // Partial sums sign-extended to the widest (bottom) row's width: PE(k, c) outputs a sum of
  // k+1 int8 x int8 products in 15 + clog2(k+2) bits exactly (rtl/systole_pe.sv), and the
  // bottom row's DIM-product sum is sign-extended to int32 after the de-skew.
  localparam int unsigned PsumW = (15 + $clog2(DIM + 1) < 32) ? 15 + $clog2(DIM + 1) : 32;
  logic [PsumW-1:0] psum_v [DIM+1][DIM] /*verilator split_var*/;
  logic [7:0]      w_v     [DIM+1][DIM] /*verilator split_var*/;
  logic            wval_v  [DIM+1][DIM] /*verilator split_var*/;
  logic [TagW-1:0] wtag_v  [DIM+1][DIM] /*verilator split_var*/;
  logic            wbank_v [DIM+1][DIM] /*verilator split_var*/;

  // Input skew: row k waits k cycles.
  for (genvar k = 0; k < DIM; k++) begin : g_skew
    systole_delay #(.WIDTH(9), .DEPTH(k)) u_skew (
      .clk_i,
      .rst_ni,
      .d_i ({a_sel_i, a_i[8*k +: 8]}),
      .q_o ({sel_h[k][0], a_h[k][0]})
    );
  end

  // Weight skew: column c waits c cycles; the top row of psums is zero.
  for (genvar c = 0; c < DIM; c++) begin : g_wskew
    systole_delay #(.WIDTH(10 + TagW), .DEPTH(c)) u_wskew (
      .clk_i,
      .rst_ni,
      .d_i ({w_valid_i, w_tag_i, w_bank_i, w_i[8*c +: 8]}),
      .q_o ({wval_v[0][c], wtag_v[0][c], wbank_v[0][c], w_v[0][c]})
    );
    assign psum_v[0][c] = '0;
  end

  for (genvar k = 0; k < DIM; k++) begin : g_row
    // PE(k, c)'s partial-sum widths (systole_pe's PsumIW / PsumOW for ROW = k).
    localparam int unsigned OutW = (15 + $clog2(k + 2) < 32) ? 15 + $clog2(k + 2) : 32;
    localparam int unsigned InW  = (k == 0) ? 1 : ((15 + $clog2(k + 1) < 32) ? 15 + $clog2(k + 1) : 32);
    for (genvar c = 0; c < DIM; c++) begin : g_col
      logic [OutW-1:0] psum_out;
      assign psum_v[k+1][c] = PsumW'($signed(psum_out));
      systole_pe #(.DIM(DIM), .ROW(k), .LUT_MUL(LUT_MUL)) u_pe (
        .clk_i,
        .rst_ni,
        .a_i       (a_h[k][c]),
        .a_sel_i   (sel_h[k][c]),
        .a_o       (a_h[k][c+1]),
        .a_sel_o   (sel_h[k][c+1]),
        .psum_i    (psum_v[k][c][InW-1:0]),
        .psum_o    (psum_out),
        .w_i       (w_v[k][c]),
        .w_valid_i (wval_v[k][c]),
        .w_tag_i   (wtag_v[k][c]),
        .w_bank_i  (wbank_v[k][c]),
        .w_o       (w_v[k+1][c]),
        .w_valid_o (wval_v[k+1][c]),
        .w_tag_o   (wtag_v[k+1][c]),
        .w_bank_o  (wbank_v[k+1][c])
      );
    end
  end

  // Output de-skew: column c waits DIM-1-c cycles.
  for (genvar c = 0; c < DIM; c++) begin : g_deskew
    logic [PsumW-1:0] psum_out;
    systole_delay #(.WIDTH(PsumW), .DEPTH(DIM - 1 - c)) u_deskew (
      .clk_i,
      .rst_ni,
      .d_i (psum_v[DIM][c]),
      .q_o (psum_out)
    );
    assign psum_o[32*c +: 32] = 32'($signed(psum_out));
  end

  // The right edge of the activations and the bottom edge of the weights leave the array.
  logic [DIM-1:0] unused_right, unused_bottom;
  for (genvar i = 0; i < DIM; i++) begin : g_unused
    assign unused_right[i]  = ^{a_h[i][DIM], sel_h[i][DIM]};
    assign unused_bottom[i] = ^{w_v[DIM][i], wval_v[DIM][i], wtag_v[DIM][i], wbank_v[DIM][i]};
  end

`endif

endmodule
