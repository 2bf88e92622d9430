// Systole load unit: LOAD, a 2D strided DMA from DRAM into the scratchpad (int8) or the
// accumulator (little-endian int32), inserting padding on the fly.
//
// Two stages joined by a small instruction FIFO (WQ_DEPTH entries), so that consecutive
// LOADs pipeline: the next LOAD's requests follow the current one's while its data is still
// in flight.
//   front:  starts the instruction at the head of the unit's queue as soon as its token is
//           there (pop_next) and the FIFO has room: checks its fields, hands it to the row
//           writer, and issues one read burst per data row (none when x_size = 0),
//           BUS_BYTES-aligned, one per cycle when granted, the first in the start cycle;
//           at most MAX_OUT bursts outstanding. It starts the next LOAD in the cycle after
//           its last request.
//   writer: walks the y_pad_before + y_size + y_pad_after destination rows of the FIFO's
//           head in order; a padding row is written in one cycle, a data row in the cycle its
//           last beat arrives (each beat's bytes go to their places in a row buffer as it
//           arrives; the last beat's go straight into the row written). The instruction
//           retires (push_next) in the cycle of its last row write (or, with no rows, the
//           cycle it reaches the head).
// Accumulator writes yield to the execute unit (acc_ready_i); the response channel is then
// held (r_ready_o low) for that cycle. A bus error stops the unit (it keeps draining). A field
// fault found by the front is reported once the earlier LOADs have finished, so an earlier
// instruction's own fault wins. err_addr_o: the DRAM address of the failed beat.
// Assertions (Verilator --assert; not synthesized): written rows inside the target memory,
// the outstanding-burst count in 0..MAX_OUT.
module systole_load #(
  parameter int unsigned DIM       = 4,
  parameter int unsigned SPAD_ROWS = 256,
  parameter int unsigned ACC_ROWS  = 64,
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned MAX_OUT   = 255,
  parameter int unsigned WQ_DEPTH  = 8,
  localparam int unsigned SpAw     = $clog2(SPAD_ROWS),
  localparam int unsigned AccAw    = $clog2(ACC_ROWS),
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned LoW      = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int unsigned MaxBeats = (DIM * 4 + 2 * BUS_BYTES - 2) / BUS_BYTES,
  localparam int unsigned BeatW    = (MaxBeats > 1) ? $clog2(MaxBeats) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // instruction queue
  input  logic              insn_valid_i,
  output logic              insn_ready_o,
  input  systole_isa_pkg::load_insn_t        insn_i,
  input  logic [31:0]       insn_idx_i,
  // tokens with the execute unit
  input  logic              tok_next_avail_i,
  output logic              tok_next_pop_o,
  output logic              tok_next_push_o,
  // memory master (read only)
  output logic              req_valid_o,
  input  logic              req_ready_i,
  output logic [31:0]       req_addr_o,
  output logic [7:0]        req_beats_o,
  input  logic              r_valid_i,
  output logic              r_ready_o,
  input  logic [BusW-1:0]   r_data_i,
  input  logic              r_err_i,
  // scratchpad write
  output logic              sp_we_o,
  output logic [SpAw-1:0]   sp_waddr_o,
  output logic [DIM*8-1:0]  sp_wdata_o,
  // accumulator write
  output logic              acc_valid_o,
  output logic [AccAw-1:0]  acc_addr_o,
  output logic [DIM*32-1:0] acc_data_o,
  input  logic              acc_ready_i,
  // status
  output logic              idle_o,
  output logic              busy_o,
  output logic              wait_o,
  output logic [15:0]       rd_bytes_o,   // data bytes of the row completed this cycle
  output logic              retire_o,
  output logic              err_o,
  output logic [7:0]        err_code_o,
  output logic [31:0]       err_idx_o,
  output logic [31:0]       err_addr_o
);

  typedef enum logic [1:0] {FIdle, FReq, FFault, FErr} front_e;

  // ---------------------------------------------------------------- front
  front_e      f_state_q, f_state_d, f_state_n;
  logic [31:0] rq_addr_q, rq_addr_d, rq_addr_n; // DRAM address of the next data row
  logic [15:0] rq_left_q, rq_left_d, rq_left_n; // data rows still to request
  logic [19:0] rq_stride_q, rq_stride_d;
  logic [8:0]  rq_bytes_q, rq_bytes_d;
  logic [8:0]  out_q, out_d;                    // bursts outstanding
  logic [7:0]  fault_code_q, fault_code_d;
  logic [31:0] fault_idx_q, fault_idx_d;
  logic        h_acc, h_tok_ok, start, req_fire, wq_ready, f_err;
  logic [8:0]  h_bytes, req_bytes;
  logic [31:0] req_addr;
  logic [7:0]  f_code;

  assign h_acc    = (insn_i.target == 1'(systole_isa_pkg::TargetAcc));
  assign h_bytes  = h_acc ? {1'b0, insn_i.x_size} << 2 : 9'(insn_i.x_size);
  assign h_tok_ok = !insn_i.pop_next || tok_next_avail_i;

  // ---------------------------------------------------------------- writer
  // The writer's FIFO holds only the fields it uses, narrowed where the front's checks bound
  // them: x_size and x_pad_before are at most DIM (x_pad_before + x_size <= DIM), and a LOAD
  // that writes rows has sram_addr below the target's rows (sram_addr + rows <= ROWS).
  localparam int unsigned XW    = $clog2(DIM + 1);
  localparam int unsigned SramW = (SpAw > AccAw) ? SpAw : AccAw;
  localparam int unsigned WqW   = 32 + 1 + 1 + SramW + 32 + 20 + 16 + 4 + 4 + XW + XW + 8;
  logic [WqW-1:0]    wq_in, wq_out;
  logic              wq_valid, wq_pop, wq_push;
  logic [31:0]       w_idx;
  logic              w_push_next, w_target;
  logic [SramW-1:0]  w_sram_addr;
  logic [31:0]       w_dram_addr;
  logic [19:0]       w_stride;
  logic [15:0]       w_y_size;
  logic [3:0]        w_y_pad_before, w_y_pad_after;
  logic [XW-1:0]     w_x_size, w_x_pad_before;
  logic [7:0]        w_pad_value;
  logic [17:0]       wr_row_q, wr_row_d;        // next destination row of the head
  logic [LoW-1:0]    wr_off_q, wr_off_d;        // low bits of the data-row offset from dram_addr
  logic [31:0]       wr_aoff_q, wr_aoff_d;      // the whole offset (for err_addr_o)
  logic [BeatW-1:0]  beat_q, beat_d;
  logic              w_err_q, w_err_d;
  logic              w_acc, data_row, last_row, last_beat, wr_en, wr_ok, w_err;
  logic [XW+1:0]     w_bytes;
  logic [17:0]       total_rows, data_lo, data_hi;
  logic [LoW-1:0]    wr_lo;
  logic [7:0]        wr_beats;
  logic [DIM*8-1:0]  sp_row;
  logic [DIM*32-1:0] acc_row;
  logic              row_done, r_fire;
  logic [$clog2(WQ_DEPTH + 1)-1:0] wq_count;

  assign {w_idx, w_push_next, w_target, w_sram_addr, w_dram_addr, w_stride, w_y_size,
          w_y_pad_before, w_y_pad_after, w_x_size, w_x_pad_before, w_pad_value} = wq_out;
  assign w_acc      = (w_target == 1'(systole_isa_pkg::TargetAcc));
  assign w_bytes    = w_acc ? {w_x_size, 2'b00} : (XW + 2)'(w_x_size);
  assign total_rows = 18'(w_y_pad_before) + 18'(w_y_size) + 18'(w_y_pad_after);
  assign data_lo    = 18'(w_y_pad_before);
  assign data_hi    = data_lo + 18'(w_y_size);
  assign wr_lo      = w_dram_addr[LoW-1:0] + wr_off_q;
  assign wr_beats   = 8'((32'(wr_lo) + 32'(w_bytes) + BUS_BYTES - 1) / BUS_BYTES);
  assign data_row   = (wr_row_q >= data_lo) && (wr_row_q < data_hi) && (w_x_size != '0);
  assign last_row   = (wr_row_q + 18'd1 == total_rows);  // the head retires at its last row
  assign last_beat  = (8'(beat_q) == wr_beats - 8'd1);
  assign wr_ok      = !w_acc || acc_ready_i;

  // ---------------------------------------------------------------- front logic
  always_comb begin
    f_state_n    = f_state_q;
    rq_addr_n    = rq_addr_q;
    rq_left_n    = rq_left_q;
    rq_stride_d  = rq_stride_q;
    rq_bytes_d   = rq_bytes_q;
    fault_code_d = fault_code_q;
    fault_idx_d  = fault_idx_q;
    insn_ready_o   = 1'b0;
    tok_next_pop_o = 1'b0;
    wq_push        = 1'b0;
    req_valid_o    = 1'b0;
    req_addr       = rq_addr_q;
    req_bytes      = rq_bytes_q;
    start          = 1'b0;
    wait_o         = 1'b0;
    f_err          = 1'b0;
    f_code         = systole_isa_pkg::ErrNone;

    unique case (f_state_q)
      FIdle: begin
        if (insn_valid_i && h_tok_ok && wq_ready) begin
          start          = 1'b1;
          insn_ready_o   = 1'b1;
          tok_next_pop_o = insn_i.pop_next;
          rq_addr_n      = insn_i.dram_addr;
          rq_left_n      = (insn_i.x_size == '0) ? '0 : insn_i.y_size;
          rq_stride_d    = insn_i.dram_stride;
          rq_bytes_d     = h_bytes;
          fault_idx_d    = insn_idx_i;
          if (32'(insn_i.x_pad_before) + 32'(insn_i.x_size) > DIM) begin
            fault_code_d = systole_isa_pkg::ErrBadField;
            f_state_n    = FFault;
          end else if (32'(insn_i.sram_addr) + 32'(insn_i.y_pad_before) + 32'(insn_i.y_size) +
                       32'(insn_i.y_pad_after) > (h_acc ? ACC_ROWS : SPAD_ROWS)) begin
            fault_code_d = systole_isa_pkg::ErrSramOutOfRange;
            f_state_n    = FFault;
          end else begin
            wq_push = 1'b1;
            if (rq_left_n != '0) begin
              f_state_n = FReq;
              // The first request goes out in the start cycle.
              req_valid_o = (out_q != 9'(MAX_OUT));
              req_addr    = insn_i.dram_addr;
              req_bytes   = h_bytes;
            end
          end
        end else begin
          wait_o = insn_valid_i && !h_tok_ok && !wq_valid;
        end
      end
      FReq: begin
        req_valid_o = (out_q != 9'(MAX_OUT));
      end
      FFault: begin
        // Report once every earlier LOAD has finished (their faults come first).
        if (!wq_valid && !w_err_q) begin
          f_err     = 1'b1;
          f_code    = fault_code_q;
          f_state_n = FErr;
        end
      end
      FErr: begin
      end
      default: begin
        f_state_n = FIdle;
      end
    endcase
  end

  // A granted request advances the walker (kept apart from the block that drives
  // req_valid_o: no combinational loop through the arbiter). A request goes out only with
  // req_addr = rq_addr_n (the start cycle's address, or the walker's): the walker adds the
  // stride to rq_addr_n.
  always_comb begin
    f_state_d = f_state_n;
    req_fire  = req_valid_o && req_ready_i;
    rq_addr_d = req_fire ? rq_addr_n + 32'(rq_stride_d) : rq_addr_n;
    rq_left_d = rq_left_n - 16'(req_fire);
    if (req_fire && (rq_left_n == 16'd1)) begin
      f_state_d = FIdle;
    end
  end

  assign req_addr_o  = {req_addr[31:LoW], {LoW{1'b0}}};
  assign req_beats_o = 8'((32'(req_addr[LoW-1:0]) + 32'(req_bytes) + BUS_BYTES - 1) / BUS_BYTES);

  assign wq_in = {insn_idx_i, insn_i.push_next, insn_i.target, SramW'(insn_i.sram_addr), insn_i.dram_addr,
                  insn_i.dram_stride, insn_i.y_size, insn_i.y_pad_before, insn_i.y_pad_after,
                  XW'(insn_i.x_size), XW'(insn_i.x_pad_before), insn_i.pad_value};

  systole_fifo #(.WIDTH(WqW), .DEPTH(WQ_DEPTH)) u_wq (
    .clk_i,
    .rst_ni,
    .in_valid_i  (wq_push),
    .in_ready_o  (wq_ready),
    .in_data_i   (wq_in),
    .out_valid_o (wq_valid),
    .out_ready_i (wq_pop),
    .out_data_o  (wq_out),
    .count_o     (wq_count)
  );
  logic unused_wq;
  assign unused_wq = ^{wq_count, w_dram_addr[31:LoW], insn_i.opcode, insn_i.pop_prev, insn_i.push_prev,
                       insn_i.spare};

  // ---------------------------------------------------------------- writer logic
  always_comb begin
    wr_row_d = wr_row_q;
    wr_off_d = wr_off_q;
    wr_aoff_d = wr_aoff_q;
    beat_d   = beat_q;
    w_err_d  = w_err_q;
    wq_pop   = 1'b0;
    wr_en    = 1'b0;
    row_done = 1'b0;
    r_fire   = 1'b0;
    r_ready_o       = w_err_q || (f_state_q == FErr);
    tok_next_push_o = 1'b0;
    retire_o        = 1'b0;
    rd_bytes_o      = '0;
    w_err           = 1'b0;

    if (wq_valid && !w_err_q) begin
      if (total_rows == '0) begin
        wq_pop = 1'b1;
      end else if (!data_row) begin
        if (wr_ok) begin
          wr_en  = 1'b1;
          wq_pop = last_row;
        end
      end else begin
        r_ready_o = wr_ok;
        if (r_valid_i && wr_ok) begin
          r_fire = 1'b1;
          if (r_err_i) begin
            w_err   = 1'b1;
            w_err_d = 1'b1;
          end else if (last_beat) begin
            wr_en      = 1'b1;
            row_done   = 1'b1;
            rd_bytes_o = 16'(w_bytes);
            wq_pop     = last_row;
            beat_d     = '0;
            wr_off_d   = wr_off_q + LoW'(w_stride);
            wr_aoff_d  = wr_aoff_q + 32'(w_stride);
          end else begin
            beat_d = beat_q + 1'b1;
          end
        end
      end
      if (wr_en) begin
        wr_row_d = wr_row_q + 18'd1;
      end
      if (wq_pop) begin
        wr_row_d        = '0;
        wr_off_d        = '0;
        wr_aoff_d       = '0;
        retire_o        = 1'b1;
        tok_next_push_o = w_push_next;
      end
    end
  end

  // Row assembly. Byte q of the assembled row (q < 4*DIM; a scratchpad row uses q < DIM) is
  // byte s = q - base + wr_lo of the row's DRAM bytes (base = x_pad_before * element bytes),
  // which arrives in beat s / BUS_BYTES, lane s % BUS_BYTES. Each arriving beat is rotated by
  // (wr_lo - base) mod BUS_BYTES bytes, so that every byte it carries lands on lane q % BUS_BYTES,
  // and its bytes are kept in a row buffer at their row positions; in the cycle of the row's
  // last beat, the positions of that beat take the rotated beat itself (r_data_i). Elements
  // outside [x_pad_before, x_pad_before + x_size) take the pad value (sign-extended for the
  // accumulator); only the row of the target memory is driven, the other one is zero.
  localparam int unsigned RowB  = 4 * DIM;                  // bytes of an accumulator row
  localparam int unsigned Lb    = $clog2(BUS_BYTES);
  localparam int unsigned LbW   = (Lb > 0) ? Lb : 1;
  localparam int unsigned NG    = (RowB + BUS_BYTES - 1) / BUS_BYTES;  // beat-sized groups of q
  localparam int unsigned KBase = 2 ** LoW;                 // > wr_lo, a multiple of BUS_BYTES
  localparam int unsigned KB1   = KBase / BUS_BYTES - 1;    // 0, or 1 when BUS_BYTES = 1
  localparam int unsigned NdW   = ((XW + 2 > LoW) ? XW + 2 : LoW) + 1;
  localparam int unsigned BhW   = ((BeatW > NdW) ? BeatW : NdW) + 1;
  localparam int unsigned RowW  = 8 * RowB;

  logic [XW+1:0]    base;
  logic [NdW-1:0]   nd;         // base - wr_lo + KBase - 1 (>= 0)
  logic [LbW-1:0]   rot_amt;    // (wr_lo - base) mod BUS_BYTES
  logic [BhW-1:0]   bhp;        // beat_q - floor((wr_lo - base) / BUS_BYTES) + KB1
  logic [BusW-1:0]  carry;      // bits of the lanes l with l + rot_amt >= BUS_BYTES (next beat)
  logic [NG:0]      grp_hit;    // beat-sized group g of the row takes the current beat
  logic [BusW-1:0]  rot;        // r_data_i rotated right by rot_amt bytes
  logic [NG*BusW-1:0] hit_g;    // bits of the row bytes that come from the current beat
  logic [RowW-1:0]  hit;
  logic [RowW-1:0]  row_q, row;
  logic [DIM-1:0]   in_rng;
  logic             sp_data, acc_data;
  logic [7:0]       sp_pad, acc_pad, acc_sign;

  assign base = w_acc ? {w_x_pad_before, 2'b00} : (XW + 2)'(w_x_pad_before);
  assign nd   = NdW'(base) + NdW'(KBase - 1) - NdW'(wr_lo);
  assign bhp  = BhW'(beat_q) + BhW'(nd[NdW-1:Lb]);
  if (Lb > 0) begin : g_amt
    assign rot_amt = ~nd[Lb-1:0];
    always_comb begin
      rot = r_data_i;
      for (int unsigned i = 0; i < Lb; i++) begin
        if (rot_amt[i]) begin
          rot = (rot >> (8 * 2**i)) | (rot << (BusW - 8 * 2**i));
        end
      end
    end
    for (genvar l = 0; l < BUS_BYTES; l++) begin : g_carry
      assign carry[8*l +: 8] = {8{32'(rot_amt) + l >= BUS_BYTES}};
    end
  end else begin : g_amt1
    logic unused_nd;
    assign rot_amt = 1'b0;
    assign rot     = r_data_i;
    assign carry   = '0;
    assign unused_nd = ^{rot_amt, nd[0]};
  end
  for (genvar g = 0; g <= NG; g++) begin : g_grp
    assign grp_hit[g] = (bhp == BhW'(g + KB1));
  end
  // Byte q is in group q / BUS_BYTES on lane q % BUS_BYTES; it takes the current beat when its
  // group does (lane without carry) or the next group does (lane with carry). Whole-row vector
  // operations: the same logic per byte, and few operations per cycle in simulation.
  for (genvar g = 0; g < NG; g++) begin : g_hit
    assign hit_g[g*BusW +: BusW] = (carry & {BusW{grp_hit[g+1]}}) | (~carry & {BusW{grp_hit[g]}});
  end
  if (NG * BusW > RowW) begin : g_hit_cut
    logic unused_hit;
    assign unused_hit = ^hit_g[NG*BusW-1:RowW];
  end
  assign hit = hit_g[RowW-1:0];
  assign row = (hit & RowW'({NG{rot}})) | (~hit & row_q);
  // Row buffer: the bytes of the row's beats before the last. A byte is written in every cycle
  // its beat is the current one, and so holds that beat once it has been accepted.
  always_ff @(posedge clk_i) begin
    row_q <= row;
  end

  for (genvar e = 0; e < DIM; e++) begin : g_rng
    assign in_rng[e] = ((XW + 1)'(e) >= (XW + 1)'(w_x_pad_before)) &&
                       ((XW + 1)'(e) < (XW + 1)'(w_x_pad_before) + (XW + 1)'(w_x_size));
  end
  assign sp_data  = wr_en && data_row && !w_acc;
  assign acc_data = wr_en && data_row && w_acc;
  assign sp_pad   = (wr_en && !w_acc) ? w_pad_value : '0;
  assign acc_pad  = (wr_en && w_acc) ? w_pad_value : '0;
  assign acc_sign = (wr_en && w_acc) ? {8{w_pad_value[7]}} : '0;
  // (In simulation, no work in the cycles that write no row.)
  always_comb begin
    sp_row  = '0;
    acc_row = '0;
    if (wr_en) begin
      for (int unsigned e = 0; e < DIM; e++) begin
        sp_row[8*e +: 8] = (sp_data && in_rng[e]) ? row[8*e +: 8] : sp_pad;
        acc_row[32*e +: 32] = (acc_data && in_rng[e]) ? row[32*e +: 32] : {acc_sign, acc_sign, acc_sign, acc_pad};
      end
    end
  end

  // ---------------------------------------------------------------- state
  logic out_dec;
  assign out_dec = row_done || (r_fire && r_err_i);
  assign out_d   = out_q + ((req_fire && !out_dec) ? 9'd1 : (!req_fire && out_dec) ? 9'h1ff : 9'd0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_state_q    <= FIdle;
      rq_addr_q    <= '0;
      rq_left_q    <= '0;
      rq_stride_q  <= '0;
      rq_bytes_q   <= '0;
      out_q        <= '0;
      fault_code_q <= '0;
      fault_idx_q  <= '0;
      wr_row_q     <= '0;
      wr_off_q     <= '0;
      wr_aoff_q    <= '0;
      beat_q       <= '0;
      w_err_q      <= 1'b0;
    end else begin
      f_state_q    <= f_state_d;
      rq_addr_q    <= rq_addr_d;
      rq_left_q    <= rq_left_d;
      rq_stride_q  <= rq_stride_d;
      rq_bytes_q   <= rq_bytes_d;
      out_q        <= out_d;
      fault_code_q <= fault_code_d;
      fault_idx_q  <= fault_idx_d;
      wr_row_q     <= wr_row_d;
      wr_off_q     <= wr_off_d;
      wr_aoff_q    <= wr_aoff_d;
      beat_q       <= beat_d;
      w_err_q      <= w_err_d;
    end
  end

  logic [31:0] dst_row;
  assign dst_row     = 32'(w_sram_addr) + 32'(wr_row_q);  // range-checked at start (so sram_addr fits SramW)
  logic unused_dst;
  assign unused_dst  = ^dst_row;
  assign sp_we_o     = wr_en && !w_acc;
  assign sp_waddr_o  = SpAw'(dst_row);
  assign sp_wdata_o  = sp_row;
  assign acc_valid_o = wr_en && w_acc;
  assign acc_addr_o  = AccAw'(dst_row);
  assign acc_data_o  = acc_row;
  assign idle_o      = (f_state_q == FIdle) && !wq_valid;
  assign busy_o      = start || (f_state_q == FReq) || wq_valid;
  assign err_o       = w_err || f_err;
  assign err_code_o  = w_err ? systole_isa_pkg::ErrDmaBusError : f_code;
  assign err_idx_o   = w_err ? w_idx : fault_idx_q;
  // (Parenthesized: Yosys 0.23 reads `x & ~32'(BUS_BYTES - 1)` as x & (BUS_BYTES - 1).)
  assign err_addr_o  = ((w_dram_addr + wr_aoff_q) & ~(32'(BUS_BYTES - 1))) + 32'(beat_q) * BUS_BYTES;

`ifndef SYNTHESIS
  a_load_spad_row: assert property (@(posedge clk_i) disable iff (!rst_ni) sp_we_o |-> (dst_row < SPAD_ROWS))
    else $error("systole_load: scratchpad row %0d out of range", dst_row);
  a_load_acc_row: assert property (@(posedge clk_i) disable iff (!rst_ni) acc_valid_o |-> (dst_row < ACC_ROWS))
    else $error("systole_load: accumulator row %0d out of range", dst_row);
  a_load_acc_ready: assert property (@(posedge clk_i) disable iff (!rst_ni) acc_valid_o |-> acc_ready_i)
    else $error("systole_load: accumulator write while the execute port writes (lost)");
  a_load_out_bounds: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(out_q) <= MAX_OUT)
    else $error("systole_load: %0d bursts outstanding, more than %0d", out_q, MAX_OUT);
`endif

endmodule
