// RUN: quant-opt %s --quant-x86-vnni=tile-rows=0 -verify-diagnostics
// RUN: not quant-opt %s --quant-x86-vnni="tile-rows=8 tile-vectors=4" 2>&1 | FileCheck %s

// An empty register tile, and one larger than the zmm register file.
// CHECK: error: quant-x86-vnni: a tile of 8 x 4 accumulators does not fit the 32 zmm registers (at most 28 accumulators)

// expected-error @+1 {{quant-x86-vnni: tile-rows and tile-vectors must be at least 1}}
module {
}
