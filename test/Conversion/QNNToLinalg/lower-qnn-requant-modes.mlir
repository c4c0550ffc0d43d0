// RUN: quant-opt %s --split-input-file --quant-lower-qnn | FileCheck %s --check-prefixes=ALL,FP32
// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=fp32 | FileCheck %s --check-prefixes=ALL,FP32
// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=fixedpoint | FileCheck %s --check-prefixes=ALL,FIXED
// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=tosa-double-round | FileCheck %s --check-prefixes=ALL,TOSA,TOSA-DR
// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=tosa-single-round | FileCheck %s --check-prefixes=ALL,TOSA,TOSA-SR
// The IR spelling is accepted as the option too.
// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=tosa_single_round | FileCheck %s --check-prefixes=ALL,TOSA,TOSA-SR
// The pipelines pass the option through.
// RUN: quant-opt %s --split-input-file --quant-to-linalg-pipeline=requant-mode=fixedpoint | FileCheck %s --check-prefixes=ALL,FIXED

// The same epilogue in each requant mode (docs/Numerics.md). Per-channel
// merged scales 0.5 * {0.25, 0.0625} / 0.125 = {1.0, 0.25} (zero points 0
// on the inputs: no zero-point term is left for the epilogue to add):
//   fixedpoint: multiplier 2^30 with shifts {1, -1}: left {1, 0}, right {0, 1};
//   tosa:       multiplier 2^30 with right shifts {30, 32}.
// The lowered module records the mode.

!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.0625}>
!qo = !quant.uniform<i8:f32, 0.125:-2>

