// RUN: quant-opt %s --split-input-file --quant-x86-depthwise | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-x86-depthwise="parallel=true min-parallel-multiply-adds=0" | FileCheck %s --check-prefix=PAR
// With the default threshold (2^19 multiply-adds), these small
// convolutions stay on one thread.
// RUN: quant-opt %s --split-input-file --quant-x86-depthwise=parallel=true | FileCheck %s --check-prefix=SMALL
// SMALL-NOT: scf.parallel

// quant-lower-qnn's depthwise contraction on buffers (3x3, padding 1, 20
// channels, u8 input with zero point 128, s8 weights): loops over output
// rows and pixels, then 16 channels at a time (one full chunk, then 4
// channels masked), each accumulator a vector<16xi32> carried through the
// 3 x 3 taps and stored once; a tap in the padding reads the zero point
// (-128 stored); the accumulator's zero fill is gone.
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME:    (%[[X:.*]]: memref<1x4x4x20xi8>, %[[W:.*]]: memref<3x3x20xi8>, %[[ACC:.*]]: memref<1x4x4x20xi32>)
// CHECK-NOT:     linalg.
// CHECK-DAG:     %[[PAD:.*]] = arith.constant dense<-128> : vector<16xi8>
// CHECK-DAG:     %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:         scf.for %[[N:[^ ]*]] =
// CHECK:           scf.for %[[OH:[^ ]*]] =
// CHECK:             scf.for %[[OW:[^ ]*]] =
// CHECK:               scf.for %[[C:[^ ]*]] = %{{.*}} to %c16{{.*}} step %c16
// CHECK:                 %[[SUM:.*]] = scf.for %[[KH:[^ ]*]] = {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<16xi32>)
// CHECK:                   arith.cmpi ult
// CHECK:                   scf.for %[[KW:[^ ]*]] = {{.*}} -> (vector<16xi32>)
// CHECK:                     %[[TAP:.*]] = scf.if %{{.*}} -> (vector<16xi8>)
// CHECK:                       vector.load %[[X]][%[[N]], %{{.*}}, %{{.*}}, %[[C]]] : memref<1x4x4x20xi8>, vector<16xi8>
// CHECK:                     } else {
// CHECK:                       scf.yield %[[PAD]]
// CHECK:                     arith.extui %[[TAP]] : vector<16xi8> to vector<16xi32>
// CHECK:                     vector.load %[[W]][%[[KH]], %[[KW]], %[[C]]]
// CHECK:                     arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK:                     arith.muli
// CHECK:                     arith.addi
// CHECK:                 vector.store %[[SUM]], %[[ACC]][%[[N]], %[[OH]], %[[OW]], %[[C]]]
// CHECK:               vector.maskedload %[[X]]{{.*}}, %[[MASK]]
// CHECK:               vector.maskedstore %[[ACC]]{{.*}}, %[[MASK]]
// PAR-LABEL: func.func @depthwise
// PAR:         scf.parallel (%{{.*}}, %{{.*}}) = (%c0{{.*}}, %c0{{.*}}) to (%c1{{.*}}, %c4{{.*}})
func.func @depthwise(%x: memref<1x4x4x20xi8>, %w: memref<3x3x20xi8>, %acc: memref<1x4x4x20xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zp = arith.constant -128 : i8
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x4x4x20xi32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%w : memref<3x3x20xi8>) outs(%acc : memref<1x4x4x20xi32>) attrs = {quantc.depthwise = {dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 128 : i64}} {
  ^bb0(%wv: i8, %out: i32):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %ww = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %ww, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %ww, %c0 : index
    %n = linalg.index 0 : index
    %ch = linalg.index 5 : index
    %v = memref.load %x[%n, %hc, %wc, %ch] : memref<1x4x4x20xi8>
    %t = arith.select %in, %v, %zp : i8
    %a = arith.extui %t : i8 to i32
    %b = arith.extsi %wv : i8 to i32
    %p = arith.muli %a, %b : i32
    %s = arith.addi %out, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// 16-bit weights (quant-lower-qnn's taps centred on weight zero points):
// loaded 16 at a time as vector<16xi16> (masked for the last 4 channels)
// and sign-extended.
// CHECK-LABEL: func.func @depthwise_centred_weights
// CHECK-SAME:    (%[[X:.*]]: memref<1x4x4x20xi8>, %[[W:.*]]: memref<3x3x20xi16>, %{{.*}}: memref<1x4x4x20xi32>)
// CHECK-NOT:     linalg.
// CHECK:         vector.load %[[W]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<3x3x20xi16>, vector<16xi16>
// CHECK:         arith.extsi %{{.*}} : vector<16xi16> to vector<16xi32>
// CHECK:         vector.maskedload %[[W]][%{{.*}}], %{{.*}}, %{{.*}} : memref<3x3x20xi16>, vector<16xi1>, vector<16xi16> into vector<16xi16>
func.func @depthwise_centred_weights(%x: memref<1x4x4x20xi8>, %w: memref<3x3x20xi16>, %acc: memref<1x4x4x20xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zp = arith.constant -128 : i8
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%acc : memref<1x4x4x20xi32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%w : memref<3x3x20xi16>) outs(%acc : memref<1x4x4x20xi32>) attrs = {quantc.depthwise = {dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 128 : i64}} {
  ^bb0(%wv: i16, %out: i32):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %ww = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %ww, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %ww, %c0 : index
    %n = linalg.index 0 : index
    %ch = linalg.index 5 : index
    %v = memref.load %x[%n, %hc, %wc, %ch] : memref<1x4x4x20xi8>
    %t = arith.select %in, %v, %zp : i8
    %a = arith.extui %t : i8 to i32
    %b = arith.extsi %wv : i16 to i32
    %p = arith.muli %a, %b : i32
    %s = arith.addi %out, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A channel multiplier of 2 (10 input channels, 20 filters; filter f
// reads channel f / 2): per chunk of 16 output channels, the 8 input
// channels from c / 2 (4 for the last, masked, chunk of 4 outputs: 2),
// each repeated twice by a shuffle.
// CHECK-LABEL: func.func @multiplier_2
// CHECK-DAG:     %[[EIGHT:.*]] = vector.constant_mask [8] : vector<16xi1>
// CHECK-DAG:     %[[TWO:.*]] = vector.constant_mask [2] : vector<16xi1>
// CHECK:         scf.if
// CHECK:           %[[CI:.*]] = arith.divui %{{.*}}, %c2{{.*}} : index
// CHECK:           %[[IN:.*]] = vector.maskedload %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[CI]]], %[[EIGHT]], %{{.*}} : memref<1x4x4x10xi8>
// CHECK:           vector.shuffle %[[IN]], %[[IN]] [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7] : vector<16xi8>, vector<16xi8>
// CHECK:         vector.maskedload %{{.*}}, %[[TWO]], %{{.*}} : memref<1x4x4x10xi8>
func.func @multiplier_2(%x: memref<1x4x4x10xi8>, %w: memref<3x3x20xi8>, %acc: memref<1x4x4x20xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %cm = arith.constant 2 : index
  %zp = arith.constant -128 : i8
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%w : memref<3x3x20xi8>) outs(%acc : memref<1x4x4x20xi32>) attrs = {quantc.depthwise = {dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 128 : i64}} {
  ^bb0(%wv: i8, %out: i32):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %ww = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %ww, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %ww, %c0 : index
    %n = linalg.index 0 : index
    %f = linalg.index 5 : index
    %ch = arith.divui %f, %cm : index
    %v = memref.load %x[%n, %hc, %wc, %ch] : memref<1x4x4x10xi8>
    %t = arith.select %in, %v, %zp : i8
    %a = arith.extui %t : i8 to i32
    %b = arith.extsi %wv : i8 to i32
    %p = arith.muli %a, %b : i32
    %s = arith.addi %out, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A multiplier of 3 does not divide the 16 lanes: unchanged (LLVM's loop
// over the generic runs it).
// CHECK-LABEL: func.func @multiplier_3
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
func.func @multiplier_3(%x: memref<1x4x4x5xi8>, %w: memref<3x3x15xi8>, %acc: memref<1x4x4x15xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %cm = arith.constant 3 : index
  %zp = arith.constant -128 : i8
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%w : memref<3x3x15xi8>) outs(%acc : memref<1x4x4x15xi32>) attrs = {quantc.depthwise = {dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, zero_point = 128 : i64}} {
  ^bb0(%wv: i8, %out: i32):
    %oh = linalg.index 1 : index
    %kh = linalg.index 3 : index
    %h0 = arith.addi %oh, %kh : index
    %h = arith.subi %h0, %c1 : index
    %ow = linalg.index 2 : index
    %kw = linalg.index 4 : index
    %w0 = arith.addi %ow, %kw : index
    %ww = arith.subi %w0, %c1 : index
    %hin = arith.cmpi ult, %h, %c4 : index
    %win = arith.cmpi ult, %ww, %c4 : index
    %in = arith.andi %hin, %win : i1
    %hc = arith.select %in, %h, %c0 : index
    %wc = arith.select %in, %ww, %c0 : index
    %n = linalg.index 0 : index
    %f = linalg.index 5 : index
    %ch = arith.divui %f, %cm : index
    %v = memref.load %x[%n, %hc, %wc, %ch] : memref<1x4x4x5xi8>
    %t = arith.select %in, %v, %zp : i8
    %a = arith.extui %t : i8 to i32
    %b = arith.extsi %wv : i8 to i32
    %p = arith.muli %a, %b : i32
    %s = arith.addi %out, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// Without the quantc.depthwise window (any other generic): unchanged.
// CHECK-LABEL: func.func @unmarked
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
func.func @unmarked(%w: memref<3x3x20xi8>, %acc: memref<1x4x4x20xi32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%w : memref<3x3x20xi8>) outs(%acc : memref<1x4x4x20xi32>) {
  ^bb0(%wv: i8, %out: i32):
    %b = arith.extsi %wv : i8 to i32
    %s = arith.addi %out, %b : i32
    linalg.yield %s : i32
  }
  return
}
