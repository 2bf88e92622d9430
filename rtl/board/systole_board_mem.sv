// Systole board memory: MEM_BYTES of on-chip RAM standing in for DRAM on boards without
// one. It serves the accelerator's memory-master port (docs/rtl.md) and a byte-wide host
// port used by the UART bridge. Addresses wrap modulo MEM_BYTES (the upper bits are
// ignored), so the driver's allocator, which never hands out addresses below 4096, still
// works with a 4 KiB memory (docs/synth.md).
//
// The RAM is single-ported (one address for read and write) so that Yosys maps it to
// SB_SPRAM256KA with synth_ice40 -spram (UP5K) and to SB_RAM40_4K otherwise. One request
// is served at a time: a read beat takes 2 cycles (RAM read, then the beat on R), a write
// beat 1 cycle; the host port is served only between bursts.
module systole_board_mem #(
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned MEM_BYTES = 4096,
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned Words    = MEM_BYTES / BUS_BYTES,
  localparam int unsigned Ww       = $clog2(Words),
  localparam int unsigned Lw       = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // accelerator memory-master port
  input  logic                 req_valid_i,
  output logic                 req_ready_o,
  input  logic                 req_write_i,
  input  logic [31:0]          req_addr_i,
  input  logic [7:0]           req_beats_i,
  input  logic [1:0]           req_id_i,
  input  logic                 w_valid_i,
  output logic                 w_ready_o,
  input  logic [BusW-1:0]      w_data_i,
  input  logic [BUS_BYTES-1:0] w_strb_i,
  input  logic                 w_last_i,
  output logic                 r_valid_o,
  input  logic                 r_ready_i,
  output logic [BusW-1:0]      r_data_o,
  output logic                 r_last_o,
  output logic                 r_err_o,
  output logic [1:0]           r_id_o,
  output logic                 b_valid_o,
  input  logic                 b_ready_i,
  output logic                 b_err_o,
  // host byte port: a request is taken when valid && ready; read data one cycle later
  input  logic                 h_valid_i,
  output logic                 h_ready_o,
  input  logic                 h_write_i,
  input  logic [31:0]          h_addr_i,
  input  logic [7:0]           h_wdata_i,
  output logic                 h_rvalid_o,
  output logic [7:0]           h_rdata_o
);

  typedef enum logic [2:0] {MIdle, MRdAddr, MRdData, MWrite, MResp} mem_e;

  mem_e             st_q, st_d;
  logic [Ww-1:0]    addr_q, addr_d;
  logic [7:0]       left_q, left_d;     // beats after the current one
  logic [1:0]       id_q, id_d;
  logic [Lw-1:0]    hlane_q, hlane_d;
  logic             hread_q, hread_d;

  // RAM port (combinational request, registered read data).
  logic                 ram_en, ram_we;
  logic [Ww-1:0]        ram_addr;
  logic [BusW-1:0]      ram_wdata;
  logic [BUS_BYTES-1:0] ram_be;
  logic [BusW-1:0]      ram_rdata_q;
  logic [BusW-1:0]      mem_q [Words];

  logic h_fire;
  logic unused_addr_bits;   // addresses wrap modulo MEM_BYTES; requests are beat-aligned
  assign unused_addr_bits = ^{req_addr_i[31:Ww+Lw], req_addr_i[Lw-1:0], h_addr_i[31:Ww+Lw]};
  assign h_ready_o = (st_q == MIdle) && !req_valid_i;
  assign h_fire    = h_valid_i && h_ready_o;

  always_comb begin
    st_d      = st_q;
    addr_d    = addr_q;
    left_d    = left_q;
    id_d      = id_q;
    hlane_d   = hlane_q;
    hread_d   = 1'b0;
    ram_en    = 1'b0;
    ram_we    = 1'b0;
    ram_addr  = addr_q;
    ram_wdata = w_data_i;
    ram_be    = w_strb_i;
    unique case (st_q)
      MIdle: begin
        if (req_valid_i) begin
          addr_d = req_addr_i[Ww+Lw-1:Lw];
          left_d = req_beats_i - 8'd1;
          id_d   = req_id_i;
          st_d   = req_write_i ? MWrite : MRdAddr;
        end else if (h_fire) begin
          ram_en    = 1'b1;
          ram_we    = h_write_i;
          ram_addr  = h_addr_i[Ww+Lw-1:Lw];
          ram_wdata = {BUS_BYTES{h_wdata_i}};
          ram_be    = BUS_BYTES'(1) << h_addr_i[Lw-1:0];
          hlane_d   = h_addr_i[Lw-1:0];
          hread_d   = !h_write_i;
        end
      end
      MRdAddr: begin
        ram_en = 1'b1;
        st_d   = MRdData;
      end
      MRdData: begin
        if (r_ready_i) begin
          addr_d = addr_q + 1'b1;
          left_d = left_q - 8'd1;
          st_d   = (left_q == 8'd0) ? MIdle : MRdAddr;
        end
      end
      MWrite: begin
        if (w_valid_i) begin
          ram_en = 1'b1;
          ram_we = 1'b1;
          addr_d = addr_q + 1'b1;
          if (w_last_i) begin
            st_d = MResp;
          end
        end
      end
      MResp: begin
        if (b_ready_i) begin
          st_d = MIdle;
        end
      end
      default: st_d = MIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q    <= MIdle;
      addr_q  <= '0;
      left_q  <= '0;
      id_q    <= '0;
      hlane_q <= '0;
      hread_q <= 1'b0;
    end else begin
      st_q    <= st_d;
      addr_q  <= addr_d;
      left_q  <= left_d;
      id_q    <= id_d;
      hlane_q <= hlane_d;
      hread_q <= hread_d;
    end
  end

  // Memory primitive: single port, byte write enables, registered read.
  always_ff @(posedge clk_i) begin
    if (ram_en) begin
      for (int unsigned b = 0; b < BUS_BYTES; b++) begin
        if (ram_we && ram_be[b]) begin
          mem_q[ram_addr][8*b +: 8] <= ram_wdata[8*b +: 8];
        end
      end
      if (!ram_we) begin
        ram_rdata_q <= mem_q[ram_addr];
      end
    end
  end

  assign req_ready_o = (st_q == MIdle);
  assign w_ready_o   = (st_q == MWrite);
  assign r_valid_o   = (st_q == MRdData);
  assign r_data_o    = ram_rdata_q;
  assign r_last_o    = (left_q == 8'd0);
  assign r_err_o     = 1'b0;
  assign r_id_o      = id_q;
  assign b_valid_o   = (st_q == MResp);
  assign b_err_o     = 1'b0;
  assign h_rvalid_o  = hread_q;
  assign h_rdata_o   = ram_rdata_q[8*hlane_q +: 8];

endmodule
