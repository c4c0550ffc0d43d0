// RUN: quant-opt %s --split-input-file --verify-diagnostics

// One case per diagnostic of the qnn dialect, and the upstream !quant type
// checks our ops rely on.

//===----------------------------------------------------------------------===//
// Upstream !quant.uniform checks
//===----------------------------------------------------------------------===//

// expected-error@+1 {{scale -5.000000e-01 out of expressed type range}}
func.func private @negative_scale(%x: tensor<4x!quant.uniform<i8:f32, -0.5:0>>)

// -----

// expected-error@+1 {{scale 0.000000e+00 out of expressed type range}}
func.func private @zero_scale(%x: tensor<4x!quant.uniform<i8:f32, 0.0:0>>)

// -----

// expected-error@+1 {{scale INF out of expressed type range}}
func.func private @infinite_scale(%x: tensor<4x!quant.uniform<i8:f32, 0x7FF0000000000000:0>>)

// -----

//===----------------------------------------------------------------------===//
// #qnn.recipe
//===----------------------------------------------------------------------===//

// expected-error@+1 {{recipe storage type must be signed (si<N>) or unsigned (ui<N>), got 'i8'}}
#r = #qnn.recipe<storage = i8, scheme = symmetric>

// -----

// expected-error@+1 {{recipe storage bit width must be in [2, 16], got 32}}
#r = #qnn.recipe<storage = si32, scheme = symmetric>

// -----

// expected-error@+1 {{recipe storage bit width must be in [2, 16], got 1}}
#r = #qnn.recipe<storage = ui1, scheme = asymmetric>

// -----

// expected-error@+1 {{'channel' granularity requires an axis}}
#r = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel>

// -----

// expected-error@+1 {{'group' granularity requires an axis}}
#r = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, group_size = 32>

// -----

// expected-error@+1 {{'tensor' granularity takes no axis}}
#r = #qnn.recipe<storage = si8, scheme = symmetric, axis = 0>

// -----

// expected-error@+1 {{recipe axis must be non-negative, got -1}}
#r = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = -1>

// -----

// expected-error@+1 {{'group' granularity requires a group_size}}
#r = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 1>

// -----

// expected-error@+1 {{group_size is only valid with 'group' granularity}}
#r = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0, group_size = 32>

// -----

// expected-error@+1 {{group_size must be positive, got 0}}
#r = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 1, group_size = 0>

// -----

// expected-error@+1 {{'percentile' is only valid with method = percentile}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, percentile = 99.9>

// -----

// expected-error@+1 {{percentile must be in (0, 100], got 1.005000e+02}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 100.5>

// -----

// expected-error@+1 {{percentile must be in (0, 100], got 0.000000e+00}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 0.0>

// -----

// expected-error@+1 {{'averaging_constant' is only valid with method = avg_minmax}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = minmax, averaging_constant = 0.01>

// -----

// expected-error@+1 {{averaging_constant must be in (0, 1], got 1.500000e+00}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = avg_minmax, averaging_constant = 1.5>

// -----

// expected-error@+1 {{'num_bins' is only valid with a histogram method (percentile, entropy, mse)}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = avg_minmax, num_bins = 2048>

// -----

// expected-error@+1 {{num_bins must be positive, got -4}}
#r = #qnn.recipe<storage = ui8, scheme = asymmetric, method = entropy, num_bins = -4>

// -----

//===----------------------------------------------------------------------===//
// #qnn.stats
//===----------------------------------------------------------------------===//

// expected-error@+1 {{stats count must be non-negative, got -1}}
#s = #qnn.stats<count = -1, min = 0.0, max = 1.0>

// -----

// expected-error@+1 {{stats 'max' must be finite, got INF}}
#s = #qnn.stats<count = 1, min = 0.0, max = 0x7FF0000000000000>

// -----

// expected-error@+1 {{stats 'min' must be finite, got nan}}
#s = #qnn.stats<count = 1, min = 0x7FF8000000000000, max = 1.0>

// -----

// expected-error@+1 {{stats 'avg_min' must be finite, got -INF}}
#s = #qnn.stats<count = 1, min = 0.0, max = 1.0, avg_min = 0xFFF0000000000000, avg_max = 1.0>

// -----

// expected-error@+1 {{stats min 2.000000e+00 is greater than max 1.000000e+00}}
#s = #qnn.stats<count = 1, min = 2.0, max = 1.0>

// -----

