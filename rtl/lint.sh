#!/usr/bin/env bash
# Lint the whole RTL tree with Verilator -Wall (warnings are errors), for the tiny, board,
# default and large design points, and the PE grid the synthesis builds. Usage: rtl/lint.sh [generated-dir]   (default build-rtl/generated)
# The ISA package is generated: cmake --build build-rtl --target systole_generated
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$here/gen/systole_isa_pkg.sv"
out="${1:-${TMPDIR:-/tmp}}"
mapfile -t files < <(grep -v '^#' "$here/files.f" | sed "s|^|$here/|")
# Yosys 0.23 parses `~32'(x)` as a cast to the width ~32 (likewise `-32'(x)`), so the
# complement is lost: a netlist of `a & ~32'(N - 1)` keeps the low bits instead of clearing
# them, while Verilator gets it right and simulation cannot catch it. Write `~(32'(x))`.
if awk '{ code = $0; sub(/\/\/.*/, "", code) } code ~ /[~!-][A-Za-z0-9_]+\x27\(/ { print FILENAME ":" FNR ": " $0; bad = 1 } END { exit !bad }' "$here"/*.sv "$here"/board/*.sv; then
  echo "lint: the lines above put ~, ! or - before a sized cast (~N'(x)), which Yosys 0.23 parses as a cast to width ~N; write ~(N'(x))"
  exit 1
fi
run() {
  echo "lint: systole_top $*"
  verilator --lint-only -Wall "$here/lint.vlt" "$pkg" "${files[@]}" --top-module systole_top "$@"
}
run -GDIM=4 -GSPAD_ROWS=4096 -GACC_ROWS=256 -GBUS_BYTES=4
run -GDIM=4 -GSPAD_ROWS=512 -GACC_ROWS=256 -GACC_BANKS=1 -GBUS_BYTES=4 -GINSN_DEPTH=2 -GFETCH_DEPTH=4 -GREQUANT_LANES=1 -GCOUNTER_BITS=32
run -GDIM=16 -GSPAD_ROWS=16384 -GACC_ROWS=1024 -GBUS_BYTES=16 -GREQUANT_LANES=4
run -GDIM=16 -GSPAD_ROWS=16384 -GACC_ROWS=1024 -GBUS_BYTES=16
run -GDIM=32 -GSPAD_ROWS=16384 -GACC_ROWS=2048 -GBUS_BYTES=32 -GACC_BANKS=4
# The PE grid that Yosys synthesizes (Verilator otherwise takes the array's fast description).
run -GDIM=4 -GSPAD_ROWS=4096 -GACC_ROWS=256 -GBUS_BYTES=4 +define+SYSTOLE_ARRAY_PE
run -GDIM=16 -GSPAD_ROWS=16384 -GACC_ROWS=1024 -GBUS_BYTES=16 +define+SYSTOLE_ARRAY_PE -GLUT_MUL=0
echo "lint: clean"
