// RUN: quant-opt %s --split-input-file --quant-gpu-mma --cse | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-gpu-mma=emulate-mma=true --cse | FileCheck %s --check-prefix=EMU
// RUN: quant-opt %s --split-input-file --quant-gpu-mma=warps=4,1 --cse | FileCheck %s --check-prefix=WARPS

#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>

// 32x64 @ 64x16, s8 x s8: 2x2 whole 16x8 tiles, one block of 2x2 warps;
// no masks, no warp guard. Each lane's fragments as the PTX ISA lays them
// out (g = lane / 4, t = lane % 4).
// CHECK-LABEL: @s8_s8_tiles
// CHECK-SAME:    (%[[A:.*]]: memref<32x64xi8>, %[[B:.*]]: memref<64x16xi8>, %[[C:.*]]: memref<32x16xi32>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK:         scf.parallel (%[[BM:.*]], %[[BN:.*]]) = (%[[C0]], %[[C0]]) to (%[[C1]], %[[C1]])
// CHECK-DAG:       %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:       %[[C32:.*]] = arith.constant 32 : index
// CHECK:           scf.parallel (%[[WM:.*]], %[[WN:.*]], %[[LANE:.*]]) = (%[[C0]], %[[C0]], %[[C0]]) to (%[[C2]], %[[C2]], %[[C32]])
// CHECK-NOT:         scf.if
// CHECK:             %[[WARPM:.*]] = arith.addi %{{.*}}, %[[WM]] : index
// CHECK:             %[[WARPN:.*]] = arith.addi %{{.*}}, %[[WN]] : index
// CHECK:             %[[ROWS:.*]] = arith.muli %[[WARPM]], %[[C16:.*]] : index
// CHECK:             %[[COLS:.*]] = arith.muli %[[WARPN]], %[[C8:.*]] : index
// CHECK:             %[[G:.*]] = arith.divui %[[LANE]], %[[C4:.*]] : index
// CHECK:             %[[T:.*]] = arith.remui %[[LANE]], %[[C4]] : index
// C fragment: rows g, g + 8; columns 2t, 2t + 1.
// CHECK:             %[[R0:.*]] = arith.addi %[[ROWS]], %[[G]] : index
// CHECK:             %[[T2:.*]] = arith.muli %[[T]], %[[C2]] : index
// CHECK:             %[[N0:.*]] = arith.addi %[[COLS]], %[[T2]] : index
// CHECK:             %[[C00:.*]] = memref.load %[[C]][%[[R0]], %[[N0]]]
// CHECK:             %[[N1:.*]] = arith.addi %[[N0]], %[[C1]] : index
// CHECK:             %[[C01:.*]] = memref.load %[[C]][%[[R0]], %[[N1]]]
// CHECK:             %[[R8:.*]] = arith.addi %[[R0]], %[[C8]] : index
// CHECK:             %[[C10:.*]] = memref.load %[[C]][%[[R8]], %[[N0]]]
// CHECK:             %[[C11:.*]] = memref.load %[[C]][%[[R8]], %[[N1]]]
// CHECK:             %[[D:.*]]:4 = scf.for %[[K0:.*]] = %[[C0]] to %{{.*}} step %[[C32]] iter_args(%[[ACC0:.*]] = %[[C00]], %[[ACC1:.*]] = %[[C01]], %[[ACC2:.*]] = %[[C10]], %[[ACC3:.*]] = %[[C11]])
// A registers: (row g, k 4t..4t+3), (g + 8, same), (g, 16 + ...), (g + 8, 16 + ...).
// CHECK:               %[[T4:.*]] = arith.muli %[[T]], %[[C4]] : index
// CHECK:               %[[K:.*]] = arith.addi %[[K0]], %[[T4]] : index
// CHECK:               %[[X0:.*]] = memref.load %[[A]][%[[R0]], %[[K]]]
// CHECK:               %[[K1:.*]] = arith.addi %[[K]], %[[C1]] : index
// CHECK:               %[[X1:.*]] = memref.load %[[A]][%[[R0]], %[[K1]]]
// CHECK:               %[[K2:.*]] = arith.addi %[[K]], %[[C2]] : index
// CHECK:               %[[X2:.*]] = memref.load %[[A]][%[[R0]], %[[K2]]]
// CHECK:               %[[K3:.*]] = arith.addi %[[K]], %{{.*}} : index
// CHECK:               %[[X3:.*]] = memref.load %[[A]][%[[R0]], %[[K3]]]
// CHECK:               %[[VA0:.*]] = vector.from_elements %[[X0]], %[[X1]], %[[X2]], %[[X3]] : vector<4xi8>
// CHECK:               %[[WA0:.*]] = vector.bitcast %[[VA0]] : vector<4xi8> to vector<1xi32>
// CHECK:               %[[A0:.*]] = vector.extract %[[WA0]][0] : i32 from vector<1xi32>
// CHECK:               memref.load %[[A]][%[[R8]], %[[K]]]
// CHECK:               %[[A1:.*]] = vector.extract
// CHECK:               %[[K16:.*]] = arith.addi %[[K]], %[[C16]] : index
// CHECK:               memref.load %[[A]][%[[R0]], %[[K16]]]
// CHECK:               %[[A2:.*]] = vector.extract
// CHECK:               memref.load %[[A]][%[[R8]], %[[K16]]]
// CHECK:               %[[A3:.*]] = vector.extract
// B registers: (k 4t..4t+3, column g), (16 + ..., g).
// CHECK:               %[[NG:.*]] = arith.addi %[[COLS]], %[[G]] : index
// CHECK:               memref.load %[[B]][%[[K]], %[[NG]]]
// CHECK:               memref.load %[[B]][%[[K1]], %[[NG]]]
// CHECK:               %[[B0:.*]] = vector.extract
// CHECK:               memref.load %[[B]][%[[K16]], %[[NG]]]
// CHECK:               %[[B1:.*]] = vector.extract
// CHECK:               %[[MMA:.*]] = nvvm.mma.sync A[%[[A0]], %[[A1]], %[[A2]], %[[A3]]] B[%[[B0]], %[[B1]]] C[%[[ACC0]], %[[ACC1]], %[[ACC2]], %[[ACC3]]]
// CHECK-SAME:            intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>
// CHECK-SAME:            multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// CHECK:               llvm.extractvalue %[[MMA]][0]
// CHECK:               llvm.extractvalue %[[MMA]][3]
// CHECK:             memref.store %[[D]]#0, %[[C]][%[[R0]], %[[N0]]]
// CHECK:             memref.store %[[D]]#1, %[[C]][%[[R0]], %[[N1]]]
// CHECK:             memref.store %[[D]]#2, %[[C]][%[[R8]], %[[N0]]]
// CHECK:             memref.store %[[D]]#3, %[[C]][%[[R8]], %[[N1]]]
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_z, {{.*}}>, #gpu.loop_dim_map<processor = thread_y, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]}
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]}
// CHECK-NOT:     linalg.generic

