// RUN: quant-opt %s --quant-lower-qnn | FileCheck %s

// Reshapes, transpose, slice and concat applied directly to tensors of one
// per-tensor quantized type keep the parameters: they run unchanged on the
// stored integers.

!q = !quant.uniform<i8:f32, 0.5:-3>
// CHECK-LABEL: @layout
// CHECK-SAME:    (%[[X:.*]]: tensor<?x2x3xi8>, %[[Y:.*]]: tensor<1x2x3xi8>, %[[N:.*]]: index)
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<?x2x3xi8> into tensor<?x6xi8>
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] output_shape [%[[N]], 3, 2] : tensor<?x6xi8> into tensor<?x3x2xi8>
// CHECK:         %[[T:.*]] = tosa.transpose %[[Y]] {perms = array<i32: 2, 1, 0>} : (tensor<1x2x3xi8>) -> tensor<3x2x1xi8>
// CHECK:         %[[S:.*]] = tosa.const_shape
// CHECK:         %[[R:.*]] = tosa.reshape %[[T]], %[[S]] : (tensor<3x2x1xi8>, !tosa.shape<2>) -> tensor<3x2xi8>
// CHECK:         %[[K:.*]] = tosa.concat %[[Y]], %[[Y]] {axis = 0 : i32} : (tensor<1x2x3xi8>, tensor<1x2x3xi8>) -> tensor<2x2x3xi8>
// CHECK:         %[[L:.*]] = tensor.extract_slice %[[K]][1, 0, 1] [1, 2, 2] [1, 1, 1] : tensor<2x2x3xi8> to tensor<1x2x2xi8>
// CHECK:         return %[[E]], %[[R]], %[[L]]
func.func @layout(%x: tensor<?x2x3x!q>, %y: tensor<1x2x3x!q>, %n: index) -> (tensor<?x3x2x!q>, tensor<3x2x!q>, tensor<1x2x2x!q>) {
  %c = tensor.collapse_shape %x [[0], [1, 2]] : tensor<?x2x3x!q> into tensor<?x6x!q>
  %e = tensor.expand_shape %c [[0], [1, 2]] output_shape [%n, 3, 2] : tensor<?x6x!q> into tensor<?x3x2x!q>
  %t = tosa.transpose %y {perms = array<i32: 2, 1, 0>} : (tensor<1x2x3x!q>) -> tensor<3x2x1x!q>
  %s = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %t, %s : (tensor<3x2x1x!q>, !tosa.shape<2>) -> tensor<3x2x!q>
  %k = tosa.concat %y, %y {axis = 0 : i32} : (tensor<1x2x3x!q>, tensor<1x2x3x!q>) -> tensor<2x2x3x!q>
  %l = tensor.extract_slice %k[1, 0, 1] [1, 2, 2] [1, 1, 1] : tensor<2x2x3x!q> to tensor<1x2x2x!q>
  return %e, %r, %l : tensor<?x3x2x!q>, tensor<3x2x!q>, tensor<1x2x2x!q>
}

// Per-axis (per-channel) types (upstream's verifiers keep the element
// type, so the quantized axis and channels must stay where they are): a
// transpose of other dimensions, a reshape that keeps the quantized
// dimension at its index, a slice and a concat along other dimensions.
!pa = !quant.uniform<i8:f32:0, {0.5:1, 0.25:2, 0.125:3}>
// CHECK-LABEL: @per_axis_layout
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2x4xi8>)
// CHECK:         tosa.transpose %[[X]] {perms = array<i32: 0, 2, 1>} : (tensor<3x2x4xi8>) -> tensor<3x4x2xi8>
// CHECK:         tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<3x2x4xi8> into tensor<3x8xi8>
// CHECK:         tensor.extract_slice %[[X]][0, 1, 0] [3, 1, 4] [1, 1, 1] : tensor<3x2x4xi8> to tensor<3x1x4xi8>
// CHECK:         tosa.concat %[[X]], %[[X]] {axis = 2 : i32} : (tensor<3x2x4xi8>, tensor<3x2x4xi8>) -> tensor<3x2x8xi8>
func.func @per_axis_layout(%x: tensor<3x2x4x!pa>) -> (tensor<3x4x2x!pa>, tensor<3x8x!pa>, tensor<3x1x4x!pa>, tensor<3x2x8x!pa>) {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 1>} : (tensor<3x2x4x!pa>) -> tensor<3x4x2x!pa>
  %c = tensor.collapse_shape %x [[0], [1, 2]] : tensor<3x2x4x!pa> into tensor<3x8x!pa>
  %s = tensor.extract_slice %x[0, 1, 0] [3, 1, 4] [1, 1, 1] : tensor<3x2x4x!pa> to tensor<3x1x4x!pa>
  %k = tosa.concat %x, %x {axis = 2 : i32} : (tensor<3x2x4x!pa>, tensor<3x2x4x!pa>) -> tensor<3x2x8x!pa>
  return %t, %c, %s, %k : tensor<3x4x2x!pa>, tensor<3x8x!pa>, tensor<3x1x4x!pa>, tensor<3x2x8x!pa>
}
