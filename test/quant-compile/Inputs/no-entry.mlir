func.func private @external(tensor<2xf32>) -> tensor<2xf32>
