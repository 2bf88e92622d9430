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
//     rel >= 9 overflow (rel tracked as a step count and s mod K, see q_q below).
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

  localparam int unsigned Rw  = (K > 1) ? $clog2(K) : 1;
  // q_q runs from -floor(63 / K) to 64 / K; steps with q_q < -1 hold only sticky bits, steps
  // with q_q > Qhi only overflow bits (K * q_q - r_q > 8).
  localparam int unsigned Qw  = $clog2(64 / K + 1) + 1;
  localparam int          Qhi = (8 + K) / K;
  localparam int          Ki  = K;
  localparam logic signed [Qw-1:0] QMinus1 = -1;
  localparam logic signed [Qw-1:0] QHigh   = Qw'(Qhi);

  // Operand registers and the product walk. The step holds product bits K * q_q - r_q + m
  // relative to s (m = 0 .. K-1), with q_q = step - floor(s / K) and r_q = s mod K: bit i of
  // the floor (rel = i) is part[(i + r_q) mod K] in the step with q_q = (i + r_q) / K, and the
  // round bit (rel = -1) part[(r_q - 1) mod K] in the step with q_q = (r_q == 0) ? -1 : 0,
  // so each is one K:1 select and one compare of q_q with a small value (rather than a
  // compare of every emitted bit's position with every floor position).
  logic [31:0]       a_q, a_d, b_q, b_d, r_q, r_d;
  logic signed [Qw-1:0] q_q, q_d;
  logic [Rw-1:0]     rr_q, rr_d;
  logic              neg_q, neg_d, sticky_q, sticky_d, rbit_q, rbit_d, ovf_q, ovf_d;
  logic [8:0]        fl_q, fl_d;
  logic [7:0]        zp_q, zp_d, lo_q, lo_d, hi_q, hi_d;

  logic signed [32:0] sum;
  logic [31:0]        x;
  logic [31+K:0]      part;
  logic [5:0]         sh;
  logic [4:0]         idx;
  int                 rv;

  always_comb begin
    a_d      = a_q;
    b_d      = b_q;
    r_d      = r_q;
    q_d      = q_q;
    rr_d     = rr_q;
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
    sh       = (shift_i > 8'd63) ? 6'd63 : shift_i[5:0];
    idx      = '0;
    rv       = 32'(rr_q);
    if (setup_i) begin
      // sat32(acc + bias), then magnitudes (|INT32_MIN| = 2^31 fits 32 unsigned bits).
      if (sum[32] != sum[31]) begin
        x = sum[32] ? 32'h80000000 : 32'h7fffffff;
      end
      a_d      = x[31] ? (~x + 32'd1) : x;
      b_d      = mult_i[31] ? (~mult_i + 32'd1) : mult_i;
      r_d      = '0;
      q_d      = -$signed(Qw'(32'(sh) / K));
      rr_d     = Rw'(32'(sh) % K);
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
      q_d   = q_q + Qw'(1);
      // Bit m is at rel = K * q_q + m - r_q: sticky below -1, overflow above 8; for the few
      // q_q in between, a compare of r_q with a constant.
      for (int m = 0; m < Ki; m++) begin
        if (q_q < QMinus1) begin
          sticky_d = sticky_d | part[m];
        end else if (q_q > QHigh) begin
          ovf_d = ovf_d | part[m];
        end else begin
          for (int qa = -1; qa <= Qhi; qa++) begin
            if (q_q == Qw'(qa)) begin
              if (rv > Ki * qa + m + 1) begin
                sticky_d = sticky_d | part[m];
              end
              if (Ki * qa + m - 8 > rv) begin
                ovf_d = ovf_d | part[m];
              end
            end
          end
        end
      end
      if (q_q == ((rr_q == '0) ? QMinus1 : Qw'(0))) begin
        rbit_d = part[(32'(rr_q) + K - 1) % K];
      end
      for (int unsigned i = 0; i < 9; i++) begin
        idx = 5'(i) + 5'(rr_q);
        if (q_q == Qw'(32'(idx) / K)) begin
          fl_d[i] = part[32'(idx) % K];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    a_q      <= a_d;
    b_q      <= b_d;
    r_q      <= r_d;
    q_q      <= q_d;
    rr_q     <= rr_d;
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
