// RUN: quant-opt %s --split-input-file --quant-x86-vnni="tile-rows=8 tile-vectors=2" | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-x86-vnni="tile-rows=8 tile-vectors=2 parallel=true min-parallel-multiply-adds=0" | FileCheck %s --check-prefix=PAR
// With the default threshold (2^19 multiply-adds), these small
// contractions stay on one thread.
// RUN: quant-opt %s --split-input-file --quant-x86-vnni="tile-rows=8 tile-vectors=2 parallel=true" | FileCheck %s --check-prefix=SMALL
// SMALL-NOT: scf.parallel
// RUN: quant-opt %s --split-input-file --quant-x86-vnni | FileCheck %s --check-prefix=AUTO

// The raw contraction of quant-lower-qnn (s8 x s8 -> i32) and its requantize
// epilogue, bufferized: one kernel. The weights (K = 5, N = 2) are packed
// into 1 tile panel (2 vectors, 32 columns) x 2 groups of 128 bytes: lane j
// of vector v in group g holds w[4g..4g+3, 16v + j], zero past K and N. s8 activations: xor 0x80 (once, into
// a copy), and 128 * colsum(w) = 128 * [25, 30] is subtracted.
// CHECK-DAG:   memref.global "private" constant @__quantc_vnni_weights : memref<1x2x128xi8> = dense<"0x0103050702040608000000{{0+}}090000000A000000{{0+}}">
// CHECK-DAG:   memref.global "private" constant @__quantc_vnni_shift_correction : memref<32xi32> = dense<[3200, 3840, 0,
// By default the tile is chosen per contraction: for N = 2 the narrowest,
// 8 rows x 1 vector (16 columns, the least padding).
// AUTO:         memref.global "private" constant @__quantc_vnni_weights : memref<1x2x64xi8>
// AUTO-LABEL:   func.func @fused
// AUTO:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// AUTO:             scf.for {{.*}} iter_args({{[^)]*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>) {
// CHECK-LABEL: func.func @fused
// CHECK-NOT:     linalg.
// s8 activations are shifted once, into an aligned copy.
// CHECK:         %[[SHIFTED:.*]] = memref.alloc() {alignment = 64 : i64} : memref<9x5xi8>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             vector.transfer_read %{{.*}} : memref<9x5xi8>, vector<64xi8>
// CHECK:             arith.xori %{{.*}}, %{{.*}} : vector<64xi8>
// CHECK:             vector.transfer_write %{{.*}}, %[[SHIFTED]]
// CHECK-NOT:     memref.alloc
// Row blocks (one, of 9 rows) x column panels (one), then tiles of 8 rows.
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step %c1
// CHECK:           scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step %c1
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK:             scf.for {{.*}} iter_args(
// CHECK:               vector.load %{{.*}} : memref<1x2x128xi8>, vector<64xi8>
// CHECK:               vector.load %[[SHIFTED]]{{.*}} : memref<9x5xi8>, vector<4xi8>
// CHECK:               vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK:               llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// The group past K = 4: a zero-padded read.
// CHECK:             vector.transfer_read %[[SHIFTED]]{{.*}} : memref<9x5xi8>, vector<4xi8>
// CHECK:             arith.subi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:             arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK:             math.roundeven %{{.*}} : vector<16xf32>
// CHECK:             vector.transfer_write %{{.*}} : vector<16xi8>, memref<9x2xi8>
// The remainder row: one tile of its own (1 row x 2 vectors), no row loop.
// CHECK-NOT:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 {
// CHECK:           scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step %c1{{.*}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>)
// CHECK:         memref.dealloc %[[SHIFTED]]
// One panel: nothing to run in parallel.
// PAR-LABEL: func.func @fused
// PAR-NOT:     scf.parallel
// PAR:         scf.for
memref.global "private" constant @weights : memref<5x2xi8> = dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]>
memref.global "private" constant @scale : memref<f32> = dense<2.5e-01>
func.func @fused(%x: memref<9x5xi8>, %out: memref<9x2xi8>) {
  %c0 = arith.constant 0 : i32
  %w = memref.get_global @weights : memref<5x2xi8>
  %acc = memref.alloc() : memref<9x2xi32>
  linalg.fill ins(%c0 : i32) outs(%acc : memref<9x2xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<9x5xi8>, memref<5x2xi8>) outs(%acc : memref<9x2xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extsi %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  %s = memref.get_global @scale : memref<f32>
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> ()>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %s : memref<9x2xi32>, memref<f32>) outs(%out : memref<9x2xi8>) {
  ^bb0(%y: i32, %m: f32, %o: i8):
    %f = arith.sitofp %y : i32 to f32
    %g = arith.mulf %f, %m : f32
    %r = math.roundeven %g : f32
    %q = arith.fptosi %r : f32 to i8
    linalg.yield %q : i8
  }
  memref.dealloc %acc : memref<9x2xi32>
  return
}

