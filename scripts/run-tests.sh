#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite: lit tests of
# the dialect and passes, execution tests, the out-of-tree package test and
# the gtest unit tests (check-quantc).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/build.sh" check-quantc
# The ONNX conformance pass count (test/Conformance/onnx-node-tests.txt).
cat "${QUANTC_BUILD_DIR:-$root/build}/test/onnx-node-tests-summary.txt"
