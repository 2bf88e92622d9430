// Systole load unit: LOAD, a 2D strided DMA from DRAM into the scratchpad (int8) or the
// accumulator (little-endian int32), inserting padding on the fly.
//
// Two independent walkers over the same instruction:
//   request walker: one read burst per data row (skipped when x_size = 0), BUS_BYTES-aligned,
//                   covering [dram_addr + r*dram_stride, + x_size*elem_bytes), at most
//                   MAX_OUT bursts outstanding; one request per cycle when granted.
//   row writer:     walks the y_pad_before + y_size + y_pad_after destination rows in
//                   order; a padding row is written in one cycle, a data row in the cycle its
//                   last beat arrives (beats are assembled in a row buffer, aligned with a
//                   byte shift, then placed after x_pad_before padding elements).
// Accumulator writes yield to the execute unit (acc_ready_i); the response channel is then
// held (r_ready_o low) for that cycle. A bus error stops the unit (it keeps draining).
module systole_load #(
  parameter int unsigned DIM       = 4,
  parameter int unsigned SPAD_ROWS = 256,
  parameter int unsigned ACC_ROWS  = 64,
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned MAX_OUT   = 8,
  localparam int unsigned SpAw     = $clog2(SPAD_ROWS),
  localparam int unsigned AccAw    = $clog2(ACC_ROWS),
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned LoW      = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int unsigned MaxBeats = (DIM * 4 + 2 * BUS_BYTES - 2) / BUS_BYTES,
  localparam int unsigned BufW     = MaxBeats * BusW
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
  output logic [31:0]       err_idx_o
);

  typedef enum logic [1:0] {SIdle, STok, SRun, SErr} state_e;

  state_e          state_q, state_d;
  systole_isa_pkg::load_insn_t      insn_q, insn_d;
  logic [31:0]     idx_q, idx_d;
  logic [15:0]     rq_row_q, rq_row_d;          // next data row to request
  logic [31:0]     rq_addr_q, rq_addr_d;
  logic [17:0]     wr_row_q, wr_row_d;          // next destination row to write
  logic [31:0]     wd_addr_q, wd_addr_d;        // DRAM address of the writer's next data row
  logic [7:0]      beat_q, beat_d;
  logic [BufW-1:0] buf_q, buf_d;
  logic [7:0]      out_q, out_d;                // bursts outstanding

  logic            is_acc, data_row, req_fire, row_done, last_beat, r_fire;
  logic [8:0]      nbytes;                      // bytes per data row
  logic [17:0]     total_rows, data_lo, data_hi;
  logic [7:0]      rq_beats, wr_beats;
  logic [LoW-1:0]  rq_lo, wr_lo;
  logic [BufW-1:0] full;
  logic [DIM*32-1:0] data_al, data_sh;
  logic [DIM*8-1:0]  sp_row;
  logic [DIM*32-1:0] acc_row;
  logic            wr_en, wr_ok;
  logic [31:0]     dst_row;

  assign is_acc     = (insn_q.target == 1'(systole_isa_pkg::TargetAcc));
  assign nbytes     = is_acc ? {1'b0, insn_q.x_size} << 2 : 9'(insn_q.x_size);
  assign total_rows = 18'(insn_q.y_pad_before) + 18'(insn_q.y_size) + 18'(insn_q.y_pad_after);
  assign data_lo    = 18'(insn_q.y_pad_before);
  assign data_hi    = data_lo + 18'(insn_q.y_size);
  assign rq_lo      = rq_addr_q[LoW-1:0];
  assign wr_lo      = wd_addr_q[LoW-1:0];
  assign rq_beats   = 8'((32'(rq_lo) + 32'(nbytes) + BUS_BYTES - 1) / BUS_BYTES);
  assign wr_beats   = 8'((32'(wr_lo) + 32'(nbytes) + BUS_BYTES - 1) / BUS_BYTES);
  assign data_row   = (wr_row_q >= data_lo) && (wr_row_q < data_hi) && (insn_q.x_size != '0);
  assign dst_row    = 32'(insn_q.sram_addr) + 32'(wr_row_q);  // range-checked at start
  logic unused_dst;
  assign unused_dst = ^dst_row;

  // Row assembly: beats land in buf at beat*BusW; the row starts at byte wr_lo.
  always_comb begin
    full    = buf_q | (BufW'(r_data_i) << (32'(beat_q) * BusW));
    data_al = (DIM * 32)'(full >> (32'(wr_lo) * 8));
    if (is_acc) begin
      data_sh = data_al << (32'(insn_q.x_pad_before) * 32);
    end else begin
      data_sh = data_al << (32'(insn_q.x_pad_before) * 8);
    end
    for (int unsigned e = 0; e < DIM; e++) begin
      logic in_data;
      in_data = data_row && (e >= 32'(insn_q.x_pad_before)) &&
                (e < 32'(insn_q.x_pad_before) + 32'(insn_q.x_size));
      sp_row[8*e +: 8]   = in_data ? data_sh[8*e +: 8] : insn_q.pad_value;
      acc_row[32*e +: 32] = in_data ? data_sh[32*e +: 32] : {{24{insn_q.pad_value[7]}}, insn_q.pad_value};
    end
  end

  always_comb begin
    state_d   = state_q;
    insn_d    = insn_q;
    idx_d     = idx_q;
    rq_row_d  = rq_row_q;
    rq_addr_d = rq_addr_q;
    wr_row_d  = wr_row_q;
    wd_addr_d = wd_addr_q;
    beat_d    = beat_q;
    buf_d     = buf_q;
    out_d     = out_q;
    insn_ready_o    = 1'b0;
    tok_next_pop_o  = 1'b0;
    tok_next_push_o = 1'b0;
    req_valid_o     = 1'b0;
    r_ready_o       = 1'b0;
    wr_en           = 1'b0;
    wait_o          = 1'b0;
    retire_o        = 1'b0;
    err_o           = 1'b0;
    err_code_o      = systole_isa_pkg::ErrNone;
    rd_bytes_o      = '0;
    req_fire        = 1'b0;
    row_done        = 1'b0;
    last_beat       = (beat_q == wr_beats - 1'b1);
    r_fire          = 1'b0;
    wr_ok           = !is_acc || acc_ready_i;

    unique case (state_q)
      SIdle: begin
        insn_ready_o = 1'b1;
        if (insn_valid_i) begin
          insn_d  = insn_i;
          idx_d   = insn_idx_i;
          state_d = STok;
        end
      end
      STok: begin
        if (insn_q.pop_next && !tok_next_avail_i) begin
          wait_o = 1'b1;
        end else begin
          tok_next_pop_o = insn_q.pop_next;
          rq_row_d  = '0;
          rq_addr_d = insn_q.dram_addr;
          wr_row_d  = '0;
          wd_addr_d = insn_q.dram_addr;
          beat_d    = '0;
          buf_d     = '0;
          if (32'(insn_q.x_pad_before) + 32'(insn_q.x_size) > DIM) begin
            err_o      = 1'b1;
            err_code_o = systole_isa_pkg::ErrBadField;
            state_d    = SErr;
          end else if (32'(insn_q.sram_addr) + 32'(total_rows) >
                       (is_acc ? ACC_ROWS : SPAD_ROWS)) begin
            err_o      = 1'b1;
            err_code_o = systole_isa_pkg::ErrSramOutOfRange;
            state_d    = SErr;
          end else begin
            state_d = SRun;
          end
        end
      end
      SRun: begin
        // Request walker.
        if ((insn_q.x_size != '0) && (rq_row_q != insn_q.y_size) && (out_q != 8'(MAX_OUT))) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            req_fire  = 1'b1;
            rq_row_d  = rq_row_q + 1'b1;
            rq_addr_d = rq_addr_q + 32'(insn_q.dram_stride);
          end
        end
        // Row writer.
        if (wr_row_q == total_rows) begin
          tok_next_push_o = insn_q.push_next;
          retire_o        = 1'b1;
          state_d         = SIdle;
        end else if (!data_row) begin
          if (wr_ok) begin
            wr_en    = 1'b1;
            wr_row_d = wr_row_q + 1'b1;
          end
        end else begin
          r_ready_o = wr_ok;
          if (r_valid_i && wr_ok) begin
            r_fire = 1'b1;
            if (r_err_i) begin
              err_o      = 1'b1;
              err_code_o = systole_isa_pkg::ErrDmaBusError;
              state_d    = SErr;
            end else if (last_beat) begin
              wr_en      = 1'b1;
              row_done   = 1'b1;
              rd_bytes_o = 16'(nbytes);
              wr_row_d   = wr_row_q + 1'b1;
              wd_addr_d  = wd_addr_q + 32'(insn_q.dram_stride);
              beat_d     = '0;
              buf_d      = '0;
            end else begin
              beat_d = beat_q + 1'b1;
              buf_d  = full;
            end
          end
        end
      end
      SErr: begin
        // Drain whatever is still coming back; the top flushes the unit once the bus is quiet.
        r_ready_o = 1'b1;
      end
      default: begin
        state_d = SIdle;
      end
    endcase

    if (req_fire && !(row_done || (r_fire && r_err_i))) begin
      out_d = out_q + 1'b1;
    end else if (!req_fire && row_done) begin
      out_d = out_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= SIdle;
      insn_q    <= '0;
      idx_q     <= '0;
      rq_row_q  <= '0;
      rq_addr_q <= '0;
      wr_row_q  <= '0;
      wd_addr_q <= '0;
      beat_q    <= '0;
      buf_q     <= '0;
      out_q     <= '0;
    end else begin
      state_q   <= state_d;
      insn_q    <= insn_d;
      idx_q     <= idx_d;
      rq_row_q  <= rq_row_d;
      rq_addr_q <= rq_addr_d;
      wr_row_q  <= wr_row_d;
      wd_addr_q <= wd_addr_d;
      beat_q    <= beat_d;
      buf_q     <= buf_d;
      out_q     <= out_d;
    end
  end

  assign req_addr_o  = {rq_addr_q[31:LoW], {LoW{1'b0}}};
  assign req_beats_o = rq_beats;
  assign sp_we_o     = wr_en && !is_acc;
  assign sp_waddr_o  = SpAw'(dst_row);
  assign sp_wdata_o  = sp_row;
  assign acc_valid_o = wr_en && is_acc;
  assign acc_addr_o  = AccAw'(dst_row);
  assign acc_data_o  = acc_row;
  assign idle_o      = (state_q == SIdle);
  assign busy_o      = (state_q == SRun);
  assign err_idx_o   = idx_q;

endmodule
