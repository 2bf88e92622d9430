// Systole requantization of one element: the RTL mirror of arch/requant.hpp, bit-exact.
//   x   = sat32(acc + bias)
//   q   = sat32(round_half_even(x * mult / 2^shift)), shift > 63 acts as 63, shift 0 exact
//   out = clamp(clamp(q + zero_point, clamp_lo, clamp_hi), -128, 127)   (lo first, then hi)
// A function, not a module: the store unit calls it inside the always_ff that writes a
// requantized row, so a Verilated model evaluates it only in the cycles that push a row
// (a combinational module is evaluated every cycle). No `return` (Yosys 0.23).
package systole_requant;

  // The parameter word's fields come as plain bytes: Yosys 0.23 reads no struct member of a
  // function argument (systole_isa_pkg::param_word_t is split by the caller).
  function automatic logic [7:0] requant(
    input logic [31:0] acc_i,
    input logic [31:0] bias_i,
    input logic [31:0] mult_i,
    input logic [7:0]  shift_i,
    input logic [7:0]  zp_i,
    input logic [7:0]  lo_i,
    input logic [7:0]  hi_i
  );
    logic signed [32:0] sum;
    logic signed [31:0] x;
    logic signed [63:0] prod, floor_q, rem_mask, rem, half, rounded;
    logic        [5:0]  sh;
    logic               up;
    logic signed [31:0] q;
    logic signed [33:0] y;
    logic signed [33:0] lo, hi;

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
    sh       = (shift_i > 8'd63) ? 6'd63 : shift_i[5:0];
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
    y  = $signed({{2{q[31]}}, q}) + $signed({{26{zp_i[7]}}, zp_i});
    lo = $signed({{26{lo_i[7]}}, lo_i});
    hi = $signed({{26{hi_i[7]}}, hi_i});
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
    requant = y[7:0];
  endfunction

endpackage
