// Systole dependency-token counter for one channel between neighbouring units: push adds a
// token, pop (only when avail_o) takes one; both in one cycle leave the count unchanged.
// Saturates at 2^WIDTH-1 (the driver's validator keeps programs far below).
// Assertions (Verilator --assert; not synthesized): a pop only with a token there (underflow)
// and no push into a full counter (overflow: a token would be lost).
module systole_token #(
  parameter int unsigned WIDTH = 8
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic push_i,
  input  logic pop_i,
  output logic avail_o
);

  logic [WIDTH-1:0] count_q, count_d;
  logic             pop, inc, dec;

  assign avail_o = (count_q != '0);
  assign pop     = pop_i && avail_o;

  // One adder for both directions: + 1, - 1 (all ones) or + 0.
  assign inc     = push_i && !pop && (count_q != '1);
  assign dec     = pop && !push_i;
  assign count_d = count_q + {{(WIDTH - 1){dec}}, inc || dec};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
    end else begin
      count_q <= count_d;
    end
  end

`ifndef SYNTHESIS
  a_token_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni) !(pop_i && !avail_o))
    else $error("systole_token: token counter underflow (pop with no token)");
  a_token_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni) !(push_i && !pop && (count_q == '1)))
    else $error("systole_token: token counter overflow (push at %0d tokens)", count_q);
`endif

endmodule