// The emulated form: the same loads, lane after lane, into 32-lane
// fragment buffers; the mma as its definition over those buffers.
// EMU-LABEL: @s8_s8_tiles
// EMU:           scf.parallel (%{{.*}}, %{{.*}}) = {{.*}} to (%[[C2:.*]], %[[C2]]) step
// EMU:             %[[FA:.*]] = memref.alloc() : memref<32x4xi32>
// EMU:             %[[FB:.*]] = memref.alloc() : memref<32x2xi32>
// EMU:             %[[FC:.*]] = memref.alloc() : memref<32x4xi32>
// EMU:             scf.for %[[L0:.*]] = %{{.*}} to %[[C32:.*]] step
// EMU:               memref.store %{{.*}}, %[[FC]][%[[L0]], %{{.*}}]
// EMU:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32]] {
// EMU:               scf.for %[[L1:.*]] = %{{.*}} to %[[C32]] step
// EMU:                 memref.store %{{.*}}, %[[FA]][%[[L1]], %{{.*}}]
// EMU:                 memref.store %{{.*}}, %[[FB]][%[[L1]], %{{.*}}]
// EMU:               scf.for %[[L2:.*]] = %{{.*}} to %[[C32]] step
// EMU:                 memref.load %[[FC]][%[[L2]], %{{.*}}]
// EMU:                 scf.for %{{.*}} = %{{.*}} to %[[C32]] step %{{.*}} iter_args
// EMU:                   memref.load %[[FA]]
// EMU:                   arith.shrui
// EMU:                   arith.trunci %{{.*}} : i32 to i8
// EMU:                   arith.extsi %{{.*}} : i8 to i32
// EMU:                   memref.load %[[FB]]
// EMU:                   arith.extsi %{{.*}} : i8 to i32
// EMU:               memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : memref<32x16xi32>
// EMU:             memref.dealloc %[[FA]]
// EMU-NOT:       nvvm.

