// Three quantizations of one input for quant-run --layer-report: exact per
// tensor (x8) and per axis (xaxis), coarse (coarse, scale 2), and an int4
// one the report skips (x4).
!u8 = !quant.uniform<u8:f32, 0.5:128>
!axis = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.5, 1.0}>
!coarse = !quant.uniform<i8:f32, 2.0>
!i4 = !quant.uniform<i4:f32, 0.5>
func.func @main(%x: tensor<2x4xf32>)
    -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %a = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!u8> loc("x8")
  %ad = quant.dcast %a : tensor<2x4x!u8> to tensor<2x4xf32>
  %b = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!axis> loc("xaxis")
  %bd = quant.dcast %b : tensor<2x4x!axis> to tensor<2x4xf32>
  %c = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!coarse> loc("coarse")
  %cd = quant.dcast %c : tensor<2x4x!coarse> to tensor<2x4xf32>
  %d = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!i4> loc("x4")
  %dd = quant.dcast %d : tensor<2x4x!i4> to tensor<2x4xf32>
  return %ad, %bd, %cd, %dd : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
