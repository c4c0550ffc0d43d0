// RUN: quant-opt %s --split-input-file --quant-lower-qnn=requant-mode=fixedpoint --verify-diagnostics

// s_in / s_out overflows double: no Q31 multiplier/shift represents it.
func.func @fixedpoint_infinite_multiplier(%x: tensor<4x!quant.uniform<i8:f64, 1.0e300>>) -> tensor<4x!quant.uniform<i8:f64, 1.0e-300>> {
  // expected-error@+1 {{requant-mode=fixedpoint: merged scale INF: multiplier inf is not a finite value >= 0}}
  %0 = qnn.requantize %x : tensor<4x!quant.uniform<i8:f64, 1.0e300>> -> tensor<4x!quant.uniform<i8:f64, 1.0e-300>>
  return %0 : tensor<4x!quant.uniform<i8:f64, 1.0e-300>>
}
