func.func @shape(%x: tensor<2xf32>) -> tensor<2xindex> {
  %s = arith.constant dense<[2, 3]> : tensor<2xindex>
  return %s : tensor<2xindex>
}
