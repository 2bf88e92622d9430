// Systole scratchpad: ROWS rows of DIM int8, in BANKS banks interleaved by the low row-address
// bits (bank = row % BANKS). One write port (the load unit) and two read ports (execute:
// A = activations, B = weights), each one row per cycle with 1-cycle read latency.
module systole_spad #(
  parameter int unsigned DIM   = 4,
  parameter int unsigned ROWS  = 256,
  parameter int unsigned BANKS = 2,
  localparam int unsigned Aw   = $clog2(ROWS)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             we_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [DIM*8-1:0] wdata_i,
  input  logic             re_a_i,
  input  logic [Aw-1:0]    raddr_a_i,
  output logic [DIM*8-1:0] rdata_a_o,
  input  logic             re_b_i,
  input  logic [Aw-1:0]    raddr_b_i,
  output logic [DIM*8-1:0] rdata_b_o
);

  systole_banked_ram #(.WIDTH(DIM * 8), .ROWS(ROWS), .BANKS(BANKS)) u_ram (
    .clk_i,
    .rst_ni,
    .we_i,
    .waddr_i,
    .wdata_i,
    .re_a_i,
    .raddr_a_i,
    .rdata_a_o,
    .re_b_i,
    .raddr_b_i,
    .rdata_b_o
  );

endmodule
