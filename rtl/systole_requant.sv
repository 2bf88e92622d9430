// Systole requantization of one element: the RTL mirror of arch/requant.hpp, bit-exact.
//   x   = sat32(acc + bias)
//   q   = sat32(round_half_even(x * mult / 2^shift)), shift > 63 acts as 63, shift 0 exact
//   out = clamp(clamp(q + zero_point, clamp_lo, clamp_hi), -128, 127)   (lo first, then hi)
// Purely combinational; the store unit registers around it.
module systole_requant (
  input  logic [31:0]  acc_i,
  input  logic [31:0]  bias_i,
  input  logic [31:0]  mult_i,
  input  systole_isa_pkg::param_word_t  param_i,
  output logic [7:0]   out_o
);

  logic signed [32:0] sum;
  logic signed [31:0] x;
  logic signed [63:0] prod, floor_q, rem_mask, rem, half, rounded;
  logic        [5:0]  sh;
  logic               up;
  logic signed [31:0] q;
  logic signed [33:0] y;
  logic signed [33:0] lo, hi;

  always_comb begin
    // sat32(acc + bias)
    sum = $signed({acc_i[31], acc_i}) + $signed({bias_i[31], bias_i});
    if (sum > 33'sd2147483647) begin
      x = 32'sh7fffffff;
    end else if (sum < -33'sd2147483648) begin
      x = 32'sh80000000;
    end else begin
      x = sum[31:0];
    end

    // Exact 64-bit product (|prod| <= 2^62), one half-to-even rounding step.
    prod     = $signed({{32{x[31]}}, x}) * $signed({{32{mult_i[31]}}, mult_i});
    sh       = (param_i.shift > 8'd63) ? 6'd63 : param_i.shift[5:0];
    floor_q  = prod >>> sh;
    rem_mask = (64'sd1 <<< sh) - 64'sd1;
    rem      = prod & rem_mask;
    half     = (sh == 6'd0) ? 64'sd0 : (64'sd1 <<< (sh - 6'd1));
    up       = (sh != 6'd0) && ((rem > half) || ((rem == half) && floor_q[0]));
    rounded  = floor_q + (up ? 64'sd1 : 64'sd0);
    if (rounded > 64'sd2147483647) begin
      q = 32'sh7fffffff;
    end else if (rounded < -64'sd2147483648) begin
      q = 32'sh80000000;
    end else begin
      q = rounded[31:0];
    end

    // + zero point, clamp to [lo, hi] (lo first), then to int8.
    y  = $signed({{2{q[31]}}, q}) + $signed({{26{param_i.zero_point[7]}}, param_i.zero_point});
    lo = $signed({{26{param_i.clamp_lo[7]}}, param_i.clamp_lo});
    hi = $signed({{26{param_i.clamp_hi[7]}}, param_i.clamp_hi});
    if (y < lo) begin
      y = lo;
    end
    if (y > hi) begin
      y = hi;
    end
    if (y < -34'sd128) begin
      y = -34'sd128;
    end
    if (y > 34'sd127) begin
      y = 34'sd127;
    end
    out_o = y[7:0];
  end

endmodule
