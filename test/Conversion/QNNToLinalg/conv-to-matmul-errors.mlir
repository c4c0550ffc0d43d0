// RUN: quant-opt %s --split-input-file --quant-conv-to-matmul --quant-lower-qnn=requant-mode=tosa-double-round --verify-diagnostics

// quant-conv-to-matmul has no diagnostics of its own: what it cannot
// rewrite it leaves to quant-lower-qnn. A conv it rewrites keeps its
// location, so the lowering's diagnostics on the matmul still point at the
// conv the user wrote (the same check as in
// lower-qnn-requant-modes-errors.mlir).
!qa = !quant.uniform<i8:f32, 1.0>
!qw = !quant.uniform<i8<-127:127>:f32, 1.0>
!qo = !quant.uniform<i8:f32, 1.0e-9>
func.func @tosa_conv_scale_too_large(%x: tensor<1x2x4x4x!qa>) -> tensor<1x3x4x4x!qo> {
  %wi = arith.constant dense<1> : tensor<3x2x3x3xi8>
  %w = quant.scast %wi : tensor<3x2x3x3xi8> to tensor<3x2x3x3x!qw>
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] groups 1 : (tensor<1x2x4x4x!qa>, tensor<3x2x3x3x!qw>) -> tensor<1x3x4x4x!qo>
  return %y : tensor<1x3x4x4x!qo>
}

// -----

// Left alone (grouped, runtime weights), the same diagnostic comes from
// the generic conv lowering.
!qa = !quant.uniform<i8:f32, 1.0>
!qw = !quant.uniform<i8<-127:127>:f32, 1.0>
!qo = !quant.uniform<i8:f32, 1.0e-9>
func.func @tosa_grouped_scale_too_large(%x: tensor<1x2x4x4x!qa>, %w: tensor<2x1x3x3x!qw>) -> tensor<1x2x4x4x!qo> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] groups 2 : (tensor<1x2x4x4x!qa>, tensor<2x1x3x3x!qw>) -> tensor<1x2x4x4x!qo>
  return %y : tensor<1x2x4x4x!qo>
}
