// RUN: quant-opt %s --split-input-file --quant-lower-qnn --verify-diagnostics

// An op quant-lower-qnn has no integer form for is named, not dropped.
func.func @unsupported_op(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.5>> {
  %s = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  // expected-error@+1 {{'tosa.reshape' on quantized types has no integer lowering in quant-lower-qnn; fold it into a qnn op or keep it in float between quant.dcast and quant.qcast}}
  %0 = tosa.reshape %x, %s : (tensor<2x3x!quant.uniform<i8:f32, 0.5>>, !tosa.shape<2>) -> tensor<3x2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<3x2x!quant.uniform<i8:f32, 0.5>>
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
