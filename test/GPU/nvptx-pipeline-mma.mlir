// RUN: quant-opt %s --quant-nvptx-pipeline --mlir-print-ir-after=quant-gpu-merge-kernel-modules -o %t.mlir 2> %t.gpu.mlir
// RUN: FileCheck %s --check-prefix=GPU < %t.gpu.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t.mlir | FileCheck %s --check-prefix=PTX
// RUN: quant-opt %s --quant-nvptx-pipeline="chip=sm_90" -o %t.sm90.mlir
// RUN: %python %S/Inputs/extract_ptx.py %t.sm90.mlir | FileCheck %s --check-prefix=SM90

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// The layer of nvptx-pipeline.mlir with mma on (the default): the raw
// i8 x i8 contraction, 32x64 @ 64x16, runs on tensor cores, one 16x8 tile
// per warp, 2x2 warps per block of (32, 2, 2) threads, one block; the
// accumulator zeroing, zero-point correction and requantizing epilogue
// stay the kernels they were.
// GPU-LABEL: IR Dump After GPUMergeKernelModulesPass
// GPU:         func.func @linear(%[[X:.*]]: memref<32x64xi8>, %[[W:.*]]: memref<64x16xi8>) -> memref<32x16xi8>
// GPU-DAG:       %[[C1:.*]] = arith.constant 1 : index
// GPU-DAG:       %[[C2:.*]] = arith.constant 2 : index
// GPU-DAG:       %[[C32:.*]] = arith.constant 32 : index
// GPU:           gpu.launch_func @linear_kernel::@linear_kernel blocks in
// GPU:           gpu.launch_func @linear_kernel::@linear_kernel_0 blocks in (%[[C1]], %[[C1]], %[[C1]]) threads in (%[[C32]], %[[C2]], %[[C2]]) args(%{{.*}} : memref<32x16xi32>, %[[X]] : memref<32x64xi8>, %[[W]] : memref<64x16xi8>)
// GPU:           gpu.launch_func @linear_kernel::@linear_kernel_3
// GPU:         gpu.module @linear_kernel {
// GPU:           gpu.func @linear_kernel_0(%{{.*}}: memref<32x16xi32>, %{{.*}}: memref<32x64xi8>, %{{.*}}: memref<64x16xi8>) kernel attributes {known_block_size = array<i32: 32, 2, 2>, known_grid_size = array<i32: 1, 1, 1>}
// GPU:             gpu.thread_id x
// GPU:             scf.for
// GPU:               nvvm.mma.sync
// GPU-SAME:            multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// GPU-NOT:     nvvm.dot.accumulate.4way

// PTX:         .target sm_80
// PTX-NOT:     dp4a
// PTX:         .visible .entry linear_kernel_0(
// PTX:           mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
// PTX:         .visible .entry linear_kernel_1(
// PTX-NOT:     mma.sync
// PTX:           cvt.rni.f32.f32
// PTX-NOT:     dp4a

// SM90:        .target sm_90
// SM90:          mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
func.func @linear(%x: tensor<32x64x!qa>, %w: tensor<64x16x!qw>) -> tensor<32x16x!qo> {
  %y = qnn.matmul %x, %w : (tensor<32x64x!qa>, tensor<64x16x!qw>) -> tensor<32x16x!qo>
  return %y : tensor<32x16x!qo>
}
