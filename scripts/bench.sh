#!/usr/bin/env bash
# `make bench`: the benchmark commands behind the figures in the README, one JSON document
# per benchmark on stdout. Usage: scripts/bench.sh [build-dir]
set -euo pipefail
B="${1:-build}"
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "# systole bench gemm --config default --backend hls"
"$B/systole" bench gemm --config default --backend hls
echo "# systole bench cpu --json"
"$B/systole" bench cpu --json
