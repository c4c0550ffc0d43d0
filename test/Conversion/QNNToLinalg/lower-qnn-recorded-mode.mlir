// RUN: quant-opt %s --quant-lower-qnn | FileCheck %s
// RUN: quant-opt %s --quant-lower-qnn=requant-mode=fixedpoint | FileCheck %s

// Without the option, the module's qnn.requant_mode decides; an option
// that agrees with it changes nothing. The attribute stays on the module.
// CHECK:       module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>}
// CHECK-LABEL: @recorded_mode
// CHECK:         arith.divsi
// CHECK-NOT:     arith.sitofp
module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
  func.func @recorded_mode(%x: tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.3>> {
    %0 = qnn.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.3>>
    return %0 : tensor<4x!quant.uniform<i8:f32, 0.3>>
  }
}
