// RUN: quant-opt %s --split-input-file --quant-lower-qnn | FileCheck %s

// CHECK-LABEL: @qcast_per_tensor
// CHECK-SAME:    (%[[X:.*]]: tensor<4xf32>) -> tensor<4xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG:     %[[ZP:.*]] = arith.constant dense<-3.000000e+00> : tensor<f32>
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %[[S]], %[[ZP]] : tensor<4xf32>, tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK:         ^bb0(%[[IN:.*]]: f32, %[[SC:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: i8):
// CHECK:           %[[DIV:.*]] = arith.divf %[[IN]], %[[SC]] : f32
// CHECK:           %[[R:.*]] = math.roundeven %[[DIV]] : f32
// CHECK:           %[[ADD:.*]] = arith.addf %[[R]], %[[Z]] : f32
// CHECK-DAG:       %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG:       %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:           %[[MAX:.*]] = arith.maxnumf %[[ADD]], %[[LO]] : f32
// CHECK:           %[[MIN:.*]] = arith.minnumf %[[MAX]], %[[HI]] : f32
// CHECK:           %[[NAN:.*]] = arith.cmpf uno, %[[DIV]], %[[DIV]] : f32
// CHECK:           %[[SEL:.*]] = arith.select %[[NAN]], %[[Z]], %[[MIN]] : f32
// CHECK:           %[[Q:.*]] = arith.fptosi %[[SEL]] : f32 to i8
// CHECK:           linalg.yield %[[Q]] : i8
func.func @qcast_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %0 = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Unsigned storage converts with fptoui and clamps to [0, 255].
// CHECK-LABEL: @qcast_u8_per_axis
// CHECK-SAME:    -> tensor<2x3xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[2.500000e-01, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK-DAG:     %[[ZP:.*]] = arith.constant dense<[1.000000e+01, 2.000000e+01, 3.000000e+01]> : tensor<3xf32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS:.*]], #[[AXIS]], #{{.*}}]
// CHECK-SAME:      ins(%{{.*}}, %[[S]], %[[ZP]] : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK:           arith.constant 0.000000e+00 : f32
// CHECK:           arith.constant 2.550000e+02 : f32
// CHECK:           arith.fptoui %{{.*}} : f32 to i8
func.func @qcast_u8_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32:1, {0.25:10, 0.5:20, 1.0:30}>> {
  %0 = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:1, {0.25:10, 0.5:20, 1.0:30}>>
  return %0 : tensor<2x3x!quant.uniform<u8:f32:1, {0.25:10, 0.5:20, 1.0:30}>>
}

// -----

// CHECK-LABEL: @dcast
// CHECK-SAME:    (%[[Q:.*]]: tensor<4xi8>, %[[U:.*]]: tensor<4xi8>)
// CHECK:         ^bb0(%[[IN:.*]]: i8, %[[S:.*]]: f32, %[[ZP:.*]]: i32, %{{.*}}: f32):
// CHECK:           %[[EXT:.*]] = arith.extsi %[[IN]] : i8 to i32
// CHECK:           %[[C:.*]] = arith.subi %[[EXT]], %[[ZP]] : i32
// CHECK:           %[[F:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK:           %[[X:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK:           linalg.yield %[[X]] : f32
// CHECK:         arith.extui %{{.*}} : i8 to i32
func.func @dcast(%q: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>, %u: tensor<4x!quant.uniform<u8:f32, 0.5:128>>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
  %1 = quant.dcast %u : tensor<4x!quant.uniform<u8:f32, 0.5:128>> to tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// quant.scast and qnn.observe vanish; signatures take the storage types.
// CHECK-LABEL: @scast_and_observe
// CHECK-SAME:    (%[[I:.*]]: tensor<4xi8>, %[[X:.*]]: tensor<4xf32>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xf32>)
// CHECK-NEXT:    return %[[I]], %[[I]], %[[X]]
func.func @scast_and_observe(%i: tensor<4xi8>, %x: tensor<4xf32>) -> (tensor<4xi8>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4xf32>) {
  %q = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %s = quant.scast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xi8>
  %o = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric>} : tensor<4xf32>
  return %s, %q, %o : tensor<4xi8>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4xf32>
}

// -----

// Calls and callees convert together.
// CHECK-LABEL: func.func private @callee(tensor<4xi8>) -> tensor<4xi8>
// CHECK-LABEL: @caller
// CHECK:         call @callee(%{{.*}}) : (tensor<4xi8>) -> tensor<4xi8>
func.func private @callee(tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
func.func @caller(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %0 = call @callee(%q) : (tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// fp32 mode: dequantize with the input parameters, quantize with the output
// ones, in float32.
// CHECK-LABEL: @requantize
// CHECK:         ^bb0(%[[IN:.*]]: i8, %[[SI:.*]]: f32, %[[ZI:.*]]: i32, %[[SO:.*]]: f32, %[[ZO:.*]]: f32, %{{.*}}: i8):
// CHECK:           arith.extsi %[[IN]]
// CHECK:           arith.subi %{{.*}}, %[[ZI]]
// CHECK:           %[[X:.*]] = arith.mulf %{{.*}}, %[[SI]] : f32
// CHECK:           arith.divf %[[X]], %[[SO]] : f32
// CHECK:           math.roundeven
// CHECK:           arith.fptoui %{{.*}} : f32 to i8
func.func @requantize(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<u8:f32, 0.25:128>> {
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4x!quant.uniform<u8:f32, 0.25:128>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.25:128>>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Constant weights and bias: the raw i8 x i8 -> i32 contraction, then one
// folded i32 vector bias[n] - za * colsum(w)[n] = [10 + 3 * 4, 20 + 3 * 6]
// and the merged scale 0.5 * 0.25 / 2.0 = 0.0625.
// CHECK-DAG:   #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG:   #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: @matmul_constant_weights
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2xi8>) -> tensor<3x2xi8>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi8>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<3x2xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<3x2xi32>)
// CHECK:           %[[A:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK:           %[[B:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK:           %[[P:.*]] = arith.muli %[[A]], %[[B]] : i32
// CHECK:           arith.addi %{{.*}}, %[[P]] : i32
// CHECK-DAG:     %[[CORR:.*]] = arith.constant dense<[22, 38]> : tensor<2xi32>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<6.250000e-02> : tensor<f32>
// CHECK:         linalg.generic {{.*}} ins(%[[ACC]], %[[CORR]], %[[M]] : tensor<3x2xi32>, tensor<2xi32>, tensor<f32>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK:           %[[Y:.*]] = arith.addi
// CHECK:           %[[YF:.*]] = arith.sitofp %[[Y]] : i32 to f32
// CHECK:           arith.mulf %[[YF]]
// CHECK:           math.roundeven
// CHECK:           arith.fptosi %{{.*}} : f32 to i8
// CHECK-NOT:     linalg.generic
func.func @matmul_constant_weights(%x: tensor<3x2x!qa>) -> tensor<3x2x!qo> {
  %wi = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!qw>
  %bi = arith.constant dense<[10, 20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %y = qnn.matmul %x, %w bias %b : (tensor<3x2x!qa>, tensor<2x2x!qw>, tensor<2x!qb>) -> tensor<3x2x!qo>
  return %y : tensor<3x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// The same layer with its zero_point_corrections precomputed
// (quant-fuse-requant): -za * colsum(w) = [12, 18], plus the bias, is the
// same folded vector, next to the same raw contraction.
// CHECK-LABEL: @matmul_precomputed_corrections
// CHECK:         %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-DAG:     %[[CORR:.*]] = arith.constant dense<[22, 38]> : tensor<2xi32>
// CHECK:         linalg.generic {{.*}} ins(%[[ACC]], %[[CORR]], %{{.*}} : tensor<3x2xi32>, tensor<2xi32>, tensor<f32>)
// CHECK-NOT:     linalg.generic
func.func @matmul_precomputed_corrections(%x: tensor<3x2x!qa>) -> tensor<3x2x!qo> {
  %wi = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!qw>
  %bi = arith.constant dense<[10, 20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %y = qnn.matmul %x, %w bias %b {zero_point_corrections = array<i64: 12, 18>} : (tensor<3x2x!qa>, tensor<2x2x!qw>, tensor<2x!qb>) -> tensor<3x2x!qo>
  return %y : tensor<3x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// The same layer with its weights and bias in dense resources (as
// quant-import writes large initializers): the constant terms fold the same.
// CHECK-LABEL: @matmul_resource_weights
// CHECK:         arith.constant dense_resource<weights> : tensor<2x2xi8>
// CHECK:         linalg.generic
// CHECK:         %[[CORR:.*]] = arith.constant dense<[22, 38]> : tensor<2xi32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %[[CORR]], %{{.*}} : tensor<3x2xi32>, tensor<2xi32>, tensor<f32>)
// CHECK-NOT:     linalg.generic
func.func @matmul_resource_weights(%x: tensor<3x2x!qa>) -> tensor<3x2x!qo> {
  %wi = arith.constant dense_resource<weights> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!qw>
  %bi = arith.constant dense_resource<bias> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %y = qnn.matmul %x, %w bias %b : (tensor<3x2x!qa>, tensor<2x2x!qw>, tensor<2x!qb>) -> tensor<3x2x!qo>
  return %y : tensor<3x2x!qo>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x0100000001020304",
      bias: "0x040000000A00000014000000"
    }
  }
#-}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32:1, {0.25:1, 0.5:-2}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Runtime weights with zero points and a runtime bias: row sums of the
// activations, column sums of the weights and the bias are computed in
// code; K * za * zw = [2 * 128 * 1, 2 * 128 * -2] is folded; per-channel
// merged scales.
// CHECK-LABEL: @matmul_runtime_weights
// CHECK-SAME:    (%[[X:.*]]: tensor<3x2xi8>, %[[W:.*]]: tensor<2x2xi8>, %[[B:.*]]: tensor<2xi32>)
// CHECK:         %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<3x2xi8>, tensor<2x2xi8>)
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:         %[[COLSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[W]] : tensor<2x2xi8>) outs(%{{.*}} : tensor<2xi32>)
// CHECK:         %[[ROWSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<3x2xi8>) outs(%{{.*}} : tensor<3xi32>)
// CHECK-DAG:     %[[CORR:.*]] = arith.constant dense<[256, -512]> : tensor<2xi32>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<[6.250000e-02, 1.250000e-01]> : tensor<2xf32>
// CHECK-DAG:     %[[ZW:.*]] = arith.constant dense<[1, -2]> : tensor<2xi32>
// CHECK:         linalg.generic {{.*}} ins(%[[ACC]], %[[CORR]], %[[M]], %[[ROWSUM]], %[[ZW]], %[[COLSUM]], %[[B]] :
// CHECK:           ^bb0(%[[IACC:.*]]: i32, %[[ICORR:.*]]: i32, %[[IM:.*]]: f32, %[[IROW:.*]]: i32, %[[IZW:.*]]: i32, %[[ICOL:.*]]: i32, %[[IB:.*]]: i32, %{{.*}}: i8):
// CHECK:           %[[Y0:.*]] = arith.addi %[[IACC]], %[[ICORR]] : i32
// CHECK:           %[[ZR:.*]] = arith.muli %[[IZW]], %[[IROW]] : i32
// CHECK:           %[[Y1:.*]] = arith.subi %[[Y0]], %[[ZR]] : i32
// CHECK:           %[[ZA:.*]] = arith.constant 128 : i32
// CHECK:           %[[ZC:.*]] = arith.muli %[[ZA]], %[[ICOL]] : i32
// CHECK:           %[[Y2:.*]] = arith.subi %[[Y1]], %[[ZC]] : i32
// CHECK:           %[[Y3:.*]] = arith.addi %[[Y2]], %[[IB]] : i32
// CHECK:           arith.sitofp %[[Y3]] : i32 to f32
func.func @matmul_runtime_weights(%x: tensor<3x2x!qa>, %w: tensor<2x2x!qw>, %b: tensor<2x!qb>) -> tensor<3x2x!qo> {
  %y = qnn.matmul %x, %w bias %b : (tensor<3x2x!qa>, tensor<2x2x!qw>, tensor<2x!qb>) -> tensor<3x2x!qo>
  return %y : tensor<3x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0>

// Batched activations against shared weights, dynamic batch: sizes come
// from the operands.
// CHECK-LABEL: @matmul_dynamic_batch
// CHECK-SAME:    (%[[X:.*]]: tensor<?x3x2xi8>, %[[W:.*]]: tensor<2x4xi8>) -> tensor<?x3x4xi8>
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK:         %[[B:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x3x2xi8>
// CHECK:         tensor.empty(%[[B]]) : tensor<?x3x4xi32>
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x3x2xi8>, tensor<2x4xi8>)
// CHECK:         tensor.empty(%{{.*}}) : tensor<?x3x4xi8>
func.func @matmul_dynamic_batch(%x: tensor<?x3x2x!qa>, %w: tensor<2x4x!qw>) -> tensor<?x3x4x!qo> {
  %y = qnn.matmul %x, %w : (tensor<?x3x2x!qa>, tensor<2x4x!qw>) -> tensor<?x3x4x!qo>
  return %y : tensor<?x3x4x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.5}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25}>
!qo = !quant.uniform<i8:f32, 2.0:4>

// qnn.conv2d with constant weights: the input is padded with its zero point
// (128, stored as i8 -128), both operands are put in the grouped layout
// (G = 1), the contraction multiplies the raw stored values (no float op,
// no zero point in the loop), and bias[f] - 128 * sum(w[f]) =
// [10 - 128 * 36, 20 - 128 * -8] folds into one i32 vector. Per-channel
// merged scales 0.5 * {0.25, 0.5} / 2.0; the result collapses back to NCHW.
// CHECK-DAG:   #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG:   #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG:   #[[ACC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG:   #[[CHAN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
// CHECK-LABEL: @conv2d_constant_weights
// CHECK-SAME:    (%[[X:.*]]: tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK-DAG:     %[[WI:.*]] = arith.constant dense<{{.*}}> : tensor<2x2x2x2xi8>
// CHECK-DAG:     %[[ZX:.*]] = arith.constant -128 : i8
// CHECK:         %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:           tensor.yield %[[ZX]] : i8
// CHECK:         } : tensor<1x2x4x4xi8> to tensor<1x2x5x5xi8>
// CHECK:         %[[X5:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 1, 2, 5, 5]
// CHECK:         %[[W5:.*]] = tensor.expand_shape %[[WI]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 2, 2, 2, 2]
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[X5]], %[[W5]] : tensor<1x1x2x5x5xi8>, tensor<1x2x2x2x2xi8>) outs(%{{.*}} : tensor<1x1x2x2x2xi32>)
// CHECK-NEXT:    ^bb0(%[[XI:.*]]: i8, %[[WV:.*]]: i8, %[[OUT:.*]]: i32):
// CHECK-NEXT:      %[[XE:.*]] = arith.extui %[[XI]] : i8 to i32
// CHECK-NEXT:      %[[WE:.*]] = arith.extsi %[[WV]] : i8 to i32
// CHECK-NEXT:      %[[PR:.*]] = arith.muli %[[XE]], %[[WE]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[OUT]], %[[PR]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK-DAG:     %[[CORR:.*]] = arith.constant dense<{{\[\[}}-4598, 1044]]> : tensor<1x2xi32>
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<{{\[\[}}6.250000e-02, 1.250000e-01]]> : tensor<1x2xf32>
// CHECK:         %[[Y:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CHAN]], #[[CHAN]], #{{.*}}], {{.*}}} ins(%[[A]], %[[CORR]], %[[M]] : tensor<1x1x2x2x2xi32>, tensor<1x2xi32>, tensor<1x2xf32>) outs(%{{.*}} : tensor<1x1x2x2x2xi8>)
// CHECK:           arith.addi
// CHECK:           arith.sitofp
// CHECK:           math.roundeven
// CHECK:           arith.fptosi %{{.*}} : f32 to i8
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x1x2x2x2xi8> into tensor<1x2x2x2xi8>
// CHECK:         return %[[R]]
func.func @conv2d_constant_weights(%x: tensor<1x2x4x4x!qx>) -> tensor<1x2x2x2x!qo> {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[-1, -2], [-3, -4]], [[0, 1], [0, 1]]]]> : tensor<2x2x2x2xi8>
  %w = quant.scast %wi : tensor<2x2x2x2xi8> to tensor<2x2x2x2x!qw>
  %bi = arith.constant dense<[10, 20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %y = qnn.conv2d %x, %w bias %b strides [2, 2] dilations [1, 1] padding [1, 1, 0, 0] groups 1 : (tensor<1x2x4x4x!qx>, tensor<2x2x2x2x!qw>, tensor<2x!qb>) -> tensor<1x2x2x2x!qo>
  return %y : tensor<1x2x2x2x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<u8:f32, 0.25:3>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>

// Depthwise (G = C = 4), dilated, dynamic batch, runtime weights with a zero
// point and a runtime bias: the weight sums and the window sums of the input
// (over a window operand that gives the kernel loops their sizes) are
// computed in code, K * zx * zw = 9 * 128 * 3 is folded, the bias is put in
// the [G, F/G] channel layout.
// CHECK-DAG:   #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d4, d2 + d5 * 2, d3 + d6 * 2)>
// CHECK-DAG:   #[[KER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6)>
// CHECK-DAG:   #[[WSUM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: @conv2d_depthwise_runtime
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4x5x5xi8>, %[[W:.*]]: tensor<4x1x3x3xi8>, %[[B:.*]]: tensor<4xi32>) -> tensor<?x4x1x1xi8>
// CHECK-NOT:     tensor.pad
// CHECK:         %[[N:.*]] = tensor.dim %[[X]]
// CHECK:         %[[X5:.*]] = tensor.expand_shape %[[X]] {{.*}} output_shape [%[[N]], 4, 1, 5, 5]
// CHECK:         %[[W5:.*]] = tensor.expand_shape %[[W]]
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} ins(%[[X5]], %[[W5]] : tensor<?x4x1x5x5xi8>, tensor<4x1x1x3x3xi8>) outs(%{{.*}} : tensor<?x4x1x1x1xi32>)
// CHECK:         %[[WS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[W5]] : tensor<4x1x1x3x3xi8>) outs(%{{.*}} : tensor<4x1xi32>)
// CHECK:         %[[K:.*]] = tensor.empty() : tensor<1x3x3xi8>
// CHECK:         %[[XS:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[KER]], #[[WSUM]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[X5]], %[[K]] : tensor<?x4x1x5x5xi8>, tensor<1x3x3xi8>) outs(%{{.*}} : tensor<?x4x1x1xi32>)
// CHECK-DAG:     %[[CORR:.*]] = arith.constant dense<3456> : tensor<4x1xi32>
// CHECK-DAG:     %[[ZW:.*]] = arith.constant dense<3> : tensor<i32>
// CHECK-DAG:     %[[B2:.*]] = tensor.expand_shape %[[B]] {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xi32> into tensor<4x1xi32>
// CHECK:         linalg.generic {{.*}} ins(%[[A]], %[[CORR]], %{{.*}}, %[[XS]], %[[ZW]], %[[WS]], %[[B2]] :
// CHECK:           ^bb0(%[[IACC:.*]]: i32, %[[ICORR:.*]]: i32, %{{.*}}: f32, %[[IXS:.*]]: i32, %[[IZW:.*]]: i32, %[[IWS:.*]]: i32, %[[IB:.*]]: i32, %{{.*}}: i8):
// CHECK:           %[[Y0:.*]] = arith.addi %[[IACC]], %[[ICORR]] : i32
// CHECK:           %[[T1:.*]] = arith.muli %[[IZW]], %[[IXS]] : i32
// CHECK:           %[[Y1:.*]] = arith.subi %[[Y0]], %[[T1]] : i32
// CHECK:           %[[ZX:.*]] = arith.constant 128 : i32
// CHECK:           %[[T2:.*]] = arith.muli %[[ZX]], %[[IWS]] : i32
// CHECK:           %[[Y2:.*]] = arith.subi %[[Y1]], %[[T2]] : i32
// CHECK:           arith.addi %[[Y2]], %[[IB]] : i32
// CHECK:         tensor.collapse_shape {{.*}} : tensor<?x4x1x1x1xi8> into tensor<?x4x1x1xi8>
func.func @conv2d_depthwise_runtime(%x: tensor<?x4x5x5x!qx>, %w: tensor<4x1x3x3x!qw>, %b: tensor<4x!qb>) -> tensor<?x4x1x1x!qo> {
  %y = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] groups 4 : (tensor<?x4x5x5x!qx>, tensor<4x1x3x3x!qw>, tensor<4x!qb>) -> tensor<?x4x1x1x!qo>
  return %y : tensor<?x4x1x1x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.5, 0.25}>
!qo = !quant.uniform<u8:f32, 1.0:120>

// A depthwise conv (3 groups of one channel and one filter) with symmetric
// weights and static shapes runs channels-last, the channels innermost:
// the NCHW input transposed to NHWC, the [F, 1, KH, KW] weights read as
// [KH, KW, F], loops (n, oh, ow, kh, kw, f) with the padding read as the
// zero point 128 (-128 stored) in the body (no tensor.pad), the
// [N, OH, OW, F, 1] accumulator through the shared epilogue, and the
// result transposed back to NCHW.
// CHECK-DAG:   #[[TAPS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
// CHECK-DAG:   #[[ACC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: @conv2d_depthwise_channels_innermost
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x5x4xi8>) -> tensor<2x3x3x3xi8>
// CHECK-NOT:     tensor.pad
// CHECK:         %[[XT:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3x5x4xi8>) outs(%{{.*}} : tensor<2x5x4x3xi8>) permutation = [0, 2, 3, 1]
// CHECK:         %[[WT:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x2x3xi8>) outs(%{{.*}} : tensor<2x3x3xi8>) permutation = [1, 2, 0]
// The window, for quant-x86-depthwise (quantc.depthwise):
// CHECK:         %[[A:.*]] = linalg.generic {indexing_maps = [#[[TAPS]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%[[WT]] : tensor<2x3x3xi8>) outs(%{{.*}} : tensor<2x3x3x3xi32>) attrs =  {quantc.depthwise = {dilations = array<i64: 1, 1>, padding = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 1>, zero_point = 128 : i64}}
// CHECK:           %[[OH:.*]] = linalg.index 1 : index
// CHECK:           arith.muli %[[OH]], %c2
// CHECK:           arith.cmpi ult
// CHECK:           %[[V:.*]] = tensor.extract %[[XT]]
// CHECK:           %[[PAD:.*]] = arith.constant -128 : i8
// CHECK:           %[[T:.*]] = arith.select %{{.*}}, %[[V]], %[[PAD]] : i8
// CHECK:           arith.extui %[[T]] : i8 to i32
// CHECK:         %[[A5:.*]] = tensor.expand_shape %[[A]] {{\[\[}}0], [1], [2], [3, 4]] {{.*}} : tensor<2x3x3x3xi32> into tensor<2x3x3x3x1xi32>
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A5]],
// CHECK:         %[[Y4:.*]] = tensor.collapse_shape %[[Y]] {{.*}} : tensor<2x3x3x3x1xi8> into tensor<2x3x3x3xi8>
// CHECK:         linalg.transpose ins(%[[Y4]] : tensor<2x3x3x3xi8>) outs(%{{.*}} : tensor<2x3x3x3xi8>) permutation = [0, 3, 1, 2]
func.func @conv2d_depthwise_channels_innermost(%x: tensor<2x3x5x4x!qx>) -> tensor<2x3x3x3x!qo> {
  %wi = arith.constant dense<[[[[1, 2, 3], [4, 5, 6]]], [[[-1, -2, -3], [-4, -5, -6]]], [[[7, 0, 7], [0, 7, 0]]]]> : tensor<3x1x2x3xi8>
  %w = quant.scast %wi : tensor<3x1x2x3xi8> to tensor<3x1x2x3x!qw>
  %y = qnn.conv2d %x, %w strides [2, 1] dilations [1, 1] padding [1, 0, 0, 1] groups 3 : (tensor<2x3x5x4x!qx>, tensor<3x1x2x3x!qw>) -> tensor<2x3x3x3x!qo>
  return %y : tensor<2x3x3x3x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<u8:f32:0, {0.25:3, 0.5:250, 0.25}>
!qo = !quant.uniform<u8:f32, 1.0:120>

// The same depthwise conv with u8 weights and zero points (3, 250, 0):
// still channels-innermost, on [KH, KW, F] taps centred at compile time
// into 16 bits (w - zw[f]: 1 - 3 = -2, 2 - 250 = -248, 7 - 0 = 7, and
// the u8 255 - 250 = 5, ...),
// sign-extended; no window sums of the input (the centred taps hold them).
// CHECK-LABEL: @conv2d_depthwise_asymmetric_weights
// CHECK:         %[[TAPS:.*]] = arith.constant dense<{{\[\[\[}}-2, -248, 7], [-1, -249, 0], [0, -250, 7]], {{\[\[}}1, 5, 0], [2, 4, 7], [3, 3, 0]]]> : tensor<2x3x3xi16>
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} ins(%[[TAPS]] : tensor<2x3x3xi16>) outs(%{{.*}} : tensor<2x3x3x3xi32>) attrs =  {quantc.depthwise
// CHECK:           arith.extsi %{{.*}} : i16 to i32
// CHECK-NOT:     "reduction", "reduction", "reduction"
// CHECK:         linalg.transpose
func.func @conv2d_depthwise_asymmetric_weights(%x: tensor<2x3x5x4x!qx>) -> tensor<2x3x3x3x!qo> {
  %wi = arith.constant dense<[[[[1, 2, 3], [4, 5, 6]]], [[[2, 1, 0], [-1, -2, -3]]], [[[7, 0, 7], [0, 7, 0]]]]> : tensor<3x1x2x3xi8>
  %w = quant.scast %wi : tensor<3x1x2x3xi8> to tensor<3x1x2x3x!qw>
  %y = qnn.conv2d %x, %w strides [2, 1] dilations [1, 1] padding [1, 0, 0, 1] groups 3 : (tensor<2x3x5x4x!qx>, tensor<3x1x2x3x!qw>) -> tensor<2x3x3x3x!qo>
  return %y : tensor<2x3x3x3x!qo>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<u8:f32, 1.0:120>

// A channel multiplier of 2 (3 channels, 6 filters): the same
// channels-innermost form over the 6 filters, filter f reading input
// channel f / 2; the [N, OH, OW, 6] accumulator viewed as [N, OH, OW, 3, 2]
// (group, filter in group) for the epilogue.
// CHECK-LABEL: @conv2d_depthwise_multiplier
// CHECK:         %[[XT:.*]] = linalg.transpose ins(%{{.*}} : tensor<1x3x5x4xi8>) outs(%{{.*}} : tensor<1x5x4x3xi8>) permutation = [0, 2, 3, 1]
// CHECK:         %[[A:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3x6xi8>) outs(%{{.*}} : tensor<1x3x3x6xi32>) attrs =  {quantc.depthwise
// CHECK:           %[[F:.*]] = linalg.index 5 : index
// CHECK:           %[[C:.*]] = arith.divui %[[F]], %c2{{(_[0-9]+)?}} : index
// CHECK:           tensor.extract %[[XT]][%{{.*}}, %{{.*}}, %{{.*}}, %[[C]]] : tensor<1x5x4x3xi8>
// CHECK:         tensor.expand_shape %[[A]] {{\[\[}}0], [1], [2], [3, 4]] {{.*}} : tensor<1x3x3x6xi32> into tensor<1x3x3x3x2xi32>
// CHECK-NOT:     "reduction", "reduction", "reduction"
func.func @conv2d_depthwise_multiplier(%x: tensor<1x3x5x4x!qx>) -> tensor<1x6x3x3x!qo> {
  %wi = arith.constant dense<3> : tensor<6x1x2x3xi8>
  %w = quant.scast %wi : tensor<6x1x2x3xi8> to tensor<6x1x2x3x!qw>
  %y = qnn.conv2d %x, %w strides [2, 1] dilations [1, 1] padding [1, 0, 0, 1] groups 3 : (tensor<1x3x5x4x!qx>, tensor<6x1x2x3x!qw>) -> tensor<1x6x3x3x!qo>
  return %y : tensor<1x6x3x3x!qo>
}

// -----

!qb = !quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25}, {2.0, 1.0:-3}}>

