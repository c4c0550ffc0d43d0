// RUN: quant-opt %s --split-input-file --quant-convert-qnn-to-tosa | FileCheck %s

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.125, 0.5}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// A linear layer: uint8 activations move to int8 (zero point 128 - 128 = 0)
// by an exact rescale, tosa.matmul takes the zero points, the bias is an
// i32 tosa.add, and a per-channel tosa.rescale gives the int8 result; the
// mode used is recorded.
// CHECK:       module attributes {qnn.requant_mode = #qnn.requant_mode<tosa_double_round>}
// CHECK-LABEL: @linear
// CHECK:         %[[X:.*]] = quant.scast %{{.*}} : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>> to tensor<2x4xi8>
// CHECK:         %[[X8:.*]] = tosa.rescale %[[X]], {{.*}} {input_unsigned = true, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true}
// CHECK:         %[[ACC:.*]] = tosa.matmul {{.*}} -> tensor<1x2x3xi32>
// CHECK:         %[[BIASED:.*]] = tosa.add %[[ACC]], {{.*}} : (tensor<1x2x3xi32>, tensor<1x1x3xi32>) -> tensor<1x2x3xi32>
// CHECK:         %[[Y:.*]] = tosa.rescale %[[BIASED]], {{.*}} {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x2x3xi32>, tensor<3xi32>, tensor<3xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x3xi8>
// CHECK:         quant.scast %{{.*}} : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NOT:     qnn.matmul
func.func @linear(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  %y = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %y : tensor<2x3x!qo>
}

// -----

!qi = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<u8:f32, 0.25:128>

// A requantize is one rescale; single rounding when the module records it.
// CHECK-LABEL: @requantize
// CHECK:         tosa.rescale %{{.*}} {input_unsigned = false, output_unsigned = true, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
module attributes {qnn.requant_mode = #qnn.requant_mode<tosa_single_round>} {
  func.func @requantize(%x: tensor<4x!qi>) -> tensor<4x!qo> {
    %0 = qnn.requantize %x : tensor<4x!qi> -> tensor<4x!qo>
    return %0 : tensor<4x!qo>
  }
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// A convolution: NCHW -> NHWC, FCHW weights -> OHWI, padding reordered to
// TOSA's [top, bottom, left, right], a per-channel rescale over the last
// (channel) dimension, and back to NCHW.
// CHECK-LABEL: @conv
// CHECK:         %[[IN:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xi8>) -> tensor<1x5x5x3xi8>
// CHECK:         %[[W:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x3x3x3xi8>) -> tensor<2x3x3x3xi8>
// CHECK:         tosa.conv2d %[[IN]], %[[W]], %{{.*}} {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 0, 2>, stride = array<i64: 2, 2>}
// CHECK:         tosa.rescale {{.*}} per_channel = true
// CHECK:         tosa.transpose %{{.*}} {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xi8>) -> tensor<1x2x3x3xi8>
func.func @conv(%x: tensor<1x3x5x5x!qa>, %w: tensor<2x3x3x3x!qw>, %b: tensor<2x!qb>) -> tensor<1x2x3x3x!qo> {
  %y = qnn.conv2d %x, %w bias %b strides [2, 2] dilations [1, 1] padding [1, 0, 1, 2] groups 1 : (tensor<1x3x5x5x!qa>, tensor<2x3x3x3x!qw>, tensor<2x!qb>) -> tensor<1x2x3x3x!qo>
  return %y : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Depthwise (one input channel a group, a channel multiplier of 2): the
// FCHW weights become TOSA's [KH, KW, C, M].
// CHECK-LABEL: @depthwise
// CHECK:         %[[W:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 2, 3, 0, 1>} : (tensor<6x1x3x3xi8>) -> tensor<3x3x6x1xi8>
// CHECK:         %[[W2:.*]] = tosa.reshape %[[W]], {{.*}} -> tensor<3x3x3x2xi8>
// CHECK:         tosa.depthwise_conv2d %{{.*}}, %[[W2]], {{.*}} -> tensor<1x3x3x6xi32>
func.func @depthwise(%x: tensor<1x3x5x5x!qa>, %w: tensor<6x1x3x3x!qw>) -> tensor<1x6x3x3x!qo> {
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 3 : (tensor<1x3x5x5x!qa>, tensor<6x1x3x3x!qw>) -> tensor<1x6x3x3x!qo>
  return %y : tensor<1x6x3x3x!qo>
}

