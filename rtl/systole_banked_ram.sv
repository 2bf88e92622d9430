// Systole banked RAM: ROWS rows of WIDTH bits split into BANKS systole_ram banks by the low
// address bits (bank = row % BANKS, BANKS a power of two). Same ports and timing as
// systole_ram: each port touches one bank per cycle, the read mux select is registered.
module systole_banked_ram #(
  parameter int unsigned WIDTH = 32,
  parameter int unsigned ROWS  = 16,
  parameter int unsigned BANKS = 2,
  parameter bit          A_COLLIDE_DC = 1'b0,   // see systole_ram
  localparam int unsigned Aw   = $clog2(ROWS)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
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

  if (BANKS <= 1) begin : g_single
    logic unused_rst;
    assign unused_rst = rst_ni;
    systole_ram #(.WIDTH(WIDTH), .DEPTH(ROWS), .A_COLLIDE_DC(A_COLLIDE_DC)) u_bank (
      .clk_i,
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
  end else begin : g_banked
    localparam int unsigned Bw = $clog2(BANKS);
    logic [WIDTH-1:0] rd_a [BANKS];
    logic [WIDTH-1:0] rd_b [BANKS];
    logic [Bw-1:0] sel_a_q, sel_a_d, sel_b_q, sel_b_d;

    for (genvar b = 0; b < BANKS; b++) begin : g_bank
      systole_ram #(.WIDTH(WIDTH), .DEPTH(ROWS / BANKS), .A_COLLIDE_DC(A_COLLIDE_DC)) u_bank (
        .clk_i,
        .we_i      (we_i && (waddr_i[Bw-1:0] == Bw'(b))),
        .waddr_i   (waddr_i[Aw-1:Bw]),
        .wdata_i,
        .re_a_i    (re_a_i && (raddr_a_i[Bw-1:0] == Bw'(b))),
        .raddr_a_i (raddr_a_i[Aw-1:Bw]),
        .rdata_a_o (rd_a[b]),
        .re_b_i    (re_b_i && (raddr_b_i[Bw-1:0] == Bw'(b))),
        .raddr_b_i (raddr_b_i[Aw-1:Bw]),
        .rdata_b_o (rd_b[b])
      );
    end

    // The bank of each read is remembered for the cycle its data appears.
    always_comb begin
      sel_a_d = sel_a_q;
      sel_b_d = sel_b_q;
      if (re_a_i) begin
        sel_a_d = raddr_a_i[Bw-1:0];
      end
      if (re_b_i) begin
        sel_b_d = raddr_b_i[Bw-1:0];
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sel_a_q <= '0;
        sel_b_q <= '0;
      end else begin
        sel_a_q <= sel_a_d;
        sel_b_q <= sel_b_d;
      end
    end

    assign rdata_a_o = rd_a[sel_a_q];
    assign rdata_b_o = rd_b[sel_b_q];
  end

endmodule