// expected-error@+1 {{stats avg_min and avg_max must be given together}}
#s = #qnn.stats<count = 1, min = 0.0, max = 1.0, avg_min = 0.5>

// -----

// expected-error@+1 {{stats avg_min is greater than avg_max}}
#s = #qnn.stats<count = 1, min = 0.0, max = 1.0, avg_min = 0.75, avg_max = 0.5>

// -----

// expected-error@+1 {{a histogram needs hist_min, hist_max and a non-empty hist_counts}}
#s = #qnn.stats<count = 3, min = 0.0, max = 1.0, hist_counts = [1, 2]>

// -----

// expected-error@+1 {{stats hist_min is greater than hist_max}}
#s = #qnn.stats<count = 3, min = 0.0, max = 1.0, hist_min = 1.0, hist_max = 0.0, hist_counts = [3]>

// -----

// expected-error@+1 {{histogram bin counts must be non-negative}}
#s = #qnn.stats<count = 3, min = 0.0, max = 1.0, hist_min = 0.0, hist_max = 1.0, hist_counts = [4, -1]>

// -----

// expected-error@+1 {{histogram holds 4 elements but count is 3}}
#s = #qnn.stats<count = 3, min = 0.0, max = 1.0, hist_min = 0.0, hist_max = 1.0, hist_counts = [1, 3]>

// -----

//===----------------------------------------------------------------------===//
// qnn.observe
//===----------------------------------------------------------------------===//

func.func @observe_empty_name(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'qnn.observe' op needs a non-empty name}}
  %0 = qnn.observe %x {name = "", recipe = #qnn.recipe<storage = si8, scheme = symmetric>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @observe_axis_out_of_rank(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error@+1 {{'qnn.observe' op recipe axis 2 is out of range for a tensor of rank 2}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 2>} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @observe_group_does_not_divide(%x: tensor<4x48xf32>) -> tensor<4x48xf32> {
  // expected-error@+1 {{'qnn.observe' op group_size 32 does not divide dimension 1 of size 48}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 1, group_size = 32>} : tensor<4x48xf32>
  return %0 : tensor<4x48xf32>
}

// -----

