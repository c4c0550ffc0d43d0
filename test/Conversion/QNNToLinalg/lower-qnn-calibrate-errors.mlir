// RUN: quant-opt %s --split-input-file --quant-lower-qnn=calibrate --verify-diagnostics

func.func @no_id(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{qnn.observe 'x' has no integer 'quantc.observer_id' (quant-run --calibrate numbers the observers)}}
  %y = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @f16(%x: tensor<2x4xf16>) -> tensor<2x4xf16> {
  // expected-error @below {{calibration observes f32 tensors, got 'tensor<2x4xf16>'}}
  %y = qnn.observe %x {name = "x", quantc.observer_id = 0 : i64, recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}

// -----

// expected-error @below {{@quantc_calibration_jit_observe must have type '(i64, memref<*xf32>) -> ()' for quant-lower-qnn{calibrate}, got '(i64) -> ()'}}
func.func private @quantc_calibration_jit_observe(i64)

func.func @clash(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = qnn.observe %x {name = "x", quantc.observer_id = 0 : i64, recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
