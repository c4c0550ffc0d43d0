// RUN: split-file %s %t
// RUN: quant-opt %t/static.mlir --quant-gpu-check-target | FileCheck %s
// RUN: quant-opt %t/static.mlir --quant-gpu-check-target="chip=sm_90 features=+ptx78 tile-sizes=32,32" | FileCheck %s
// RUN: quant-opt %t/static.mlir --quant-gpu-check-target="chip=sm_90 features=+ptx80,+some-other" | FileCheck %s
// RUN: quant-opt %t/dynamic.mlir --quant-gpu-check-target="static-shapes=false" | FileCheck %s --check-prefix=DYNAMIC

//--- static.mlir
// Supported targets and static buffers pass through unchanged.
// CHECK-LABEL: func.func @static
// CHECK-NEXT:    memref.alloc() : memref<4x8xi32>
func.func @static(%a: memref<4x8xi8>) -> memref<4x8xi32> {
  %r = memref.alloc() : memref<4x8xi32>
  return %r : memref<4x8xi32>
}

//--- dynamic.mlir
// Dynamic shapes only with static-shapes=false (emulate-on-cpu).
// DYNAMIC-LABEL: func.func @dynamic
// DYNAMIC-SAME:    memref<?x8xi8>
func.func @dynamic(%a: memref<?x8xi8>) {
  return
}
