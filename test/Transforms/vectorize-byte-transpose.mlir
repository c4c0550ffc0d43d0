// RUN: quant-opt %s --split-input-file --quant-vectorize-byte-transpose | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-vectorize-byte-transpose="parallel=true min-parallel-bytes=0" | FileCheck %s --check-prefix=PAR
// With the default threshold (128 KiB), these small transposes stay on
// one thread.
// RUN: quant-opt %s --split-input-file --quant-vectorize-byte-transpose=parallel=true | FileCheck %s --check-prefix=SMALL
// SMALL-NOT: scf.parallel

// [32, 48] -> [48, 32]: 2 x 3 full tiles, along q (the output's rows of
// 32) outside and e (48) inside. Each reads 16 input rows of 16 contiguous
// bytes (rows q0.., bytes from e0), transposes them in four rounds of 16
// interleaves (low halves of vectors i and i + 8, high halves), and writes
// 16 contiguous output rows of 16 bytes (rows e0..).
// CHECK-LABEL: func.func @full_tiles
// CHECK-SAME:    (%[[X:.*]]: memref<32x48xi8>, %[[Y:.*]]: memref<48x32xi8>)
// CHECK-NOT:     linalg.transpose
// CHECK:         scf.for %[[Q:[^ ]*]] = %{{.*}} to %c32{{.*}} step %c16
// CHECK:           scf.for %[[E:[^ ]*]] = %{{.*}} to %c48{{.*}} step %c16
// CHECK:             %[[R0:.*]] = vector.load %[[X]][%[[Q]], %[[E]]] : memref<32x48xi8>, vector<16xi8>
// CHECK-COUNT-15:    vector.load %[[X]]
// CHECK:             vector.shuffle %[[R0]], %{{.*}} [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23] : vector<16xi8>, vector<16xi8>
// CHECK:             vector.shuffle %[[R0]], %{{.*}} [8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31] : vector<16xi8>, vector<16xi8>
// CHECK-COUNT-62:    vector.shuffle
// CHECK:             vector.store %{{.*}}, %[[Y]][%[[E]], %[[Q]]] : memref<48x32xi8>, vector<16xi8>
// CHECK-COUNT-15:    vector.store %{{.*}}, %[[Y]]
// CHECK-NOT:         vector.maskedload
// CHECK-NOT:         vector.maskedstore
func.func @full_tiles(%x: memref<32x48xi8>, %y: memref<48x32xi8>) {
  linalg.transpose ins(%x : memref<32x48xi8>) outs(%y : memref<48x32xi8>) permutation = [1, 0]
  return
}

// -----

// NCHW [1, 19, 37, 5] -> NHWC [1, 37, 5, 19]: loops over n and h, then
// the tiles along w (e: 5 bytes, a masked remainder only) and c (q: one
// full tile of 16 input rows, then 3 rows, the other 13 zeros, written
// with a 3-byte mask).
// CHECK-LABEL: func.func @nchw_to_nhwc
// CHECK-SAME:    (%[[X:.*]]: memref<1x19x37x5xi8>, %[[Y:.*]]: memref<1x37x5x19xi8>)
// CHECK:         scf.for %[[N:.*]] = %{{.*}} to %c1
// CHECK:           scf.for %[[H:.*]] = %{{.*}} to %c37
// CHECK:             scf.for %[[C:.*]] = %{{.*}} to %c16
// CHECK:               %[[M5:.*]] = vector.constant_mask [5] : vector<16xi1>
// CHECK:               vector.maskedload %[[X]][%[[N]], %[[C]], %[[H]], %{{.*}}], %[[M5]], %{{.*}} : memref<1x19x37x5xi8>
// CHECK-COUNT-15:      vector.maskedload %[[X]]
// CHECK-COUNT-64:      vector.shuffle
// CHECK-COUNT-5:       vector.store %{{.*}}, %[[Y]]
// CHECK-NOT:           vector.store
// CHECK:             }
// CHECK-COUNT-3:     vector.maskedload %[[X]]
// CHECK-COUNT-64:    vector.shuffle
// CHECK:             %[[M3:.*]] = vector.constant_mask [3] : vector<16xi1>
// CHECK:             vector.maskedstore %[[Y]][%[[N]], %[[H]], %{{.*}}, %{{.*}}], %[[M3]], %{{.*}} : memref<1x37x5x19xi8>
// CHECK-COUNT-4:     vector.maskedstore %[[Y]]
// CHECK-NOT:         vector.maskedstore
// With parallel, the outermost loop with more than one iteration (H: N
// has one) is the parallel one, the tiles inside unchanged.
// PAR-LABEL: func.func @nchw_to_nhwc
// PAR:         scf.for %{{.*}} = %{{.*}} to %c1
// PAR:           scf.parallel (%{{.*}}) = (%{{.*}}) to (%c37{{.*}}) step
// PAR:             scf.for %{{.*}} = %{{.*}} to %c16
// PAR-COUNT-16:      vector.maskedload
// PAR-NOT:       scf.parallel
func.func @nchw_to_nhwc(%x: memref<1x19x37x5xi8>, %y: memref<1x37x5x19xi8>) {
  linalg.transpose ins(%x : memref<1x19x37x5xi8>) outs(%y : memref<1x37x5x19xi8>) permutation = [0, 2, 3, 1]
  return
}

