// RUN: quant-opt %s --split-input-file --quant-lower-qnn=calibrate | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-lower-qnn | FileCheck %s --check-prefix=IDENTITY
// RUN: quant-opt %s --split-input-file --quant-cpu-pipeline=calibrate | FileCheck %s --check-prefix=LLVM

// In calibration mode each qnn.observe also calls the host function with
// its tensor's buffer (any layout, as memref<*xf32>) and its observer id;
// without it, qnn.observe is the identity.

// CHECK:       func.func private @quantc_calibration_jit_observe(i64, memref<*xf32>)
// CHECK-LABEL: func.func @observe
// CHECK-SAME:    (%[[X:.*]]: tensor<2x4xf32>)
// CHECK:         %[[M:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x4xf32> to memref<2x4xf32, strided<[?, ?], offset: ?>>
// CHECK:         %[[U:.*]] = memref.cast %[[M]] : memref<2x4xf32, strided<[?, ?], offset: ?>> to memref<*xf32>
// CHECK:         %[[ID:.*]] = arith.constant 3 : i64
// CHECK:         call @quantc_calibration_jit_observe(%[[ID]], %[[U]]) : (i64, memref<*xf32>) -> ()
// CHECK:         return %[[X]]

// IDENTITY-NOT:  quantc_calibration_jit_observe
// IDENTITY:      func.func @observe(%[[X:.*]]: tensor<2x4xf32>)
// IDENTITY-NEXT:   return %[[X]]

// MLIR's default lowering of an unranked memref argument: rank and a
// pointer to the ranked descriptor.
// LLVM: llvm.func @quantc_calibration_jit_observe(i64, i64, !llvm.ptr)
// LLVM: llvm.call @quantc_calibration_jit_observe
func.func @observe(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = qnn.observe %x {name = "x", quantc.observer_id = 3 : i64, recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
