// RUN: quant-opt %s --split-input-file --quant-fold-qdq="explain=true" --verify-diagnostics

// Elementwise candidates quant-fold-qdq leaves in QDQ form, one per reason
// it gives (fold-qdq-elementwise.mlir checks they stay unchanged).

!qa = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 1.0:127>

func.func @float_operand(%a: tensor<4x!qa>, %f: tensor<4xf32>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %s = tosa.add %ad, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.add: the add rhs is not dequantized (directly or through a rank-aligning tosa.reshape)}}
  %q = quant.qcast %s : tensor<4xf32> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 1.0:127>

// A reshape that moves elements is no rank alignment.
func.func @reshape_not_alignment(%a: tensor<4x!qa>, %b: tensor<2x2x!qa>) -> tensor<2x2x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %bd = quant.dcast %b : tensor<2x2x!qa> to tensor<2x2xf32>
  %shape = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %a2 = tosa.reshape %ad, %shape : (tensor<4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  %s = tosa.sub %a2, %bd : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark@+1 {{not folded into qnn.sub: the sub lhs is not dequantized (directly or through a rank-aligning tosa.reshape)}}
  %q = quant.qcast %s : tensor<2x2xf32> to tensor<2x2x!qo>
  return %q : tensor<2x2x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 1.0:127>

func.func @mul_shift(%a: tensor<4x!qa>, %b: tensor<4x!qa>, %shift: tensor<1xi8>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %bd = quant.dcast %b : tensor<4x!qa> to tensor<4xf32>
  %m = tosa.mul %ad, %bd, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.mul: the tosa.mul shift is not constant 0}}
  %q = quant.qcast %m : tensor<4xf32> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!pa = !quant.uniform<u8:f32:0, {0.5:128, 0.25:128, 0.5:128, 0.25:128}>
!po = !quant.uniform<u8:f32:0, {1.0:127, 1.0:127, 1.0:127, 1.0:127}>

// What the verifier rejects is explained with its message.
func.func @per_axis_result(%a: tensor<4x!qa>, %b: tensor<4x!pa>) -> tensor<4x!po> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %bd = quant.dcast %b : tensor<4x!pa> to tensor<4xf32>
  %s = tosa.add %ad, %bd : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.add: result must be a tensor of per-tensor !quant.uniform}}
  %q = quant.qcast %s : tensor<4xf32> to tensor<4x!po>
  return %q : tensor<4x!po>
}

// -----

!qa = !quant.uniform<u16:f32, 0.5:0>
!qo = !quant.uniform<u8:f32, 1.0:127>

func.func @mul_overflow(%a: tensor<4x!qa>, %b: tensor<4x!qa>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf32>
  %bd = quant.dcast %b : tensor<4x!qa> to tensor<4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %ad, %bd, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.mul: i32 accumulator can overflow}}
  %q = quant.qcast %m : tensor<4xf32> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!q16 = !quant.uniform<i16:f16, 0.5:0>
!qo = !quant.uniform<u8:f16, 0.25:100>

