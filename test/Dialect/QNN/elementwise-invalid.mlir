// RUN: quant-opt %s --split-input-file --verify-diagnostics

// One case per diagnostic of qnn.add / qnn.sub / qnn.mul (they share one
// verifier; each case names the op it uses).

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @float_lhs(%a: tensor<4xf32>, %b: tensor<4x!u8>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.add' op lhs must be a tensor of !quant.uniform, got 'tensor<4xf32>'}}
  %y = qnn.add %a, %b : (tensor<4xf32>, tensor<4x!u8>) -> tensor<4x!u8>
  return %y : tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!pa = !quant.uniform<u8:f32:1, {0.5:128, 0.25:128}>

// A per-axis operand may not be broadcast along its axis.
func.func @per_axis_rhs_broadcast_axis(%a: tensor<2x2x!u8>, %b: tensor<2x1x!pa>) -> tensor<2x2x!u8> {
  // expected-error@+1 {{'qnn.sub' op rhs is quantized along dimension 1 with 2 scales: that dimension must be static, of that size and not broadcast (result dimension 1 has size 2)}}
  %y = qnn.sub %a, %b : (tensor<2x2x!u8>, tensor<2x1x!pa>) -> tensor<2x2x!u8>
  return %y : tensor<2x2x!u8>
}

// -----

!pa0 = !quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>
!pa1 = !quant.uniform<u8:f32:1, {0.5:128, 0.25:128}>
!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @per_axis_two_dims(%a: tensor<2x2x!pa0>, %b: tensor<2x2x!pa1>) -> tensor<2x2x!u8> {
  // expected-error@+1 {{'qnn.add' op lhs and rhs are quantized along different result dimensions (0 and 1)}}
  %y = qnn.add %a, %b : (tensor<2x2x!pa0>, tensor<2x2x!pa1>) -> tensor<2x2x!u8>
  return %y : tensor<2x2x!u8>
}

// -----

!pa = !quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>
!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @per_axis_result(%a: tensor<2x!u8>, %b: tensor<2x!u8>) -> tensor<2x!pa> {
  // expected-error@+1 {{'qnn.add' op result must be a tensor of per-tensor !quant.uniform}}
  %y = qnn.add %a, %b : (tensor<2x!u8>, tensor<2x!u8>) -> tensor<2x!pa>
  return %y : tensor<2x!pa>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @float_result(%a: tensor<4x!u8>, %b: tensor<4x!u8>) -> tensor<4xf32> {
  // expected-error@+1 {{'qnn.mul' op result must be a tensor of per-tensor !quant.uniform, got 'tensor<4xf32>'}}
  %y = qnn.mul %a, %b : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!h = !quant.uniform<u8:f16, 0.5:128>

func.func @expressed_types(%a: tensor<4x!u8>, %b: tensor<4x!h>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.add' op operands and result must share one expressed type, got 'f32', 'f16' and 'f32'}}
  %y = qnn.add %a, %b : (tensor<4x!u8>, tensor<4x!h>) -> tensor<4x!u8>
  return %y : tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!i32 = !quant.uniform<i32:f32, 0.5:0>

func.func @wide_storage(%a: tensor<4x!i32>, %b: tensor<4x!u8>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.add' op lhs storage must be at most 16 bits, got 'i32'}}
  %y = qnn.add %a, %b : (tensor<4x!i32>, tensor<4x!u8>) -> tensor<4x!u8>
  return %y : tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>
!u16 = !quant.uniform<u16:f32, 0.5:0>

func.func @mul_product_overflow(%a: tensor<4x!u16>, %b: tensor<4x!u16>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.mul' op i32 accumulator can overflow: K = 1 products of up to 65535 * 65535 reach 4294836225 > 2147483647}}
  %y = qnn.mul %a, %b : (tensor<4x!u16>, tensor<4x!u16>) -> tensor<4x!u8>
  return %y : tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @operand_rank(%a: tensor<2x4x!u8>, %b: tensor<4x!u8>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.add' op lhs has rank 2, above the result's 1}}
  %y = qnn.add %a, %b : (tensor<2x4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return %y : tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @no_broadcast(%a: tensor<2x4x!u8>, %b: tensor<3x!u8>) -> tensor<2x4x!u8> {
  // expected-error@+1 {{'qnn.add' op rhs 'tensor<3x!quant.uniform<u8:f32, 5.000000e-01:128>>' does not broadcast to the result 'tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>' (dimension 0)}}
  %y = qnn.add %a, %b : (tensor<2x4x!u8>, tensor<3x!u8>) -> tensor<2x4x!u8>
  return %y : tensor<2x4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

// A dynamic size might be 1 at run time: broadcasting it is not supported.
func.func @dynamic_broadcast(%a: tensor<?x4x!u8>, %b: tensor<3x4x!u8>) -> tensor<3x4x!u8> {
  // expected-error@+1 {{'qnn.mul' op lhs 'tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:128>>' does not broadcast to the result 'tensor<3x4x!quant.uniform<u8:f32, 5.000000e-01:128>>' (dimension 0)}}
  %y = qnn.mul %a, %b : (tensor<?x4x!u8>, tensor<3x4x!u8>) -> tensor<3x4x!u8>
  return %y : tensor<3x4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @result_too_large(%a: tensor<1x4x!u8>, %b: tensor<4x!u8>) -> tensor<3x4x!u8> {
  // expected-error@+1 {{'qnn.sub' op result dimension 0 must be 1 (the broadcast of the operands), got 3}}
  %y = qnn.sub %a, %b : (tensor<1x4x!u8>, tensor<4x!u8>) -> tensor<3x4x!u8>
  return %y : tensor<3x4x!u8>
}

// -----

!pa = !quant.uniform<u8:f32:0, {0.5:128, 0.25:128}>

func.func @clamp_per_axis(%a: tensor<2x!pa>) -> tensor<2x!pa> {
  // expected-error@+1 {{'qnn.clamp' op input must be a tensor of per-tensor !quant.uniform, got 'tensor<2x!quant.uniform<u8:f32:0, {5.000000e-01:128,2.500000e-01:128}>>'}}
  %r = qnn.clamp %a min 0 max 255 : tensor<2x!pa>
  return %r : tensor<2x!pa>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @clamp_min_above_max(%a: tensor<4x!u8>) -> tensor<4x!u8> {
  // expected-error@+1 {{'qnn.clamp' op min 200 is above max 100}}
  %r = qnn.clamp %a min 200 max 100 : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!i8 = !quant.uniform<i8<-127:127>:f32, 0.5>

func.func @clamp_outside_storage(%a: tensor<4x!i8>) -> tensor<4x!i8> {
  // expected-error@+1 {{'qnn.clamp' op [-128, 0] is outside the storage range [-127, 127]}}
  %r = qnn.clamp %a min -128 max 0 : tensor<4x!i8>
  return %r : tensor<4x!i8>
}

// -----

!pa = !quant.uniform<i4:f32:0, {0.5, 0.25}>
!i8 = !quant.uniform<i8:f32, 0.5>

func.func @lookup_per_axis_input(%a: tensor<2x!pa>) -> tensor<2x!i8> {
  // expected-error@+1 {{'qnn.lookup' op input must be a tensor of per-tensor !quant.uniform}}
  %y = qnn.lookup %a table dense<0> : tensor<16xi64> : (tensor<2x!pa>) -> tensor<2x!i8>
  return %y : tensor<2x!i8>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5>

func.func @lookup_float_result(%a: tensor<2x!i4>) -> tensor<2xf32> {
  // expected-error@+1 {{'qnn.lookup' op result must be a tensor of per-tensor !quant.uniform, got 'tensor<2xf32>'}}
  %y = qnn.lookup %a table dense<0> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

!i16 = !quant.uniform<i16:f32, 0.5>
!i8 = !quant.uniform<i8:f32, 0.5>

func.func @lookup_wide_input(%a: tensor<2x!i16>) -> tensor<2x!i8> {
  // expected-error@+1 {{'qnn.lookup' op input storage must be at most 8 bits (one table entry per stored value), got 'i16'}}
  %y = qnn.lookup %a table dense<0> : tensor<65536xi64> : (tensor<2x!i16>) -> tensor<2x!i8>
  return %y : tensor<2x!i8>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5>
!i8 = !quant.uniform<i8:f32, 0.5>

func.func @lookup_shape(%a: tensor<2x!i4>) -> tensor<3x!i8> {
  // expected-error@+1 {{'qnn.lookup' op input and result shapes differ}}
  %y = qnn.lookup %a table dense<0> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<3x!i8>
  return %y : tensor<3x!i8>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5>
!h8 = !quant.uniform<i8:f16, 0.5>

func.func @lookup_expressed(%a: tensor<2x!i4>) -> tensor<2x!h8> {
  // expected-error@+1 {{'qnn.lookup' op input and result expressed types differ: 'f32' vs 'f16'}}
  %y = qnn.lookup %a table dense<0> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<2x!h8>
  return %y : tensor<2x!h8>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5>
!i8 = !quant.uniform<i8:f32, 0.5>

func.func @lookup_table_size(%a: tensor<2x!i4>) -> tensor<2x!i8> {
  // expected-error@+1 {{'qnn.lookup' op table must have one entry per stored input value (16), got 'tensor<15xi64>'}}
  %y = qnn.lookup %a table dense<0> : tensor<15xi64> : (tensor<2x!i4>) -> tensor<2x!i8>
  return %y : tensor<2x!i8>
}

// -----

!i4 = !quant.uniform<i4:f32, 0.5>
!u8 = !quant.uniform<u8:f32, 0.5:128>

func.func @lookup_table_range(%a: tensor<2x!i4>) -> tensor<2x!u8> {
  // expected-error@+1 {{'qnn.lookup' op table entry 0 (-1) is outside the result storage range [0, 255]}}
  %y = qnn.lookup %a table dense<[-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi64> : (tensor<2x!i4>) -> tensor<2x!u8>
  return %y : tensor<2x!u8>
}

// -----

!lr_pa = !quant.uniform<i16:f32:0, {0.1, 0.2}>
!lr_i8 = !quant.uniform<i8:f32, 0.5>
func.func @leaky_relu_per_axis(%x: tensor<2x!lr_pa>) -> tensor<2x!lr_i8> {
  // expected-error@+1 {{'qnn.leaky_relu' op input must be a tensor of per-tensor f32 !quant.uniform}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<2x!lr_pa>) -> tensor<2x!lr_i8>
  return %y : tensor<2x!lr_i8>
}

// -----

!lr_i8 = !quant.uniform<i8:f32, 0.5>
!lr_f16 = !quant.uniform<i8:f16, 0.5>
func.func @leaky_relu_f16_result(%x: tensor<2x!lr_i8>) -> tensor<2x!lr_f16> {
  // expected-error@+1 {{'qnn.leaky_relu' op result must be a tensor of per-tensor f32 !quant.uniform}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<2x!lr_i8>) -> tensor<2x!lr_f16>
  return %y : tensor<2x!lr_f16>
}

// -----

!lr_bad = !quant.uniform<i8<-127:127>:f32, 0.5:-128>
!lr_i8 = !quant.uniform<i8:f32, 0.5>
func.func @leaky_relu_zero_point(%x: tensor<2x!lr_bad>) -> tensor<2x!lr_i8> {
  // expected-error@+1 {{'qnn.leaky_relu' op input zero point}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<2x!lr_bad>) -> tensor<2x!lr_i8>
  return %y : tensor<2x!lr_i8>
}

// -----

!lr_i32 = !quant.uniform<i32:f32, 0.5>
!lr_i8 = !quant.uniform<i8:f32, 0.5>
func.func @leaky_relu_wide(%x: tensor<2x!lr_i32>) -> tensor<2x!lr_i8> {
  // expected-error@+1 {{'qnn.leaky_relu' op input storage must be at most 16 bits, got 'i32'}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<2x!lr_i32>) -> tensor<2x!lr_i8>
  return %y : tensor<2x!lr_i8>
}

// -----

!lr_i16 = !quant.uniform<i16:f32, 0.5>
!lr_i8 = !quant.uniform<i8:f32, 0.5>
func.func @leaky_relu_shapes(%x: tensor<2x!lr_i16>) -> tensor<3x!lr_i8> {
  // expected-error@+1 {{'qnn.leaky_relu' op input and result shapes differ}}
  %y = qnn.leaky_relu %x alpha 0.1 : (tensor<2x!lr_i16>) -> tensor<3x!lr_i8>
  return %y : tensor<3x!lr_i8>
}

// -----

!lr_i16 = !quant.uniform<i16:f32, 0.5>
!lr_i8 = !quant.uniform<i8:f32, 0.5>
func.func @leaky_relu_alpha(%x: tensor<2x!lr_i16>) -> tensor<2x!lr_i8> {
  // expected-error@+1 {{'qnn.leaky_relu' op alpha must be finite, got INF}}
  %y = qnn.leaky_relu %x alpha 0x7F800000 : (tensor<2x!lr_i16>) -> tensor<2x!lr_i8>
  return %y : tensor<2x!lr_i8>
}
