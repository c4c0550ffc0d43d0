// RUN: quant-opt %s --split-input-file --quant-fold-qdq | FileCheck %s
// A layer left in QDQ form is not a failure: the pass succeeds and the IR
// is unchanged.
// (The errors file also holds one real error, hence `not`; its expected-*
// annotations are renamed so that the driver does not check them.)
// RUN: sed 's/expected-/annotated-/' %S/fold-qdq-errors.mlir > %t.unfolded.mlir
// RUN: not quant-opt %t.unfolded.mlir --split-input-file --quant-fold-qdq 2> %t.err | FileCheck %s --check-prefix=UNFOLDED
// RUN: FileCheck %s --check-prefix=UNFOLDED-ERR < %t.err
// UNFOLDED-LABEL: func.func @bias_runtime_float
// UNFOLDED:         tosa.matmul
// UNFOLDED:         tosa.add
// UNFOLDED:         quant.qcast
// UNFOLDED-NOT:     qnn.matmul
// UNFOLDED-LABEL: func.func @per_axis_input
// UNFOLDED:         linalg.matmul
// UNFOLDED-NOT:     qnn.matmul
// UNFOLDED-LABEL: func.func @bias_scale_mismatch
// UNFOLDED:         tosa.matmul
// UNFOLDED-NOT:     qnn.matmul
// UNFOLDED-LABEL: func.func @conv_pad_nonzero
// UNFOLDED:         tensor.pad
// UNFOLDED:         linalg.conv_2d_nchw_fchw
// UNFOLDED-NOT:     qnn.conv2d
// UNFOLDED-LABEL: func.func @conv_grouped_collapse
// UNFOLDED:         linalg.conv_2d_ngchw_gfchw
// UNFOLDED-NOT:     qnn.conv2d
// UNFOLDED-LABEL: func.func @conv_weight_axis
// UNFOLDED:         linalg.conv_2d_nchw_fchw
// UNFOLDED-NOT:     qnn.conv2d
// Without explain, no remark is printed.
// UNFOLDED-ERR-NOT: remark
// UNFOLDED-ERR:     error: bias value 5.000000e+03
// UNFOLDED-ERR-NOT: {{error|remark}}

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// The TOSA form of a QDQ linear layer, int32 bias through tosa.reshape.
// CHECK-LABEL: @tosa_per_tensor
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x4xf32>
// CHECK-DAG:     %[[XQ:.*]] = quant.qcast %[[X]]
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{.*}}> : tensor<1x4x3xi8>
// CHECK-DAG:     %[[WQ:.*]] = quant.scast %[[WI]]
// CHECK-DAG:     %[[BI:.*]] = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
// CHECK-DAG:     %[[BQ:.*]] = quant.scast %[[BI]] : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK:         %[[Y:.*]] = qnn.matmul %[[XQ]], %[[WQ]] bias %[[BQ]] : (tensor<1x2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<1x4x3x!quant.uniform<i8<-127:127>:f32, 2.500000e-01>>, tensor<3x!quant.uniform<i32:f32, 1.250000e-01>>) -> tensor<1x2x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK:         %[[YD:.*]] = quant.dcast %[[Y]]
// CHECK:         return %[[YD]]
// CHECK-NOT:     tosa.matmul
// CHECK-NOT:     tosa.add
func.func @tosa_per_tensor(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %xq = quant.qcast %x : tensor<1x2x4xf32> to tensor<1x2x4x!qa>
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wi = arith.constant dense<[[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]]> : tensor<1x4x3xi8>
  %wq = quant.scast %wi : tensor<1x4x3xi8> to tensor<1x4x3x!qw>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %bi = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %bq = quant.scast %bi : tensor<3xi32> to tensor<3x!qb>
  %b = quant.dcast %bq : tensor<3x!qb> to tensor<3xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b3 = tosa.reshape %b, %s : (tensor<3xf32>, !tosa.shape<3>) -> tensor<1x1x3xf32>
  %y = tosa.add %mm, %b3 : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32>
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  %yd = quant.dcast %yq : tensor<1x2x3x!qo> to tensor<1x2x3xf32>
  return %yd : tensor<1x2x3xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:2, {0.25, 0.5}>
!qo = !quant.uniform<u8:f32, 2.0:100>

// Float weights and a float bias are quantized at compile time: weights per
// channel with round half to even (0.375 / 0.25 = 1.5 -> 2, 0.625 / 0.25 =
// 2.5 -> 2, -0.75 / 0.5 = -1.5 -> -2, 1000 saturates to 127); the bias at
// s_in * s_w = {0.125, 0.25} (0.3125 / 0.125 = 2.5 -> 2, -1.0 / 0.25 = -4),
// the bias add written with the bias first.
// CHECK-LABEL: @tosa_float_weights_and_bias
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{\[\[\[}}2, -2], [2, 127]]]> : tensor<1x2x2xi8>
// CHECK-DAG:     %[[WQ:.*]] = quant.scast %[[WI]] : tensor<1x2x2xi8> to tensor<1x2x2x!quant.uniform<i8<-127:127>:f32:2, {2.500000e-01,5.000000e-01}>>
// CHECK-DAG:     %[[BI:.*]] = arith.constant dense<[2, -4]> : tensor<2xi32>
// CHECK-DAG:     %[[BQ:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01}>>
// CHECK:         qnn.matmul %{{.*}}, %[[WQ]] bias %[[BQ]]
// CHECK-NOT:     arith.constant {{.*}}xf32>
func.func @tosa_float_weights_and_bias(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %xq = quant.qcast %x : tensor<1x3x2xf32> to tensor<1x3x2x!qa>
  %xd = quant.dcast %xq : tensor<1x3x2x!qa> to tensor<1x3x2xf32>
  %wf = arith.constant dense<[[[0.375, -0.75], [0.625, 1000.0]]]> : tensor<1x2x2xf32>
  %wq = quant.qcast %wf : tensor<1x2x2xf32> to tensor<1x2x2x!qw>
  %wd = quant.dcast %wq : tensor<1x2x2x!qw> to tensor<1x2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %b = "tosa.const"() {values = dense<[[[0.3125, -1.0]]]> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32>
  %y = tosa.add %b, %mm : (tensor<1x1x2xf32>, tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %yq = quant.qcast %y : tensor<1x3x2xf32> to tensor<1x3x2x!qo>
  %yd = quant.dcast %yq : tensor<1x3x2x!qo> to tensor<1x3x2xf32>
  return %yd : tensor<1x3x2xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:2, {0.25, 0.5}>
!qo = !quant.uniform<u8:f32, 2.0:100>

// The same layer with its float weights and bias in dense resources (as
// quant-import writes large initializers): quantized the same.
// CHECK-LABEL: @tosa_resource_float_weights_and_bias
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}2, -2], [2, 127]]]> : tensor<1x2x2xi8>
// CHECK-DAG:     arith.constant dense<[2, -4]> : tensor<2xi32>
// CHECK:         qnn.matmul
func.func @tosa_resource_float_weights_and_bias(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %xq = quant.qcast %x : tensor<1x3x2xf32> to tensor<1x3x2x!qa>
  %xd = quant.dcast %xq : tensor<1x3x2x!qa> to tensor<1x3x2xf32>
  %wf = arith.constant dense_resource<weights> : tensor<1x2x2xf32>
  %wq = quant.qcast %wf : tensor<1x2x2xf32> to tensor<1x2x2x!qw>
  %wd = quant.dcast %wq : tensor<1x2x2x!qw> to tensor<1x2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %b = "tosa.const"() {values = dense_resource<bias> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32>
  %y = tosa.add %b, %mm : (tensor<1x1x2xf32>, tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %yq = quant.qcast %y : tensor<1x3x2xf32> to tensor<1x3x2x!qo>
  %yd = quant.dcast %yq : tensor<1x3x2x!qo> to tensor<1x3x2xf32>
  return %yd : tensor<1x3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000C03E000040BF0000203F00007A44",
      bias: "0x040000000000A03E000080BF"
    }
  }
#-}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.125, 0.5}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Named linalg: linalg.matmul into a zero fill, bias by linalg.broadcast +
// linalg.add.
// CHECK-LABEL: @linalg_per_channel
// CHECK-SAME:    %[[X:.*]]: tensor<2x4xf32>, %[[W:.*]]: tensor<4x3x!quant.uniform
// CHECK:         %[[XQ:.*]] = quant.qcast %[[X]]
// CHECK:         %[[Y:.*]] = qnn.matmul %[[XQ]], %[[W]] bias %{{.*}} : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x3x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01,5.000000e-01}>>, tensor<3x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02,2.500000e-01}>>) -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NOT:     linalg.
func.func @linalg_per_channel(%x: tensor<2x4xf32>, %wq: tensor<4x3x!qw>, %bq: tensor<3x!qb>) -> tensor<2x3xf32> {
  %xq = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!qa>
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = quant.dcast %bq : tensor<3x!qb> to tensor<3xf32>
  %be = tensor.empty() : tensor<2x3xf32>
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%be : tensor<2x3xf32>) dimensions = [0]
  %ye = tensor.empty() : tensor<2x3xf32>
  %y = linalg.add ins(%mm, %bb : tensor<2x3xf32>, tensor<2x3xf32>) outs(%ye : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %y : tensor<2x3xf32> to tensor<2x3x!qo>
  %yd = quant.dcast %yq : tensor<2x3x!qo> to tensor<2x3xf32>
  return %yd : tensor<2x3xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25:2>
!qo = !quant.uniform<i8:f32, 2.0:4>

// No bias; the output feeds the next layer as a quantized value.
// CHECK-LABEL: @no_bias_quantized_output
// CHECK:         %[[Y:.*]] = qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x3x!quant.uniform<i8:f32, 2.500000e-01:2>>) -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NEXT:    return %[[Y]]
func.func @no_bias_quantized_output(%xq: tensor<2x4x!qa>, %wq: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>

// A fake-quantized activation that no qnn op takes over keeps its QDQ pair:
// the pass must not fold dcast(qcast(x)) into x as upstream's folder does.
// CHECK-LABEL: @fake_quant_survives
// CHECK:         %[[Q:.*]] = quant.qcast
// CHECK:         %[[D:.*]] = quant.dcast %[[Q]]
// CHECK:         return %[[D]]
func.func @fake_quant_survives(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!qa>
  %d = quant.dcast %q : tensor<4x!qa> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// The float matmul has another float user: it stays for that user, and the
// quantized path still gets its qnn.matmul.
// CHECK-LABEL: @float_result_also_used
// CHECK:         linalg.matmul
// CHECK:         qnn.matmul
func.func @float_result_also_used(%xq: tensor<2x4x!qa>, %wq: tensor<4x3x!qw>) -> (tensor<2x3x!qo>, tensor<2x3xf32>) {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq, %mm : tensor<2x3x!qo>, tensor<2x3xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qh = !quant.uniform<i8:f32, 1.0:0>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Two layers in a row: the first one's q feeds the second one's dq.
// CHECK-LABEL: @two_layers
// CHECK:         %[[H:.*]] = qnn.matmul %{{.*}}, %{{.*}} : {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK:         %[[Y:.*]] = qnn.matmul %[[H]], %{{.*}} : {{.*}} -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK:         return %[[Y]]
func.func @two_layers(%xq: tensor<2x4x!qa>, %w1: tensor<4x4x!qw>, %w2: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %zero = arith.constant 0.0 : f32
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %w1d = quant.dcast %w1 : tensor<4x4x!qw> to tensor<4x4xf32>
  %e1 = tensor.empty() : tensor<2x4xf32>
  %a1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.matmul ins(%xd, %w1d : tensor<2x4xf32>, tensor<4x4xf32>) outs(%a1 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %hq = quant.qcast %h : tensor<2x4xf32> to tensor<2x4x!qh>
  %hd = quant.dcast %hq : tensor<2x4x!qh> to tensor<2x4xf32>
  %w2d = quant.dcast %w2 : tensor<4x3x!qw> to tensor<4x3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %a2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%hd, %w2d : tensor<2x4xf32>, tensor<4x3xf32>) outs(%a2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yq = quant.qcast %y : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.5}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25}>
!qo = !quant.uniform<u8:f32, 2.0:100>

// The importer's form of a QDQ Conv: explicit padding with 0.0 (the float
// value of the input zero point, so the padding moves into the op),
// linalg.conv_2d_nchw_fchw with its strides, an int32 bias reshaped to
// [1, F, 1, 1] and added by tosa.add.
// CHECK-LABEL: @conv_padded_strided
// CHECK-SAME:    %[[X:.*]]: tensor<1x3x5x5xf32>
// CHECK-DAG:     %[[XQ:.*]] = quant.qcast %[[X]]
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{.*}}> : tensor<2x3x3x3xi8>
// CHECK-DAG:     %[[WQ:.*]] = quant.scast %[[WI]]
// CHECK-DAG:     %[[BI:.*]] = arith.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-DAG:     %[[BQ:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01}>>
// CHECK:         %[[Y:.*]] = qnn.conv2d %[[XQ]], %[[WQ]] bias %[[BQ]] strides [2, 2] dilations [1, 1] padding [1, 1, 1, 1] groups 1 : (tensor<1x3x5x5x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,5.000000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01}>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK:         %[[YD:.*]] = quant.dcast %[[Y]]
// CHECK:         return %[[YD]]
// CHECK-NOT:     tensor.pad
// CHECK-NOT:     linalg.conv
// CHECK-NOT:     arith.constant {{.*}} : f32
func.func @conv_padded_strided(%x: tensor<1x3x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %xq = quant.qcast %x : tensor<1x3x5x5xf32> to tensor<1x3x5x5x!qa>
  %xd = quant.dcast %xq : tensor<1x3x5x5x!qa> to tensor<1x3x5x5xf32>
  %c0 = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<1x3x5x5xf32> to tensor<1x3x7x7xf32>
  %wi = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0, -1], [2, 0, -2], [1, 0, -1]], [[0, 0, 0], [0, 1, 0], [0, 0, 0]]], [[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], [[127, 0, 0], [0, -127, 0], [0, 0, 3]], [[5, 5, 5], [5, 5, 5], [5, 5, 5]]]]> : tensor<2x3x3x3xi8>
  %wq = quant.scast %wi : tensor<2x3x3x3xi8> to tensor<2x3x3x3x!qw>
  %wd = quant.dcast %wq : tensor<2x3x3x3x!qw> to tensor<2x3x3x3xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xp, %wd : tensor<1x3x7x7xf32>, tensor<2x3x3x3xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %bi = arith.constant dense<[1, 2]> : tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %b = quant.dcast %bq : tensor<2x!qb> to tensor<2xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %b4 = tosa.reshape %b, %s : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32>
  %y = tosa.add %conv, %b4 : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %yq = quant.qcast %y : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  %yd = quant.dcast %yq : tensor<1x2x3x3x!qo> to tensor<1x2x3x3xf32>
  return %yd : tensor<1x2x3x3xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Depthwise (groups = C = 4) in the grouped form: input expanded to NGCHW,
// weights to GFCHW, linalg.conv_2d_ngchw_gfchw with dilation 2, result
// collapsed to NCHW. Float weights are quantized at compile time
// (0.3 / 0.25 = 1.2 -> 1, -0.375 / 0.25 = -1.5 -> -2); no bias.
// CHECK-LABEL: @conv_depthwise_dilated
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x6x6x!quant.uniform
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}1, -2, 1], {{.*}}> : tensor<4x1x3x3xi8>
// CHECK-DAG:     %[[WQ:.*]] = quant.scast %[[WI]]
// CHECK:         %[[Y:.*]] = qnn.conv2d %[[X]], %[[WQ]] strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] groups 4 : (tensor<1x4x6x6x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 2.500000e-01>>) -> tensor<1x4x2x2x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NEXT:    return %[[Y]]
func.func @conv_depthwise_dilated(%xq: tensor<1x4x6x6x!qa>) -> tensor<1x4x2x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x6x6x!qa> to tensor<1x4x6x6xf32>
  %wf = arith.constant dense<[[[[0.3, -0.375, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]], [[[0.3, 0.3, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]], [[[0.3, 0.3, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]], [[[0.3, 0.3, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]]]> : tensor<4x1x3x3xf32>
  %wq = quant.qcast %wf : tensor<4x1x3x3xf32> to tensor<4x1x3x3x!qw>
  %wd = quant.dcast %wq : tensor<4x1x3x3x!qw> to tensor<4x1x3x3xf32>
  %x5 = tensor.expand_shape %xd [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 6, 6] : tensor<1x4x6x6xf32> into tensor<1x4x1x6x6xf32>
  %w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] output_shape [4, 1, 1, 3, 3] : tensor<4x1x3x3xf32> into tensor<4x1x1x3x3xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x1x2x2xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x4x1x2x2xf32>) -> tensor<1x4x1x2x2xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x4x1x6x6xf32>, tensor<4x1x1x3x3xf32>) outs(%acc : tensor<1x4x1x2x2xf32>) -> tensor<1x4x1x2x2xf32>
  %c = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x4x1x2x2xf32> into tensor<1x4x2x2xf32>
  %yq = quant.qcast %c : tensor<1x4x2x2xf32> to tensor<1x4x2x2x!qo>
  return %yq : tensor<1x4x2x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.5, 0.25, 0.5}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Grouped (2 groups of 2 channels), padded on the bottom/right only, with a
