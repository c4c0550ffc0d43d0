// RUN: quant-opt %s --split-input-file --quant-fold-qdq="explain=true" --verify-diagnostics

// Every reason quant-fold-qdq gives for leaving a candidate in QDQ form
// (remarks, with explain=true), and its one error.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @tosa_zero_points(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>, %zp: tensor<1xf32>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: tosa.matmul zero points are not constant 0.0}}
  %yq = quant.qcast %mm : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @linalg_nonzero_init(%xq: tensor<2x4x!qa>, %wq: tensor<4x3x!qw>, %init: tensor<2x3xf32>) -> tensor<2x3x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: linalg.matmul accumulates into a value that is not zero}}
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @linalg_transposed(%xq: tensor<2x4x!qa>, %wq: tensor<3x4x!qw>) -> tensor<2x3x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<3x4x!qw> to tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%xd, %wd : tensor<2x4xf32>, tensor<3x4xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: linalg.matmul with user-defined indexing maps}}
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @input_not_dequantized(%x: tensor<1x2x4xf32>, %wq: tensor<1x4x3x!qw>) -> tensor<1x2x3x!qo> {
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %x, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the matmul input is not dequantized}}
  %yq = quant.qcast %mm : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @weights_not_dequantized(%xq: tensor<1x2x4x!qa>, %w: tensor<1x4x3xf32>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the matmul weights are not dequantized}}
  %yq = quant.qcast %mm : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @add_broadcasts_matmul(%xq: tensor<1x1x4x!qa>, %wq: tensor<1x4x3x!qw>, %other: tensor<1x2x3xf32>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x1x4x!qa> to tensor<1x1x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %y = tosa.add %mm, %other : (tensor<1x1x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the bias add broadcasts the matmul result}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @bias_not_a_row(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>, %b: tensor<1x2x3xf32>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %y = tosa.add %mm, %b : (tensor<1x2x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the bias is not a row of 3 values broadcast over the output}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @bias_dequantized_not_rank1(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>, %bq: tensor<1x1x3x!qb>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %b = quant.dcast %bq : tensor<1x1x3x!qb> to tensor<1x1x3xf32>
  %y = tosa.add %mm, %b : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the dequantized bias is not [N] and not a constant}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @bias_runtime_float(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>, %b: tensor<1x1x3xf32>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %y = tosa.add %mm, %b : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the bias is neither a dequantized int32 tensor nor a float constant}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @input_not_uniform(%xq: tensor<2x4x!quant.any<i8:f32>>, %wq: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!quant.any<i8:f32>> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: a cast is not to or from !quant.uniform}}
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

// What qnn.matmul's verifier rejects is explained with its own words.
!qa = !quant.uniform<i8:f32:1, {0.5, 0.5, 0.5, 0.5}>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @per_axis_input(%xq: tensor<2x4x!qa>, %wq: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x3x!qw> to tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: lhs must be a tensor of per-tensor !quant.uniform}}
  %yq = quant.qcast %mm : tensor<2x3xf32> to tensor<2x3x!qo>
  return %yq : tensor<2x3x!qo>
}

// -----

// An int32 bias whose scale is not s_in * s_w: folding would change the
// numbers, so it stays in QDQ form.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.5>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @bias_scale_mismatch(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>, %bq: tensor<3x!qb>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %b = quant.dcast %bq : tensor<3x!qb> to tensor<3xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b3 = tosa.reshape %b, %s : (tensor<3xf32>, !tosa.shape<3>) -> tensor<1x1x3xf32>
  %y = tosa.add %mm, %b3 : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: bias scale 5.000000e-01 (channel 0) must equal lhs scale * rhs scale = 1.250000e-01}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

// -----

