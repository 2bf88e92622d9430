// Systole fetch unit: reads insn_count 16-byte instructions from DRAM at insn_base and
// dispatches each, in program order, to the queue of the unit its opcode names.
//
// One read request per instruction (16/BUS_BYTES beats, or one beat holding it when
// BUS_BYTES >= 16). A request is issued only when a slot of the SLOTS-entry fetch buffer
// is reserved for its response, so the fetch unit never holds the shared response channel
// (a full unit queue stalls dispatch, never the bus). An illegal opcode stops dispatch with
// an error naming the instruction's index.
module systole_fetch #(
  parameter int unsigned BUS_BYTES = 4,
  parameter int unsigned SLOTS     = 4,
  localparam int unsigned BusW     = BUS_BYTES * 8,
  localparam int unsigned Beats    = (BUS_BYTES >= 16) ? 1 : 16 / BUS_BYTES,
  localparam int unsigned SlotW    = $clog2(SLOTS + 1)
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
  output logic [systole_isa_pkg::InsnBits-1:0] insn_o,
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
  output logic [31:0]       err_idx_o
);

  logic [31:0]    base_q, base_d, count_q, count_d;
  logic [31:0]    req_n_q, req_n_d, resp_n_q, resp_n_d, disp_n_q, disp_n_d;
  logic           run_q, run_d, err_q, err_d;
  logic [7:0]     beat_q, beat_d;
  logic [systole_isa_pkg::InsnBits-1:0] asm_q, asm_d, insn_rx;
  logic           push, buf_valid, buf_ready;
  logic [SlotW-1:0] buf_count;
  logic [31:0]    inflight;
  logic [31:0]    resp_addr;
  logic [systole_isa_pkg::OpcodeBits-1:0] op;
  logic           bus_err, illegal;
  logic           buf_in_ready;   // always set when push: a slot was reserved by the request

  assign inflight  = req_n_q - resp_n_q;
  assign resp_addr = base_q + (resp_n_q << 4);

  // A request only when its response has a reserved buffer slot (own block: no
  // combinational path from req_ready_i back to req_valid_o).
  assign req_valid_o = run_q && !halt_i && !err_q && (req_n_q != count_q) &&
                       (inflight + 32'(buf_count) < SLOTS);

  // Assemble the 16 bytes of one instruction from the beats of its response.
  if (BUS_BYTES >= 16) begin : g_wide
    localparam int unsigned OffW = (BUS_BYTES > 16) ? $clog2(BUS_BYTES) : 4;
    logic [OffW-1:0] off;
    assign off     = resp_addr[OffW-1:0];
    localparam int unsigned InsnW = systole_isa_pkg::InsnBits;
    assign insn_rx = InsnW'(r_data_i >> (32'(off) * 8));
    logic unused_addr;
    assign unused_addr = ^resp_addr;
    assign asm_d   = asm_q;
  end else begin : g_narrow
    logic unused_addr;
    assign unused_addr = ^resp_addr;
    assign asm_d   = (r_valid_i && !r_err_i) ? {r_data_i, asm_q[systole_isa_pkg::InsnBits-1:BusW]} : asm_q;
    assign insn_rx = asm_d;
  end

  always_comb begin
    base_d   = base_q;
    count_d  = count_q;
    req_n_d  = req_n_q;
    resp_n_d = resp_n_q;
    run_d    = run_q;
    err_d    = err_q;
    beat_d   = beat_q;
    push     = 1'b0;
    bytes_o  = '0;
    bus_err  = 1'b0;
    if (start_i) begin
      base_d   = base_i;
      count_d  = count_i;
      req_n_d  = '0;
      resp_n_d = '0;
      run_d    = 1'b1;
      err_d    = 1'b0;
      beat_d   = '0;
    end else begin
      if (req_valid_o && req_ready_i) begin
        req_n_d = req_n_q + 1'b1;
      end
      if (r_valid_i) begin
        if (r_err_i) begin
          bus_err = !err_q;
          err_d   = 1'b1;
        end
        if (beat_q == 8'(Beats - 1)) begin
          beat_d   = '0;
          resp_n_d = resp_n_q + 1'b1;
          push     = !r_err_i && !err_q;
          bytes_o  = 8'd16;
        end else begin
          beat_d = beat_q + 1'b1;
        end
      end
    end
  end

  // Dispatch from the fetch buffer by opcode.
  logic [31:0] disp_idx;
  always_comb begin
    disp_n_d   = disp_n_q;
    ld_valid_o = 1'b0;
    ex_valid_o = 1'b0;
    st_valid_o = 1'b0;
    buf_ready  = 1'b0;
    op         = insn_o[systole_isa_pkg::OpcodeBits-1:0];
    disp_idx   = disp_n_q;
    if (start_i) begin
      disp_n_d = '0;
    end else if (buf_valid && !err_q && !halt_i) begin
      unique case (op)
        systole_isa_pkg::OpLoad: begin
          ld_valid_o = 1'b1;
          buf_ready  = ld_ready_i;
        end
        systole_isa_pkg::OpMatmul: begin
          ex_valid_o = 1'b1;
          buf_ready  = ex_ready_i;
        end
        systole_isa_pkg::OpStore: begin
          st_valid_o = 1'b1;
          buf_ready  = st_ready_i;
        end
        default: begin
          buf_ready = 1'b0;
        end
      endcase
      if (buf_ready) begin
        disp_n_d = disp_n_q + 1'b1;
      end
    end
  end

  assign illegal = buf_valid && !err_q && !halt_i && !start_i &&
                   !((op == systole_isa_pkg::OpLoad) || (op == systole_isa_pkg::OpMatmul) || (op == systole_isa_pkg::OpStore));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      base_q   <= '0;
      count_q  <= '0;
      req_n_q  <= '0;
      resp_n_q <= '0;
      disp_n_q <= '0;
      run_q    <= 1'b0;
      err_q    <= 1'b0;
      beat_q   <= '0;
      asm_q    <= '0;
    end else begin
      base_q   <= base_d;
      count_q  <= count_d;
      req_n_q  <= req_n_d;
      resp_n_q <= resp_n_d;
      disp_n_q <= disp_n_d;
      run_q    <= run_d;
      err_q    <= err_d || illegal;
      beat_q   <= beat_d;
      asm_q    <= asm_d;
    end
  end

  systole_fifo #(.WIDTH(systole_isa_pkg::InsnBits), .DEPTH(SLOTS)) u_buf (
    .clk_i,
    .rst_ni,
    .in_valid_i  (push),
    .in_ready_o  (buf_in_ready),
    .in_data_i   (insn_rx),
    .out_valid_o (buf_valid),
    .out_ready_i (buf_ready),
    .out_data_o  (insn_o),
    .count_o     (buf_count)
  );

  assign req_addr_o  = (base_q + (req_n_q << 4)) & ~32'(BUS_BYTES - 1);
  assign req_beats_o = 8'(Beats);
  assign r_ready_o   = 1'b1;
  assign idx_o       = disp_idx;
  assign done_o      = run_q && (disp_n_q == count_q);
  assign idle_o      = (inflight == '0);
  logic unused_buf;
  assign unused_buf = buf_in_ready;

  // The illegal opcode is older than any instruction still being fetched: it reports first.
  always_comb begin
    err_o      = illegal || bus_err;
    err_code_o = illegal ? systole_isa_pkg::ErrIllegalOpcode : (bus_err ? systole_isa_pkg::ErrDmaBusError : systole_isa_pkg::ErrNone);
    err_idx_o  = illegal ? disp_n_q : resp_n_q;
  end

endmodule
