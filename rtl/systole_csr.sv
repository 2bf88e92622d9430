// Systole CSR block: AXI4-Lite slave (32-bit data, 8-bit byte address) holding the host
// registers and the 64-bit performance counters of arch/isa.toml (offsets from
// systole_isa_pkg). One read and one write in flight: AW and W are taken together, the
// response follows the next cycle; AR is answered the next cycle. Unknown offsets read 0
// and ignore writes (OKAY response). Counters count while count_en_i, clear on clear_i.
// CNT_W < 64 (small FPGAs) keeps counters of CNT_W bits: they wrap there, and their upper
// word reads 0 (the driver's 64-bit read of low, high, low sees a CNT_W-bit counter).
module systole_csr #(
  parameter int unsigned DIM   = 4,
  parameter int unsigned CNT_W = 64   // 32..64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI4-Lite
  input  logic        s_awvalid_i,
  output logic        s_awready_o,
  input  logic [7:0]  s_awaddr_i,
  input  logic        s_wvalid_i,
  output logic        s_wready_o,
  input  logic [31:0] s_wdata_i,
  input  logic [3:0]  s_wstrb_i,
  output logic        s_bvalid_o,
  input  logic        s_bready_i,
  output logic [1:0]  s_bresp_o,
  input  logic        s_arvalid_i,
  output logic        s_arready_o,
  input  logic [7:0]  s_araddr_i,
  output logic        s_rvalid_o,
  input  logic        s_rready_i,
  output logic [31:0] s_rdata_o,
  output logic [1:0]  s_rresp_o,
  // control
  output logic        start_o,        // pulse: ctrl.start written with 1
  output logic        soft_reset_o,   // pulse: ctrl.reset written with 1
  output logic        irq_enable_o,
  output logic [31:0] insn_base_o,
  output logic [31:0] insn_count_o,
  input  logic        busy_i,
  input  logic        done_i,
  input  logic        error_i,
  input  logic [7:0]  error_code_i,
  input  logic [31:0] error_insn_i,
  input  logic        dma_error_i,    // the error is a failed DMA access: error_unit_i, error_addr_i
  input  logic [31:0] error_unit_i,
  input  logic [31:0] error_addr_i,
  // counters: increment of counter c in bits [16c +: 16]
  input  logic        count_en_i,
  input  logic        clear_i,
  input  logic [systole_isa_pkg::NumCounters*16-1:0] cnt_inc_i
);

  logic        ie_q, ie_d;
  logic [31:0] base_q, base_d, count_q, count_d;
  logic        bvalid_q, bvalid_d, rvalid_q, rvalid_d;
  logic [31:0] rdata_q, rdata_d;
  logic        start_d, start_q, sreset_d, sreset_q;
  logic [CNT_W-1:0] cnt_q [systole_isa_pkg::NumCounters];
  logic [CNT_W-1:0] cnt_d [systole_isa_pkg::NumCounters];
  logic [63:0]      cnt_rd;
  logic        wr_fire, rd_fire;
  logic [31:0] wmask;

  assign s_awready_o = s_awvalid_i && s_wvalid_i && !bvalid_q;
  assign s_wready_o  = s_awready_o;
  assign wr_fire     = s_awready_o;
  assign s_arready_o = !rvalid_q;
  assign rd_fire     = s_arvalid_i && s_arready_o;
  assign wmask       = {{8{s_wstrb_i[3]}}, {8{s_wstrb_i[2]}}, {8{s_wstrb_i[1]}}, {8{s_wstrb_i[0]}}};

  // Register writes and the read mux.
  always_comb begin
    ie_d     = ie_q;
    base_d   = base_q;
    count_d  = count_q;
    start_d  = 1'b0;
    sreset_d = 1'b0;
    bvalid_d = bvalid_q;
    rvalid_d = rvalid_q;
    rdata_d  = rdata_q;

    if (s_bvalid_o && s_bready_i) begin
      bvalid_d = 1'b0;
    end
    if (wr_fire) begin
      bvalid_d = 1'b1;
      unique case (s_awaddr_i & 8'hfc)
        systole_isa_pkg::CsrCtrl: begin
          if (s_wstrb_i[0]) begin
            start_d  = s_wdata_i[systole_isa_pkg::BitCtrlStart];
            sreset_d = s_wdata_i[systole_isa_pkg::BitCtrlReset];
            ie_d     = s_wdata_i[systole_isa_pkg::BitCtrlIrqEnable];
          end
        end
        systole_isa_pkg::CsrInsnBase: begin
          base_d = (base_q & ~wmask) | (s_wdata_i & wmask);
        end
        systole_isa_pkg::CsrInsnCount: begin
          count_d = (count_q & ~wmask) | (s_wdata_i & wmask);
        end
        default: begin
        end
      endcase
    end

    if (s_rvalid_o && s_rready_i) begin
      rvalid_d = 1'b0;
    end
    if (rd_fire) begin
      rvalid_d = 1'b1;
      rdata_d  = '0;
      unique case (s_araddr_i & 8'hfc)
        systole_isa_pkg::CsrCtrl: begin
          rdata_d[systole_isa_pkg::BitCtrlIrqEnable] = ie_q;
        end
        systole_isa_pkg::CsrStatus: begin
          rdata_d[systole_isa_pkg::BitStatusBusy]  = busy_i;
          rdata_d[systole_isa_pkg::BitStatusDone]  = done_i;
          rdata_d[systole_isa_pkg::BitStatusError] = error_i;
          rdata_d[systole_isa_pkg::BitStatusDmaError] = dma_error_i;
        end
        systole_isa_pkg::CsrInsnBase: begin
          rdata_d = base_q;
        end
        systole_isa_pkg::CsrInsnCount: begin
          rdata_d = count_q;
        end
        systole_isa_pkg::CsrErrorCode: begin
          rdata_d = 32'(error_code_i);
        end
        systole_isa_pkg::CsrErrorInsn: begin
          rdata_d = error_insn_i;
        end
        systole_isa_pkg::CsrHwId: begin
          rdata_d = {systole_isa_pkg::HwIdMagic, 16'(systole_isa_pkg::IsaVersion)};
        end
        systole_isa_pkg::CsrHwDim: begin
          rdata_d = 32'(DIM);
        end
        systole_isa_pkg::CsrErrorUnit: begin
          rdata_d = error_unit_i;
        end
        systole_isa_pkg::CsrErrorAddr: begin
          rdata_d = error_addr_i;
        end
        default: begin
          if (cnt_hit) begin
            rdata_d = s_araddr_i[2] ? cnt_rd[63:32] : cnt_rd[31:0];
          end
        end
      endcase
    end
  end

  // Counter read: counter c sits at CounterBase + 8c, so address bits [6:3] tell the (at
  // most 16) counters apart; a 16-way mux on them plus one range check replaces a comparator
  // per counter.
  logic [63:0] cnt_tab [16];
  logic        cnt_hit;
  always_comb begin
    for (int unsigned k = 0; k < 16; k++) begin
      cnt_tab[k] = '0;
    end
    for (int unsigned c = 0; c < systole_isa_pkg::NumCounters; c++) begin
      cnt_tab[((32'(systole_isa_pkg::CounterBase) >> 3) + c) % 16] = 64'(cnt_q[c]);
    end
    cnt_rd  = cnt_tab[s_araddr_i[6:3]];
    cnt_hit = ({1'b0, s_araddr_i & 8'hf8} >= 9'(systole_isa_pkg::CounterBase)) &&
              ({1'b0, s_araddr_i & 8'hf8} < 9'(32'(systole_isa_pkg::CounterBase) +
                                                8 * systole_isa_pkg::NumCounters));
  end

  for (genvar c = 0; c < systole_isa_pkg::NumCounters; c++) begin : g_cnt
    always_comb begin
      cnt_d[c] = cnt_q[c];
      if (clear_i) begin
        cnt_d[c] = '0;
      end else if (count_en_i) begin
        cnt_d[c] = cnt_q[c] + CNT_W'(cnt_inc_i[16*c +: 16]);
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        cnt_q[c] <= '0;
      end else begin
        cnt_q[c] <= cnt_d[c];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ie_q     <= 1'b0;
      base_q   <= '0;
      count_q  <= '0;
      bvalid_q <= 1'b0;
      rvalid_q <= 1'b0;
      rdata_q  <= '0;
      start_q  <= 1'b0;
      sreset_q <= 1'b0;
    end else begin
      ie_q     <= ie_d;
      base_q   <= base_d;
      count_q  <= count_d;
      bvalid_q <= bvalid_d;
      rvalid_q <= rvalid_d;
      rdata_q  <= rdata_d;
      start_q  <= start_d;
      sreset_q <= sreset_d;
    end
  end

`ifndef SYNTHESIS
  initial begin
    assert (systole_isa_pkg::NumCounters <= 16)
      else $error("systole_csr: the counter read mux decodes at most 16 counters");
  end
`endif

  assign s_bvalid_o   = bvalid_q;
  assign s_bresp_o    = 2'b00;
  assign s_rvalid_o   = rvalid_q;
  assign s_rdata_o    = rdata_q;
  assign s_rresp_o    = 2'b00;
  assign start_o      = start_q;
  assign soft_reset_o = sreset_q;
  assign irq_enable_o = ie_q;
  assign insn_base_o  = base_q;
  assign insn_count_o = count_q;

endmodule
