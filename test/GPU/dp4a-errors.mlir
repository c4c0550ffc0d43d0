// Each part runs with its own target options.
// RUN: split-file %s %t
// RUN: quant-opt %t/chip.mlir --verify-diagnostics --quant-gpu-dp4a="chip=sm_75"
// RUN: quant-opt %t/old-ptx.mlir --verify-diagnostics --quant-gpu-dp4a="chip=sm_90 features=+ptx70"
// RUN: quant-opt %t/malformed-ptx.mlir --verify-diagnostics --quant-gpu-dp4a="features=+ptxEight"
// RUN: quant-opt %t/tensors.mlir --verify-diagnostics --quant-gpu-dp4a

//--- chip.mlir
// The target is checked before anything else: the NVPTX backend aborts on
// a chip or PTX version it does not take.
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

//--- tensors.mlir
func.func @on_tensors(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %c: tensor<2x3xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{quant-gpu-dp4a runs on buffers: bufferize first (the NVPTX pipeline runs it after one-shot-bufferize)}}
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x4xi8>, tensor<4x3xi8>) outs(%c : tensor<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}
