// RUN: quant-opt %s --split-input-file --quant-fold-qdq | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-fold-qdq --quant-lower-qnn | FileCheck %s --check-prefix=LOWERED

// quant-fold-qdq on ops that only move, select or pool values: the op runs
// on the stored integers (quant.scast around it), with qnn.requantize only
// where the output parameters differ; concat requantizes each input to the
// output's; average pools become qnn.avg_pool2d. Inputs in the form
// quant-import gives the ONNX ops. Every result lowers to integer code
// (dynamic batch included): no quantized type is left.
// LOWERED-NOT: !quant
// LOWERED-NOT: quant.

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
// CHECK-LABEL: @max_pool_same_params
// CHECK-SAME:    %[[X:.*]]: tensor<?x2x5x5x!quant.uniform
// CHECK-DAG:     %[[LOWEST:.*]] = arith.constant 0 : i8
// CHECK-DAG:     %[[S:.*]] = quant.scast %[[X]] : {{.*}} to tensor<?x2x5x5xi8>
// CHECK:         %[[P:.*]] = tensor.pad %[[S]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:           tensor.yield %[[LOWEST]] : i8
// CHECK:         %[[N:.*]] = tensor.dim %[[P]], %{{.*}}
// CHECK:         %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x2x3x3xi8>
// CHECK:         %[[F:.*]] = linalg.fill ins(%[[LOWEST]] : i8) outs(%[[E]]
// CHECK:         %[[M:.*]] = linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<?x2x7x7xi8>, tensor<3x3xi8>) outs(%[[F]]
// CHECK:           arith.maxui
// CHECK:         %[[R:.*]] = quant.scast %[[M]] : tensor<?x2x3x3xi8> to tensor<?x2x3x3x!quant.uniform
// CHECK-NOT:     qnn.requantize
// CHECK:         return %[[R]]
func.func @max_pool_same_params(%x: tensor<?x2x5x5x!q>) -> tensor<?x2x3x3x!q> {
  %c0 = arith.constant 0 : index
  %d = quant.dcast %x : tensor<?x2x5x5x!q> to tensor<?x2x5x5xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<?x2x5x5xf32> to tensor<?x2x7x7xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %n = tensor.dim %d, %c0 : tensor<?x2x5x5xf32>
  %e = tensor.empty(%n) : tensor<?x2x3x3xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32>
  %m = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<?x2x7x7xf32>, tensor<3x3xf32>) outs(%f : tensor<?x2x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x2x3x3xf32>
  %y = quant.qcast %m : tensor<?x2x3x3xf32> to tensor<?x2x3x3x!q>
  return %y : tensor<?x2x3x3x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
!qi = !quant.uniform<i8:f32, 0.05:-3>
!qo = !quant.uniform<i8:f32, 0.07:5>
// Signed storage, no padding, other output parameters: max then requantize
// (exact: dq and q are monotonic, so max commutes with them).
// CHECK-LABEL: @max_pool_requantize
// CHECK:         linalg.generic
// CHECK:           arith.maxsi
// CHECK:         %[[R:.*]] = quant.scast %{{.*}} : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 5.{{.*}}e-02:-3>>
// CHECK:         qnn.requantize %[[R]] : {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.{{.*}}e-02:5>>
// CHECK-NOT:     arith.maximumf
func.func @max_pool_requantize(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qo> {
  %d = quant.dcast %x : tensor<1x2x4x4x!qi> to tensor<1x2x4x4xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%d, %w : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.maximumf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %y = quant.qcast %m : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!qo>
  return %y : tensor<1x2x2x2x!qo>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!qi = !quant.uniform<u8:f32, 0.05:128>
!qo = !quant.uniform<u8:f32, 0.04:120>
// AveragePool 3x3, stride 2, pads 1, count_include_pad = 0: the divisors
// are the taps inside the input.
// CHECK-LABEL: @avg_pool
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x5x5x!quant.uniform
// CHECK:         %[[Y:.*]] = qnn.avg_pool2d %[[X]] kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : {{.*}} -> tensor<1x2x3x3x!quant.uniform<u8:f32, 4.{{.*}}e-02:120>>
// CHECK-NEXT:    return %[[Y]]
func.func @avg_pool(%x: tensor<1x2x5x5x!qi>) -> tensor<1x2x3x3x!qo> {
  %d = quant.dcast %x : tensor<1x2x5x5x!qi> to tensor<1x2x5x5xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%f : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %counts = arith.constant dense<[[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]]> : tensor<3x3xf32>
  %e2 = tensor.empty() : tensor<1x2x3x3xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x3x3xf32>, tensor<3x3xf32>) outs(%e2 : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %y = quant.qcast %a : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %y : tensor<1x2x3x3x!qo>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!qi = !quant.uniform<u8:f32, 0.05:128>
!qo = !quant.uniform<u8:f32, 0.04:120>
// count_include_pad = 1: every window divides by 9.
// CHECK-LABEL: @avg_pool_include_pad
// CHECK:         qnn.avg_pool2d %{{.*}} kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad :
func.func @avg_pool_include_pad(%x: tensor<1x2x5x5x!qi>) -> tensor<1x2x3x3x!qo> {
  %d = quant.dcast %x : tensor<1x2x5x5x!qi> to tensor<1x2x5x5xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%f : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %counts = arith.constant dense<9.0> : tensor<3x3xf32>
  %e2 = tensor.empty() : tensor<1x2x3x3xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x3x3xf32>, tensor<3x3xf32>) outs(%e2 : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x3x3xf32>
  %y = quant.qcast %a : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %y : tensor<1x2x3x3x!qo>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!qi = !quant.uniform<i8:f32, 0.05:-3>
!qo = !quant.uniform<i8:f32, 0.03:1>
// GlobalAveragePool: reduce_sum over H then W, divided by H * W.
// CHECK-LABEL: @global_avg_pool
// CHECK-SAME:    %[[X:.*]]: tensor<?x2x3x4x!quant.uniform
// CHECK:         %[[Y:.*]] = qnn.avg_pool2d %[[X]] kernel [3, 4] strides [1, 1] padding [0, 0, 0, 0] : {{.*}} -> tensor<?x2x1x1x!quant.uniform
// CHECK-NOT:     tosa.reduce_sum
// CHECK:         return %[[Y]]
func.func @global_avg_pool(%x: tensor<?x2x3x4x!qi>) -> tensor<?x2x1x1x!qo> {
  %c0 = arith.constant 0 : index
  %d = quant.dcast %x : tensor<?x2x3x4x!qi> to tensor<?x2x3x4xf32>
  %h = tosa.reduce_sum %d {axis = 2 : i32} : (tensor<?x2x3x4xf32>) -> tensor<?x2x1x4xf32>
  %s = tosa.reduce_sum %h {axis = 3 : i32} : (tensor<?x2x1x4xf32>) -> tensor<?x2x1x1xf32>
  %n = tensor.dim %s, %c0 : tensor<?x2x1x1xf32>
  %e = tensor.empty(%n) : tensor<?x2x1x1xf32>
  %counts = arith.constant dense<12.0> : tensor<1x1xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<?x2x1x1xf32>, tensor<1x1xf32>) outs(%e : tensor<?x2x1x1xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<?x2x1x1xf32>
  %y = quant.qcast %a : tensor<?x2x1x1xf32> to tensor<?x2x1x1x!qo>
  return %y : tensor<?x2x1x1x!qo>
}

// -----

!q = !quant.uniform<u8:f32, 0.05:128>
!qo = !quant.uniform<u8:f32, 0.1:100>
// Flatten (tosa.reshape) with the input's parameters; transpose with other
// output parameters.
// CHECK-LABEL: @reshape_transpose
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x3x4x!quant.uniform
// CHECK:         %[[S:.*]] = quant.scast %[[X]] : {{.*}} to tensor<1x2x3x4xi8>
// CHECK:         %[[R:.*]] = tosa.reshape %[[S]], %{{.*}} : (tensor<1x2x3x4xi8>, !tosa.shape<2>) -> tensor<1x24xi8>
// CHECK:         %[[FLAT:.*]] = quant.scast %[[R]] : tensor<1x24xi8> to tensor<1x24x!quant.uniform<u8:f32, 5.{{.*}}e-02:128>>
// CHECK:         %[[S2:.*]] = quant.scast %[[X]] : {{.*}} to tensor<1x2x3x4xi8>
// CHECK:         %[[T:.*]] = tosa.transpose %[[S2]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xi8>) -> tensor<1x3x4x2xi8>
// CHECK:         %[[TQ:.*]] = quant.scast %[[T]] : tensor<1x3x4x2xi8> to tensor<1x3x4x2x!quant.uniform<u8:f32, 5.{{.*}}e-02:128>>
// CHECK:         %[[RQ:.*]] = qnn.requantize %[[TQ]] : {{.*}} -> tensor<1x3x4x2x!quant.uniform<u8:f32, 1.{{.*}}e-01:100>>
// CHECK:         return %[[FLAT]], %[[RQ]]
func.func @reshape_transpose(%x: tensor<1x2x3x4x!q>) -> (tensor<1x24x!q>, tensor<1x3x4x2x!qo>) {
  %d = quant.dcast %x : tensor<1x2x3x4x!q> to tensor<1x2x3x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 24]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %shape : (tensor<1x2x3x4xf32>, !tosa.shape<2>) -> tensor<1x24xf32>
  %y = quant.qcast %r : tensor<1x24xf32> to tensor<1x24x!q>
  %t = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %z = quant.qcast %t : tensor<1x3x4x2xf32> to tensor<1x3x4x2x!qo>
  return %y, %z : tensor<1x24x!q>, tensor<1x3x4x2x!qo>
}

// -----

!q = !quant.uniform<i8:f32, 0.05:-3>
// A dynamic batch kept through collapse/expand; a slice.
// CHECK-LABEL: @collapse_expand_slice
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x2x3x4xi8> into tensor<?x24xi8>
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [%{{.*}}, 4, 6] : tensor<?x24xi8> into tensor<?x4x6xi8>
// CHECK:         tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 1, 2, 4] [1, 1, 1, 1] : tensor<?x2x3x4xi8> to tensor<1x1x2x4xi8>
// CHECK-NOT:     quant.dcast
func.func @collapse_expand_slice(%x: tensor<?x2x3x4x!q>, %n: index) -> (tensor<?x24x!q>, tensor<?x4x6x!q>, tensor<1x1x2x4x!q>) {
  %d = quant.dcast %x : tensor<?x2x3x4x!q> to tensor<?x2x3x4xf32>
  %c = tensor.collapse_shape %d [[0], [1, 2, 3]] : tensor<?x2x3x4xf32> into tensor<?x24xf32>
  %y = quant.qcast %c : tensor<?x24xf32> to tensor<?x24x!q>
  %d2 = quant.dcast %y : tensor<?x24x!q> to tensor<?x24xf32>
  %e = tensor.expand_shape %d2 [[0], [1, 2]] output_shape [%n, 4, 6] : tensor<?x24xf32> into tensor<?x4x6xf32>
  %z = quant.qcast %e : tensor<?x4x6xf32> to tensor<?x4x6x!q>
  %s = tensor.extract_slice %d[0, 1, 1, 0] [1, 1, 2, 4] [1, 1, 1, 1] : tensor<?x2x3x4xf32> to tensor<1x1x2x4xf32>
  %w = quant.qcast %s : tensor<1x1x2x4xf32> to tensor<1x1x2x4x!q>
  return %y, %z, %w : tensor<?x24x!q>, tensor<?x4x6x!q>, tensor<1x1x2x4x!q>
}

// -----

!q = !quant.uniform<i8:f32, 0.05:-3>
// Pad with 0.5, exactly 10 steps above the zero point: stored 7.
// CHECK-LABEL: @pad_value
// CHECK:         %[[V:.*]] = arith.constant 7 : i8
// CHECK:         tensor.pad %{{.*}} low[0, 0, 1, 2] high[0, 0, 2, 1]
// CHECK:           tensor.yield %[[V]] : i8
// CHECK:         } : tensor<1x2x3x4xi8> to tensor<1x2x6x7xi8>
func.func @pad_value(%x: tensor<1x2x3x4x!q>) -> tensor<1x2x6x7x!q> {
  %d = quant.dcast %x : tensor<1x2x3x4x!q> to tensor<1x2x3x4xf32>
  %v = arith.constant 0.5 : f32
  %p = tensor.pad %d low[0, 0, 1, 2] high[0, 0, 2, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %v : f32
  } : tensor<1x2x3x4xf32> to tensor<1x2x6x7xf32>
  %y = quant.qcast %p : tensor<1x2x6x7xf32> to tensor<1x2x6x7x!q>
  return %y : tensor<1x2x6x7x!q>
}

// -----

!qa = !quant.uniform<u8:f32, 0.05:128>
!qb = !quant.uniform<u8:f32, 0.1:100>
!qo = !quant.uniform<u8:f32, 0.08:110>
// Concat: each input requantized to the output parameters unless it has
// them already, then concatenated as integers.
// CHECK-LABEL: @concat
// CHECK-SAME:    %[[A:.*]]: tensor<1x2x3x!quant.uniform<u8:f32, 5.{{.*}}>>, %[[B:.*]]: tensor<1x1x3x!quant.uniform<u8:f32, 1.{{.*}}>>, %[[C:.*]]: tensor<1x4x3x!quant.uniform<u8:f32, 8.{{.*}}>>
// CHECK:         %[[RA:.*]] = qnn.requantize %[[A]]
// CHECK:         %[[SA:.*]] = quant.scast %[[RA]]
// CHECK:         %[[RB:.*]] = qnn.requantize %[[B]]
// CHECK:         %[[SB:.*]] = quant.scast %[[RB]]
// CHECK:         %[[SC:.*]] = quant.scast %[[C]]
// CHECK:         %[[CAT:.*]] = tosa.concat %[[SA]], %[[SB]], %[[SC]] {axis = 1 : i32} : (tensor<1x2x3xi8>, tensor<1x1x3xi8>, tensor<1x4x3xi8>) -> tensor<1x7x3xi8>
// CHECK:         %[[Y:.*]] = quant.scast %[[CAT]] : tensor<1x7x3xi8> to tensor<1x7x3x!quant.uniform<u8:f32, 8.{{.*}}e-02:110>>
// CHECK:         return %[[Y]]
func.func @concat(%a: tensor<1x2x3x!qa>, %b: tensor<1x1x3x!qb>, %c: tensor<1x4x3x!qo>) -> tensor<1x7x3x!qo> {
  %da = quant.dcast %a : tensor<1x2x3x!qa> to tensor<1x2x3xf32>
  %db = quant.dcast %b : tensor<1x1x3x!qb> to tensor<1x1x3xf32>
  %dc = quant.dcast %c : tensor<1x4x3x!qo> to tensor<1x4x3xf32>
  %cat = tosa.concat %da, %db, %dc {axis = 1 : i32} : (tensor<1x2x3xf32>, tensor<1x1x3xf32>, tensor<1x4x3xf32>) -> tensor<1x7x3xf32>
  %y = quant.qcast %cat : tensor<1x7x3xf32> to tensor<1x7x3x!qo>
  return %y : tensor<1x7x3x!qo>
}

// -----

// Per-axis (per-channel) inputs: the quantized axis follows its dimension.
// A transpose permutes it (the output, quantized along the new axis with
// the same channels, needs no requantize).
!pa = !quant.uniform<i8:f32:1, {0.5:1, 0.25:2, 0.125:3}>
!pt = !quant.uniform<i8:f32:0, {0.5:1, 0.25:2, 0.125:3}>
// CHECK-LABEL: @per_axis_transpose
// CHECK:         %[[S:.*]] = quant.scast %{{.*}} : tensor<2x3x!quant.uniform<i8:f32:1, {{.*}}>> to tensor<2x3xi8>
// CHECK:         %[[T:.*]] = tosa.transpose %[[S]] {perms = array<i32: 1, 0>} : (tensor<2x3xi8>) -> tensor<3x2xi8>
// CHECK:         %[[R:.*]] = quant.scast %[[T]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {{.*}}>>
// CHECK-NOT:     qnn.requantize
// CHECK:         return %[[R]]
func.func @per_axis_transpose(%x: tensor<2x3x!pa>) -> tensor<3x2x!pt> {
  %d = quant.dcast %x : tensor<2x3x!pa> to tensor<2x3xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %y = quant.qcast %t : tensor<3x2xf32> to tensor<3x2x!pt>
  return %y : tensor<3x2x!pt>
}

// -----

// A flatten that keeps the channel dimension whole ([N, C, 1, 1] ->
// [N, C]) keeps the axis; a per-tensor output is a requantize from it.
!pa = !quant.uniform<i8:f32:1, {0.5:1, 0.25:2, 0.125:3}>
!q = !quant.uniform<i8:f32, 0.2:-1>
// CHECK-LABEL: @per_axis_flatten
// CHECK:         %[[R:.*]] = tosa.reshape %{{.*}} : (tensor<2x3x1x1xi8>, !tosa.shape<2>) -> tensor<2x3xi8>
// CHECK:         %[[Q:.*]] = quant.scast %[[R]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:1, {{.*}}>>
// CHECK:         qnn.requantize %[[Q]] : tensor<2x3x!quant.uniform<i8:f32:1, {{.*}}>> -> tensor<2x3x!quant.uniform<i8:f32, 2.000000e-01:-1>>
func.func @per_axis_flatten(%x: tensor<2x3x1x1x!pa>) -> tensor<2x3x!q> {
  %d = quant.dcast %x : tensor<2x3x1x1x!pa> to tensor<2x3x1x1xf32>
  %shape = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %shape : (tensor<2x3x1x1xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  %y = quant.qcast %r : tensor<2x3xf32> to tensor<2x3x!q>
  return %y : tensor<2x3x!q>
}

// -----

// A slice along the axis slices the scales and zero points; a pad along
// another dimension with 0.0 (stored as the common zero point) keeps them.
!pa = !quant.uniform<i8:f32:0, {0.5:1, 0.25:1, 0.125:1, 0.0625:1}>
!ps = !quant.uniform<i8:f32:0, {0.25:1, 0.125:1}>
// CHECK-LABEL: @per_axis_slice_pad
// CHECK:         tensor.extract_slice %{{.*}}[1, 0] [2, 3] [1, 1] : tensor<4x3xi8> to tensor<2x3xi8>
// CHECK:         quant.scast %{{.*}} : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {2.500000e-01:1,1.250000e-01:1}>>
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i8
// CHECK:         tensor.pad %{{.*}} low[0, 1] high[0, 2]
// CHECK:           tensor.yield %[[ONE]] : i8
// CHECK-NOT:     qnn.requantize
func.func @per_axis_slice_pad(%x: tensor<4x3x!pa>) -> (tensor<2x3x!ps>, tensor<4x6x!pa>) {
  %d = quant.dcast %x : tensor<4x3x!pa> to tensor<4x3xf32>
  %s = tensor.extract_slice %d[1, 0] [2, 3] [1, 1] : tensor<4x3xf32> to tensor<2x3xf32>
  %ys = quant.qcast %s : tensor<2x3xf32> to tensor<2x3x!ps>
  %v = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 1] high[0, 2] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<4x3xf32> to tensor<4x6xf32>
  %yp = quant.qcast %p : tensor<4x6xf32> to tensor<4x6x!pa>
  return %ys, %yp : tensor<2x3x!ps>, tensor<4x6x!pa>
}

// -----

// A concat along the quantized axis joins the channels.
!pa = !quant.uniform<i8:f32:1, {0.5, 0.25}>
!pb = !quant.uniform<i8:f32:1, {0.125, 0.0625, 0.03125}>
!pc = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.125, 0.0625, 0.03125}>
// CHECK-LABEL: @per_axis_concat
// CHECK:         %[[C:.*]] = tosa.concat %{{.*}}, %{{.*}} {axis = 1 : i32} : (tensor<3x2xi8>, tensor<3x3xi8>) -> tensor<3x5xi8>
// CHECK:         %[[R:.*]] = quant.scast %[[C]] : tensor<3x5xi8> to tensor<3x5x!quant.uniform<i8:f32:1, {{.*}}>>
// CHECK:         return %[[R]]
func.func @per_axis_concat(%a: tensor<3x2x!pa>, %b: tensor<3x3x!pb>) -> tensor<3x5x!pc> {
  %da = quant.dcast %a : tensor<3x2x!pa> to tensor<3x2xf32>
  %db = quant.dcast %b : tensor<3x3x!pb> to tensor<3x3xf32>
  %c = tosa.concat %da, %db {axis = 1 : i32} : (tensor<3x2xf32>, tensor<3x3xf32>) -> tensor<3x5xf32>
  %y = quant.qcast %c : tensor<3x5xf32> to tensor<3x5x!pc>
  return %y : tensor<3x5x!pc>
}