// float bias constant of shape [1, F, 1, 1] added first: quantized at
// s_in * s_w = {0.125, 0.25, 0.125, 0.25} (0.3125 / 0.125 = 2.5 -> 2).
// CHECK-LABEL: @conv_grouped_float_bias
// CHECK-DAG:     %[[BI:.*]] = arith.constant dense<[2, 4, -8, 1]> : tensor<4xi32>
// CHECK-DAG:     %[[BQ:.*]] = quant.scast %[[BI]] : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01,1.250000e-01,2.500000e-01}>>
// CHECK:         qnn.conv2d %{{.*}}, %{{.*}} bias %[[BQ]] strides [1, 1] dilations [1, 1] padding [0, 0, 1, 1] groups 2 :
// CHECK-NOT:     tosa.add
func.func @conv_grouped_float_bias(%xq: tensor<1x4x3x3x!qa>, %wq: tensor<4x2x2x2x!qw>) -> tensor<1x4x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x3x3x!qa> to tensor<1x4x3x3xf32>
  %wd = quant.dcast %wq : tensor<4x2x2x2x!qw> to tensor<4x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 0, 0, 0] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<1x4x3x3xf32> to tensor<1x4x4x4xf32>
  %x5 = tensor.expand_shape %xp [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 4, 4] : tensor<1x4x4x4xf32> into tensor<1x2x2x4x4xf32>
  %w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 2, 2] : tensor<4x2x2x2xf32> into tensor<2x2x2x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x2x3x3xf32>) -> tensor<1x2x2x3x3xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x2x2x4x4xf32>, tensor<2x2x2x2x2xf32>) outs(%acc : tensor<1x2x2x3x3xf32>) -> tensor<1x2x2x3x3xf32>
  %c = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x2x2x3x3xf32> into tensor<1x4x3x3xf32>
  %b = "tosa.const"() {values = dense<[[[[0.3125]], [[1.0]], [[-1.0]], [[0.25]]]]> : tensor<1x4x1x1xf32>} : () -> tensor<1x4x1x1xf32>
  %y = tosa.add %b, %c : (tensor<1x4x1x1xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %yq = quant.qcast %y : tensor<1x4x3x3xf32> to tensor<1x4x3x3x!qo>
  return %yq : tensor<1x4x3x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.5, 0.125}>
