// RUN: quant-opt %s --split-input-file --quant-conv-to-matmul | FileCheck %s
// The rewritten module lowers (the matmul's verifier and lowering accept
// what the pass builds):
// RUN: quant-opt %s --split-input-file --quant-conv-to-matmul --quant-lower-qnn | FileCheck %s --check-prefix=LOWERED
// The pipelines' option runs it (off by default in quant-cpu-pipeline and
// quant-to-linalg-pipeline):
// RUN: quant-opt %s --split-input-file --quant-to-linalg-pipeline=conv-to-matmul=true | FileCheck %s --check-prefix=LOWERED
// RUN: quant-opt %s --split-input-file --quant-to-linalg-pipeline | FileCheck %s --check-prefix=DEFAULT
// DEFAULT-LABEL: func.func @conv2d_nchw
// DEFAULT:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.5}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// NCHW 2x2, stride 2, asymmetric padding: the input as storage integers,
// transposed to NHWC, gathered into [N, OH, OW, KH, KW, C] patches (each
// tap C contiguous bytes), the padding folded into the gather (a tap at
// oh * 2 + kh - 1, ow * 2 + kw - 1 outside the 4x4 input reads the zero
// point 128, stored as i8 -128; no padded copy), collapsed to
// [N, OH * OW, KH * KW * C]; the FCHW weights reordered into a [K, F]
// constant, K in (kh, kw, c), quantized on axis 1; the matmul keeps bias
// and corrections; its [N, OH * OW, F] result is transposed to NCHW.
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @conv2d_nchw
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4x!quant.uniform<u8:f32, 5.000000e-01:128>>)
// The conv's weights are gone, only the [K, F] constant is left.
// CHECK-NOT:     tensor<2x2x2x2xi8>
// CHECK:         %[[XS:.*]] = quant.scast %[[X]] : tensor<1x2x4x4x!quant.uniform<u8:f32, 5.000000e-01:128>> to tensor<1x2x4x4xi8>
// CHECK:         %[[XT:.*]] = linalg.transpose ins(%[[XS]] : tensor<1x2x4x4xi8>) outs(%{{.*}} : tensor<1x4x4x2xi8>) permutation = [0, 2, 3, 1]
// CHECK-NOT:     tensor.pad
// The gather carries its window for quant-x86-vnni (quantc.im2col).
// CHECK:         %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<1x2x2x2x2x2xi8>) attrs =  {quantc.im2col = {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>, zero_point = 128 : i64}}
// CHECK:           %[[OH:.*]] = linalg.index 1 : index
// CHECK:           arith.muli %[[OH]], %c2
// CHECK:           %[[KH:.*]] = linalg.index 3 : index
// CHECK:           %[[H:.*]] = arith.subi %{{.*}}, %c1
// CHECK:           %[[KW:.*]] = linalg.index 4 : index
// CHECK:           %[[W:.*]] = arith.subi %{{.*}}, %c1
// CHECK:           %[[HIN:.*]] = arith.cmpi ult, %[[H]], %c4
// CHECK:           %[[WIN:.*]] = arith.cmpi ult, %[[W]], %c4
// CHECK:           %[[IN:.*]] = arith.andi %[[HIN]], %[[WIN]]
// CHECK:           %[[HC:.*]] = arith.select %[[IN]], %[[H]], %c0
// CHECK:           %[[WC:.*]] = arith.select %[[IN]], %[[W]], %c0
// CHECK:           %[[N:.*]] = linalg.index 0 : index
// CHECK:           %[[CH:.*]] = linalg.index 5 : index
// CHECK:           %[[V:.*]] = tensor.extract %[[XT]][%[[N]], %[[HC]], %[[WC]], %[[CH]]] : tensor<1x4x4x2xi8>
// CHECK:           %[[ZP:.*]] = arith.constant -128 : i8
// CHECK:           %[[R:.*]] = arith.select %[[IN]], %[[V]], %[[ZP]] : i8
// CHECK:           linalg.yield %[[R]] : i8
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0], [1, 2], [3, 4, 5]] : tensor<1x2x2x2x2x2xi8> into tensor<1x4x8xi8>
// CHECK:         %[[L:.*]] = quant.scast %[[C]] : tensor<1x4x8xi8> to tensor<1x4x8x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK:         %[[WM:.*]] = arith.constant dense<{{\[\[}}1, -1], [5, 0], [2, -2], [6, 1], [3, -3], [7, 0], [4, -4], [8, 1]]> : tensor<8x2xi8>
// CHECK:         %[[W:.*]] = quant.scast %[[WM]] : tensor<8x2xi8> to tensor<8x2x!quant.uniform<i8<-127:127>:f32:1, {2.500000e-01,5.000000e-01}>>
// CHECK:         %[[Y:.*]] = qnn.matmul %[[L]], %[[W]] bias %{{.*}} {zero_point_corrections = array<i64: -4608, 1024>}
// CHECK-SAME:      -> tensor<1x4x2x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK:         %[[YS:.*]] = quant.scast %[[Y]] : tensor<1x4x2x!quant.uniform<i8:f32, 2.000000e+00:4>> to tensor<1x4x2xi8>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[YS]] : tensor<1x4x2xi8>) outs(%{{.*}} : tensor<1x2x4xi8>) permutation = [0, 2, 1]
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[T]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 2, 2, 2] : tensor<1x2x4xi8> into tensor<1x2x2x2xi8>
// CHECK:         %[[R:.*]] = quant.scast %[[E]] : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK:         return %[[R]]
// CHECK-NOT:     qnn.conv2d
// LOWERED-LABEL: func.func @conv2d_nchw
// LOWERED:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<1x4x8xi8>, tensor<8x2xi8>) outs(%{{.*}} : tensor<1x4x2xi32>)
// LOWERED:         linalg.transpose
func.func @conv2d_nchw(%x: tensor<1x2x4x4x!qx>) -> tensor<1x2x2x2x!qo> {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[-1, -2], [-3, -4]], [[0, 1], [0, 1]]]]> : tensor<2x2x2x2xi8>
  %w = quant.scast %wi : tensor<2x2x2x2xi8> to tensor<2x2x2x2x!qw>
  %bi = arith.constant dense<[10, 20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %y = qnn.conv2d %x, %w bias %b strides [2, 2] dilations [1, 1] padding [1, 1, 0, 0] groups 1 {zero_point_corrections = array<i64: -4608, 1024>} : (tensor<1x2x4x4x!qx>, tensor<2x2x2x2x!qw>, tensor<2x!qb>) -> tensor<1x2x2x2x!qo>
  return %y : tensor<1x2x2x2x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// NHWC 1x1 stride 1 without padding: the patches are the input itself,
// collapsed (no copy, no pad); OHWI [F, 1, 1, C] weights become [C, F];
// the [N, H * W, F] result is NHWC already (an expand_shape, no transpose).
// CHECK-LABEL: func.func @conv2d_nhwc_1x1
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x5x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>)
// CHECK:         %[[XS:.*]] = quant.scast %[[X]]
// CHECK-NOT:     tensor.pad
// CHECK-NOT:     linalg.generic
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[XS]] {{\[\[}}0], [1, 2], [3]] : tensor<2x3x5x3xi8> into tensor<2x15x3xi8>
// CHECK:         %[[L:.*]] = quant.scast %[[C]]
// CHECK:         %[[WM:.*]] = arith.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>
// CHECK:         %[[W:.*]] = quant.scast %[[WM]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32, 2.500000e-01>>
// CHECK:         %[[Y:.*]] = qnn.matmul %[[L]], %[[W]] : (tensor<2x15x3x{{.*}}>, tensor<3x2x{{.*}}>) -> tensor<2x15x2x{{.*}}>
// CHECK:         %[[YS:.*]] = quant.scast %[[Y]]
// CHECK-NOT:     linalg.transpose
// CHECK:         tensor.expand_shape %[[YS]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 3, 5, 2] : tensor<2x15x2xi8> into tensor<2x3x5x2xi8>
func.func @conv2d_nhwc_1x1(%x: tensor<2x3x5x3x!qx>) -> tensor<2x3x5x2x!qo> {
  %wi = arith.constant dense<[[[[1, 2, 3]]], [[[4, 5, 6]]]]> : tensor<2x1x1x3xi8>
  %w = quant.scast %wi : tensor<2x1x1x3xi8> to tensor<2x1x1x3x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<2x3x5x3x!qx>, tensor<2x1x1x3x!qw>) -> tensor<2x3x5x2x!qo>
  return %y : tensor<2x3x5x2x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// NHWC 2x2 with dilation 2 and stride (1, 2), no padding: patches
