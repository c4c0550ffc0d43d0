// RUN: quant-opt %s --split-input-file --quant-gpu-dp4a | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-gpu-dp4a=emulate-dp4a=true | FileCheck %s --check-prefix=EMU

#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>

// K = 8: two groups of four bytes, no remainder. Signed lhs, unsigned rhs.
// CHECK-LABEL: @s8_u8
// CHECK-SAME:    (%[[A:.*]]: memref<3x8xi8>, %[[B:.*]]: memref<8x5xi8>, %[[C:.*]]: memref<3x5xi32>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         scf.parallel (%[[I:.*]], %[[J:.*]]) = (%[[C0]], %[[C0]]) to (%{{.*}}, %{{.*}}) step (%[[C1]], %[[C1]])
// CHECK:           %[[INIT:.*]] = memref.load %[[C]][%[[I]], %[[J]]]
// CHECK:           %[[DOT:.*]] = scf.for %[[K:.*]] = %[[C0]] to %{{.*}} step %[[C4]] iter_args(%[[ACC:.*]] = %[[INIT]]) -> (i32)
// CHECK:             %[[A0:.*]] = memref.load %[[A]][%[[I]], %[[K]]]
// CHECK:             %[[K1:.*]] = arith.addi %[[K]], %{{.*}} : index
// CHECK:             memref.load %[[A]][%[[I]], %[[K1]]]
// CHECK:             %[[VA:.*]] = vector.from_elements %[[A0]], %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi8>
// CHECK:             %[[B0:.*]] = memref.load %[[B]][%[[K]], %[[J]]]
// CHECK:             %[[VB:.*]] = vector.from_elements %[[B0]], %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi8>
// CHECK:             %[[R:.*]] = nvvm.dot.accumulate.4way %[[VA]] <signed>, %[[VB]] <unsigned>, %[[ACC]] : vector<4xi8>, vector<4xi8>
// CHECK:             scf.yield %[[R]] : i32
// CHECK-NOT:       scf.for
// CHECK:           memref.store %[[DOT]], %[[C]][%[[I]], %[[J]]]
// CHECK-NOT:     linalg.generic

// EMU-LABEL: @s8_u8
// EMU-NOT:     nvvm.
// EMU:         %[[WA:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// EMU:         %[[WB:.*]] = arith.extui %{{.*}} : vector<4xi8> to vector<4xi32>
// EMU:         %[[P:.*]] = arith.muli %[[WA]], %[[WB]] : vector<4xi32>
// EMU:         vector.reduction <add>, %[[P]], %{{.*}} : vector<4xi32> into i32
func.func @s8_u8(%a: memref<3x8xi8>, %b: memref<8x5xi8>, %c: memref<3x5xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<8x5xi8>) outs(%c : memref<3x5xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extui %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>

// K = 7: one group, then the original body for the 3 remaining bytes.
// Operands in the other order in the body (rhs byte first, product + acc).
// CHECK-LABEL: @remainder
// CHECK:         %[[DOT:.*]] = scf.for {{.*}} -> (i32)
// CHECK:           nvvm.dot.accumulate.4way %{{.*}} <unsigned>, %{{.*}} <signed>
// CHECK:         %[[REM:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[DOT]]) -> (i32)
// CHECK:           %[[X:.*]] = memref.load %{{.*}}[%{{.*}}, %[[K]]] : memref<2x7xi8>
// CHECK:           %[[Y:.*]] = memref.load %{{.*}}[%[[K]], %{{.*}}] : memref<7x3xi8>
// CHECK:           %[[YE:.*]] = arith.extui %[[Y]] : i8 to i32
// CHECK:           %[[XE:.*]] = arith.extsi %[[X]] : i8 to i32
// CHECK:           %[[P:.*]] = arith.muli %[[YE]], %[[XE]] : i32
// CHECK:           %[[S:.*]] = arith.addi %[[P]], %[[ACC]] : i32
// CHECK:           scf.yield %[[S]] : i32
// CHECK:         memref.store %[[REM]]
func.func @remainder(%a: memref<2x7xi8>, %b: memref<7x3xi8>, %c: memref<2x3xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x7xi8>, memref<7x3xi8>) outs(%c : memref<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %ye = arith.extui %y : i8 to i32
    %xe = arith.extsi %x : i8 to i32
    %p = arith.muli %ye, %xe : i32
    %s = arith.addi %p, %acc : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// Batched, with a dynamic reduction size: groups up to K - K mod 4, then
// the remainder, both from memref.dim.
// CHECK-LABEL: @batched_dynamic
// CHECK:         %[[K:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<2x3x?xi8>
// CHECK:         %[[C4:.*]] = arith.constant 4 : index
// CHECK:         %[[Q:.*]] = arith.divui %[[K]], %[[C4]] : index
// CHECK:         %[[K4:.*]] = arith.muli %[[Q]], %[[C4]] : index
// CHECK:         scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// CHECK:           scf.for %{{.*}} = %{{.*}} to %[[K4]] step %[[C4]]
// CHECK:             nvvm.dot.accumulate.4way %{{.*}} <signed>, %{{.*}} <signed>
// CHECK:           scf.for %{{.*}} = %[[K4]] to %[[K]] step
func.func @batched_dynamic(%a: memref<2x3x?xi8>, %b: memref<2x?x4xi8>, %c: memref<2x3x4xi32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x3x?xi8>, memref<2x?x4xi8>) outs(%c : memref<2x3x4xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>

// Not 8-bit contractions in the form above: left to the plain loops.
// CHECK-LABEL: @left_alone
// CHECK-NOT:     nvvm.
// CHECK-COUNT-3: linalg.generic
func.func @left_alone(%a: memref<2x8xi16>, %b: memref<8x3xi16>, %c: memref<2x3xi32>,
                      %a8: memref<2x8xi8>, %b8: memref<8x3xi8>, %zp: i32) {
  // 16-bit inputs.
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x8xi16>, memref<8x3xi16>) outs(%c : memref<2x3xi32>) {
  ^bb0(%x: i16, %y: i16, %acc: i32):
    %xe = arith.extsi %x : i16 to i32
    %ye = arith.extsi %y : i16 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  // A zero point subtracted inside the body.
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a8, %b8 : memref<2x8xi8>, memref<8x3xi8>) outs(%c : memref<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %xz = arith.subi %xe, %zp : i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xz, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  // Two reduction dimensions.
  linalg.generic {indexing_maps = [affine_map<(m, n, k, l) -> (m, k)>, affine_map<(m, n, k, l) -> (l, n)>, affine_map<(m, n, k, l) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a8, %b8 : memref<2x8xi8>, memref<8x3xi8>) outs(%c : memref<2x3xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}
