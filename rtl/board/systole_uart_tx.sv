// Systole board UART transmitter: 8N1, LSB first, CLKS_PER_BIT clock cycles per bit.
// valid/ready: a byte is taken in a cycle where valid_i && ready_o; ready_o is high while
// the line is idle.
module systole_uart_tx #(
  parameter int unsigned CLKS_PER_BIT = 104,
  localparam int unsigned Cw = $clog2(CLKS_PER_BIT + 1)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       valid_i,
  output logic       ready_o,
  input  logic [7:0] data_i,
  output logic       tx_o
);

  logic          busy_q, busy_d;
  logic [Cw-1:0] cnt_q, cnt_d;
  logic [3:0]    bit_q, bit_d;     // 0 start, 1..8 data, 9 stop
  logic [9:0]    sh_q, sh_d;       // {stop, data, start}, shifted out LSB first

  assign ready_o = !busy_q;

  always_comb begin
    busy_d = busy_q;
    cnt_d  = cnt_q;
    bit_d  = bit_q;
    sh_d   = sh_q;
    if (!busy_q) begin
      if (valid_i) begin
        busy_d = 1'b1;
        cnt_d  = '0;
        bit_d  = '0;
        sh_d   = {1'b1, data_i, 1'b0};
      end
    end else if (cnt_q == Cw'(CLKS_PER_BIT - 1)) begin
      cnt_d = '0;
      sh_d  = {1'b1, sh_q[9:1]};
      bit_d = bit_q + 1'b1;
      if (bit_q == 4'd9) begin
        busy_d = 1'b0;
      end
    end else begin
      cnt_d = cnt_q + 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      cnt_q  <= '0;
      bit_q  <= '0;
      sh_q   <= 10'h3ff;
    end else begin
      busy_q <= busy_d;
      cnt_q  <= cnt_d;
      bit_q  <= bit_d;
      sh_q   <= sh_d;
    end
  end

  assign tx_o = busy_q ? sh_q[0] : 1'b1;

endmodule
