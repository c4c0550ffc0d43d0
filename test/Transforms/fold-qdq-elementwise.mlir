// RUN: quant-opt %s --split-input-file --quant-fold-qdq --mlir-print-elementsattrs-with-hex-if-larger=256 | FileCheck %s
// The candidates of fold-qdq-elementwise-errors.mlir stay in QDQ form, and
// without explain no remark is printed.
// RUN: sed 's/expected-/annotated-/' %S/fold-qdq-elementwise-errors.mlir > %t.unfolded.mlir
// RUN: quant-opt %t.unfolded.mlir --split-input-file --quant-fold-qdq 2> %t.err | FileCheck %s --check-prefix=UNFOLDED
// RUN: count 0 < %t.err
// UNFOLDED-NOT:     qnn.add
// UNFOLDED-NOT:     qnn.sub
// UNFOLDED-NOT:     qnn.mul
// UNFOLDED-NOT:     qnn.clamp
// UNFOLDED-NOT:     qnn.lookup

!qa = !quant.uniform<u8:f32, 0.5:128>
!qb = !quant.uniform<u8:f32, 0.25:120>
!qo = !quant.uniform<u8:f32, 1.0:127>
!sa = !quant.uniform<i8:f32, 0.5:-3>

// Same shapes, as quant-import emits an ONNX Add.
// CHECK-LABEL: @add_same_shape
// CHECK-SAME:    %[[A:.*]]: tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, %[[B:.*]]: tensor<2x4x!quant.uniform<u8:f32, 2.500000e-01:120>>
// CHECK-NEXT:    %[[Y:.*]] = qnn.add %[[A]], %[[B]] : (tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<2x4x!quant.uniform<u8:f32, 2.500000e-01:120>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.000000e+00:127>>
// CHECK-NEXT:    return %[[Y]]
func.func @add_same_shape(%a: tensor<2x4x!qa>, %b: tensor<2x4x!qb>) -> tensor<2x4x!qo> {
  %ad = quant.dcast %a : tensor<2x4x!qa> to tensor<2x4xf32>
  %bd = quant.dcast %b : tensor<2x4x!qb> to tensor<2x4xf32>
  %s = tosa.add %ad, %bd : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q = quant.qcast %s : tensor<2x4xf32> to tensor<2x4x!qo>
  return %q : tensor<2x4x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qb = !quant.uniform<u8:f32, 0.25:120>
!qo = !quant.uniform<u8:f32, 1.0:127>

// The importer's rank alignment (a tosa.reshape prepending 1s) is looked
// through: qnn.sub broadcasts across ranks itself.
// CHECK-LABEL: @sub_rank_aligned
// CHECK-SAME:    %[[A:.*]]: tensor<2x3x4x!quant.uniform{{.*}}>, %[[B:.*]]: tensor<4x!quant.uniform
// CHECK-NEXT:    %[[Y:.*]] = qnn.sub %[[A]], %[[B]] : (tensor<2x3x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<4x!quant.uniform<u8:f32, 2.500000e-01:120>>) -> tensor<2x3x4x!quant.uniform<u8:f32, 1.000000e+00:127>>
// CHECK-NEXT:    return %[[Y]]
func.func @sub_rank_aligned(%a: tensor<2x3x4x!qa>, %b: tensor<4x!qb>) -> tensor<2x3x4x!qo> {
  %ad = quant.dcast %a : tensor<2x3x4x!qa> to tensor<2x3x4xf32>
  %bd = quant.dcast %b : tensor<4x!qb> to tensor<4xf32>
  %shape = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b3 = tosa.reshape %bd, %shape : (tensor<4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %s = tosa.sub %ad, %b3 : (tensor<2x3x4xf32>, tensor<1x1x4xf32>) -> tensor<2x3x4xf32>
  %q = quant.qcast %s : tensor<2x3x4xf32> to tensor<2x3x4x!qo>
  return %q : tensor<2x3x4x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:1>
!qo = !quant.uniform<i8:f32, 0.75:2>

// tosa.mul with its zero shift; a dequantized activation that has another
// (float) user keeps its dcast.
// CHECK-LABEL: @mul_shared_input
// CHECK-SAME:    %[[A:.*]]: tensor<1x3x2x2x!quant.uniform{{.*}}>, %[[B:.*]]: tensor<1x3x1x1x!quant.uniform
// CHECK:         %[[AD:.*]] = quant.dcast %[[A]]
// CHECK:         %[[Y:.*]] = qnn.mul %[[A]], %[[B]] : (tensor<1x3x2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<1x3x1x1x!quant.uniform<i8:f32, 2.500000e-01:1>>) -> tensor<1x3x2x2x!quant.uniform<i8:f32, 7.500000e-01:2>>
// CHECK:         return %[[Y]], %[[AD]]
// CHECK-NOT:     tosa.mul
func.func @mul_shared_input(%a: tensor<1x3x2x2x!qa>, %b: tensor<1x3x1x1x!qb>) -> (tensor<1x3x2x2x!qo>, tensor<1x3x2x2xf32>) {
  %ad = quant.dcast %a : tensor<1x3x2x2x!qa> to tensor<1x3x2x2xf32>
  %bd = quant.dcast %b : tensor<1x3x1x1x!qb> to tensor<1x3x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %ad, %bd, %shift : (tensor<1x3x2x2xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x2x2xf32>
  %q = quant.qcast %m : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!qo>
  return %q, %ad : tensor<1x3x2x2x!qo>, tensor<1x3x2x2xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 1.0:127>

// A residual add of two folded layers' outputs: both operands are the same
// quantized tensor here (x + x).
// CHECK-LABEL: @add_same_operand
// CHECK-SAME:    %[[A:.*]]: tensor<4x!quant.uniform
// CHECK-NEXT:    %[[Y:.*]] = qnn.add %[[A]], %[[A]]
// CHECK-NEXT:    return %[[Y]]
func.func @add_same_operand(%a: tensor<4x!qa>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %s = tosa.add %ad, %ad : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = quant.qcast %s : tensor<4xf32> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// A ReLU6 in QDQ form on one quantization: qnn.clamp with the bounds
// quantized as the output: q(0) = 128, q(6) = 140.
// CHECK-LABEL: @relu6_qdq
// CHECK-SAME:    %[[A:.*]]: tensor<4x!quant.uniform
// CHECK-NEXT:    %[[R:.*]] = qnn.clamp %[[A]] min 128 max 140 : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK-NEXT:    return %[[R]]
func.func @relu6_qdq(%a: tensor<4x!qa>) -> tensor<4x!qa> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %r = tosa.clamp %ad {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = quant.qcast %r : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:-10>

// A ReLU between the matmul and its quantize (the quantizer's Conv/MatMul
// + Relu -> Q): the layer folds, the ReLU becomes a qnn.clamp after it
// (q(0) = -10, q(+inf) = 127).
// CHECK-LABEL: @matmul_relu
// CHECK:         %[[Y:.*]] = qnn.matmul
// CHECK-NEXT:    %[[R:.*]] = qnn.clamp %[[Y]] min -10 max 127 : tensor<1x2x3x!quant.uniform<i8:f32, 2.000000e+00:-10>>
// CHECK-NEXT:    return %[[R]]
// CHECK-NOT:     tosa.clamp
func.func @matmul_relu(%xq: tensor<1x2x4x!qa>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wi = arith.constant dense<[[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]]> : tensor<1x4x3xi8>
  %wq = quant.scast %wi : tensor<1x4x3xi8> to tensor<1x4x3x!qw>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %r = tosa.clamp %mm {min_val = 0.0 : f32, max_val = 0x7F800000 : f32} : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %q = quant.qcast %r : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %q : tensor<1x2x3x!qo>
}

// -----

// A ReLU6 that also requantizes (0.5:128 -> 0.25:100) becomes the table
// of clamp(dq(v), 0, 6) quantized: 100 up to v = 128, then 2 steps per
// stored value, 124 (6.0) from v = 140 on.
// CHECK-LABEL: @clamp_requantizes
// CHECK-NEXT:    %[[Y:.*]] = qnn.lookup %{{.*}} table dense<[100, {{(100, )+}}102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, {{(124, )+}}124]> : tensor<256xi64>
// CHECK-NEXT:    return %[[Y]]
func.func @clamp_requantizes(%a: tensor<4x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<4x!quant.uniform<u8:f32, 0.25:100>> {
  %ad = quant.dcast %a : tensor<4x!quant.uniform<u8:f32, 0.5:128>> to tensor<4xf32>
  %r = tosa.clamp %ad {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.25:100>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.25:100>>
}

// -----

// A ReLU6 that requantizes from 16 bits (no table): qnn.requantize to the
// output, then qnn.clamp at q(0) = 100 and q(6) = 124.
// CHECK-LABEL: @clamp_requantizes_wide
// CHECK-SAME:    %[[X:.*]]: tensor<4x!quant.uniform<i16
// CHECK-NEXT:    %[[R:.*]] = qnn.requantize %[[X]] : tensor<4x!quant.uniform<i16:f32, 5.000000e-01>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:100>>
// CHECK-NEXT:    %[[Y:.*]] = qnn.clamp %[[R]] min 100 max 124
// CHECK-NEXT:    return %[[Y]]
func.func @clamp_requantizes_wide(%a: tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<u8:f32, 0.25:100>> {
  %ad = quant.dcast %a : tensor<4x!quant.uniform<i16:f32, 0.5>> to tensor<4xf32>
  %r = tosa.clamp %ad {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.25:100>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.25:100>>
}

// -----

!qa = !quant.uniform<i4:f32, 0.5:0>
!qo = !quant.uniform<i8:f32, 0.25:0>

// A LeakyRelu (alpha 0.1) as quant-import writes it becomes a table of the
// float QDQ result at each of the 16 stored values: v >= 0: 2v; v < 0:
// rne(0.1 * 0.5 * v / 0.25) = rne(0.2 v) (-8 -> -1.6 -> -2, -3 -> -0.6 ->
// -1, -2 -> -0.4 -> 0).
// CHECK-LABEL: @leaky_relu
// CHECK-SAME:    %[[X:.*]]: tensor<2x4x!quant.uniform
// CHECK-NEXT:    %[[Y:.*]] = qnn.lookup %[[X]] table dense<[-2, -1, -1, -1, -1, -1, 0, 0, 0, 2, 4, 6, 8, 10, 12, 14]> : tensor<16xi64> : (tensor<2x4x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<2x4x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NEXT:    return %[[Y]]
func.func @leaky_relu(%x: tensor<2x4x!qa>) -> tensor<2x4x!qo> {
  %xd = quant.dcast %x : tensor<2x4x!qa> to tensor<2x4xf32>
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %xd, %alpha, %shift : (tensor<2x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  %p = tosa.greater_equal %xd, %zero : (tensor<2x4xf32>, tensor<1x1xf32>) -> tensor<2x4xi1>
  %y = tosa.select %p, %xd, %s : (tensor<2x4xi1>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q = quant.qcast %y : tensor<2x4xf32> to tensor<2x4x!qo>
  return %q : tensor<2x4x!qo>
}