// FP32:        module attributes {qnn.requant_mode = #qnn.requant_mode<fp32>}
// FIXED:       module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>}
// TOSA-DR:     module attributes {qnn.requant_mode = #qnn.requant_mode<tosa_double_round>}
// TOSA-SR:     module attributes {qnn.requant_mode = #qnn.requant_mode<tosa_single_round>}
// ALL-LABEL:   @matmul_per_channel
// FP32-DAG:      %[[M:.*]] = arith.constant dense<[1.000000e+00, 2.500000e-01]> : tensor<2xf32>
// FIXED-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// FIXED-DAG:     %[[L:.*]] = arith.constant dense<[1, 0]> : tensor<2xi32>
// FIXED-DAG:     %[[R:.*]] = arith.constant dense<[0, 1]> : tensor<2xi32>
// TOSA-DAG:      %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// TOSA-DAG:      %[[S:.*]] = arith.constant dense<[30, 32]> : tensor<2xi32>
// FP32:          linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]] : tensor<3x2xi32>, tensor<2xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<3x2xi8>)
// FP32:            arith.sitofp
// FP32:            arith.mulf
// FP32:            math.roundeven
// FP32:            arith.fptosi %{{.*}} : f32 to i8
// FIXED:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]], %[[L]], %[[R]] : tensor<3x2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) outs(%{{.*}} : tensor<3x2xi8>)
// FIXED-NEXT:    ^bb0(%[[ACC:[^:]+]]: i32, %[[T:[^:]+]]: i32, %[[MV:[^:]+]]: i32, %[[LV:[^:]+]]: i32, %[[RV:[^:]+]]: i32, %{{.*}}: i8):
// FIXED-NEXT:      %[[Y:.*]] = arith.addi %[[ACC]], %[[T]] : i32
// FIXED-NEXT:      %[[ZO:.*]] = arith.constant -2 : i64
// Saturating left shift, in i64.
// FIXED-NEXT:      %[[Y64:.*]] = arith.extsi %[[Y]] : i32 to i64
// FIXED-NEXT:      %[[L64:.*]] = arith.extsi %[[LV]] : i32 to i64
// FIXED-NEXT:      %[[SH:.*]] = arith.shli %[[Y64]], %[[L64]] : i64
// FIXED:           %[[SAT:.*]] = arith.minsi %{{.*}}, %{{.*}} : i64
// SaturatingRoundingDoublingHighMul.
// FIXED-NEXT:      %[[M64:.*]] = arith.extsi %[[MV]] : i32 to i64
// FIXED-NEXT:      %[[AB:.*]] = arith.muli %[[SAT]], %[[M64]] : i64
// FIXED:           %[[NUDGE:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i64
// FIXED-NEXT:      %[[SUM:.*]] = arith.addi %[[AB]], %[[NUDGE]] : i64
// FIXED-NEXT:      %[[TWO31:.*]] = arith.constant 2147483648 : i64
// FIXED-NEXT:      %[[DIV:.*]] = arith.divsi %[[SUM]], %[[TWO31]] : i64
// FIXED-NEXT:      %[[HIGH:.*]] = arith.trunci %[[DIV]] : i64 to i32
// RoundingDivideByPOT.
// FIXED:           %[[MASK:.*]] = arith.subi %{{.*}}, %{{.*}} : i32
// FIXED-NEXT:      %[[REM:.*]] = arith.andi %[[HIGH]], %[[MASK]] : i32
// FIXED:           %[[UP:.*]] = arith.cmpi sgt, %[[REM]], %{{.*}} : i32
// FIXED-NEXT:      %[[SHR:.*]] = arith.shrsi %[[HIGH]], %[[RV]] : i32
// FIXED-NEXT:      %[[UP32:.*]] = arith.extui %[[UP]] : i1 to i32
// FIXED-NEXT:      %[[RES:.*]] = arith.addi %[[SHR]], %[[UP32]] : i32
// + zp, clamp.
// FIXED-NEXT:      %[[RES64:.*]] = arith.extsi %[[RES]] : i32 to i64
// FIXED-NEXT:      %[[Q:.*]] = arith.addi %[[RES64]], %[[ZO]] : i64
// FIXED:           arith.maxsi %[[Q]], %{{.*}} : i64
// FIXED:           arith.minsi
// FIXED:           arith.trunci %{{.*}} : i64 to i8
// FIXED-NEXT:      linalg.yield
// TOSA:          linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]], %[[S]] : tensor<3x2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) outs(%{{.*}} : tensor<3x2xi8>)
// TOSA-NEXT:     ^bb0(%[[ACC:[^:]+]]: i32, %[[T:[^:]+]]: i32, %[[MV:[^:]+]]: i32, %[[SV:[^:]+]]: i32, %{{.*}}: i8):
// TOSA-NEXT:       %[[Y:.*]] = arith.addi %[[ACC]], %[[T]] : i32
// TOSA-NEXT:       %[[ZO:.*]] = arith.constant -2 : i64
// TOSA-NEXT:       %[[S64:.*]] = arith.extsi %[[SV]] : i32 to i64
// round = 1 << (shift - 1)
// TOSA:            %[[ROUND:.*]] = arith.shli %{{.*}}, %{{.*}} : i64
// double_round adds +-2^30 where shift > 31.
// TOSA-DR:         %[[DIR:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i64
// TOSA-DR:         %[[WIDE:.*]] = arith.cmpi sgt, %[[S64]], %{{.*}} : i64
// TOSA-DR-NEXT:    %[[R2:.*]] = arith.addi %[[ROUND]], %[[DIR]] : i64
// TOSA-DR-NEXT:    %[[RND:.*]] = arith.select %[[WIDE]], %[[R2]], %[[ROUND]] : i64
// TOSA-SR-NOT:     arith.select
// TOSA:            %[[Y64:.*]] = arith.extsi %[[Y]] : i32 to i64
// TOSA-NEXT:       %[[M64:.*]] = arith.extsi %[[MV]] : i32 to i64
// TOSA-NEXT:       %[[P:.*]] = arith.muli %[[Y64]], %[[M64]] : i64
// TOSA-DR-NEXT:    %[[PR:.*]] = arith.addi %[[P]], %[[RND]] : i64
// TOSA-SR-NEXT:    %[[PR:.*]] = arith.addi %[[P]], %[[ROUND]] : i64
// TOSA-NEXT:       %[[SC:.*]] = arith.shrsi %[[PR]], %[[S64]] : i64
// TOSA-NEXT:       %[[Q:.*]] = arith.addi %[[SC]], %[[ZO]] : i64
// TOSA:            arith.trunci %{{.*}} : i64 to i8
// TOSA-NEXT:       linalg.yield
// The integer modes leave no float in the function at all.
// FIXED-NOT:     {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// TOSA-NOT:      {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// ALL:           return
func.func @matmul_per_channel(%a: tensor<3x4x!qa>, %w: tensor<4x2x!qw>) -> tensor<3x2x!qo> {
  %0 = qnn.matmul %a, %w : (tensor<3x4x!qa>, tensor<4x2x!qw>) -> tensor<3x2x!qo>
  return %0 : tensor<3x2x!qo>
}

