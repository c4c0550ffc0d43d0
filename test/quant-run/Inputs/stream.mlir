// Models with a batch dimension for the streaming and .npz tests; choose
// one with --entry. W is the weight of make_stream_arrays.py.

// y = x W + s, per row: a batch of 2 rows.
func.func @affine(%x: tensor<2x4xf32> {quantc.onnx_name = "x"},
                  %s: tensor<2x3xf32> {quantc.onnx_name = "s"})
    -> (tensor<2x3xf32> {quantc.onnx_name = "y"}) {
  %w = arith.constant dense<[[1.0, -2.0, 0.5], [0.25, 3.0, -1.0],
                             [2.0, 0.0, 1.5], [-0.5, 1.0, 4.0]]> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x3xf32>) -> tensor<2x3xf32>
  %xw = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = tosa.add %xw, %s : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// y = x W with a dynamic batch: any number of rows, one call.
func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 0.5], [0.25, 3.0, -1.0],
                             [2.0, 0.0, 1.5], [-0.5, 1.0, 4.0]]> : tensor<4x3xf32>
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x4xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty(%rows) : tensor<?x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x3xf32>) -> tensor<?x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>)
                     outs(%init : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// A static and a dynamic batch: cannot be streamed.
func.func @mixed(%x: tensor<2x4xf32>, %y: tensor<?x4xf32>) -> tensor<2x4xf32> {
  %c = tensor.cast %y : tensor<?x4xf32> to tensor<2x4xf32>
  %s = tosa.add %x, %c : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// The sum of the batch: a scalar, nothing to concatenate.
func.func @total(%x: tensor<2x4xf32>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<f32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<f32>) -> tensor<f32>
  %sum = linalg.reduce ins(%x : tensor<2x4xf32>) outs(%init : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32
    }
  return %sum : tensor<f32>
}

// x * k: the rank-0 k goes whole to every call.
func.func @scale(%x: tensor<2x4xf32>, %k: tensor<f32>) -> tensor<2x4xf32> {
  %empty = tensor.empty() : tensor<2x4xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%x, %k : tensor<2x4xf32>, tensor<f32>) outs(%empty : tensor<2x4xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %m = arith.mulf %a, %b : f32
      linalg.yield %m : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