func.func @observe_integer_tensor(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'qnn.observe' op operand #0 must be ranked tensor of floating-point values}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric>} : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qnn.requantize
//===----------------------------------------------------------------------===//

func.func @requantize_float_input(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'qnn.requantize' op input must be a tensor of !quant.uniform, got 'tensor<4xf32>'}}
  %0 = qnn.requantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @requantize_float_result(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32> {
  // expected-error@+1 {{'qnn.requantize' op result must be a tensor of !quant.uniform, got 'tensor<4xf32>'}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @requantize_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<5x!quant.uniform<i8:f32, 0.25>> {
  // expected-error@+1 {{'qnn.requantize' op input and result shapes differ}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<5x!quant.uniform<i8:f32, 0.25>>
  return %0 : tensor<5x!quant.uniform<i8:f32, 0.25>>
}

// -----

func.func @requantize_expressed(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f16, 0.25>> {
  // expected-error@+1 {{'qnn.requantize' op input and result expressed types differ: 'f32' vs 'f16'}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.25>>
  return %0 : tensor<4x!quant.uniform<i8:f16, 0.25>>
}

// -----

func.func @requantize_axes(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // expected-error@+1 {{'qnn.requantize' op per-axis input and result use different axes (0 vs 1)}}
  %0 = qnn.requantize %x : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}

// -----

func.func @requantize_axis_out_of_rank(%x: tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // expected-error@+1 {{'qnn.requantize' op result quantized dimension 1 is out of range for a tensor of rank 1}}
  %0 = qnn.requantize %x : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %0 : tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}

// -----

func.func @requantize_scale_count(%x: tensor<3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<3x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'qnn.requantize' op input has 2 per-axis scales but dimension 0 has size 3}}
  %0 = qnn.requantize %x : tensor<3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<3x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<3x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Upstream accepts a NaN scale and an out-of-range zero point; we do not.
// (A NaN-scale type is not even equal to itself, so it appears only once.)
func.func @requantize_nan_scale(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error@+1 {{'qnn.requantize' op result scale nan must be finite and positive}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0x7FF8000000000000:0>>
  return
}

// -----

func.func @requantize_zero_point_range(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:200>> {
  // expected-error@+1 {{'qnn.requantize' op result zero point 200 is outside the storage range [-128, 127]}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5:200>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:200>>
}

// -----

//===----------------------------------------------------------------------===//
// qnn.matmul
//===----------------------------------------------------------------------===//

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_float_lhs(%x: tensor<2x4xf32>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op lhs must be a tensor of per-tensor !quant.uniform, got 'tensor<2x4xf32>'}}
  %0 = qnn.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32:1, {0.5, 0.5, 0.5, 0.5}>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_per_axis_lhs(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op lhs must be a tensor of per-tensor !quant.uniform}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_float_rhs(%x: tensor<2x4x!qa>, %w: tensor<4x3xf32>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op rhs must be a tensor of !quant.uniform, got 'tensor<4x3xf32>'}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3xf32>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32:1, {1.0, 1.0, 1.0}>
func.func @matmul_per_axis_result(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op result must be a tensor of per-tensor !quant.uniform}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.25:300, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_rhs_zero_point_range(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op rhs zero point 300 (channel 1) is outside the storage range [-128, 127]}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f16, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_expressed(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op operands and result must share one expressed type, got 'f32', 'f16' and 'f32'}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_lhs_rank(%x: tensor<4x!qa>, %w: tensor<4x3x!qw>) -> tensor<3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op lhs must have rank >= 2, got 1}}
  %0 = qnn.matmul %x, %w : (tensor<4x!qa>, tensor<4x3x!qw>) -> tensor<3x!qo>
  return %0 : tensor<3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_rhs_rank(%x: tensor<2x4x!qa>, %w: tensor<1x4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op rhs must have rank 2 or the rank of lhs (2), got 3}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<1x4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_result_rank(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<1x2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op result must have the rank of lhs (2), got 3}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<1x2x3x!qo>
  return %0 : tensor<1x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.25, 0.25, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_rhs_axis(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-axis rhs must be quantized on its last (output channel) dimension 1, got 0}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_rhs_scale_count(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op rhs has 2 per-axis scales but dimension 1 has size 3}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_k(%x: tensor<2x4x!qa>, %w: tensor<5x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op reduction dimensions differ: lhs K = 4, rhs K = 5}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<5x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_batch(%x: tensor<2x2x4x!qa>, %w: tensor<3x4x3x!qw>) -> tensor<2x2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op batch dimension 0 differs between lhs and rhs}}
  %0 = qnn.matmul %x, %w : (tensor<2x2x4x!qa>, tensor<3x4x3x!qw>) -> tensor<2x2x3x!qo>
  return %0 : tensor<2x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_result_batch(%x: tensor<2x2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<3x2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op result batch dimension 0 differs from lhs}}
  %0 = qnn.matmul %x, %w : (tensor<2x2x4x!qa>, tensor<4x3x!qw>) -> tensor<3x2x3x!qo>
  return %0 : tensor<3x2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_result_shape(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>) -> tensor<2x4x!qo> {
  // expected-error@+1 {{'qnn.matmul' op result shape must be [..., M, N] = [..., 2, 3], got 'tensor<2x4x!quant.uniform<i8:f32, 1.000000e+00:5>>'}}
  %0 = qnn.matmul %x, %w : (tensor<2x4x!qa>, tensor<4x3x!qw>) -> tensor<2x4x!qo>
  return %0 : tensor<2x4x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_dynamic_k(%x: tensor<2x?x!qa>, %w: tensor<?x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op the reduction dimension K must be static to prove the i32 accumulator cannot overflow}}
  %0 = qnn.matmul %x, %w : (tensor<2x?x!qa>, tensor<?x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

// 16-bit unsigned activations and weights: 8 products of 65535 * 65535
// overflow i32, and no K split helps: one product alone can exceed i32.
// (16-bit signed ones, 32768 * 32768 = 2^30 per product, split into
// chunks of 1: ops.mlir.)
!qa = !quant.uniform<u16:f32, 0.5>
!qw = !quant.uniform<u16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_overflow(%x: tensor<2x8x!qa>, %w: tensor<8x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op i32 accumulator can overflow: K = 8 products of up to 65535 * 65535 reach 34358689800 > 2147483647, and no K split (accumulator_chunk) proves it: one product alone can exceed i32}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

// K so large that even the i64 sum of the chunks can overflow:
// 2^33 - 1 products of up to 32768 * 32768 (plus a bias) pass 2^63 - 1.
!qa = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_overflow_i64(%x: tensor<1x8589934591x!qa>, %w: tensor<8589934591x1x!qw>) -> tensor<1x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op i32 accumulator can overflow: K = 8589934591 products of up to 32768 * 32768 reach 9223372035781033984 > 2147483647, and no K split (accumulator_chunk) proves it: the i64 sum of the chunks can overflow}}
  %0 = qnn.matmul %x, %w : (tensor<1x8589934591x!qa>, tensor<8589934591x1x!qw>) -> tensor<1x1x!qo>
  return %0 : tensor<1x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_chunk_out_of_range(%x: tensor<2x8x!qa>, %w: tensor<8x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op accumulator_chunk must be in [1, K) = [1, 8), got 8}}
  %0 = qnn.matmul %x, %w {accumulator_chunk = 8} : (tensor<2x8x!qa>, tensor<8x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

// A chunk must fit i32 by the storage ranges: 3 * 2^30 does not.
!qa = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_chunk_overflow(%x: tensor<2x8x!qa>, %w: tensor<8x3x!qw>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op accumulator_chunk = 3 products of up to 32768 * 32768 reach 3221225472 > 2147483647}}
  %0 = qnn.matmul %x, %w {accumulator_chunk = 3} : (tensor<2x8x!qa>, tensor<8x3x!qw>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i16:f32, 0.5:-3>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_chunk_with_corrections(%x: tensor<2x2x!qa>) -> tensor<2x2x!qo> {
  %wi = arith.constant dense<[[1, -32768], [2, -32768]]> : tensor<2x2xi16>
  %w = quant.scast %wi : tensor<2x2xi16> to tensor<2x2x!qw>
  // expected-error@+1 {{'qnn.matmul' op zero_point_corrections does not apply with accumulator_chunk (the split sums centred products)}}
  %0 = qnn.matmul %x, %w {accumulator_chunk = 1, zero_point_corrections = array<i64: 0, 0>} : (tensor<2x2x!qa>, tensor<2x2x!qw>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_float_bias(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3xf32>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias must be a tensor of !quant.uniform, got 'tensor<3xf32>'}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3xf32>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_shape(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<1x3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias must have shape [N] = [3], got 'tensor<1x3x!quant.uniform<i32:f32, 1.250000e-01>>'}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<1x3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i8:f32, 0.125>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_storage(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias storage must be 32-bit signed (i32), got 'i8'}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f16, 0.125>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_expressed(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias expressed type 'f16' differs from 'f32'}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.125, 0.125}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_granularity(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias must be per-axis exactly when rhs is (per-tensor rhs)}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.5, 0.25}>
!qb = !quant.uniform<i32:f32:1, {0.125, 0.25, 0.125}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_axis(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-axis bias must be quantized on axis 0, got 1}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.5, 0.25}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_scale_count(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias has 2 scales but rhs has 3}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125:7>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_zero_point(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias zero point must be 0, got 7}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.5, 0.25}>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.125, 0.125}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_bias_scale(%x: tensor<2x4x!qa>, %w: tensor<4x3x!qw>, %b: tensor<3x!qb>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op bias scale 1.250000e-01 (channel 1) must equal lhs scale * rhs scale = 2.500000e-01}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x4x!qa>, tensor<4x3x!qw>, tensor<3x!qb>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