// Four warps along M: 2 tiles of M fill half a block, the others skip.
// WARPS-LABEL: @s8_s8_tiles
// WARPS-DAG:     %[[C1:.*]] = arith.constant 1 : index
// WARPS-DAG:     %[[C2:.*]] = arith.constant 2 : index
// WARPS:         scf.parallel {{.*}} to (%[[C1]], %[[C2]])
// WARPS:           %[[C4:.*]] = arith.constant 4 : index
// WARPS:           scf.parallel {{.*}} to (%[[C4]], %[[C1]], %{{.*}})
// WARPS:             %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %[[C2]] : index
// WARPS:             scf.if %{{.*}} {
// WARPS:               nvvm.mma.sync
func.func @s8_s8_tiles(%a: memref<32x64xi8>, %b: memref<64x16xi8>, %c: memref<32x16xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x64xi8>, memref<64x16xi8>) outs(%c : memref<32x16xi32>) {
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

#lhs = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#rhs = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// Batch 2 of 37x45 (u8) @ 45x21 (s8, shared by the batch), the product
// written rhs first: A is still the operand with M. 3x3 tiles, partial in
// M, N and K: blocks of 2x2 warps with a warp guard; loads past an edge
// clamped and replaced by 0, stores past it skipped; K padded to 64.
// CHECK-LABEL: @u8_s8_partial
// CHECK-SAME:    (%[[A:.*]]: memref<2x37x45xi8>, %[[B:.*]]: memref<45x21xi8>, %[[C:.*]]: memref<2x37x21xi32>)
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK:         scf.parallel (%[[BATCH:.*]], %{{.*}}, %{{.*}}) = ({{.*}}) to (%[[C2]], %[[C2]], %[[C2]])
// CHECK:           scf.parallel
// CHECK:             %[[C3:.*]] = arith.constant 3 : index
// CHECK:             %[[INM:.*]] = arith.cmpi ult, %{{.*}}, %[[C3]] : index
// CHECK:             %[[INN:.*]] = arith.cmpi ult, %{{.*}}, %[[C3]] : index
// CHECK:             %[[INSIDE:.*]] = arith.andi %[[INM]], %[[INN]] : i1
// CHECK:             scf.if %[[INSIDE]] {
// CHECK:               %[[R0:.*]] = arith.addi
// CHECK:               %[[N0:.*]] = arith.addi
// CHECK:               %[[C37:.*]] = arith.constant 37 : index
// CHECK:               %[[ROWIN:.*]] = arith.cmpi ult, %[[R0]], %[[C37]] : index
// CHECK:               %[[C36:.*]] = arith.constant 36 : index
// CHECK:               %[[RCLAMP:.*]] = arith.minui %[[R0]], %[[C36]] : index
// CHECK:               %[[C21:.*]] = arith.constant 21 : index
// CHECK:               %[[COLIN:.*]] = arith.cmpi ult, %[[N0]], %[[C21]] : index
// CHECK:               %[[BOTH:.*]] = arith.andi %[[ROWIN]], %[[COLIN]] : i1
// CHECK:               %[[C20:.*]] = arith.constant 20 : index
// CHECK:               %[[NCLAMP:.*]] = arith.minui %[[N0]], %[[C20]] : index
// CHECK:               %[[INIT:.*]] = memref.load %[[C]][%[[BATCH]], %[[RCLAMP]], %[[NCLAMP]]]
// CHECK:               arith.select %[[BOTH]], %[[INIT]], %{{.*}} : i32
// CHECK:               %[[C64:.*]] = arith.constant 64 : index
// CHECK:               scf.for %{{.*}} = %{{.*}} to %[[C64]] step
// CHECK:                 %[[C45:.*]] = arith.constant 45 : index
// CHECK:                 %[[KIN:.*]] = arith.cmpi ult, %[[K:.*]], %[[C45]] : index
// CHECK:                 %[[AIN:.*]] = arith.andi %[[ROWIN]], %[[KIN]] : i1
// CHECK:                 %[[C44:.*]] = arith.constant 44 : index
// CHECK:                 %[[KCLAMP:.*]] = arith.minui %[[K]], %[[C44]] : index
// CHECK:                 %[[X:.*]] = memref.load %[[A]][%[[BATCH]], %[[RCLAMP]], %[[KCLAMP]]]
// CHECK:                 arith.select %[[AIN]], %[[X]], %{{.*}} : i8
// CHECK:                 memref.load %[[B]][%{{.*}}, %{{.*}}] : memref<45x21xi8>
// CHECK:                 nvvm.mma.sync
// CHECK-SAME:              multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>
// CHECK:               scf.if %[[BOTH]] {
// CHECK:                 memref.store %{{.*}}, %[[C]][%[[BATCH]], %[[R0]], %[[N0]]]
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_z, {{.*}}>, #gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]}

// EMU-LABEL: @u8_s8_partial
// EMU:         arith.extui %{{.*}} : i8 to i32
// EMU:         arith.extsi %{{.*}} : i8 to i32
func.func @u8_s8_partial(%a: memref<2x37x45xi8>, %b: memref<45x21xi8>, %c: memref<2x37x21xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x37x45xi8>, memref<45x21xi8>) outs(%c : memref<2x37x21xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %ye, %xe : i32
    %s = arith.addi %p, %acc : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A matrix-vector product has no n dimension: left for quant-gpu-dp4a, as
// are dynamic sizes.
// CHECK-LABEL: @not_matmuls
// CHECK-NOT:     nvvm.mma.sync
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : memref<8x64xi8>, memref<64xi8>)
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : memref<?x64xi8>, memref<64x8xi8>)
func.func @not_matmuls(%a: memref<8x64xi8>, %v: memref<64xi8>, %r: memref<8xi32>,
                       %d: memref<?x64xi8>, %b: memref<64x8xi8>, %c: memref<?x8xi32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%a, %v : memref<8x64xi8>, memref<64xi8>) outs(%r : memref<8xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%d, %b : memref<?x64xi8>, memref<64x8xi8>) outs(%c : memref<?x8xi32>) {
  ^bb0(%x: i8, %y: i8, %acc: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}