// A float bias that int32 cannot hold at s_in * s_w = 2^-20 is an error:
// clamping it would silently change the layer.
!qa = !quant.uniform<i8:f32, 0.0009765625:0>
!qw = !quant.uniform<i8:f32, 0.0009765625>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @bias_overflows_int32(%xq: tensor<1x2x4x!qa>, %wq: tensor<1x4x3x!qw>) -> tensor<1x2x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %b = "tosa.const"() {values = dense<[[[1.0, 5000.0, -2.0]]]> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
  %y = tosa.add %mm, %b : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32>
  // expected-error@+1 {{bias value 5.000000e+03 (channel 1) does not fit in int32 at scale 9.536743e-07 = input scale * weight scale}}
  %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  return %yq : tensor<1x2x3x!qo>
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

// -----

// Padding with anything but 0.0 is not the zero point: it stays in QDQ form.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_pad_nonzero(%xq: tensor<1x2x3x4x!qa>, %wq: tensor<2x2x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x3x4x!qa> to tensor<1x2x3x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %xp = tensor.pad %xd low[0, 0, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %one : f32
  } : tensor<1x2x3x4xf32> to tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the conv input is padded with a value that is not constant 0.0}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_pad_channels(%xq: tensor<1x1x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x1x4x4x!qa> to tensor<1x1x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 1, 0, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<1x1x4x4xf32> to tensor<1x2x4x4xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the conv input is padded on the batch or channel dimension}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_pad_dynamic(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>, %p: index) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %xp = tensor.pad %xd low[0, 0, %p, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %c0 : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x?x4xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %wd : tensor<1x2x?x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the conv input padding is not static}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_nonzero_init(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>, %init: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%init : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: linalg.conv_2d_nchw_fchw accumulates into a value that is not zero}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_input_not_dequantized(%x: tensor<1x2x4x4xf32>, %wq: tensor<2x2x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the conv input is not dequantized}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_weights_not_dequantized(%xq: tensor<1x2x4x4x!qa>, %w: tensor<2x2x2x2xf32>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %w : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the conv weights are not dequantized}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_bias_broadcasts(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>, %other: tensor<2x2x3x3xf32>) -> tensor<2x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %y = tosa.add %conv, %other : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<2x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the bias add broadcasts the conv result}}
  %yq = quant.qcast %y : tensor<2x2x3x3xf32> to tensor<2x2x3x3x!qo>
  return %yq : tensor<2x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_bias_not_per_channel(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>, %b: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %y = tosa.add %conv, %b : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the bias is not one value per output channel ([2] or [1, 2, 1, 1])}}
  %yq = quant.qcast %y : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_grouped_collapse(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x1x2x2x!qw>) -> tensor<2x1x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x1x2x2x!qw> to tensor<2x1x2x2xf32>
  %x5 = tensor.expand_shape %xd [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 4, 4] : tensor<1x2x4x4xf32> into tensor<1x2x1x4x4xf32>
  %w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] output_shape [2, 1, 1, 2, 2] : tensor<2x1x2x2xf32> into tensor<2x1x1x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x2x1x4x4xf32>, tensor<2x1x1x2x2xf32>) outs(%acc : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %c = tensor.collapse_shape %conv [[0, 1], [2], [3], [4]] : tensor<1x2x1x3x3xf32> into tensor<2x1x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the grouped conv result is not collapsed from NGFHW to NCHW}}
  %yq = quant.qcast %c : tensor<2x1x3x3xf32> to tensor<2x1x3x3x!qo>
  return %yq : tensor<2x1x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_grouped_input_not_expanded(%xq: tensor<1x2x1x4x4x!qa>, %wq: tensor<2x1x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %x5 = quant.dcast %xq : tensor<1x2x1x4x4x!qa> to tensor<1x2x1x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x1x2x2x!qw> to tensor<2x1x2x2xf32>
  %w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] output_shape [2, 1, 1, 2, 2] : tensor<2x1x2x2xf32> into tensor<2x1x1x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x2x1x4x4xf32>, tensor<2x1x1x2x2xf32>) outs(%acc : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %c = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x2x1x3x3xf32> into tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the grouped conv input is not an NCHW tensor expanded to NGCHW}}
  %yq = quant.qcast %c : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_grouped_weights_not_expanded(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x1x1x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %x5 = tensor.expand_shape %xd [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 4, 4] : tensor<1x2x4x4xf32> into tensor<1x2x1x4x4xf32>
  %w5 = quant.dcast %wq : tensor<2x1x1x2x2x!qw> to tensor<2x1x1x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %conv = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x5, %w5 : tensor<1x2x1x4x4xf32>, tensor<2x1x1x2x2xf32>) outs(%acc : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32>
  %c = tensor.collapse_shape %conv [[0], [1, 2], [3], [4]] : tensor<1x2x1x3x3xf32> into tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the grouped conv weights are not FCHW weights expanded to GFCHW}}
  %yq = quant.qcast %c : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

