// RUN: quant-opt %s --pass-pipeline="builtin.module(func.func(quant-gpu-tile-parallel-loops))" | FileCheck %s
// RUN: quant-opt %s --pass-pipeline="builtin.module(func.func(quant-gpu-tile-parallel-loops{tile-sizes=4,8,2}))" | FileCheck %s --check-prefix=SIZES

// The default 16x16 tiles go on the innermost dimensions: a [1, 5, 6]
// output keeps its batch untiled; partial tiles are guarded, bounds stay
// constant (what convert-parallel-loops-to-gpu needs for thread counts).
// CHECK-LABEL: func.func @f
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         %[[S0:.*]] = arith.muli %[[C1]], %{{.*}} : index
// CHECK:         %[[S1:.*]] = arith.muli %[[C1]], %[[C16]] : index
// CHECK:         %[[S2:.*]] = arith.muli %[[C1]], %{{.*}} : index
// CHECK:         scf.parallel (%[[B:.*]], %[[I:.*]], %[[J:.*]]) = {{.*}} step (%[[S0]], %[[S1]], %[[S2]])
// CHECK:           scf.parallel ({{.*}}) = ({{.*}}) to (%[[S0]], %[[S1]], %[[S2]])
// CHECK:             arith.cmpi ult, %{{.*}}, %{{.*}} : index
// CHECK:             scf.if
// CHECK:               memref.store %{{.*}} : memref<1x5x6xi32>
// A 1-D loop takes the last size.
// CHECK:         %[[T:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%[[T]])
// CHECK:           scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[T]])
// CHECK:               memref.store %{{.*}} : memref<40xi32>

// More sizes than dimensions: the last ones.
// SIZES-LABEL: func.func @f
// SIZES-DAG:     %[[C4:.*]] = arith.constant 4 : index
// SIZES-DAG:     %[[C8:.*]] = arith.constant 8 : index
// SIZES-DAG:     %[[C2:.*]] = arith.constant 2 : index
// SIZES:         arith.muli %{{.*}}, %[[C4]] : index
// SIZES:         arith.muli %{{.*}}, %[[C8]] : index
// SIZES:         arith.muli %{{.*}}, %[[C2]] : index
// SIZES:         memref.store %{{.*}} : memref<1x5x6xi32>
// SIZES:         %[[D2:.*]] = arith.constant 2 : index
// SIZES:         arith.muli %{{.*}}, %[[D2]] : index
// SIZES:         memref.store %{{.*}} : memref<40xi32>
func.func @f(%m: memref<1x5x6xi32>, %v: memref<40xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c40 = arith.constant 40 : index
  %z = arith.constant 0 : i32
  scf.parallel (%b, %i, %j) = (%c0, %c0, %c0) to (%c1, %c5, %c6) step (%c1, %c1, %c1) {
    memref.store %z, %m[%b, %i, %j] : memref<1x5x6xi32>
  }
  scf.parallel (%i) = (%c0) to (%c40) step (%c1) {
    memref.store %z, %v[%i] : memref<40xi32>
  }
  return
}

// A loop that comes mapped (quant-gpu-mma's blocks of warps of 32 lanes)
// keeps its shape.
// CHECK-LABEL: func.func @mapped
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:      scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT:        memref.store
// CHECK-NEXT:        scf.reduce
// CHECK-NEXT:      } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @mapped(%v: memref<96xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %z = arith.constant 0 : i32
  scf.parallel (%b) = (%c0) to (%c3) step (%c1) {
    scf.parallel (%l) = (%c0) to (%c32) step (%c1) {
      memref.store %z, %v[%l] : memref<96xi32>
    } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
  } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
  return
}
