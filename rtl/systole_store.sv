// Systole store unit: STORE, the output path from the accumulator to DRAM.
//
// Three decoupled stages, so that rows stream at one per cycle (when the bus keeps up) and
// consecutive STOREs overlap:
//   reader:  starts the instruction at the head of the unit's queue once its token is there
//            (pop_prev), checks its fields, then from the next cycle reads the three
//            parameter rows (bias, multiplier, systole_isa_pkg::param_word_t) unless raw,
//            then one accumulator row per cycle while the row buffer has room. It starts the
//            next STORE in the cycle after its last read.
//   output:  one cycle after its read, a row goes through DIM systole_requant elements (or
//            stays the raw int32 row) into the row buffer (RQ_DEPTH rows); with REQUANT_LANES
//            < DIM through that many serial systole_requant_lane (Per * (Steps + 1) + 2 cycles
//            a row; a requantized row is read only when the lanes are free or finishing).
//   writer:  issues one BUS_BYTES-aligned write burst per buffered row, in order, one per
//            cycle when granted, and sends the bursts' beats with byte strobes in request order.
// Rows with x_size = 0 touch neither the buffer nor the bus. Each instruction retires
// (push_prev -> execute) in order, in the cycle the last write response of its bursts
// arrives. A field fault is reported once the earlier STOREs have retired; a write-response
// error stops the unit with the index of the oldest unretired STORE.
module systole_store #(
  parameter int unsigned DIM       = 4,
  parameter int unsigned ACC_ROWS  = 64,
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned RQ_DEPTH  = 4,
  parameter int unsigned RF_DEPTH  = 4,
  parameter int unsigned REQUANT_LANES = 0,   // 0 or >= DIM: DIM combinational requantizers
  localparam int unsigned AccAw    = $clog2(ACC_ROWS),
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned LoW      = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int unsigned RowB     = DIM * 4,
  localparam int unsigned RqW      = $clog2(RQ_DEPTH),
  // Row counts and accumulator rows of a started STORE are <= ACC_ROWS (the range check at the
  // start faults anything larger), so they fit AccCw bits; the write responses not yet
  // retired belong to the at most RF_DEPTH recorded STOREs, <= RF_DEPTH * ACC_ROWS.
  localparam int unsigned AccCw    = $clog2(ACC_ROWS + 1),
  localparam int unsigned AckW     = $clog2(RF_DEPTH * ACC_ROWS + 1),
  localparam int unsigned RfW      = AccCw + 1 + 32 + 32,   // retire record: bursts, push_prev, index, dram_addr
  localparam int unsigned NbW      = $clog2(RowB + 1),      // bytes of a row: <= 4 * DIM (raw)
  // Bus words a row spans: its low address bits (< 2^LoW) plus its bytes, rounded up.
  localparam int unsigned MaxBeats = ((1 << LoW) - 1 + RowB + BUS_BYTES - 1) / BUS_BYTES,
  localparam int unsigned BtW      = $clog2(MaxBeats + 1),
  localparam int unsigned NWords   = (RowB + BUS_BYTES - 1) / BUS_BYTES,   // bus words of a buffered row
  localparam int unsigned WsW      = (NWords > 1) ? $clog2(NWords) : 1,
  localparam int unsigned Lanes    = (REQUANT_LANES == 0 || REQUANT_LANES >= DIM) ? DIM : REQUANT_LANES,
  localparam bit          Serial   = (Lanes < DIM),
  localparam int unsigned Per      = DIM / Lanes,        // elements per lane and row
  localparam int unsigned LaneK    = 4,                  // product bits per lane step
  // A requantized row occupies the serial output path Per * (Steps + 1) + 2 cycles from its
  // read (docs/timing.md, hls::TimingConstants::requant_row_cycles).
  localparam int unsigned Steps    = 64 / LaneK
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // instruction queue
  input  logic              insn_valid_i,
  output logic              insn_ready_o,
  input  systole_isa_pkg::store_insn_t       insn_i,
  input  logic [31:0]       insn_idx_i,
  // tokens with the execute unit
  input  logic              tok_prev_avail_i,
  output logic              tok_prev_pop_o,
  output logic              tok_prev_push_o,
  // accumulator read port
  output logic              acc_re_o,
  output logic [AccAw-1:0]  acc_raddr_o,
  input  logic [DIM*32-1:0] acc_rdata_i,
  // memory master (write only)
  output logic              req_valid_o,
  input  logic              req_ready_i,
  output logic [31:0]       req_addr_o,
  output logic [7:0]        req_beats_o,
  output logic              w_valid_o,
  input  logic              w_ready_i,
  output logic [BusW-1:0]   w_data_o,
  output logic [BUS_BYTES-1:0] w_strb_o,
  output logic              w_last_o,
  input  logic              b_valid_i,
  output logic              b_ready_o,
  input  logic              b_err_i,
  // status
  output logic              idle_o,
  output logic              busy_o,
  output logic              wait_o,
  output logic [15:0]       wr_bytes_o,
  output logic              retire_o,
  output logic              err_o,
  output logic [7:0]        err_code_o,
  output logic [31:0]       err_idx_o,
  output logic [31:0]       err_addr_o    // write error: the STORE's dram_addr
);

  typedef enum logic [2:0] {SIdle, SParam, SRows, SFault, SErr} state_e;

  // ---------------------------------------------------------------- reader
  state_e          state_q, state_d;
  logic [AccCw-1:0] acc_q, acc_d;              // accumulator row of the next read
  logic [AccCw-1:0] left_q, left_d;            // rows still to read
  logic [AccCw-1:0] pacc_q, pacc_d;            // parameter row of the next read
  logic [1:0]      p_q, p_d;
  // DRAM address of the oldest row read and not yet pushed into the row buffer: it advances
  // by the stride when that row is pushed. Rows are pushed in read order and at most one is
  // between its read and its push (a requantized row holds the reader until it is pushed), and
  // a new STORE starts only when no row is in flight or in the cycle of the last one's push,
  // so addr_q, nb_q and raw_q are the pushed row's in its push cycle.
  logic [31:0]     addr_q, addr_d;
  logic [19:0]     stride_q, stride_d;
  logic [NbW-1:0]  nb_q, nb_d;                 // bytes per row
  logic            raw_q, raw_d;
  logic            fault_oor_q, fault_oor_d;   // the fault: 1 SRAM out of range, 0 bad field
  logic [31:0]     fault_idx_q, fault_idx_d;
  // Read issued last cycle: its data is on acc_rdata_i now.
  logic            cap_q, cap_d;
  logic [1:0]      pcap_q, pcap_d;             // parameter row captured now (0: none, 1 + row)
  logic [DIM*32-1:0] bias_q, bias_d, mult_q, mult_d;
  // The parameter word's fields per channel (systole_isa_pkg::param_word_t, split at capture).
  logic [DIM*8-1:0]  shift_q, shift_d, zp_q, zp_d, lo_q, lo_d, hi_q, hi_d;
  systole_isa_pkg::param_word_t pw;
  logic            tok_ok, start, room, rf_ready, rf_valid, rf_pop, s_err;
  logic [7:0]      s_code;
  logic [RfW-1:0]  rf_out;

  // ---------------------------------------------------------------- row buffer and writer
  // A buffered row as NWords bus words (the last zero-padded if BUS_BYTES does not divide it).
  logic [NWords*BusW-1:0] rows_q [RQ_DEPTH];
  logic [NWords*BusW-1:0] row_in;
  logic [31:0]       raddr_q [RQ_DEPTH];
  logic [NbW-1:0]    rnb_q [RQ_DEPTH];
  logic [RqW-1:0]    wptr_q, wptr_d, qptr_q, qptr_d, rptr_q, rptr_d;
  logic [RqW:0]      cnt_q, cnt_d, reqd_q, reqd_d;   // rows buffered; of them requested
  logic [BtW-1:0]    beat_q, beat_d;
  logic [AckW-1:0]   acked_q, acked_d;                // write responses not yet retired
  logic              berr_q, berr_d;
  logic              push, req_fire, pop, b_fire, w_fire;
  logic [31:0]       q_addr, h_addr;
  logic [NbW-1:0]    q_nb, h_nb;
  logic [BtW-1:0]    q_beats, h_beats;
  logic [LoW-1:0]    h_lo;
  logic [NWords*BusW-1:0] h_row;
  logic [BusW-1:0]   w_cur, w_prev_q;                 // head row's bus word beat_q; beat_q - 1
  logic [WsW-1:0]    w_sel;

  // Serial output path: busy from the capture of a row to its push (eng_last).
  logic            eng_busy, eng_last, eng_ok;
  logic [DIM*8-1:0] eng_row;

  assign tok_ok = !insn_i.pop_prev || tok_prev_avail_i;
  assign eng_ok = !eng_busy || eng_last;
  assign room   = (32'(cnt_q) + 32'(cap_q || eng_busy) < RQ_DEPTH);
  assign push   = (cap_q && (raw_q || !Serial)) || eng_last;

  // Output path, one systole_requant::requant per output channel. Called only inside the
  // row buffer's write (below): a Verilated model then evaluates the DIM requantizers only in
  // the cycles that push a requantized row, not every cycle.
  function automatic logic [RowB*8-1:0] requant_row(input logic [DIM*32-1:0] acc);
    logic [7:0] e;   // via a variable: Yosys 0.23 cannot size a package call in a part-select
    requant_row = '0;
    for (int unsigned n = 0; n < DIM; n++) begin
      e = systole_requant::requant(acc[32*n +: 32], bias_q[32*n +: 32], mult_q[32*n +: 32],
                                   shift_q[8*n +: 8], zp_q[8*n +: 8], lo_q[8*n +: 8],
                                   hi_q[8*n +: 8]);
      requant_row[8*n +: 8] = e;
    end
  endfunction

  always_comb begin
    state_d      = state_q;
    acc_d        = acc_q;
    left_d       = left_q;
    pacc_d       = pacc_q;
    p_d          = p_q;
    addr_d       = addr_q;
    stride_d     = stride_q;
    nb_d         = nb_q;
    raw_d        = raw_q;
    fault_oor_d  = fault_oor_q;
    fault_idx_d  = fault_idx_q;
    cap_d        = 1'b0;
    pcap_d       = '0;
    insn_ready_o   = 1'b0;
    tok_prev_pop_o = 1'b0;
    acc_re_o       = 1'b0;
    acc_raddr_o    = AccAw'(acc_q);
    start          = 1'b0;
    wait_o         = 1'b0;
    s_err          = 1'b0;
    s_code         = systole_isa_pkg::ErrNone;
    if (push) begin
      addr_d = addr_q + 32'(stride_q);
    end

    unique case (state_q)
      SIdle: begin
        if (insn_valid_i && tok_ok && rf_ready && eng_ok) begin
          start          = 1'b1;
          insn_ready_o   = 1'b1;
          tok_prev_pop_o = insn_i.pop_prev;
          // Truncations exact unless the STORE faults (then nothing is read): x_size <= DIM,
          // acc_addr + y_size <= ACC_ROWS, param_addr + ParamRows <= ACC_ROWS when read.
          acc_d          = AccCw'(insn_i.acc_addr);
          left_d         = (insn_i.x_size == '0) ? '0 : AccCw'(insn_i.y_size);
          pacc_d         = AccCw'(insn_i.param_addr);
          p_d            = '0;
          addr_d         = insn_i.dram_addr;
          stride_d       = insn_i.dram_stride;
          nb_d           = insn_i.raw ? NbW'({insn_i.x_size, 2'b00}) : NbW'(insn_i.x_size);
          raw_d          = insn_i.raw;
          fault_idx_d    = insn_idx_i;
          if (32'(insn_i.x_size) > DIM) begin
            fault_oor_d  = 1'b0;
            state_d      = SFault;
          end else if ((32'(insn_i.acc_addr) + 32'(insn_i.y_size) > ACC_ROWS) ||
                       (!insn_i.raw && (insn_i.y_size != '0) &&
                        (32'(insn_i.param_addr) + systole_isa_pkg::ParamRows > ACC_ROWS))) begin
            fault_oor_d  = 1'b1;
            state_d      = SFault;
          end else if ((insn_i.x_size == '0) || (insn_i.y_size == '0)) begin
            state_d = SIdle;
          end else if (insn_i.raw) begin
            state_d = SRows;
          end else begin
            state_d = SParam;
          end
        end else begin
          wait_o = insn_valid_i && !tok_ok && !rf_valid && (cnt_q == '0) && !cap_q && !eng_busy;
        end
      end
      SParam: begin
        acc_re_o    = 1'b1;
        acc_raddr_o = AccAw'(pacc_q);
        pacc_d      = pacc_q + AccCw'(1);
        p_d         = p_q + 2'd1;
        pcap_d      = p_q + 2'd1;
        if (p_q == 2'(systole_isa_pkg::ParamRows - 1)) begin
          state_d = SRows;
        end
      end
      SRows: begin
        if (room && eng_ok) begin
          acc_re_o = 1'b1;
          cap_d    = 1'b1;
          acc_d    = acc_q + AccCw'(1);
          left_d   = left_q - AccCw'(1);
          if (left_q == AccCw'(1)) begin
            state_d = SIdle;
          end
        end
      end
      SFault: begin
        // Report once every earlier STORE has retired (their faults come first).
        if (!rf_valid && !berr_q) begin
          s_err   = 1'b1;
          s_code  = fault_oor_q ? systole_isa_pkg::ErrSramOutOfRange : systole_isa_pkg::ErrBadField;
          state_d = SErr;
        end
      end
      SErr: begin
      end
      default: begin
        state_d = SIdle;
      end
    endcase
  end

  // Parameters land one cycle after their read.
  always_comb begin
    bias_d  = bias_q;
    mult_d  = mult_q;
    shift_d = shift_q;
    zp_d    = zp_q;
    lo_d    = lo_q;
    hi_d    = hi_q;
    pw      = '0;
    if (pcap_q == 2'(systole_isa_pkg::ParamBiasRow + 1)) begin
      bias_d = acc_rdata_i;
    end
    if (pcap_q == 2'(systole_isa_pkg::ParamMultRow + 1)) begin
      mult_d = acc_rdata_i;
    end
    if (pcap_q == 2'(systole_isa_pkg::ParamWordRow + 1)) begin
      for (int unsigned n = 0; n < DIM; n++) begin
        pw                = acc_rdata_i[32*n +: 32];
        shift_d[8*n +: 8] = pw.shift;
        zp_d[8*n +: 8]    = pw.zero_point;
        lo_d[8*n +: 8]    = pw.clamp_lo;
        hi_d[8*n +: 8]    = pw.clamp_hi;
      end
    end
  end

  // Retire records, pushed at the start: how many write responses complete the instruction.
  systole_fifo #(.WIDTH(RfW), .DEPTH(RF_DEPTH)) u_rf (
    .clk_i,
    .rst_ni,
    .in_valid_i  (start && (state_d != SFault)),
    .in_ready_o  (rf_ready),
    .in_data_i   ({insn_i.dram_addr, insn_idx_i, insn_i.push_prev,
                   (insn_i.x_size == '0) ? AccCw'(0) : AccCw'(insn_i.y_size)}),
    .out_valid_o (rf_valid),
    .out_ready_i (rf_pop),
    .out_data_o  (rf_out),
    .count_o     (rf_count)
  );
  logic [$clog2(RF_DEPTH + 1)-1:0] rf_count;
  logic unused_store;
  assign unused_store = ^{rf_count, insn_i.opcode, insn_i.pop_next, insn_i.push_next, h_addr[31:LoW], insn_i.spare};

  // ---------------------------------------------------------------- writer
  assign q_addr  = raddr_q[qptr_q];
  assign q_nb    = rnb_q[qptr_q];
  assign q_beats = BtW'((32'(q_addr[LoW-1:0]) + 32'(q_nb) + BUS_BYTES - 1) / BUS_BYTES);
  assign h_addr  = raddr_q[rptr_q];
  assign h_nb    = rnb_q[rptr_q];
  assign h_lo    = h_addr[LoW-1:0];
  assign h_beats = BtW'((32'(h_lo) + 32'(h_nb) + BUS_BYTES - 1) / BUS_BYTES);
  assign b_fire  = b_valid_i;
  assign h_row   = rows_q[rptr_q];

  assign req_valid_o = (reqd_q != cnt_q) && !berr_q;
  assign w_valid_o   = (reqd_q != '0);
  assign w_fire      = w_valid_o && w_ready_i;

  always_comb begin
    req_fire    = req_valid_o && req_ready_i;
    pop         = w_fire && (beat_q == h_beats - BtW'(1));
    wptr_d      = wptr_q + RqW'(push);
    qptr_d      = qptr_q + RqW'(req_fire);
    rptr_d      = rptr_q + RqW'(pop);
    cnt_d       = cnt_q + (RqW + 1)'(push) - (RqW + 1)'(pop);
    reqd_d      = reqd_q + (RqW + 1)'(req_fire) - (RqW + 1)'(pop);
    beat_d      = beat_q;
    wr_bytes_o  = '0;
    if (w_fire) begin
      beat_d = beat_q + BtW'(1);
      if (pop) begin
        beat_d     = '0;
        wr_bytes_o = 16'(h_nb);
      end
    end
  end

  // Beat b of the head row: byte j is row byte b*BUS_BYTES + j - lo when inside the row, that
  // is byte j - lo of the row's bus word b (j >= lo) or byte BUS_BYTES + j - lo of word b - 1
  // (j < lo): one bus word selected from the buffer (w_cur) and the previous beat's word
  // (w_prev_q, loaded at every accepted beat; unused in beat 0, where j < lo is outside the
  // row), aligned by a lo-byte funnel shift, instead of a row-wide byte select per bus byte.
  // Word b >= NWords is only read for bytes past the row (masked).
  assign w_sel = WsW'(beat_q);
  assign w_cur = h_row[BusW*w_sel +: BusW];
  logic [31:0]        bi;
  logic [2*BusW-1:0]  w_pair;
  always_comb begin
    w_pair   = {w_cur, w_prev_q} >> (8 * (BUS_BYTES - 32'(h_lo)));
    w_data_o = '0;
    w_strb_o = '0;
    bi       = '0;
    if (w_valid_o) begin
      for (int unsigned j = 0; j < BUS_BYTES; j++) begin
        bi = 32'(beat_q) * BUS_BYTES + j - 32'(h_lo);
        if ((32'(beat_q) * BUS_BYTES + j >= 32'(h_lo)) && (bi < 32'(h_nb))) begin
          w_strb_o[j]         = 1'b1;
          w_data_o[8*j +: 8]  = w_pair[8*j +: 8];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (w_fire) begin
      w_prev_q <= w_cur;
    end
  end

  // The row pushed now: the raw row, the requantized row (DIM combinational requantizers) or
  // the serial output path's row. Bytes past a requantized row (>= DIM) are never written to
  // the bus (their strobes are off), so they keep the accumulator data.
  always_comb begin
    row_in = (NWords * BusW)'(acc_rdata_i);
    if (Serial && !(cap_q && raw_q)) begin
      row_in[DIM*8-1:0] = eng_row;
    end
  end

  // Row buffer storage (memory primitive: written only by the output stage, requantizing).
  always_ff @(posedge clk_i) begin
    if (push) begin
      if (!Serial && !raw_q) begin
        rows_q[wptr_q] <= (NWords * BusW)'(requant_row(acc_rdata_i));
      end else begin
        rows_q[wptr_q] <= row_in;
      end
      raddr_q[wptr_q] <= addr_q;
      rnb_q[wptr_q]   <= nb_q;
    end
  end

  // ---------------------------------------------------------------- serial output path
  // REQUANT_LANES < DIM: the captured row goes through Lanes systole_requant_lane, lane l
  // taking elements l, l + Lanes, ... one after another (1 setup cycle + Steps steps each);
  // element j's result is written in the next element's setup cycle, the last one's in the
  // push cycle: read + capture (1) + Per * (Steps + 1) + push, Per * (Steps + 1) + 2 cycles.
  if (Serial) begin : g_serial
    localparam int unsigned Jw = $clog2(Per + 1);
    localparam int unsigned Sw = $clog2(Steps + 1);
    logic              busy_q, busy_d;
    logic [Jw-1:0]     j_q, j_d;
    logic [Sw-1:0]     st_q, st_d;
    logic [DIM*32-1:0] crow_q, crow_d;
    logic [DIM*8-1:0]  orow_q, orow_d, fin_row;
    logic              setup, step, capture;
    logic [7:0]        y [Lanes];

    assign capture = cap_q && !raw_q;
    assign setup   = busy_q && (st_q == '0) && (32'(j_q) < Per);
    assign step    = busy_q && (st_q != '0);

    for (genvar l = 0; l < Lanes; l++) begin : g_lane
      localparam int unsigned Ew = $clog2(DIM);
      logic [Ew-1:0] e;   // element of this lane in step j
      assign e = Ew'(32'(j_q) * Lanes + l);
      systole_requant_lane #(.K(LaneK)) u_lane (
        .clk_i,
        .setup_i (setup),
        .step_i  (step),
        .acc_i   (crow_q[32*e +: 32]),
        .bias_i  (bias_q[32*e +: 32]),
        .mult_i  (mult_q[32*e +: 32]),
        .shift_i (shift_q[8*e +: 8]),
        .zp_i    (zp_q[8*e +: 8]),
        .lo_i    (lo_q[8*e +: 8]),
        .hi_i    (hi_q[8*e +: 8]),
        .y_o     (y[l])
      );
    end

    // The row with the results of the element just finished (setup cycles only).
    always_comb begin
      fin_row = orow_q;
      if (busy_q && (st_q == '0) && (j_q != '0)) begin
        for (int unsigned l = 0; l < Lanes; l++) begin
          for (int unsigned e = 0; e < DIM; e++) begin
            if (e == (32'(j_q) - 1) * Lanes + l) begin
              fin_row[8*e +: 8] = y[l];
            end
          end
        end
      end
    end

    always_comb begin
      busy_d = busy_q;
      j_d    = j_q;
      st_d   = st_q;
      crow_d = crow_q;
      orow_d = fin_row;
      if (capture) begin
        busy_d = 1'b1;
        j_d    = '0;
        st_d   = '0;
        crow_d = acc_rdata_i;
      end else if (busy_q) begin
        if (st_q == '0) begin
          if (32'(j_q) == Per) begin
            busy_d = 1'b0;
          end else begin
            st_d = Sw'(1);
          end
        end else if (32'(st_q) == Steps) begin
          st_d = '0;
          j_d  = j_q + Jw'(1);
        end else begin
          st_d = st_q + Sw'(1);
        end
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        busy_q <= 1'b0;
        j_q    <= '0;
        st_q   <= '0;
      end else begin
        busy_q <= busy_d;
        j_q    <= j_d;
        st_q   <= st_d;
      end
    end

    // Data registers (no reset).
    always_ff @(posedge clk_i) begin
      crow_q <= crow_d;
      orow_q <= orow_d;
    end

    assign eng_busy = busy_q || capture;
    assign eng_last = busy_q && (st_q == '0) && (32'(j_q) == Per);
    assign eng_row  = fin_row;
  end else begin : g_comb
    assign eng_busy = 1'b0;
    assign eng_last = 1'b0;
    assign eng_row  = '0;
  end

  // Retirement in order: the head record retires once all its responses are in.
  always_comb begin
    acked_d         = acked_q + AckW'(b_fire);
    rf_pop          = 1'b0;
    retire_o        = 1'b0;
    tok_prev_push_o = 1'b0;
    berr_d          = berr_q || (b_fire && b_err_i);
    if (rf_valid && !berr_d && (acked_d >= AckW'(rf_out[AccCw-1:0]))) begin
      rf_pop          = 1'b1;
      retire_o        = 1'b1;
      tok_prev_push_o = rf_out[AccCw];
      acked_d         = acked_d - AckW'(rf_out[AccCw-1:0]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= SIdle;
      acc_q        <= '0;
      left_q       <= '0;
      pacc_q       <= '0;
      p_q          <= '0;
      addr_q       <= '0;
      stride_q     <= '0;
      nb_q         <= '0;
      raw_q        <= 1'b0;
      fault_oor_q  <= 1'b0;
      fault_idx_q  <= '0;
      cap_q        <= 1'b0;
      pcap_q       <= '0;
      bias_q       <= '0;
      mult_q       <= '0;
      shift_q      <= '0;
      zp_q         <= '0;
      lo_q         <= '0;
      hi_q         <= '0;
      wptr_q       <= '0;
      qptr_q       <= '0;
      rptr_q       <= '0;
      cnt_q        <= '0;
      reqd_q       <= '0;
      beat_q       <= '0;
      acked_q      <= '0;
      berr_q       <= 1'b0;
    end else begin
      state_q      <= state_d;
      acc_q        <= acc_d;
      left_q       <= left_d;
      pacc_q       <= pacc_d;
      p_q          <= p_d;
      addr_q       <= addr_d;
      stride_q     <= stride_d;
      nb_q         <= nb_d;
      raw_q        <= raw_d;
      fault_oor_q  <= fault_oor_d;
      fault_idx_q  <= fault_idx_d;
      cap_q        <= cap_d;
      pcap_q       <= pcap_d;
      bias_q       <= bias_d;
      mult_q       <= mult_d;
      shift_q      <= shift_d;
      zp_q         <= zp_d;
      lo_q         <= lo_d;
      hi_q         <= hi_d;
      wptr_q       <= wptr_d;
      qptr_q       <= qptr_d;
      rptr_q       <= rptr_d;
      cnt_q        <= cnt_d;
      reqd_q       <= reqd_d;
      beat_q       <= beat_d;
      acked_q      <= acked_d;
      berr_q       <= berr_d;
    end
  end

  assign req_addr_o  = {q_addr[31:LoW], {LoW{1'b0}}};
  assign req_beats_o = 8'(q_beats);
  assign w_last_o    = (beat_q == h_beats - BtW'(1));
  assign b_ready_o   = 1'b1;
  assign idle_o      = (state_q == SIdle) && !cap_q && (cnt_q == '0) && !rf_valid && !eng_busy;
  assign busy_o      = start || (state_q == SParam) || (state_q == SRows) || cap_q || (cnt_q != '0) ||
                       rf_valid || eng_busy;
  assign err_o       = s_err || (b_fire && b_err_i && !berr_q);
  assign err_code_o  = s_err ? s_code : systole_isa_pkg::ErrDmaBusError;
  assign err_idx_o   = s_err ? fault_idx_q : rf_out[AccCw+32:AccCw+1];
  assign err_addr_o  = rf_out[AccCw+64:AccCw+33];

`ifndef SYNTHESIS
  a_store_acc_row: assert property (@(posedge clk_i) disable iff (!rst_ni)
      acc_re_o |-> ((state_q == SParam) ? (32'(pacc_q) < ACC_ROWS) : (32'(acc_q) < ACC_ROWS)))
    else $error("systole_store: accumulator row out of range");
  a_store_w_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (w_valid_o && !w_ready_i) |=> (w_valid_o && $stable({w_data_o, w_strb_o, w_last_o})))
    else $error("systole_store: write beat dropped or changed before it was accepted");
`endif

endmodule
