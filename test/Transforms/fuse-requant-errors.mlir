// RUN: quant-opt %s --split-input-file --quant-fuse-requant="explain=true" --verify-diagnostics

// qnn.clamp ops quant-fuse-requant leaves in place, one per reason it
// gives (fuse-requant.mlir checks they stay).

!qa = !quant.uniform<u8:f32, 0.5:128>

func.func @block_argument(%a: tensor<4x!qa>) -> tensor<4x!qa> {
  // expected-remark@+1 {{qnn.clamp not folded into its producer: its input is not produced by a qnn op with an output range}}
  %r = qnn.clamp %a min 128 max 255 : tensor<4x!qa>
  return %r : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// The unclamped sum is also returned: narrowing it would clamp it too.
func.func @other_users(%a: tensor<4x!qa>) -> (tensor<4x!qa>, tensor<4x!qa>) {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{qnn.clamp not folded into its producer: the unclamped value has other users}}
  %r = qnn.clamp %y min 128 max 255 : tensor<4x!qa>
  return %y, %r : tensor<4x!qa>, tensor<4x!qa>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

func.func @returned(%a: tensor<4x!qa>) -> tensor<4x!qa> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{qnn.clamp not folded into its producer: 'func.return' uses the clamped value and needs its type unchanged}}
  %r = qnn.clamp %y min 128 max 255 : tensor<4x!qa>
  return %r : tensor<4x!qa>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// Clip(-5, -1): a range without the zero point is no valid !quant.uniform.
func.func @no_zero_point(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{qnn.clamp not folded into its producer: the range [118, 126] does not contain the zero point 128}}
  %r = qnn.clamp %y min 118 max 126 : tensor<4x!qa>
  %d = quant.dcast %r : tensor<4x!qa> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

func.func @empty_intersection(%a: tensor<4x!qa>) -> tensor<4xf32> {
  // expected-remark@+1 {{its input is not produced by a qnn op}}
  %r = qnn.clamp %a min 128 max 255 : tensor<4x!qa>
  // expected-remark@+1 {{qnn.clamp not folded into its producer: the two clamps have an empty intersection}}
  %s = qnn.clamp %r min 0 max 100 : tensor<4x!qa>
  %d = quant.dcast %s : tensor<4x!qa> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>

// The outer clamp cannot merge (empty intersection), so the inner one keeps
// its type for it.
func.func @clamp_user(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{qnn.clamp not folded into its producer: 'qnn.clamp' uses the clamped value and needs its type unchanged}}
  %r = qnn.clamp %y min 128 max 255 : tensor<4x!qa>
  // expected-remark@+1 {{the two clamps have an empty intersection}}
  %s = qnn.clamp %r min 0 max 100 : tensor<4x!qa>
  %d = quant.dcast %s : tensor<4x!qa> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qm = !quant.uniform<i8:f32, 0.25:0>
!qo = !quant.uniform<i8:f32, 0.5:1>

// The inner requantize halves the scale: it rounds and clamps (x * 2 leaves
// i8), so the chain is no single requantize.
func.func @chain_rounds(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %m = qnn.requantize %a : tensor<4x!qa> -> tensor<4x!qm>
  // expected-remark@+1 {{qnn.requantize not merged with its input: the inner qnn.requantize is no exact zero-point move: it changes the scale, so it rounds; not folded into its producer: it is no exact zero-point move (folding would round once where the chain rounds twice): it changes the scale, so it rounds}}
  %r = qnn.requantize %m : tensor<4x!qm> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i16:f32, 0.5:0>
!qm = !quant.uniform<i8:f32, 0.5:0>
!qo = !quant.uniform<i16:f32, 0.5:3>

// i16 narrowed to i8 at the same scale clamps: the outer requantize must
// see the clamped values. It folds into the inner one instead.
func.func @chain_clamps(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %m = qnn.requantize %a : tensor<4x!qa> -> tensor<4x!qm>
  %r = qnn.requantize %m : tensor<4x!qm> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qo = !quant.uniform<i8:f32, 0.25:0>

// A scale change after a matmul: the matmul rounds to 0.5, the requantize
// rounds again; one requantize to 0.25 would round once.
func.func @matmul_rescale(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qa>) -> tensor<2x3xf32> {
  %y = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qa>) -> tensor<2x3x!qa>
  // expected-remark@+1 {{not folded into its producer: it is no exact zero-point move (folding would round once where the chain rounds twice): it changes the scale, so it rounds}}
  %r = qnn.requantize %y : tensor<2x3x!qa> -> tensor<2x3x!qo>
  %d = quant.dcast %r : tensor<2x3x!qo> to tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qo = !quant.uniform<u8:f32, 0.5:128>

// qnn.add adds the output zero point to the float sum before rounding.
func.func @add_move(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %y = qnn.add %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{not folded into its producer: its input is not produced by qnn.matmul, qnn.conv2d, qnn.mul, qnn.avg_pool2d or qnn.requantize}}
  %r = qnn.requantize %y : tensor<4x!qa> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qo = !quant.uniform<u8:f32, 0.5:128>

func.func @move_other_users(%a: tensor<4x!qa>) -> (tensor<4x!qa>, tensor<4xf32>) {
  %y = qnn.mul %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{not folded into its producer: the producer's result has other users}}
  %r = qnn.requantize %y : tensor<4x!qa> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %y, %d : tensor<4x!qa>, tensor<4xf32>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:0>
!qo = !quant.uniform<i8:f32, 0.5:100>

// Moved to 100, i8 keeps [-28, 127]; the function returns the type.
func.func @move_narrowed_returned(%a: tensor<4x!qa>) -> tensor<4x!qo> {
  %y = qnn.mul %a, %a : (tensor<4x!qa>, tensor<4x!qa>) -> tensor<4x!qa>
  // expected-remark@+1 {{not folded into its producer: 'func.return' uses the requantized value and needs its type unchanged}}
  %r = qnn.requantize %y : tensor<4x!qa> -> tensor<4x!qo>
  return %r : tensor<4x!qo>
}

// -----

!qa = !quant.uniform<i32:f32, 0.5:0>
!qm = !quant.uniform<i32:f32, 0.5:5>
!qo = !quant.uniform<i8:f32, 0.5:0>

// A 32-bit centred value may reach 2^31, which float32 does not hold.
func.func @chain_wide(%a: tensor<4x!qa>) -> tensor<4xf32> {
  %m = qnn.requantize %a : tensor<4x!qa> -> tensor<4x!qm>
  // expected-remark@+1 {{the inner qnn.requantize is no exact zero-point move: its centred input may reach 2^21, beyond what float32 requantizes exactly}}
  %r = qnn.requantize %m : tensor<4x!qm> -> tensor<4x!qo>
  %d = quant.dcast %r : tensor<4x!qo> to tensor<4xf32>
  return %d : tensor<4xf32>
}
