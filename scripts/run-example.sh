#!/usr/bin/env bash
# The main job on the bundled example: a QDQ linear layer (int8 weights per
# channel, int32 bias, TOSA float ops around it) is compiled by
# quant-cpu-pipeline to native integer code, run, and checked element by
# element against an independent numpy emulation of the QDQ graph. Then the
# ahead-of-time path (examples/aot): quant-compile makes an x86-64 object
# (AVX-512 VNNI kernels) and a C header, a C++ program links and calls it,
# and its outputs must equal quant-run's bit for bit.
#
#   scripts/run-example.sh [--variant NAME] [--seed N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" quant-opt quant-compile quant-run

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

echo "== ahead of time: quant-compile examples/aot/linear.mlir -> object + C header"
aot="$work/aot"
mkdir -p "$aot"
"$build/bin/quant-compile" "$root/examples/aot/linear.mlir" --target=x86_64 \
  -o "$aot/linear.o"
clang++-22 -std=c++17 -O2 -I "$aot" "$root/examples/aot/main.cpp" \
  "$aot/linear.o" -o "$aot/main" -pthread
"$python" -c "import numpy as np; np.save('$aot/x.npy', np.random.default_rng(0).uniform(-20, 20, (200, 32)).astype(np.float32))"
if grep -q avx512_vnni /proc/cpuinfo; then
  "$aot/main" "$aot/x.npy" "$aot/y.npy"
  "$build/bin/quant-run" "$root/examples/aot/linear.mlir" --input "$aot/x.npy" \
    --compare "$aot/y.npy" --atol 0
else
  echo "(this CPU lacks AVX-512 VNNI: the object is built but not run)"
fi
