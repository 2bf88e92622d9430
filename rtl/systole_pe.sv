// Systole processing element: one int8 x int8 -> int32 multiply-accumulate of the
// weight-stationary array.
//
// - Activations enter from the left and leave to the right one cycle later, together with
//   the bank-select flag that says which of the two weight registers they multiply with.
// - Partial sums enter from above and leave below one cycle later: psum_o = psum_i + a*w.
// - Weights are double-buffered: two registers (bank 0 and bank 1). New weights flow down
//   the column one row per cycle with a row tag; the PE whose ROW matches the tag captures
//   the weight into the bank named by the weight's own bank flag. Because the bank flag
//   travels with the activations, the swap to the new bank happens exactly when the first
//   activation of the next tile reaches this PE, so tiles stream back to back.
module systole_pe #(
  parameter int unsigned DIM = 4,  // array dimension (sizes the row tag)
  parameter int unsigned ROW = 0,  // this PE's row: the weight tag it captures
  localparam int unsigned TagW = (DIM > 1) ? $clog2(DIM) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // activations (left -> right)
  input  logic        [7:0] a_i,
  input  logic              a_sel_i,
  output logic        [7:0] a_o,
  output logic              a_sel_o,
  // partial sums (top -> bottom)
  input  logic       [31:0] psum_i,
  output logic       [31:0] psum_o,
  // weights (top -> bottom)
  input  logic        [7:0] w_i,
  input  logic              w_valid_i,
  input  logic   [TagW-1:0] w_tag_i,
  input  logic              w_bank_i,
  output logic        [7:0] w_o,
  output logic              w_valid_o,
  output logic   [TagW-1:0] w_tag_o,
  output logic              w_bank_o
);

  logic [7:0]  a_q, w_q, w0_q, w0_d, w1_q, w1_d;
  logic        a_sel_q, w_valid_q, w_bank_q;
  logic [TagW-1:0] w_tag_q;
  logic [31:0] psum_q, psum_d;
  logic signed [7:0]  w_act;
  logic signed [15:0] prod;

  // MAC with the weight bank the activation asks for; int32 wrap-around add.
  always_comb begin
    w_act  = a_sel_i ? w1_q : w0_q;
    prod   = $signed(a_i) * w_act;
    psum_d = psum_i + {{16{prod[15]}}, prod};
  end

  // Weight capture: only the tagged row writes, only into the bank the weight names.
  always_comb begin
    w0_d = w0_q;
    w1_d = w1_q;
    if (w_valid_i && (w_tag_i == TagW'(ROW))) begin
      if (w_bank_i) begin
        w1_d = w_i;
      end else begin
        w0_d = w_i;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_q       <= '0;
      a_sel_q   <= 1'b0;
      psum_q    <= '0;
      w_q       <= '0;
      w_valid_q <= 1'b0;
      w_tag_q   <= '0;
      w_bank_q  <= 1'b0;
      w0_q      <= '0;
      w1_q      <= '0;
    end else begin
      a_q       <= a_i;
      a_sel_q   <= a_sel_i;
      psum_q    <= psum_d;
      w_q       <= w_i;
      w_valid_q <= w_valid_i;
      w_tag_q   <= w_tag_i;
      w_bank_q  <= w_bank_i;
      w0_q      <= w0_d;
      w1_q      <= w1_d;
    end
  end

  assign a_o       = a_q;
  assign a_sel_o   = a_sel_q;
  assign psum_o    = psum_q;
  assign w_o       = w_q;
  assign w_valid_o = w_valid_q;
  assign w_tag_o   = w_tag_q;
  assign w_bank_o  = w_bank_q;

endmodule
