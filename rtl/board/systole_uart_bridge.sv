// Systole UART bridge: turns a byte protocol from the host (docs/synth.md, "UART protocol")
// into AXI4-Lite CSR accesses of systole_top and byte accesses of the board memory.
//
//   0x01 PING                               -> 'S' 'Y' log2(MEM_BYTES) BUS_BYTES
//   0x02 CSR_WRITE off data[4]              -> status
//   0x03 CSR_READ  off                      -> status data[4]
//   0x04 MEM_WRITE addr[4] len[2] byte*len  -> status
//   0x05 MEM_READ  addr[4] len[2]           -> status byte*len
//   other                                   -> 0xEE
// Multi-byte fields are little-endian; status 0x00 = OK, else the AXI response code.
// A command whose bytes stop arriving for TIMEOUT_CLKS cycles is dropped (resync).
module systole_uart_bridge #(
  parameter int unsigned MEM_BYTES    = 4096,
  parameter int unsigned BUS_BYTES    = 4,
  parameter int unsigned TIMEOUT_CLKS = 1 << 20
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // bytes from / to the UART
  input  logic        rx_valid_i,
  input  logic [7:0]  rx_data_i,
  output logic        tx_valid_o,
  input  logic        tx_ready_i,
  output logic [7:0]  tx_data_o,
  // AXI4-Lite master to the CSR block
  output logic        m_awvalid_o,
  input  logic        m_awready_i,
  output logic [7:0]  m_awaddr_o,
  output logic        m_wvalid_o,
  input  logic        m_wready_i,
  output logic [31:0] m_wdata_o,
  output logic [3:0]  m_wstrb_o,
  input  logic        m_bvalid_i,
  output logic        m_bready_o,
  input  logic [1:0]  m_bresp_i,
  output logic        m_arvalid_o,
  input  logic        m_arready_i,
  output logic [7:0]  m_araddr_o,
  input  logic        m_rvalid_i,
  output logic        m_rready_o,
  input  logic [31:0] m_rdata_i,
  input  logic [1:0]  m_rresp_i,
  // board memory host port
  output logic        h_valid_o,
  input  logic        h_ready_i,
  output logic        h_write_o,
  output logic [31:0] h_addr_o,
  output logic [7:0]  h_wdata_o,
  input  logic        h_rvalid_i,
  input  logic [7:0]  h_rdata_i
);

  localparam logic [7:0] OpPing = 8'h01, OpCsrWrite = 8'h02, OpCsrRead = 8'h03;
  localparam logic [7:0] OpMemWrite = 8'h04, OpMemRead = 8'h05, StatusBadOp = 8'hee;
  localparam int unsigned Tw = $clog2(TIMEOUT_CLKS + 1);

  typedef enum logic [3:0] {
    BOp, BArgs, BDispatch, BCsrW, BCsrWResp, BCsrR, BCsrRResp,
    BMemWData, BMemWReq, BMemRReq, BMemRWait, BSend
  } br_e;

  br_e         st_q, st_d, after_q, after_d;
  logic [7:0]  op_q, op_d;
  logic [47:0] args_q, args_d;
  logic [2:0]  idx_q, idx_d, nargs;
  logic [31:0] addr_q, addr_d;
  logic [15:0] len_q, len_d;
  logic [7:0]  wbyte_q, wbyte_d;
  logic [39:0] tx_buf_q, tx_buf_d;
  logic [2:0]  tx_n_q, tx_n_d;
  logic [Tw-1:0] idle_q, idle_d;
  logic        waiting_rx;

  always_comb begin
    unique case (op_q)
      OpCsrWrite:            nargs = 3'd5;
      OpCsrRead:             nargs = 3'd1;
      OpMemWrite, OpMemRead: nargs = 3'd6;
      default:               nargs = 3'd0;
    endcase
  end

  assign waiting_rx = (st_q == BArgs) || (st_q == BMemWData);

  always_comb begin
    st_d     = st_q;
    after_d  = after_q;
    op_d     = op_q;
    args_d   = args_q;
    idx_d    = idx_q;
    addr_d   = addr_q;
    len_d    = len_q;
    wbyte_d  = wbyte_q;
    tx_buf_d = tx_buf_q;
    tx_n_d   = tx_n_q;
    idle_d   = (waiting_rx && !rx_valid_i) ? idle_q + 1'b1 : '0;
    m_awvalid_o = 1'b0;
    m_wvalid_o  = 1'b0;
    m_bready_o  = 1'b0;
    m_arvalid_o = 1'b0;
    m_rready_o  = 1'b0;
    h_valid_o   = 1'b0;
    h_write_o   = 1'b0;
    tx_valid_o  = 1'b0;

    unique case (st_q)
      BOp: begin
        if (rx_valid_i) begin
          op_d  = rx_data_i;
          idx_d = '0;
          st_d  = BArgs;
        end
      end
      BArgs: begin
        if (idx_q == nargs) begin
          st_d = BDispatch;
        end else if (rx_valid_i) begin
          args_d[8*idx_q +: 8] = rx_data_i;
          idx_d                = idx_q + 1'b1;
        end
      end
      BDispatch: begin
        addr_d  = args_q[31:0];
        len_d   = args_q[47:32];
        st_d    = BSend;
        after_d = BOp;
        tx_n_d  = 3'd1;
        unique case (op_q)
          OpPing: begin
            tx_buf_d = {8'd0, 8'(BUS_BYTES), 8'($clog2(MEM_BYTES)), 8'h59, 8'h53};
            tx_n_d   = 3'd4;
          end
          OpCsrWrite: st_d = BCsrW;
          OpCsrRead:  st_d = BCsrR;
          OpMemWrite: begin
            tx_buf_d = '0;
            if (args_q[47:32] != 16'd0) begin
              st_d = BMemWData;
            end
          end
          OpMemRead: begin
            tx_buf_d = '0;
            if (args_q[47:32] != 16'd0) begin
              after_d = BMemRReq;
            end
          end
          default: tx_buf_d = {32'd0, StatusBadOp};
        endcase
      end
      BCsrW: begin
        m_awvalid_o = 1'b1;
        m_wvalid_o  = 1'b1;
        if (m_awready_i && m_wready_i) begin
          st_d = BCsrWResp;
        end
      end
      BCsrWResp: begin
        m_bready_o = 1'b1;
        if (m_bvalid_i) begin
          tx_buf_d = {32'd0, 6'd0, m_bresp_i};
          tx_n_d   = 3'd1;
          after_d  = BOp;
          st_d     = BSend;
        end
      end
      BCsrR: begin
        m_arvalid_o = 1'b1;
        if (m_arready_i) begin
          st_d = BCsrRResp;
        end
      end
      BCsrRResp: begin
        m_rready_o = 1'b1;
        if (m_rvalid_i) begin
          tx_buf_d = {m_rdata_i, 6'd0, m_rresp_i};
          tx_n_d   = 3'd5;
          after_d  = BOp;
          st_d     = BSend;
        end
      end
      BMemWData: begin
        if (rx_valid_i) begin
          wbyte_d = rx_data_i;
          st_d    = BMemWReq;
        end
      end
      BMemWReq: begin
        h_valid_o = 1'b1;
        h_write_o = 1'b1;
        if (h_ready_i) begin
          addr_d = addr_q + 32'd1;
          len_d  = len_q - 16'd1;
          if (len_q == 16'd1) begin
            tx_buf_d = '0;
            tx_n_d   = 3'd1;
            after_d  = BOp;
            st_d     = BSend;
          end else begin
            st_d = BMemWData;
          end
        end
      end
      BMemRReq: begin
        h_valid_o = 1'b1;
        if (h_ready_i) begin
          addr_d = addr_q + 32'd1;
          len_d  = len_q - 16'd1;
          st_d   = BMemRWait;
        end
      end
      BMemRWait: begin
        if (h_rvalid_i) begin
          tx_buf_d = {32'd0, h_rdata_i};
          tx_n_d   = 3'd1;
          after_d  = (len_q == 16'd0) ? BOp : BMemRReq;
          st_d     = BSend;
        end
      end
      BSend: begin
        if (tx_n_q == 3'd0) begin
          st_d = after_q;
        end else begin
          tx_valid_o = 1'b1;
          if (tx_ready_i) begin
            tx_buf_d = {8'd0, tx_buf_q[39:8]};
            tx_n_d   = tx_n_q - 3'd1;
          end
        end
      end
      default: st_d = BOp;
    endcase

    if (waiting_rx && idle_q == Tw'(TIMEOUT_CLKS)) begin
      st_d = BOp;   // the host stopped mid-command: drop it
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q     <= BOp;
      after_q  <= BOp;
      op_q     <= '0;
      args_q   <= '0;
      idx_q    <= '0;
      addr_q   <= '0;
      len_q    <= '0;
      wbyte_q  <= '0;
      tx_buf_q <= '0;
      tx_n_q   <= '0;
      idle_q   <= '0;
    end else begin
      st_q     <= st_d;
      after_q  <= after_d;
      op_q     <= op_d;
      args_q   <= args_d;
      idx_q    <= idx_d;
      addr_q   <= addr_d;
      len_q    <= len_d;
      wbyte_q  <= wbyte_d;
      tx_buf_q <= tx_buf_d;
      tx_n_q   <= tx_n_d;
      idle_q   <= idle_d;
    end
  end

  assign m_awaddr_o = args_q[7:0];
  assign m_araddr_o = args_q[7:0];
  assign m_wdata_o  = args_q[39:8];
  assign m_wstrb_o  = 4'hf;
  assign h_addr_o   = addr_q;
  assign h_wdata_o  = wbyte_q;
  assign tx_data_o  = tx_buf_q[7:0];

endmodule
