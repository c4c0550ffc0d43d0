//===- MergeKernelModules.cpp - One gpu.module for all kernels --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-merge-kernel-modules: one PTX text per compiled model, so that a
// launcher loads one module and finds every kernel by a unique name.
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace quantc {
#define GEN_PASS_DEF_GPUMERGEKERNELMODULESPASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {

struct GPUMergeKernelModulesPass
    : public quantc::impl::GPUMergeKernelModulesPassBase<
          GPUMergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernelModules(
        module.getOps<gpu::GPUModuleOp>());
    for (gpu::GPUModuleOp kernelModule : kernelModules) {
      for (Operation &op : kernelModule.getBody()->getOperations()) {
        if (!isa<gpu::GPUFuncOp>(op)) {
          op.emitError() << "cannot merge gpu.module @"
                         << kernelModule.getName() << ": it holds '"
                         << op.getName()
                         << "', only gpu.func ops are moved";
          return signalPassFailure();
        }
      }
    }
    if (kernelModules.size() < 2)
      return;

    gpu::GPUModuleOp merged = kernelModules.front();
    SymbolTable mergedSymbols(merged);
    // (old module, old function) -> new function name.
    DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp kernelModule : llvm::drop_begin(kernelModules)) {
      if (kernelModule.getTargetsAttr() != merged.getTargetsAttr()) {
        kernelModule.emitError()
            << "cannot merge gpu.module @" << kernelModule.getName()
            << " into @" << merged.getName() << ": their targets differ";
        return signalPassFailure();
      }
      SmallVector<gpu::GPUFuncOp> funcs(kernelModule.getOps<gpu::GPUFuncOp>());
      for (gpu::GPUFuncOp func : funcs) {
        StringAttr oldName = func.getNameAttr();
        // An outlined module holds one kernel: it takes the module's name,
        // unique among the host module's symbols.
        if (funcs.size() == 1)
          func.setName(kernelModule.getName());
        func->remove();
        StringAttr newName = mergedSymbols.insert(func);
        renamed[{kernelModule.getNameAttr(), oldName}] = newName;
      }
    }

    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it = renamed.find(
          {launch.getKernelModuleName(), launch.getKernelName()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp kernelModule : llvm::drop_begin(kernelModules))
      kernelModule.erase();
  }
};

} // namespace