// What qnn.conv2d's verifier rejects is explained with its own words.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.5}>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_weight_axis(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-axis weight must be quantized on axis 0 (the output channel), got 1}}
  %yq = quant.qcast %conv : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_bias_dequantized_not_rank1(%xq: tensor<1x2x4x4x!qa>, %wq: tensor<2x2x2x2x!qw>, %bq: tensor<1x2x1x1x!qb>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x4x4x!qa> to tensor<1x2x4x4xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %b = quant.dcast %bq : tensor<1x2x1x1x!qb> to tensor<1x2x1x1xf32>
  %y = tosa.add %conv, %b : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the dequantized bias is not [F] and not a constant}}
  %yq = quant.qcast %y : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

// A float conv whose declared result does not match its window (linalg
// accepts it): qnn.conv2d's verifier says why it is left in QDQ form.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @conv_window_mismatch(%xq: tensor<1x2x5x5x!qa>, %wq: tensor<2x2x2x2x!qw>) -> tensor<1x2x2x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x5x5x!qa> to tensor<1x2x5x5xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x2x!qw> to tensor<2x2x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %acc = linalg.fill ins(%c0 : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 3]> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x5x5xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: result shape must be [N, F, OH, OW] = [1, 2, 3, 2], got 'tensor<1x2x2x2x!quant.uniform<i8:f32, 2.000000e+00:4>>'}}
  %yq = quant.qcast %conv : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!qo>
  return %yq : tensor<1x2x2x2x!qo>
}

// -----

// Reshapes that mix the matrix dimensions: [2, 3, 4] read as [1, 4, 6]
// rows of another length; not a matmul of the ONNX shapes.
func.func @tosa_reshape_mixes_dims(%x: tensor<2x3x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<6x5x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x5x!quant.uniform<u8:f32, 2.0:100>> {
  %xd = quant.dcast %x : tensor<2x3x4x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x3x4xf32>
  %wd = quant.dcast %w : tensor<6x5x!quant.uniform<i8:f32, 0.25>> to tensor<6x5xf32>
  %s1 = tosa.const_shape {values = dense<[1, 4, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %xd, %s1 : (tensor<2x3x4xf32>, !tosa.shape<3>) -> tensor<1x4x6xf32>
  %s2 = tosa.const_shape {values = dense<[1, 6, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b = tosa.reshape %wd, %s2 : (tensor<6x5xf32>, !tosa.shape<3>) -> tensor<1x6x5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %a, %b, %zp, %zp : (tensor<1x4x6xf32>, tensor<1x6x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x5xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: the reshapes around tosa.matmul do not keep the matrix dimensions of its operands}}
  %yq = quant.qcast %mm : tensor<1x4x5xf32> to tensor<1x4x5x!quant.uniform<u8:f32, 2.0:100>>
  return %yq : tensor<1x4x5x!quant.uniform<u8:f32, 2.0:100>>
}

// -----

// tosa.conv2d whose zero points are not constant 0.0 is not the QDQ form.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @tosa_conv_zero_point(%xq: tensor<1x4x4x2x!qa>, %wq: tensor<3x2x2x2x!qw>, %zp: tensor<1xf32>) -> tensor<1x3x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x4x2x!qa> to tensor<1x4x4x2xf32>
  %wd = quant.dcast %wq : tensor<3x2x2x2x!qw> to tensor<3x2x2x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %y = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: tosa.conv2d zero points are not constant 0.0}}
  %yq = quant.qcast %y : tensor<1x3x3x3xf32> to tensor<1x3x3x3x!qo>
  return %yq : tensor<1x3x3x3x!qo>
}

// -----

// tosa.depthwise_conv2d weights are permuted at compile time: runtime
// weights stay in QDQ form.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @tosa_depthwise_runtime_weights(%xq: tensor<1x4x4x2x!qa>, %wq: tensor<2x2x2x1x!qw>) -> tensor<1x3x3x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x4x2x!qa> to tensor<1x4x4x2xf32>
  %wd = quant.dcast %wq : tensor<2x2x2x1x!qw> to tensor<2x2x2x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the tosa.depthwise_conv2d weights are not a constant (their [KH, KW, C, M] layout is permuted to [C * M, KH, KW, 1] at compile time)}}
  %yq = quant.qcast %y : tensor<1x3x3x2xf32> to tensor<1x3x3x2x!qo>
  return %yq : tensor<1x3x3x2x!qo>
}

