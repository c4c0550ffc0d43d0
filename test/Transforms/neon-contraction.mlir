// RUN: quant-opt %s --split-input-file --quant-neon-contraction="i8mm=false dotprod=false" | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-neon-contraction | FileCheck %s --check-prefix=I8MM
// RUN: quant-opt %s --split-input-file --quant-neon-contraction=i8mm=false | FileCheck %s --check-prefix=DOTPROD
// quant-neon-udot (after bufferization in the pipeline) takes the u8 x u8
// contracts that quant-neon-contraction leaves; nothing else.
// RUN: quant-opt %s --split-input-file --quant-neon-contraction=i8mm=false --quant-neon-udot | FileCheck %s --check-prefix=UDOT

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// Constant weights, shapes that are not whole tiles (M 5, N 6, K 20): the
// activations and the accumulator are zero-padded to 8x32 and 8x8, the
// weights packed at compile time as [N, K] = 8x32 (row n holds column n of
// w, then zeros), one vector.contract per 4x4 tile and 16 steps of K.
// CHECK-LABEL: func.func @shared_constant
// CHECK-SAME:    (%[[X:.*]]: tensor<5x20xi8>)
// CHECK:         %[[XP:.*]] = tensor.pad %[[X]] low[0, 0] high[3, 12]
// CHECK:         } : tensor<5x20xi8> to tensor<8x32xi8>
// CHECK:         %[[W:.*]] = arith.constant dense<"0x01070D13191F252B31373D43494F555B61676D73000000000000000000000000FEF8F2EC
// CHECK-SAME:      : tensor<8x32xi8>
// CHECK:         %[[ACC:.*]] = tensor.pad %{{.*}} low[0, 0] high[3, 2]
// CHECK:         %[[R:.*]] = scf.for %[[M:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[ACC]]) -> (tensor<8x8xi32>)
// CHECK:           scf.for %[[N:[a-z0-9_]+]] = {{.*}} -> (tensor<8x8xi32>)
// CHECK:             vector.transfer_read {{.*}} {in_bounds = [true, true]} : tensor<8x8xi32>, vector<4x4xi32>
// CHECK:             scf.for %[[K:[a-z0-9_]+]] = {{.*}} -> (vector<4x4xi32>)
// CHECK:               %[[A:.*]] = vector.transfer_read %[[XP]][%[[M]], %[[K]]], {{.*}} : tensor<8x32xi8>, vector<4x16xi8>
// CHECK:               %[[B:.*]] = vector.transfer_read %[[W]][%[[N]], %[[K]]], {{.*}} : tensor<8x32xi8>, vector<4x16xi8>
// CHECK:               %[[AE:.*]] = arith.extsi %[[A]] : vector<4x16xi8> to vector<4x16xi32>
// CHECK:               %[[BE:.*]] = arith.extsi %[[B]] : vector<4x16xi8> to vector<4x16xi32>
// CHECK:               vector.contract {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %[[AE]], %[[BE]]
// CHECK:             vector.transfer_write
// CHECK:         tensor.extract_slice %[[R]][0, 0] [5, 6] [1, 1] : tensor<8x8xi32> to tensor<5x6xi32>
// CHECK-NOT:     linalg.generic

// i8mm: 8 smmla per step (2x2 sub-tiles of 2x2 outputs, 2 halves of K).
// I8MM-LABEL: func.func @shared_constant
// I8MM-COUNT-8: arm_neon.intr.smmla {{.*}} : vector<16xi8> to vector<4xi32>
// I8MM-NOT:     vector.contract

// dotprod: 16 sdot per step (4 rows x 4 quarters of K, 4 columns each).
// DOTPROD-LABEL: func.func @shared_constant
// DOTPROD-COUNT-16: arm_neon.intr.sdot {{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>
// DOTPROD-NOT:     vector.contract
func.func @shared_constant(%x: tensor<5x20xi8>) -> tensor<5x6xi32> {
  %w = arith.constant dense<[[1, -2, 3, -4, 5, -6], [7, -8, 9, -10, 11, -12], [13, -14, 15, -16, 17, -18], [19, -20, 21, -22, 23, -24], [25, -26, 27, -28, 29, -30], [31, -32, 33, -34, 35, -36], [37, -38, 39, -40, 41, -42], [43, -44, 45, -46, 47, -48], [49, -50, 51, -52, 53, -54], [55, -56, 57, -58, 59, -60], [61, -62, 63, -64, 65, -66], [67, -68, 69, -70, 71, -72], [73, -74, 75, -76, 77, -78], [79, -80, 81, -82, 83, -84], [85, -86, 87, -88, 89, -90], [91, -92, 93, -94, 95, -96], [97, -98, 99, -100, 101, -102], [103, -104, 105, -106, 107, -108], [109, -110, 111, -112, 113, -114], [115, -116, 117, -118, 119, -120]]> : tensor<20x6xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<5x6xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<5x6xi32>) -> tensor<5x6xi32>
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<5x20xi8>, tensor<20x6xi8>) outs(%acc : tensor<5x6xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<5x6xi32>
  return %r : tensor<5x6xi32>
}

