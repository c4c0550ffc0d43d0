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

// -----

// The integer add shifts its centred inputs left by 20 for an 8-bit result
// (TFLite, TOSA's legalization): 16-bit inputs need a 16-bit result.
!add_q16 = !quant.uniform<i16:f32, 0.001>
!add_q8 = !quant.uniform<i8:f32, 0.1>
func.func @add_wide_inputs_narrow_result(%a: tensor<4x!add_q16>, %b: tensor<4x!add_q16>) -> tensor<4x!add_q8> {
  // expected-error@+1 {{requant-mode=tosa-double-round: lhs values up to 32768 from the zero point do not fit int32 once shifted left by 20 (the input shift of a 8-bit integer add); use a 16-bit result or the fp32 mode}}
  %0 = qnn.add %a, %b : (tensor<4x!add_q16>, tensor<4x!add_q16>) -> tensor<4x!add_q8>
  return %0 : tensor<4x!add_q8>
}

// -----

// The add's output rescale 2 max(sa, sb) / (2^20 sc) as a TOSA multiplier.
!add_qa = !quant.uniform<i8:f32, 1.0e6>
!add_qc = !quant.uniform<i8:f32, 1.0e-9>
func.func @tosa_add_scale_too_large(%a: tensor<4x!add_qa>, %b: tensor<4x!add_qa>) -> tensor<4x!add_qc> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %0 = qnn.sub %a, %b : (tensor<4x!add_qa>, tensor<4x!add_qa>) -> tensor<4x!add_qc>
  return %0 : tensor<4x!add_qc>
}

// -----

// An average pool whose scales differ averages, then requantizes: the same
// check on s_in / s_out.
!pool_qi = !quant.uniform<i8:f32, 1.0>
!pool_qo = !quant.uniform<i8:f32, 1.0e-9>
func.func @tosa_avg_pool_scale_too_large(%x: tensor<1x1x4x4x!pool_qi>) -> tensor<1x1x2x2x!pool_qo> {
  // expected-error@+1 {{cannot be a TOSA rescale multiplier/shift}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x1x4x4x!pool_qi> -> tensor<1x1x2x2x!pool_qo>
  return %0 : tensor<1x1x2x2x!pool_qo>
}

// -----

// TOSA's leaky_relu rescales by alpha * s_in / s_out: a negative alpha has
// no TOSA multiplier.
!lr_in = !quant.uniform<i16:f32, 0.001>
!lr_out = !quant.uniform<i8:f32, 0.05>
func.func @tosa_leaky_relu_negative_alpha(%x: tensor<4x!lr_in>) -> tensor<4x!lr_out> {
  // expected-error@+1 {{requant-mode=tosa-double-round: merged scale -2.000000e-03 cannot be a TOSA rescale multiplier/shift (multiplier -0.002 is not a finite value >= 0)}}
  %0 = qnn.leaky_relu %x alpha -0.1 : (tensor<4x!lr_in>) -> tensor<4x!lr_out>
  return %0 : tensor<4x!lr_out>
}

// -----

// Per-axis add/sub operands rescale per channel: each channel's output
// rescale 2 max(sa[c], sb) / (2^20 sc) must be a TOSA multiplier.
!pa_a = !quant.uniform<i8:f32:0, {0.5, 1.0e6}>
!pa_c = !quant.uniform<i8:f32, 1.0e-9>
func.func @per_axis_add_scale_too_large(%a: tensor<2x!pa_a>, %b: tensor<2x!pa_c>) -> tensor<2x!pa_c> {
  // expected-error@+1 {{requant-mode=tosa-double-round: merged scale 1.907349e+09 cannot be a TOSA rescale multiplier/shift}}
  %0 = qnn.add %a, %b : (tensor<2x!pa_a>, tensor<2x!pa_c>) -> tensor<2x!pa_c>
  return %0 : tensor<2x!pa_c>
}

// -----

func.func @per_group_tosa(%x: tensor<2x8x!quant.uniform<i8:f32, 0.5>>, %w: tensor<8x1x!quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0:5>> {
  // expected-error@+1 {{requant-mode=tosa-double-round: per-group weights are scaled per group in f32 (docs/Numerics.md); only requant-mode=fp32 lowers them}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x1x!quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>>) -> tensor<2x1x!quant.uniform<i8:f32, 1.0:5>>
  return %0 : tensor<2x1x!quant.uniform<i8:f32, 1.0:5>>
}
