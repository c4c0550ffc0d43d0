//===- Pipelines.cpp - QuantC pass pipelines --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/GPU/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
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

/// TOSA on tensors -> linalg, arith and tensor ops.
static void addTosaToLinalgPasses(OpPassManager &pm) {
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
}

/// Tensors -> buffers, with identity layouts at function boundaries.
static void addBufferizationPasses(OpPassManager &pm) {
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
}

/// Loops on buffers (linalg ops, scf) -> the LLVM dialect.
static void addLoopsToLLVMPasses(OpPassManager &pm,
                                 bool withVectors = false) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  if (withVectors)
    pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(quantc::createDropRequantModePass());
}

void quantc::buildLinalgToLLVMPipeline(OpPassManager &pm) {
  addTosaToLinalgPasses(pm);
  addBufferizationPasses(pm);
  addLoopsToLLVMPasses(pm);
}

void quantc::buildCPUPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  buildQuantizedToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm);
}

//===----------------------------------------------------------------------===//
// NVPTX.
//===----------------------------------------------------------------------===//

std::string quantc::resolvePTXFeatures(const NVPTXPipelineOptions &options) {
  if (!options.features.empty())
    return options.features;
  // PTX ISA 8.0 (CUDA 12.0) has both chips; sm_90 needs 7.8 at least.
  return "+ptx80";
}

void quantc::buildNVPTXPipeline(OpPassManager &pm,
                                const NVPTXPipelineOptions &options) {
  CPUPipelineOptions front;
  front.requantMode = options.requantMode;
  buildQuantizedToLinalgPipeline(pm, front);
  addTosaToLinalgPasses(pm);
  addBufferizationPasses(pm);

  SmallVector<int64_t> tileSizes(options.tileSizes.begin(),
                                 options.tileSizes.end());
  if (tileSizes.empty())
    tileSizes = {16, 16};
  GPUCheckTargetPassOptions check;
  check.chip = options.chip;
  check.features = resolvePTXFeatures(options);
  check.tileSizes = tileSizes;
  // The host runs dynamic shapes; kernels with bare pointers cannot.
  check.staticShapes = !options.emulateOnCPU;
  pm.addPass(createGPUCheckTargetPass(check));

  GPUDp4aPassOptions dp4a;
  dp4a.emulateDp4a = options.emulateOnCPU;
  pm.addPass(createGPUDp4aPass(dp4a));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  GPUTileParallelLoopsPassOptions tiling;
  tiling.tileSizes = tileSizes;
  pm.addNestedPass<func::FuncOp>(createGPUTileParallelLoopsPass(tiling));
  if (options.emulateOnCPU) {
    // The tiled dp4a-form loop nest, run sequentially on the host.
    addLoopsToLLVMPasses(pm, /*withVectors=*/true);
    return;
  }

  // Outer tile loops to blocks, inner ones to threads; the innermost
  // dimension on x, so that neighbouring threads of a warp touch
  // neighbouring elements of row-major buffers (coalesced accesses).
  GpuMapParallelLoopsPassOptions mapping;
  mapping.mappingPolicyStr = "innermost-first";
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass(mapping));
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createLowerAffinePass());
  // Constants and index arithmetic move into the kernels instead of
  // becoming kernel arguments.
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createGPUMergeKernelModulesPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createGPUNativeMathPass());

  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = resolvePTXFeatures(options);
  nvvm.cubinFormat = "isa";
  // Kernels take bare pointers to static-shaped buffers: what
  // runtime/cuda's launcher passes.
  nvvm.kernelUseBarePtrCallConv = true;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
  pm.addPass(createDropRequantModePass());
}

FailureOr<std::string> quantc::extractPTX(ModuleOp module) {
  std::string ptx;
  unsigned objects = 0;
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly ||
          !isa<NVVM::NVVMTargetAttr>(object.getTarget())) {
        binary.emitError() << "gpu.binary @" << binary.getName()
                           << " holds an object that is not NVPTX assembly "
                              "(run quant-nvptx-pipeline)";
        return failure();
      }
      ptx += object.getObject().getValue();
      ++objects;
    }
  }
  if (objects != 1) {
    module.emitError() << "expected one NVPTX assembly object (one "
                          "gpu.binary of format isa), found "
                       << objects;
    return failure();
  }
  return ptx;
}

void quantc::registerNVPTXPipelineDependencies(DialectRegistry &registry) {
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect, vector::VectorDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
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
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant-nvptx-pipeline",
      "QDQ form to NVPTX: integer linalg, buffers, int8 contractions as dp4a "
      "loops, tiled parallel loops mapped to blocks and threads, kernels "
      "outlined into one gpu.module, serialized to PTX (a gpu.binary of "
      "format isa)",
      buildNVPTXPipeline);
}