// -----

#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>

// Batched run-time weights, u8 activations times s8 weights (either
// operand order in the body): the weights are transposed at run time, a
// loop runs over the batch; i8mm gives usmmla. dotprod has no u8 x s8
// instruction: the u8 activations are shifted to s8 (sign bits flipped),
// multiplied by sdot, and 128 x each weight column's sum (4 sdots of the
// column against ones, shifted left by 7) added back.
// CHECK-LABEL: func.func @batched_unsigned
// CHECK-SAME:    (%[[X:.*]]: tensor<2x4x16xi8>, %[[W:.*]]: tensor<2x16x4xi8>, %[[ACC:.*]]: tensor<2x4x4xi32>)
// CHECK:         %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<2x16x4xi8>) outs(%{{.*}} : tensor<2x4x16xi8>) permutation = [0, 2, 1]
// CHECK:         scf.for %[[B:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[ACC]]) -> (tensor<2x4x4xi32>)
// CHECK:           scf.for %[[M:[a-z0-9_]+]] =
// CHECK:             scf.for %[[N:[a-z0-9_]+]] =
// CHECK:               scf.for %[[K:[a-z0-9_]+]] =
// CHECK:                 %[[A:.*]] = vector.transfer_read %[[X]][%[[B]], %[[M]], %[[K]]]
// CHECK:                 %[[BT:.*]] = vector.transfer_read %[[WT]][%[[B]], %[[N]], %[[K]]]
// CHECK:                 arith.extui %[[A]]
// CHECK:                 arith.extsi %[[BT]]
// CHECK:                 vector.contract
// CHECK-NOT:     tensor.extract_slice

// I8MM-LABEL: func.func @batched_unsigned
// I8MM-COUNT-8: arm_neon.intr.usmmla
// DOTPROD-LABEL: func.func @batched_unsigned
// DOTPROD:         arith.xori %{{.*}}, %{{.*}} : vector<4x16xi8>
// DOTPROD-COUNT-4: arm_neon.intr.sdot %{{.*}}, %{{.*}}, %[[ONES:.*]] : vector<16xi8>, vector<16xi8> to vector<4xi32>
// DOTPROD-NEXT:    %[[COLSUM:.*]] = arith.shli %{{.*}}, %{{.*}} : vector<4xi32>
// DOTPROD-COUNT-4: arm_neon.intr.sdot
// DOTPROD-NEXT:    arith.addi %{{.*}}, %[[COLSUM]] : vector<4xi32>
// DOTPROD-NOT:     vector.contract
func.func @batched_unsigned(%x: tensor<2x4x16xi8>, %w: tensor<2x16x4xi8>, %acc: tensor<2x4x4xi32>) -> tensor<2x4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x4x16xi8>, tensor<2x16x4xi8>) outs(%acc : tensor<2x4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %be, %ae : i32
    %s = arith.addi %p, %c : i32
    linalg.yield %s : i32
  } -> tensor<2x4x4xi32>
  return %r : tensor<2x4x4xi32>
}

// -----

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// dotprod, u8 x u8: the contract stays through quant-neon-contraction;
// quant-neon-udot makes it udot (an LLVM intrinsic; the ArmNeon dialect
// has no udot op), 16 per 4x4x16 step.
// DOTPROD-LABEL: func.func @unsigned_both
// DOTPROD-NOT:     arm_neon.intr.sdot
// DOTPROD:         vector.contract
// UDOT-LABEL: func.func @unsigned_both
// UDOT-NOT:     arith.xori
// UDOT-COUNT-16: llvm.call_intrinsic "llvm.aarch64.neon.udot.v4i32.v16i8"({{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// UDOT-NOT:     vector.contract
// UDOT-LABEL: func.func @signed_by_unsigned
// UDOT-NOT:     llvm.call_intrinsic
func.func @unsigned_both(%x: tensor<4x16xi8>, %w: tensor<16x4xi8>, %acc: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x16xi8>, tensor<16x4xi8>) outs(%acc : tensor<4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extui %b : i8 to i32
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

// dotprod, s8 x u8: the u8 weights shifted to s8 (sign bits flipped), sdot,
// and 128 x each row's sum added back (4 sdots of the row against ones
// per row, shifted left by 7).
// DOTPROD-LABEL: func.func @signed_by_unsigned
// DOTPROD:         arith.xori %{{.*}}, %{{.*}} : vector<4x16xi8>
// DOTPROD-COUNT-4: arm_neon.intr.sdot
// DOTPROD-NEXT:    %[[ROWSUM:.*]] = arith.shli %{{.*}}, %{{.*}} : vector<4xi32>
// DOTPROD:         arith.addi %{{.*}}, %[[ROWSUM]] : vector<4xi32>
// DOTPROD-NOT:     vector.contract
func.func @signed_by_unsigned(%x: tensor<4x16xi8>, %w: tensor<16x4xi8>, %acc: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %r = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x16xi8>, tensor<16x4xi8>) outs(%acc : tensor<4x4xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extui %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %c, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x4xi32>
  return %r : tensor<4x4xi32>
}
