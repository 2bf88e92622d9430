// Systole inferable RAM: one synchronous write port, two synchronous read ports (1-cycle
// latency, read-before-write on the same address). Maps to block RAM (duplicated per read
// port where a vendor RAM has one) or to flops for tiny configurations.
// A_COLLIDE_DC = 1: the user never uses port A's data after a read of the row written in the
// same cycle (systole_acc forwards that write instead). Port A then reads its own copy of the
// memory marked no_rw_check, so synthesis need not emulate read-before-write on it (on iCE40
// that emulation costs a registered bypass of WIDTH + 1 flops and WIDTH muxes per port). The
// copy has the same contents, so simulation (which skips the copy) is unchanged; a block RAM
// is duplicated per read port anyway, so no block RAM is added.
module systole_ram #(
  parameter int unsigned WIDTH = 32,
  parameter int unsigned DEPTH = 16,
  /* verilator lint_off UNUSEDPARAM */   // used only under SYNTHESIS
  parameter bit          A_COLLIDE_DC = 1'b0,
  /* verilator lint_on UNUSEDPARAM */
  localparam int unsigned Aw = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [WIDTH-1:0] wdata_i,
  input  logic             re_a_i,
  input  logic [Aw-1:0]    raddr_a_i,
  output logic [WIDTH-1:0] rdata_a_o,
  input  logic             re_b_i,
  input  logic [Aw-1:0]    raddr_b_i,
  output logic [WIDTH-1:0] rdata_b_o
);

  logic [WIDTH-1:0] mem_q [DEPTH];
  logic [WIDTH-1:0] rdata_a_q, rdata_b_q;

  // Memory primitive: the one place where always_ff writes an array and enables reads.
  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_b_i) begin
      rdata_b_q <= mem_q[raddr_b_i];
    end
  end

`ifdef SYNTHESIS
  if (A_COLLIDE_DC) begin : g_a_copy
    (* no_rw_check *) logic [WIDTH-1:0] mem_a_q [DEPTH];
    always_ff @(posedge clk_i) begin
      if (we_i) begin
        mem_a_q[waddr_i] <= wdata_i;
      end
      if (re_a_i) begin
        rdata_a_q <= mem_a_q[raddr_a_i];
      end
    end
  end else
`endif
  // Simulation always reads port A from mem_q: the copy would hold the same rows, and
  // writing it too would slow the Verilator model.
  begin : g_a_shared
    always_ff @(posedge clk_i) begin
      if (re_a_i) begin
        rdata_a_q <= mem_q[raddr_a_i];
      end
    end
  end

  assign rdata_a_o = rdata_a_q;
  assign rdata_b_o = rdata_b_q;

endmodule
