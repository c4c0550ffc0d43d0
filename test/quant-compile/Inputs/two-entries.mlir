// Two entries: one with two results (an i8 copy and its i32 doubling), one
// with a scalar result (the sum of a vector).
func.func @pair(%x: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi32>) {
  %e = tosa.cast %x : (tensor<4xi8>) -> tensor<4xi32>
  %d = tosa.add %e, %e : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %x, %d : tensor<4xi8>, tensor<4xi32>
}

func.func @scalar(%x: tensor<3xf32>) -> tensor<f32> {
  %zero = arith.constant dense<0.0> : tensor<f32>
  %s = linalg.reduce ins(%x : tensor<3xf32>) outs(%zero : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %r = arith.addf %a, %b : f32
      linalg.yield %r : f32
    }
  return %s : tensor<f32>
}
