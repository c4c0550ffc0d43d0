// RUN: quant-opt %s --verify-diagnostics --quant-gpu-mma
// RUN: not quant-opt %s --quant-gpu-mma=warps=0,2 2>&1 | FileCheck %s --check-prefix=WARPS
// RUN: not quant-opt %s --quant-gpu-mma=warps=8,8 2>&1 | FileCheck %s --check-prefix=WARPS
// RUN: not quant-opt %s --quant-gpu-mma=warps=4 2>&1 | FileCheck %s --check-prefix=WARPS

// WARPS: error: quant-gpu-mma: 'warps' must be two positive counts (along M and N) of at most 32 warps in all (1024 threads per block)

func.func @on_tensors(%a: tensor<16x32xi8>, %b: tensor<32x8xi8>, %c: tensor<16x8xi32>) -> tensor<16x8xi32> {
  // expected-error @+1 {{quant-gpu-mma runs on buffers: bufferize first (the NVPTX pipeline runs it after one-shot-bufferize)}}
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<16x32xi8>, tensor<32x8xi8>) outs(%c : tensor<16x8xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<16x8xi32>
  return %r : tensor<16x8xi32>
}
