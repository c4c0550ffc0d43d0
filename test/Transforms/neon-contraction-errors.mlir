// RUN: quant-opt %s --split-input-file --verify-diagnostics --quant-neon-contraction | FileCheck %s

// quant-neon-contraction has no error of its own: a contraction it cannot
// tile is left as it is, for the generic lowering, and never rewritten
// wrongly. These are those cases; none gives a diagnostic.

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// i4 weights: the tiles read bytes.
// CHECK-LABEL: @int4_weights
// CHECK-NOT:     vector.contract
// CHECK:         linalg.generic
func.func @int4_weights(%x: tensor<4x16xi8>, %w: tensor<16x4xi4>, %acc: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x16xi8>, tensor<16x4xi4>) outs(%acc : tensor<4x4xi32>) {
  ^bb0(%a: i8, %b: i4, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i4 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x4xi32>
  return %r : tensor<4x4xi32>
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// A dynamic batch: the tiles need static sizes.
// CHECK-LABEL: @dynamic_rows
// CHECK-NOT:     vector.contract
// CHECK:         linalg.generic
func.func @dynamic_rows(%x: tensor<?x16xi8>, %w: tensor<16x4xi8>, %acc: tensor<?x4xi32>) -> tensor<?x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x16xi8>, tensor<16x4xi8>) outs(%acc : tensor<?x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<?x4xi32>
  return %r : tensor<?x4xi32>
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// Not a plain sum of products (the zero point inside the loop).
// CHECK-LABEL: @centred_product
// CHECK-NOT:     vector.contract
// CHECK:         linalg.generic
func.func @centred_product(%x: tensor<4x16xi8>, %w: tensor<16x4xi8>, %acc: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x16xi8>, tensor<16x4xi8>) outs(%acc : tensor<4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %zp = arith.constant 3 : i32
    %ac = arith.subi %ae, %zp : i32
    %p = arith.muli %ac, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x4xi32>
  return %r : tensor<4x4xi32>
}

// -----

#lhs = affine_map<(m, n, k) -> (k, m)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// A transposed activation operand: not the form of quant-lower-qnn.
// CHECK-LABEL: @transposed_lhs
// CHECK-NOT:     vector.contract
// CHECK:         linalg.generic
func.func @transposed_lhs(%x: tensor<16x4xi8>, %w: tensor<16x4xi8>, %acc: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x4xi8>, tensor<16x4xi8>) outs(%acc : tensor<4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x4xi32>
  return %r : tensor<4x4xi32>
}