// -----

// The convolution shares the epilogue: its merged scale 0.5 * 0.25 / 2.0 =
// 2^-4 is fixedpoint multiplier 2^30, right shift 3, or TOSA shift 34.
!qx = !quant.uniform<u8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// ALL-LABEL:   @conv2d
// FIXED-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<i32>
// FIXED-DAG:     %[[L:.*]] = arith.constant dense<0> : tensor<i32>
// FIXED-DAG:     %[[R:.*]] = arith.constant dense<3> : tensor<i32>
// TOSA-DAG:      %[[M:.*]] = arith.constant dense<1073741824> : tensor<i32>
// TOSA-DAG:      %[[S:.*]] = arith.constant dense<34> : tensor<i32>
// FP32-DAG:      %[[M:.*]] = arith.constant dense<6.250000e-02> : tensor<f32>
// FIXED:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]], %[[L]], %[[R]] : tensor<1x1x2x2x2xi32>, tensor<1x2xi32>, tensor<i32>, tensor<i32>, tensor<i32>) outs(%{{.*}} : tensor<1x1x2x2x2xi8>)
// TOSA:          linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]], %[[S]] : tensor<1x1x2x2x2xi32>, tensor<1x2xi32>, tensor<i32>, tensor<i32>) outs(%{{.*}} : tensor<1x1x2x2x2xi8>)
// FP32:          linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[M]] : tensor<1x1x2x2x2xi32>, tensor<1x2xi32>, tensor<f32>) outs(%{{.*}} : tensor<1x1x2x2x2xi8>)
// FIXED-NOT:     {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// TOSA-NOT:      {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// ALL:           tensor.collapse_shape
func.func @conv2d(%x: tensor<1x2x4x4x!qx>, %w: tensor<2x2x2x2x!qw>) -> tensor<1x2x2x2x!qo> {
  %y = qnn.conv2d %x, %w strides [2, 2] dilations [1, 1] padding [1, 1, 0, 0] groups 1 : (tensor<1x2x4x4x!qx>, tensor<2x2x2x2x!qw>) -> tensor<1x2x2x2x!qo>
  return %y : tensor<1x2x2x2x!qo>
}

// -----

// qnn.requantize: in fp32 mode a float dequantize-quantize; in the integer
// modes the same epilogue on q - zp_in, per channel where either side is
// per axis: s_in / s_out = {0.5 / 0.25, 0.5 / 4.0} = {2, 2^-3}, with the
// output zero points per channel.
!qi = !quant.uniform<i8:f32, 0.5:3>
!qo = !quant.uniform<i8:f32:1, {0.25:-1, 4.0:7}>