// (kh, kw, c), the order of the OHWI weights, read through the window's
// affine map.
// CHECK-DAG:   #[[READ:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3 * 2, d2 * 2 + d4 * 2, d5)>
// CHECK-LABEL: func.func @conv2d_nhwc_dilated
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.generic {indexing_maps = [#[[READ]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<1x5x5x2xi8>) outs(%{{.*}} : tensor<1x3x2x2x2x2xi8>)
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3, 4, 5]] : tensor<1x3x2x2x2x2xi8> into tensor<1x6x8xi8>
// CHECK:         qnn.matmul {{.*}} -> tensor<1x6x3x
// CHECK:         tensor.expand_shape {{.*}} output_shape [1, 3, 2, 3]
func.func @conv2d_nhwc_dilated(%x: tensor<1x5x5x2x!qx>) -> tensor<1x3x2x3x!qo> {
  %wi = arith.constant dense<1> : tensor<3x2x2x2xi8>
  %w = quant.scast %wi : tensor<3x2x2x2xi8> to tensor<3x2x2x2x!qw>
  %y = qnn.conv2d %x, %w strides [1, 2] dilations [2, 2] padding [0, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<1x5x5x2x!qx>, tensor<3x2x2x2x!qw>) -> tensor<1x3x2x3x!qo>
  return %y : tensor<1x3x2x3x!qo>
}