// Blocked (sub-channel) dequantize, as ONNX's block_size writes it: the
// scales and zero points are [2, 2] constants read at (i, j floordiv 2).
// CHECK-DAG:   #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: @blocked_dequantize
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [2.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<{{\[\[}}1, 0], [0, -3]]> : tensor<2x2xi32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[BLOCK]], #[[BLOCK]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[S]], %[[Z]] : tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi32>)
// CHECK:           arith.subi
// CHECK:           arith.sitofp
// CHECK:           arith.mulf
func.func @blocked_dequantize(%x: tensor<2x4xi8>) -> tensor<2x4xf32> {
  %q = quant.scast %x : tensor<2x4xi8> to tensor<2x4x!qb>
  %d = quant.dcast %q : tensor<2x4x!qb> to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<u8:f32, 1.0:120>

// Dynamic N, H, W: the sizes are read after the zero-point padding and the
// output size is (Hp - ((KH - 1) * dh + 1)) / sh + 1 in index arithmetic.
// CHECK-LABEL: func.func @conv2d_dynamic_spatial
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK:         %[[H:.*]] = tensor.dim %[[P]], %c2 : tensor<?x3x?x?xi8>
// CHECK:         %[[HW:.*]] = arith.subi %[[H]], %c5{{.*}} : index
// CHECK:         %[[HS:.*]] = arith.divui %[[HW]], %c2{{.*}} : index
// CHECK:         arith.addi %[[HS]], %c1{{.*}} : index
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<?x1x2x?x?xi32>)
// CHECK:         tensor.collapse_shape {{.*}} into tensor<?x2x?x?xi8>
func.func @conv2d_dynamic_spatial(%x: tensor<?x3x?x?x!qx>, %w: tensor<2x3x3x3x!qw>) -> tensor<?x2x?x?x!qo> {
  %y = qnn.conv2d %x, %w strides [2, 1] dilations [2, 1] padding [1, 0, 1, 0] groups 1 : (tensor<?x3x?x?x!qx>, tensor<2x3x3x3x!qw>) -> tensor<?x2x?x?x!qo>
  return %y : tensor<?x2x?x?x!qo>
}

