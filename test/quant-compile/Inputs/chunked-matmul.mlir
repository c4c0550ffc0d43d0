// The two chunked qnn.matmul forms in QDQ form, float in and out: a layer
// with per-group int4 weights (blocks of 4 along K) and a 16-bit matmul of
// two runtime operands whose K needs a split (chunks of one product).
!qx = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
!q16 = !quant.uniform<i16:f32, 0.5>
!qo16 = !quant.uniform<i8:f32, 65536.0>
func.func @per_group(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %xq = quant.qcast %x : tensor<2x8xf32> to tensor<2x8x!qx>
  %xd = quant.dcast %xq : tensor<2x8x!qx> to tensor<2x8xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6], [7, -8], [0, 1], [2, 3], [-4, 5], [6, -7]]> : tensor<8x2xi4>
  %wq = quant.scast %wi : tensor<8x2xi4> to tensor<8x2x!qg>
  %wd = quant.dcast %wq : tensor<8x2x!qg> to tensor<8x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  %yq = quant.qcast %mm : tensor<2x2xf32> to tensor<2x2x!qo>
  %y = quant.dcast %yq : tensor<2x2x!qo> to tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
func.func @split_k(%a: tensor<2x8xf32>, %b: tensor<8x3xf32>) -> tensor<2x3xf32> {
  %aq = quant.qcast %a : tensor<2x8xf32> to tensor<2x8x!q16>
  %ad = quant.dcast %aq : tensor<2x8x!q16> to tensor<2x8xf32>
  %bq = quant.qcast %b : tensor<8x3xf32> to tensor<8x3x!q16>
  %bd = quant.dcast %bq : tensor<8x3x!q16> to tensor<8x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%ad, %bd : tensor<2x8xf32>, tensor<8x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo16>
  %y = quant.dcast %yq : tensor<2x3x!qo16> to tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
