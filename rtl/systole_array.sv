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
module systole_array #(
  parameter int unsigned DIM = 4,
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

  // Interconnect: index [k][c] is the input of PE(k, c); [k][DIM] / [DIM][c] are the edges.
  // Unpacked arrays (Yosys 0.23 has no multi-dimensional packed arrays), split for Verilator
  // so that the input-driven edge elements do not drag every PE into input evaluation
  // (2x faster simulation).
  logic [7:0]      a_h     [DIM][DIM+1] /*verilator split_var*/;
  logic            sel_h   [DIM][DIM+1] /*verilator split_var*/;
  logic [31:0]     psum_v  [DIM+1][DIM] /*verilator split_var*/;
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
    for (genvar c = 0; c < DIM; c++) begin : g_col
      systole_pe #(.DIM(DIM), .ROW(k)) u_pe (
        .clk_i,
        .rst_ni,
        .a_i       (a_h[k][c]),
        .a_sel_i   (sel_h[k][c]),
        .a_o       (a_h[k][c+1]),
        .a_sel_o   (sel_h[k][c+1]),
        .psum_i    (psum_v[k][c]),
        .psum_o    (psum_v[k+1][c]),
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
    systole_delay #(.WIDTH(32), .DEPTH(DIM - 1 - c)) u_deskew (
      .clk_i,
      .rst_ni,
      .d_i (psum_v[DIM][c]),
      .q_o (psum_o[32*c +: 32])
    );
  end

  // The right edge of the activations and the bottom edge of the weights leave the array.
  logic [DIM-1:0] unused_right, unused_bottom;
  for (genvar i = 0; i < DIM; i++) begin : g_unused
    assign unused_right[i]  = ^{a_h[i][DIM], sel_h[i][DIM]};
    assign unused_bottom[i] = ^{w_v[DIM][i], wval_v[DIM][i], wtag_v[DIM][i], wbank_v[DIM][i]};
  end

endmodule
