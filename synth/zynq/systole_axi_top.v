// Systole on a Zynq: systole_top behind standard AXI ports, the top of the Vivado block
// design's module reference (synth/zynq/, docs/synth.md). Verilog-2001 because Vivado takes
// only Verilog or VHDL as a module reference's top; systole_top below it is SystemVerilog.
//
//   s_axi_*  AXI4-Lite slave: the CSR block (arch/isa.toml offsets), from the PS GP master.
//   m_axi_*  AXI4 master to the PS HP port: one INCR burst per memory-master request
//            (len = beats - 1, size = BUS_BYTES), read ids passed through, writes on id 0 (so
//            their responses come back in order, as the memory port expects).
//   irq      systole_top's irq_o (done, when ctrl.irq_enable is set).
//
// Device addresses are offsets into the contiguous buffer the driver uses as device memory;
// DRAM_BASE, that buffer's physical address (the reserved-memory region of the generated
// device tree overlay), is added to every burst address.
//
// Limitation: a request is one row (at most 4 * DIM bytes plus alignment), so bursts are
// short, but a row that straddles a 4 KiB boundary yields a burst crossing it, which AXI
// forbids; the driver's buffers are 64-byte aligned, so this needs a row start within
// 4 * DIM bytes below a 4 KiB boundary (docs/synth.md lists it as open).
module systole_axi_top #(
  parameter integer DIM        = 4,
  parameter integer SPAD_ROWS  = 4096,
  parameter integer SPAD_BANKS = 4,
  parameter integer ACC_ROWS   = 256,
  parameter integer ACC_BANKS  = 2,
  parameter integer BUS_BYTES  = 4,
  parameter integer INSN_DEPTH = 64,
  parameter integer FETCH_DEPTH = 16,             // queues.fetch_window
  parameter integer REQUANT_LANES = 0,            // output.requant_lanes (0: DIM)
  parameter integer DRAM_BASE  = 32'h1800_0000   // below 2^31 on both boards
) (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 clk CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axi:m_axi, ASSOCIATED_RESET aresetn" *)
  input  wire                     clk,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 aresetn RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire                     aresetn,
  // AXI4-Lite slave (CSRs)
  input  wire [11:0]              s_axi_awaddr,
  input  wire [2:0]               s_axi_awprot,
  input  wire                     s_axi_awvalid,
  output wire                     s_axi_awready,
  input  wire [31:0]              s_axi_wdata,
  input  wire [3:0]               s_axi_wstrb,
  input  wire                     s_axi_wvalid,
  output wire                     s_axi_wready,
  output wire [1:0]               s_axi_bresp,
  output wire                     s_axi_bvalid,
  input  wire                     s_axi_bready,
  input  wire [11:0]              s_axi_araddr,
  input  wire [2:0]               s_axi_arprot,
  input  wire                     s_axi_arvalid,
  output wire                     s_axi_arready,
  output wire [31:0]              s_axi_rdata,
  output wire [1:0]               s_axi_rresp,
  output wire                     s_axi_rvalid,
  input  wire                     s_axi_rready,
  // AXI4 master (device memory)
  output wire [1:0]               m_axi_awid,
  output wire [31:0]              m_axi_awaddr,
  output wire [7:0]               m_axi_awlen,
  output wire [2:0]               m_axi_awsize,
  output wire [1:0]               m_axi_awburst,
  output wire [3:0]               m_axi_awcache,
  output wire [2:0]               m_axi_awprot,
  output wire                     m_axi_awvalid,
  input  wire                     m_axi_awready,
  output wire [BUS_BYTES*8-1:0]   m_axi_wdata,
  output wire [BUS_BYTES-1:0]     m_axi_wstrb,
  output wire                     m_axi_wlast,
  output wire                     m_axi_wvalid,
  input  wire                     m_axi_wready,
  input  wire [1:0]               m_axi_bid,
  input  wire [1:0]               m_axi_bresp,
  input  wire                     m_axi_bvalid,
  output wire                     m_axi_bready,
  output wire [1:0]               m_axi_arid,
  output wire [31:0]              m_axi_araddr,
  output wire [7:0]               m_axi_arlen,
  output wire [2:0]               m_axi_arsize,
  output wire [1:0]               m_axi_arburst,
  output wire [3:0]               m_axi_arcache,
  output wire [2:0]               m_axi_arprot,
  output wire                     m_axi_arvalid,
  input  wire                     m_axi_arready,
  input  wire [1:0]               m_axi_rid,
  input  wire [BUS_BYTES*8-1:0]   m_axi_rdata,
  input  wire [1:0]               m_axi_rresp,
  input  wire                     m_axi_rlast,
  input  wire                     m_axi_rvalid,
  output wire                     m_axi_rready,
  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire                     irq
);

  localparam [2:0] Size = (BUS_BYTES == 1) ? 3'd0 : (BUS_BYTES == 2) ? 3'd1 : (BUS_BYTES == 4) ? 3'd2 :
                          (BUS_BYTES == 8) ? 3'd3 : (BUS_BYTES == 16) ? 3'd4 : (BUS_BYTES == 32) ? 3'd5 : 3'd6;

  wire                   req_valid, req_ready, req_write;
  wire [31:0]            req_addr;
  wire [7:0]             req_beats;
  wire [1:0]             req_id;

  systole_top #(
    .DIM(DIM), .SPAD_ROWS(SPAD_ROWS), .SPAD_BANKS(SPAD_BANKS), .ACC_ROWS(ACC_ROWS),
    .ACC_BANKS(ACC_BANKS), .BUS_BYTES(BUS_BYTES), .INSN_DEPTH(INSN_DEPTH), .FETCH_DEPTH(FETCH_DEPTH),
    .REQUANT_LANES(REQUANT_LANES), .LUT_MUL(1'b0)  // the PEs' products in DSP48s
  ) u_top (
    .clk_i(clk), .rst_ni(aresetn),
    .s_awvalid_i(s_axi_awvalid), .s_awready_o(s_axi_awready), .s_awaddr_i(s_axi_awaddr[7:0]),
    .s_wvalid_i(s_axi_wvalid), .s_wready_o(s_axi_wready), .s_wdata_i(s_axi_wdata), .s_wstrb_i(s_axi_wstrb),
    .s_bvalid_o(s_axi_bvalid), .s_bready_i(s_axi_bready), .s_bresp_o(s_axi_bresp),
    .s_arvalid_i(s_axi_arvalid), .s_arready_o(s_axi_arready), .s_araddr_i(s_axi_araddr[7:0]),
    .s_rvalid_o(s_axi_rvalid), .s_rready_i(s_axi_rready), .s_rdata_o(s_axi_rdata), .s_rresp_o(s_axi_rresp),
    .irq_o(irq),
    .mem_req_valid_o(req_valid), .mem_req_ready_i(req_ready), .mem_req_write_o(req_write),
    .mem_req_addr_o(req_addr), .mem_req_beats_o(req_beats), .mem_req_id_o(req_id),
    .mem_w_valid_o(m_axi_wvalid), .mem_w_ready_i(m_axi_wready), .mem_w_data_o(m_axi_wdata),
    .mem_w_strb_o(m_axi_wstrb), .mem_w_last_o(m_axi_wlast),
    .mem_r_valid_i(m_axi_rvalid), .mem_r_ready_o(m_axi_rready), .mem_r_data_i(m_axi_rdata),
    .mem_r_last_i(m_axi_rlast), .mem_r_err_i(m_axi_rresp[1]), .mem_r_id_i(m_axi_rid),
    .mem_b_valid_i(m_axi_bvalid), .mem_b_ready_o(m_axi_bready), .mem_b_err_i(m_axi_bresp[1])
  );

  // One request: AW for a write, AR for a read; ready comes from the channel it goes to.
  assign m_axi_awvalid = req_valid && req_write;
  assign m_axi_arvalid = req_valid && !req_write;
  assign req_ready     = req_write ? m_axi_awready : m_axi_arready;

  assign m_axi_awid    = 2'd0;
  assign m_axi_awaddr  = DRAM_BASE + req_addr;
  assign m_axi_awlen   = req_beats - 8'd1;
  assign m_axi_awsize  = Size;
  assign m_axi_awburst = 2'b01;     // INCR
  assign m_axi_awcache = 4'b0011;   // normal non-cacheable bufferable (HP ports)
  assign m_axi_awprot  = 3'b000;

  assign m_axi_arid    = req_id;
  assign m_axi_araddr  = DRAM_BASE + req_addr;
  assign m_axi_arlen   = req_beats - 8'd1;
  assign m_axi_arsize  = Size;
  assign m_axi_arburst = 2'b01;
  assign m_axi_arcache = 4'b0011;
  assign m_axi_arprot  = 3'b000;

  // Inputs AXI requires but the accelerator does not use (protection, write ids, the low
  // response bit: OKAY/EXOKAY and SLVERR/DECERR differ in bit 1).
  /* verilator lint_off UNUSEDSIGNAL */
  wire unused_ok = &{1'b0, s_axi_awaddr[11:8], s_axi_araddr[11:8], s_axi_awprot, s_axi_arprot, m_axi_bid,
                     m_axi_bresp[0], m_axi_rresp[0]};
  /* verilator lint_on UNUSEDSIGNAL */

endmodule
