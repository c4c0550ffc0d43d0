// RUN: quant-opt %s --split-input-file --quant-deallocate-buffers | FileCheck %s

// Each buffer is freed right after the last op that reads it or a view of
// it; the returned buffer is not freed.
// CHECK-LABEL: func.func @chain
// CHECK:      %[[A:.*]] = memref.alloc() : memref<4xi32>
// CHECK-NEXT: linalg.fill {{.*}} outs(%[[A]]
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<4xi32>
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[A]] {{.*}} outs(%[[B]]
// CHECK:      memref.dealloc %[[A]]
// CHECK-NEXT: %[[V:.*]] = memref.expand_shape %[[B]]
// CHECK-NEXT: %[[C:.*]] = memref.alloc() : memref<2x2xi32>
// CHECK:      scf.for
// CHECK:        memref.load %[[V]]
// CHECK:      }
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: return %[[C]]
// CHECK-NOT:  memref.dealloc
#id = affine_map<(d0) -> (d0)>
func.func @chain(%x: i32) -> memref<2x2xi32> {
  %a = memref.alloc() : memref<4xi32>
  linalg.fill ins(%x : i32) outs(%a : memref<4xi32>)
  %b = memref.alloc() : memref<4xi32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<4xi32>) outs(%b : memref<4xi32>) {
  ^bb0(%in: i32, %out: i32):
    %s = arith.addi %in, %in : i32
    linalg.yield %s : i32
  }
  %v = memref.expand_shape %b [[0, 1]] output_shape [2, 2] : memref<4xi32> into memref<2x2xi32>
  %c = memref.alloc() : memref<2x2xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %e = memref.load %v[%i, %j] : memref<2x2xi32>
      memref.store %e, %c[%i, %j] : memref<2x2xi32>
    }
  }
  return %c : memref<2x2xi32>
}

// -----

// A buffer nobody reads is freed at once; a returned view keeps its
// buffer alive (no dealloc).
// CHECK-LABEL: func.func @unused_and_view
// CHECK:      %[[U:.*]] = memref.alloc() : memref<8xi8>
// CHECK-NEXT: memref.dealloc %[[U]]
// CHECK:      %[[K:.*]] = memref.alloc() : memref<8xi8>
// CHECK-NOT:  memref.dealloc
// CHECK:      return
func.func @unused_and_view() -> memref<4xi8, strided<[1], offset: 2>> {
  %u = memref.alloc() : memref<8xi8>
  %k = memref.alloc() : memref<8xi8>
  %s = memref.subview %k[2] [4] [1] : memref<8xi8> to memref<4xi8, strided<[1], offset: 2>>
  return %s : memref<4xi8, strided<[1], offset: 2>>
}

// -----

// Returning an argument is outside the straight-line form: upstream's
// pipeline runs on the whole module instead (it clones the result and
// frees the local buffer at the end of the block).
// CHECK-LABEL: func.func @returns_argument
// CHECK:      %[[T:.*]] = memref.alloc() : memref<4xf32>
// CHECK:      bufferization.clone
// CHECK:      memref.dealloc %[[T]]
func.func @returns_argument(%arg: memref<4xf32>, %x: f32) -> memref<4xf32> {
  %t = memref.alloc() : memref<4xf32>
  linalg.fill ins(%x : f32) outs(%t : memref<4xf32>)
  return %arg : memref<4xf32>
}

// -----

// Control flow (a second block): upstream's pipeline, which frees the
// buffer on both paths (before the branch when it goes to ^bb2).
// CHECK-LABEL: func.func @two_blocks
// CHECK:       scf.if
// CHECK-NEXT:    memref.dealloc
// CHECK:       cf.cond_br
// CHECK:       memref.load
// CHECK-NEXT:  memref.dealloc
func.func @two_blocks(%c: i1, %x: f32) -> f32 {
  %t = memref.alloc() : memref<2xf32>
  linalg.fill ins(%x : f32) outs(%t : memref<2xf32>)
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  %c0 = arith.constant 0 : index
  %v = memref.load %t[%c0] : memref<2xf32>
  return %v : f32
^bb2:
  return %x : f32
}