//===----------------------------------------------------------------------===//
// qnn.conv2d
//===----------------------------------------------------------------------===//

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_float_input(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op input must be a tensor of per-tensor !quant.uniform, got 'tensor<1x2x5x5xf32>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5xf32>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_float_weight(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op weight must be a tensor of !quant.uniform, got 'tensor<4x2x3x3xf32>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32:1, {1.0, 1.0, 1.0, 1.0}>
func.func @conv_per_axis_result(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op result must be a tensor of per-tensor !quant.uniform}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<u8:f32, 0.25:300>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_weight_zero_point(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op weight zero point 300 is outside the storage range [0, 255]}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f16, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_expressed_type(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op operands and result must share one expressed type, got 'f32', 'f16' and 'f32'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_strides_count(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op strides must have 2 values, got 1}}
  %0 = qnn.conv2d %x, %w strides [1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_zero_stride(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op strides must be > 0, got 0}}
  %0 = qnn.conv2d %x, %w strides [1, 0] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_zero_dilation(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op dilations must be > 0, got 0}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [0, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_padding_count(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op padding must have 4 values, got 2}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [1, 1] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_negative_padding(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op padding must be >= 0, got -1}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, -1, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_zero_groups(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op groups must be > 0, got 0}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 0 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_rank(%x: tensor<2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op input, weight and result must have rank 4 (NCHW, FCHW, NCHW), got ranks 3, 4 and 4}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
// A dynamic input height gives a dynamic output height (computed by the
// lowering): a static one cannot be checked.
func.func @conv_dynamic_spatial(%x: tensor<1x2x?x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op result shape must be [N, F, OH, OW] = [1, 4, ?, 3], got 'tensor<1x4x3x3x!quant.uniform<i8:f32, 1.000000e+00:5>>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x?x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_dynamic_channels(%x: tensor<1x?x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op input channels and the weight shape must be static, got 'tensor<1x?x5x5x!quant.uniform<i8:f32, 5.000000e-01:-3>>' and 'tensor<4x2x3x3x!quant.uniform<i8:f32, 2.500000e-01>>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x?x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_weight_axis(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op per-axis weight must be quantized on axis 0 (the output channel), got 1}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32:0, {0.25, 0.25, 0.25}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_weight_scale_count(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op weight has 3 per-axis scales but dimension 0 has size 4}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_groups_divide(%x: tensor<1x3x5x5x!qx>, %w: tensor<4x1x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op groups 2 must divide the 3 input channels and the 4 output channels}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 : (tensor<1x3x5x5x!qx>, tensor<4x1x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_weight_channels(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op weight dimension 1 must be input channels / groups = 1, got 2}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 2 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_kernel_too_large(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op the dilated kernel (7) is larger than the padded input (5) in spatial dimension 0}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [3, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_result_shape(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op result shape must be [N, F, OH, OW] = [1, 4, 2, 3], got 'tensor<1x4x3x3x!quant.uniform<i8:f32, 1.000000e+00:5>>'}}
  %0 = qnn.conv2d %x, %w strides [2, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_result_channels(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x2x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op result shape must be [N, F, OH, OW] = [1, 4, 3, 3], got 'tensor<1x2x3x3x!quant.uniform<i8:f32, 1.000000e+00:5>>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x2x3x3x!qo>
  return %0 : tensor<1x2x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_data_layout(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op data_layout must be "NCHW" or "NHWC", got "CHWN"}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {data_layout = "CHWN"} : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

// NHWC: the result is [N, OH, OW, F].
!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_nhwc_result_shape(%x: tensor<1x5x5x2x!qx>, %w: tensor<4x3x3x2x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op result shape must be [N, OH, OW, F] = [1, 3, 3, 4], got 'tensor<1x4x3x3x!quant.uniform<i8:f32, 1.000000e+00:5>>'}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<1x5x5x2x!qx>, tensor<4x3x3x2x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

// NHWC weights are OHWI: the channels per group are the last dimension.
!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_nhwc_weight_channels(%x: tensor<1x5x5x2x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x4x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op weight dimension 3 must be input channels / groups = 2, got 3}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<1x5x5x2x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x4x!qo>
  return %0 : tensor<1x4x3x4x!qo>
}

// -----

// NHWC rank error names the NHWC layouts.
!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_nhwc_rank(%x: tensor<5x5x2x!qx>, %w: tensor<4x3x3x2x!qw>) -> tensor<1x3x3x4x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op input, weight and result must have rank 4 (NHWC, OHWI, NHWC), got ranks 3, 4 and 4}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {data_layout = "NHWC"} : (tensor<5x5x2x!qx>, tensor<4x3x3x2x!qw>) -> tensor<1x3x3x4x!qo>
  return %0 : tensor<1x3x3x4x!qo>
}

// -----

!qx = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_overflow(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op i32 accumulator can overflow: K = 18 products of up to 32768 * 32768 reach 19327352832 > 2147483647}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
!qb = !quant.uniform<i32:f32, 0.125>
func.func @conv_bias_length(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op bias must have shape [F] = [4], got 'tensor<3x!quant.uniform<i32:f32, 1.250000e-01>>'}}
  %0 = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>, tensor<3x!qb>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
!qb = !quant.uniform<i32:f32, 0.25>
func.func @conv_bias_scale(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>, %b: tensor<4x!qb>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op bias scale 2.500000e-01 (channel 0) must equal input scale * weight scale = 1.250000e-01}}
  %0 = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>, tensor<4x!qb>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

!qx = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
!qb = !quant.uniform<i32:f32:0, {0.125, 0.125, 0.125, 0.125}>
func.func @conv_bias_granularity(%x: tensor<1x2x5x5x!qx>, %w: tensor<4x2x3x3x!qw>, %b: tensor<4x!qb>) -> tensor<1x4x3x3x!qo> {
  // expected-error@+1 {{'qnn.conv2d' op bias must be per-axis exactly when weight is (per-tensor weight)}}
  %0 = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x2x5x5x!qx>, tensor<4x2x3x3x!qw>, tensor<4x!qb>) -> tensor<1x4x3x3x!qo>
  return %0 : tensor<1x4x3x3x!qo>
}

