//===- Pipelines.cpp - QuantC pass pipelines --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace quantc;

void quantc::buildQuantizedToLinalgPipeline(OpPassManager &pm,
                                            const CPUPipelineOptions &options) {
  // No canonicalize before quant-lower-qnn: upstream folds
  // quant.dcast(quant.qcast(x)) into x, dropping fake-quantization.
  if (!options.emulateQDQ) {
    pm.addPass(createFoldQDQPass());
    pm.addPass(createFuseRequantPass());
  }
  LowerQNNPassOptions lowerOptions;
  lowerOptions.requantMode = options.requantMode;
  lowerOptions.calibrate = options.calibrate;
  pm.addPass(createLowerQNNPass(lowerOptions));
}

/// Linalg/TOSA on tensors to the LLVM dialect. `options` says which vector
/// code a target's vectorization left; `x86`, if set, adds quant-x86-vnni on
/// the bufferized contractions before the remaining linalg ops become loops,
/// then vector (and with threads, OpenMP) lowering.
static void buildLinalgToLLVM(OpPassManager &pm,
                              const LinalgToLLVMOptions &options,
                              const X86PipelineOptions *x86) {
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalgNamed());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalg());
  // include-apply-rescale: tosa.rescale (from TOSA integer input, or
  // quant-convert-qnn-to-tosa) lowers through tosa.apply_scale, computed
  // in 64 bits as TOSA's reference does.
  TosaToArithPassOptions toArith;
  toArith.includeApplyRescale = true;
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass(toArith));
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addPass(createCanonicalizerPass());
  // Per-tensor parameters as immediates: also keeps One-Shot Bufferize
  // linear in the number of layers.
  pm.addPass(createInlineSplatOperandsPass());

  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Frees each buffer after its last use; upstream's deallocation
  // pipeline for anything but straight-line functions.
  pm.addPass(createDeallocateBuffersPass());
  // The deallocation pipeline clones buffers a function returns without
  // owning them (an argument, a view of one).
  pm.addPass(createConvertBufferizationToMemRefPass());

  if (x86) {
    X86VNNIPassOptions vnni;
    vnni.tileRows = x86->tileRows;
    vnni.tileVectors = x86->tileVectors;
    vnni.parallel = x86->threads > 1;
    pm.addPass(createX86VNNIPass(vnni));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.lowerVectors) {
    VectorTransferToSCFOptions toSCF;
    toSCF.enableFullUnroll();
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(toSCF));
  }
  if (x86 && x86->threads > 1) {
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = x86->threads;
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
  }
  pm.addPass(createLowerAffinePass());
  // convert-scf-to-openmp wraps each parallel body in memref.alloca_scope,
  // whose region must stay one block: for x86, memrefs (and alloca_scope)
  // are lowered before scf-to-cf splits the loops into blocks.
  // expand-strided-metadata writes affine.apply for dynamic sizes (the
  // reshapes of a conv with dynamic H/W): lower-affine runs after it too.
  bool memrefsFirst = x86 != nullptr;
  if (memrefsFirst) {
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  }
  pm.addPass(createLowerSCFToCFPass());
  if (!memrefsFirst) {
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
  }
  if (x86 || options.lowerVectors) {
    ConvertVectorToLLVMPassOptions toLLVM;
    toLLVM.armNeon = options.armNeon;
    pm.addPass(createConvertVectorToLLVMPass(toLLVM));
    // The vector lowering leaves ub.poison for lanes it fills later.
    pm.addPass(createUBToLLVMConversionPass());
  }
  if (!memrefsFirst)
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (x86 && x86->threads > 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createDropRequantModePass());
}

void quantc::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                       const LinalgToLLVMOptions &options) {
  buildLinalgToLLVM(pm, options, nullptr);
}

void quantc::buildCPUPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  buildQuantizedToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm);
}

void quantc::buildX86Pipeline(OpPassManager &pm,
                              const X86PipelineOptions &options) {
  CPUPipelineOptions front;
  front.emulateQDQ = options.emulateQDQ;
  front.requantMode = options.requantMode;
  buildQuantizedToLinalgPipeline(pm, front);
  buildLinalgToLLVM(pm, LinalgToLLVMOptions{}, &options);
}

void quantc::buildAArch64Pipeline(OpPassManager &pm,
                                  const AArch64PipelineOptions &options) {
  CPUPipelineOptions toLinalg;
  toLinalg.requantMode = options.requantMode;
  buildQuantizedToLinalgPipeline(pm, toLinalg);
  NeonContractionPassOptions neon;
  neon.i8mm = options.i8mm;
  neon.dotprod = options.dotprod;
  pm.addNestedPass<func::FuncOp>(createNeonContractionPass(neon));
  // Before bufferization: the padded weights fold into one constant.
  pm.addPass(createCanonicalizerPass());
  LinalgToLLVMOptions toLLVM;
  toLLVM.lowerVectors = true;
  toLLVM.armNeon = true;
  buildLinalgToLLVMPipeline(pm, toLLVM);
}

//===----------------------------------------------------------------------===//
// Pipeline registration.
//===----------------------------------------------------------------------===//

void quantc::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "quant-cpu-pipeline",
      "QDQ form (func + tosa/linalg + quant casts) to the LLVM dialect: fold "
      "QDQ into qnn ops, lower them to integer linalg, bufferize, lower to "
      "LLVM",
      buildCPUPipeline);
  PassPipelineRegistration<X86PipelineOptions>(
      "quant-x86-pipeline",
      "quant-cpu-pipeline for x86-64 with AVX-512 VNNI: int8 matmuls become "
      "vpdpbusd register-tiled kernels on compile-time packed weights with "
      "the requantize fused (quant-x86-vnni), optionally multithreaded "
      "through OpenMP",
      buildX86Pipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "quant-to-linalg-pipeline",
      "QDQ form to integer linalg on tensors (quant-fold-qdq, "
      "quant-lower-qnn)",
      buildQuantizedToLinalgPipeline);
  PassPipelineRegistration<AArch64PipelineOptions>(
      "quant-aarch64-pipeline",
      "QDQ form to the LLVM dialect for AArch64: quant-cpu-pipeline with the "
      "i8 contractions as NEON smmla (i8mm) or sdot (dotprod)",
      buildAArch64Pipeline);
}
