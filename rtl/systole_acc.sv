// Systole accumulator: ROWS rows of DIM int32, banked (systole_banked_ram).
//
//   - execute port (priority): write or accumulate one row per cycle, never stalls. The
//     request is registered (stage 1: read the old row when accumulating), then written in
//     the next cycle (stage 2: old + new, int32 wrap-around per lane). A stage-2 write is
//     forwarded to a stage-1 read of the same row, so back-to-back accumulations into one
//     row are exact.
//   - load port: writes one row when the execute port does not write this cycle (ld_ready_o).
//   - store port: reads one row per cycle, data one cycle later.
module systole_acc #(
  parameter int unsigned DIM   = 4,
  parameter int unsigned ROWS  = 64,
  parameter int unsigned BANKS = 2,
  localparam int unsigned Aw   = $clog2(ROWS)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // execute
  input  logic              ex_valid_i,
  input  logic [Aw-1:0]     ex_addr_i,
  input  logic [DIM*32-1:0] ex_data_i,
  input  logic              ex_accumulate_i,
  output logic              ex_commit_o,    // a stage-2 execute write happens this cycle
  // load
  input  logic              ld_valid_i,
  input  logic [Aw-1:0]     ld_addr_i,
  input  logic [DIM*32-1:0] ld_data_i,
  output logic              ld_ready_o,
  // store
  input  logic              st_re_i,
  input  logic [Aw-1:0]     st_addr_i,
  output logic [DIM*32-1:0] st_rdata_o
);

  // Stage 1 registers (the execute request), forwarding register (last write).
  logic              s1_valid_q, s1_acc_q;
  logic [Aw-1:0]     s1_addr_q;
  logic [DIM*32-1:0] s1_data_q;
  logic [DIM*32-1:0] fw_data_q, fw_data_d;
  logic              fw_hit_q, fw_hit_d;

  logic              we;
  logic [Aw-1:0]     waddr;
  logic [DIM*32-1:0] wdata, old_row, rmw_rdata;

  // Stage 2: old + new, or the new row alone.
  always_comb begin
    old_row = fw_hit_q ? fw_data_q : rmw_rdata;
    for (int unsigned i = 0; i < DIM; i++) begin
      wdata[32*i +: 32] = s1_data_q[32*i +: 32] + (s1_acc_q ? old_row[32*i +: 32] : 32'd0);
    end
    we    = s1_valid_q;
    waddr = s1_addr_q;
    if (!s1_valid_q) begin
      we    = ld_valid_i;
      waddr = ld_addr_i;
      wdata = ld_data_i;
    end
  end

  assign ld_ready_o  = !s1_valid_q;
  assign ex_commit_o = s1_valid_q;

  // The write of this cycle, remembered for a read issued in this same cycle (whose RAM data
  // would be the value before the write).
  always_comb begin
    fw_data_d  = wdata;
    fw_hit_d   = we && ex_valid_i && ex_accumulate_i && (waddr == ex_addr_i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_acc_q   <= 1'b0;
      s1_addr_q  <= '0;
      s1_data_q  <= '0;
      fw_data_q  <= '0;
      fw_hit_q   <= 1'b0;
    end else begin
      s1_valid_q <= ex_valid_i;
      s1_acc_q   <= ex_accumulate_i;
      s1_addr_q  <= ex_addr_i;
      s1_data_q  <= ex_data_i;
      fw_data_q  <= fw_data_d;
      fw_hit_q   <= fw_hit_d;
    end
  end

  // Port A's data after a same-cycle write of its row is never used (fw_hit_q selects
  // fw_data_q then), so the RAM need not produce the old row there (A_COLLIDE_DC).
  systole_banked_ram #(.WIDTH(DIM * 32), .ROWS(ROWS), .BANKS(BANKS), .A_COLLIDE_DC(1'b1)) u_ram (
    .clk_i,
    .rst_ni,
    .we_i      (we),
    .waddr_i   (waddr),
    .wdata_i   (wdata),
    .re_a_i    (ex_valid_i && ex_accumulate_i),
    .raddr_a_i (ex_addr_i),
    .rdata_a_o (rmw_rdata),
    .re_b_i    (st_re_i),
    .raddr_b_i (st_addr_i),
    .rdata_b_o (st_rdata_o)
  );

endmodule
