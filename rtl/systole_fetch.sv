// Systole fetch unit: reads insn_count 16-byte instructions from DRAM at insn_base and
// dispatches each, in program order, to the queue of the unit its opcode names.
//
// The fetch buffer holds DEPTH instruction words; word w lives in slot w % DEPTH. A read
// burst for n words is issued only when n slots are free (requested words not yet dispatched
// occupy a slot each), so the fetch unit never holds the shared response channel (a full
// unit queue stalls dispatch, never the bus). A burst covers n = min(free, remaining) words,
// and is issued once n >= min(MIN_BURST, remaining): bursts, not one request per word. On
// buses wider than an instruction a burst that does not end the program ends on a beat
// boundary, so every beat but a burst's first is full. Dispatch: one instruction per cycle
// from the oldest word once it has arrived and its unit's queue has room. An illegal opcode
// stops dispatch with an error naming the instruction's index; a misaligned insn_base is a
// bus error at instruction 0 (docs/isa.md). A request waiting for req_ready_i keeps its size
// (slots freed meanwhile do not grow it). err_addr_o: the instruction word whose beat failed
// (the base address when misaligned).
module systole_fetch #(
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned DEPTH     = 16,
  parameter int unsigned MIN_BURST = 4,
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned InsnW    = systole_isa_pkg::InsnBits,
  localparam int unsigned Wpb      = (BUS_BYTES >= 16) ? BUS_BYTES / 16 : 1,   // words per beat
  localparam int unsigned Bpw      = (BUS_BYTES >= 16) ? 1 : 16 / BUS_BYTES,   // beats per word
  localparam int unsigned SlotW    = $clog2(DEPTH),
  // Word counts bounded by DEPTH + 1 (free slots, burst sizes, the clamped remainder) fit
  // in SlotW + 1 bits (DEPTH is a power of two, DEPTH + 1 <= 2 * DEPTH - 1).
  localparam int unsigned CntW     = SlotW + 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [31:0]       base_i,
  input  logic [31:0]       count_i,
  input  logic              halt_i,
  // memory master (read only)
  output logic              req_valid_o,
  input  logic              req_ready_i,
  output logic [31:0]       req_addr_o,
  output logic [7:0]        req_beats_o,
  input  logic              r_valid_i,
  output logic              r_ready_o,
  input  logic [BusW-1:0]   r_data_i,
  input  logic              r_err_i,
  // dispatch (one instruction bus, a valid per unit queue)
  output logic [InsnW-1:0]  insn_o,
  output logic [31:0]       idx_o,
  output logic              ld_valid_o,
  input  logic              ld_ready_i,
  output logic              ex_valid_o,
  input  logic              ex_ready_i,
  output logic              st_valid_o,
  input  logic              st_ready_i,
  // status
  output logic              done_o,       // every instruction dispatched
  output logic              idle_o,       // nothing in flight
  output logic [7:0]        bytes_o,      // instruction bytes received this cycle
  output logic              err_o,
  output logic [7:0]        err_code_o,
  output logic [31:0]       err_idx_o,
  output logic [31:0]       err_addr_o
);

  logic [31:0] base_q, base_d, count_q, count_d;
  logic [31:0] req_n_q, req_n_d, resp_n_q, resp_n_d, disp_n_q, disp_n_d;
  logic        run_q, run_d, err_q, err_d, misal_q, misal_d;
  logic [31:0] remaining, req_byte, resp_byte;
  // Narrow word counts. The counters keep disp_n <= resp_n <= req_n <= disp_n + DEPTH, so
  // their differences are exact in their low CntW bits; remaining matters only up to DEPTH + 1
  // (n_words <= free <= DEPTH), so rem_c = min(remaining, DEPTH + 1) decides every comparison
  // the same way the 32-bit value would.
  logic [CntW-1:0] inflight, free, rem_c, n_words, min_burst;
  logic        hold_q;                       // last cycle's request was not accepted
  logic [CntW-1:0] hold_words_q;
  logic [31:0] end_word, beats;
  logic        bus_err, illegal, head_valid;
  logic [systole_isa_pkg::OpcodeBits-1:0] op;

  logic [InsnW-1:0] slots_q    [DEPTH];
  logic [31:0]      words_rx;

  assign inflight  = req_n_q[CntW-1:0] - disp_n_q[CntW-1:0];
  assign free      = CntW'(DEPTH) - inflight;
  assign remaining = count_q - req_n_q;
  assign rem_c     = (remaining > 32'(DEPTH)) ? CntW'(DEPTH + 1) : CntW'(remaining);
  assign min_burst = (rem_c < CntW'(MIN_BURST)) ? rem_c : CntW'(MIN_BURST);
  assign req_byte  = base_q + (req_n_q << 4);
  assign resp_byte = base_q + (resp_n_q << 4);

  // Burst size: as many words as there are free slots, at least MIN_BURST (or the rest).
  always_comb begin
    n_words  = (free < rem_c) ? free : rem_c;
    end_word = ((req_byte & 32'(BUS_BYTES - 1)) >> 4) + 32'(n_words);
    if ((Wpb > 1) && (n_words != rem_c)) begin
      n_words = n_words - CntW'(end_word & 32'(Wpb - 1));
    end
    if (hold_q) begin
      n_words = hold_words_q;
    end
    if (BUS_BYTES >= 16) begin
      beats = (32'(req_byte & 32'(BUS_BYTES - 1)) + (32'(n_words) << 4) + BUS_BYTES - 1) / BUS_BYTES;
    end else begin
      beats = 32'(n_words) * Bpw;
    end
  end

  // No combinational path from req_ready_i back to req_valid_o.
  assign req_valid_o = run_q && !halt_i && !err_q && !misal_q && (rem_c != '0) &&
                       (n_words != '0) && (n_words >= min_burst);
  assign req_addr_o  = req_byte & ~(32'(BUS_BYTES - 1));  // ~(..), not ~32'(..): rtl/lint.sh
  assign req_beats_o = 8'(beats);

  // Response side: words completed by this beat go to their slots.
  if (BUS_BYTES >= 16) begin : g_wide
    // Buffer write side: up to Wpb words per beat.
    logic             slot_we    [Wpb];
    logic [SlotW-1:0] slot_waddr [Wpb];
    logic [InsnW-1:0] slot_wdata [Wpb];
    logic [31:0] first;   // word index of the response address within the beat
    assign first = (BUS_BYTES > 16) ? 32'((resp_byte & 32'(BUS_BYTES - 1)) >> 4) : '0;
    always_comb begin
      words_rx = 32'(Wpb) - first;
      if (words_rx > count_q - resp_n_q) begin
        words_rx = count_q - resp_n_q;
      end
      if (!r_valid_i) begin
        words_rx = '0;
      end
      for (int unsigned j = 0; j < Wpb; j++) begin
        slot_we[j]    = r_valid_i && !r_err_i && (32'(j) < words_rx);
        slot_waddr[j] = SlotW'(resp_n_q + 32'(j));
        slot_wdata[j] = InsnW'(r_data_i >> (32'(first + 32'(j)) * 128));
      end
    end
    // Fetch buffer storage (memory primitive: slots written only by responses).
    always_ff @(posedge clk_i) begin
      for (int unsigned j = 0; j < Wpb; j++) begin
        if (slot_we[j]) begin
          slots_q[slot_waddr[j]] <= slot_wdata[j];
        end
      end
    end
  end else begin : g_narrow
    // Beat b of a word goes straight into bits [b*BusW +: BusW] of its slot (no assembly
    // register). The slot of word resp_n is not dispatchable until its last beat arrives
    // (resp_n < req_n <= disp_n + DEPTH, so it is no slot between disp_n and resp_n - 1):
    // dispatch sees the same words. Only an undispatchable slot (insn_o while no valid, or
    // after a bus error, which stops dispatch until the next start) can differ.
    localparam int unsigned BeatW = (Bpw > 1) ? $clog2(Bpw) : 1;
    logic [BeatW-1:0] beat_q, beat_d;
    always_comb begin
      beat_d   = beat_q;
      words_rx = '0;
      if (r_valid_i) begin
        beat_d = beat_q + 1'b1;
        if (32'(beat_q) == Bpw - 1) begin
          beat_d   = '0;
          words_rx = 32'd1;
        end
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        beat_q <= '0;
      end else begin
        beat_q <= beat_d;
      end
    end
    // Fetch buffer storage (memory primitive: slots written only by responses).
    always_ff @(posedge clk_i) begin
      for (int unsigned b = 0; b < Bpw; b++) begin
        if (r_valid_i && !r_err_i && (32'(beat_q) == b)) begin
          slots_q[SlotW'(resp_n_q)][b*BusW +: BusW] <= r_data_i;
        end
      end
    end
  end

  always_comb begin
    base_d   = base_q;
    count_d  = count_q;
    req_n_d  = req_n_q;
    resp_n_d = resp_n_q;
    run_d    = run_q;
    err_d    = err_q;
    misal_d  = misal_q;
    bytes_o  = '0;
    bus_err  = 1'b0;
    if (start_i) begin
      base_d   = base_i;
      count_d  = count_i;
      req_n_d  = '0;
      resp_n_d = '0;
      run_d    = 1'b1;
      err_d    = 1'b0;
      misal_d  = (base_i[3:0] != 4'd0) && (count_i != '0);
    end else begin
      if (misal_q) begin
        bus_err = !err_q;
        err_d   = 1'b1;
      end
      if (req_valid_o && req_ready_i) begin
        req_n_d = req_n_q + 32'(n_words);
      end
      if (r_valid_i && r_err_i) begin
        bus_err = !err_q;
        err_d   = 1'b1;
      end
      resp_n_d = resp_n_q + words_rx;
      bytes_o  = 8'(words_rx << 4);
    end
  end

  // Dispatch from the buffer head by opcode.
  assign head_valid = (disp_n_q[CntW-1:0] != resp_n_q[CntW-1:0]) && !err_q && !halt_i && !start_i;
  assign insn_o     = slots_q[SlotW'(disp_n_q)];
  assign op         = insn_o[systole_isa_pkg::OpcodeBits-1:0];
  always_comb begin
    disp_n_d   = disp_n_q;
    ld_valid_o = 1'b0;
    ex_valid_o = 1'b0;
    st_valid_o = 1'b0;
    illegal    = 1'b0;
    if (start_i) begin
      disp_n_d = '0;
    end else if (head_valid) begin
      unique case (op)
        systole_isa_pkg::OpLoad: begin
          ld_valid_o = 1'b1;
          disp_n_d   = disp_n_q + 32'(ld_ready_i);
        end
        systole_isa_pkg::OpMatmul: begin
          ex_valid_o = 1'b1;
          disp_n_d   = disp_n_q + 32'(ex_ready_i);
        end
        systole_isa_pkg::OpStore: begin
          st_valid_o = 1'b1;
          disp_n_d   = disp_n_q + 32'(st_ready_i);
        end
        default: begin
          illegal = 1'b1;
        end
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      base_q   <= '0;
      count_q  <= '0;
      req_n_q  <= '0;
      resp_n_q <= '0;
      disp_n_q <= '0;
      run_q    <= 1'b0;
      err_q    <= 1'b0;
      misal_q  <= 1'b0;
      hold_q       <= 1'b0;
      hold_words_q <= '0;
    end else begin
      base_q   <= base_d;
      count_q  <= count_d;
      req_n_q  <= req_n_d;
      resp_n_q <= resp_n_d;
      disp_n_q <= disp_n_d;
      run_q    <= run_d;
      err_q    <= err_d || illegal;
      misal_q  <= misal_d;
      hold_q       <= req_valid_o && !req_ready_i;
      hold_words_q <= n_words;
    end
  end

  assign r_ready_o = 1'b1;
  logic unused_fetch;
  assign unused_fetch = ^{beats[31:8]};
  assign idx_o     = disp_n_q;
  assign done_o    = run_q && (disp_n_q == count_q);
  assign idle_o    = (req_n_q[CntW-1:0] == resp_n_q[CntW-1:0]);

  // The illegal opcode is older than any instruction still being fetched: it reports first.
  always_comb begin
    err_o      = illegal || bus_err;
    err_code_o = illegal ? systole_isa_pkg::ErrIllegalOpcode :
                 (bus_err ? systole_isa_pkg::ErrDmaBusError : systole_isa_pkg::ErrNone);
    err_idx_o  = illegal ? disp_n_q : (misal_q ? '0 : resp_n_q);
    err_addr_o = misal_q ? base_q : resp_byte;
  end

`ifndef SYNTHESIS
  a_fetch_window: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (32'(disp_n_q) <= 32'(resp_n_q)) && (32'(resp_n_q) <= 32'(req_n_q)) &&
      (req_n_q - disp_n_q <= 32'(DEPTH)) && (req_n_q <= count_q))
    else $error("systole_fetch: counters left disp <= resp <= req <= disp + DEPTH, count");
  a_fetch_burst: assert property (@(posedge clk_i) disable iff (!rst_ni)
      req_valid_o |-> (32'(n_words) <= 32'(DEPTH)))
    else $error("systole_fetch: burst of %0d words", n_words);
`endif

endmodule