// -----

// A split K (accumulator_chunk = 3 of K = 8): K padded to 9 with the input
// zero point, expanded to [3 chunks, 3], i32 parts of centred products,
// summed over the chunks in i64, requantized from i64.
// CHECK-LABEL: @matmul_split_k
// CHECK:         tensor.pad %{{.*}} low[0, 0] high[0, 1]
// CHECK:           tensor.yield %{{.*}} : i8
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 3, 3] : tensor<2x9xi8> into tensor<2x3x3xi8>
// CHECK:         %[[PARTS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK:           arith.subi
// CHECK:           arith.subi
// CHECK:           arith.muli {{.*}} : i32
// CHECK:         } -> tensor<2x3x3xi32>
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[PARTS]] : tensor<2x3x3xi32>)
// CHECK:           arith.extsi %{{.*}} : i32 to i64
// CHECK:         } -> tensor<2x3xi64>
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<2x3xi64>, tensor<3xf32>)
// CHECK:           arith.sitofp %{{.*}} : i64 to f32
func.func @matmul_split_k(%x: tensor<2x8x!quant.uniform<i8:f32, 0.5:3>>, %w: tensor<8x3x!quant.uniform<i8:f32:1, {0.25:1, 0.5, 0.125:-2}>>) -> tensor<2x3x!quant.uniform<i8:f32, 1.0:5>> {
  %0 = qnn.matmul %x, %w {accumulator_chunk = 3} : (tensor<2x8x!quant.uniform<i8:f32, 0.5:3>>, tensor<8x3x!quant.uniform<i8:f32:1, {0.25:1, 0.5, 0.125:-2}>>) -> tensor<2x3x!quant.uniform<i8:f32, 1.0:5>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 1.0:5>>
}