// -----

// [64, 20] -> [20, 64]: q (64) is one wide tile: four 16 x 16 tiles side
// by side in the 16-byte lanes of vector<64xi8> (each row assembled from
// four 16-byte loads), transposed lane by lane, and 16 stores of 64
// contiguous bytes; the last 4 columns of e (20 = 16 + 4) take four
// ordinary tiles with masked loads.
// CHECK-LABEL: func.func @wide_tiles
// CHECK-SAME:    (%[[X:.*]]: memref<64x20xi8>, %[[Y:.*]]: memref<20x64xi8>)
// CHECK:         scf.for %[[Q:[^ ]*]] = %{{.*}} to %c64{{.*}} step %c64
// CHECK:           scf.for %[[E:[^ ]*]] = %{{.*}} to %c16{{.*}} step %c16
// CHECK:             vector.load %[[X]][%[[Q]], %[[E]]] : memref<64x20xi8>, vector<16xi8>
// CHECK-COUNT-3:     vector.load %[[X]]
// CHECK:             vector.shuffle {{.*}} : vector<16xi8>, vector<16xi8>
// CHECK:             vector.shuffle {{.*}} : vector<16xi8>, vector<16xi8>
// CHECK:             vector.shuffle {{.*}} : vector<32xi8>, vector<32xi8>
// CHECK:             vector.shuffle %{{.*}}, %{{.*}} [0, 64, 1, 65, 2, 66, 3, 67, 4, 68, 5, 69, 6, 70, 7, 71, 16, 80, 17, 81, {{.*}}] : vector<64xi8>, vector<64xi8>
// CHECK:             vector.store %{{.*}}, %[[Y]][%[[E]], %[[Q]]] : memref<20x64xi8>, vector<64xi8>
// CHECK-COUNT-15:    vector.store %{{.*}}, %[[Y]]{{.*}} vector<64xi8>
// CHECK:           }
// CHECK-COUNT-4:   vector.constant_mask [4] : vector<16xi1>
// CHECK-NOT:       vector<64xi8>
func.func @wide_tiles(%x: memref<64x20xi8>, %y: memref<20x64xi8>) {
  linalg.transpose ins(%x : memref<64x20xi8>) outs(%y : memref<20x64xi8>) permutation = [1, 0]
  return
}

// -----

// Left unchanged: the innermost dimension stays (contiguous copies), wider
// elements, dynamic shapes, tensors.
// CHECK-LABEL: func.func @unchanged
// CHECK-COUNT-4: linalg.transpose
// CHECK-NOT:     vector.
func.func @unchanged(%a: memref<4x8x16xi8>, %b: memref<8x4x16xi8>,
                     %c: memref<16x16xi32>, %d: memref<16x16xi32>,
                     %e: memref<?x16xi8>, %f: memref<16x?xi8>,
                     %g: tensor<16x32xi8>) -> tensor<32x16xi8> {
  linalg.transpose ins(%a : memref<4x8x16xi8>) outs(%b : memref<8x4x16xi8>) permutation = [1, 0, 2]
  linalg.transpose ins(%c : memref<16x16xi32>) outs(%d : memref<16x16xi32>) permutation = [1, 0]
  linalg.transpose ins(%e : memref<?x16xi8>) outs(%f : memref<16x?xi8>) permutation = [1, 0]
  %init = tensor.empty() : tensor<32x16xi8>
  %t = linalg.transpose ins(%g : tensor<16x32xi8>) outs(%init : tensor<32x16xi8>) permutation = [1, 0]
  return %t : tensor<32x16xi8>
}
