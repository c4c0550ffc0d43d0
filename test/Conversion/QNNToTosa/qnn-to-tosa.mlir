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


// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0>

// Grouped (2 groups of 2 channels): one tosa.conv2d per group on slices of
// the channels, the kernel and the bias, concatenated on the channels.
// CHECK-LABEL: @grouped
// CHECK:         tosa.slice {{.*}} : (tensor<1x5x5x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x5x5x2xi8>
// CHECK:         tosa.slice {{.*}} : (tensor<4x3x3x2xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x3x3x2xi8>
// CHECK:         tosa.slice {{.*}} : (tensor<4xi32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<2xi32>
// CHECK:         tosa.conv2d {{.*}} -> tensor<1x3x3x2xi32>
// CHECK:         tosa.conv2d {{.*}} -> tensor<1x3x3x2xi32>
// CHECK:         tosa.concat {{.*}} {axis = 3 : i32} : (tensor<1x3x3x2xi32>, tensor<1x3x3x2xi32>) -> tensor<1x3x3x4xi32>
// CHECK:         tosa.rescale
func.func @grouped(%x: tensor<1x4x5x5x!qa>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 : (tensor<1x4x5x5x!qa>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %y : tensor<1x4x3x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:130>
!qb = !quant.uniform<u8:f32, 0.25:120>
!qo = !quant.uniform<u8:f32, 2.0:128>
!qt = !quant.uniform<i8:f32, 1.0>

// qnn.mul: both operands exactly to i32 minus their zero points, the
// lower-rank one reshaped to the result's rank, tosa.mul in i32, one
// rescale. qnn.clamp on uint8: to int8 (zero point - 128), tosa.clamp with
// the bounds moved by -128, back to uint8. qnn.lookup: tosa.table with the
// uint8 table rotated by 128.
// CHECK-LABEL: @elementwise
// CHECK:         %[[A:.*]] = tosa.rescale {{.*}} {input_unsigned = true, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x3xi8>, {{.*}}) -> tensor<2x3xi32>
// CHECK:         %[[B:.*]] = tosa.reshape {{.*}} -> tensor<1x3xi8>
// CHECK:         %[[BI:.*]] = tosa.rescale %[[B]], {{.*}} -> tensor<1x3xi32>
// CHECK:         %[[P:.*]] = tosa.mul %[[A]], %[[BI]], {{.*}} -> tensor<2x3xi32>
// CHECK:         %[[M:.*]] = tosa.rescale %[[P]], {{.*}}output_unsigned = true{{.*}} -> tensor<2x3xi8>
// CHECK:         %[[S:.*]] = tosa.rescale %{{.*}}, {{.*}}input_unsigned = true, output_unsigned = false{{.*}} -> tensor<2x3xi8>
// CHECK:         %[[C:.*]] = tosa.clamp %[[S]] {max_val = 72 : i8, min_val = 0 : i8} : (tensor<2x3xi8>) -> tensor<2x3xi8>
// CHECK:         %[[U:.*]] = tosa.rescale %[[C]], {{.*}}input_unsigned = false, output_unsigned = true{{.*}} -> tensor<2x3xi8>
// CHECK:         %[[T:.*]] = "tosa.const"() <{values = dense<"0x000102{{[0-9A-F]*}}7E7F8081{{[0-9A-F]*}}FEFF"> : tensor<256xi8>}>
// CHECK:         tosa.table %{{.*}}, %[[T]] : (tensor<2x3xi8>, tensor<256xi8>) -> tensor<2x3xi8>
func.func @elementwise(%a: tensor<2x3x!qa>, %b: tensor<3x!qb>) -> tensor<2x3x!qt> {
  %m = qnn.mul %a, %b : (tensor<2x3x!qa>, tensor<3x!qb>) -> tensor<2x3x!qo>
  %c = qnn.clamp %m min 128 max 200 : tensor<2x3x!qo>
  %t = qnn.lookup %c table dense<[-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<256xi64> : (tensor<2x3x!qo>) -> tensor<2x3x!qt>
  return %t : tensor<2x3x!qt>
}

// -----

// qnn.add as TensorFlow's ADD legalization: each operand rescaled to i32
// minus its zero point by 2^20 s / (2 max(sa, sb)) (the rhs reshaped to
// rank 2 first), tosa.add, the sum rescaled to the result; uint8 operands
// through the rescale's unsigned flag.
!qa = !quant.uniform<u8:f32, 0.5:128>
!qb = !quant.uniform<i8:f32, 0.25:-3>
!qc = !quant.uniform<i8:f32, 0.125:2>
// CHECK-LABEL: @add
// CHECK:         %[[A:.*]] = tosa.rescale %{{.*}} {input_unsigned = true, output_unsigned = false, per_channel = false, {{.*}}} : (tensor<3x4xi8>, {{.*}}) -> tensor<3x4xi32>
// CHECK:         %[[B2:.*]] = tosa.reshape %{{.*}} : (tensor<4xi8>, !tosa.shape<2>) -> tensor<1x4xi8>
// CHECK:         %[[B:.*]] = tosa.rescale %[[B2]], {{.*}} -> tensor<1x4xi32>
// CHECK:         %[[S:.*]] = tosa.add %[[A]], %[[B]] : (tensor<3x4xi32>, tensor<1x4xi32>) -> tensor<3x4xi32>
// CHECK:         tosa.rescale %[[S]], {{.*}} -> tensor<3x4xi8>
// CHECK-NOT:     qnn.add
func.func @add(%a: tensor<3x4x!qa>, %b: tensor<4x!qb>) -> tensor<3x4x!qc> {
  %y = qnn.add %a, %b : (tensor<3x4x!qa>, tensor<4x!qb>) -> tensor<3x4x!qc>
  return %y : tensor<3x4x!qc>
}

// -----

// qnn.sub with a per-axis lhs (last dimension): per-channel rescales of
// both inputs and of the difference (2 max(sa[c], sb) varies by channel).
!qa = !quant.uniform<i8:f32:1, {0.5:1, 0.25:1}>
!qb = !quant.uniform<i8:f32, 0.25>
!qc = !quant.uniform<i8:f32, 0.125:2>
// CHECK-LABEL: @sub_per_axis
// CHECK:         "tosa.const"() <{values = dense<11> : tensor<2xi8>}>
// CHECK:         tosa.rescale {{.*}} per_channel = true
// CHECK:         "tosa.const"() <{values = dense<[12, 11]> : tensor<2xi8>}>
// CHECK:         tosa.rescale {{.*}} per_channel = true
// CHECK:         tosa.sub
// CHECK:         "tosa.const"() <{values = dense<[47, 48]> : tensor<2xi8>}>
// CHECK:         tosa.rescale {{.*}} per_channel = true
// CHECK-NOT:     qnn.sub
func.func @sub_per_axis(%a: tensor<3x2x!qa>, %b: tensor<3x2x!qb>) -> tensor<3x2x!qc> {
  %y = qnn.sub %a, %b : (tensor<3x2x!qa>, tensor<3x2x!qb>) -> tensor<3x2x!qc>
  return %y : tensor<3x2x!qc>
}

// -----

// qnn.avg_pool2d as tosa.avg_pool2d between NCHW/NHWC transposes, its
// padding in TOSA's order (top, bottom, left, right; the right one, which
// no window reads, dropped), the output zero point on the pool.
!qp = !quant.uniform<i8:f32, 0.5:3>
!qr = !quant.uniform<i8:f32, 0.5:-7>
// CHECK-LABEL: @avg_pool
// CHECK:         %[[T:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>}
// CHECK:         %[[P:.*]] = tosa.avg_pool2d %[[T]], {{.*}} {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x5x5x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x2x2xi8>
// CHECK:         tosa.transpose %[[P]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NOT:     tosa.rescale
// CHECK-NOT:     qnn.avg_pool2d
func.func @avg_pool(%x: tensor<1x2x5x5x!qp>) -> tensor<1x2x3x2x!qr> {
  %y = qnn.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 0, 1, 1] : tensor<1x2x5x5x!qp> -> tensor<1x2x3x2x!qr>
  return %y : tensor<1x2x3x2x!qr>
}

// -----

// A global average pool on uint8 with a scale change: int8 in (an exact
// rescale), the average at the input's zero point, then one rescale by
// s_in / s_out to the uint8 result; count_include_pad with padding pads
// explicitly with the zero point.
!qp = !quant.uniform<i8:f32, 0.5:3>
!qg = !quant.uniform<u8:f32, 0.5:130>
!qh = !quant.uniform<u8:f32, 0.25:120>
// CHECK-LABEL: @global_avg_pool
// CHECK:         tosa.rescale {{.*}} {input_unsigned = true, output_unsigned = false
// CHECK:         tosa.avg_pool2d {{.*}} kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
// CHECK:         tosa.rescale {{.*}} {input_unsigned = false, output_unsigned = true
// CHECK-NOT:     qnn.avg_pool2d
func.func @global_avg_pool(%x: tensor<2x3x4x4x!qg>) -> tensor<2x3x1x1x!qh> {
  %y = qnn.avg_pool2d %x kernel [4, 4] strides [1, 1] padding [0, 0, 0, 0] : tensor<2x3x4x4x!qg> -> tensor<2x3x1x1x!qh>
  return %y : tensor<2x3x1x1x!qh>
}

// CHECK-LABEL: @include_pad
// CHECK:         tosa.pad
// CHECK:         tosa.avg_pool2d {{.*}} pad = array<i64: 0, 0, 0, 0>
func.func @include_pad(%x: tensor<1x2x4x4x!qp>) -> tensor<1x2x2x2x!qp> {
  %y = qnn.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 0, 0] count_include_pad : tensor<1x2x4x4x!qp> -> tensor<1x2x2x2x!qp>
  return %y : tensor<1x2x2x2x!qp>
}

// -----

// qnn.leaky_relu as TensorFlow's LEAKY_RELU legalization: the input
// rescaled exactly to i32 minus its zero point, compared with 0, selecting
// between its rescales by s_in / s_out = 1/2 (shift 31) and by alpha s_in /
// s_out = 1/8 (shift 33).
!lr_in = !quant.uniform<i8:f32, 0.05:3>
!lr_out = !quant.uniform<i8:f32, 0.1:-2>
// CHECK-LABEL: @leaky_relu
// CHECK:         %[[V:.*]] = tosa.rescale {{.*}} -> tensor<2x4xi32>
// CHECK:         %[[Z:.*]] = "tosa.const"() <{values = dense<0> : tensor<1x1xi32>}>
// CHECK:         %[[GE:.*]] = tosa.greater_equal %[[V]], %[[Z]] : (tensor<2x4xi32>, tensor<1x1xi32>) -> tensor<2x4xi1>
// CHECK:         "tosa.const"() <{values = dense<31> : tensor<1xi8>}>
// CHECK:         %[[ID:.*]] = tosa.rescale {{.*}} -> tensor<2x4xi8>
// CHECK:         "tosa.const"() <{values = dense<33> : tensor<1xi8>}>
// CHECK:         %[[AL:.*]] = tosa.rescale {{.*}} -> tensor<2x4xi8>
// CHECK:         tosa.select %[[GE]], %[[ID]], %[[AL]]
// CHECK-NOT:     qnn.leaky_relu
func.func @leaky_relu(%x: tensor<2x4x!lr_in>) -> tensor<2x4x!lr_out> {
  %y = qnn.leaky_relu %x alpha 0.25 : (tensor<2x4x!lr_in>) -> tensor<2x4x!lr_out>
  return %y : tensor<2x4x!lr_out>
}
