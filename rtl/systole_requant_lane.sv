// Systole serial requantization lane: one element of the output path in 1 + 64/K cycles,
// bit-exact with arch/requant.hpp (and the combinational systole_requant::requant), for
// small FPGAs where DIM full-width requantizers (an exact 32x32 multiply and a 64-bit
// rounding shift each, ~4.4k iCE40 LUTs) do not fit. docs/rtl.md "Output path".
//
//   setup_i (1 cycle): x = sat32(acc + bias); A = |x|, B = |mult|, sign = x<0 ^ mult<0.
//   step_i (64/K cycles): R + A * B[K-1:0] emits the product's bits LSB first, K per step
//     (B shifts right by K, so the last 32/K steps only drain R). Each emitted bit at
//     position p is classified against s = min(shift, 63) through rel = p - s:
//     rel < -1 sticky, rel = -1 round bit, 0..8 the low 9 bits of floor(|x*mult| / 2^s),
//     rel >= 9 overflow.
//   y_o (combinational from the state after the last step):
//     m = floor + (round && (sticky || floor[0]))   half to even, on the magnitude
//     q = sign ? -min(m, 256) : min(m, 256)
//     y = clamp(clamp(q + zp, lo, hi), -128, 127)
// Why the magnitude and the 256 bound are exact: half-to-even rounding is symmetric about
// zero, and every q >= 256 (q <= -256) gives q + zp >= 128 (<= -129) whatever the int8 zero
// point, which the int8 clamps map to the same output as any larger (smaller) value,
// including the int32 saturation of the reference.
module systole_requant_lane #(
  parameter int unsigned K = 4   // product bits per step (a power of two, <= 16)
) (
  input  logic        clk_i,
  input  logic        setup_i,
  input  logic        step_i,
  input  logic [31:0] acc_i,
  input  logic [31:0] bias_i,
  input  logic [31:0] mult_i,
  input  logic [7:0]  shift_i,
  input  logic [7:0]  zp_i,
  input  logic [7:0]  lo_i,
  input  logic [7:0]  hi_i,
  output logic [7:0]  y_o
);

  // Operand registers and the product walk.
  logic [31:0]       a_q, a_d, b_q, b_d, r_q, r_d;
  logic signed [7:0] rel_q, rel_d;
  logic              neg_q, neg_d, sticky_q, sticky_d, rbit_q, rbit_d, ovf_q, ovf_d;
  logic [8:0]        fl_q, fl_d;
  logic [7:0]        zp_q, zp_d, lo_q, lo_d, hi_q, hi_d;

  logic signed [32:0] sum;
  logic [31:0]        x;
  logic [31+K:0]      part;
  logic signed [7:0]  pos;

  always_comb begin
    a_d      = a_q;
    b_d      = b_q;
    r_d      = r_q;
    rel_d    = rel_q;
    neg_d    = neg_q;
    sticky_d = sticky_q;
    rbit_d   = rbit_q;
    ovf_d    = ovf_q;
    fl_d     = fl_q;
    zp_d     = zp_q;
    lo_d     = lo_q;
    hi_d     = hi_q;
    sum      = $signed({acc_i[31], acc_i}) + $signed({bias_i[31], bias_i});
    x        = sum[31:0];
    part     = (32 + K)'(r_q) + (32 + K)'(a_q) * (32 + K)'(b_q[K-1:0]);
    pos      = '0;
    if (setup_i) begin
      // sat32(acc + bias), then magnitudes (|INT32_MIN| = 2^31 fits 32 unsigned bits).
      if (sum[32] != sum[31]) begin
        x = sum[32] ? 32'h80000000 : 32'h7fffffff;
      end
      a_d      = x[31] ? (~x + 32'd1) : x;
      b_d      = mult_i[31] ? (~mult_i + 32'd1) : mult_i;
      r_d      = '0;
      rel_d    = (shift_i > 8'd63) ? -8'sd63 : -$signed({2'b00, shift_i[5:0]});
      neg_d    = x[31] ^ mult_i[31];
      sticky_d = 1'b0;
      rbit_d   = 1'b0;
      ovf_d    = 1'b0;
      fl_d     = '0;
      zp_d     = zp_i;
      lo_d     = lo_i;
      hi_d     = hi_i;
    end else if (step_i) begin
      r_d   = part[31+K:K];
      b_d   = b_q >> K;
      rel_d = rel_q + 8'(K);
      for (int unsigned m = 0; m < K; m++) begin
        pos = rel_q + 8'(m);
        if (pos < -8'sd1) begin
          sticky_d = sticky_d | part[m];
        end else if (pos == -8'sd1) begin
          rbit_d = part[m];
        end else if (pos > 8'sd8) begin
          ovf_d = ovf_d | part[m];
        end else begin
          for (int unsigned i = 0; i < 9; i++) begin
            if (pos == 8'(i)) begin
              fl_d[i] = part[m];
            end
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    a_q      <= a_d;
    b_q      <= b_d;
    r_q      <= r_d;
    rel_q    <= rel_d;
    neg_q    <= neg_d;
    sticky_q <= sticky_d;
    rbit_q   <= rbit_d;
    ovf_q    <= ovf_d;
    fl_q     <= fl_d;
    zp_q     <= zp_d;
    lo_q     <= lo_d;
    hi_q     <= hi_d;
  end

  // Result from the state after the last step.
  logic [9:0]         m, mag;
  logic signed [10:0] y;
  always_comb begin
    m   = {1'b0, fl_q} + 10'(rbit_q && (sticky_q || fl_q[0]));
    mag = (ovf_q || (m > 10'd256)) ? 10'd256 : m;
    y   = neg_q ? -$signed({1'b0, mag}) : $signed({1'b0, mag});
    y   = y + 11'($signed(zp_q));
    if (y < 11'($signed(lo_q))) begin
      y = 11'($signed(lo_q));
    end
    if (y > 11'($signed(hi_q))) begin
      y = 11'($signed(hi_q));
    end
    if (y < -11'sd128) begin
      y = -11'sd128;
    end
    if (y > 11'sd127) begin
      y = 11'sd127;
    end
    y_o = y[7:0];
  end

endmodule