// NHWC 1x1 with padding: the gather (reading the zero point -3 in the
// border), not the in-place collapse.
// CHECK-LABEL: func.func @conv2d_nhwc_1x1_padded
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x5x1x1x2xi8>)
// CHECK:           arith.constant -3 : i8
// CHECK:         tensor.collapse_shape %{{.*}} : tensor<1x4x5x1x1x2xi8> into tensor<1x20x2xi8>
func.func @conv2d_nhwc_1x1_padded(%x: tensor<1x3x3x2x!qx>) -> tensor<1x4x5x3x!qo> {
  %wi = arith.constant dense<1> : tensor<3x1x1x2xi8>
  %w = quant.scast %wi : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1, 0, 1] groups 1 {data_layout = "NHWC"} : (tensor<1x3x3x2x!qx>, tensor<3x1x1x2x!qw>) -> tensor<1x4x5x3x!qo>
  return %y : tensor<1x4x5x3x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25:1>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Left to quant-lower-qnn's generic conv: groups of fewer than 4
// channels with a weight zero point (2 here: one matmul per group would
// be too narrow, and the zero point forbids merging them), weights known
// only at run time, a dynamic shape.
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK-NOT:     qnn.matmul
// CHECK:         qnn.conv2d
func.func @conv2d_grouped(%x: tensor<1x4x5x5x!qx>) -> tensor<1x2x3x3x!qo> {
  %wi = arith.constant dense<1> : tensor<2x2x3x3xi8>
  %w = quant.scast %wi : tensor<2x2x3x3xi8> to tensor<2x2x3x3x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 : (tensor<1x4x5x5x!qx>, tensor<2x2x3x3x!qw>) -> tensor<1x2x3x3x!qo>
  return %y : tensor<1x2x3x3x!qo>
}

// CHECK-LABEL: func.func @conv2d_runtime_weights
// CHECK-NOT:     qnn.matmul
// CHECK:         qnn.conv2d
func.func @conv2d_runtime_weights(%x: tensor<1x4x5x5x!qx>, %w: tensor<2x4x3x3x!qw>) -> tensor<1x2x3x3x!qo> {
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x4x5x5x!qx>, tensor<2x4x3x3x!qw>) -> tensor<1x2x3x3x!qo>
  return %y : tensor<1x2x3x3x!qo>
}

