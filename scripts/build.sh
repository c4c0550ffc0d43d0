#!/usr/bin/env bash
# Configures (once) and builds QuantC in build/ (or $QUANTC_BUILD_DIR).
# Extra arguments are ninja targets (default: everything).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QUANTC_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  "$root/scripts/configure.sh"
fi
ninja -C "$build" "$@"
