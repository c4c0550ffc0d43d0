// RUN: quant-opt %s --pass-pipeline="builtin.module(gpu.module(quant-gpu-native-math))" | FileCheck %s

// Kernel math of the requantizing epilogues without libdevice; other math
// ops and host code are left alone.
// CHECK-LABEL: func.func @host
// CHECK:         math.roundeven
// CHECK-LABEL: gpu.module @kernels
// CHECK:         gpu.func @epilogue(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[V:.*]]: vector<4xf32>,
// CHECK:           %[[R:.*]] = llvm.intr.rint(%[[X]]) : (f32) -> f32
// CHECK:           %[[F:.*]] = llvm.intr.fma(%[[R]], %[[Y]], %[[X]]) : (f32, f32, f32) -> f32
// CHECK-DAG:       llvm.intr.rint(%[[V]]) : (vector<4xf32>) -> vector<4xf32>
// CHECK-DAG:       math.exp %[[F]] : f32
// CHECK-NOT:       math.roundeven
module attributes {gpu.container_module} {
  func.func @host(%x: f32) -> f32 {
    %r = math.roundeven %x : f32
    return %r : f32
  }
  gpu.module @kernels {
    gpu.func @epilogue(%x: f32, %y: f32, %v: vector<4xf32>, %out: memref<f32>, %vout: memref<vector<4xf32>>) kernel {
      %r = math.roundeven %x : f32
      %f = math.fma %r, %y, %x : f32
      %w = math.roundeven %v : vector<4xf32>
      %e = math.exp %f : f32
      memref.store %e, %out[] : memref<f32>
      memref.store %w, %vout[] : memref<vector<4xf32>>
      gpu.return
    }
  }
}
