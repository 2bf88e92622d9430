// Systole board top for small FPGA boards without DRAM (iCEBreaker, iCE40-HX8K breakout):
// systole_top, systole_board_mem standing in for DRAM, and a UART bridge through which the
// host reads and writes CSRs and memory (protocol: docs/synth.md). Reset is a power-on
// counter (iCE40 flops start at 0). LEDs (active high; LED_INVERT for active-low boards):
// led_o[0] = irq (run finished), led_o[1] = a byte is being received.
module systole_board_top #(
  parameter int unsigned DIM          = 4,
  parameter int unsigned SPAD_ROWS    = 512,
  parameter int unsigned SPAD_BANKS   = 2,
  parameter int unsigned ACC_ROWS     = 256,
  parameter int unsigned ACC_BANKS    = 1,
  parameter int unsigned BUS_BYTES    = 4,
  parameter int unsigned INSN_DEPTH   = 4,
  parameter int unsigned FETCH_DEPTH  = 4,
  parameter int unsigned REQUANT_LANES = 1,    // serial requantizer lanes (docs/synth.md)
  parameter int unsigned COUNTER_BITS  = 32,   // 32-bit performance counters on the board
  parameter bit          LUT_MUL       = 1'b1,  // PE products in LUTs (rtl/systole_pe.sv)
  parameter int unsigned MEM_BYTES    = 4096,
  parameter int unsigned CLKS_PER_BIT = 104,   // 12 MHz / 115200 baud
  parameter bit          LED_INVERT   = 1'b0,
  localparam int unsigned BusW        = BUS_BYTES * 8
) (
  input  logic       clk_i,
  input  logic       rx_i,
  output logic       tx_o,
  output logic [1:0] led_o
);

  // Power-on reset: 15 cycles.
  logic [3:0] por_q = 4'd0;
  logic       rst_n;
  always_ff @(posedge clk_i) begin
    if (por_q != 4'hf) begin
      por_q <= por_q + 4'd1;
    end
  end
  assign rst_n = (por_q == 4'hf);

  // UART.
  logic       rx_valid, tx_valid, tx_ready;
  logic [7:0] rx_data, tx_data;
  systole_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
    .clk_i, .rst_ni(rst_n), .rx_i, .valid_o(rx_valid), .data_o(rx_data)
  );
  systole_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
    .clk_i, .rst_ni(rst_n), .valid_i(tx_valid), .ready_o(tx_ready), .data_i(tx_data), .tx_o
  );

  // Bridge <-> CSR slave, bridge <-> memory host port.
  logic        awvalid, awready, wvalid, wready, bvalid, bready, arvalid, arready, rvalid, rready;
  logic [7:0]  awaddr, araddr;
  logic [31:0] wdata, rdata;
  logic [3:0]  wstrb;
  logic [1:0]  bresp, rresp;
  logic        h_valid, h_ready, h_write, h_rvalid;
  logic [31:0] h_addr;
  logic [7:0]  h_wdata, h_rdata;

  systole_uart_bridge #(.MEM_BYTES(MEM_BYTES), .BUS_BYTES(BUS_BYTES)) u_bridge (
    .clk_i, .rst_ni(rst_n),
    .rx_valid_i(rx_valid), .rx_data_i(rx_data),
    .tx_valid_o(tx_valid), .tx_ready_i(tx_ready), .tx_data_o(tx_data),
    .m_awvalid_o(awvalid), .m_awready_i(awready), .m_awaddr_o(awaddr),
    .m_wvalid_o(wvalid), .m_wready_i(wready), .m_wdata_o(wdata), .m_wstrb_o(wstrb),
    .m_bvalid_i(bvalid), .m_bready_o(bready), .m_bresp_i(bresp),
    .m_arvalid_o(arvalid), .m_arready_i(arready), .m_araddr_o(araddr),
    .m_rvalid_i(rvalid), .m_rready_o(rready), .m_rdata_i(rdata), .m_rresp_i(rresp),
    .h_valid_o(h_valid), .h_ready_i(h_ready), .h_write_o(h_write), .h_addr_o(h_addr),
    .h_wdata_o(h_wdata), .h_rvalid_i(h_rvalid), .h_rdata_i(h_rdata)
  );

  // Accelerator <-> board memory.
  logic                 req_valid, req_ready, req_write, w_valid, w_ready, w_last;
  logic                 r_valid, r_ready, r_last, r_err, b_valid, b_ready, b_err, irq;
  logic [31:0]          req_addr;
  logic [7:0]           req_beats;
  logic [1:0]           req_id, r_id;
  logic [BusW-1:0]      w_data, r_data;
  logic [BUS_BYTES-1:0] w_strb;

  systole_top #(
    .DIM(DIM), .SPAD_ROWS(SPAD_ROWS), .SPAD_BANKS(SPAD_BANKS), .ACC_ROWS(ACC_ROWS),
    .ACC_BANKS(ACC_BANKS), .BUS_BYTES(BUS_BYTES), .INSN_DEPTH(INSN_DEPTH), .FETCH_DEPTH(FETCH_DEPTH),
    .REQUANT_LANES(REQUANT_LANES), .COUNTER_BITS(COUNTER_BITS), .LUT_MUL(LUT_MUL)
  ) u_top (
    .clk_i, .rst_ni(rst_n),
    .s_awvalid_i(awvalid), .s_awready_o(awready), .s_awaddr_i(awaddr),
    .s_wvalid_i(wvalid), .s_wready_o(wready), .s_wdata_i(wdata), .s_wstrb_i(wstrb),
    .s_bvalid_o(bvalid), .s_bready_i(bready), .s_bresp_o(bresp),
    .s_arvalid_i(arvalid), .s_arready_o(arready), .s_araddr_i(araddr),
    .s_rvalid_o(rvalid), .s_rready_i(rready), .s_rdata_o(rdata), .s_rresp_o(rresp),
    .irq_o(irq),
    .mem_req_valid_o(req_valid), .mem_req_ready_i(req_ready), .mem_req_write_o(req_write),
    .mem_req_addr_o(req_addr), .mem_req_beats_o(req_beats), .mem_req_id_o(req_id),
    .mem_w_valid_o(w_valid), .mem_w_ready_i(w_ready), .mem_w_data_o(w_data),
    .mem_w_strb_o(w_strb), .mem_w_last_o(w_last),
    .mem_r_valid_i(r_valid), .mem_r_ready_o(r_ready), .mem_r_data_i(r_data),
    .mem_r_last_i(r_last), .mem_r_err_i(r_err), .mem_r_id_i(r_id),
    .mem_b_valid_i(b_valid), .mem_b_ready_o(b_ready), .mem_b_err_i(b_err)
  );

  systole_board_mem #(.BUS_BYTES(BUS_BYTES), .MEM_BYTES(MEM_BYTES)) u_mem (
    .clk_i, .rst_ni(rst_n),
    .req_valid_i(req_valid), .req_ready_o(req_ready), .req_write_i(req_write),
    .req_addr_i(req_addr), .req_beats_i(req_beats), .req_id_i(req_id),
    .w_valid_i(w_valid), .w_ready_o(w_ready), .w_data_i(w_data), .w_strb_i(w_strb),
    .w_last_i(w_last),
    .r_valid_o(r_valid), .r_ready_i(r_ready), .r_data_o(r_data), .r_last_o(r_last),
    .r_err_o(r_err), .r_id_o(r_id),
    .b_valid_o(b_valid), .b_ready_i(b_ready), .b_err_o(b_err),
    .h_valid_i(h_valid), .h_ready_o(h_ready), .h_write_i(h_write), .h_addr_i(h_addr),
    .h_wdata_i(h_wdata), .h_rvalid_o(h_rvalid), .h_rdata_o(h_rdata)
  );

  assign led_o = {2{LED_INVERT}} ^ {!rx_i, irq};

endmodule
