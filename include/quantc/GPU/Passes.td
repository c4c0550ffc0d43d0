//===- Passes.td - QuantC NVIDIA GPU passes ----------------*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_GPU_PASSES_TD
#define QUANTC_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def GPUDp4aPass : Pass<"quant-gpu-dp4a", "::mlir::ModuleOp"> {
  let summary = "Rewrite int8 contractions into loops of 4-way dot products "
                "(nvvm.dot.accumulate.4way, PTX dp4a)";
  let description = [{
    Rewrites each `linalg.generic` on buffers that is an 8-bit integer
    contraction accumulating in 32 bits, with one reduction dimension and
    the body `acc + ext(a) * ext(b)` (`ext` = `arith.extsi` or
    `arith.extui` from i8, what `quant-lower-qnn` emits for `qnn.matmul`):

    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%a, %b : memref<MxKxi8>, memref<KxNxi8>) outs(%c : memref<MxNxi32>) {
    ^bb0(%x: i8, %y: i8, %acc: i32):
      %xe = arith.extsi %x : i8 to i32
      %ye = arith.extui %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %s = arith.addi %acc, %p : i32
      linalg.yield %s : i32
    }
    ```

    into an `scf.parallel` over the parallel dimensions whose body runs
    the reduction in groups of four bytes, then the `K mod 4` remainder
    with the original body:

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%M, %N) step (%c1, %c1) {
      %init = memref.load %c[%i, %j]
      %dot = scf.for %k = %c0 to %K4 step %c4 iter_args(%acc = %init) -> (i32) {
        %va = vector.from_elements %a[i,k], %a[i,k+1], %a[i,k+2], %a[i,k+3] : vector<4xi8>
        %vb = vector.from_elements %b[k,j], ... : vector<4xi8>
        %r = nvvm.dot.accumulate.4way %va <signed>, %vb <unsigned>, %acc
        scf.yield %r : i32
      }
      ... scalar remainder, memref.store ...
    }
    ```

    `nvvm.dot.accumulate.4way` becomes `dp4a.s32.s32`, `dp4a.s32.u32`,
    `dp4a.u32.s32` or `dp4a.u32.u32` in PTX, from the signedness of the two
    extensions. Other ops are left alone (they become plain loops).

    `emulate-dp4a` writes each 4-way dot product as its PTX ISA definition
    instead (each byte sign- or zero-extended to i32, multiplied, summed
    into the accumulator, wrapping), so the same loop nest runs on a CPU:
    the execution check of the GPU path ([GPU.md](../GPU.md)).
  }];
  let options = [
    Option<"emulateDp4a", "emulate-dp4a", "bool", /*default=*/"false",
           "Write the dot products as their arith definition (for running "
           "the loop nest on a CPU)">,
  ];
  let statistics = [
    Statistic<"numRewritten", "num-rewritten",
              "Number of int8 contractions rewritten to 4-way dot products">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::NVVM::NVVMDialect"
  ];
}

