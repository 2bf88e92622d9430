#!/usr/bin/env bash
# Seed corpora for the fuzz targets, generated (nothing binary is checked in):
#   make_corpus.sh BUILD_DIR  ->  BUILD_DIR/corpus-seed/{onnx,config,program,asm}/
# onnx: the ONNX backend node test models (libonnx-testdata) and two zoo models exported;
# config: configs/*.toml and the presets printed by to_toml; program / asm: small compiled
# programs and their disassembly (fuzz_seeds); tests/fuzz_regress/<target>/: past findings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"
out="$build/corpus-seed"
if [ -f "$out/.done" ]; then exit 0; fi
rm -rf "$out"
mkdir -p "$out"/{onnx,config,program,asm}
"$build/fuzz/fuzz_seeds" "$out"
node=/usr/share/libonnx-testdata/data/node
if [ -d "$node" ]; then
  for d in "$node"/*/; do
    [ -f "$d/model.onnx" ] && cp "$d/model.onnx" "$out/onnx/node_$(basename "$d").onnx"
  done
fi
cp "$root"/configs/*.toml "$out/config/"
for t in onnx config program asm; do
  if [ -d "$root/tests/fuzz_regress/$t" ]; then cp "$root/tests/fuzz_regress/$t"/* "$out/$t/" 2>/dev/null || true; fi
done
touch "$out/.done"
echo "make_corpus: $(ls "$out/onnx" | wc -l) onnx, $(ls "$out/config" | wc -l) config, $(ls "$out/program" | wc -l) program, $(ls "$out/asm" | wc -l) asm seeds in $out"
