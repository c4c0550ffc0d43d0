// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=fixedpoint --verify-diagnostics

// s_in / s_out overflows double: no Q31 multiplier/shift represents it.
func.func @fixedpoint_infinite_multiplier(%x: tensor<4x!quant.uniform<i8:f64, 1.0e300>>) -> tensor<4x!quant.uniform<i8:f64, 1.0e-300>> {
  // expected-error@+1 {{requant-mode=fixedpoint: merged scale INF: multiplier inf is not a finite value >= 0}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f64, 1.0e300>> -> tensor<4x!quant.uniform<i8:f64, 1.0e-300>>
  return %0 : tensor<4x!quant.uniform<i8:f64, 1.0e-300>>
}

// -----

// TFLite's add takes its output multiplier 2 max(sa, sb) / (2^20 sc) only
// below 1 (QuantizeMultiplierSmallerThanOneExp).
!qa = !quant.uniform<i8:f32, 1.0>
!qc = !quant.uniform<i8:f32, 1.0e-7>
func.func @add_output_multiplier_too_large(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4x!qc> {
  // expected-error@+1 {{requant-mode=fixedpoint: the integer add's output multiplier 2 max(s_lhs, s_rhs) / (2^20 s_result) = 1.907349e+01 must be below 1 (TFLite)}}
  %0 = qnn.add %a, %b : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qc>
  return %0 : tensor<4x!qc>
}

// -----

// A u16 input with zero point 0 reaches 65535, which does not fit int32
// shifted left by 20 (an 8-bit result).
!qa = !quant.uniform<u16:f32, 0.001>
!qc = !quant.uniform<u8:f32, 0.1>
func.func @sub_u16_narrow_result(%a: tensor<4x!qc>, %b: tensor<4x!qa>) -> tensor<4x!qc> {
  // expected-error@+1 {{requant-mode=fixedpoint: rhs values up to 65535 from the zero point do not fit int32 once shifted left by 20}}
  %0 = qnn.sub %a, %b : (tensor<4x!qc>, tensor<4x!qa>) -> tensor<4x!qc>
  return %0 : tensor<4x!qc>
}

// -----

// TFLite's LeakyRelu multiplies by alpha * s_in / s_out as a Q31 multiplier:
// not a negative one.
!lr_in = !quant.uniform<i16:f32, 0.001>
!lr_out = !quant.uniform<i8:f32, 0.05>
func.func @leaky_relu_negative_alpha(%x: tensor<4x!lr_in>) -> tensor<4x!lr_out> {
  // expected-error@+1 {{requant-mode=fixedpoint: merged scale -2.000000e-03: multiplier -0.002 is not a finite value >= 0}}
  %0 = qnn.leaky_relu %x alpha -0.1 : (tensor<4x!lr_in>) -> tensor<4x!lr_out>
  return %0 : tensor<4x!lr_out>
}

// -----

// A split K sums its chunks in i64; gemmlowp's multiply takes int32.
!qa = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @split_k(%x: tensor<2x8x!qa>, %w: tensor<8x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{requant-mode=fixedpoint: K = 8 is split (accumulator_chunk) and summed in i64, but gemmlowp's MultiplyByQuantizedMultiplier takes an int32 accumulator}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group(%x: tensor<2x8x!qa>, %w: tensor<8x1x!qg>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{requant-mode=fixedpoint: per-group weights are scaled per group in f32 (docs/Numerics.md); only requant-mode=fp32 lowers them}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x1x!qg>) -> tensor<2x1x!qo>
  return %0 : tensor<2x1x!qo>
}

// -----

// A per-axis operand: TFLite's add formula per channel, each channel's
// output multiplier below 1 (channel 1's is not).
!pa_a = !quant.uniform<i8:f32:1, {1.0e-9, 1.0}>
!pa_c = !quant.uniform<i8:f32, 1.0e-7>
func.func @per_axis_add_output_multiplier_too_large(%a: tensor<3x2x!pa_a>, %b: tensor<2x!pa_c>) -> tensor<3x2x!pa_c> {
  // expected-error@+1 {{requant-mode=fixedpoint: the integer add's output multiplier 2 max(s_lhs, s_rhs) / (2^20 s_result) = 1.907349e+01 must be below 1 (TFLite) (channel 1)}}
  %0 = qnn.add %a, %b : (tensor<3x2x!pa_a>, tensor<2x!pa_c>) -> tensor<3x2x!pa_c>
  return %0 : tensor<3x2x!pa_c>
}
