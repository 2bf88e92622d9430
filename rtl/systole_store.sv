// Systole store unit: STORE, the output path from the accumulator to DRAM.
//
// Per instruction: wait for tokens, check fields, read the three parameter rows (bias,
// multiplier, systole_isa_pkg::param_word_t) unless raw, then per row: read the accumulator row (1 cycle),
// register the output bytes (DIM systole_requant elements, or the raw int32 row), issue one
// BUS_BYTES-aligned write burst and send its beats with byte strobes. The instruction
// retires (token push_prev -> execute) when every burst's write response has arrived.
// A write-response error stops the unit after the burst in flight (bursts are never cut).
module systole_store #(
  parameter int unsigned DIM       = 4,
  parameter int unsigned ACC_ROWS  = 64,
  parameter int unsigned BUS_BYTES = 4,
  localparam int unsigned AccAw    = $clog2(ACC_ROWS),
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned LoW      = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int unsigned RowB     = DIM * 4,
  localparam int unsigned ExtB     = RowB + BUS_BYTES
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
  output logic [31:0]       err_idx_o
);

  typedef enum logic [3:0] {
    SIdle, STok, SParam, SRowRd, SRowCap, SReq, SData, SDrain, SErr
  } state_e;

  state_e          state_q, state_d;
  systole_isa_pkg::store_insn_t     insn_q, insn_d;
  logic [31:0]     idx_q, idx_d;
  logic [1:0]      p_q, p_d;                   // parameter row being read / captured
  logic [15:0]     r_q, r_d;                   // row
  logic [31:0]     addr_q, addr_d;             // DRAM address of the row
  logic [7:0]      beat_q, beat_d;
  logic [15:0]     bout_q, bout_d;             // write responses outstanding
  logic            berr_q, berr_d;
  logic [DIM*32-1:0] bias_q, bias_d, mult_q, mult_d, word_q, word_d;
  logic [RowB*8-1:0] row_q, row_d;
  logic [DIM*8-1:0]  q_row;
  logic [8:0]      nbytes;
  logic [LoW-1:0]  lo;
  logic [7:0]      beats;
  logic [ExtB*8-1:0] ext;
  logic [ExtB-1:0]   mask;
  logic            req_fire;

  // Output path, one element per output channel.
  for (genvar n = 0; n < DIM; n++) begin : g_requant
    systole_requant u_requant (
      .acc_i   (acc_rdata_i[32*n +: 32]),
      .bias_i  (bias_q[32*n +: 32]),
      .mult_i  (mult_q[32*n +: 32]),
      .param_i (word_q[32*n +: 32]),
      .out_o   (q_row[8*n +: 8])
    );
  end

  assign nbytes = insn_q.raw ? ({1'b0, insn_q.x_size} << 2) : 9'(insn_q.x_size);
  assign lo     = addr_q[LoW-1:0];
  assign beats  = 8'((32'(lo) + 32'(nbytes) + BUS_BYTES - 1) / BUS_BYTES);
  assign ext    = (ExtB * 8)'(row_q) << (32'(lo) * 8);
  assign mask   = ((ExtB'(1) << nbytes) - ExtB'(1)) << lo;

  always_comb begin
    state_d  = state_q;
    insn_d   = insn_q;
    idx_d    = idx_q;
    p_d      = p_q;
    r_d      = r_q;
    addr_d   = addr_q;
    beat_d   = beat_q;
    bout_d   = bout_q;
    berr_d   = berr_q;
    bias_d   = bias_q;
    mult_d   = mult_q;
    word_d   = word_q;
    row_d    = row_q;
    insn_ready_o    = 1'b0;
    tok_prev_pop_o  = 1'b0;
    tok_prev_push_o = 1'b0;
    acc_re_o        = 1'b0;
    acc_raddr_o     = AccAw'(32'(insn_q.acc_addr) + 32'(r_q));
    req_valid_o     = 1'b0;
    w_valid_o       = 1'b0;
    wait_o          = 1'b0;
    retire_o        = 1'b0;
    err_o           = 1'b0;
    err_code_o      = systole_isa_pkg::ErrNone;
    wr_bytes_o      = '0;
    req_fire        = 1'b0;

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
        if (insn_q.pop_prev && !tok_prev_avail_i) begin
          wait_o = 1'b1;
        end else begin
          tok_prev_pop_o = insn_q.pop_prev;
          p_d    = '0;
          r_d    = '0;
          addr_d = insn_q.dram_addr;
          if (32'(insn_q.x_size) > DIM) begin
            err_o      = 1'b1;
            err_code_o = systole_isa_pkg::ErrBadField;
            state_d    = SErr;
          end else if ((32'(insn_q.acc_addr) + 32'(insn_q.y_size) > ACC_ROWS) ||
                       (!insn_q.raw && (insn_q.y_size != '0) &&
                        (32'(insn_q.param_addr) + systole_isa_pkg::ParamRows > ACC_ROWS))) begin
            err_o      = 1'b1;
            err_code_o = systole_isa_pkg::ErrSramOutOfRange;
            state_d    = SErr;
          end else if (insn_q.raw || (insn_q.y_size == '0)) begin
            state_d = SRowRd;
          end else begin
            state_d = SParam;
          end
        end
      end
      SParam: begin
        // Read rows param_addr+0..2 in cycles p = 0..2, capture each one cycle later.
        acc_re_o    = (p_q != 2'(systole_isa_pkg::ParamRows));
        acc_raddr_o = AccAw'(32'(insn_q.param_addr) + 32'(p_q));
        if (p_q == 2'(systole_isa_pkg::ParamBiasRow + 1)) begin
          bias_d = acc_rdata_i;
        end
        if (p_q == 2'(systole_isa_pkg::ParamMultRow + 1)) begin
          mult_d = acc_rdata_i;
        end
        if (p_q == 2'(systole_isa_pkg::ParamWordRow + 1)) begin
          word_d = acc_rdata_i;
        end
        if (p_q == 2'(systole_isa_pkg::ParamRows)) begin
          state_d = SRowRd;
        end
        p_d = p_q + 1'b1;
      end
      SRowRd: begin
        if (berr_q) begin
          err_o      = 1'b1;
          err_code_o = systole_isa_pkg::ErrDmaBusError;
          state_d    = SErr;
        end else if (r_q == insn_q.y_size) begin
          state_d = SDrain;
        end else if (insn_q.x_size == '0) begin
          r_d = r_q + 1'b1;
        end else begin
          acc_re_o = 1'b1;
          state_d  = SRowCap;
        end
      end
      SRowCap: begin
        row_d   = insn_q.raw ? acc_rdata_i : (RowB * 8)'(q_row);
        state_d = SReq;
      end
      SReq: begin
        req_valid_o = 1'b1;
        if (req_ready_i) begin
          req_fire = 1'b1;
          beat_d   = '0;
          state_d  = SData;
        end
      end
      SData: begin
        w_valid_o = 1'b1;
        if (w_ready_i) begin
          beat_d = beat_q + 1'b1;
          if (beat_q == beats - 1'b1) begin
            wr_bytes_o = 16'(nbytes);
            r_d        = r_q + 1'b1;
            addr_d     = addr_q + 32'(insn_q.dram_stride);
            state_d    = SRowRd;
          end
        end
      end
      SDrain: begin
        if (berr_q) begin
          err_o      = 1'b1;
          err_code_o = systole_isa_pkg::ErrDmaBusError;
          state_d    = SErr;
        end else if (bout_q == '0) begin
          tok_prev_push_o = insn_q.push_prev;
          retire_o        = 1'b1;
          state_d         = SIdle;
        end
      end
      SErr: begin
      end
      default: begin
        state_d = SIdle;
      end
    endcase

    // Write responses may arrive in any state.
    if (b_valid_i && b_err_i) begin
      berr_d = 1'b1;
    end
    if (req_fire && !b_valid_i) begin
      bout_d = bout_q + 1'b1;
    end else if (!req_fire && b_valid_i) begin
      bout_d = bout_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      insn_q  <= '0;
      idx_q   <= '0;
      p_q     <= '0;
      r_q     <= '0;
      addr_q  <= '0;
      beat_q  <= '0;
      bout_q  <= '0;
      berr_q  <= 1'b0;
      bias_q  <= '0;
      mult_q  <= '0;
      word_q  <= '0;
      row_q   <= '0;
    end else begin
      state_q <= state_d;
      insn_q  <= insn_d;
      idx_q   <= idx_d;
      p_q     <= p_d;
      r_q     <= r_d;
      addr_q  <= addr_d;
      beat_q  <= beat_d;
      bout_q  <= bout_d;
      berr_q  <= berr_d;
      bias_q  <= bias_d;
      mult_q  <= mult_d;
      word_q  <= word_d;
      row_q   <= row_d;
    end
  end

  assign req_addr_o  = {addr_q[31:LoW], {LoW{1'b0}}};
  assign req_beats_o = beats;
  assign w_data_o    = ext[32'(beat_q) * BusW +: BusW];
  assign w_strb_o    = mask[32'(beat_q) * BUS_BYTES +: BUS_BYTES];
  assign w_last_o    = (beat_q == beats - 1'b1);
  assign b_ready_o   = 1'b1;
  assign idle_o      = (state_q == SIdle);
  assign busy_o      = !((state_q == SIdle) || (state_q == STok) || (state_q == SErr));
  assign err_idx_o   = idx_q;

endmodule
