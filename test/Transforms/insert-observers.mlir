// RUN: quant-opt %s --split-input-file --quant-insert-observers | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-insert-observers --quant-insert-observers | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-insert-observers="recipe=int8-symmetric" | FileCheck %s --check-prefix=SYM
// RUN: quant-opt %s --split-input-file --quant-insert-observers="recipe='#qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 99.9, num_bins = 512>'" | FileCheck %s --check-prefix=TEXT

// quant-import's Conv (pad, conv, bias add) + Relu + MaxPool + Gemm: the
// graph input through the pad, the biased conv, the relu, the pool and the
// biased gemm are observed, once each (the second RUN line runs the pass
// twice: nothing is added); weights, biases, the window's tensor.empty and
// the sums before the bias adds are not.

// CHECK-LABEL: func.func @cnn
// CHECK:      %[[X:.*]] = qnn.observe %arg0 {name = "X", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<1x1x4x4xf32>
// CHECK:      tensor.pad %[[X]]
// CHECK:      %[[CONV:.*]] = linalg.conv_2d_nchw_fchw
// CHECK-NOT:  qnn.observe
// CHECK:      %[[BIASED:.*]] = tosa.add %[[CONV]]
// CHECK-NEXT: %[[OBIASED:.*]] = qnn.observe %[[BIASED]] {name = "conv.out"
// CHECK-NEXT: %[[RELU:.*]] = tosa.clamp %[[OBIASED]]
// CHECK-NEXT: %[[ORELU:.*]] = qnn.observe %[[RELU]] {name = "relu.out"
// CHECK-NOT:  qnn.observe
// CHECK:      %[[POOL:.*]] = linalg.generic {{.*}} ins(%[[ORELU]], %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>)
// CHECK:      } -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[OPOOL:.*]] = qnn.observe %[[POOL]] {name = "pool.out"
// CHECK-NOT:  qnn.observe
// CHECK:      tosa.reshape %[[OPOOL]]
// CHECK:      %[[MM:.*]] = linalg.matmul
// CHECK-NOT:  qnn.observe
// CHECK:      %[[Y:.*]] = tosa.add %[[MM]]
// CHECK-NEXT: %[[OY:.*]] = qnn.observe %[[Y]] {name = "gemm.out"
// CHECK-NOT:  qnn.observe
// CHECK:      return %[[OY]]

// SYM: qnn.observe %arg0 {name = "X", recipe = #qnn.recipe<storage = si8, scheme = symmetric>}
// TEXT: qnn.observe %arg0 {name = "X", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 9.990000e+01, num_bins = 512>}

#pool_in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pool_win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pool_out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @cnn(%x: tensor<1x1x4x4xf32> {quantc.onnx_name = "X"}) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32> loc("conv")
  %e = tensor.empty() : tensor<1x2x4x4xf32> loc("conv")
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%acc : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %bs = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv")
  %b4 = tosa.reshape %b, %bs : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32> loc("conv")
  %cb = tosa.add %c, %b4 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %r = tosa.clamp %cb {max_val = 0x7F800000 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32> loc("pool")
  %pe = tensor.empty() : tensor<1x2x2x2xf32> loc("pool")
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("pool")
  %pool = linalg.generic {indexing_maps = [#pool_in, #pool_win, #pool_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%r, %win : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %unused: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32> loc("pool")
  %fs = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("flatten")
  %f = tosa.reshape %pool, %fs : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32> loc("flatten")
  %w2 = arith.constant dense<0.5> : tensor<3x8xf32>
  %w2t = tosa.transpose %w2 {perms = array<i32: 1, 0>} : (tensor<3x8xf32>) -> tensor<8x3xf32> loc("gemm")
  %me = tensor.empty() : tensor<1x3xf32> loc("gemm")
  %mf = linalg.fill ins(%zero : f32) outs(%me : tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  %mm = linalg.matmul ins(%f, %w2t : tensor<1x8xf32>, tensor<8x3xf32>) outs(%mf : tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  %b2 = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %y = tosa.add %mm, %b2 : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  return %y : tensor<1x3xf32>
}

// -----

// Add and concat of two branches: each value observed once; a matmul whose
// sum has other users than a bias add is observed; names without an ONNX
// node fall back to the op name and argument number, made unique.

// CHECK-LABEL: func.func @branches
// CHECK-NEXT: %[[A:.*]] = qnn.observe %arg0 {name = "arg0"
// CHECK-NEXT: %[[B:.*]] = qnn.observe %arg1 {name = "arg1"
// CHECK:      %[[S:.*]] = tosa.add %[[A]], %[[B]]
// CHECK-NEXT: %[[OS:.*]] = qnn.observe %[[S]] {name = "tosa.add.out"
// CHECK-NEXT: %[[M:.*]] = tosa.mul %[[OS]], %[[A]]
// CHECK-NEXT: %[[OM:.*]] = qnn.observe %[[M]] {name = "tosa.mul.out"
// CHECK-NEXT: %[[C:.*]] = tosa.concat %[[OS]], %[[OM]]
// CHECK-NEXT: %[[OC:.*]] = qnn.observe %[[C]] {name = "tosa.concat.out"
// CHECK-NEXT: %[[S2:.*]] = tosa.add %[[OC]], %[[OC]]
// CHECK-NEXT: qnn.observe %[[S2]] {name = "tosa.add.out#1"
func.func @branches(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.add %a, %b : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = tosa.mul %s, %a, %shift : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  %c = tosa.concat %s, %m {axis = 0 : i32} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  %s2 = tosa.add %c, %c : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %s2 : tensor<4x4xf32>
}

// -----

// Ops the recipe does not quantize (here tosa.exp) and integer tensors get
// no observer.

// CHECK-LABEL: func.func @untouched
// CHECK-NOT: qnn.observe
func.func @untouched(%a: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %e = tosa.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  %j = tosa.add %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %e, %j : tensor<4xf32>, tensor<4xi32>
}

// -----

// GlobalMaxPool as quant-import writes it: tosa.reduce_max over H and W.

// CHECK-LABEL: func.func @global_max_pool
// CHECK-NEXT: %[[X:.*]] = qnn.observe %arg0 {name = "arg0"
// CHECK-NEXT: %[[H:.*]] = tosa.reduce_max %[[X]] {axis = 2 : i32}
// CHECK-NEXT: %[[OH:.*]] = qnn.observe %[[H]] {name = "tosa.reduce_max.out"
// CHECK-NEXT: %[[W:.*]] = tosa.reduce_max %[[OH]] {axis = 3 : i32}
// CHECK-NEXT: %[[OW:.*]] = qnn.observe %[[W]] {name = "tosa.reduce_max.out#1"
// CHECK-NEXT: return %[[OW]]
func.func @global_max_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  %h = tosa.reduce_max %x {axis = 2 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x4xf32>
  %w = tosa.reduce_max %h {axis = 3 : i32} : (tensor<1x2x1x4xf32>) -> tensor<1x2x1x1xf32>
  return %w : tensor<1x2x1x1xf32>
}
