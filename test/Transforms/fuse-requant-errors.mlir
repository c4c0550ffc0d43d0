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
