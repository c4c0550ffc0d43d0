// RUN: quant-opt %s --verify-roundtrip | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// Every attribute form and op of the qnn dialect, printed and parsed back.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qu = !quant.uniform<u8:f32, 0.25:128>
!qo = !quant.uniform<i8:f32, 1.0:5>
!qw = !quant.uniform<i8<-127:127>:f32, 0.125>
!qwc = !quant.uniform<i8<-127:127>:f32:1, {0.25, 0.125, 0.5}>
!qwc3 = !quant.uniform<i8:f32:2, {0.25, 0.125, 0.5}>
!qb = !quant.uniform<i32:f32, 0.0625>
!qbc = !quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25}>

// CHECK-LABEL: @observe_recipes
func.func @observe_recipes(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // CHECK: qnn.observe %{{.*}} {name = "a", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>}
  %0 = qnn.observe %x {name = "a", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = si8, scheme = symmetric, narrow_range = true, granularity = channel, axis = 0>
  %1 = qnn.observe %0 {name = "b", recipe = #qnn.recipe<storage = si8, scheme = symmetric, narrow_range = true, granularity = channel, axis = 0>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 1, group_size = 32>
  %2 = qnn.observe %1 {name = "c", recipe = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 1, group_size = 32>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 99.989999999999994, num_bins = 2048>
  %3 = qnn.observe %2 {name = "d", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 99.99, num_bins = 2048>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = si16, scheme = symmetric, method = avg_minmax, averaging_constant = 1.000000e-02>
  %4 = qnn.observe %3 {name = "e", recipe = #qnn.recipe<storage = si16, scheme = symmetric, method = avg_minmax, averaging_constant = 0.01>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = entropy, num_bins = 128>
  %5 = qnn.observe %4 {name = "f", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = entropy, num_bins = 128>} : tensor<2x64xf32>
  // CHECK: recipe = #qnn.recipe<storage = si2, scheme = symmetric, method = mse>
  %6 = qnn.observe %5 {name = "g", recipe = #qnn.recipe<storage = si2, scheme = symmetric, method = mse>} : tensor<2x64xf32>
  return %6 : tensor<2x64xf32>
}

// CHECK-LABEL: @observe_stats
func.func @observe_stats(%x: tensor<6xf32>) -> tensor<6xf32> {
  // CHECK: stats = #qnn.stats<count = 6, min = -1.500000e+00, max = 2.000000e+00>
  %0 = qnn.observe %x {name = "s", recipe = #qnn.recipe<storage = si8, scheme = symmetric>, stats = #qnn.stats<count = 6, min = -1.5, max = 2.0>} : tensor<6xf32>
  // CHECK: stats = #qnn.stats<count = 6, min = -1.500000e+00, max = 2.000000e+00, avg_min = -1.250000e+00, avg_max = 1.750000e+00, hist_min = -1.500000e+00, hist_max = 2.000000e+00, hist_counts = [1, 2, 0, 3]>
  %1 = qnn.observe %0 {name = "h", recipe = #qnn.recipe<storage = si8, scheme = symmetric>, stats = #qnn.stats<count = 6, min = -1.5, max = 2.0, avg_min = -1.25, avg_max = 1.75, hist_min = -1.5, hist_max = 2.0, hist_counts = [1, 2, 0, 3]>} : tensor<6xf32>
  // The shortest form that parses back to the same double.
  // CHECK: stats = #qnn.stats<count = 0, min = 1.000000e-01, max = 1.000000e-01>
  %2 = qnn.observe %1 {name = "p", recipe = #qnn.recipe<storage = si8, scheme = symmetric>, stats = #qnn.stats<count = 0, min = 0.1, max = 0.1>} : tensor<6xf32>
  return %2 : tensor<6xf32>
}

// CHECK-LABEL: @requantize
func.func @requantize(%x: tensor<4x!qa>, %w: tensor<4x3x!qwc>) -> (tensor<4x!qu>, tensor<4x3x!qwc>) {
  // CHECK: qnn.requantize %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>
  %0 = qnn.requantize %x : tensor<4x!qa> -> tensor<4x!qu>
  // Per-axis to per-axis on the same axis.
  // CHECK: qnn.requantize %{{.*}} : tensor<4x3x!quant.uniform<i8<-127:127>:f32:1
  %1 = qnn.requantize %w : tensor<4x3x!qwc> -> tensor<4x3x!qwc>
  return %0, %1 : tensor<4x!qu>, tensor<4x3x!qwc>
}

// CHECK-LABEL: @matmul_per_tensor
func.func @matmul_per_tensor(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x3x!quant.uniform<i8<-127:127>:f32, 1.250000e-01>>) -> tensor<2x3x!quant.uniform<i8:f32, 1.000000e+00:5>>
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// 16-bit operands, K = 4: the storage ranges allow 4 * 32768 * 32768 =
// 2^32, but the constant weights reach only (1 + 2 + 3 + 4) * 32768.
// CHECK-LABEL: @matmul_constant_weights_bound
// CHECK:         qnn.matmul
func.func @matmul_constant_weights_bound(%x: tensor<2x4x!quant.uniform<i16:f32, 0.5>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0>> {
  %wi = arith.constant dense<[[1], [2], [-3], [4]]> : tensor<4x1xi16>
  %w = quant.scast %wi : tensor<4x1xi16> to tensor<4x1x!quant.uniform<i16:f32, 0.25>>
  %0 = qnn.matmul %x, %w : (tensor<2x4x!quant.uniform<i16:f32, 0.5>>, tensor<4x1x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<2x1x!quant.uniform<i8:f32, 1.0>>
}

// 16-bit operands, K = 8: neither bound holds (runtime weights), but one
// product (2^30) fits i32: valid, K split into chunks of 1 summed in i64
// (accumulator_chunk, set by quant-fuse-requant or chosen by the lowering).
// CHECK-LABEL: @matmul_split_k
func.func @matmul_split_k(%x: tensor<2x8x!quant.uniform<i16:f32, 0.5>>, %w: tensor<8x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x3x!qo> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} :
  %0 = qnn.matmul %x, %w : (tensor<2x8x!quant.uniform<i16:f32, 0.5>>, tensor<8x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x3x!qo>
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} {accumulator_chunk = 1 : i64} :
  %1 = qnn.matmul %x, %w {accumulator_chunk = 1} : (tensor<2x8x!quant.uniform<i16:f32, 0.5>>, tensor<8x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x3x!qo>
  return %1 : tensor<2x3x!qo>
}

// Per-group (blocked) int4 weights: blocks of 4 along K, one scale and
// zero point per (block, column), upstream's sub-channel type.
// CHECK-LABEL: @matmul_per_group
func.func @matmul_per_group(%x: tensor<2x8x!qa>, %w: tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>>) -> tensor<2x2x!qo> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x8x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}

// CHECK-LABEL: @matmul_bias
func.func @matmul_bias(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} bias %{{.*}} :
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// CHECK-LABEL: @matmul_per_channel
func.func @matmul_per_channel(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qwc>, %b: tensor<3x!qbc>) -> tensor<2x3x!qo> {
  // CHECK: qnn.matmul %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x3x!quant.uniform<i8<-127:127>:f32:1, {2.500000e-01,1.250000e-01,5.000000e-01}>>, tensor<3x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02,2.500000e-01}>>)
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qwc>, tensor<3x!qbc>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// Batched lhs with shared [K, N] weights, a batched rhs, dynamic batch and M.
// CHECK-LABEL: @matmul_batched
func.func @matmul_batched(%x: tensor<?x?x4x!qu>, %w: tensor<4x3x!qw>, %y: tensor<2x5x4x!qa>, %v: tensor<2x4x3x!qwc3>) -> (tensor<?x?x3x!qo>, tensor<2x5x3x!qo>) {
  // CHECK: qnn.matmul {{.*}} -> tensor<?x?x3x!quant.uniform
  %0 = qnn.matmul %x, %w : (tensor<?x?x4x!qu>, tensor<4x3x!qw>) -> tensor<?x?x3x!qo>
  // CHECK: qnn.matmul {{.*}} -> tensor<2x5x3x!quant.uniform
  %1 = qnn.matmul %y, %v : (tensor<2x5x4x!qa>, tensor<2x4x3x!qwc3>) -> tensor<2x5x3x!qo>
  return %0, %1 : tensor<?x?x3x!qo>, tensor<2x5x3x!qo>
}

!qx = !quant.uniform<u8:f32, 0.5:128>
!qcw = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.5, 0.25}>
!qcb = !quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25, 0.125}>
!qco = !quant.uniform<u8:f32, 1.0:120>

// Padded, strided, per-channel weights with a bias; a depthwise conv with
// dilation and a dynamic batch; a grouped conv without padding.
// CHECK-LABEL: @conv2d
func.func @conv2d(%x: tensor<1x3x8x8x!qx>, %w: tensor<4x3x3x3x!qcw>, %b: tensor<4x!qcb>, %y: tensor<?x4x7x7x!qa>, %dw: tensor<4x1x3x3x!qw>, %gw: tensor<4x2x1x1x!qw>) -> (tensor<1x4x4x4x!qco>, tensor<?x4x3x3x!qo>, tensor<?x4x8x8x!qo>) {
  // CHECK: qnn.conv2d %{{.*}}, %{{.*}} bias %{{.*}} strides [2, 2] dilations [1, 1] padding [1, 1, 1, 1] groups 1 : (tensor<1x3x8x8x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,1.250000e-01,5.000000e-01,2.500000e-01}>>, tensor<4x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02,2.500000e-01,1.250000e-01}>>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 1.000000e+00:120>>
  %0 = qnn.conv2d %x, %w bias %b strides [2, 2] dilations [1, 1] padding [1, 1, 1, 1] groups 1 : (tensor<1x3x8x8x!qx>, tensor<4x3x3x3x!qcw>, tensor<4x!qcb>) -> tensor<1x4x4x4x!qco>
  // CHECK: qnn.conv2d %{{.*}}, %{{.*}} strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] groups 4 : {{.*}} -> tensor<?x4x3x3x!quant.uniform
  %1 = qnn.conv2d %y, %dw strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] groups 4 : (tensor<?x4x7x7x!qa>, tensor<4x1x3x3x!qw>) -> tensor<?x4x3x3x!qo>
  // CHECK: qnn.conv2d %{{.*}}, %{{.*}} strides [1, 1] dilations [1, 1] padding [0, 0, 1, 1] groups 2 : {{.*}} -> tensor<?x4x8x8x!quant.uniform
  %2 = qnn.conv2d %y, %gw strides [1, 1] dilations [1, 1] padding [0, 0, 1, 1] groups 2 : (tensor<?x4x7x7x!qa>, tensor<4x2x1x1x!qw>) -> tensor<?x4x8x8x!qo>
  return %0, %1, %2 : tensor<1x4x4x4x!qco>, tensor<?x4x3x3x!qo>, tensor<?x4x8x8x!qo>
}

!qpi = !quant.uniform<u8:f32, 0.5:128>
!qpo = !quant.uniform<u8:f32, 0.25:120>

// A padded strided average pool with count_include_pad and a dynamic batch;
// a global average pool (the whole image as the window).
// CHECK-LABEL: @avg_pool2d
func.func @avg_pool2d(%x: tensor<?x8x16x16x!qpi>, %y: tensor<1x8x7x7x!qpi>) -> (tensor<?x8x8x8x!qpo>, tensor<1x8x1x1x!qpo>) {
  // CHECK: qnn.avg_pool2d %{{.*}} kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad : tensor<?x8x16x16x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<?x8x8x8x!quant.uniform<u8:f32, 2.500000e-01:120>>
  %0 = qnn.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad : tensor<?x8x16x16x!qpi> -> tensor<?x8x8x8x!qpo>
  // CHECK: qnn.avg_pool2d %{{.*}} kernel [7, 7] strides [1, 1] padding [0, 0, 0, 0] : {{.*}} -> tensor<1x8x1x1x!quant.uniform
  %1 = qnn.avg_pool2d %y kernel [7, 7] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x8x7x7x!qpi> -> tensor<1x8x1x1x!qpo>
  return %0, %1 : tensor<?x8x8x8x!qpo>, tensor<1x8x1x1x!qpo>
}


!nqx = !quant.uniform<u8:f32, 0.5:128>
!nqw = !quant.uniform<i8:f32:0, {0.25, 0.5}>
!nqo = !quant.uniform<u8:f32, 1.0:120>
// Channels last: NHWC input, OHWI weights, NHWC result; the default
// data_layout ("NCHW") is not printed.
// CHECK-LABEL: @conv2d_nhwc
!nqw2 = !quant.uniform<i8:f32, 0.25>
func.func @conv2d_nhwc(%x: tensor<?x8x7x3x!nqx>, %w: tensor<2x3x2x3x!nqw>, %dw: tensor<6x3x3x1x!nqw2>) -> (tensor<?x4x6x2x!nqo>, tensor<?x8x7x6x!nqo>) {
  // CHECK: qnn.conv2d {{.*}} strides [2, 1] dilations [1, 1] padding [1, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<?x8x7x3x
  %0 = qnn.conv2d %x, %w strides [2, 1] dilations [1, 1] padding [1, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<?x8x7x3x!nqx>, tensor<2x3x2x3x!nqw>) -> tensor<?x4x6x2x!nqo>
  // CHECK: qnn.conv2d {{.*}} groups 3 {data_layout = "NHWC"} : (tensor<?x8x7x3x
  %1 = qnn.conv2d %x, %dw strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] groups 3 {data_layout = "NHWC"} : (tensor<?x8x7x3x!nqx>, tensor<6x3x3x1x!nqw2>) -> tensor<?x8x7x6x!nqo>
  return %0, %1 : tensor<?x4x6x2x!nqo>, tensor<?x8x7x6x!nqo>
}
