# Board files (relative to rtl/board/), after rtl/files.f. Read by synth/ (the FPGA flow).
systole_uart_rx.sv
systole_uart_tx.sv
systole_uart_bridge.sv
systole_board_mem.sv
systole_board_top.sv
systole_array_board.sv
