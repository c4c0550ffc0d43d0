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

void quantc::buildLinalgToLLVMPipeline(OpPassManager &pm) {
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
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  // expand-strided-metadata writes affine.apply for dynamic sizes (the
  // reshapes of a conv with dynamic H/W): lower those too.
  pm.addPass(createLowerAffinePass());
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
}
