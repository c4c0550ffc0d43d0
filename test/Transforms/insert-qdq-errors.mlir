// RUN: quant-opt %s --split-input-file --quant-insert-qdq --verify-diagnostics
// RUN: not quant-opt %s --quant-insert-qdq="convention=tflite" 2>&1 | FileCheck %s --check-prefix=CONV
// RUN: not quant-opt %s --quant-insert-qdq="weights=int4" 2>&1 | FileCheck %s --check-prefix=WEIGHTS

// CONV: error: quant-insert-qdq: unknown convention 'tflite'; expected onnxruntime or pytorch
// WEIGHTS: error: quant-insert-qdq: unknown weights 'int4'; expected int8 or none

func.func @no_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{quant-insert-qdq: observer 'x' has no #qnn.range; run quant-infer-ranges first}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, stats = #qnn.stats<count = 4, min = 0.0, max = 1.0>} : tensor<4xf32>
  return %x0 : tensor<4xf32>
}

// -----

func.func @per_channel(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @below {{quant-insert-qdq: observer 'x': per-channel and per-group activations are not supported yet}}
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>, range = #qnn.range<min = 0.0, max = 1.0, source = "observed">} : tensor<2x2xf32>
  return %x0 : tensor<2x2xf32>
}