// -----

//===----------------------------------------------------------------------===//
// qnn.requant_mode
//===----------------------------------------------------------------------===//

// One mode per module: an op cannot carry its own.
// expected-error@+1 {{'qnn.requant_mode' may only be set on a builtin.module}}
func.func @requant_mode_on_func() attributes {qnn.requant_mode = #qnn.requant_mode<fp32>} {
  return
}

// -----

// expected-error@+1 {{'qnn.requant_mode' must be a #qnn.requant_mode, got "fixedpoint"}}
module attributes {qnn.requant_mode = "fixedpoint"} {
}

// -----

// expected-error@+1 {{unknown qnn attribute 'qnn.requantmode'}}
module attributes {qnn.requantmode = #qnn.requant_mode<fp32>} {
}

// -----

// expected-error@+2 {{expected ::quantc::qnn::RequantMode to be one of: fp32, fixedpoint, tosa_double_round, tosa_single_round}}
// expected-error@+1 {{failed to parse QNN_RequantModeAttr parameter 'value'}}
module attributes {qnn.requant_mode = #qnn.requant_mode<fixed>} {
}

// -----

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_input_float(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op input must be a tensor of per-tensor !quant.uniform, got 'tensor<1x2x4x4xf32>'}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x4x4xf32> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qc = !quant.uniform<u8:f32:1, {0.25:120, 0.5:120}>
func.func @avg_pool_result_per_axis(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qc> {
  // expected-error@+1 {{'qnn.avg_pool2d' op result must be a tensor of per-tensor !quant.uniform, got 'tensor<1x2x2x2x!quant.uniform<u8:f32:1, {2.500000e-01:120,5.000000e-01:120}>>'}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x2x2x!qc>
  return %0 : tensor<1x2x2x2x!qc>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f16, 0.25:120>
func.func @avg_pool_expressed(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op input and result expressed types differ: 'f32' vs 'f16'}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_kernel(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op kernel must be > 0, got 0}}
  %0 = qnn.avg_pool2d %x kernel [0, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_strides(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op strides must have 2 values, got 1}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_padding(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op padding must be >= 0, got -1}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, -1, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_rank(%x: tensor<2x4x4x!qi>) -> tensor<2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op input and result must have rank 4 (NCHW), got 3 and 3}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<2x4x4x!qi> -> tensor<2x2x2x!qo>
  return %0 : tensor<2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_dynamic(%x: tensor<1x2x?x4x!qi>) -> tensor<1x2x2x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op input channels and spatial sizes must be static, got 'tensor<1x2x?x4x!quant.uniform<u8:f32, 5.000000e-01:128>>'}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x?x4x!qi> -> tensor<1x2x2x2x!qo>
  return %0 : tensor<1x2x2x2x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_pad_kernel(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x3x3x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op padding must be smaller than the kernel (2) in spatial dimension 1}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 2, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x3x3x!qo>
  return %0 : tensor<1x2x3x3x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_kernel_large(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x1x1x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op the kernel (5) is larger than the padded input (4) in spatial dimension 0}}
  %0 = qnn.avg_pool2d %x kernel [5, 2] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x1x1x!qo>
  return %0 : tensor<1x2x1x1x!qo>
}

