// Systole fixed delay line: q_o is d_i delayed by DEPTH cycles (DEPTH = 0: a wire); after
// reset q_o is zero until DEPTH cycles have passed, exactly like a reset shift register.
// Used for the array's input skew, weight skew and output de-skew, and for the control
// that travels alongside the array pipeline.
//
// DEPTH >= 2 has two descriptions of the same function:
//   - under Verilator, a circular buffer (one write and one read per cycle at a rotating
//     pointer, plus a saturating fill counter for the reset behaviour): O(1) work per cycle
//     in simulation instead of moving DEPTH*WIDTH bits;
//   - for synthesis (and with +define+SYSTOLE_ARRAY_PE, the Verilated hardware description
//     that tests/rtl/array_test.cpp checks), a reset shift register: the iCE40 has no LUT RAM
//     or SRLs, so the ring's storage became flip-flops anyway and its DEPTH:1 read multiplexer
//     cost LUTs (the 13-bit x 8 control delay of the execute unit: 92 LUTs); the shift
//     register needs no LUT at all.
module systole_delay #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned DEPTH = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [WIDTH-1:0] d_i,
  output logic [WIDTH-1:0] q_o
);

  if (DEPTH == 0) begin : g_wire
    logic unused_clk;
    assign unused_clk = clk_i ^ rst_ni;
    assign q_o = d_i;
  end else if (DEPTH == 1) begin : g_reg
    logic [WIDTH-1:0] q_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        q_q <= '0;
      end else begin
        q_q <= d_i;
      end
    end
    assign q_o = q_q;
  end else begin : g_deep
`ifdef VERILATOR
`ifndef SYSTOLE_ARRAY_PE
`define SYSTOLE_DELAY_RING
`endif
`endif
`ifdef SYSTOLE_DELAY_RING
    localparam int unsigned Pw = $clog2(DEPTH);
    logic [WIDTH-1:0] mem_q [DEPTH];
    logic [Pw-1:0]    ptr_q, ptr_d;
    logic             full_q, full_d;

    // Slot ptr holds the value written DEPTH cycles ago: read it, then overwrite it.
    always_comb begin
      ptr_d  = (ptr_q == Pw'(DEPTH - 1)) ? '0 : ptr_q + 1'b1;
      full_d = full_q || (ptr_q == Pw'(DEPTH - 1));
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ptr_q  <= '0;
        full_q <= 1'b0;
      end else begin
        ptr_q  <= ptr_d;
        full_q <= full_d;
      end
    end

    // Storage (memory primitive: one write per cycle, no reset; full_q masks stale data).
    always_ff @(posedge clk_i) begin
      mem_q[ptr_q] <= d_i;
    end

    assign q_o = full_q ? mem_q[ptr_q] : '0;
`else
    logic [WIDTH-1:0] sr_q [DEPTH];

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int unsigned i = 0; i < DEPTH; i++) begin
          sr_q[i] <= '0;
        end
      end else begin
        sr_q[0] <= d_i;
        for (int unsigned i = 1; i < DEPTH; i++) begin
          sr_q[i] <= sr_q[i-1];
        end
      end
    end

    assign q_o = sr_q[DEPTH-1];
`endif
  end

endmodule
