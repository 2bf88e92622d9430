// Systole array-only board harness: the DIM x DIM PE array (systole_array) fed by an LFSR
// and folded by XOR into one output pin, so that place and route keeps every PE while the
// design needs only three pins. Used by `systole synth --design array` to measure what the
// array alone costs and how fast it runs on a small FPGA (the full accelerator may not fit).
module systole_array_board #(
  parameter int unsigned DIM = 4,
  parameter bit          LUT_MUL = 1'b1,  // the PEs' multiplier (rtl/systole_pe.sv)
  localparam int unsigned TagW = (DIM > 1) ? $clog2(DIM) : 1
) (
  input  logic clk_i,
  input  logic rx_i,     // mixed into the LFSR so that nothing is constant
  output logic tx_o,
  output logic [1:0] led_o
);

  logic [3:0]  por_q = 4'd0;
  logic        rst_n;
  always_ff @(posedge clk_i) begin
    if (por_q != 4'hf) begin
      por_q <= por_q + 4'd1;
    end
  end
  assign rst_n = (por_q == 4'hf);

  // 31-bit LFSR, stretched to the operand width by rotation.
  logic [30:0] lfsr_q;
  always_ff @(posedge clk_i or negedge rst_n) begin
    if (!rst_n) begin
      lfsr_q <= 31'h1;
    end else begin
      lfsr_q <= {lfsr_q[29:0], lfsr_q[30] ^ lfsr_q[27] ^ rx_i};
    end
  end

  logic [DIM*8-1:0]  a, w;
  logic [DIM*32-1:0] psum;
  logic [TagW-1:0]   tag_q;
  for (genvar i = 0; i < DIM * 8; i++) begin : g_op
    assign a[i] = lfsr_q[i % 31];
    assign w[i] = lfsr_q[(i + 7) % 31];
  end
  always_ff @(posedge clk_i or negedge rst_n) begin
    if (!rst_n) begin
      tag_q <= '0;
    end else begin
      tag_q <= tag_q + 1'b1;
    end
  end

  systole_array #(.DIM(DIM), .LUT_MUL(LUT_MUL)) u_array (
    .clk_i, .rst_ni(rst_n),
    .a_i(a), .a_sel_i(lfsr_q[3]),
    .w_i(w), .w_valid_i(lfsr_q[5]), .w_tag_i(tag_q), .w_bank_i(lfsr_q[9]),
    .psum_o(psum)
  );

  logic fold_q;
  always_ff @(posedge clk_i or negedge rst_n) begin
    if (!rst_n) begin
      fold_q <= 1'b0;
    end else begin
      fold_q <= ^psum;
    end
  end
  assign tx_o  = fold_q;
  assign led_o = {lfsr_q[0], fold_q};

endmodule
