#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite: lit tests of
# the dialect and passes, execution tests, the out-of-tree package test,
# the gtest unit tests, the ONNX node-test conformance and the ONNX Runtime
# round trip (check-quantc).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
"$root/scripts/build.sh" check-quantc 2>&1 | tee "$log" || status=$?
# The ONNX conformance pass count (test/Conformance/onnx-node-tests.txt).
if [ -f "$build/test/onnx-node-tests-summary.txt" ]; then
  cat "$build/test/onnx-node-tests-summary.txt"
fi
# lit's counts as one closing line.
passed=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^ *Failed *: *\([0-9]*\).*/\1/p' "$log" | tail -1)
echo "check-quantc: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
