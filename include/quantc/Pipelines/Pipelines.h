//===- Pipelines.h - QuantC pass pipelines ----------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The staged pipelines of docs/Pipelines.md, as C++ builders (for compilers
// that embed QuantC) and as named pipelines (for quant-opt and mlir-opt).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_PIPELINES_PIPELINES_H
#define QUANTC_PIPELINES_PIPELINES_H

#include "quantc/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace quantc {

/// Options of `quant-cpu-pipeline`.
struct CPUPipelineOptions : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> emulateQDQ{
      *this, "emulate-qdq",
      llvm::cl::desc("Do not fold QDQ form into qnn ops: run every "
                     "quant.qcast/dcast as float fake-quantization (a "
                     "differently lowered reference for the integer path)"),
      llvm::cl::init(false)};
  Option<std::string> requantMode{
      *this, "requant-mode",
      llvm::cl::desc("Requantization numerics of quant-lower-qnn: fp32, "
                     "fixedpoint, tosa-double-round or tosa-single-round "
                     "(default: the module's qnn.requant_mode, else fp32)"),
      llvm::cl::init("")};
  Option<bool> calibrate{
      *this, "calibrate",
      llvm::cl::desc("Lower each qnn.observe to a call of the calibration "
                     "host function (quant-lower-qnn{calibrate})"),
      llvm::cl::init(false)};
  Option<bool> convToMatmul{
      *this, "conv-to-matmul",
      llvm::cl::desc("Run one-group convolutions with constant weights as "
                     "im2col + qnn.matmul (quant-conv-to-matmul); the x86, "
                     "AArch64 and NVPTX pipelines always do"),
      llvm::cl::init(false)};
};

/// QDQ interchange form -> qnn ops -> integer linalg on tensors
/// (quant-fold-qdq, quant-lower-qnn).
void buildQuantizedToLinalgPipeline(mlir::OpPassManager &pm,
                                    const CPUPipelineOptions &options = {});

/// What buildLinalgToLLVMPipeline lowers beside linalg.
struct LinalgToLLVMOptions {
  /// Vector ops (from a target's vectorization): transfers to loops, then
  /// convert-vector-to-llvm.
  bool lowerVectors = false;
  /// Keep arm_neon intrinsics legal in convert-vector-to-llvm.
  bool armNeon = false;
  /// u8 x u8 contracts as udot (quant-neon-udot), after bufferization.
  bool neonUnsignedDot = false;
};

/// Linalg/TOSA on tensors -> LLVM dialect: TOSA to linalg, bufferization,
/// loops, LLVM. The module keeps its float code beside the quantized code.
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                               const LinalgToLLVMOptions &options = {});

/// `quant-cpu-pipeline`: the whole path from QDQ form to the LLVM dialect,
/// runnable by mlir-runner or the ExecutionEngine.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options = {});

/// Options of `quant-x86-pipeline`.
struct X86PipelineOptions : public mlir::PassPipelineOptions<X86PipelineOptions> {
  Option<bool> emulateQDQ{
      *this, "emulate-qdq",
      llvm::cl::desc("As quant-cpu-pipeline's emulate-qdq (no qnn ops, so "
                     "no VNNI kernels)"),
      llvm::cl::init(false)};
  Option<std::string> requantMode{
      *this, "requant-mode",
      llvm::cl::desc("As quant-cpu-pipeline's requant-mode"),
      llvm::cl::init("")};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("Threads of the contraction kernels: above 1, their "
                     "row blocks x column panels run as an OpenMP parallel "
                     "loop (the code then needs libomp)"),
      llvm::cl::init(1)};
  Option<int64_t> minParallelMultiplyAdds{
      *this, "min-parallel-multiply-adds",
      llvm::cl::desc("With threads: kernels of fewer multiply-adds run on "
                     "one thread (a parallel region costs more than half "
                     "their time)"),
      llvm::cl::init(kDefaultMinParallelMultiplyAdds)};
  Option<int64_t> minParallelTransposeBytes{
      *this, "min-parallel-transpose-bytes",
      llvm::cl::desc("With threads: 8-bit transposes of fewer bytes run on "
                     "one thread"),
      llvm::cl::init(kDefaultMinParallelTransposeBytes)};
  Option<unsigned> tileRows{
      *this, "tile-rows",
      llvm::cl::desc("Rows of the VNNI register tile (quant-x86-vnni; 0: "
                     "chosen per matmul)"),
      llvm::cl::init(0)};
  Option<unsigned> tileVectors{
      *this, "tile-vectors",
      llvm::cl::desc("16-column zmm vectors of the VNNI register tile (0: "
                     "chosen per matmul)"),
      llvm::cl::init(0)};
};

