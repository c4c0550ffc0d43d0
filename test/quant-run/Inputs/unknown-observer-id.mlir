// A model whose code observes with an id the runtime never gave out: its
// one qnn.observe is id 0, the hand-written call says 7.
func.func private @quantc_calibration_jit_observe(i64, memref<*xf32>)

func.func @bad_id(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x4xf32>
  %m = bufferization.to_buffer %x read_only : tensor<2x4xf32> to memref<2x4xf32, strided<[?, ?], offset: ?>>
  %u = memref.cast %m : memref<2x4xf32, strided<[?, ?], offset: ?>> to memref<*xf32>
  %c7 = arith.constant 7 : i64
  call @quantc_calibration_jit_observe(%c7, %u) : (i64, memref<*xf32>) -> ()
  return %y : tensor<2x4xf32>
}
