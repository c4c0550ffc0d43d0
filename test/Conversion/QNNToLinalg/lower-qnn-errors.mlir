// RUN: quant-opt %s --split-input-file --quant-lower-qnn --verify-diagnostics

// An op quant-lower-qnn has no integer form for is named, not dropped.
func.func @unsupported_op(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'tosa.reverse' on quantized types has no integer lowering in quant-lower-qnn; fold it into a qnn op or keep it in float between quant.dcast and quant.qcast}}
  %0 = tosa.reverse %x {axis = 0 : i32} : (tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Layout ops run on stored integers only for one per-tensor type: a
// layout op can move or cut a quantized axis.
func.func @per_axis_slice(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>) -> tensor<1x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> {
  // expected-error@+1 {{'tensor.extract_slice' on quantized types has no integer lowering in quant-lower-qnn; fold it into a qnn op or keep it in float between quant.dcast and quant.qcast}}
  %0 = tensor.extract_slice %x[1, 0] [1, 3] [1, 1] : tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> to tensor<1x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  return %0 : tensor<1x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
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
