// RUN: quant-opt %s --split-input-file --verify-diagnostics

// expected-error@+1 {{range min 2.000000e+00 is greater than max 1.000000e+00}}
#r = #qnn.range<min = 2.0, max = 1.0, source = "observed">

// -----

// expected-error@+1 {{range source must be observed, propagated, fixed or shared, got "guessed"}}
#r = #qnn.range<min = 0.0, max = 1.0, source = "guessed">

// -----

// A re-binned histogram may sum to the count up to float32 rounding, not
// further.
// expected-error@+1 {{histogram holds 3.50 elements but count is 3}}
#s = #qnn.stats<count = 3, min = 0.0, max = 1.0, hist_min = 0.0, hist_max = 1.0, hist_counts = [1.25, 2.25]>

// -----

func.func @both(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{'qnn.observe' op has both stats and channel_stats}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>, stats = #qnn.stats<count = 2, min = 0.0, max = 1.0>, channel_stats = [#qnn.stats<count = 2, min = 0.0, max = 1.0>, #qnn.stats<count = 2, min = 0.0, max = 1.0>]} : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @per_tensor(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{'qnn.observe' op has channel_stats but its recipe is per tensor}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, channel_stats = [#qnn.stats<count = 2, min = 0.0, max = 1.0>]} : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @count(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error@+1 {{'qnn.observe' op has 1 channel_stats for 2 channels on axis 0}}
  %0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>, channel_stats = [#qnn.stats<count = 2, min = 0.0, max = 1.0>]} : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
