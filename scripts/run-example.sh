#!/usr/bin/env bash
# The main job on the bundled example: a QDQ linear layer (int8 weights per
# channel, int32 bias, TOSA float ops around it) is compiled by
# quant-cpu-pipeline to native integer code, run, and checked element by
# element against an independent numpy emulation of the QDQ graph.
#
#   scripts/run-example.sh [--variant NAME] [--seed N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" quant-opt

example="$root/examples/linear/qdq_linear.py"
work="$build/example"
mkdir -p "$work"
python=/usr/bin/python3
"$python" "$example" emit "$@" -o "$work/linear.mlir"
echo "== QDQ model: $work/linear.mlir"
"$build/bin/quant-opt" "$work/linear.mlir" --quant-to-linalg-pipeline \
  -o "$work/linear.int.mlir"
echo "== integer linalg: $work/linear.int.mlir"
"$build/bin/quant-opt" "$work/linear.mlir" --quant-cpu-pipeline \
  -o "$work/linear.llvm.mlir"
echo "== LLVM dialect: $work/linear.llvm.mlir; running it"
/usr/lib/llvm-22/bin/mlir-runner "$work/linear.llvm.mlir" -e main \
  -entry-point-result=void \
  -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
  > "$work/linear.out"
"$python" "$example" check "$@" "$work/linear.out"