!qo = !quant.uniform<u8:f32, 2.0:100>

// Gemm with transB: the int8 weights are stored [N, K] per channel on axis
// 0 and transposed before the matmul. The stored integers are transposed
// at compile time, the per-axis axis moving with them (0 -> 1), and the
// layer folds.
// CHECK-LABEL: @transposed_weights
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
// CHECK:         %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {2.500000e-01,5.000000e-01,1.250000e-01}>>
// CHECK:         qnn.matmul %{{.*}}, %[[WQ]]
// CHECK-NOT:     tosa.transpose
func.func @transposed_weights(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %xq = quant.qcast %x : tensor<4x2xf32> to tensor<4x2x!qa>
  %xd = quant.dcast %xq : tensor<4x2x!qa> to tensor<4x2xf32>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw>
  %wd = quant.dcast %wq : tensor<3x2x!qw> to tensor<3x2xf32>
  %wt = tosa.transpose %wd {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x3xf32>) -> tensor<4x3xf32>
  %mm = linalg.matmul ins(%xd, %wt : tensor<4x2xf32>, tensor<2x3xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %yq = quant.qcast %mm : tensor<4x3xf32> to tensor<4x3x!qo>
  %yd = quant.dcast %yq : tensor<4x3x!qo> to tensor<4x3xf32>
  return %yd : tensor<4x3xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<u8:f32, 2.0:120>

// The accumulator as quant-import writes it for a grouped conv: the NCHW
// zero fill expanded to NGFHW (a reshape of zeros is zeros).
// CHECK-LABEL: @conv_depthwise_expanded_fill
// CHECK:         qnn.conv2d {{.*}} groups 2 :
// CHECK-NOT:     linalg.conv_2d_ngchw_gfchw
func.func @conv_depthwise_expanded_fill(%xq: tensor<1x2x3x3x!qa>, %wq: tensor<2x1x2x2x!qw>) -> tensor<1x2x2x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x3x3x!qa> to tensor<1x2x3x3xf32>
  %wd = quant.dcast %wq : tensor<2x1x2x2x!qw> to tensor<2x1x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %fill = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %acc = tensor.expand_shape %fill [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 2, 2] : tensor<1x2x2x2xf32> into tensor<1x2x1x2x2xf32>
  %x5 = tensor.expand_shape %xd [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 3, 3] : tensor<1x2x3x3xf32> into tensor<1x2x1x3x3xf32>
  %w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] output_shape [2, 1, 1, 2, 2] : tensor<2x1x2x2xf32> into tensor<2x1x1x2x2xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x2x1x3x3xf32>, tensor<2x1x1x2x2xf32>) outs(%acc : tensor<1x2x1x2x2xf32>) -> tensor<1x2x1x2x2xf32>
  %c = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x2x1x2x2xf32> into tensor<1x2x2x2xf32>
  %yq = quant.qcast %c : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!qo>
  return %yq : tensor<1x2x2x2x!qo>
}