// -----

!qi = !quant.uniform<u8:f32, 0.5:128>
!qo = !quant.uniform<u8:f32, 0.25:120>
func.func @avg_pool_result_shape(%x: tensor<1x2x4x4x!qi>) -> tensor<1x2x3x2x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op result shape must be [N, C, OH, OW] = [1, 2, 2, 2], got 'tensor<1x2x3x2x!quant.uniform<u8:f32, 2.500000e-01:120>>'}}
  %0 = qnn.avg_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<1x2x4x4x!qi> -> tensor<1x2x3x2x!qo>
  return %0 : tensor<1x2x3x2x!qo>
}

// -----

!qi = !quant.uniform<i16:f32, 0.5:0>
!qo = !quant.uniform<i16:f32, 0.25:0>
func.func @avg_pool_overflow(%x: tensor<1x1x300x300x!qi>) -> tensor<1x1x1x1x!qo> {
  // expected-error@+1 {{'qnn.avg_pool2d' op i32 sum can overflow: 90000 taps of up to 32768 reach 2949120000 > 2147483647}}
  %0 = qnn.avg_pool2d %x kernel [300, 300] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x1x300x300x!qi> -> tensor<1x1x1x1x!qo>
  return %0 : tensor<1x1x1x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>

func.func @corrections_count(%x: tensor<2x2x!qa>) -> tensor<2x2x!qa> {
  %wi = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!qw>
  // expected-error@+1 {{zero_point_corrections must have one value per output channel (2), got 1}}
  %y = qnn.matmul %x, %w {zero_point_corrections = array<i64: 12>} : (tensor<2x2x!qa>, tensor<2x2x!qw>) -> tensor<2x2x!qa>
  return %y : tensor<2x2x!qa>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>

func.func @corrections_runtime_weights(%x: tensor<2x2x!qa>, %w: tensor<2x2x!qw>) -> tensor<2x2x!qa> {
  // expected-error@+1 {{zero_point_corrections needs constant weights shared by every output (they define it)}}
  %y = qnn.matmul %x, %w {zero_point_corrections = array<i64: 12, 18>} : (tensor<2x2x!qa>, tensor<2x2x!qw>) -> tensor<2x2x!qa>
  return %y : tensor<2x2x!qa>
}

// -----

!qa = !quant.uniform<u8:f32, 0.5:128>
!qw = !quant.uniform<i8:f32, 0.25:3>

func.func @corrections_wrong(%x: tensor<1x1x3x3x!qa>) -> tensor<1x1x2x2x!qa> {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]]]]> : tensor<1x1x2x2xi8>
  %w = quant.scast %wi : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!qw>
  // expected-error@+1 {{zero_point_corrections[0] = 255 but the weights give K * zx * zw - zx * sum(w) = 256}}
  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 {zero_point_corrections = array<i64: 255>}
      : (tensor<1x1x3x3x!qa>, tensor<1x1x2x2x!qw>) -> tensor<1x1x2x2x!qa>
  return %y : tensor<1x1x2x2x!qa>
}

