// RUN: quant-opt %s --split-input-file --quant-lower-qnn | FileCheck %s

// qnn.avg_pool2d: the input padded with its zero point, an exact i32 window
// sum of the stored values, then one fp32 requantize per element whose
// multiplier s_in / (s_out * count) is a compile-time constant per output
// position (count: the taps inside the input).

!qi = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<u8:f32, 0.25:120>
// Counts [[4, 4, 2], [6, 6, 3]] (top padding cuts the first row of windows,
// right padding the last column), multipliers 2 / count.
// CHECK-LABEL: @avg_pool
// CHECK-SAME:    (%[[X:.*]]: tensor<?x2x4x5xi8>) -> tensor<?x2x2x3xi8>
// CHECK:         %[[ZX:.*]] = arith.constant -3 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 0, 1]
// CHECK:           tensor.yield %[[ZX]] : i8
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[P]], %{{.*}} : tensor<?x2x5x6xi8>, tensor<3x2xi8>) outs(%{{.*}} : tensor<?x2x2x3xi32>)
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:           arith.addi
// CHECK:         %[[M:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 5.000000e-01, 1.000000e+00], [0.333333343, 0.333333343, 0.666666686]]> : tensor<2x3xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]], %[[M]] : tensor<?x2x2x3xi32>, tensor<2x3xf32>) outs(%{{.*}} : tensor<?x2x2x3xi8>)
// CHECK-NEXT:    ^bb0(%[[S:.*]]: i32, %[[MUL:.*]]: f32, %{{.*}}: i8):
// CHECK-NEXT:      %[[KZX:.*]] = arith.constant -18 : i32
// CHECK-NEXT:      %[[C:.*]] = arith.subi %[[S]], %[[KZX]] : i32
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK-NEXT:      %[[Y:.*]] = arith.mulf %[[F]], %[[MUL]] : f32
// CHECK:           math.roundeven %[[Y]] : f32
// CHECK:           arith.fptoui %{{.*}} : f32 to i8
func.func @avg_pool(%x: tensor<?x2x4x5x!qi>) -> tensor<?x2x2x3x!qo> {
  %0 = qnn.avg_pool2d %x kernel [3, 2] strides [2, 2] padding [1, 0, 0, 1] : tensor<?x2x4x5x!qi> -> tensor<?x2x2x3x!qo>
  return %0 : tensor<?x2x2x3x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
// count_include_pad: every window counts 9 taps; u8 zero-extends.
// CHECK-LABEL: @avg_pool_include_pad
// CHECK:         tensor.pad
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:         arith.constant dense<0.222222224> : tensor<2x2xf32>
// CHECK:           arith.constant 1152 : i32
func.func @avg_pool_include_pad(%x: tensor<1x1x3x3x!qi>) -> tensor<1x1x2x2x!qo> {
  %0 = qnn.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad : tensor<1x1x3x3x!qi> -> tensor<1x1x2x2x!qo>
  return %0 : tensor<1x1x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
// Global: no padding, one window, the multiplier 0.5 / (0.25 * 12).
// CHECK-LABEL: @global_avg_pool
// CHECK-NOT:     tensor.pad
// CHECK:         arith.constant dense<0.166666672> : tensor<1x1xf32>
// CHECK:           arith.constant 1536 : i32
func.func @global_avg_pool(%x: tensor<1x4x3x4x!qi>) -> tensor<1x4x1x1x!qo> {
  %0 = qnn.avg_pool2d %x kernel [3, 4] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x4x3x4x!qi> -> tensor<1x4x1x1x!qo>
  return %0 : tensor<1x4x1x1x!qo>
}