// ALL-LABEL:   @requantize_per_axis
// FP32:          arith.sitofp
// FP32:          arith.divf
// FP32:          math.roundeven
// FIXED-DAG:     %[[ZI:.*]] = arith.constant dense<3> : tensor<i32>
// TOSA-DAG:      %[[ZI:.*]] = arith.constant dense<3> : tensor<i32>
// FIXED-DAG:     %[[ZO:.*]] = arith.constant dense<[-1, 7]> : tensor<2xi64>
// FIXED-DAG:     %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// FIXED-DAG:     %[[L:.*]] = arith.constant dense<[2, 0]> : tensor<2xi32>
// FIXED-DAG:     %[[R:.*]] = arith.constant dense<[0, 2]> : tensor<2xi32>
// TOSA-DAG:      %[[ZO:.*]] = arith.constant dense<[-1, 7]> : tensor<2xi64>
// TOSA-DAG:      %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// TOSA-DAG:      %[[S:.*]] = arith.constant dense<[29, 33]> : tensor<2xi32>
// FIXED:         linalg.generic {{.*}} ins(%{{.*}}, %[[ZI]], %[[ZO]], %[[M]], %[[L]], %[[R]] : tensor<5x2xi8>, tensor<i32>, tensor<2xi64>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>)
// TOSA:          linalg.generic {{.*}} ins(%{{.*}}, %[[ZI]], %[[ZO]], %[[M]], %[[S]] : tensor<5x2xi8>, tensor<i32>, tensor<2xi64>, tensor<2xi32>, tensor<2xi32>)
// FIXED-NEXT:    ^bb0(%[[IN:[^:]+]]: i8, %[[Z:[^:]+]]: i32,
// TOSA-NEXT:     ^bb0(%[[IN:[^:]+]]: i8, %[[Z:[^:]+]]: i32,
// FIXED-NEXT:      %[[E:.*]] = arith.extsi %[[IN]] : i8 to i32
// TOSA-NEXT:       %[[E:.*]] = arith.extsi %[[IN]] : i8 to i32
// FIXED-NEXT:      arith.subi %[[E]], %[[Z]] : i32
// TOSA-NEXT:       arith.subi %[[E]], %[[Z]] : i32
// FIXED-NOT:     {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// TOSA-NOT:      {{f32|f64|sitofp|fptosi|mulf|roundeven}}
// ALL:           return
func.func @requantize_per_axis(%x: tensor<5x2x!qi>) -> tensor<5x2x!qo> {
  %0 = qnn.requantize %x : tensor<5x2x!qi> -> tensor<5x2x!qo>
  return %0 : tensor<5x2x!qo>
}

// -----

// qnn.add in the integer modes (docs/Numerics.md, "Elementwise ops"):
// scales 0.5 and 0.25, 2 max = 1: input multipliers 1/2 and 1/4, output
// 1 / (2^20 * 0.125) = 2^-17.
//   fixedpoint: each centred input shifted left by 20, multiplier 2^30 with
//     right shifts 0 and 1, the sum by 2^30 with right shift 16;
//   tosa: input rescales 2^19 and 2^18 (2^30 >> 11, 12), output 2^30 >> 47.
// No float op in the integer modes.
!add_a = !quant.uniform<i8:f32, 0.5:1>
!add_b = !quant.uniform<i8:f32, 0.25:-3>
!add_c = !quant.uniform<i8:f32, 0.125:2>
// ALL-LABEL: func.func @add_modes
func.func @add_modes(%a: tensor<4x!add_a>, %b: tensor<4x!add_b>) -> tensor<4x!add_c> {
  // FP32:      math.fma
  // FIXED:     %[[C20:.*]] = arith.constant 20 : i32
  // FIXED:     arith.shli %{{.*}}, %[[C20]] : i32
  // FIXED-DAG: arith.constant 1073741824 : i32
  // FIXED-DAG: arith.constant 16 : i32
  // FIXED-NOT: arith.sitofp
  // TOSA-DAG:  arith.constant 11 : i32
  // TOSA-DAG:  arith.constant 12 : i32
  // TOSA-DAG:  arith.constant 47 : i32
  // TOSA-NOT:  arith.sitofp
  %0 = qnn.add %a, %b : (tensor<4x!add_a>, tensor<4x!add_b>) -> tensor<4x!add_c>
  return %0 : tensor<4x!add_c>
}

// -----

