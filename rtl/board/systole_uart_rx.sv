// Systole board UART receiver: 8N1, LSB first, CLKS_PER_BIT clock cycles per bit. The line
// is synchronized (two flops), the start bit is confirmed at its middle and every data bit
// is sampled at its middle. A byte is presented for one cycle on valid_o (no back-pressure:
// the bridge consumes one byte per cycle at most and bytes arrive every 10 bit times).
module systole_uart_rx #(
  parameter int unsigned CLKS_PER_BIT = 104,   // 12 MHz / 115200 baud
  localparam int unsigned Cw = $clog2(CLKS_PER_BIT + 1)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       rx_i,
  output logic       valid_o,
  output logic [7:0] data_o
);

  typedef enum logic [1:0] {RxIdle, RxStart, RxData, RxStop} rx_e;

  rx_e         st_q, st_d;
  logic [1:0]  sync_q;
  logic [Cw-1:0] cnt_q, cnt_d;
  logic [2:0]  bit_q, bit_d;
  logic [7:0]  sh_q, sh_d;
  logic        valid_q, valid_d;
  logic        line;

  assign line = sync_q[1];

  always_comb begin
    st_d    = st_q;
    cnt_d   = cnt_q;
    bit_d   = bit_q;
    sh_d    = sh_q;
    valid_d = 1'b0;
    unique case (st_q)
      RxIdle: begin
        cnt_d = '0;
        if (!line) begin
          st_d = RxStart;
        end
      end
      RxStart: begin
        // Half a bit later the start bit must still be low (glitch filter).
        if (cnt_q == Cw'(CLKS_PER_BIT / 2)) begin
          cnt_d = '0;
          bit_d = '0;
          st_d  = line ? RxIdle : RxData;
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      RxData: begin
        if (cnt_q == Cw'(CLKS_PER_BIT - 1)) begin
          cnt_d = '0;
          sh_d  = {line, sh_q[7:1]};
          bit_d = bit_q + 1'b1;
          if (bit_q == 3'd7) begin
            st_d = RxStop;
          end
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      RxStop: begin
        if (cnt_q == Cw'(CLKS_PER_BIT - 1)) begin
          cnt_d   = '0;
          valid_d = line;   // a framing error (low stop bit) drops the byte
          st_d    = RxIdle;
        end else begin
          cnt_d = cnt_q + 1'b1;
        end
      end
      default: st_d = RxIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q    <= RxIdle;
      sync_q  <= 2'b11;
      cnt_q   <= '0;
      bit_q   <= '0;
      sh_q    <= '0;
      valid_q <= 1'b0;
    end else begin
      st_q    <= st_d;
      sync_q  <= {sync_q[0], rx_i};
      cnt_q   <= cnt_d;
      bit_q   <= bit_d;
      sh_q    <= sh_d;
      valid_q <= valid_d;
    end
  end

  assign valid_o = valid_q;
  assign data_o  = sh_q;

endmodule