def GPUMmaPass : Pass<"quant-gpu-mma", "::mlir::ModuleOp"> {
  let summary = "Rewrite int8 matmuls into warp-level tensor-core "
                "mma.sync m16n8k32 tiles (sm_80 and later)";
  let description = [{
    Rewrites each int8 contraction `quant-gpu-dp4a` would take (on
    buffers, `acc + ext(a) * ext(b)`, one reduction dimension `k`) that is
    a matmul: exactly one parallel dimension `m` of the left operand alone,
    one `n` of the right operand alone, every other parallel dimension a
    batch dimension of the output, all sizes static. Any shape qualifies:
    `M`, `N` and `K` need not be multiples of the 16x8x32 tile; the
    fragment loads past an edge read a clamped in-bounds address and use
    0 instead (zeros add nothing to the products), and the stores past an
    edge are skipped. Other contractions (a matrix-vector product, dynamic
    sizes) are left alone, for `quant-gpu-dp4a`.

    Each warp computes one 16x8 tile of the output with
    `nvvm.mma.sync` (`mma.sync.aligned.m16n8k32.row.col.s32.{s8,u8}.{s8,u8}.s32`,
    the signedness from `arith.extsi`/`arith.extui`, wrapping like the
    i32 arithmetic it replaces), `K/32` rounded up steps long. Each lane
    loads its fragments as the PTX ISA lays them out (`g` = lane / 4,
    `t` = lane % 4; registers hold four bytes, the first in the low byte):

    | fragment | register `r`, byte `j` (element `i`) | element of the tile |
    | --- | --- | --- |
    | A (16x32, row) | 4 regs, `i = 4r + j` | row `g + 8 (r mod 2)`, k `4t + j + 16 (r / 2)` |
    | B (32x8, col) | 2 regs, `i = 4r + j` | k `4t + j + 16 r`, column `g` |
    | C, D (16x8, s32) | 4 values `i` | row `g + 8 (i / 2)`, column `2t + (i mod 2)` |

    ```mlir
    scf.parallel (%tm, %tn) = (%c0, %c0) to (...) {        // blocks
      scf.parallel (%wm, %wn, %lane) = ... to (2, 2, 32) { // warps, lanes
        %c:4 = memref.load %out[...]                       // C fragment
        %d:4 = scf.for %k0 = 0 to K' step 32 iter_args(%acc = %c) {
          %a0 = vector.bitcast (vector.from_elements 4 x memref.load %a[...]) : vector<4xi8> to vector<1xi32>
          ...
          %r = nvvm.mma.sync A[%a0, %a1, %a2, %a3] B[%b0, %b1] C[%acc#0, ...]
               {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>,
                layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<s8>, ...}
        }
        memref.store %d#i, %out[...]                       // D fragment
    ```

    The loops carry their `gpu.parallel_loop_mapping` (the tile loop on
    blocks, `warps` warps of 32 lanes per block: the lane on thread x, the
    warp on y and z), which `quant-gpu-tile-parallel-loops` and
    `gpu-map-parallel-loops` keep: a warp must be 32 consecutive lanes.
    Warps past the matrix (when the tile counts are not multiples of
    `warps`) skip the whole tile, uniformly across their lanes.

    `emulate-mma` builds the same per-lane fragment loads and stores, but
    runs the 32 lanes of a warp one after another into 32 x 4 fragment
    buffers and replaces the warp-level `mma.sync` by its PTX ISA
    definition: D(row, col) = C(row, col) + sum over k of A(row, k) *
    B(k, col), each operand read from the lane and register the ISA's
    fragment layout puts it in. The loop nest then runs on a CPU: the
    execution check of the GPU path ([GPU.md](../GPU.md)).
  }];
  let options = [
    Option<"emulateMma", "emulate-mma", "bool", /*default=*/"false",
           "Run the lanes of a warp one after another and the mma as its "
           "PTX ISA definition (for running the loop nest on a CPU)">,
    ListOption<"warps", "warps", "int64_t",
               "Warps per block along M and N (default 2,2)">,
  ];
  let statistics = [
    Statistic<"numRewritten", "num-rewritten",
              "Number of int8 matmuls rewritten to tensor-core mma">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::NVVM::NVVMDialect"
  ];
}