// qnn.avg_pool2d in the integer modes: TFLite's rounding division by the
// count (fixedpoint) or TOSA's reciprocal_scale(4) = ((2^30 + 1) << 2) / 4,
// shift 32 (tosa), no float op;
// equal parameters need no requantize.
!pool_q = !quant.uniform<i8:f32, 0.5:1>
// ALL-LABEL: func.func @avg_pool_modes
func.func @avg_pool_modes(%x: tensor<1x1x4x4x!pool_q>) -> tensor<1x1x2x2x!pool_q> {
  // FP32:      arith.mulf
  // FIXED:     arith.divsi %{{.*}} : i64
  // FIXED-NOT: arith.sitofp
  // TOSA:      arith.constant dense<1073741825> : tensor<2x2xi32>
  // TOSA:      arith.constant dense<32> : tensor<2x2xi32>
  // TOSA-NOT:  arith.sitofp
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x1x4x4x!pool_q> -> tensor<1x1x2x2x!pool_q>
  return %0 : tensor<1x1x2x2x!pool_q>
}

// -----

// A per-axis operand in the integer modes: the add's formula per channel,
// its constants read along the channel loop. lhs scales {0.5, 0.25} and
// zero points {1, -3} on axis 1, rhs 0.25, result 0.125: 2 max(sa[c], sb)
// is 1 and 0.5, so the rhs multiplier is 1/4 then 1/2 and the output one
// 2^-17 then 2^-18.
//   fixedpoint: right shifts [1, 0] (rhs) and [16, 17] (output);
//   tosa: rhs shifts [12, 11], output shifts [47, 48].
!pa_a = !quant.uniform<i8:f32:1, {0.5:1, 0.25:-3}>
!pa_b = !quant.uniform<i8:f32, 0.25>
!pa_c = !quant.uniform<i8:f32, 0.125:2>
// ALL-LABEL: func.func @per_axis_add_modes
func.func @per_axis_add_modes(%a: tensor<3x2x!pa_a>, %b: tensor<2x!pa_b>) -> tensor<3x2x!pa_c> {
  // FP32:      math.fma
  // FIXED-DAG: arith.constant dense<[1, -3]> : tensor<2xi32>
  // FIXED-DAG: arith.constant dense<[1, 0]> : tensor<2xi32>
  // FIXED-DAG: arith.constant dense<[16, 17]> : tensor<2xi32>
  // FIXED:     linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[CH:[a-z0-9]+]], #[[CH]], #[[CH]], #[[CH]]
  // FIXED-NOT: arith.sitofp
  // TOSA-DAG:  arith.constant dense<[1, -3]> : tensor<2xi32>
  // TOSA-DAG:  arith.constant dense<[12, 11]> : tensor<2xi32>
  // TOSA-DAG:  arith.constant dense<[47, 48]> : tensor<2xi32>
  // TOSA-NOT:  arith.sitofp
  %0 = qnn.add %a, %b : (tensor<3x2x!pa_a>, tensor<2x!pa_b>) -> tensor<3x2x!pa_c>
  return %0 : tensor<3x2x!pa_c>
}

// -----

// qnn.leaky_relu in the TOSA modes (TensorFlow's legalization): the
// rescale by s_in / s_out = 1/2 (shift 31) or alpha s_in / s_out = 1/8
// (shift 33), picked by the sign of q - zp, no float op.
!lr_in = !quant.uniform<i8:f32, 0.05:3>
!lr_out = !quant.uniform<i8:f32, 0.1:-2>
// ALL-LABEL: func.func @leaky_relu_modes
func.func @leaky_relu_modes(%x: tensor<4x!lr_in>) -> tensor<4x!lr_out> {
  // FP32:      arith.mulf
  // FIXED:     arith.cmpi sge
  // FIXED-NOT: arith.sitofp
  // TOSA:      %[[POS:.*]] = arith.cmpi sge
  // TOSA-DAG:  %[[M:.*]] = arith.select %[[POS]], %{{.*}}, %{{.*}} : i32
  // TOSA-DAG:  arith.constant 31 : i32
  // TOSA-DAG:  arith.constant 33 : i32
  // TOSA-NOT:  arith.sitofp
  %0 = qnn.leaky_relu %x alpha 0.25 : (tensor<4x!lr_in>) -> tensor<4x!lr_out>
  return %0 : tensor<4x!lr_out>
}
