// RUN: quant-opt %s --split-input-file --quant-convert-qnn-to-tosa -verify-diagnostics
// RUN: echo 'module {}' | not quant-opt --quant-convert-qnn-to-tosa=rounding=sideways 2>&1 | FileCheck %s --check-prefix=ROUNDING
// ROUNDING: error: unknown rounding 'sideways'; expected double-round or single-round

// expected-error@+1 {{the module records qnn.requant_mode = #qnn.requant_mode<fp32>; exporting to TOSA would change its numerics to TOSA's rescale}}
module attributes {qnn.requant_mode = #qnn.requant_mode<fp32>} {
  func.func @fp32_module(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
    %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
    return %0 : tensor<4x!quant.uniform<i8:f32, 0.25>>
  }
}

// -----

!qa = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0>
func.func @wide_operands(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{TOSA's integer matmul takes 8-bit operands; got 16-bit activations and 8-bit weights}}
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %y : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32:1, {0.25:1, 0.125:0, 0.5:-1}>
!qo = !quant.uniform<i8:f32, 2.0>
func.func @per_channel_zero_points(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{TOSA has one weight zero point; per-channel weights must have zero point 0}}
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %y : tensor<2x3x!qo>
}

// -----

!qi = !quant.uniform<i8:f32:0, {0.5, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0>
func.func @axis_not_last(%x: tensor<2x3x!qi>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{tosa.rescale is per channel along the last dimension only; got axis 0}}
  %0 = qnn.requantize %x : tensor<2x3x!qi> -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qi = !quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>
!qo = !quant.uniform<i8:f32, 1.0>
func.func @varying_zero_points(%x: tensor<3x2x!qi>) -> tensor<3x2x!qo> {
  // expected-error@+1 {{tosa.rescale has one zero point per side; got per-channel zero points that differ}}
  %0 = qnn.requantize %x : tensor<3x2x!qi> -> tensor<3x2x!qo>
  return %0 : tensor<3x2x!qo>
}

// -----

!qi = !quant.uniform<i8:f32, 1.0e+10>
!qo = !quant.uniform<i8:f32, 1.0e-10>
func.func @multiplier_out_of_range(%x: tensor<4x!qi>) -> tensor<4x!qo> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %0 = qnn.requantize %x : tensor<4x!qi> -> tensor<4x!qo>
  return %0 : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<i16:f32, 0.5>
!qc = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0>
func.func @wide_mul(%a: tensor<4x!qa>, %b: tensor<4x!qc>) -> tensor<4x!qo> {
  // expected-error@+1 {{TOSA export of qnn.mul takes 8-bit operands; got 16-bit storage}}
  %y = qnn.mul %a, %b : (tensor<4x!qa>, tensor<4x!qc>) -> tensor<4x!qo>
  return %y : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
func.func @dynamic_clamp(%a: tensor<?x4x!qa>) -> tensor<?x4x!qa> {
  // expected-error@+1 {{TOSA export needs static shapes}}
  %y = qnn.clamp %a min 0 max 100 : tensor<?x4x!qa>
  return %y : tensor<?x4x!qa>
}

// -----

!qa = !quant.uniform<i4:f32, 0.5>
!qo = !quant.uniform<i8:f32, 0.25>
func.func @narrow_lookup(%a: tensor<4x!qa>) -> tensor<4x!qo> {
  // expected-error@+1 {{TOSA export of qnn.lookup takes 8-bit operands; got 4-bit storage}}
  %y = qnn.lookup %a table dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi64> : (tensor<4x!qa>) -> tensor<4x!qo>
  return %y : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 2.0>
func.func @per_group_weights(%x: tensor<2x8x!qa>, %w: tensor<8x1x!qg>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{TOSA has no per-group weights (tosa.matmul takes one weight zero point and rescales once)}}
  %y = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x1x!qg>) -> tensor<2x1x!qo>
  return %y : tensor<2x1x!qo>
}

// -----

// tosa.rescale's per-channel multipliers run along the last dimension.
!qa = !quant.uniform<i8:f32:0, {0.5, 0.25}>
!qc = !quant.uniform<i8:f32, 0.125>
func.func @add_per_axis_not_last(%a: tensor<2x3x!qa>, %b: tensor<2x3x!qc>) -> tensor<2x3x!qc> {
  // expected-error@+1 {{tosa.rescale is per channel along the last dimension only; the per-axis operand varies along result dimension 0}}
  %y = qnn.add %a, %b : (tensor<2x3x!qa>, tensor<2x3x!qc>) -> tensor<2x3x!qc>
  return %y : tensor<2x3x!qc>
}

// -----

// K = 2^17 + 5 int8 products with runtime weights: a split K.
!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0>
func.func @split_k(%x: tensor<1x131077x!qa>, %w: tensor<131077x1x!qw>) -> tensor<1x1x!qo> {
  // expected-error@+1 {{tosa.matmul's i32 accumulator cannot hold this K: it needs a K split (accumulator_chunk)}}
  %y = qnn.matmul %x, %w : (tensor<1x131077x!qa>, tensor<131077x1x!qw>) -> tensor<1x1x!qo>
  return %y : tensor<1x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>
!qc = !quant.uniform<i8:f32, 0.125>
func.func @add_per_channel_zero_points(%a: tensor<3x2x!qa>, %b: tensor<3x2x!qc>) -> tensor<3x2x!qc> {
  // expected-error@+1 {{tosa.rescale has one input zero point; the lhs's per-channel zero points differ}}
  %y = qnn.add %a, %b : (tensor<3x2x!qa>, tensor<3x2x!qc>) -> tensor<3x2x!qc>
  return %y : tensor<3x2x!qc>
}

// -----

// A per-tensor operand broadcast along the channels cannot take one
// multiplier per channel in its own rescale.
!qa = !quant.uniform<i8:f32:1, {0.5, 0.25}>
!qc = !quant.uniform<i8:f32, 0.125>
func.func @add_broadcast_channels(%a: tensor<3x2x!qa>, %b: tensor<3x1x!qc>) -> tensor<3x2x!qc> {
  // expected-error@+1 {{the rhs broadcasts along the channel dimension; its per-channel tosa.rescale needs all 2 channels}}
  %y = qnn.add %a, %b : (tensor<3x2x!qa>, tensor<3x1x!qc>) -> tensor<3x2x!qc>
  return %y : tensor<3x2x!qc>
}

// -----

// The integer add's checks (computeAddSubRescale), as quant-lower-qnn's.
!qa = !quant.uniform<i16:f32, 0.001>
!qc = !quant.uniform<i8:f32, 0.1>
func.func @add_wide_inputs(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4x!qc> {
  // expected-error@+1 {{requant-mode=tosa-double-round: lhs values up to 32768 from the zero point do not fit int32 once shifted left by 20}}
  %y = qnn.add %a, %b : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qc>
  return %y : tensor<4x!qc>
}

// -----

!qa = !quant.uniform<i4:f32, 0.001>
!qc = !quant.uniform<i8:f32, 0.1>
func.func @add_i4(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4x!qc> {
  // expected-error@+1 {{TOSA export of qnn.add takes 8- or 16-bit operands; got 4-bit storage}}
  %y = qnn.add %a, %b : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qc>
  return %y : tensor<4x!qc>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
func.func @dynamic_add(%a: tensor<?x4x!qa>, %b: tensor<?x4x!qa>) -> tensor<?x4x!qa> {
  // expected-error@+1 {{TOSA export needs static shapes}}
  %y = qnn.add %a, %b : (tensor<?x4x!qa>, tensor<?x4x!qa>) -> tensor<?x4x!qa>
  return %y : tensor<?x4x!qa>
}

// -----

!qp = !quant.uniform<u16:f32, 0.5>
func.func @avg_pool_u16(%x: tensor<1x1x4x4x!qp>) -> tensor<1x1x2x2x!qp> {
  // expected-error@+1 {{TOSA's integer avg_pool2d takes int16, not uint16}}
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x1x4x4x!qp> -> tensor<1x1x2x2x!qp>
  return %y : tensor<1x1x2x2x!qp>
}

// -----

!qi = !quant.uniform<i8:f32, 1.0>
!qo = !quant.uniform<i8:f32, 1.0e-9>
func.func @avg_pool_scale_too_large(%x: tensor<1x1x4x4x!qi>) -> tensor<1x1x2x2x!qo> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x1x4x4x!qi> -> tensor<1x1x2x2x!qo>
  return %y : tensor<1x1x2x2x!qo>
}

// -----

!qp = !quant.uniform<i8:f32, 0.5>
func.func @dynamic_avg_pool(%x: tensor<?x1x4x4x!qp>) -> tensor<?x1x2x2x!qp> {
  // expected-error@+1 {{TOSA export needs static shapes}}
  %y = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x1x4x4x!qp> -> tensor<?x1x2x2x!qp>
  return %y : tensor<?x1x2x2x!qp>
}

// -----

// The leaky_relu's alpha rescale must be a TOSA multiplier (alpha >= 0).
!lr_in = !quant.uniform<i16:f32, 0.001>
!lr_out = !quant.uniform<i8:f32, 0.05>
func.func @leaky_relu_negative_alpha(%x: tensor<4x!lr_in>) -> tensor<4x!lr_out> {
  // expected-error@+1 {{requant-mode=tosa-double-round: merged scale -2.000000e-03 cannot be a TOSA rescale multiplier/shift}}
  %y = qnn.leaky_relu %x alpha -0.1 : (tensor<4x!lr_in>) -> tensor<4x!lr_out>
  return %y : tensor<4x!lr_out>
}

// -----

!lr_in = !quant.uniform<i16:f32, 0.001>
!lr_out = !quant.uniform<i8:f32, 0.05>
func.func @dynamic_leaky_relu(%x: tensor<?x!lr_in>) -> tensor<?x!lr_out> {
  // expected-error@+1 {{TOSA export needs static shapes}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<?x!lr_in>) -> tensor<?x!lr_out>
  return %y : tensor<?x!lr_out>
}
