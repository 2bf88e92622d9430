// Systole fixed delay line: q_o is d_i delayed by DEPTH cycles (DEPTH = 0: a wire); after
// reset q_o is zero until DEPTH cycles have passed, exactly like a reset shift register.
// Used for the array's input skew, weight skew and output de-skew, and for the control
// that travels alongside the array pipeline.
//
// DEPTH >= 2 is a circular buffer (one write and one read per cycle at a rotating pointer,
// plus a saturating fill counter for the reset behaviour) rather than a shift register: the
// same function, but O(1) work per cycle in simulation instead of moving DEPTH*WIDTH bits,
// and it maps to LUT RAM / SRLs on FPGAs.
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
  end else begin : g_ring
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
  end

endmodule
