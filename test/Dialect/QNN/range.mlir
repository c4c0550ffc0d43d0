// RUN: quant-opt %s --split-input-file --verify-roundtrip | FileCheck %s

// #qnn.range, fractional histogram bins (a re-binned histogram) and
// per-channel statistics, printed and parsed back.
// CHECK-LABEL: func.func @ranged
// CHECK: range = #qnn.range<min = -1.250000e+00, max = 2.000000e+00, source = "observed">
// CHECK-SAME: stats = #qnn.stats<count = 6, min = -1.500000e+00, max = 2.000000e+00, hist_min = -1.500000e+00, hist_max = 2.000000e+00, hist_counts = [1.500000e+00, 2, 2.500000e-01, 2.250000e+00]>
// CHECK: channel_stats = [#qnn.stats<count = 2, min = 0.000000e+00, max = 1.000000e+00>, #qnn.stats<count = 2, min = -1.000000e+00, max = 1.000000e+00>]
func.func @ranged(%x: tensor<6xf32>, %y: tensor<2x2xf32>) -> (tensor<6xf32>, tensor<2x2xf32>) {
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, stats = #qnn.stats<count = 6, min = -1.5, max = 2.0, hist_min = -1.5, hist_max = 2.0, hist_counts = [1.5, 2, 0.25, 2.25]>, range = #qnn.range<min = -1.25, max = 2.0, source = "observed">} : tensor<6xf32>
  %1 = qnn.observe %y {name = "y", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>, channel_stats = [#qnn.stats<count = 2, min = 0.0, max = 1.0>, #qnn.stats<count = 2, min = -1.0, max = 1.0>]} : tensor<2x2xf32>
  return %0, %1 : tensor<6xf32>, tensor<2x2xf32>
}