// -----

// Per-axis depthwise weights with a channel multiplier > 1: the quantized
// axis is not the output channel.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:3, {0.25, 0.5}>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @tosa_depthwise_per_axis_multiplier(%xq: tensor<1x3x3x1x!qa>) -> tensor<1x2x2x2x!qo> {
  %xd = quant.dcast %xq : tensor<1x3x3x1x!qa> to tensor<1x3x3x1xf32>
  %wi = arith.constant dense<1> : tensor<2x2x1x2xi8>
  %wq = quant.scast %wi : tensor<2x2x1x2xi8> to tensor<2x2x1x2x!qw>
  %wd = quant.dcast %wq : tensor<2x2x1x2x!qw> to tensor<2x2x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-axis tosa.depthwise_conv2d weights must be quantized on axis 2 (the channel) with a channel multiplier of 1}}
  %yq = quant.qcast %y : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!qo>
  return %yq : tensor<1x2x2x2x!qo>
}

// -----

// A [1] bias broadcasts one value to every channel: not qnn.conv2d's bias.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @tosa_conv_broadcast_bias(%xq: tensor<1x4x4x2x!qa>, %wq: tensor<3x2x2x2x!qw>) -> tensor<1x3x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x4x2x!qa> to tensor<1x4x4x2xf32>
  %wd = quant.dcast %wq : tensor<3x2x2x2x!qw> to tensor<3x2x2x2xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: the bias is not one value per output channel ([3] or [1, 1, 1, 3])}}
  %yq = quant.qcast %y : tensor<1x3x3x3xf32> to tensor<1x3x3x3x!qo>
  return %yq : tensor<1x3x3x3x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i8:f32:{0:2, 1:1}, {{0.25}, {0.5}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_bias(%xq: tensor<2x4x!qa>, %wq: tensor<4x1x!qg>) -> tensor<2x1x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wd = quant.dcast %wq : tensor<4x1x!qg> to tensor<4x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x1xf32>) -> tensor<2x1xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x1xf32>) outs(%acc : tensor<2x1xf32>) -> tensor<2x1xf32>
  %b = arith.constant dense<1.0> : tensor<2x1xf32>
  %y = linalg.add ins(%mm, %b : tensor<2x1xf32>, tensor<2x1xf32>) outs(%e : tensor<2x1xf32>) -> tensor<2x1xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: per-group (blocked) weights with a bias: a qnn.matmul bias has one scale s_in * s_w per column, per-group weights have none}}
  %yq = quant.qcast %y : tensor<2x1xf32> to tensor<2x1x!qo>
  return %yq : tensor<2x1x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i8:f32:{1:2}, {{{{0.25}}, {{0.5}}}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_conv(%xq: tensor<1x4x3x3x!qa>, %wq: tensor<1x4x1x1x!qg>) -> tensor<1x1x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x4x3x3x!qa> to tensor<1x4x3x3xf32>
  %wd = quant.dcast %wq : tensor<1x4x1x1x!qg> to tensor<1x4x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>) outs(%acc : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-group (blocked) conv weights are not a constant (they are reordered to a [K, F] matmul weight at compile time)}}
  %yq = quant.qcast %c : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!qo>
  return %yq : tensor<1x1x3x3x!qo>
}

