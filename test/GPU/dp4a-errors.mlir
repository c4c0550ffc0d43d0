// RUN: quant-opt %s --verify-diagnostics --quant-gpu-dp4a

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
