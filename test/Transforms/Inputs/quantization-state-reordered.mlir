// quantization-state.mlir with other SSA names and its independent ops in
// another order: the same manifest and state hash.
!x = !quant.uniform<u8:f32, 0.0625:128>
!x2 = !quant.uniform<u8:f32, 0.03125:120>
!w = !quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 1.0}>
!y = !quant.uniform<u8:f32, 0.125:128>
!b = !quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>
module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
  func.func @main(%input: tensor<2x4xf32>, %hidden: tensor<2x3xf32>)
      -> (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32>) {
    %observed = qnn.observe %hidden {name = "h.out",
        recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 99.5, num_bins = 4>,
        stats = #qnn.stats<count = 6, min = -1.5, max = 2.0, hist_min = -1.5, hist_max = 2.0, hist_counts = [1, 2, 0, 3]>}
        : tensor<2x3xf32>
    %ones = arith.constant dense<1> : tensor<4x3xi8>
    %cb = arith.constant dense<1> : tensor<2x4xi8>
    %blk = quant.scast %cb : tensor<2x4xi8> to tensor<2x4x!b> loc("blocked")
    %weights = quant.scast %ones : tensor<4x3xi8> to tensor<4x3x!w> loc("fc_weight")
    %a = quant.qcast %input : tensor<2x4xf32> to tensor<2x4x!x> loc("x_quantized")
    %out = qnn.matmul %a, %weights : (tensor<2x4x!x>, tensor<4x3x!w>) -> tensor<2x3x!y> loc(fused["fc", "fc_quantized"])
    %a2 = quant.qcast %input : tensor<2x4xf32> to tensor<2x4x!x2> loc("x_quantized")
    %back2 = quant.dcast %a2 : tensor<2x4x!x2> to tensor<2x4xf32>
    %back = quant.dcast %out : tensor<2x3x!y> to tensor<2x3xf32>
    return %back, %back2, %observed : tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32>
  }
}
