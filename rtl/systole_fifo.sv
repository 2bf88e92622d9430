// Systole synchronous FIFO (valid/ready on both sides, first-word fall-through, DEPTH >= 2).
// Holds the per-unit instruction queues and the fetch buffer.
// Assertions (Verilator --assert; not synthesized): the count never leaves 0..DEPTH (no push
// when full, no pop when empty), and the output side keeps valid and data until popped.
module systole_fifo #(
  parameter int unsigned WIDTH = 8,
  parameter int unsigned DEPTH = 4,
  localparam int unsigned Pw   = $clog2(DEPTH),
  localparam int unsigned Cw   = $clog2(DEPTH + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [WIDTH-1:0] in_data_i,
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WIDTH-1:0] out_data_o,
  output logic [Cw-1:0]    count_o
);

  logic [WIDTH-1:0] mem_q [DEPTH];
  logic [Pw-1:0]    wptr_q, wptr_d, rptr_q, rptr_d;
  logic [Cw-1:0]    count_q, count_d;
  logic             push, pop;

  assign in_ready_o  = (count_q != Cw'(DEPTH));
  assign out_valid_o = (count_q != '0);
  assign out_data_o  = mem_q[rptr_q];
  assign count_o     = count_q;
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    count_d = count_q;
    if (push) begin
      wptr_d = (wptr_q == Pw'(DEPTH - 1)) ? '0 : wptr_q + 1'b1;
    end
    if (pop) begin
      rptr_d = (rptr_q == Pw'(DEPTH - 1)) ? '0 : rptr_q + 1'b1;
    end
    if (push && !pop) begin
      count_d = count_q + 1'b1;
    end else if (pop && !push) begin
      count_d = count_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
    end
  end

  // Storage (memory primitive: written only on push).
  always_ff @(posedge clk_i) begin
    if (push) begin
      mem_q[wptr_q] <= in_data_i;
    end
  end

`ifndef SYNTHESIS
  a_fifo_count: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(count_q) <= DEPTH)
    else $error("systole_fifo: count %0d exceeds DEPTH %0d", count_q, DEPTH);
  a_fifo_no_overflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                       !(push && !pop && (count_q == Cw'(DEPTH))))
    else $error("systole_fifo: push when full");
  a_fifo_no_underflow: assert property (@(posedge clk_i) disable iff (!rst_ni) !(pop && (count_q == '0)))
    else $error("systole_fifo: pop when empty");
  a_fifo_out_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    (out_valid_o && !out_ready_i) |=> (out_valid_o && $stable(out_data_o)))
    else $error("systole_fifo: head changed before it was popped");
`endif

endmodule
