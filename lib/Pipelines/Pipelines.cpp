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
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
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
using namespace quantc;

void quantc::buildQuantizedToLinalgPipeline(OpPassManager &pm,
                                            const CPUPipelineOptions &options) {
  // No canonicalize before quant-lower-qnn: upstream folds
  // quant.dcast(quant.qcast(x)) into x, dropping fake-quantization.
  if (!options.emulateQDQ) {
    pm.addPass(createFoldQDQPass());
    pm.addPass(createFuseRequantPass());
    // After quant-fuse-requant: the matmul keeps the conv's corrections.
    if (options.convToMatmul)
      pm.addPass(createConvToMatmulPass());
  }
  LowerQNNPassOptions lowerOptions;
  lowerOptions.requantMode = options.requantMode;
  lowerOptions.calibrate = options.calibrate;
  pm.addPass(createLowerQNNPass(lowerOptions));
}

/// TOSA on tensors -> linalg, arith and tensor ops; per-tensor parameters
/// as immediates (which also keeps One-Shot Bufferize linear in the number
/// of layers).
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
  pm.addPass(createInlineSplatOperandsPass());
}

/// Tensors -> buffers, each freed after its last use.
static void addBufferizationPasses(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Upstream's deallocation pipeline for anything but straight-line
  // functions; it clones buffers a function returns without owning them
  // (an argument, a view of one).
  pm.addPass(createDeallocateBuffersPass());
  pm.addPass(createConvertBufferizationToMemRefPass());
}

/// Buffers (linalg ops, scf, vector ops) -> the LLVM dialect. `options` says
/// which vector code a target's vectorization left; `x86`, if set, adds
/// quant-x86-vnni on the bufferized contractions before the remaining
/// linalg ops become loops, then vector (and with threads, OpenMP)
/// lowering.
static void addLoopsToLLVMPasses(OpPassManager &pm,
                                 const LinalgToLLVMOptions &options,
                                 const X86PipelineOptions *x86 = nullptr) {
  if (options.neonUnsignedDot)
    pm.addNestedPass<func::FuncOp>(createNeonUnsignedDotPass());
  if (x86) {
    X86VNNIPassOptions vnni;
    vnni.tileRows = x86->tileRows;
    vnni.tileVectors = x86->tileVectors;
    vnni.parallel = x86->threads > 1;
    vnni.minParallelMultiplyAdds = x86->minParallelMultiplyAdds;
    pm.addPass(createX86VNNIPass(vnni));
    X86DepthwisePassOptions depthwise;
    depthwise.parallel = x86->threads > 1;
    depthwise.minParallelMultiplyAdds = x86->minParallelMultiplyAdds;
    pm.addNestedPass<func::FuncOp>(createX86DepthwisePass(depthwise));
  }
  if (x86 || options.lowerVectors) {
    VectorizeByteTransposePassOptions transpose;
    transpose.parallel = x86 && x86->threads > 1;
    if (x86)
      transpose.minParallelBytes = x86->minParallelTransposeBytes;
    pm.addNestedPass<func::FuncOp>(createVectorizeByteTransposePass(transpose));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.lowerVectors) {
    VectorTransferToSCFOptions toSCF;
    toSCF.enableFullUnroll();
    pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(toSCF));
  }
  if (x86 && x86->threads > 1) {
    ParallelWorkQueuePassOptions queue;
    queue.threads = x86->threads;
    pm.addNestedPass<func::FuncOp>(createParallelWorkQueuePass(queue));
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
  // aligned_alloc rather than malloc plus pointer arithmetic: LLVM then
  // knows each buffer is distinct from every other (noalias), so it
  // vectorizes the copies between them (im2col patches, transposes).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  if (memrefsFirst) {
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
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
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (x86 && x86->threads > 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(quantc::createDropRequantModePass());
}

void quantc::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                       const LinalgToLLVMOptions &options) {
  addTosaToLinalgPasses(pm);
  addBufferizationPasses(pm);
  addLoopsToLLVMPasses(pm, options);
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
  front.convToMatmul = true;
  buildQuantizedToLinalgPipeline(pm, front);
  addTosaToLinalgPasses(pm);
  addBufferizationPasses(pm);
  addLoopsToLLVMPasses(pm, LinalgToLLVMOptions{}, &options);
}

void quantc::buildAArch64Pipeline(OpPassManager &pm,
                                  const AArch64PipelineOptions &options) {
  CPUPipelineOptions toLinalg;
  toLinalg.requantMode = options.requantMode;
  toLinalg.convToMatmul = true;
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
  toLLVM.neonUnsignedDot = options.dotprod && !options.i8mm;
  buildLinalgToLLVMPipeline(pm, toLLVM);
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
  front.convToMatmul = true;
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

  if (options.mma) {
    GPUMmaPassOptions mma;
    mma.emulateMma = options.emulateOnCPU;
    pm.addPass(createGPUMmaPass(mma));
  }
  GPUDp4aPassOptions dp4a;
  dp4a.emulateDp4a = options.emulateOnCPU;
  pm.addPass(createGPUDp4aPass(dp4a));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  GPUTileParallelLoopsPassOptions tiling;
  tiling.tileSizes = tileSizes;
  pm.addNestedPass<func::FuncOp>(createGPUTileParallelLoopsPass(tiling));
  if (options.emulateOnCPU) {
    // The tiled dp4a-form loop nest, run sequentially on the host.
    LinalgToLLVMOptions vectors;
    vectors.lowerVectors = true;
    addLoopsToLLVMPasses(pm, vectors);
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
  PassPipelineRegistration<NVPTXPipelineOptions>(
      "quant-nvptx-pipeline",
      "QDQ form to NVPTX: integer linalg, buffers, int8 matmuls as "
      "tensor-core mma.sync tiles, other int8 contractions as dp4a loops, "
      "tiled parallel loops mapped to blocks and threads, kernels "
      "outlined into one gpu.module, serialized to PTX (a gpu.binary of "
      "format isa)",
      buildNVPTXPipeline);
}
