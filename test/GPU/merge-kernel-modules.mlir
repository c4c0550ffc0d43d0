// RUN: quant-opt %s --split-input-file --quant-gpu-merge-kernel-modules | FileCheck %s

// Two outlined kernels with the same function name: the second takes its
// module's name, and its launch follows it.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK:         func.func @host
// CHECK:           gpu.launch_func @f_kernel::@f_kernel blocks
// CHECK:           gpu.launch_func @f_kernel::@f_kernel_0 blocks
// CHECK:         gpu.module @f_kernel {
// CHECK:           gpu.func @f_kernel(%{{.*}}: memref<4xi32>) kernel
// CHECK:             memref.store
// CHECK:           gpu.func @f_kernel_0(%{{.*}}: memref<4xi32>) kernel
// CHECK:             memref.load
// CHECK-NOT:     gpu.module
module attributes {gpu.container_module} {
  func.func @host(%m: memref<4xi32>) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    gpu.launch_func @f_kernel::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%m : memref<4xi32>)
    gpu.launch_func @f_kernel_0::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%m : memref<4xi32>)
    return
  }
  gpu.module @f_kernel {
    gpu.func @f_kernel(%arg0: memref<4xi32>) kernel {
      %t = gpu.thread_id x
      %c0 = arith.constant 0 : i32
      memref.store %c0, %arg0[%t] : memref<4xi32>
      gpu.return
    }
  }
  gpu.module @f_kernel_0 {
    gpu.func @f_kernel(%arg0: memref<4xi32>) kernel {
      %t = gpu.thread_id x
      %v = memref.load %arg0[%t] : memref<4xi32>
      %w = arith.addi %v, %v : i32
      memref.store %w, %arg0[%t] : memref<4xi32>
      gpu.return
    }
  }
}

// -----

// One kernel module: nothing to do.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK:         gpu.launch_func @k::@k
// CHECK:         gpu.module @k {
// CHECK:           gpu.func @k
module attributes {gpu.container_module} {
  func.func @host(%m: memref<4xi32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xi32>)
    return
  }
  gpu.module @k {
    gpu.func @k(%arg0: memref<4xi32>) kernel {
      gpu.return
    }
  }
}
