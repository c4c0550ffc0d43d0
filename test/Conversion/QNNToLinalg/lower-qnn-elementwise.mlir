// RUN: quant-opt %s --split-input-file --quant-lower-qnn | FileCheck %s

// qnn.add/sub/mul to integer linalg (Elementwise.cpp). The execution tests
// are test/Integration/CPU/qdq-elementwise.test.

!u8b = !quant.uniform<u8:f32, 0.25:120>
!u8c = !quant.uniform<u8:f32, 1.0:127>
!i8a = !quant.uniform<i8:f32, 0.5:-3>

// Broadcasting through the maps: rhs aligned to the trailing loops, its
// size-1 dimension read at 0; the dynamic batch sized from lhs. Sub in
// float32 as ONNX Runtime's x86 QLinearAdd with rb negated: stored values
// times ra = 0.5 and rb = -0.25, fused with the folded constant
// zc - (ra * za + rb * zb) = 127 - (0.5 * -3 - 0.25 * 120) = 158.5.
// CHECK-DAG:   #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG:   #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @sub_dynamic_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<?x1x4xi8>, %[[B:.*]]: tensor<3x1xi8>) -> tensor<?x3x4xi8>
// CHECK:         %[[N:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x1x4xi8>
// CHECK:         %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3x4xi8>
// CHECK:         linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<?x1x4xi8>, tensor<3x1xi8>) outs(%[[E]] : tensor<?x3x4xi8>)
// CHECK:           ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %{{.*}}: i8):
// CHECK:           %[[EY:.*]] = arith.extui %[[Y]] : i8 to i32
// CHECK:           %[[FY:.*]] = arith.sitofp %[[EY]] : i32 to f32
// CHECK:           %[[RB:.*]] = arith.constant -2.500000e-01 : f32
// CHECK:           %[[FIXED:.*]] = arith.constant 1.585000e+02 : f32
// CHECK:           %[[P:.*]] = math.fma %[[FY]], %[[RB]], %[[FIXED]] : f32
// CHECK:           %[[EX:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK:           %[[FX:.*]] = arith.sitofp %[[EX]] : i32 to f32
// CHECK:           %[[RA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK:           %[[R:.*]] = math.fma %[[FX]], %[[RA]], %[[P]] : f32
// CHECK:           math.roundeven %[[R]] : f32
// CHECK:           arith.fptoui {{.*}} : f32 to i8
func.func @sub_dynamic_broadcast(%a: tensor<?x1x4x!i8a>, %b: tensor<3x1x!u8b>) -> tensor<?x3x4x!u8c> {
  %y = qnn.sub %a, %b : (tensor<?x1x4x!i8a>, tensor<3x1x!u8b>) -> tensor<?x3x4x!u8c>
  return %y : tensor<?x3x4x!u8c>
}

// -----

!u8a = !quant.uniform<u8:f32, 0.5:128>
!u8b = !quant.uniform<u8:f32, 0.25:120>
!u8c = !quant.uniform<u8:f32, 1.0:127>

// Mul: the i32 product of the centred operands (a rank-0 rhs is read at
// ()), then the matmul/conv epilogue with constant terms 0 and the merged
// scale 0.5 * 0.25 / 1.0.
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG:   #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @mul_scalar
// CHECK:         %[[P:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]], {{.*}} outs(%{{.*}} : tensor<2xi32>)
// CHECK:           arith.muli
// CHECK-DAG:     %[[T:.*]] = arith.constant dense<0> : tensor<i32>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<1.250000e-01> : tensor<f32>
// CHECK:         linalg.generic {{.*}} ins(%[[P]], %[[T]], %[[M]] : tensor<2xi32>, tensor<i32>, tensor<f32>) outs(%{{.*}} : tensor<2xi8>)
// CHECK:           %[[ZO:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:           %[[R:.*]] = math.roundeven
// CHECK:           arith.addf %[[R]], %[[ZO]] : f32
func.func @mul_scalar(%a: tensor<2x!u8a>, %b: tensor<!u8b>) -> tensor<2x!u8c> {
  %y = qnn.mul %a, %b : (tensor<2x!u8a>, tensor<!u8b>) -> tensor<2x!u8c>
  return %y : tensor<2x!u8c>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5:0>
!u8 = !quant.uniform<u8:f32, 0.5:128>

// qnn.lookup: the table as a constant of the result storage type, read at
// ext(q) - qmin (qmin = -8).
// CHECK-LABEL: func.func @lookup
// CHECK-SAME:    (%[[X:.*]]: tensor<2xi4>) -> tensor<2xi8>
// CHECK:         %[[T:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1]> : tensor<16xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<2xi4>) outs(%{{.*}} : tensor<2xi8>)
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: i4, %{{.*}}: i8):
// CHECK-NEXT:      %[[E:.*]] = arith.extsi %[[IN]] : i4 to i32
// CHECK-NEXT:      %[[MIN:.*]] = arith.constant -8 : i32
// CHECK-NEXT:      %[[O:.*]] = arith.subi %[[E]], %[[MIN]] : i32
// CHECK-NEXT:      %[[I:.*]] = arith.index_cast %[[O]] : i32 to index
// CHECK-NEXT:      %[[V:.*]] = tensor.extract %[[T]][%[[I]]] : tensor<16xi8>
// CHECK-NEXT:      linalg.yield %[[V]] : i8
func.func @lookup(%a: tensor<2x!i4>) -> tensor<2x!u8> {
  %y = qnn.lookup %a table dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<2x!u8>
  return %y : tensor<2x!u8>
}