// -----

// Per-group int4 weights, blocks of 4: i32 parts per (row, column, group)
// with the group's zero point, then float32(part) * s_x * s_w[g, n] summed
// in f32 over the groups, then the output quantize (divide by s_out).
// CHECK-LABEL: @matmul_per_group
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<8x2xi4>
// CHECK-DAG:     tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2]] output_shape [2, 4, 2] : tensor<8x2xi4> into tensor<2x4x2xi4>
// CHECK-DAG:     arith.constant dense<{{\[\[}}1, 0], [0, -2]]> : tensor<2x2xi32>
// CHECK:         %[[PARTS:.*]] = linalg.generic
// CHECK:           arith.extui %{{.*}} : i8 to i32
// CHECK:           arith.extsi %{{.*}} : i4 to i32
// CHECK:         } -> tensor<2x2x2xi32>
// CHECK:         %[[SCALES:.*]] = arith.constant dense<{{\[\[}}1.250000e-01, 2.500000e-01], [6.250000e-02, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[PARTS]], %[[SCALES]] : tensor<2x2x2xi32>, tensor<2x2xf32>)
// CHECK:           arith.sitofp %{{.*}} : i32 to f32
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:         } -> tensor<2x2xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[Y]],
// CHECK:           arith.divf
// CHECK:           math.roundeven
func.func @matmul_per_group(%x: tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<2x2x!quant.uniform<i8:f32, 1.0:5>> {
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6], [7, -8], [0, 1], [2, 3], [-4, 5], [6, -7]]> : tensor<8x2xi4>
  %w = quant.scast %wi : tensor<8x2xi4> to tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>>
  %0 = qnn.matmul %x, %w : (tensor<2x8x!quant.uniform<u8:f32, 0.5:3>>, tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{0.25:1, 0.5}, {0.125, 1.0:-2}}>>) -> tensor<2x2x!quant.uniform<i8:f32, 1.0:5>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32, 1.0:5>>
}
