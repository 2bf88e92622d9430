#!/usr/bin/env bash
# Runs one fuzz target (or all) for SECONDS each and prints libFuzzer's final stats:
#   run.sh BUILD_DIR TARGET SECONDS      TARGET: onnx | config | program | asm | all
# The working corpus grows in BUILD_DIR/corpus/<target>/ (kept between runs); crashing
# inputs land in BUILD_DIR/artifacts/<target>/ and make the script fail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"; target="$2"; seconds="$3"
bash "$root/fuzz/make_corpus.sh" "$build"
case "$target" in
  all) targets=(onnx config program asm) ;;
  onnx|config|program|asm) targets=("$target") ;;
  *) echo "fuzz: unknown TARGET '$target' (onnx, config, program, asm, all)" >&2; exit 2 ;;
esac
status=0
for t in "${targets[@]}"; do
  exe="$build/fuzz/fuzz_$t"
  [ "$t" = onnx ] && exe="$build/fuzz/fuzz_onnx_import"
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  log="$build/artifacts/$t/last_run.log"
  echo "fuzz: $t for ${seconds}s (log $log)"
  # rss_limit: hostile inputs must not make a parser allocate gigabytes.
  if ! "$exe" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=30 \
      -artifact_prefix="$build/artifacts/$t/" "$build/corpus/$t" "$build/corpus-seed/$t" >"$log" 2>&1; then
    echo "fuzz: $t FAILED: $(grep -m1 -E 'ERROR|SUMMARY|==[0-9]+==' "$log" || tail -1 "$log")" >&2
    ls "$build/artifacts/$t"/crash-* "$build/artifacts/$t"/leak-* "$build/artifacts/$t"/timeout-* "$build/artifacts/$t"/oom-* 2>/dev/null >&2 || true
    status=1
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
  echo "fuzz: $t: ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-cov: ?}, corpus $(ls "$build/corpus/$t" | wc -l) files"
done
exit $status
