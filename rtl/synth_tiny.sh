#!/usr/bin/env bash
# Generic Yosys synthesis of systole_top with tiny parameters (DIM=4, 4-byte bus), as a
# check that the tree stays in the subset Yosys 0.23 reads, plus a cell count.
# Memories are kept small (64 scratchpad rows, 32 accumulator rows) because generic
# synthesis maps them to flops; an FPGA flow (synth_ice40 / synth_xilinx) maps them to RAM.
# Usage: rtl/synth_tiny.sh [output-dir]  (default $TMPDIR); writes synth_tiny.log and synth_tiny_stat.txt there
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$here/gen/systole_isa_pkg.sv"
out="${1:-${TMPDIR:-/tmp}}"
mapfile -t files < <(grep -v '^#' "$here/files.f" | sed "s|^|$here/|")
log="${SYNTH_LOG:-$out/synth_tiny.log}"
yosys -q -l "$log" -p "read_verilog -sv $pkg ${files[*]};
  chparam -set DIM 4 -set SPAD_ROWS 64 -set SPAD_BANKS 2 -set ACC_ROWS 32 -set ACC_BANKS 2 -set BUS_BYTES 4 -set INSN_DEPTH 4 systole_top;
  synth -flatten -top systole_top; check -assert; tee -o $out/synth_tiny_stat.txt stat"
grep -E "Number of cells|DFF|Number of wire bits" "$out/synth_tiny_stat.txt" | head -20
if grep -qi "^ERROR" "$log"; then exit 1; fi
echo "synth_tiny: ok (log $log)"