// -----

// quant-import's form of a [2, 3, 4] x [4, 5] MatMul (shared weights): the
// rows folded into one batch around tosa.matmul. qnn.matmul takes the
// ONNX shapes; the reshapes go.
// CHECK-LABEL: @tosa_shared_weights_reshaped
// CHECK-SAME:    %[[X:.*]]: tensor<2x3x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, %[[W:.*]]: tensor<4x5x!quant.uniform<i8:f32:1, {{.*}}>>
// CHECK-NEXT:    %[[Y:.*]] = qnn.matmul %[[X]], %[[W]] : ({{.*}}) -> tensor<2x3x5x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK-NEXT:    return %[[Y]]
func.func @tosa_shared_weights_reshaped(%x: tensor<2x3x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<4x5x!quant.uniform<i8:f32:1, {0.25, 0.5, 0.25, 0.5, 0.25}>>) -> tensor<2x3x5x!quant.uniform<u8:f32, 2.0:100>> {
  %xd = quant.dcast %x : tensor<2x3x4x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x3x4xf32>
  %wd = quant.dcast %w : tensor<4x5x!quant.uniform<i8:f32:1, {0.25, 0.5, 0.25, 0.5, 0.25}>> to tensor<4x5xf32>
  %s1 = tosa.const_shape {values = dense<[1, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %xd, %s1 : (tensor<2x3x4xf32>, !tosa.shape<3>) -> tensor<1x6x4xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b = tosa.reshape %wd, %s2 : (tensor<4x5xf32>, !tosa.shape<3>) -> tensor<1x4x5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %a, %b, %zp, %zp : (tensor<1x6x4xf32>, tensor<1x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x5xf32>
  %s3 = tosa.const_shape {values = dense<[2, 3, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %y = tosa.reshape %mm, %s3 : (tensor<1x6x5xf32>, !tosa.shape<3>) -> tensor<2x3x5xf32>
  %yq = quant.qcast %y : tensor<2x3x5xf32> to tensor<2x3x5x!quant.uniform<u8:f32, 2.0:100>>
  return %yq : tensor<2x3x5x!quant.uniform<u8:f32, 2.0:100>>
}

// -----

// A batched activation x activation MatMul ([2, 2, 3, 4] x [2, 2, 4, 5],
// as after a multi-head split): the batch dimensions folded into one.
// CHECK-LABEL: @tosa_batched_reshaped
// CHECK-NEXT:    %[[Y:.*]] = qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x2x3x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<2x2x4x5x!quant.uniform<u8:f32, 2.500000e-01:120>>) -> tensor<2x2x3x5x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK-NEXT:    return %[[Y]]
func.func @tosa_batched_reshaped(%x: tensor<2x2x3x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x2x4x5x!quant.uniform<u8:f32, 0.25:120>>) -> tensor<2x2x3x5x!quant.uniform<u8:f32, 2.0:100>> {
  %xd = quant.dcast %x : tensor<2x2x3x4x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x2x3x4xf32>
  %wd = quant.dcast %w : tensor<2x2x4x5x!quant.uniform<u8:f32, 0.25:120>> to tensor<2x2x4x5xf32>
  %s1 = tosa.const_shape {values = dense<[4, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %xd, %s1 : (tensor<2x2x3x4xf32>, !tosa.shape<3>) -> tensor<4x3x4xf32>
  %s2 = tosa.const_shape {values = dense<[4, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b = tosa.reshape %wd, %s2 : (tensor<2x2x4x5xf32>, !tosa.shape<3>) -> tensor<4x4x5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %a, %b, %zp, %zp : (tensor<4x3x4xf32>, tensor<4x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3x5xf32>
  %s3 = tosa.const_shape {values = dense<[2, 2, 3, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.reshape %mm, %s3 : (tensor<4x3x5xf32>, !tosa.shape<4>) -> tensor<2x2x3x5xf32>
  %yq = quant.qcast %y : tensor<2x2x3x5xf32> to tensor<2x2x3x5x!quant.uniform<u8:f32, 2.0:100>>
  return %yq : tensor<2x2x3x5x!quant.uniform<u8:f32, 2.0:100>>
}

// -----

!qa = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// 16-bit activations and weights, K = 4: the storage ranges allow 4 *
// 32768 * 32768 = 2^32, but the constant weights reach only 15 * 32768, so
// the layer folds.
// CHECK-LABEL: @tosa_constant_weight_bound
// CHECK:         qnn.matmul
// CHECK-NOT:     tosa.matmul
func.func @tosa_constant_weight_bound(%x: tensor<1x2x4xf32>) -> tensor<1x2x1xf32> {
  %xq = quant.qcast %x : tensor<1x2x4xf32> to tensor<1x2x4x!qa>
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wi = arith.constant dense<[[[1], [-2], [3], [-9]]]> : tensor<1x4x1xi16>
  %wq = quant.scast %wi : tensor<1x4x1xi16> to tensor<1x4x1x!qw>
  %wd = quant.dcast %wq : tensor<1x4x1x!qw> to tensor<1x4x1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1xf32>
  %yq = quant.qcast %mm : tensor<1x2x1xf32> to tensor<1x2x1x!qo>
  %yd = quant.dcast %yq : tensor<1x2x1x!qo> to tensor<1x2x1xf32>
  return %yd : tensor<1x2x1xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.5}>
!qo = !quant.uniform<u8:f32, 2.0:100>

// tosa.conv2d in QDQ form (NHWC input, OHWI weights, TOSA's pad order
// [top, bottom, left, right], float zero points 0.0, a float bias operand
// quantized at s_in * s_w[f]) folds into qnn.conv2d with data_layout NHWC.
// CHECK-LABEL: @tosa_conv2d_nhwc
// CHECK-SAME:    %[[X:.*]]: tensor<1x6x6x3x!quant.uniform
// CHECK-DAG:     %[[BI:.*]] = arith.constant dense<[8, -4]> : tensor<2xi32>
// CHECK-DAG:     %[[BQ:.*]] = quant.scast %[[BI]]
// CHECK:         %[[Y:.*]] = qnn.conv2d %[[X]], %{{.*}} bias %[[BQ]] strides [2, 1] dilations [1, 2] padding [1, 0, 2, 1] groups 1 {data_layout = "NHWC"} : (tensor<1x6x6x3x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<2x3x2x3x!quant.uniform<i8:f32:0, {2.500000e-01,5.000000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01}>>) -> tensor<1x4x5x2x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK-NEXT:    return %[[Y]]
// CHECK-NOT:     tosa.conv2d
func.func @tosa_conv2d_nhwc(%xq: tensor<1x6x6x3x!qa>, %wq: tensor<2x3x2x3x!qw>) -> tensor<1x4x5x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x6x6x3x!qa> to tensor<1x6x6x3xf32>
  %wd = quant.dcast %wq : tensor<2x3x2x3x!qw> to tensor<2x3x2x3xf32>
  %b = "tosa.const"() {values = dense<[1.0, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 2, 0, 1>, stride = array<i64: 2, 1>, dilation = array<i64: 1, 2>} : (tensor<1x6x6x3xf32>, tensor<2x3x2x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x5x2xf32>
  %yq = quant.qcast %y : tensor<1x4x5x2xf32> to tensor<1x4x5x2x!qo>
  return %yq : tensor<1x4x5x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// tosa.depthwise_conv2d: the [KH, KW, C, M] weights become OHWI
// [C * M, KH, KW, 1] at compile time (output channel c * M + m), one group
// per channel; an all-zero bias is no bias.
// CHECK-LABEL: @tosa_depthwise_conv2d
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x4x2x!quant.uniform
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}1], [5]], {{\[\[}}9], [13]]], {{\[\[\[}}2], [6]], {{\[\[}}10], [14]]], {{\[\[\[}}3], [7]], {{\[\[}}11], [15]]], {{\[\[\[}}4], [8]], {{\[\[}}12], [16]]]]> : tensor<4x2x2x1xi8>
// CHECK-DAG:     %[[WQ:.*]] = quant.scast %[[WI]]
// CHECK:         %[[Y:.*]] = qnn.conv2d %[[X]], %[[WQ]] strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 {data_layout = "NHWC"}
// CHECK-SAME:      -> tensor<1x3x3x4x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK-NEXT:    return %[[Y]]
func.func @tosa_depthwise_conv2d(%xq: tensor<1x4x4x2x!qa>) -> tensor<1x3x3x4x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x4x2x!qa> to tensor<1x4x4x2xf32>
  %wi = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[9, 10], [11, 12]], [[13, 14], [15, 16]]]]> : tensor<2x2x2x2xi8>
  %wq = quant.scast %wi : tensor<2x2x2x2xi8> to tensor<2x2x2x2x!qw>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  %yq = quant.qcast %y : tensor<1x3x3x4xf32> to tensor<1x3x3x4x!qo>
  return %yq : tensor<1x3x3x4x!qo>
}

// -----

// Per-group (blocked) int4 weights, blocks of 4 along K (ONNX
// DequantizeLinear with block_size): qnn.matmul on the blocked type.
!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
// CHECK-LABEL: @per_group_matmul
// CHECK-SAME:    %[[X:.*]]: tensor<2x8x!quant.uniform
// CHECK:         %[[WQ:.*]] = quant.scast %{{.*}} : tensor<8x2xi4> to tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}
// CHECK:         %[[Y:.*]] = qnn.matmul %[[X]], %[[WQ]] : {{.*}} -> tensor<2x2x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK-NEXT:    return %[[Y]]
func.func @per_group_matmul(%xq: tensor<2x8x!qa>) -> tensor<2x2x!qo> {
  %xd = quant.dcast %xq : tensor<2x8x!qa> to tensor<2x8xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6], [7, -8], [0, 1], [2, 3], [-4, 5], [6, -7]]> : tensor<8x2xi4>
  %wq = quant.scast %wi : tensor<8x2xi4> to tensor<8x2x!qg>
  %wd = quant.dcast %wq : tensor<8x2x!qg> to tensor<8x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  %yq = quant.qcast %mm : tensor<2x2xf32> to tensor<2x2x!qo>
  return %yq : tensor<2x2x!qo>
}

// -----

// Gemm transB with per-group weights [N, K], blocks along axis 1: the
// transpose permutes the stored weights, the scale and zero-point tensors
// and the blocked dimensions at compile time.
!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i8:f32:{0:1, 1:2}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
// CHECK-LABEL: @per_group_gemm_transb
// CHECK:         %[[WI:.*]] = arith.constant dense<{{\[\[}}1, 3], [2, 4], [5, 7], [6, 8]]> : tensor<4x2xi8>
// CHECK:         %[[WQ:.*]] = quant.scast %[[WI]] : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32:{1:1, 0:2}, {{\{\{}}2.500000e-01:1, 1.250000e-01}, {5.000000e-01, 1.000000e+00:-2}}>>
// CHECK:         qnn.matmul %{{.*}}, %[[WQ]]
// CHECK-NOT:     tosa.transpose
func.func @per_group_gemm_transb(%xq: tensor<3x4x!qa>) -> tensor<3x2x!qo> {
  %xd = quant.dcast %xq : tensor<3x4x!qa> to tensor<3x4xf32>
  %wi = arith.constant dense<[[1, 2, 5, 6], [3, 4, 7, 8]]> : tensor<2x4xi8>
  %wq = quant.scast %wi : tensor<2x4xi8> to tensor<2x4x!qg>
  %wd = quant.dcast %wq : tensor<2x4x!qg> to tensor<2x4xf32>
  %wt = tosa.transpose %wd {perms = array<i32: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %mm = linalg.matmul ins(%xd, %wt : tensor<3x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<3x2xf32>) -> tensor<3x2xf32>
  %yq = quant.qcast %mm : tensor<3x2xf32> to tensor<3x2x!qo>
  return %yq : tensor<3x2x!qo>
}

// -----

// A one-group conv with per-group int4 weights blocked by 2 along the
// input channels (ONNX DequantizeLinear block_size on axis 1): im2col
// patches of the input transposed to NHWC, K in (kh, kw, c) order (the padding read as the input zero
// point) times a per-group [K, F] qnn.matmul weight; the blocks (x, cb) of
// the [F, C/B, KH, KW] scales become rows x * C/B + cb of [K/B, F].
!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i4:f32:{0:1, 1:2, 2:1, 3:1}, {{{{0.25:1, 0.5}}, {{0.125, 1.0}}}, {{{2.0, 4.0}}, {{0.0625, 8.0:-2}}}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
// CHECK-LABEL: @per_group_conv_nchw
// CHECK-SAME:    %[[X:.*]]: tensor<1x4x3x3x!quant.uniform
// CHECK:         %[[WI:.*]] = arith.constant dense<{{\[\[}}1, 0], [3, 2], [-5, -4], [7, 6], [-2, 1], [4, 3], [6, 5], [-8, -7]]> : tensor<8x2xi4>
// CHECK:         %[[WQ:.*]] = quant.scast %[[WI]] : tensor<8x2xi4> to tensor<8x2x!quant.uniform<i4:f32:{0:2, 1:1}, {{\{\{}}2.500000e-01:1, 2.000000e+00}, {1.250000e-01, 6.250000e-02}, {5.000000e-01, 4.000000e+00}, {1.000000e+00, 8.000000e+00:-2}}>>
// CHECK:         %[[XS:.*]] = quant.scast %[[X]] : {{.*}} to tensor<1x4x3x3xi8>
// CHECK:         %[[XT:.*]] = linalg.transpose ins(%[[XS]] : tensor<1x4x3x3xi8>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x1x2x4xi8>)
// CHECK:           tensor.extract %[[XT]]
// CHECK:           %[[ZX:.*]] = arith.constant 3 : i8
// CHECK:           arith.select %{{.*}}, %{{.*}}, %[[ZX]] : i8
// CHECK:         %[[P:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2], [3, 4, 5]] : tensor<1x3x3x1x2x4xi8> into tensor<1x9x8xi8>
// CHECK:         %[[PQ:.*]] = quant.scast %[[P]]
// CHECK:         %[[Y:.*]] = qnn.matmul %[[PQ]], %[[WQ]] : {{.*}} -> tensor<1x9x2x!quant.uniform<u8:f32, 2.000000e+00:100>>
// CHECK:         linalg.transpose {{.*}} permutation = [0, 2, 1]
// CHECK:         tensor.expand_shape {{.*}} into tensor<1x2x3x3xi8>
// CHECK-NOT:     linalg.conv
func.func @per_group_conv_nchw(%xq: tensor<1x4x3x3x!qa>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x3x3x!qa> to tensor<1x4x3x3xf32>
  %c0 = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 0, 0, 1] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<1x4x3x3xf32> to tensor<1x4x3x4xf32>
  %wi = arith.constant dense<[[[[1, -2]], [[3, 4]], [[-5, 6]], [[7, -8]]], [[[0, 1]], [[2, 3]], [[-4, 5]], [[6, -7]]]]> : tensor<2x4x1x2xi4>
  %wq = quant.scast %wi : tensor<2x4x1x2xi4> to tensor<2x4x1x2x!qg>
  %wd = quant.dcast %wq : tensor<2x4x1x2x!qg> to tensor<2x4x1x2xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %wd : tensor<1x4x3x4xf32>, tensor<2x4x1x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

// tosa.conv2d (NHWC, OHWI weights blocked along axis 3): the same
// (kh, kw, c) order is the weights' own; the result stays NHWC.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qg = !quant.uniform<i8:f32:{0:1, 1:1, 2:1, 3:2}, {{{{0.25, 0.5}}}, {{{2.0:5, 4.0}}}}>
!qo = !quant.uniform<i8:f32, 2.0:4>
// CHECK-LABEL: @per_group_tosa_conv2d_nhwc
// CHECK:         %[[WI:.*]] = arith.constant dense<{{\[\[}}1, 5], [2, 6], [3, 7], [4, 8]]> : tensor<4x2xi8>
// CHECK:         %[[WQ:.*]] = quant.scast %[[WI]] : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32:{0:2, 1:1}, {{\{\{}}2.500000e-01, 2.000000e+00:5}, {5.000000e-01, 4.000000e+00}}>>
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] : tensor<1x3x3x4xi8> into tensor<1x9x4xi8>
// CHECK:         qnn.matmul %{{.*}}, %[[WQ]]
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [1, 3, 3, 2]
// CHECK-NOT:     tosa.conv2d
func.func @per_group_tosa_conv2d_nhwc(%xq: tensor<1x3x3x4x!qa>) -> tensor<1x3x3x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x3x3x4x!qa> to tensor<1x3x3x4xf32>
  %wi = arith.constant dense<[[[[1, 2, 3, 4]]], [[[5, 6, 7, 8]]]]> : tensor<2x1x1x4xi8>
  %wq = quant.scast %wi : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!qg>
  %wd = quant.dcast %wq : tensor<2x1x1x4x!qg> to tensor<2x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %yq = quant.qcast %y : tensor<1x3x3x2xf32> to tensor<1x3x3x2x!qo>
  return %yq : tensor<1x3x3x2x!qo>
}
