// RUN: quant-opt %s --split-input-file --quant-infer-ranges | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-infer-ranges="method=minmax" | FileCheck %s --check-prefix=MINMAX

!t = tensor<1x2x4x4xf32>
#u8 = #qnn.recipe<storage = ui8, scheme = asymmetric>

// Observed, then tightened by a Relu, kept through a reshape and a max pool
// (the pool's own statistics are not used), observed again after a
// contraction.
// CHECK-LABEL: func.func @chain
// CHECK: qnn.observe %arg0 {{.*}}range = #qnn.range<min = -1.500000e+00, max = 3.000000e+00, source = "observed">
// CHECK: tosa.clamp
// CHECK: qnn.observe {{.*}}name = "relu.out", range = #qnn.range<min = 0.000000e+00, max = 3.000000e+00, source = "propagated">
// CHECK: linalg.generic
// CHECK: qnn.observe {{.*}}name = "pool.out", range = #qnn.range<min = 0.000000e+00, max = 3.000000e+00, source = "propagated">
// CHECK: tosa.reshape
// CHECK: qnn.observe {{.*}}name = "flat.out", range = #qnn.range<min = 0.000000e+00, max = 3.000000e+00, source = "propagated">
// CHECK: tosa.add
// CHECK: qnn.observe {{.*}}name = "add.out", range = #qnn.range<min = -2.000000e+00, max = 6.000000e+00, source = "observed">
#pool_in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pool_win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pool_out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @chain(%x: !t) -> tensor<1x8xf32> {
  %x0 = qnn.observe %x {name = "x", recipe = #u8, stats = #qnn.stats<count = 32, min = -1.5, max = 3.0>} : !t
  %r = tosa.clamp %x0 {max_val = 0x7F800000 : f32, min_val = 0.0 : f32} : (!t) -> !t
  %r0 = qnn.observe %r {name = "relu.out", recipe = #u8, stats = #qnn.stats<count = 32, min = 0.0, max = 3.0>} : !t
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x2x2x2xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %pool = linalg.generic {indexing_maps = [#pool_in, #pool_win, #pool_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%r0, %win : !t, tensor<2x2xf32>) outs(%pf : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %w: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  %p0 = qnn.observe %pool {name = "pool.out", recipe = #u8, stats = #qnn.stats<count = 8, min = 0.5, max = 2.0>} : tensor<1x2x2x2xf32>
  %s = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %p0, %s : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %f0 = qnn.observe %f {name = "flat.out", recipe = #u8} : tensor<1x8xf32>
  %a = tosa.add %f0, %f0 : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %a0 = qnn.observe %a {name = "add.out", recipe = #u8, stats = #qnn.stats<count = 8, min = -2.0, max = 6.0>} : tensor<1x8xf32>
  return %a0 : tensor<1x8xf32>
}

// -----

#u8 = #qnn.recipe<storage = ui8, scheme = asymmetric>

// Bounded ops: fixed ranges, no statistics needed; a Clip tightens to its
// bounds.
// CHECK-LABEL: func.func @bounded
// CHECK: name = "sigmoid.out", {{.*}}range = #qnn.range<min = 0.000000e+00, max = 1.000000e+00, source = "fixed">
// CHECK: name = "tanh.out", {{.*}}range = #qnn.range<min = -1.000000e+00, max = 1.000000e+00, source = "fixed">
// CHECK: name = "softmax.out", {{.*}}range = #qnn.range<min = 0.000000e+00, max = 1.000000e+00, source = "fixed">
// CHECK: name = "clip.out", {{.*}}range = #qnn.range<min = -5.000000e-01, max = 2.000000e+00, source = "propagated">
#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0, 0)>
func.func @bounded(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %x0 = qnn.observe %x {name = "x", recipe = #u8, stats = #qnn.stats<count = 8, min = -4.0, max = 4.0>} : tensor<2x4xf32>
  %s = tosa.sigmoid %x0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %s0 = qnn.observe %s {name = "sigmoid.out", recipe = #u8} : tensor<2x4xf32>
  %t = tosa.tanh %x0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %t0 = qnn.observe %t {name = "tanh.out", recipe = #u8, stats = #qnn.stats<count = 8, min = -0.9, max = 0.9>} : tensor<2x4xf32>
  %e = tosa.exp %x0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %init = tensor.empty() : tensor<2x4xf32>
  %sm = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]}
      ins(%e, %sum : tensor<2x4xf32>, tensor<2x1xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.divf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<2x4xf32>
  %sm0 = qnn.observe %sm {name = "softmax.out", recipe = #u8} : tensor<2x4xf32>
  %c = tosa.clamp %x0 {max_val = 2.0 : f32, min_val = -0.5 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %c0 = qnn.observe %c {name = "clip.out", recipe = #u8} : tensor<2x4xf32>
  return %s0, %t0, %sm0, %c0 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

#u8 = #qnn.recipe<storage = ui8, scheme = asymmetric>

// A concat: its inputs' observers and its output share the union of the
// inputs' ranges; the add after it is requantized (its own range).
// CHECK-LABEL: func.func @concat
// CHECK: name = "a", {{.*}}range = #qnn.range<min = -1.000000e+00, max = 5.000000e+00, source = "shared">
// CHECK: name = "b", {{.*}}range = #qnn.range<min = -1.000000e+00, max = 5.000000e+00, source = "shared">
// CHECK: name = "cat.out", {{.*}}range = #qnn.range<min = -1.000000e+00, max = 5.000000e+00, source = "shared">
// CHECK: name = "add.out", {{.*}}range = #qnn.range<min = -3.000000e+00, max = 7.000000e+00, source = "observed">
func.func @concat(%a: tensor<1x2xf32>, %b: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %a0 = qnn.observe %a {name = "a", recipe = #u8, stats = #qnn.stats<count = 2, min = -1.0, max = 2.0>} : tensor<1x2xf32>
  %b0 = qnn.observe %b {name = "b", recipe = #u8, stats = #qnn.stats<count = 2, min = 0.0, max = 5.0>} : tensor<1x2xf32>
  %c = tosa.concat %a0, %b0 {axis = 1 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %c0 = qnn.observe %c {name = "cat.out", recipe = #u8, stats = #qnn.stats<count = 4, min = -1.0, max = 5.0>} : tensor<1x4xf32>
  %s = tosa.add %c0, %c0 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %s0 = qnn.observe %s {name = "add.out", recipe = #u8, stats = #qnn.stats<count = 4, min = -3.0, max = 7.0>} : tensor<1x4xf32>
  return %s0 : tensor<1x4xf32>
}

// -----

// The recipe's method: moving averages, a percentile of the histogram
// (100 samples spread evenly over [0, 10] in 10 bins: the 90th percentile
// is 9 and the 10th is 1). method=minmax overrides both.
// CHECK-LABEL: func.func @methods
// CHECK: name = "avg", {{.*}}range = #qnn.range<min = -1.000000e+00, max = 2.000000e+00, source = "observed">
// CHECK: name = "pct", {{.*}}range = #qnn.range<min = 1.000000e+00, max = 9.000000e+00, source = "observed">
// MINMAX-LABEL: func.func @methods
// MINMAX: name = "avg", {{.*}}range = #qnn.range<min = -3.000000e+00, max = 4.000000e+00, source = "observed">
// MINMAX: name = "pct", {{.*}}range = #qnn.range<min = 0.000000e+00, max = 1.000000e+01, source = "observed">
func.func @methods(%a: tensor<4xf32>, %b: tensor<100xf32>) -> (tensor<4xf32>, tensor<100xf32>) {
  %a0 = qnn.observe %a {name = "avg", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = avg_minmax>, stats = #qnn.stats<count = 4, min = -3.0, max = 4.0, avg_min = -1.0, avg_max = 2.0>} : tensor<4xf32>
  %b0 = qnn.observe %b {name = "pct", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 90.0>, stats = #qnn.stats<count = 100, min = 0.0, max = 10.0, hist_min = 0.0, hist_max = 10.0, hist_counts = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]>} : tensor<100xf32>
  return %a0, %b0 : tensor<4xf32>, tensor<100xf32>
}
