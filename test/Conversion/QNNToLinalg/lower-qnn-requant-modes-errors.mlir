// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=tosa-double-round --verify-diagnostics
// RUN: not quant-opt %s --quant-lower-qnn=requant-mode=bogus 2>&1 | FileCheck %s --check-prefix=BOGUS

// An option value that names no mode is an error, not fp32.
// BOGUS: error: unknown requant-mode 'bogus'; expected fp32, fixedpoint, tosa-double-round or tosa-single-round

// TOSA's shift is at least 2: a merged scale >= 2^29 has no multiplier/shift.
func.func @tosa_scale_too_large(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-9>> {
  // expected-error@+1 {{requant-mode=tosa-double-round: merged scale 1.000000e+09 cannot be a TOSA rescale multiplier/shift (multiplier 1e+09 needs a TOSA shift of 1, below the minimum 2)}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 1.0>> -> tensor<4x!quant.uniform<i8:f32, 1.0e-9>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0e-9>>
}

// -----

// The same check on a contraction's merged scale.
!qa = !quant.uniform<i8:f32, 1.0>
!qw = !quant.uniform<i8:f32, 1.0>
!qo = !quant.uniform<i8:f32, 1.0e-9>
func.func @tosa_matmul_scale_too_large(%a: tensor<2x3x!qa>, %w: tensor<3x2x!qw>) -> tensor<2x2x!qo> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %0 = qnn.matmul %a, %w : (tensor<2x3x!qa>, tensor<3x2x!qw>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}

// -----

// q - zp of a 32-bit input may not fit int32; TFLite and TOSA require a
// signed input at zero point 0 there.
func.func @i32_input_zero_point(%x: tensor<4x!quant.uniform<i32:f32, 0.5:7>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error@+1 {{requant-mode=tosa-double-round needs a 32-bit input to be signed with zero point 0 (q - zp may not fit int32)}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.5:7>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @u32_input(%x: tensor<4x!quant.uniform<u32:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error@+1 {{requant-mode=tosa-double-round needs a 32-bit input to be signed with zero point 0}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<u32:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

// The IR and the option must not disagree on the numerics.
// expected-error@+1 {{requant-mode=tosa-double-round contradicts the module's qnn.requant_mode = #qnn.requant_mode<fixedpoint>}}
module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
  func.func @f() {
    return
  }
}
