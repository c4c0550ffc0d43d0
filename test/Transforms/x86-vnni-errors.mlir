// RUN: quant-opt %s --quant-x86-vnni=tile-rows=29 -verify-diagnostics
// RUN: not quant-opt %s --quant-x86-vnni="tile-rows=8 tile-vectors=4" 2>&1 | FileCheck %s

// Tiles larger than the zmm register file: 29 rows (even at the narrowest
// width the pass could choose, 1 vector), 8 x 4.
// CHECK: error: quant-x86-vnni: a tile of 8 x 4 accumulators does not fit the 32 zmm registers (at most 28 accumulators)

// expected-error @+1 {{quant-x86-vnni: a tile of 29 x 1 accumulators does not fit the 32 zmm registers (at most 28 accumulators)}}
module {
}
