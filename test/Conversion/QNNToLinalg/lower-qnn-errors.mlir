// RUN: quant-opt %s --split-input-file --quant-lower-qnn --verify-diagnostics

// An op quant-lower-qnn has no integer form for is named, not dropped.
func.func @unsupported_op(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'tosa.reverse' on quantized types has no integer lowering in quant-lower-qnn; fold it into a qnn op or keep it in float between quant.dcast and quant.qcast}}
  %0 = tosa.reverse %x {axis = 0 : i32} : (tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Layout ops on per-axis types run on stored integers only where the
// result's type is the one the axis and channels take through the op
// (upstream's verifiers keep the element type, so the channels must not
// move): a slice along the quantized axis would slice the scales.
func.func @per_axis_slice_along_axis(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> {
  // expected-error@+1 {{'tensor.extract_slice' on quantized types has no integer lowering in quant-lower-qnn; fold it into a qnn op or keep it in float between quant.dcast and quant.qcast (its per-axis operand gives a result of !quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01}>, not !quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01}>)}}
  %0 = tensor.extract_slice %x[0, 1] [2, 2] [1, 1] : tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> to tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
}

// -----

// A reshape that merges the quantized axis with another dimension.
func.func @per_axis_flatten(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>) -> tensor<6x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> {
  %s = tosa.const_shape {values = dense<[6]> : tensor<1xindex>} : () -> !tosa.shape<1>
  // expected-error@+1 {{(the reshape merges or splits the quantized axis 1 (size 3): no result dimension holds its channels whole)}}
  %0 = tosa.reshape %x, %s : (tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>, !tosa.shape<1>) -> tensor<6x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  return %0 : tensor<6x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
}

// -----

// Upstream accepts a NaN scale; quantizing with it would produce garbage.
func.func @nan_scale(%x: tensor<4xf32>) {
  // expected-error@+1 {{quantized type scale nan must be finite and positive}}
  %0 = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0x7FF8000000000000>>
  return
}

// -----

func.func @zero_point_out_of_range(%q: tensor<4x!quant.uniform<u8:f32, 0.5:300>>) -> tensor<4xf32> {
  // expected-error@+1 {{quantized type zero point 300 is outside the storage range [0, 255]}}
  %0 = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.5:300>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @not_uniform(%q: tensor<4x!quant.any<i8:f32>>) -> tensor<4xf32> {
  // expected-error@+1 {{only !quant.uniform types are lowered, got 'tensor<4x!quant.any<i8:f32>>'}}
  %0 = quant.dcast %q : tensor<4x!quant.any<i8:f32>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}
