// Systole fixed delay line: q_o is d_i delayed by DEPTH cycles (DEPTH = 0: a wire).
// Used for the array's input skew, weight skew and output de-skew, and for the control
// that travels alongside the array pipeline.
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
  end else begin : g_reg
    // Stage i is bits [i*WIDTH +: WIDTH]; a new value enters at stage 0.
    localparam int unsigned SrW = DEPTH * WIDTH;
    logic [SrW-1:0] sr_q, sr_d;

    always_comb begin
      sr_d = (sr_q << WIDTH) | SrW'(d_i);
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sr_q <= '0;
      end else begin
        sr_q <= sr_d;
      end
    end

    assign q_o = sr_q[(DEPTH-1)*WIDTH +: WIDTH];
  end

endmodule
