// Upstream folds quant.dcast(quant.qcast(x)) into x, so plain canonicalize
// erases a fake-quantization:
// RUN: quant-opt %s --canonicalize | FileCheck %s --check-prefix=UPSTREAM
// UPSTREAM-LABEL: func.func @fake_quant
// UPSTREAM-NOT:     quant.qcast
// UPSTREAM:         return %arg0
//
// The CPU pipeline (which runs canonicalize after lowering) keeps it: the
// printed values are quantized to steps of 0.25 and saturate at [-32, 31.75].
// RUN: quant-opt %s --quant-cpu-pipeline -o %t.mlir
// RUN: mlir-runner %t.mlir -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s
// RUN: quant-opt %s --quant-cpu-pipeline=emulate-qdq=true -o %t.emulated.mlir
// RUN: mlir-runner %t.emulated.mlir -e main -entry-point-result=void -shared-libs=%mlir_runner_libs | FileCheck %s
//
// x / 0.25:   0.4  1.2  1.04  1.5  2.5  -1.5  400  -400
// rounded:    0    1    1     2    2    -2    127  -128
// CHECK: [0,  0.25,  0.25,  0.5,  0.5,  -0.5,  31.75,  -32]

!q = !quant.uniform<i8:f32, 0.25>

func.func @fake_quant(%x: tensor<8xf32>) -> tensor<8xf32> {
  %q = quant.qcast %x : tensor<8xf32> to tensor<8x!q>
  %d = quant.dcast %q : tensor<8x!q> to tensor<8xf32>
  return %d : tensor<8xf32>
}

func.func @main() {
  %x = arith.constant dense<[0.1, 0.3, 0.26, 0.375, 0.625, -0.375, 100.0, -100.0]> : tensor<8xf32>
  %y = call @fake_quant(%x) : (tensor<8xf32>) -> tensor<8xf32>
  %u = tensor.cast %y : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