// -----

// Per-group weights on a depthwise conv: not yet (only one-group convs run
// as im2col + a per-group qnn.matmul).
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qg = !quant.uniform<i8:f32:{2:2}, {{{{0.25}, {0.5}}}}>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @per_group_depthwise_conv(%xq: tensor<1x3x3x4x!qa>) -> tensor<1x3x3x4x!qo> {
  %xd = quant.dcast %xq : tensor<1x3x3x4x!qa> to tensor<1x3x3x4xf32>
  %wi = arith.constant dense<[[[[1], [2], [3], [4]]]]> : tensor<1x1x4x1xi8>
  %wq = quant.scast %wi : tensor<1x1x4x1xi8> to tensor<1x1x4x1x!qg>
  %wd = quant.dcast %wq : tensor<1x1x4x1x!qg> to tensor<1x1x4x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x4xf32>, tensor<1x1x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-group (blocked) weights on a grouped or depthwise conv (not yet: only one-group convs run as im2col + a per-group qnn.matmul)}}
  %yq = quant.qcast %y : tensor<1x3x3x4xf32> to tensor<1x3x3x4x!qo>
  return %yq : tensor<1x3x3x4x!qo>
}

// -----

// Conv weights blocked along the output channels (ONNX axis 0): the blocks
// are not runs of K.
!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i8:f32:{0:2, 1:1, 2:1, 3:1}, {{{{0.25}}, {{0.5}}}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_conv_output_blocks(%xq: tensor<1x2x3x3x!qa>) -> tensor<1x2x3x3x!qo> {
  %xd = quant.dcast %xq : tensor<1x2x3x3x!qa> to tensor<1x2x3x3xf32>
  %wi = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]]]> : tensor<2x2x1x1xi8>
  %wq = quant.scast %wi : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!qg>
  %wd = quant.dcast %wq : tensor<2x2x1x1x!qg> to tensor<2x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) outs(%acc : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-group conv weights must be blocked along the input channels only (axis 1), with whole blocks and one scale per filter, block and tap}}
  %yq = quant.qcast %c : tensor<1x2x3x3xf32> to tensor<1x2x3x3x!qo>
  return %yq : tensor<1x2x3x3x!qo>
}

// -----

// A per-group conv with a bias: as for qnn.matmul, no one bias scale.
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qg = !quant.uniform<i8:f32:{3:2}, {{{{0.25, 0.5}}}}>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @per_group_conv_bias(%xq: tensor<1x3x3x4x!qa>) -> tensor<1x3x3x1x!qo> {
  %xd = quant.dcast %xq : tensor<1x3x3x4x!qa> to tensor<1x3x3x4xf32>
  %wi = arith.constant dense<[[[[1, 2, 3, 4]]]]> : tensor<1x1x1x4xi8>
  %wq = quant.scast %wi : tensor<1x1x1x4xi8> to tensor<1x1x1x4x!qg>
  %wd = quant.dcast %wq : tensor<1x1x1x4x!qg> to tensor<1x1x1x4xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x3x3x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: per-group (blocked) weights with a bias: a qnn.matmul bias has one scale s_in * s_w per column, per-group weights have none}}
  %yq = quant.qcast %y : tensor<1x3x3x1xf32> to tensor<1x3x3x1x!qo>
  return %yq : tensor<1x3x3x1x!qo>
}

