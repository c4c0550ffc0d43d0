// RUN: quant-opt %s --quant-nvptx-pipeline="mma=false" --mlir-print-ir-after=quant-gpu-merge-kernel-modules -o %t.mlir 2> %t.gpu.mlir
// RUN: FileCheck %s --check-prefix=GPU < %t.gpu.mlir
// RUN: FileCheck %s --check-prefix=BIN < %t.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t.mlir | FileCheck %s --check-prefix=PTX
// RUN: quant-opt %s --quant-nvptx-pipeline="chip=sm_90 mma=false" | FileCheck %s --check-prefix=SM90

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// A quantized linear layer with runtime weights: quant-lower-qnn's raw
// i8 x i8 contraction, the zero-point correction and the requantizing
// epilogue each become a kernel; the contraction's runs on dp4a (mma=false;
// nvptx-pipeline-mma.mlir has it on tensor cores).

// The gpu dialect after outlining: one gpu.module, one kernel per loop nest,
// 16x16 threads per block over the 32x16 output.
// GPU-LABEL: IR Dump After GPUMergeKernelModulesPass
// GPU:         func.func @linear(%[[X:.*]]: memref<32x64xi8>, %[[W:.*]]: memref<64x16xi8>) -> memref<32x16xi8>
// GPU-DAG:       %[[C1:.*]] = arith.constant 1 : index
// GPU-DAG:       %[[C2:.*]] = arith.constant 2 : index
// GPU-DAG:       %[[C16:.*]] = arith.constant 16 : index
// GPU:           gpu.launch_func @linear_kernel::@linear_kernel blocks in
// GPU:           gpu.launch_func @linear_kernel::@linear_kernel_0 blocks in (%[[C1]], %[[C2]], %[[C1]]) threads in (%[[C16]], %[[C16]], %[[C1]]) args(%{{.*}} : memref<32x16xi32>, %[[X]] : memref<32x64xi8>, %[[W]] : memref<64x16xi8>)
// GPU:         gpu.module @linear_kernel {
// GPU:           gpu.func @linear_kernel_0(%{{.*}}: memref<32x16xi32>, %{{.*}}: memref<32x64xi8>, %{{.*}}: memref<64x16xi8>) kernel
// GPU:             gpu.block_id x
// GPU:             gpu.thread_id x
// GPU:             scf.for
// GPU:               vector.from_elements {{.*}} : vector<4xi8>
// GPU:               nvvm.dot.accumulate.4way %{{.*}} <signed>, %{{.*}} <signed>, %{{.*}} : vector<4xi8>, vector<4xi8>
// GPU-NOT:     gpu.module

// The end state: one gpu.binary holding the PTX (format isa), the host in
// the LLVM dialect launching its kernels.
// BIN:         llvm.func @linear
// BIN:           gpu.launch_func @linear_kernel::@linear_kernel_0
// BIN:         gpu.binary @linear_kernel [#gpu.object<#nvvm.target<chip = "sm_80", features = "+ptx80">, {{.*}}assembly = "
// BIN-NOT:     gpu.binary

// PTX:         .version 8.0
// PTX:         .target sm_80
// PTX-NOT:     __nv_
// PTX:         .visible .entry linear_kernel(
// PTX:         .visible .entry linear_kernel_0(
// PTX-NEXT:      .param .u64 .ptr .align 1 linear_kernel_0_param_0,
// PTX:           dp4a.s32.s32
// PTX:         .visible .entry linear_kernel_1(
// PTX-NOT:       dp4a
// PTX:           cvt.rni.f32.f32

// SM90:        #nvvm.target<chip = "sm_90", features = "+ptx80">
// SM90-SAME:   .target sm_90
func.func @linear(%x: tensor<32x64x!qa>, %w: tensor<64x16x!qw>) -> tensor<32x16x!qo> {
  %y = qnn.matmul %x, %w : (tensor<32x64x!qa>, tensor<64x16x!qw>) -> tensor<32x16x!qo>
  return %y : tensor<32x16x!qo>
}