// CHECK-LABEL: func.func @conv2d_dynamic
// CHECK-NOT:     qnn.matmul
// CHECK:         qnn.conv2d
func.func @conv2d_dynamic(%x: tensor<?x4x5x5x!qx>) -> tensor<?x2x3x3x!qo> {
  %wi = arith.constant dense<1> : tensor<2x4x3x3xi8>
  %w = quant.scast %wi : tensor<2x4x3x3xi8> to tensor<2x4x3x3x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<?x4x5x5x!qx>, tensor<2x4x3x3x!qw>) -> tensor<?x2x3x3x!qo>
  return %y : tensor<?x2x3x3x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.25:1, 0.5:1, 0.75:1, 1.0:1}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25, 0.375, 0.5}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Two groups of 4 channels with weight zero points (which forbid merging
// groups): one matmul per group, on its slice of the input channels
// (NCHW: dimension 1), of the filters (their own [K, F] constant and
// per-axis parameters), of the bias and of the corrections
// (K * zx * zw - zx * sum(w) = 36 * 128 - 128 * 36 * (f + 1)); each result
// goes into its slice of the output channels.
// CHECK-LABEL: func.func @conv2d_grouped_matmuls
// CHECK-SAME:    (%[[X:.*]]: tensor<1x8x5x5x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK-SAME:     %[[B:.*]]: tensor<4x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01,3.750000e-01,5.000000e-01}>>)
// CHECK:         %[[OUT:.*]] = tensor.empty() : tensor<1x4x3x3xi8>
// CHECK:         %[[XS0:.*]] = quant.scast %[[X]]
// CHECK:         tensor.extract_slice %[[XS0]][0, 0, 0, 0] [1, 4, 5, 5] [1, 1, 1, 1] : tensor<1x8x5x5xi8> to tensor<1x4x5x5xi8>
// CHECK:         %[[BS0:.*]] = quant.scast %[[B]]
// CHECK:         tensor.extract_slice %[[BS0]][0] [2] [1] : tensor<4xi32> to tensor<2xi32>
// CHECK:         qnn.matmul {{.*}} {zero_point_corrections = array<i64: 0, -4608>} : (tensor<1x9x36x{{.*}}>, tensor<36x2x!quant.uniform<i8<-127:127>:f32:1, {2.500000e-01:1,5.000000e-01:1}>>, tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,2.500000e-01}>>)
// CHECK:         %[[Y0:.*]] = tensor.insert_slice %{{.*}} into %[[OUT]][0, 0, 0, 0] [1, 2, 3, 3] [1, 1, 1, 1] : tensor<1x2x3x3xi8> into tensor<1x4x3x3xi8>
// CHECK:         tensor.extract_slice %{{.*}}[0, 4, 0, 0] [1, 4, 5, 5] [1, 1, 1, 1] : tensor<1x8x5x5xi8> to tensor<1x4x5x5xi8>
// CHECK:         tensor.extract_slice %{{.*}}[2] [2] [1] : tensor<4xi32> to tensor<2xi32>
// CHECK:         qnn.matmul {{.*}} {zero_point_corrections = array<i64: -9216, -13824>} : (tensor<1x9x36x{{.*}}>, tensor<36x2x!quant.uniform<i8<-127:127>:f32:1, {7.500000e-01:1,1.000000e+00:1}>>, tensor<2x!quant.uniform<i32:f32:0, {3.750000e-01,5.000000e-01}>>)
// CHECK:         %[[Y1:.*]] = tensor.insert_slice %{{.*}} into %[[Y0]][0, 2, 0, 0] [1, 2, 3, 3] [1, 1, 1, 1] : tensor<1x2x3x3xi8> into tensor<1x4x3x3xi8>
// CHECK:         %[[Y:.*]] = quant.scast %[[Y1]] : tensor<1x4x3x3xi8> to tensor<1x4x3x3x!quant.uniform<i8:f32, 2.000000e+00:4>>
// CHECK:         return %[[Y]]
// CHECK-NOT:     qnn.conv2d
func.func @conv2d_grouped_matmuls(%x: tensor<1x8x5x5x!qx>, %b: tensor<4x!qb>) -> tensor<1x4x3x3x!qo> {
  %wi = arith.constant dense<[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]], [[[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[2, 2, 2], [2, 2, 2], [2, 2, 2]], [[2, 2, 2], [2, 2, 2], [2, 2, 2]]], [[[3, 3, 3], [3, 3, 3], [3, 3, 3]], [[3, 3, 3], [3, 3, 3], [3, 3, 3]], [[3, 3, 3], [3, 3, 3], [3, 3, 3]], [[3, 3, 3], [3, 3, 3], [3, 3, 3]]], [[[4, 4, 4], [4, 4, 4], [4, 4, 4]], [[4, 4, 4], [4, 4, 4], [4, 4, 4]], [[4, 4, 4], [4, 4, 4], [4, 4, 4]], [[4, 4, 4], [4, 4, 4], [4, 4, 4]]]]> : tensor<4x4x3x3xi8>
  %w = quant.scast %wi : tensor<4x4x3x3xi8> to tensor<4x4x3x3x!qw>
  %y = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 {zero_point_corrections = array<i64: 0, -4608, -9216, -13824>} : (tensor<1x8x5x5x!qx>, tensor<4x4x3x3x!qw>, tensor<4x!qb>) -> tensor<1x4x3x3x!qo>
  return %y : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// NHWC (channels on dimension 3), symmetric weights, 4 groups of 4
// channels and 8 filters: groups merge two at a time into 16-column
// matmuls of block-diagonal [KH * KW * 8, 16] weights (a filter's taps
// read its own group's 4 channels, zeros elsewhere), on 8-channel slices
// of the input; the constant bias is sliced at compile time.
// CHECK-LABEL: func.func @conv2d_grouped_nhwc_merged
// CHECK:         tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 5, 5, 8] [1, 1, 1, 1] : tensor<1x5x5x16xi8> to tensor<1x5x5x8xi8>
// CHECK:         arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi32>
// CHECK:         arith.constant dense<"0x0101010101010101000000000000000001010101010101010000000000000000{{.*}}00000000000000000101010101010101"> : tensor<72x16xi8>
// CHECK:         qnn.matmul {{.*}} : (tensor<1x9x72x{{.*}}>, tensor<72x16x{{.*}}>, tensor<16x{{.*}}>) -> tensor<1x9x16x
// CHECK:         tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 3, 3, 16] [1, 1, 1, 1] : tensor<1x3x3x16xi8> into tensor<1x3x3x32xi8>
// CHECK:         tensor.extract_slice %{{.*}}[0, 0, 0, 8] [1, 5, 5, 8] [1, 1, 1, 1] : tensor<1x5x5x16xi8> to tensor<1x5x5x8xi8>
// CHECK:         arith.constant dense<[16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<16xi32>
// CHECK:         qnn.matmul
// CHECK:         tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 16] [1, 3, 3, 16] [1, 1, 1, 1] : tensor<1x3x3x16xi8> into tensor<1x3x3x32xi8>
// CHECK-NOT:     qnn.matmul
// CHECK-NOT:     qnn.conv2d
func.func @conv2d_grouped_nhwc_merged(%x: tensor<1x5x5x16x!qx>) -> tensor<1x3x3x32x!qo> {
  %wi = arith.constant dense<1> : tensor<32x3x3x4xi8>
  %w = quant.scast %wi : tensor<32x3x3x4xi8> to tensor<32x3x3x4x!qw>
  %bi = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi32>
  %b = quant.scast %bi : tensor<32xi32> to tensor<32x!qb>
  %y = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 4 {data_layout = "NHWC"} : (tensor<1x5x5x16x!qx>, tensor<32x3x3x4x!qw>, tensor<32x!qb>) -> tensor<1x3x3x32x!qo>
  return %y : tensor<1x3x3x32x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Groups of 2 channels with symmetric weights merge: all 4 groups (2
// filters each) fit one 8-column matmul of block-diagonal [9 * 8, 8]
// weights.
// CHECK-LABEL: func.func @conv2d_grouped_two_channels_merged
// CHECK:         qnn.matmul {{.*}} : (tensor<1x9x72x{{.*}}>, tensor<72x8x{{.*}}>) -> tensor<1x9x8x
// CHECK-NOT:     qnn.matmul
// CHECK-NOT:     qnn.conv2d
func.func @conv2d_grouped_two_channels_merged(%x: tensor<1x8x5x5x!qx>) -> tensor<1x8x3x3x!qo> {
  %wi = arith.constant dense<1> : tensor<8x2x3x3xi8>
  %w = quant.scast %wi : tensor<8x2x3x3xi8> to tensor<8x2x3x3x!qw>
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 4 : (tensor<1x8x5x5x!qx>, tensor<8x2x3x3x!qw>) -> tensor<1x8x3x3x!qo>
  return %y : tensor<1x8x3x3x!qo>
}
