# RTL file list for systole_top (relative to rtl/), after the generated systole_isa_pkg.sv.
# Read by rtl/sources.cmake, rtl/lint.sh and rtl/synth_tiny.sh.
systole_delay.sv
systole_pe.sv
systole_array.sv
systole_ram.sv
systole_banked_ram.sv
systole_spad.sv
systole_acc.sv
systole_fifo.sv
systole_token.sv
systole_requant.sv
systole_requant_lane.sv
systole_fetch.sv
systole_load.sv
systole_execute.sv
systole_store.sv
systole_mem_arb.sv
systole_csr.sv
systole_run_ctl.sv
systole_top.sv
