#!/usr/bin/env bash
# Installs, from Debian's registry, whatever of QuantC's build and test
# dependencies is missing (docs/Dependencies.md says why each is here), and
# ONNX Runtime (npm onnxruntime-node, the numerics reference of
# test/Integration/ORT) into <repo>/.deps/node_modules.
# Run as root on Debian 12; does nothing when everything is present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Works with node 18 (Debian 12) and 20; a pinned version keeps the
# reference numbers reproducible.
ort_version=1.23.2
ort_dir="$root/.deps/node_modules/onnxruntime-node"

packages=(
  # Toolchain: clang-22 + lld compile ~20% faster than g++ 12 and link far
  # faster than GNU ld; ccache makes rebuilds ~10x faster.
  cmake ninja-build ccache clang-22 lld-22 git
  # LLVM/MLIR 22: headers, libMLIR.so, mlir-tblgen, lit, FileCheck,
  # mlir-runner and its runtime libraries.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  zlib1g-dev libzstd-dev
  # ONNX's own protobuf schema and shape inference (quant-import).
  libonnx-dev libprotobuf-dev
  # Tests: gtest (unit tests), gemmlowp (fixed-point reference), Debian's
  # python3 + numpy (lit and the independent numpy references), ONNX's
  # backend node tests and python3-onnx (test models, .pb -> .npy).
  libgtest-dev libgemmlowp-dev python3 python3-numpy libonnx-testdata
  python3-onnx
  # PyTorch's observers (MinMax, MovingAverage, PerChannel, Histogram) are
  # the reference the calibration range methods are compared against
  # (test/Integration/Torch).
  python3-torch
  # Native targets and benchmarks (issue 6): the aarch64 cross toolchain and
  # qemu-user run our ARM objects; OpenMP (LLVM's) runs the threaded
  # kernels; oneDNN and XNNPACK are the int8 peers in bench/.
  qemu-user g++-aarch64-linux-gnu libomp-22-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node and npm run ONNX Runtime; any node >= 18 will do (e.g. one from
# NodeSource), else Debian's.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -ne 0 ]; then
  echo "quantc: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "quantc: these Debian packages are missing; run as root or install them:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "quantc: onnxruntime-node $ort_version needs node >= 18, found $(node --version)" >&2
  exit 1
fi
installed="$(node -p "try { require('$ort_dir/package.json').version } catch (e) { '' }")"
if [ "$installed" != "$ort_version" ]; then
  echo "quantc: installing onnxruntime-node@$ort_version into $root/.deps"
  # --ignore-scripts: the postinstall only fetches optional GPU libraries
  # (unreachable here); the CPU library is inside the package.
  npm install --prefix "$root/.deps" --ignore-scripts --no-audit --no-fund \
    --loglevel=error "onnxruntime-node@$ort_version" > /dev/null
fi
