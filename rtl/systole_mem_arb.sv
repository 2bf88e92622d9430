// Systole memory master: arbitrates the fetch, load and store request channels onto the one
// DRAM port and routes read responses back by id (docs/rtl.md, "Memory-master protocol").
//
//   request  valid/ready, addr (BUS_BYTES-aligned), beats (1..255), write, id
//            round-robin among the valid requesters; one request per cycle, passed
//            through combinationally (no added latency)
//   write    valid/ready beats with byte strobes and last, in request order: only the
//            store unit writes, so this channel and the write responses connect to it
//   read     valid/ready beats with data, last, err and the request's id
//   response one per write burst (valid/ready, err)
// halt_i stops new grants; quiet_o says no burst is outstanding (the top uses both to stop
// cleanly after an error or a soft reset). A request that waits for mem_req_ready_i keeps its
// grant (a newly valid requester does not change the payload under a pending valid).
// Assertions (Verilator --assert; not synthesized): every request channel and the DRAM port
// hold valid and payload until ready (halt may withdraw a request not yet accepted); response
// beats only for outstanding bursts.
module systole_mem_arb (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            halt_i,
  output logic            quiet_o,
  // fetch (id 0), load (id 1): read requests
  input  logic            f_req_valid_i,
  output logic            f_req_ready_o,
  input  logic [31:0]     f_req_addr_i,
  input  logic [7:0]      f_req_beats_i,
  output logic            f_r_valid_o,
  input  logic            f_r_ready_i,
  input  logic            l_req_valid_i,
  output logic            l_req_ready_o,
  input  logic [31:0]     l_req_addr_i,
  input  logic [7:0]      l_req_beats_i,
  output logic            l_r_valid_o,
  input  logic            l_r_ready_i,
  // store (id 2): write requests
  input  logic            s_req_valid_i,
  output logic            s_req_ready_o,
  input  logic [31:0]     s_req_addr_i,
  input  logic [7:0]      s_req_beats_i,
  // DRAM port
  output logic            mem_req_valid_o,
  input  logic            mem_req_ready_i,
  output logic            mem_req_write_o,
  output logic [31:0]     mem_req_addr_o,
  output logic [7:0]      mem_req_beats_o,
  output logic [1:0]      mem_req_id_o,
  input  logic            mem_r_valid_i,
  output logic            mem_r_ready_o,
  input  logic            mem_r_last_i,
  input  logic [1:0]      mem_r_id_i,
  input  logic            mem_b_valid_i,
  input  logic            mem_b_ready_i   // the store's b_ready (write responses go to it)
);

  localparam logic [1:0] IdFetch = 2'd0;
  localparam logic [1:0] IdLoad  = 2'd1;
  localparam logic [1:0] IdStore = 2'd2;

  logic [15:0] rd_out_q, rd_out_d, wr_out_q, wr_out_d;
  logic        req_fire, r_fire, b_fire;

  // Round-robin grant: the requester after the last one granted goes first, so a unit that
  // issues a request every cycle (a long LOAD) never starves the others. Grants follow
  // request order closely, as the timing model's first-come first-served channel assumes.
  logic [1:0] last_q, last_d;   // id granted last
  logic [2:0] valid;             // bit i = id i
  logic [1:0] grant;
  logic       any;
  logic       hold_q, hold_d;     // last cycle's request was not accepted: keep its grant
  logic [1:0] hold_id_q, hold_id_d;

  assign valid = {s_req_valid_i, l_req_valid_i, f_req_valid_i};
  assign any   = |valid;

  always_comb begin
    unique case (last_q)
      IdFetch: grant = valid[IdLoad] ? IdLoad : (valid[IdStore] ? IdStore : IdFetch);
      IdLoad:  grant = valid[IdStore] ? IdStore : (valid[IdFetch] ? IdFetch : IdLoad);
      default: grant = valid[IdFetch] ? IdFetch : (valid[IdLoad] ? IdLoad : IdStore);
    endcase
    if (hold_q && (hold_id_q == IdFetch ? valid[IdFetch] : (hold_id_q == IdLoad ? valid[IdLoad] : valid[IdStore]))) begin
      grant = hold_id_q;
    end
  end

  assign hold_d    = mem_req_valid_o && !mem_req_ready_i;
  assign hold_id_d = grant;

  always_comb begin
    mem_req_valid_o = 1'b0;
    mem_req_write_o = 1'b0;
    mem_req_addr_o  = f_req_addr_i;
    mem_req_beats_o = f_req_beats_i;
    mem_req_id_o    = grant;
    f_req_ready_o   = 1'b0;
    l_req_ready_o   = 1'b0;
    s_req_ready_o   = 1'b0;
    last_d          = last_q;
    if (!halt_i && any) begin
      mem_req_valid_o = 1'b1;
      unique case (grant)
        IdStore: begin
          mem_req_write_o = 1'b1;
          mem_req_addr_o  = s_req_addr_i;
          mem_req_beats_o = s_req_beats_i;
          s_req_ready_o   = mem_req_ready_i;
        end
        IdLoad: begin
          mem_req_addr_o  = l_req_addr_i;
          mem_req_beats_o = l_req_beats_i;
          l_req_ready_o   = mem_req_ready_i;
        end
        default: begin
          f_req_ready_o = mem_req_ready_i;
        end
      endcase
      if (mem_req_ready_i) begin
        last_d = grant;
      end
    end
  end

  // Read responses by id.
  always_comb begin
    f_r_valid_o   = mem_r_valid_i && (mem_r_id_i == IdFetch);
    l_r_valid_o   = mem_r_valid_i && (mem_r_id_i == IdLoad);
    mem_r_ready_o = (mem_r_id_i == IdLoad) ? l_r_ready_i : f_r_ready_i;
  end

  assign req_fire = mem_req_valid_o && mem_req_ready_i;
  assign r_fire   = mem_r_valid_i && mem_r_ready_o && mem_r_last_i;
  assign b_fire   = mem_b_valid_i && mem_b_ready_i;

  // One adder per counter: + 1, - 1 (all ones) or + 0.
  logic rd_inc, rd_dec, wr_inc, wr_dec;
  assign rd_inc   = req_fire && !mem_req_write_o && !r_fire;
  assign rd_dec   = r_fire && !(req_fire && !mem_req_write_o);
  assign wr_inc   = req_fire && mem_req_write_o && !b_fire;
  assign wr_dec   = b_fire && !(req_fire && mem_req_write_o);
  assign rd_out_d = rd_out_q + {{15{rd_dec}}, rd_inc || rd_dec};
  assign wr_out_d = wr_out_q + {{15{wr_dec}}, wr_inc || wr_dec};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_out_q <= '0;
      wr_out_q <= '0;
      last_q   <= IdStore;
      hold_q    <= 1'b0;
      hold_id_q <= IdFetch;
    end else begin
      last_q   <= last_d;
      hold_q    <= hold_d;
      hold_id_q <= hold_id_d;
      rd_out_q <= rd_out_d;
      wr_out_q <= wr_out_d;
    end
  end

  assign quiet_o = (rd_out_q == '0) && (wr_out_q == '0);

