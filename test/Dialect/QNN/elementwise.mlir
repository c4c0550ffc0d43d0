// RUN: quant-opt %s --verify-roundtrip | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// qnn.add, qnn.sub and qnn.mul: parse, print and verify; the error cases
// are in elementwise-invalid.mlir.

!u8a = !quant.uniform<u8:f32, 0.5:128>
!u8b = !quant.uniform<u8:f32, 0.25:120>
!u8c = !quant.uniform<u8:f32, 1.0:127>
!i8a = !quant.uniform<i8:f32, 0.5:-3>
!i8b = !quant.uniform<i8<-127:127>:f32, 0.25>
!i16 = !quant.uniform<i16:f32, 0.125:0>

// CHECK-LABEL: func.func @add_broadcast_rank
// CHECK:         qnn.add %{{.*}}, %{{.*}} : (tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<4x!quant.uniform<u8:f32, 2.500000e-01:120>>) -> tensor<2x4x!quant.uniform<u8:f32, 1.000000e+00:127>>
func.func @add_broadcast_rank(%a: tensor<2x4x!u8a>, %b: tensor<4x!u8b>) -> tensor<2x4x!u8c> {
  %y = qnn.add %a, %b : (tensor<2x4x!u8a>, tensor<4x!u8b>) -> tensor<2x4x!u8c>
  return %y : tensor<2x4x!u8c>
}

// Mixed storage types, size-1 broadcast on both sides, a dynamic batch.
// CHECK-LABEL: func.func @sub_mixed
// CHECK:         qnn.sub %{{.*}}, %{{.*}} : (tensor<?x1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>, tensor<3x1x!quant.uniform<u8:f32, 2.500000e-01:120>>) -> tensor<?x3x4x!quant.uniform<u8:f32, 1.000000e+00:127>>
func.func @sub_mixed(%a: tensor<?x1x4x!i8a>, %b: tensor<3x1x!u8b>) -> tensor<?x3x4x!u8c> {
  %y = qnn.sub %a, %b : (tensor<?x1x4x!i8a>, tensor<3x1x!u8b>) -> tensor<?x3x4x!u8c>
  return %y : tensor<?x3x4x!u8c>
}

// A 16-bit operand: 32768 * 127 fits the i32 product.
// CHECK-LABEL: func.func @mul_i16
// CHECK:         qnn.mul %{{.*}}, %{{.*}} : (tensor<1x3x4x4x!quant.uniform<i16:f32, 1.250000e-01>>, tensor<1x3x1x1x!quant.uniform<i8<-127:127>:f32, 2.500000e-01>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @mul_i16(%a: tensor<1x3x4x4x!i16>, %b: tensor<1x3x1x1x!i8b>) -> tensor<1x3x4x4x!i8a> {
  %y = qnn.mul %a, %b : (tensor<1x3x4x4x!i16>, tensor<1x3x1x1x!i8b>) -> tensor<1x3x4x4x!i8a>
  return %y : tensor<1x3x4x4x!i8a>
}

// Rank 0.
// CHECK-LABEL: func.func @mul_scalar
// CHECK:         qnn.mul %{{.*}}, %{{.*}} : (tensor<2x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<!quant.uniform<u8:f32, 2.500000e-01:120>>)
func.func @mul_scalar(%a: tensor<2x!u8a>, %b: tensor<!u8b>) -> tensor<2x!u8c> {
  %y = qnn.mul %a, %b : (tensor<2x!u8a>, tensor<!u8b>) -> tensor<2x!u8c>
  return %y : tensor<2x!u8c>
}

// qnn.clamp: a ReLU at zero point 128 of u8 storage; signed storage with
// negative bounds.
// CHECK-LABEL: func.func @clamp
// CHECK:         qnn.clamp %{{.*}} min 128 max 255 : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK:         qnn.clamp %{{.*}} min -3 max 9 : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @clamp(%a: tensor<2x4x!u8a>, %b: tensor<4x!i8a>) -> (tensor<2x4x!u8a>, tensor<4x!i8a>) {
  %r = qnn.clamp %a min 128 max 255 : tensor<2x4x!u8a>
  %s = qnn.clamp %b min -3 max 9 : tensor<4x!i8a>
  return %r, %s : tensor<2x4x!u8a>, tensor<4x!i8a>
}

// qnn.lookup: one table entry per stored value of the 4-bit input.
!i4 = !quant.uniform<i4:f32, 0.5:0>
// CHECK-LABEL: func.func @lookup
// CHECK:         qnn.lookup %{{.*}} table dense<[-8, -8, -7, -7, -6, -6, -5, -5, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi64> : (tensor<2x!quant.uniform<i4:f32, 5.000000e-01>>) -> tensor<2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @lookup(%a: tensor<2x!i4>) -> tensor<2x!i8a> {
  %y = qnn.lookup %a table dense<[-8, -8, -7, -7, -6, -6, -5, -5, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<2x!i8a>
  return %y : tensor<2x!i8a>
}

// qnn.leaky_relu: a 16-bit input requantized to 8 bits.
!lr_in = !quant.uniform<i16:f32, 0.001>
!lr_out = !quant.uniform<i8:f32, 0.05:-10>
// CHECK-LABEL: func.func @leaky_relu
// CHECK:         qnn.leaky_relu %{{.*}} alpha 1.000000e-01 : (tensor<3x!quant.uniform<i16:f32, 1.000000e-03>>) -> tensor<3x!quant.uniform<i8:f32, 5.000000e-02:-10>>
func.func @leaky_relu(%x: tensor<3x!lr_in>) -> tensor<3x!lr_out> {
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<3x!lr_in>) -> tensor<3x!lr_out>
  return %y : tensor<3x!lr_out>
}
