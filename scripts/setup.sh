#!/usr/bin/env bash
# Installs the Debian 12 packages Systole needs; does nothing when all are present.
# Used by `make setup` (and so by `make demo` / `make test`).
set -euo pipefail
PKGS=(
  build-essential cmake ccache pkg-config git python3
  libfmt-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev
  libeigen3-dev libdnnl-dev libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  verilator libsystemc-dev yosys nextpnr-ice40 fpga-icestorm
  clang libclang-rt-14-dev   # make test-asan, make fuzz (ASan/UBSan runtimes, libFuzzer)
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
