// Systole accelerator top: CSR slave, fetch, the load / execute / store units with their
// instruction queues and dependency tokens, scratchpad, accumulator and the memory master.
//
// Run control (systole_run_ctl, docs/rtl.md): ctrl.start flushes the core, then fetch starts;
// the run is done when every instruction is dispatched, every queue is empty, every unit is
// idle and no burst is outstanding; the first error is recorded and ends the run after the
// outstanding bursts. Assertions on the handshakes between the units and on the DRAM port are
// checked by Verilator --assert (not synthesized).
module systole_top #(
  parameter int unsigned DIM        = 4,
  parameter int unsigned SPAD_ROWS  = 1024,
  parameter int unsigned SPAD_BANKS = 4,
  parameter int unsigned ACC_ROWS   = 256,
  parameter int unsigned ACC_BANKS  = 2,
  parameter int unsigned BUS_BYTES  = 4,
  parameter int unsigned INSN_DEPTH = 8,
  parameter int unsigned FETCH_DEPTH = 16,    // fetch window: instruction words (power of two, >= 4)
  parameter int unsigned REQUANT_LANES = 0,   // 0: DIM (one requantizer per column)
  parameter int unsigned COUNTER_BITS  = 64,  // performance counter width (32..64)
  parameter bit          LUT_MUL       = 1'b1, // PE multiplier: LUT-built (1) or inferred for DSPs (0)
  localparam int unsigned BusW      = BUS_BYTES * 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // host: AXI4-Lite CSR slave
  input  logic                 s_awvalid_i,
  output logic                 s_awready_o,
  input  logic [7:0]           s_awaddr_i,
  input  logic                 s_wvalid_i,
  output logic                 s_wready_o,
  input  logic [31:0]          s_wdata_i,
  input  logic [3:0]           s_wstrb_i,
  output logic                 s_bvalid_o,
  input  logic                 s_bready_i,
  output logic [1:0]           s_bresp_o,
  input  logic                 s_arvalid_i,
  output logic                 s_arready_o,
  input  logic [7:0]           s_araddr_i,
  output logic                 s_rvalid_o,
  input  logic                 s_rready_i,
  output logic [31:0]          s_rdata_o,
  output logic [1:0]           s_rresp_o,
  output logic                 irq_o,
  // DRAM: memory-master port
  output logic                 mem_req_valid_o,
  input  logic                 mem_req_ready_i,
  output logic                 mem_req_write_o,
  output logic [31:0]          mem_req_addr_o,
  output logic [7:0]           mem_req_beats_o,
  output logic [1:0]           mem_req_id_o,
  output logic                 mem_w_valid_o,
  input  logic                 mem_w_ready_i,
  output logic [BusW-1:0]      mem_w_data_o,
  output logic [BUS_BYTES-1:0] mem_w_strb_o,
  output logic                 mem_w_last_o,
  input  logic                 mem_r_valid_i,
  output logic                 mem_r_ready_o,
  input  logic [BusW-1:0]      mem_r_data_i,
  input  logic                 mem_r_last_i,
  input  logic                 mem_r_err_i,
  input  logic [1:0]           mem_r_id_i,
  input  logic                 mem_b_valid_i,
  output logic                 mem_b_ready_o,
  input  logic                 mem_b_err_i
);

  localparam int unsigned SpAw  = $clog2(SPAD_ROWS);
  localparam int unsigned AccAw = $clog2(ACC_ROWS);
  localparam int unsigned InsnW = systole_isa_pkg::InsnBits;
  localparam int unsigned QW    = InsnW + 32;   // queue entry: instruction + index
  localparam int unsigned QCw   = $clog2(INSN_DEPTH + 1);

  // ---------------------------------------------------------------- run control
  logic        core_rst_n, busy, done, error;
  logic [2:0]  ctl_state;
  logic [7:0]  err_code;
  logic [31:0] err_insn, err_unit, err_addr;
  logic        start, soft_reset, irq_en, halt, quiet, fetch_start;
  logic [31:0] insn_base, insn_count;

  // Unit status.
  logic        f_done, f_idle, f_err, l_idle, l_busy, l_wait, l_ret, l_err;
  logic        e_idle, e_busy, e_wait, e_row, e_ret, e_err, s_idle, s_busy, s_wait, s_ret, s_err;
  logic [7:0]  f_err_code, l_err_code, e_err_code, s_err_code, f_bytes;
  logic [31:0] f_err_idx, l_err_idx, e_err_idx, s_err_idx;
  logic [31:0] f_err_addr, l_err_addr, s_err_addr;
  logic [15:0] l_rd_bytes, s_wr_bytes;
  logic        all_idle;

  logic q_ld_valid, q_ex_valid, q_st_valid;   // unit queues non-empty
  assign all_idle = f_done && f_idle && !q_ld_valid && !q_ex_valid && !q_st_valid &&
                    l_idle && e_idle && s_idle && quiet;

  systole_run_ctl u_run_ctl (
    .clk_i,
    .rst_ni,
    .start_i       (start),
    .soft_reset_i  (soft_reset),
    .all_idle_i    (all_idle),
    .quiet_i       (quiet),
    .f_err_i       (f_err),
    .f_err_code_i  (f_err_code),
    .f_err_idx_i   (f_err_idx),
    .f_err_addr_i  (f_err_addr),
    .l_err_i       (l_err),
    .l_err_code_i  (l_err_code),
    .l_err_idx_i   (l_err_idx),
    .l_err_addr_i  (l_err_addr),
    .e_err_i       (e_err),
    .e_err_code_i  (e_err_code),
    .e_err_idx_i   (e_err_idx),
    .s_err_i       (s_err),
    .s_err_code_i  (s_err_code),
    .s_err_idx_i   (s_err_idx),
    .s_err_addr_i  (s_err_addr),
    .core_rst_no   (core_rst_n),
    .fetch_start_o (fetch_start),
    .halt_o        (halt),
    .busy_o        (busy),
    .state_o       (ctl_state),
    .done_o        (done),
    .error_o       (error),
    .err_code_o    (err_code),
    .err_insn_o    (err_insn),
    .err_unit_o    (err_unit),
    .err_addr_o    (err_addr)
  );
  logic unused_ctl_state;  // read by the platform's watchdog and debug view (sim/debug.vlt)
  assign unused_ctl_state = ^ctl_state;

  // ---------------------------------------------------------------- CSR
  logic [systole_isa_pkg::NumCounters*16-1:0] cnt_inc;
  logic [1:0] n_ret;
  assign n_ret = 2'(l_ret) + 2'(e_ret) + 2'(s_ret);
  always_comb begin
    cnt_inc = '0;
    cnt_inc[16*systole_isa_pkg::CntCycles +: 16]      = 16'd1;
    cnt_inc[16*systole_isa_pkg::CntInsns +: 16]       = 16'(n_ret);
    cnt_inc[16*systole_isa_pkg::CntLoadBusy +: 16]    = 16'(l_busy);
    cnt_inc[16*systole_isa_pkg::CntLoadWait +: 16]    = 16'(l_wait);
    cnt_inc[16*systole_isa_pkg::CntExecBusy +: 16]    = 16'(e_busy);
    cnt_inc[16*systole_isa_pkg::CntExecWait +: 16]    = 16'(e_wait);
    cnt_inc[16*systole_isa_pkg::CntStoreBusy +: 16]   = 16'(s_busy);
    cnt_inc[16*systole_isa_pkg::CntStoreWait +: 16]   = 16'(s_wait);
    cnt_inc[16*systole_isa_pkg::CntArrayRows +: 16]   = 16'(e_row);
    cnt_inc[16*systole_isa_pkg::CntDramRdBytes +: 16] = l_rd_bytes;
    cnt_inc[16*systole_isa_pkg::CntDramWrBytes +: 16] = s_wr_bytes;
    cnt_inc[16*systole_isa_pkg::CntFetchBytes +: 16]  = 16'(f_bytes);
  end

  systole_csr #(.DIM(DIM), .CNT_W(COUNTER_BITS)) u_csr (
    .clk_i,
    .rst_ni,
    .s_awvalid_i,
    .s_awready_o,
    .s_awaddr_i,
    .s_wvalid_i,
    .s_wready_o,
    .s_wdata_i,
    .s_wstrb_i,
    .s_bvalid_o,
    .s_bready_i,
    .s_bresp_o,
    .s_arvalid_i,
    .s_arready_o,
    .s_araddr_i,
    .s_rvalid_o,
    .s_rready_i,
    .s_rdata_o,
    .s_rresp_o,
    .start_o      (start),
    .soft_reset_o (soft_reset),
    .irq_enable_o (irq_en),
    .insn_base_o  (insn_base),
    .insn_count_o (insn_count),
    .busy_i       (busy),
    .done_i       (done),
    .error_i      (error),
    .error_code_i (err_code),
    .error_insn_i (err_insn),
    .dma_error_i  (error && (err_code == systole_isa_pkg::ErrDmaBusError)),
    .error_unit_i (err_unit),
    .error_addr_i (err_addr),
    .count_en_i   (busy),
    .clear_i      (!busy && start),
    .cnt_inc_i    (cnt_inc)
  );

  assign irq_o = irq_en && done;

  // ---------------------------------------------------------------- fetch and queues
  logic              f_req_valid, f_req_ready, f_r_valid, f_r_ready;
  logic [31:0]       f_req_addr;
  logic [7:0]        f_req_beats;
  logic [systole_isa_pkg::InsnBits-1:0] f_insn;
  logic [31:0]       f_idx;
  logic              f_ld_valid, f_ld_ready, f_ex_valid, f_ex_ready, f_st_valid, f_st_ready;

  systole_fetch #(.BUS_BYTES(BUS_BYTES), .DEPTH(FETCH_DEPTH)) u_fetch (
    .clk_i,
    .rst_ni      (core_rst_n),
    .start_i     (fetch_start),
    .base_i      (insn_base),
    .count_i     (insn_count),
    .halt_i      (halt),
    .req_valid_o (f_req_valid),
    .req_ready_i (f_req_ready),
    .req_addr_o  (f_req_addr),
    .req_beats_o (f_req_beats),
    .r_valid_i   (f_r_valid),
    .r_ready_o   (f_r_ready),
    .r_data_i    (mem_r_data_i),
    .r_err_i     (mem_r_err_i),
    .insn_o      (f_insn),
    .idx_o       (f_idx),
    .ld_valid_o  (f_ld_valid),
    .ld_ready_i  (f_ld_ready),
    .ex_valid_o  (f_ex_valid),
    .ex_ready_i  (f_ex_ready),
    .st_valid_o  (f_st_valid),
    .st_ready_i  (f_st_ready),
    .done_o      (f_done),
    .idle_o      (f_idle),
    .bytes_o     (f_bytes),
    .err_o       (f_err),
    .err_code_o  (f_err_code),
    .err_idx_o   (f_err_idx),
    .err_addr_o  (f_err_addr)
  );

  logic [QW-1:0] q_ld_data, q_ex_data, q_st_data;
  logic          q_ld_ready, q_ex_ready, q_st_ready;
  logic [QCw-1:0] q_ld_count, q_ex_count, q_st_count;

  systole_fifo #(.WIDTH(QW), .DEPTH(INSN_DEPTH)) u_q_load (
    .clk_i,
    .rst_ni      (core_rst_n),
    .in_valid_i  (f_ld_valid),
    .in_ready_o  (f_ld_ready),
    .in_data_i   ({f_idx, f_insn}),
    .out_valid_o (q_ld_valid),
    .out_ready_i (q_ld_ready),
    .out_data_o  (q_ld_data),
    .count_o     (q_ld_count)
  );

  systole_fifo #(.WIDTH(QW), .DEPTH(INSN_DEPTH)) u_q_exec (
    .clk_i,
    .rst_ni      (core_rst_n),
    .in_valid_i  (f_ex_valid),
    .in_ready_o  (f_ex_ready),
    .in_data_i   ({f_idx, f_insn}),
    .out_valid_o (q_ex_valid),
    .out_ready_i (q_ex_ready),
    .out_data_o  (q_ex_data),
    .count_o     (q_ex_count)
  );

  systole_fifo #(.WIDTH(QW), .DEPTH(INSN_DEPTH)) u_q_store (
    .clk_i,
    .rst_ni      (core_rst_n),
    .in_valid_i  (f_st_valid),
    .in_ready_o  (f_st_ready),
    .in_data_i   ({f_idx, f_insn}),
    .out_valid_o (q_st_valid),
    .out_ready_i (q_st_ready),
    .out_data_o  (q_st_data),
    .count_o     (q_st_count)
  );

  logic unused_counts;
  assign unused_counts = ^{q_ld_count, q_ex_count, q_st_count};

  // ---------------------------------------------------------------- tokens
  logic t_le_push, t_le_pop, t_le_avail;   // load -> execute
  logic t_el_push, t_el_pop, t_el_avail;   // execute -> load
  logic t_es_push, t_es_pop, t_es_avail;   // execute -> store
  logic t_se_push, t_se_pop, t_se_avail;   // store -> execute

  systole_token u_tok_le (.clk_i, .rst_ni(core_rst_n), .push_i(t_le_push), .pop_i(t_le_pop), .avail_o(t_le_avail));
  systole_token u_tok_el (.clk_i, .rst_ni(core_rst_n), .push_i(t_el_push), .pop_i(t_el_pop), .avail_o(t_el_avail));
  systole_token u_tok_es (.clk_i, .rst_ni(core_rst_n), .push_i(t_es_push), .pop_i(t_es_pop), .avail_o(t_es_avail));
  systole_token u_tok_se (.clk_i, .rst_ni(core_rst_n), .push_i(t_se_push), .pop_i(t_se_pop), .avail_o(t_se_avail));

  // ---------------------------------------------------------------- memories
  logic              sp_we, sp_re_a, sp_re_b;
  logic [SpAw-1:0]   sp_waddr, sp_raddr_a, sp_raddr_b;
  logic [DIM*8-1:0]  sp_wdata, sp_rdata_a, sp_rdata_b;
  logic              acc_ex_valid, acc_ex_accumulate, acc_ex_commit, acc_ld_valid, acc_ld_ready, acc_st_re;
  logic [AccAw-1:0]  acc_ex_addr, acc_ld_addr, acc_st_addr;
  logic [DIM*32-1:0] acc_ex_data, acc_ld_data, acc_st_rdata;

  systole_spad #(.DIM(DIM), .ROWS(SPAD_ROWS), .BANKS(SPAD_BANKS)) u_spad (
    .clk_i,
    .rst_ni    (core_rst_n),
    .we_i      (sp_we),
    .waddr_i   (sp_waddr),
    .wdata_i   (sp_wdata),
    .re_a_i    (sp_re_a),
    .raddr_a_i (sp_raddr_a),
    .rdata_a_o (sp_rdata_a),
    .re_b_i    (sp_re_b),
    .raddr_b_i (sp_raddr_b),
    .rdata_b_o (sp_rdata_b)
  );

  systole_acc #(.DIM(DIM), .ROWS(ACC_ROWS), .BANKS(ACC_BANKS)) u_acc (
    .clk_i,
    .rst_ni          (core_rst_n),
    .ex_valid_i      (acc_ex_valid),
    .ex_addr_i       (acc_ex_addr),
    .ex_data_i       (acc_ex_data),
    .ex_accumulate_i (acc_ex_accumulate),
    .ex_commit_o     (acc_ex_commit),
    .ld_valid_i      (acc_ld_valid),
    .ld_addr_i       (acc_ld_addr),
    .ld_data_i       (acc_ld_data),
    .ld_ready_o      (acc_ld_ready),
    .st_re_i         (acc_st_re),
    .st_addr_i       (acc_st_addr),
    .st_rdata_o      (acc_st_rdata)
  );

  logic unused_commit;
  assign unused_commit = acc_ex_commit;

  // ---------------------------------------------------------------- units
  logic              l_req_valid, l_req_ready, l_r_valid, l_r_ready;
  logic [31:0]       l_req_addr;
  logic [7:0]        l_req_beats;
  logic              s_req_valid, s_req_ready;
  logic [31:0]       s_req_addr;
  logic [7:0]        s_req_beats;

  systole_load #(
    .DIM(DIM), .SPAD_ROWS(SPAD_ROWS), .ACC_ROWS(ACC_ROWS), .BUS_BYTES(BUS_BYTES)
  ) u_load (
    .clk_i,
    .rst_ni           (core_rst_n),
    .insn_valid_i     (q_ld_valid),
    .insn_ready_o     (q_ld_ready),
    .insn_i           (q_ld_data[systole_isa_pkg::InsnBits-1:0]),
    .insn_idx_i       (q_ld_data[QW-1:InsnW]),
    .tok_next_avail_i (t_el_avail),
    .tok_next_pop_o   (t_el_pop),
    .tok_next_push_o  (t_le_push),
    .req_valid_o      (l_req_valid),
    .req_ready_i      (l_req_ready),
    .req_addr_o       (l_req_addr),
    .req_beats_o      (l_req_beats),
    .r_valid_i        (l_r_valid),
    .r_ready_o        (l_r_ready),
    .r_data_i         (mem_r_data_i),
    .r_err_i          (mem_r_err_i),
    .sp_we_o          (sp_we),
    .sp_waddr_o       (sp_waddr),
    .sp_wdata_o       (sp_wdata),
    .acc_valid_o      (acc_ld_valid),
    .acc_addr_o       (acc_ld_addr),
    .acc_data_o       (acc_ld_data),
    .acc_ready_i      (acc_ld_ready),
    .idle_o           (l_idle),
    .busy_o           (l_busy),
    .wait_o           (l_wait),
    .rd_bytes_o       (l_rd_bytes),
    .retire_o         (l_ret),
    .err_o            (l_err),
    .err_code_o       (l_err_code),
    .err_idx_o        (l_err_idx),
    .err_addr_o       (l_err_addr)
  );

  systole_execute #(.DIM(DIM), .SPAD_ROWS(SPAD_ROWS), .ACC_ROWS(ACC_ROWS), .LUT_MUL(LUT_MUL)) u_execute (
    .clk_i,
    .rst_ni           (core_rst_n),
    .insn_valid_i     (q_ex_valid),
    .insn_ready_o     (q_ex_ready),
    .insn_i           (q_ex_data[systole_isa_pkg::InsnBits-1:0]),
    .insn_idx_i       (q_ex_data[QW-1:InsnW]),
    .tok_prev_avail_i (t_le_avail),
    .tok_prev_pop_o   (t_le_pop),
    .tok_next_avail_i (t_se_avail),
    .tok_next_pop_o   (t_se_pop),
    .tok_prev_push_o  (t_el_push),
    .tok_next_push_o  (t_es_push),
    .sp_re_a_o        (sp_re_a),
    .sp_raddr_a_o     (sp_raddr_a),
    .sp_rdata_a_i     (sp_rdata_a),
    .sp_re_b_o        (sp_re_b),
    .sp_raddr_b_o     (sp_raddr_b),
    .sp_rdata_b_i     (sp_rdata_b),
    .acc_valid_o      (acc_ex_valid),
    .acc_addr_o       (acc_ex_addr),
    .acc_data_o       (acc_ex_data),
    .acc_accumulate_o (acc_ex_accumulate),
    .idle_o           (e_idle),
    .busy_o           (e_busy),
    .wait_o           (e_wait),
    .row_o            (e_row),
    .retire_o         (e_ret),
    .err_o            (e_err),
    .err_code_o       (e_err_code),
    .err_idx_o        (e_err_idx)
  );

  systole_store #(
    .DIM(DIM), .ACC_ROWS(ACC_ROWS), .BUS_BYTES(BUS_BYTES), .REQUANT_LANES(REQUANT_LANES)
  ) u_store (
    .clk_i,
    .rst_ni           (core_rst_n),
    .insn_valid_i     (q_st_valid),
    .insn_ready_o     (q_st_ready),
    .insn_i           (q_st_data[systole_isa_pkg::InsnBits-1:0]),
    .insn_idx_i       (q_st_data[QW-1:InsnW]),
    .tok_prev_avail_i (t_es_avail),
    .tok_prev_pop_o   (t_es_pop),
    .tok_prev_push_o  (t_se_push),
    .acc_re_o         (acc_st_re),
    .acc_raddr_o      (acc_st_addr),
    .acc_rdata_i      (acc_st_rdata),
    .req_valid_o      (s_req_valid),
    .req_ready_i      (s_req_ready),
    .req_addr_o       (s_req_addr),
    .req_beats_o      (s_req_beats),
    .w_valid_o        (mem_w_valid_o),
    .w_ready_i        (mem_w_ready_i),
    .w_data_o         (mem_w_data_o),
    .w_strb_o         (mem_w_strb_o),
    .w_last_o         (mem_w_last_o),
    .b_valid_i        (mem_b_valid_i),
    .b_ready_o        (mem_b_ready_o),
    .b_err_i          (mem_b_err_i),
    .idle_o           (s_idle),
    .busy_o           (s_busy),
    .wait_o           (s_wait),
    .wr_bytes_o       (s_wr_bytes),
    .retire_o         (s_ret),
    .err_o            (s_err),
    .err_code_o       (s_err_code),
    .err_idx_o        (s_err_idx),
    .err_addr_o       (s_err_addr)
  );

  // ---------------------------------------------------------------- memory master
  // Reset with the core (a flush happens only with no burst outstanding): the round-robin
  // state does not carry from one run into the next.
  systole_mem_arb u_mem_arb (
    .clk_i,
    .rst_ni          (core_rst_n),
    .halt_i          (halt),
    .quiet_o         (quiet),
    .f_req_valid_i   (f_req_valid),
    .f_req_ready_o   (f_req_ready),
    .f_req_addr_i    (f_req_addr),
    .f_req_beats_i   (f_req_beats),
    .f_r_valid_o     (f_r_valid),
    .f_r_ready_i     (f_r_ready),
    .l_req_valid_i   (l_req_valid),
    .l_req_ready_o   (l_req_ready),
    .l_req_addr_i    (l_req_addr),
    .l_req_beats_i   (l_req_beats),
    .l_r_valid_o     (l_r_valid),
    .l_r_ready_i     (l_r_ready),
    .s_req_valid_i   (s_req_valid),
    .s_req_ready_o   (s_req_ready),
    .s_req_addr_i    (s_req_addr),
    .s_req_beats_i   (s_req_beats),
    .mem_req_valid_o,
    .mem_req_ready_i,
    .mem_req_write_o,
    .mem_req_addr_o,
    .mem_req_beats_o,
    .mem_req_id_o,
    .mem_r_valid_i,
    .mem_r_ready_o,
    .mem_r_last_i,
    .mem_r_id_i,
    .mem_b_valid_i,
    .mem_b_ready_i   (mem_b_ready_o)
  );