// -----

// A per-group conv whose one block of 33040 channels can overflow the i32
// group sum (33040 products of up to 255 * 255): the per-group matmul
// verifier's reason.
!qa = !quant.uniform<u8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{1:33040}, {{{{0.25:-128}}}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_conv_block_overflow(%xq: tensor<1x33040x1x1x!qa>) -> tensor<1x1x1x1x!qo> {
  %xd = quant.dcast %xq : tensor<1x33040x1x1x!qa> to tensor<1x33040x1x1xf32>
  %wi = arith.constant dense<1> : tensor<1x33040x1x1xi8>
  %wq = quant.scast %wi : tensor<1x33040x1x1xi8> to tensor<1x33040x1x1x!qg>
  %wd = quant.dcast %wq : tensor<1x33040x1x1x!qg> to tensor<1x33040x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x1x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xd, %wd : tensor<1x33040x1x1xf32>, tensor<1x33040x1x1xf32>) outs(%acc : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  // expected-remark@+1 {{not folded into qnn.conv2d: i32 group sum can overflow: a block of 33040 products of up to 255 * 255 reaches 2148426000 > 2147483647}}
  %yq = quant.qcast %c : tensor<1x1x1x1xf32> to tensor<1x1x1x1x!qo>
  return %yq : tensor<1x1x1x1x!qo>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:3>
!qg = !quant.uniform<i8:f32:{0:2, 1:1}, {{0.25}, {0.5}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_quantized_in_graph(%xq: tensor<2x4x!qa>, %w: tensor<4x1xf32>) -> tensor<2x1x!qo> {
  %xd = quant.dcast %xq : tensor<2x4x!qa> to tensor<2x4xf32>
  %wq = quant.qcast %w : tensor<4x1xf32> to tensor<4x1x!qg>
  %wd = quant.dcast %wq : tensor<4x1x!qg> to tensor<4x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x1xf32>) -> tensor<2x1xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<2x4xf32>, tensor<4x1xf32>) outs(%acc : tensor<2x1xf32>) -> tensor<2x1xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: per-group (blocked) weights quantized from float in the graph (not yet: they must be stored integers)}}
  %yq = quant.qcast %mm : tensor<2x1xf32> to tensor<2x1x!qo>
  return %yq : tensor<2x1x!qo>
}

// -----

// Per-group weights whose one block can overflow the i32 group sum (65536
// products of up to 255 * 255): the verifier's reason. (A K that is not
// whole blocks never gets here: upstream's quant.dcast rejects it, as
// quant-import rejects a partial last block.)
!qa = !quant.uniform<u8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:65536, 1:1}, {{0.25:-128}}>
!qo = !quant.uniform<u8:f32, 2.0:100>
func.func @per_group_block_overflow(%xq: tensor<1x65536x!qa>, %wq: tensor<65536x1x!qg>) -> tensor<1x1x!qo> {
  %xd = quant.dcast %xq : tensor<1x65536x!qa> to tensor<1x65536xf32>
  %wd = quant.dcast %wq : tensor<65536x1x!qg> to tensor<65536x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %mm = linalg.matmul ins(%xd, %wd : tensor<1x65536xf32>, tensor<65536x1xf32>) outs(%acc : tensor<1x1xf32>) -> tensor<1x1xf32>
  // expected-remark@+1 {{not folded into qnn.matmul: i32 group sum can overflow: a block of 65536 products of up to 255 * 255 reaches 4261478400 > 2147483647}}
  %yq = quant.qcast %mm : tensor<1x1xf32> to tensor<1x1x!qo>
  return %yq : tensor<1x1x!qo>
}
