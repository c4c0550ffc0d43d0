// RUN: quant-opt %s --split-input-file --quant-infer-ranges --verify-diagnostics
// RUN: not quant-opt %s --quant-infer-ranges="method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s --quant-infer-ranges="percentile=20" 2>&1 | FileCheck %s --check-prefix=PCT

// METHOD: error: quant-infer-ranges: unknown method 'kl'; expected minmax, avg-minmax, percentile, entropy or mse
// PCT: error: quant-infer-ranges: percentile 2.000000e+01 is not in (50, 100]

func.func @no_stats(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{quant-infer-ranges: observer 'x' has no #qnn.stats and its producer gives no range; calibrate first (quant-run --calibrate -o, or quant-calibrate)}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<4xf32>
  return %x0 : tensor<4xf32>
}

// -----

func.func @no_histogram(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{quant-infer-ranges: observer 'x': method entropy needs a histogram, which its #qnn.stats does not hold (only min/max were recorded: calibrate with a histogram method in the recipe)}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = entropy>, stats = #qnn.stats<count = 4, min = 0.0, max = 1.0>} : tensor<4xf32>
  return %x0 : tensor<4xf32>
}

// -----

func.func @no_averages(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{quant-infer-ranges: observer 'x': method moving-average needs moving averages (avg_min, avg_max), which its #qnn.stats does not hold}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = avg_minmax>, stats = #qnn.stats<count = 4, min = 0.0, max = 1.0>} : tensor<4xf32>
  return %x0 : tensor<4xf32>
}

// -----

func.func @nothing_finite(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{quant-infer-ranges: observer 'x' saw no finite value}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, stats = #qnn.stats<count = 0, min = 0.0, max = 0.0>} : tensor<4xf32>
  return %x0 : tensor<4xf32>
}

// -----

func.func @per_channel(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{quant-infer-ranges: observer 'x' has per-channel statistics; per-channel activation ranges are not supported yet}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>, channel_stats = [#qnn.stats<count = 2, min = 0.0, max = 1.0>, #qnn.stats<count = 2, min = -1.0, max = 1.0>]} : tensor<2x2xf32>
  return %x0 : tensor<2x2xf32>
}