`ifndef SYNTHESIS
  // Dispatch: an instruction offered to a full queue stays offered, unchanged (halt, the error
  // drain or a soft reset, may withdraw it: the queues are flushed next).
  a_top_disp_ld: assert property (@(posedge clk_i) disable iff (!core_rst_n)
      (f_ld_valid && !f_ld_ready) |=> (halt || (f_ld_valid && $stable({f_idx, f_insn}))))
    else $error("systole_top: LOAD dispatch withdrawn or changed before the load queue took it");
  a_top_disp_ex: assert property (@(posedge clk_i) disable iff (!core_rst_n)
      (f_ex_valid && !f_ex_ready) |=> (halt || (f_ex_valid && $stable({f_idx, f_insn}))))
    else $error("systole_top: MATMUL dispatch withdrawn or changed before the execute queue took it");
  a_top_disp_st: assert property (@(posedge clk_i) disable iff (!core_rst_n)
      (f_st_valid && !f_st_ready) |=> (halt || (f_st_valid && $stable({f_idx, f_insn}))))
    else $error("systole_top: STORE dispatch withdrawn or changed before the store queue took it");
  // DRAM port: requests aligned, write beats held until accepted, and the memory holds a read
  // beat (with its data) until it is accepted.
  a_top_req_aligned: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_req_valid_o |-> ((mem_req_addr_o & 32'(BUS_BYTES - 1)) == '0))
    else $error("systole_top: DRAM request address 0x%08x not aligned to %0d bytes", mem_req_addr_o, BUS_BYTES);
  // DRAM addresses stay inside the port's 32-bit space: a burst never wraps around to address
  // 0 (a LOAD or STORE walking past 4 GiB would silently touch low memory). Whether an address
  // lies inside the configured DRAM is the memory's to answer (an error beat, dma_bus_error).
  a_top_req_in_space: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_req_valid_o |-> ((33'(mem_req_addr_o) + 33'(mem_req_beats_o) * 33'(BUS_BYTES)) <= 33'h1_0000_0000))
    else $error("systole_top: DRAM burst at 0x%08x of %0d beats wraps past the 32-bit address space",
                mem_req_addr_o, mem_req_beats_o);
  a_top_w_hold: assert property (@(posedge clk_i) disable iff (!core_rst_n)
      (mem_w_valid_o && !mem_w_ready_i) |=> (mem_w_valid_o && $stable({mem_w_data_o, mem_w_strb_o, mem_w_last_o})))
    else $error("systole_top: write beat dropped or changed before it was accepted");
  a_top_r_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (mem_r_valid_i && !mem_r_ready_o) |=>
      (mem_r_valid_i && $stable({mem_r_data_i, mem_r_last_i, mem_r_err_i, mem_r_id_i})))
    else $error("systole_top: the memory dropped or changed a read beat before it was accepted");
  // Nothing moves on the DRAM port while the core is idle.
  a_top_idle_quiet: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !busy |-> (!mem_req_valid_o && !mem_w_valid_o && quiet))
    else $error("systole_top: DRAM traffic while idle");
`endif

endmodule
