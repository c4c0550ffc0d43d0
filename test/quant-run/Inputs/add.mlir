// x + y, two results; an i8 result to check integer outputs.
func.func @add(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi8>) {
  %c = tensor.cast %y : tensor<?x3xf32> to tensor<2x3xf32>
  %s = tosa.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %i = tosa.cast %s : (tensor<2x3xf32>) -> tensor<2x3xi8>
  return %s, %i : tensor<2x3xf32>, tensor<2x3xi8>
}