// -----

// Constant weights: the bound is what they reach, max_n sum |w - zw| *
// 65535; column 1 (32768 twice) sums to 65536, which times 65535 passes
// 2^31, and one u16 x u16 product (65535 * 65535) alone can exceed i32:
// no split.
!qa = !quant.uniform<u16:f32, 0.5>
!qw = !quant.uniform<u16:f32, 0.25>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @matmul_constant_weights_overflow(%x: tensor<2x2x!qa>) -> tensor<2x2x!qo> {
  %wi = arith.constant dense<[[1, -32768], [2, -32768]]> : tensor<2x2xi16>
  %w = quant.scast %wi : tensor<2x2xi16> to tensor<2x2x!qw>
  // expected-error@+1 {{'qnn.matmul' op i32 accumulator can overflow: K = 2 products; the constant weights' largest sum of |w - zw| over an output channel, 65536, times 65535 reaches 4294901760 > 2147483647, and no K split (accumulator_chunk) proves it: one product alone can exceed i32}}
  %0 = qnn.matmul %x, %w : (tensor<2x2x!qa>, tensor<2x2x!qw>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}

// -----

!qx = !quant.uniform<i16:f32, 0.5>
!qw = !quant.uniform<i16:f32, 0.25:-1>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @conv_constant_weights_overflow(%x: tensor<1x1x2x2x!qx>) -> tensor<1x1x1x1x!qo> {
  %wi = arith.constant dense<[[[[32767, 32767], [0, 0]]]]> : tensor<1x1x2x2xi16>
  %w = quant.scast %wi : tensor<1x1x2x2xi16> to tensor<1x1x2x2x!qw>
  // expected-error@+1 {{'qnn.conv2d' op i32 accumulator can overflow: K = 4 products; the constant weights' largest sum of |w - zw| over an output channel, 65538, times 32768 reaches 2147549184 > 2147483647}}
  %0 = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] groups 1 : (tensor<1x1x2x2x!qx>, tensor<1x1x2x2x!qw>) -> tensor<1x1x1x1x!qo>
  return %0 : tensor<1x1x1x1x!qo>
}

// -----

