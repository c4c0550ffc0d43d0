// RUN: quant-opt %s --split-input-file --quant-fuse-requant | FileCheck %s
// The clamps of fuse-requant-errors.mlir stay, and without explain no
// remark is printed.
// RUN: sed 's/expected-/annotated-/' %S/fuse-requant-errors.mlir > %t.unfused.mlir
// RUN: quant-opt %t.unfused.mlir --split-input-file --quant-fuse-requant 2> %t.err | FileCheck %s --check-prefix=UNFUSED
// RUN: count 0 < %t.err
// UNFUSED-COUNT-8: qnn.clamp

!qa = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.05:100>

// The clamp becomes the output range of qnn.add: its result type's storage
// range, which its requantize clamps to.
// CHECK-LABEL: @add_relu6
// CHECK:         %[[Y:.*]] = qnn.add %{{.*}}, %{{.*}} : (tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>>) -> tensor<4x!quant.uniform<u8<100:220>:f32, 5.000000e-02:100>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[Y]] : tensor<4x!quant.uniform<u8<100:220>:f32, 5.000000e-02:100>> to tensor<4xf32>
// CHECK-NEXT:    return %[[D]]
func.func @add_relu6(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %b : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qo>
  %r = qnn.clamp %y min 100 max 220 : tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:-10>

// A fused qnn.matmul feeds the next qnn op with the narrowed type.
// CHECK-LABEL: @matmul_relu_chain
// CHECK:         %[[Y:.*]] = qnn.matmul {{.*}} -> tensor<2x3x!quant.uniform<i8<-10:127>:f32, 2.000000e+00:-10>>
// CHECK-NEXT:    %[[Z:.*]] = qnn.mul %[[Y]], %[[Y]] : (tensor<2x3x!quant.uniform<i8<-10:127>:f32, 2.000000e+00:-10>>, tensor<2x3x!quant.uniform<i8<-10:127>:f32, 2.000000e+00:-10>>) -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00:-10>>
// CHECK-NOT:     qnn.clamp
func.func @matmul_relu_chain(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  %r = qnn.clamp %y min -10 max 127 : tensor<2x3x!qo>
  %z = qnn.mul %r, %r : (tensor<2x3x!qo>, tensor<2x3x!qo>) -> tensor<2x3x!qo>
  return %z : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// Two clamps in a row become one with the intersection of their ranges.
// CHECK-LABEL: @clamp_clamp
// CHECK-SAME:    %[[A:.*]]: tensor<4x
// CHECK-NEXT:    %[[R:.*]] = qnn.clamp %[[A]] min 128 max 140
// CHECK-NEXT:    return %[[R]]
func.func @clamp_clamp(%a: tensor<4x!qa>) -> tensor<4x!qa> {
  %r = qnn.clamp %a min 128 max 255 : tensor<4x!qa>
  %s = qnn.clamp %r min 0 max 140 : tensor<4x!qa>
  return %s : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// A chain of clamps after a qnn op: merged, then folded.
// CHECK-LABEL: @add_clamp_clamp
// CHECK:         %[[Y:.*]] = qnn.add {{.*}} -> tensor<4x!quant.uniform<u8<128:140>:f32, 5.000000e-01:128>>
// CHECK-NEXT:    quant.dcast %[[Y]]
func.func @add_clamp_clamp(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  %r = qnn.clamp %y min 128 max 255 : tensor<4x!qa>
  %s = qnn.clamp %r min 0 max 140 : tensor<4x!qa>
  %d = quant.dcast %s : tensor<4x!qa> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// quant.scast to the storage type accepts the narrowed type.
// CHECK-LABEL: @add_relu_scast
// CHECK:         %[[Y:.*]] = qnn.add {{.*}} -> tensor<4x!quant.uniform<u8<128:255>:f32, 5.000000e-01:128>>
// CHECK-NEXT:    quant.scast %[[Y]] : tensor<4x!quant.uniform<u8<128:255>:f32, 5.000000e-01:128>> to tensor<4xi8>
func.func @add_relu_scast(%a: tensor<4x!qa>) -> tensor<4xi8> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  %r = qnn.clamp %y min 128 max 255 : tensor<4x!qa>
  %s = quant.scast %r : tensor<4x!qa> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

!qa = !quant.uniform<i4:f32, 0.5:0>
!qo = !quant.uniform<i8:f32, 0.5:0>

// A qnn.lookup reads the narrowed input: its table covers the whole
// storage type, whatever range the type declares.
// CHECK-LABEL: @add_relu_lookup
// CHECK:         %[[Y:.*]] = qnn.add {{.*}} -> tensor<4x!quant.uniform<i4<0:7>:f32, 5.000000e-01>>
// CHECK-NEXT:    qnn.lookup %[[Y]] table {{.*}} : (tensor<4x!quant.uniform<i4<0:7>:f32, 5.000000e-01>>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
func.func @add_relu_lookup(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  %r = qnn.clamp %y min 0 max 7 : tensor<4x!qa>
  %t = qnn.lookup %r table dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi64> : (tensor<4x!qa>) -> tensor<4x!qo>
  %d = quant.dcast %t : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qm = !quant.uniform<i16:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.25:5>

// The inner requantize only moves the zero point and never clamps (u8 fits
// i16): the outer one reads its input directly and the inner one goes.
// CHECK-LABEL: @requantize_chain
// CHECK-SAME:    %[[A:.*]]: tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK-NEXT:    %[[R:.*]] = qnn.requantize %[[A]] : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<4x!quant.uniform<i8:f32, 2.500000e-01:5>>
// CHECK-NEXT:    return %[[R]]
func.func @requantize_chain(%a: tensor<4x!qa>) -> tensor<4x!qo> {
  %m = qnn.requantize %a : tensor<4x!qa> -> tensor<4x!qm>
  %r = qnn.requantize %m : tensor<4x!qm> -> tensor<4x!qo>
  return %r : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qm = !quant.uniform<u8:f32, 2.0:128>
!qo = !quant.uniform<i8:f32, 2.0:0>

// u8 at zero point 128 to i8 at zero point 0, same scale: the matmul
// requantizes to the final zero point; [0, 255] moved by -128 is all of i8,
// so the type is exactly the requantize's.
// CHECK-LABEL: @matmul_move_zero_point
// CHECK:         %[[Y:.*]] = qnn.matmul {{.*}} -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e+00>>
// CHECK-NEXT:    return %[[Y]]
func.func @matmul_move_zero_point(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qm>
  %r = qnn.requantize %y : tensor<2x3x!qm> -> tensor<2x3x!qo>
  return %r : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qm = !quant.uniform<i8:f32, 2.0:-100>
!qo = !quant.uniform<u8:f32, 2.0:0>

// i8 at -100 moved to u8 at 0 keeps [0, 227] of u8: the range of the result
// type; the dcast accepts it.
// CHECK-LABEL: @mul_move_narrowed
// CHECK:         %[[Y:.*]] = qnn.mul {{.*}} -> tensor<4x!quant.uniform<u8<0:227>:f32, 2.000000e+00>>
// CHECK-NEXT:    quant.dcast %[[Y]]
func.func @mul_move_narrowed(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.mul %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qm>
  %r = qnn.requantize %y : tensor<4x!qm> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qm = !quant.uniform<u8:f32, 0.05:128>
!qo = !quant.uniform<i8:f32, 0.05:0>

// ReLU between a conv and a zero-point move: the clamp becomes the conv's
// range [128, 255], the requantize moves it to [0, 127].
// CHECK-LABEL: @conv_relu_move
// CHECK:         %[[Y:.*]] = qnn.conv2d {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8<0:127>:f32, 5.000000e-02>>
// CHECK-NEXT:    quant.dcast %[[Y]]
func.func @conv_relu_move(%x: tensor<1x1x3x3x!qa>, %w: tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x2xf32> {
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1
      : (tensor<1x1x3x3x!qa>, tensor<2x1x2x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x2x!qm>
  %r = qnn.clamp %y min 128 max 255 : tensor<1x2x2x2x!qm>
  %q = qnn.requantize %r : tensor<1x2x2x2x!qm> -> tensor<1x2x2x2x!qo>
  %d = quant.dcast %q : tensor<1x2x2x2x!qo> to tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qm = !quant.uniform<i16:f32, 0.5:0>
!qn = !quant.uniform<i16:f32, 0.5:7>
!qo = !quant.uniform<i8:f32, 0.5:3>

// A chain of three: the second reads the pool's result (the first is a
// lossless move), then folds into the pool (a move whose range is i8 moved
// by 7 within i16), and so does the third (that range moved by -4, within
// i8).
// CHECK-LABEL: @avg_pool_chain
// CHECK:         %[[P:.*]] = qnn.avg_pool2d {{.*}} -> tensor<1x1x1x1x!quant.uniform<i8<-125:127>:f32, 5.000000e-01:3>>
// CHECK-NEXT:    %[[D:.*]] = quant.dcast %[[P]]
// CHECK-NEXT:    return %[[D]]
func.func @avg_pool_chain(%x: tensor<1x1x2x2x!qa>) -> tensor<1x1x1x1xf32> {
  %p = qnn.avg_pool2d %x kernel [2, 2] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x1x2x2x!qa> -> tensor<1x1x1x1x!qa>
  %m = qnn.requantize %p : tensor<1x1x1x1x!qa> -> tensor<1x1x1x1x!qm>
  %n = qnn.requantize %m : tensor<1x1x1x1x!qm> -> tensor<1x1x1x1x!qn>
  %r = qnn.requantize %n : tensor<1x1x1x1x!qn> -> tensor<1x1x1x1x!qo>
  %d = quant.dcast %r : tensor<1x1x1x1x!qo> to tensor<1x1x1x1xf32>
  return %d : tensor<1x1x1x1xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25:1, 0.5:-2, 0.125:0}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Constant weights: K * zx * zw[n] - zx * colsum(w)[n] with K = 4, zx = -3,
// colsum = [22, 26, 30]: [-12 + 66, 24 + 78, 0 + 90].
// CHECK-LABEL: @matmul_corrections
// CHECK:         qnn.matmul {{.*}} {zero_point_corrections = array<i64: 54, 102, 90>}
func.func @matmul_corrections(%x: tensor<2x4x!qa>) -> tensor<2x3x!qo> {
  %wi = arith.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]> : tensor<4x3xi8>
  %w = quant.scast %wi : tensor<4x3xi8> to tensor<4x3x!qw>
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %y : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32, 0.25:3>
!qo = !quant.uniform<u8:f32, 1.0:120>

// A conv's filters (K = 1 * 2 * 2 = 4, sums [10, -4]), one batch of size-1
// weights in a matmul, and what gets none: runtime weights, and zx = 0
// (every correction 0).
// CHECK-LABEL: @conv_corrections
// CHECK:         qnn.conv2d {{.*}} {zero_point_corrections = array<i64: 256, 2048>}
// CHECK:         qnn.matmul {{.*}} {zero_point_corrections = array<i64: -128>}
// CHECK:         qnn.matmul
// CHECK-NOT:     zero_point_corrections
func.func @conv_corrections(%x: tensor<1x1x3x3x!qa>, %m: tensor<1x2x1x!qa>, %rw: tensor<1x1x!qw>, %z: tensor<2x1x!quant.uniform<i8:f32, 0.5>>) -> (tensor<1x2x2x2x!qo>, tensor<1x2x1x!qo>, tensor<1x2x1x!qo>, tensor<2x1x!qo>) {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]]], [[[-1, -1], [-1, -1]]]]> : tensor<2x1x2x2xi8>
  %w = quant.scast %wi : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1
      : (tensor<1x1x3x3x!qa>, tensor<2x1x2x2x!qw>) -> tensor<1x2x2x2x!qo>
  %vi = arith.constant dense<[[[4]]]> : tensor<1x1x1xi8>
  %v = quant.scast %vi : tensor<1x1x1xi8> to tensor<1x1x1x!qw>
  %b = qnn.matmul %m, %v : (tensor<1x2x1x!qa>, tensor<1x1x1x!qw>) -> tensor<1x2x1x!qo>
  %r = qnn.matmul %m, %rw : (tensor<1x2x1x!qa>, tensor<1x1x!qw>) -> tensor<1x2x1x!qo>
  %zi = arith.constant dense<[[1]]> : tensor<1x1xi8>
  %zw = quant.scast %zi : tensor<1x1xi8> to tensor<1x1x!quant.uniform<i8:f32, 0.5>>
  %zm = qnn.matmul %z, %zw : (tensor<2x1x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x1x!qo>
  return %y, %b, %r, %zm : tensor<1x2x2x2x!qo>, tensor<1x2x1x!qo>, tensor<1x2x1x!qo>, tensor<2x1x!qo>
}

// -----

// K split: 16-bit operands (one product 2^30) get chunks of 1; u8 x i8
// with K = 70000 (252 * 135 per product) chunks of 63124 products, balanced
// to 35000; a constant column that proves the bound gets none; per-group
// weights get neither a chunk nor corrections.
// CHECK-LABEL: @split_k
// CHECK:         qnn.matmul %{{.*}}, %{{.*}} {accumulator_chunk = 1 : i64}
// CHECK:         qnn.matmul %{{.*}}, %{{.*}} {accumulator_chunk = 35000 : i64}
// CHECK:         qnn.matmul %{{.*}}, %{{.*}} {zero_point_corrections = array<i64: -24>}
// CHECK:         qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x8x!quant.uniform<u8:f32, 5.000000e-01:3>>
func.func @split_k(%a: tensor<2x8x!quant.uniform<i16:f32, 0.5>>, %b: tensor<8x3x!quant.uniform<i16:f32, 0.25>>,
                   %x: tensor<1x70000x!quant.uniform<u8:f32, 0.5:3>>, %w: tensor<70000x2x!quant.uniform<i8:f32:1, {0.25:-5, 0.5:7}>>,
                   %x8: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, %g: tensor<8x1x!quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>>)
    -> (tensor<2x3x!quant.uniform<i8:f32, 1.0>>, tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<2x1x!quant.uniform<i8:f32, 1.0>>, tensor<2x1x!quant.uniform<i8:f32, 1.0>>) {
  %0 = qnn.matmul %a, %b : (tensor<2x8x!quant.uniform<i16:f32, 0.5>>, tensor<8x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8:f32, 1.0>>
  %1 = qnn.matmul %x, %w : (tensor<1x70000x!quant.uniform<u8:f32, 0.5:3>>, tensor<70000x2x!quant.uniform<i8:f32:1, {0.25:-5, 0.5:7}>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %wi = arith.constant dense<1> : tensor<8x1xi8>
  %wc = quant.scast %wi : tensor<8x1xi8> to tensor<8x1x!quant.uniform<i8:f32, 0.25>>
  %2 = qnn.matmul %x8, %wc : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<8x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0>>
  %3 = qnn.matmul %x8, %g : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<8x1x!quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0>>
  return %0, %1, %2, %3 : tensor<2x3x!quant.uniform<i8:f32, 1.0>>, tensor<1x2x!quant.uniform<i8:f32, 1.0>>, tensor<2x1x!quant.uniform<i8:f32, 1.0>>, tensor<2x1x!quant.uniform<i8:f32, 1.0>>
}
