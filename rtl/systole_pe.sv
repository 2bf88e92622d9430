// Systole processing element: one int8 x int8 multiply-accumulate of the weight-stationary
// array.
//
// - Activations enter from the left and leave to the right one cycle later, together with
//   the bank-select flag that says which of the two weight registers they multiply with.
// - Partial sums enter from above and leave below one cycle later: psum_o = psum_i + a*w.
//   They are only as wide as the column's sum can get (the array sign-extends the bottom row
//   to int32): the top row's psum_i is zero, so the sum leaving row ROW is a sum of ROW+1
//   products, each in [-128*127, (-128)*(-128)] = [-16256, 16384], so it lies in
//   [-16256*(ROW+1), 16384*(ROW+1)] and fits PsumOW = 15 + clog2(ROW+2) signed bits exactly
//   (16384*n < 2^(PsumOW-1)): no wrap-around can happen, and the int32 wrap-around sum the
//   array specifies is its sign extension. Capped at 32 bits (DIM > 2^16 rows): then the
//   32-bit sum wraps exactly like int32. psum_i is the sum of ROW products (PsumIW bits;
//   row 0 has none: its psum_i is a 1-bit port it ignores, the array ties it to zero).
// - Weights are double-buffered: two registers (bank 0 and bank 1). New weights flow down
//   the column one row per cycle with a row tag; the PE whose ROW matches the tag captures
//   the weight into the bank named by the weight's own bank flag. Because the bank flag
//   travels with the activations, the swap to the new bank happens exactly when the first
//   activation of the next tile reaches this PE, so tiles stream back to back.
module systole_pe #(
  parameter int unsigned DIM = 4,  // array dimension (sizes the row tag)
  parameter int unsigned ROW = 0,  // this PE's row: the weight tag it captures
  // 1: the product is the LUT-built Booth multiply below (FPGAs without enough multipliers:
  // iCE40); 0: `$signed(a) * w`, which synthesis maps to a DSP block (xc7, ecp5).
  parameter bit          LUT_MUL = 1'b1,
  localparam int unsigned TagW = (DIM > 1) ? $clog2(DIM) : 1,
  localparam int unsigned PsumOW = (15 + $clog2(ROW + 2) < 32) ? 15 + $clog2(ROW + 2) : 32,
  localparam int unsigned PsumIW = (ROW == 0) ? 1 :
                                   ((15 + $clog2(ROW + 1) < 32) ? 15 + $clog2(ROW + 1) : 32)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // activations (left -> right)
  input  logic        [7:0] a_i,
  input  logic              a_sel_i,
  output logic        [7:0] a_o,
  output logic              a_sel_o,
  // partial sums (top -> bottom)
  input  logic [PsumIW-1:0] psum_i,
  output logic [PsumOW-1:0] psum_o,
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
  logic [PsumOW-1:0] psum_q, psum_d;

  // The 8x8 signed product, radix-4 Booth: a = sum_i d_i * 4^i with digits
  // d_i = a[2i-1] + a[2i] - 2*a[2i+1] in {-2..2} (a[-1] = 0), so a*w = sum_i d_i*w*4^i, four
  // partial products instead of eight. Row i is |d_i|*w (9-bit signed: w or 2w) inverted
  // when d_i < 0 (neg_i = a[2i+1]), plus neg_i (two's complement -x = ~x + 1); rows 1..3 take
  // their +neg_i as the carry-in of their adder, row 0 as that of the partial-sum adder (in
  // the top PE, which has no partial-sum input, as an increment of row 0: narrower). The
  // rows are summed by three narrow carry-chain adders: before each, the two lowest bits of
  // the running sum x are final (later rows start two bits higher) and leave as product bits.
  // x is 10 bits, the product's top 10: the arithmetic is modulo 2^16 and x holds the sum's
  // bits from 2i up, so its upper bits are only ever lost above bit 15. Yosys 0.23 maps
  // `$signed(a) * w` to a full-adder tree in LUTs: 182 SB_LUT4 for the product alone, 200
  // with a 17-bit add; this MAC is ~107 (tests/rtl/pe_test.cpp checks every a x w product
  // from both banks; an equivalence proof against `psum + $signed(a) * w` passed in Yosys).
  logic [7:0]  w_act;
  logic [15:0] prod;
  logic        neg0;

  always_comb begin
    logic [8:0]        a_ext;
    logic              one, two, neg;
    logic [8:0]        mag, pp;
    logic signed [9:0] x;
    logic [5:0]        lo;
    w_act = a_sel_i ? w1_q : w0_q;
    a_ext = {a_i, 1'b0};
    neg0  = a_i[1];
    x     = '0;
    lo    = '0;
    for (int unsigned i = 0; i < 4; i++) begin
      neg = a_ext[2*i+2];
      one = a_ext[2*i+1] ^ a_ext[2*i];
      two = (a_ext[2*i+2] & !a_ext[2*i+1] & !a_ext[2*i]) |
            (!a_ext[2*i+2] & a_ext[2*i+1] & a_ext[2*i]);
      mag = ({9{one}} & {w_act[7], w_act}) | ({9{two}} & {w_act, 1'b0});
      pp  = mag ^ {9{neg}};
      if (i == 0) begin
        x = 10'($signed(pp));
        if (ROW == 0) begin
          x = x + $signed({9'b0, neg});
        end
      end else begin
        // (Separate statements: in one expression with the unsigned carry-in, >>> would be
        // a logical shift.)
        lo[2*i-2 +: 2] = x[1:0];
        x = x >>> 2;
        x = x + 10'($signed(pp)) + $signed({9'b0, neg});
      end
    end
    prod = {x, lo};
    if (!LUT_MUL) begin
      // The same product for the DSP blocks (row 0's +neg0 then is not added again).
      prod = 16'($signed(a_i) * $signed(w_act));
      neg0 = 1'b0;
    end
  end

  // The partial sum (no wrap-around possible below 32 bits: see the header), plus row 0's
  // +neg_0 as the carry-in.
  if (ROW == 0) begin : g_top
    logic unused_psum;
    assign unused_psum = ^psum_i;
    logic unused_neg0;
    assign unused_neg0 = neg0;
    assign psum_d = PsumOW'($signed(prod));
  end else begin : g_acc
    assign psum_d = PsumOW'($signed(psum_i)) + PsumOW'($signed(prod)) + PsumOW'(neg0);
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
