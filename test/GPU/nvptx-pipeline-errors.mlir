// Bad targets and dynamic shapes stop quant-nvptx-pipeline with a
// diagnostic, before the NVPTX backend (which would abort) runs.
// RUN: not quant-opt %s --quant-nvptx-pipeline=chip=sm_75 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not quant-opt %s --quant-nvptx-pipeline="chip=sm_90 features=+ptx70" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not quant-opt %s --quant-nvptx-pipeline="tile-sizes=64,64" 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not quant-opt %s --quant-nvptx-pipeline 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// CHIP: error: unsupported NVPTX chip 'sm_75': the NVPTX pipeline targets sm_80 or sm_90
// PTX: error: PTX ISA 7.0 ('+ptx70') does not support sm_90: it needs +ptx78 or later
// TILE: error: tile sizes [64, 64] give more than 1024 threads per block
// DYNAMIC: error: argument #0 of @linear has the dynamic type 'memref<?x16xi8>': the NVPTX pipeline needs static shapes (kernels take bare pointers)

// A dynamic batch runs on the CPU path, not in kernels.
// RUN: quant-opt %s --quant-nvptx-pipeline=emulate-on-cpu=true | FileCheck %s --check-prefix=CPU
// CPU: llvm.func @linear

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @linear(%x: tensor<?x16x!qa>, %w: tensor<16x8x!qw>) -> tensor<?x8x!qo> {
  %y = qnn.matmul %x, %w : (tensor<?x16x!qa>, tensor<16x8x!qw>) -> tensor<?x8x!qo>
  return %y : tensor<?x8x!qo>
}