// -----

// u8 activations (extui: no shift, no correction), a batch dimension, and
// an accumulator that is the function's output (no epilogue to fuse): the
// tile adds its registers into it. 40 columns: two 32-column panels, the
// second masked.
// CHECK-LABEL: func.func @unfused_u8_batch
// CHECK-NOT:     memref.global {{.*}}shift_correction
// CHECK:         memref.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : memref<2x3x8xi8> into memref<6x8xi8>
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1
// CHECK-NOT:     arith.xori
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:         vector.transfer_read %{{.*}} : memref<6x40xi32>, vector<16xi32>
// CHECK:         arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:         vector.transfer_write %{{.*}} : vector<16xi32>, memref<6x40xi32>
// CHECK-NOT:     linalg.generic
// N = 40: 3 vectors (48 columns) pad least, 8 rows.
// AUTO:         memref.global "private" constant @__quantc_vnni_weights : memref<1x2x192xi8>
// AUTO-LABEL:   func.func @unfused_u8_batch
// PAR-LABEL: func.func @unfused_u8_batch
// PAR:         scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %c0{{.*}}) to (%c1, %c2) step
// PAR:           llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
memref.global "private" constant @weights : memref<8x40xi8> = dense<-7>
func.func @unfused_u8_batch(%x: memref<2x3x8xi8>, %acc: memref<2x3x40xi32>) {
  %w = memref.get_global @weights : memref<8x40xi8>
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : memref<2x3x8xi8>, memref<8x40xi8>) outs(%acc : memref<2x3x40xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// N = 64: a 6 x 4 tile (24 accumulators). 13 rows: two 6-row tiles, then
// the remaining row as one 1 x 4 tile of its own.
// AUTO:         memref.global "private" constant @__quantc_vnni_weights : memref<1x2x256xi8>
// AUTO-LABEL:   func.func @wide_tile
// AUTO:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c6
// AUTO-COUNT-24:    llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// AUTO:           scf.for {{.*}} iter_args({{[^)]*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>) {
// AUTO-COUNT-4:     llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// AUTO-NOT:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// AUTO:           scf.yield
// CHECK-LABEL: func.func @wide_tile
memref.global "private" constant @weights : memref<8x64xi8> = dense<3>
func.func @wide_tile(%x: memref<13x8xi8>, %acc: memref<13x64xi32>) {
  %w = memref.get_global @weights : memref<8x64xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<13x8xi8>, memref<8x64xi8>) outs(%acc : memref<13x64xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// 70 rows: a full row block of 64 and a partial one of 6, both in the same
// loop (with threads: one fork), the partial one in the else branch of an
// scf.if on the block index.
// CHECK-LABEL: func.func @partial_block
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK:             } else {
// CHECK-NOT:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK:               llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// PAR-LABEL: func.func @partial_block
// PAR:         scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %c0{{.*}}) to (%c2, %c1{{.*}}) step
// PAR:           scf.if
// PAR:           } else {
// PAR-NOT:     scf.parallel
memref.global "private" constant @weights : memref<4x16xi8> = dense<5>
func.func @partial_block(%x: memref<70x4xi8>, %acc: memref<70x16xi32>) {
  %w = memref.get_global @weights : memref<4x16xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<70x4xi8>, memref<4x16xi8>) outs(%acc : memref<70x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Left for the scalar path: weights that are not a constant, and unsigned
// weights (vpdpbusd's second operand is signed).
// CHECK-LABEL: func.func @runtime_weights
// CHECK:         linalg.generic
// CHECK-NOT:     vpdpbusd
func.func @runtime_weights(%x: memref<4x8xi8>, %w: memref<8x16xi8>, %acc: memref<4x16xi32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<4x8xi8>, memref<8x16xi8>) outs(%acc : memref<4x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extsi %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// CHECK-LABEL: func.func @unsigned_weights
// CHECK:         linalg.generic
// CHECK-NOT:     vpdpbusd
memref.global "private" constant @weights : memref<8x16xi8> = dense<5>
func.func @unsigned_weights(%x: memref<4x8xi8>, %acc: memref<4x16xi32>) {
  %w = memref.get_global @weights : memref<8x16xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<4x8xi8>, memref<8x16xi8>) outs(%acc : memref<4x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extsi %a : i8 to i32
    %1 = arith.extui %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Weights in a dense_resource blob (as quant-import writes initializers)
// are packed the same: w = [[1, 2], [3, 4], [5, 6], [7, -1]].
// CHECK:       memref.global "private" constant @__quantc_vnni_weights : memref<1x1x128xi8> = dense<"0x01030507020406FF{{0+}}">
// CHECK-LABEL: func.func @resource_weights
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT:     linalg.generic
memref.global "private" constant @weights : memref<4x2xi8> = dense_resource<w>
func.func @resource_weights(%x: memref<3x4xi8>, %acc: memref<3x2xi32>) {
  %w = memref.get_global @weights : memref<4x2xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<3x4xi8>, memref<4x2xi8>) outs(%acc : memref<3x2xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x0100000001020304050607FF"
    }
  }
#-}

// -----

// A conv's matmul: its im2col patches buffer is freed right after the
// contraction, before the requantize epilogue. The epilogue still fuses:
// the kernel runs where the epilogue was and the deallocation moves after
// it, so the kernel never reads freed patches.
// CHECK-LABEL: func.func @epilogue_after_patches_freed
// CHECK-SAME:    (%[[X:.*]]: memref<4x8xi8>, %[[OUT:.*]]: memref<4x16xi8>)
// CHECK:         %[[P:.*]] = memref.alloc() : memref<4x8xi8>
// CHECK:         memref.copy %[[X]], %[[P]]
// CHECK-NOT:     memref.dealloc %[[P]]
// CHECK-NOT:     linalg.generic
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:         vector.transfer_write %{{.*}}, %[[OUT]]
// CHECK:         memref.dealloc %[[P]] : memref<4x8xi8>
// CHECK-NOT:     linalg.generic
memref.global "private" constant @weights_8x16 : memref<8x16xi8> = dense<3>
func.func @epilogue_after_patches_freed(%x: memref<4x8xi8>, %out: memref<4x16xi8>) {
  %c0 = arith.constant 0 : i32
  %patches = memref.alloc() : memref<4x8xi8>
  memref.copy %x, %patches : memref<4x8xi8> to memref<4x8xi8>
  %w = memref.get_global @weights_8x16 : memref<8x16xi8>
  %acc = memref.alloc() : memref<4x16xi32>
  linalg.fill ins(%c0 : i32) outs(%acc : memref<4x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%patches, %w : memref<4x8xi8>, memref<8x16xi8>) outs(%acc : memref<4x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  memref.dealloc %patches : memref<4x8xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<4x16xi32>) outs(%out : memref<4x16xi8>) {
  ^bb0(%y: i32, %o: i8):
    %t = arith.trunci %y : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %acc : memref<4x16xi32>
  return
}

// -----

// A conv's matmul (quant-conv-to-matmul): the patches come from the
// gather generic marked quantc.im2col (3x3 window, padding 1, zero point
// 3) over an NHWC input that is freed right after it. The kernel gathers
// each unit's rows itself: per row, per tap, an scf.if between C = 8
// bytes of the input (a masked 64-byte chunk) and the zero point, into
// one [block rows, K] buffer; the gather, its [16, 72] patches buffer and
// their deallocations are gone, and the input's deallocation moves after
// the kernel.
// CHECK-LABEL: func.func @im2col_in_kernel
// CHECK-SAME:    (%[[X:.*]]: memref<1x8x4x4xi8>, %[[OUT:.*]]: memref<1x16x16xi8>)
// CHECK:         %[[NHWC:.*]] = memref.alloc() : memref<1x4x4x8xi8>
// CHECK:         linalg.transpose ins(%[[X]] {{.*}} outs(%[[NHWC]]
// CHECK-NOT:     memref.dealloc %[[NHWC]]
// CHECK-NOT:     memref<1x4x4x3x3x8xi8>
// CHECK-NOT:     linalg.generic
// CHECK:         %[[LOCAL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x72xi8>
// CHECK:         %[[MASK:.*]] = vector.constant_mask [8] : vector<64xi1>
// CHECK:         scf.if
// CHECK:           vector.maskedload %[[NHWC]][{{.*}}], %[[MASK]], %{{.*}} : memref<1x4x4x8xi8>, vector<64xi1>, vector<64xi8> into vector<64xi8>
// CHECK:           vector.maskedstore %[[LOCAL]][{{.*}}], %[[MASK]]
// CHECK:         } else {
// CHECK:           vector.maskedstore %[[LOCAL]][{{.*}}], %[[MASK]], %cst
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:         vector.transfer_write %{{.*}}, %{{.*}}
// CHECK:         memref.dealloc %[[LOCAL]]
// CHECK:         memref.dealloc %[[NHWC]] : memref<1x4x4x8xi8>
// CHECK-NOT:     memref.dealloc
memref.global "private" constant @weights_72x16 : memref<72x16xi8> = dense<1>
func.func @im2col_in_kernel(%x: memref<1x8x4x4xi8>, %out: memref<1x16x16xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zp = arith.constant 3 : i8
  %zero = arith.constant 0 : i32
  %nhwc = memref.alloc() : memref<1x4x4x8xi8>
  linalg.transpose ins(%x : memref<1x8x4x4xi8>) outs(%nhwc : memref<1x4x4x8xi8>) permutation = [0, 2, 3, 1]
  %patches = memref.alloc() : memref<1x4x4x3x3x8xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%patches : memref<1x4x4x3x3x8xi8>) attrs = {quantc.im2col = {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 3 : i64}} {
  ^bb0(%o: i8):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %w = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %w, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %w, %c0 : index
    %ch = linalg.index 5 : index
    %v = memref.load %nhwc[%c0, %hc, %wc, %ch] : memref<1x4x4x8xi8>
    %r = arith.select %in, %v, %zp : i8
    linalg.yield %r : i8
  }
  memref.dealloc %nhwc : memref<1x4x4x8xi8>
  %rows = memref.collapse_shape %patches [[0], [1, 2], [3, 4, 5]] : memref<1x4x4x3x3x8xi8> into memref<1x16x72xi8>
  %w = memref.get_global @weights_72x16 : memref<72x16xi8>
  %acc = memref.alloc() : memref<1x16x16xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x16x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%rows, %w : memref<1x16x72xi8>, memref<72x16xi8>) outs(%acc : memref<1x16x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  memref.dealloc %patches : memref<1x4x4x3x3x8xi8>
  linalg.generic {indexing_maps = [affine_map<(b, m, n) -> (b, m, n)>, affine_map<(b, m, n) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%acc : memref<1x16x16xi32>) outs(%out : memref<1x16x16xi8>) {
  ^bb0(%y: i32, %o: i8):
    %t = arith.trunci %y : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %acc : memref<1x16x16xi32>
  return
}

// -----

// The same gather without a fused epilogue (the i32 accumulator is the
// result): the contraction is its own anchor, and the input's
// deallocation still moves after the kernel (it was moved after the
// erased contraction, a crash, before).
// CHECK-LABEL: func.func @im2col_without_epilogue
// CHECK:         %[[NHWC:.*]] = memref.alloc() : memref<1x4x4x8xi8>
// CHECK-NOT:     memref.dealloc %[[NHWC]]
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:         memref.dealloc %[[NHWC]] : memref<1x4x4x8xi8>
// CHECK-NEXT:    return
memref.global "private" constant @weights_72x16b : memref<72x16xi8> = dense<1>
func.func @im2col_without_epilogue(%x: memref<1x8x4x4xi8>, %acc: memref<1x16x16xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zp = arith.constant 3 : i8
  %zero = arith.constant 0 : i32
  %nhwc = memref.alloc() : memref<1x4x4x8xi8>
  linalg.transpose ins(%x : memref<1x8x4x4xi8>) outs(%nhwc : memref<1x4x4x8xi8>) permutation = [0, 2, 3, 1]
  %patches = memref.alloc() : memref<1x4x4x3x3x8xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%patches : memref<1x4x4x3x3x8xi8>) attrs = {quantc.im2col = {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 3 : i64}} {
  ^bb0(%o: i8):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %w = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %w, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %w, %c0 : index
    %ch = linalg.index 5 : index
    %v = memref.load %nhwc[%c0, %hc, %wc, %ch] : memref<1x4x4x8xi8>
    %r = arith.select %in, %v, %zp : i8
    linalg.yield %r : i8
  }
  memref.dealloc %nhwc : memref<1x4x4x8xi8>
  %rows = memref.collapse_shape %patches [[0], [1, 2], [3, 4, 5]] : memref<1x4x4x3x3x8xi8> into memref<1x16x72xi8>
  %w = memref.get_global @weights_72x16b : memref<72x16xi8>
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x16x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%rows, %w : memref<1x16x72xi8>, memref<72x16xi8>) outs(%acc : memref<1x16x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  memref.dealloc %patches : memref<1x4x4x3x3x8xi8>
  return
}

// -----

// The same gather, but its patches are also read by another op: the
// kernel reads the patches buffer as any matmul's activations, and the
// gather stays.
// CHECK-LABEL: func.func @im2col_patches_read_elsewhere
// CHECK:         linalg.generic {{.*}} attrs = {quantc.im2col
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:         memref.copy
memref.global "private" constant @weights_9x16 : memref<9x16xi8> = dense<1>
func.func @im2col_patches_read_elsewhere(%x: memref<1x2x2x1xi8>, %out: memref<1x4x16xi8>, %copy: memref<1x2x2x3x3x1xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %patches = memref.alloc() : memref<1x2x2x3x3x1xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%patches : memref<1x2x2x3x3x1xi8>) attrs = {quantc.im2col = {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 0 : i64}} {
  ^bb0(%o: i8):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<1x2x2x1xi8>
    linalg.yield %v : i8
  }
  %rows = memref.collapse_shape %patches [[0], [1, 2], [3, 4, 5]] : memref<1x2x2x3x3x1xi8> into memref<1x4x9xi8>
  %w = memref.get_global @weights_9x16 : memref<9x16xi8>
  %acc = memref.alloc() : memref<1x4x16xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x4x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%rows, %w : memref<1x4x9xi8>, memref<9x16xi8>) outs(%acc : memref<1x4x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  memref.copy %patches, %copy : memref<1x2x2x3x3x1xi8> to memref<1x2x2x3x3x1xi8>
  linalg.generic {indexing_maps = [affine_map<(b, m, n) -> (b, m, n)>, affine_map<(b, m, n) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%acc : memref<1x4x16xi32>) outs(%out : memref<1x4x16xi8>) {
  ^bb0(%y: i32, %o: i8):
    %t = arith.trunci %y : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %patches : memref<1x2x2x3x3x1xi8>
  memref.dealloc %acc : memref<1x4x16xi32>
  return
}

// -----

// A gather whose row block of patches would not fit the 256 KiB buffer
// (64 rows x K = 9216 bytes): the gather stays, the kernel reads the
// patches buffer.
// CHECK-LABEL: func.func @im2col_block_too_large
// CHECK:         linalg.generic {{.*}} attrs = {quantc.im2col
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
memref.global "private" constant @weights_9216x16 : memref<9216x16xi8> = dense<1>
func.func @im2col_block_too_large(%x: memref<1x8x8x1024xi8>, %out: memref<1x64x16xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %patches = memref.alloc() : memref<1x8x8x3x3x1024xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%patches : memref<1x8x8x3x3x1024xi8>) attrs = {quantc.im2col = {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 0 : i64}} {
  ^bb0(%o: i8):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<1x8x8x1024xi8>
    linalg.yield %v : i8
  }
  %rows = memref.collapse_shape %patches [[0], [1, 2], [3, 4, 5]] : memref<1x8x8x3x3x1024xi8> into memref<1x64x9216xi8>
  %w = memref.get_global @weights_9216x16 : memref<9216x16xi8>
  %acc = memref.alloc() : memref<1x64x16xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x64x16xi32>)
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%rows, %w : memref<1x64x9216xi8>, memref<9216x16xi8>) outs(%acc : memref<1x64x16xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %0 = arith.extui %a : i8 to i32
    %1 = arith.extsi %b : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %c, %2 : i32
    linalg.yield %3 : i32
  }
  memref.dealloc %patches : memref<1x8x8x3x3x1024xi8>
  linalg.generic {indexing_maps = [affine_map<(b, m, n) -> (b, m, n)>, affine_map<(b, m, n) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%acc : memref<1x64x16xi32>) outs(%out : memref<1x64x16xi8>) {
  ^bb0(%y: i32, %o: i8):
    %t = arith.trunci %y : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %acc : memref<1x64x16xi32>
  return
}