/// `quant-x86-pipeline`: buildCPUPipeline with the int8 contractions lowered
/// to AVX-512 VNNI kernels (quant-x86-vnni); same LLVM-dialect end state.
void buildX86Pipeline(mlir::OpPassManager &pm,
                      const X86PipelineOptions &options = {});

/// Options of `quant-aarch64-pipeline`.
struct AArch64PipelineOptions
    : public mlir::PassPipelineOptions<AArch64PipelineOptions> {
  Option<std::string> requantMode{
      *this, "requant-mode",
      llvm::cl::desc("Requantization numerics of quant-lower-qnn (as in "
                     "quant-cpu-pipeline)"),
      llvm::cl::init("")};
  Option<bool> i8mm{*this, "i8mm",
                    llvm::cl::desc("Contractions as smmla/ummla/usmmla "
                                   "(FEAT_I8MM)"),
                    llvm::cl::init(true)};
  Option<bool> dotprod{*this, "dotprod",
                       llvm::cl::desc("Contractions as sdot (FEAT_DotProd) "
                                      "where i8mm is off"),
                       llvm::cl::init(true)};
};

/// `quant-aarch64-pipeline`: quant-cpu-pipeline with the integer
/// contractions tiled into NEON dot products (quant-neon-contraction)
/// before bufferization, and the vector code lowered to LLVM with the
/// arm_neon intrinsics.
void buildAArch64Pipeline(mlir::OpPassManager &pm,
                          const AArch64PipelineOptions &options = {});

/// Options of `quant-nvptx-pipeline`.
struct NVPTXPipelineOptions
    : public mlir::PassPipelineOptions<NVPTXPipelineOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("NVPTX target chip: sm_80 or sm_90"),
                           llvm::cl::init("sm_80")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX target features, e.g. +ptx80 (the PTX ISA "
                     "version; sm_90 needs +ptx78 or later). Default: +ptx80"),
      llvm::cl::init("")};
  Option<std::string> requantMode{
      *this, "requant-mode",
      llvm::cl::desc("Requantization numerics of quant-lower-qnn (as in "
                     "quant-cpu-pipeline)"),
      llvm::cl::init("")};
  ListOption<int64_t> tileSizes{
      *this, "tile-sizes",
      llvm::cl::desc("Tile sizes of the innermost parallel loop dimensions: "
                     "threads per block along each (default 16,16)")};
  Option<bool> emulateOnCPU{
      *this, "emulate-on-cpu",
      llvm::cl::desc("Stop before the GPU mapping: lower the tiled dp4a-form "
                     "loop nest, each dp4a written as its PTX definition, to "
                     "the LLVM dialect for the CPU (the execution check of "
                     "the GPU path); mma tiles run lane after lane, each mma "
                     "as its PTX definition"),
      llvm::cl::init(false)};
  Option<bool> mma{
      *this, "mma",
      llvm::cl::desc("Int8 matmuls (static shapes, any size) on tensor cores: "
                     "warp-level mma.sync m16n8k32 (quant-gpu-mma, sm_80 and "
                     "later); other int8 contractions, or all with "
                     "mma=false, on dp4a"),
      llvm::cl::init(true)};
};

/// `quant-nvptx-pipeline`: QDQ form -> integer linalg -> buffers -> mma
/// tiles and dp4a loops -> tiled parallel loops on blocks and threads ->
/// outlined kernels in one gpu.module -> NVVM -> PTX, left in one
/// `gpu.binary` of format isa (extractPTX). The host code is in the LLVM
/// dialect with gpu.launch_func.
void buildNVPTXPipeline(mlir::OpPassManager &pm,
                        const NVPTXPipelineOptions &options = {});

/// The PTX features the NVPTX pipeline uses: `options.features`, else
/// +ptx80.
std::string resolvePTXFeatures(const NVPTXPipelineOptions &options);

/// The PTX text of a module buildNVPTXPipeline compiled: its one NVPTX
/// assembly object. Emits an error on `module` and fails otherwise.
mlir::FailureOr<std::string> extractPTX(mlir::ModuleOp module);

/// Dialects, NVVM target attribute models and LLVM IR translations that
/// running buildNVPTXPipeline needs (quant-opt registers them all).
void registerNVPTXPipelineDependencies(mlir::DialectRegistry &registry);

/// Registers the named pipelines above.
void registerPipelines();

} // namespace quantc

#endif // QUANTC_PIPELINES_PIPELINES_H