def GPUCheckTargetPass : Pass<"quant-gpu-check-target", "::mlir::ModuleOp"> {
  let summary = "Check what quant-nvptx-pipeline would otherwise fail on late "
                "or abort on";
  let description = [{
    The first step of `quant-nvptx-pipeline` after bufferization. Checks,
    with an error naming the value or option:

    - `chip` is `sm_80` or `sm_90`, and a `+ptxNN` in `features` gives a
      PTX ISA version the chip has (7.0 for sm_80, 7.8 for sm_90): the NVPTX
      backend aborts the process on either;
    - `tile-sizes` (the threads of a block along the tiled dimensions) are
      positive and multiply to at most 1024, the threads a block may have;
    - with `static-shapes`, every buffer of the functions (arguments,
      results, allocations) has a static shape: kernels take bare device
      pointers, which carry no sizes.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "NVPTX target chip: sm_80 or sm_90">,
    Option<"features", "features", "std::string", /*default=*/"\"+ptx80\"",
           "NVPTX target features (+ptxNN, the PTX ISA version)">,
    ListOption<"tileSizes", "tile-sizes", "int64_t",
               "Threads per block along the tiled dimensions">,
    Option<"staticShapes", "static-shapes", "bool", /*default=*/"true",
           "Require static buffer shapes (kernels take bare pointers)">,
  ];
}

def GPUTileParallelLoopsPass
    : Pass<"quant-gpu-tile-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Tile the innermost dimensions of each scf.parallel into "
                "blocks of threads";
  let description = [{
    Tiles each outermost `scf.parallel` (upstream's `tileParallelLoop`,
    with constant inner bounds and a guard for partial tiles) with
    `tile-sizes` aligned to its *innermost* dimensions, the leading ones
    left at 1: a `[1, M, N]` matmul output gets 16x16 tiles on M and N,
    where `scf-parallel-loop-tiling` would tile the batch of 1 and M. With
    `gpu-map-parallel-loops{mapping-policy=innermost-first}` the tile loop
    goes to blocks, the intra-tile loop to threads, the last dimension on
    x. A loop with fewer dimensions than `tile-sizes` takes the last ones.
    Loops that already carry a `gpu.parallel_loop_mapping` (the warps of
    `quant-gpu-mma`) are left as they are.

    ```mlir
    scf.parallel (%b, %m, %n) = (%c0, %c0, %c0) to (%c1, %c5, %c6) step (%c1, %c1, %c1)
    // tile-sizes=16,16 ->
    scf.parallel (%b, %m, %n) = ... step (%c1, %c16, %c16) {
      scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c1, %c16, %c16) ... {
        scf.if (in bounds) { ... }
    ```

    No diagnostics: `quant-gpu-check-target` checks the sizes first in the
    pipeline.
  }];
  let options = [
    ListOption<"tileSizes", "tile-sizes", "int64_t",
               "Tile sizes of the innermost dimensions (default 16,16)">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def GPUMergeKernelModulesPass
    : Pass<"quant-gpu-merge-kernel-modules", "::mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each kernel a `gpu.module` of its own,
    whose function keeps the name of the host function it came from: the
    modules serialize to as many PTX files, with clashing entry names.
    This pass moves every `gpu.func` into the first `gpu.module`, naming
    each kernel after the module it came from (unique in the host
    module), and updates the `gpu.launch_func` ops. The result serializes
    to one PTX text that one `cuModuleLoadData` loads.

    Only modules holding functions alone, with the same targets, merge;
    anything else is an error naming the module.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GPUNativeMathPass : Pass<"quant-gpu-native-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower the math ops of quantized kernels to LLVM intrinsics "
                "NVPTX has natively, not to libdevice calls";
  let description = [{
    `convert-gpu-to-nvvm` lowers `math.roundeven` and `math.fma` to calls of
    libdevice's `__nv_rintf` and `__nv_fmaf`, which the serializer links only
    when it finds a CUDA toolkit at run time: without one the PTX holds
    unresolved externs that ptxas rejects. The requantizing epilogues of
    `quant-lower-qnn` use only these two, and NVPTX selects LLVM intrinsics
    for them directly (`cvt.rni`, `fma.rn`), so in kernels they become
    `llvm.intr.rint` (round to nearest, ties to even, in the default
    rounding mode that kernels run in; `convert-gpu-to-nvvm` would send
    `llvm.intr.roundeven` to libdevice again) and `llvm.intr.fma`: the PTX
    of a quantized model is then the same with or without a toolkit. Other
    math ops (from float layers) keep the libdevice path.

    ```mlir
    %r = math.roundeven %x : f32      // -> llvm.intr.rint(%x) : (f32) -> f32
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QUANTC_GPU_PASSES_TD