`ifndef SYNTHESIS
  a_arb_f_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (f_req_valid_i && !f_req_ready_o && !halt_i) |=>
      (halt_i || (f_req_valid_i && $stable({f_req_addr_i, f_req_beats_i}))))
    else $error("systole_mem_arb: fetch request dropped or changed before it was accepted");
  a_arb_l_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (l_req_valid_i && !l_req_ready_o && !halt_i) |=>
      (halt_i || (l_req_valid_i && $stable({l_req_addr_i, l_req_beats_i}))))
    else $error("systole_mem_arb: load request dropped or changed before it was accepted");
  a_arb_s_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (s_req_valid_i && !s_req_ready_o && !halt_i) |=>
      (halt_i || (s_req_valid_i && $stable({s_req_addr_i, s_req_beats_i}))))
    else $error("systole_mem_arb: store request dropped or changed before it was accepted");
  a_arb_port_hold: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (mem_req_valid_o && !mem_req_ready_i) |=>
      (halt_i || (mem_req_valid_o &&
                  $stable({mem_req_write_o, mem_req_addr_o, mem_req_beats_o, mem_req_id_o}))))
    else $error("systole_mem_arb: DRAM request dropped or changed before it was accepted");
  a_arb_beats: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_req_valid_o |-> (mem_req_beats_o != '0))
    else $error("systole_mem_arb: request of 0 beats");
  a_arb_r_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_r_valid_i |-> ((rd_out_q != '0) && (mem_r_id_i != 2'd3)))
    else $error("systole_mem_arb: read beat (id %0d) with no read burst outstanding", mem_r_id_i);
  a_arb_b_expected: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_b_valid_i |-> (wr_out_q != '0))
    else $error("systole_mem_arb: write response with no write burst outstanding");
  a_arb_out_bounds: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (rd_out_q != '1) && (wr_out_q != '1))
    else $error("systole_mem_arb: outstanding-burst counter at its limit");
`endif

endmodule