// A ReLU that requantizes from 16 bits becomes qnn.requantize + qnn.clamp,
// whose fp32 requantize is float32 arithmetic: not from f16.
func.func @clamp_requantizes_wide_f16(%a: tensor<4x!q16>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!q16> to tensor<4xf16>
  %r = tosa.clamp %ad {min_val = 0.0 : f16, max_val = 6.0 : f16} : (tensor<4xf16>) -> tensor<4xf16>
  // expected-remark@+1 {{not folded into qnn.requantize + qnn.clamp: the input or output is not per-tensor f32 !quant.uniform}}
  %q = quant.qcast %r : tensor<4xf16> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<u8:f16, 0.5:128>
!qo = !quant.uniform<u8:f16, 0.25:100>

func.func @clamp_requantizes_f16(%a: tensor<4x!qa>) -> tensor<4x!qo> {
  %ad = quant.dcast %a : tensor<4x!qa> to tensor<4xf16>
  %r = tosa.clamp %ad {min_val = 0.0 : f16, max_val = 6.0 : f16} : (tensor<4xf16>) -> tensor<4xf16>
  // expected-remark@+1 {{not folded into qnn.clamp: the requantizing clamp is not computed in f32}}
  %q = quant.qcast %r : tensor<4xf16> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// The producer of the clamp input is no foldable op.
func.func @clamp_float_input(%x: tensor<4xf32>) -> tensor<4x!qa> {
  %e = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %r = tosa.clamp %e {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.clamp: the clamp input is not dequantized}}
  %q = quant.qcast %r : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!pa = !quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>

func.func @clamp_per_axis(%a: tensor<2x!pa>) -> tensor<2x!pa> {
  %ad = quant.dcast %a : tensor<2x!pa> to tensor<2xf32>
  %r = tosa.clamp %ad {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  // expected-remark@+1 {{not folded into qnn.clamp: the clamp is not on a per-tensor !quant.uniform tensor}}
  %q = quant.qcast %r : tensor<2xf32> to tensor<2x!pa>
  return %q : tensor<2x!pa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>

// x >= 0 ? alpha * x : x is no LeakyRelu.
func.func @select_not_leaky(%x: tensor<4x!qa>) -> tensor<4x!qa> {
  %xd = quant.dcast %x : tensor<4x!qa> to tensor<4xf32>
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1xf32>} : () -> tensor<1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %xd, %alpha, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %p = tosa.greater_equal %xd, %zero : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi1>
  %y = tosa.select %p, %s, %xd : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.lookup: the select is not a LeakyRelu (x >= 0 ? x : alpha * x)}}
  %q = quant.qcast %y : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>

func.func @leaky_float_input(%x: tensor<4xf32>) -> tensor<4x!qa> {
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1xf32>} : () -> tensor<1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %x, %alpha, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %p = tosa.greater_equal %x, %zero : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi1>
  %y = tosa.select %p, %x, %s : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.lookup: the LeakyRelu input is not dequantized}}
  %q = quant.qcast %y : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!pa = !quant.uniform<i8:f32:0, {0.5, 0.25, 0.5, 0.25}>
!qa = !quant.uniform<i8:f32, 0.5:0>

func.func @leaky_per_axis(%x: tensor<4x!pa>) -> tensor<4x!qa> {
  %xd = quant.dcast %x : tensor<4x!pa> to tensor<4xf32>
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1xf32>} : () -> tensor<1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %xd, %alpha, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %p = tosa.greater_equal %xd, %zero : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi1>
  %y = tosa.select %p, %xd, %s : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.lookup: the LeakyRelu input or output is not per-tensor !quant.uniform}}
  %q = quant.qcast %y : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!q32 = !quant.uniform<i32:f32, 0.5:0>
!qa = !quant.uniform<i8:f32, 0.5:0>

// 9 to 16 bits become qnn.leaky_relu; wider ones stay.
func.func @leaky_wide(%x: tensor<4x!q32>) -> tensor<4x!qa> {
  %xd = quant.dcast %x : tensor<4x!q32> to tensor<4xf32>
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1xf32>} : () -> tensor<1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %xd, %alpha, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %p = tosa.greater_equal %xd, %zero : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi1>
  %y = tosa.select %p, %xd, %s : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-remark@+1 {{not folded into qnn.lookup: the LeakyRelu input storage is wider than 8 bits (no table)}}
  %q = quant.qcast %y : tensor<4xf32> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<i8:f16, 0.5:0>

func.func @leaky_f16(%x: tensor<4x!qa>) -> tensor<4x!qa> {
  %xd = quant.dcast %x : tensor<4x!qa> to tensor<4xf16>
  %alpha = "tosa.const"() {values = dense<0.1> : tensor<1xf16>} : () -> tensor<1xf16>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf16>} : () -> tensor<1xf16>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s = tosa.mul %xd, %alpha, %shift : (tensor<4xf16>, tensor<1xf16>, tensor<1xi8>) -> tensor<4xf16>
  %p = tosa.greater_equal %xd, %zero : (tensor<4xf16>, tensor<1xf16>) -> tensor<4xi1>
  %y = tosa.select %p, %xd, %s : (tensor<4xi1>, tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  // expected-remark@+1 {{not folded into qnn.lookup: the LeakyRelu is not computed in f32}}
  %q = quant.qcast %y : tensor<4xf16> to tensor<4x!qa>
  return %q : tensor<4x!qa>
}