// Per-group (blocked) rhs: K must be whole blocks.
!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_partial_block(%x: tensor<2x10x!qa>, %w: tensor<10x1x!qg>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-group rhs: K = 10 must be a whole number of blocks of 4 (no partial last block), with one scale row per block, got 2 rows}}
  %0 = qnn.matmul %x, %w : (tensor<2x10x!qa>, tensor<10x1x!qg>) -> tensor<2x1x!qo>
  return %0 : tensor<2x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4, 1:1}, {{0.25, 0.5}, {0.5, 0.25}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_scale_columns(%x: tensor<2x8x!qa>, %w: tensor<8x3x!qg>) -> tensor<2x3x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-group rhs: N = 3 must be a whole number of blocks of 1 with one scale column per block, got 2 columns}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x3x!qg>) -> tensor<2x3x!qo>
  return %0 : tensor<2x3x!qo>
}

// -----

// One block of 2^16 u8 x i8 products (255 * 255 each) can overflow i32.
!qa = !quant.uniform<u8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:65536}, {{0.25:-128}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_block_overflow(%x: tensor<1x65536x!qa>, %w: tensor<65536x1x!qg>) -> tensor<1x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op i32 group sum can overflow: a block of 65536 products of up to 255 * 255 reaches 4261478400 > 2147483647}}
  %0 = qnn.matmul %x, %w : (tensor<1x65536x!qa>, tensor<65536x1x!qg>) -> tensor<1x1x!qo>
  return %0 : tensor<1x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qb = !quant.uniform<i32:f32, 0.125>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_bias(%x: tensor<2x8x!qa>, %w: tensor<8x1x!qg>, %b: tensor<1x!qb>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op a bias needs per-tensor or per-axis rhs (its scale is s_lhs * s_rhs; per-group rhs has none)}}
  %0 = qnn.matmul %x, %w bias %b : (tensor<2x8x!qa>, tensor<8x1x!qg>, tensor<1x!qb>) -> tensor<2x1x!qo>
  return %0 : tensor<2x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_chunk(%x: tensor<2x8x!qa>, %w: tensor<8x1x!qg>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op accumulator_chunk does not apply to per-group rhs (each group is its own i32 sum)}}
  %0 = qnn.matmul %x, %w {accumulator_chunk = 4} : (tensor<2x8x!qa>, tensor<8x1x!qg>) -> tensor<2x1x!qo>
  return %0 : tensor<2x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_batched(%x: tensor<2x2x8x!qa>, %w: tensor<2x8x1x!qg>) -> tensor<2x2x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-group rhs must be [K, N] and lhs and result [..., M, K] and [..., M, N] of one rank >= 2}}
  %0 = qnn.matmul %x, %w : (tensor<2x2x8x!qa>, tensor<2x8x1x!qg>) -> tensor<2x2x1x!qo>
  return %0 : tensor<2x2x1x!qo>
}

// -----

!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4}, {{0.25}, {0.5}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_corrections(%x: tensor<2x8x!qa>, %w: tensor<8x1x!qg>) -> tensor<2x1x!qo> {
  // expected-error@+1 {{'qnn.matmul' op zero_point_corrections does not apply to per-group rhs}}
  %0 = qnn.matmul %x, %w {zero_point_corrections = array<i64: 0>} : (tensor<2x8x!qa>, tensor<8x1x!qg>) -> tensor<2x1x!qo>
  return %0 : tensor<2x1x!qo>
}

// -----

// Scales of rank 3 for [K, N] weights (upstream's type allows it).
!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{0:4, 1:1}, {{{0.25}}, {{0.5}}}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_scales_rank(%x: tensor<2x8x!qa>, %w: tensor<8x2x!qg>) -> tensor<2x2x!qo> {
  // expected-error@+1 {{'qnn.matmul' op per-group rhs scales must have rank 2 (one dimension per dimension of [K, N]), got rank 3}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x2x!qg>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}

// -----

// A blocked dimension beyond the scales' rank is no blocked type QuantC
// reads.
!qa = !quant.uniform<i8:f32, 0.5>
!qg = !quant.uniform<i8:f32:{1:1}, {0.25, 0.5}>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @per_group_scales_rank1(%x: tensor<2x8x!qa>, %w: tensor<8x2x!qg>) -> tensor<2x2x!qo> {
  // expected-error@+1 {{'qnn.matmul' op rhs must be a tensor of !quant.uniform}}
  %0 = qnn.matmul %x, %w : (tensor<2x8x!qa>, tensor<8x2x!qg>) -> tensor<2x2x!qo>
  return %0 : tensor<2x2x!qo>
}
