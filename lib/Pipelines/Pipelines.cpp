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

void quantc::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                       const LinalgToLLVMOptions &options) {
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

  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  // The deallocation pipeline clones buffers a function returns without
  // owning them (an argument, a view of one).
  pm.addPass(createConvertBufferizationToMemRefPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.lowerVectors) {
    VectorTransferToSCFOptions toSCF;
    toSCF.enableFullUnroll();
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(toSCF));
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  if (options.lowerVectors) {
    ConvertVectorToLLVMPassOptions toLLVM;
    toLLVM.armNeon = options.armNeon;
    pm.addPass(createConvertVectorToLLVMPass(toLLVM));
    // The vector lowering leaves ub.poison for lanes it fills later.
    pm.addPass(createUBToLLVMConversionPass());
  }
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createDropRequantModePass());
}

void quantc::buildCPUPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  buildQuantizedToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm);
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
