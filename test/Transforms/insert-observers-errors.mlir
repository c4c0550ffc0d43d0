// RUN: not quant-opt %s --quant-insert-observers="recipe=int7" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not quant-opt %s --quant-insert-observers="recipe='#qnn.recipe<storage = ui8>'" 2>&1 | FileCheck %s --check-prefix=TEXT
// RUN: quant-opt %s --quant-insert-observers="recipe='#qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 3>'" --verify-diagnostics

// RUN: not quant-opt %s --quant-insert-observers="method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s --quant-insert-observers="method=percentile percentile=20" 2>&1 | FileCheck %s --check-prefix=PCT

// METHOD: error: quant-insert-observers: unknown method 'kl'; expected minmax, avg-minmax, percentile, entropy or mse
// PCT: error: quant-insert-observers: percentile 2.000000e+01 is not in (50, 100]
// NAME: error: quant-insert-observers: unknown recipe 'int7'; expected int8, int8-symmetric, int16, int4-weight-only, a #qnn.recipe<...> or a .json recipe file
// A #qnn.recipe that does not parse (no scheme).
// TEXT: error: quant-insert-observers: unknown recipe '#qnn.recipe<storage = ui8>'

// A recipe the tensor cannot take: axis 3 of a rank-2 tensor (the graph
// input, observed at the function).
// expected-error @below {{quant-insert-observers: recipe #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 3> on 'tensor<2x4xf32>': recipe axis 3 is out of range for a tensor of rank 2}}
func.func @axis(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = tosa.add %a, %a : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}
