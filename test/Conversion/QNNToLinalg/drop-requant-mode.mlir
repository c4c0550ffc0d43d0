// RUN: quant-opt %s --quant-drop-requant-mode | FileCheck %s

// The mode is removed once lowered; other module attributes stay.
// CHECK:       module attributes {other.attr = 1 : i32} {
// CHECK-NOT:   qnn.requant_mode
module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>, other.attr = 1 : i32} {
  func.func @f() {
    return
  }
}
