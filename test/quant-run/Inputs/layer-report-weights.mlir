// A float weight quantized in the model (quant.qcast of a constant): the float
// twin adds the float 0.3, the integer run the stored 0.5 (numpy: 18.96 dB).
!u8 = !quant.uniform<u8:f32, 0.5:128>
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!u8> loc("x8")
  %ad = quant.dcast %a : tensor<2x4x!u8> to tensor<2x4xf32>
  %w = arith.constant dense<0.3> : tensor<2x4xf32>
  %wq = quant.qcast %w : tensor<2x4xf32> to tensor<2x4x!u8> loc("w")
  %wd = quant.dcast %wq : tensor<2x4x!u8> to tensor<2x4xf32>
  %s = tosa.add %ad, %wd : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %sq = quant.qcast %s : tensor<2x4xf32> to tensor<2x4x!u8> loc("sum")
  %sd = quant.dcast %sq : tensor<2x4x!u8> to tensor<2x4xf32>
  return %sd : tensor<2x4xf32>
}
