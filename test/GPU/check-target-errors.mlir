// Each part runs with its own options.
// RUN: split-file %s %t
// RUN: quant-opt %t/chip.mlir --verify-diagnostics --quant-gpu-check-target="chip=sm_75"
// RUN: quant-opt %t/old-ptx.mlir --verify-diagnostics --quant-gpu-check-target="chip=sm_90 features=+ptx70"
// RUN: quant-opt %t/malformed-ptx.mlir --verify-diagnostics --quant-gpu-check-target="features=+ptxEight"
// RUN: quant-opt %t/zero-tile.mlir --verify-diagnostics --quant-gpu-check-target="tile-sizes=16,0"
// RUN: quant-opt %t/big-tile.mlir --verify-diagnostics --quant-gpu-check-target="tile-sizes=64,32"
// RUN: quant-opt %t/dynamic.mlir --split-input-file --verify-diagnostics --quant-gpu-check-target

//--- chip.mlir
// The NVPTX backend aborts the process on a chip or PTX version it does not
// take: checked before anything is serialized.
// expected-error @+1 {{unsupported NVPTX chip 'sm_75': the NVPTX pipeline targets sm_80 or sm_90}}
module {
}

//--- old-ptx.mlir
// expected-error @+1 {{PTX ISA 7.0 ('+ptx70') does not support sm_90: it needs +ptx78 or later}}
module {
}

//--- malformed-ptx.mlir
// expected-error @+1 {{malformed PTX version feature '+ptxEight' (expected +ptxNN, e.g. +ptx80)}}
module {
}

//--- zero-tile.mlir
// expected-error @+1 {{tile size 0 is not positive}}
module {
}

//--- big-tile.mlir
// expected-error @+1 {{tile sizes [64, 32] give more than 1024 threads per block}}
module {
}

//--- dynamic.mlir
// expected-error @+1 {{argument #1 of @arg has the dynamic type 'memref<?x8xi8>': the NVPTX pipeline needs static shapes (kernels take bare pointers)}}
func.func @arg(%a: memref<4xi8>, %b: memref<?x8xi8>) {
  return
}

// -----

// expected-error @+1 {{result #0 of @result has the dynamic type 'memref<?xi32>': the NVPTX pipeline needs static shapes (kernels take bare pointers)}}
func.func private @result() -> memref<?xi32>

// -----

func.func @alloc(%n: index) {
  // expected-error @+1 {{dynamically shaped buffer 'memref<?xi32>': the NVPTX pipeline needs static shapes (kernels take bare pointers)}}
  %r = memref.alloc(%n) : memref<?xi32>
  return
}
