//===- DeallocateBuffers.cpp - Free buffers after their last use -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Deallocation for straight-line functions in one linear walk, with
// upstream's buffer-deallocation-pipeline as the fallback for everything
// else (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Pass/PassManager.h"

namespace quantc {
#define GEN_PASS_DEF_DEALLOCATEBUFFERSPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Where each buffer of one function is last used, found in one walk.
class BufferLifetimes {
public:
  /// Fails (the function is not in the straight-line form) with the
  /// reason in `why`.
  LogicalResult analyze(func::FuncOp func, std::string &why);

  /// Inserts the deallocations the analysis found.
  void insertDeallocations(OpBuilder &builder);

private:
  /// The allocation a memref value is a view of, if any.
  DenseMap<Value, memref::AllocOp> rootOf;
  /// For each allocation: the last entry-block op using it or a view.
  llvm::MapVector<memref::AllocOp, Operation *> lastUse;
  DenseSet<Operation *> returned;
};

LogicalResult BufferLifetimes::analyze(func::FuncOp func, std::string &why) {
  if (func.isExternal())
    return success();
  if (!func.getBody().hasOneBlock()) {
    why = "more than one block";
    return failure();
  }
  Block &entry = func.getBody().front();
  for (Operation &top : entry) {
    // Every op nested in `top` counts as a use at `top`.
    WalkResult result = top.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<memref::DeallocOp, bufferization::DeallocOp>(op)) {
        why = "a deallocation is already there";
        return WalkResult::interrupt();
      }
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        if (op != &top) {
          why = "an allocation inside a nested region";
          return WalkResult::interrupt();
        }
        rootOf[alloc.getResult()] = alloc;
        lastUse[alloc] = &top;
        return WalkResult::advance();
      }
      SmallVector<memref::AllocOp> roots;
      for (Value operand : op->getOperands())
        if (auto root = rootOf.lookup(operand)) {
          roots.push_back(root);
          lastUse[root] = &top;
        }
      if (isa<func::ReturnOp>(op)) {
        for (Value operand : op->getOperands()) {
          if (!isa<BaseMemRefType>(operand.getType()))
            continue;
          auto root = rootOf.lookup(operand);
          if (!root) {
            why = "it returns a buffer it did not allocate";
            return WalkResult::interrupt();
          }
          returned.insert(root);
        }
        return WalkResult::advance();
      }
      bool producesMemRef = llvm::any_of(op->getResultTypes(), [](Type t) {
        return isa<BaseMemRefType>(t);
      });
      if (roots.empty() || !producesMemRef)
        return WalkResult::advance();
      // A view extends the lifetime of the buffer it looks into.
      if (roots.size() == 1 && isa<ViewLikeOpInterface>(op)) {
        for (Value result : op->getResults())
          rootOf[result] = roots.front();
        return WalkResult::advance();
      }
      why = "'" + op->getName().getStringRef().str() +
            "' returns a memref whose aliasing is unknown here";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return success();
}

void BufferLifetimes::insertDeallocations(OpBuilder &builder) {
  for (auto [alloc, last] : lastUse) {
    if (returned.contains(alloc))
      continue;
    builder.setInsertionPointAfter(last);
    memref::DeallocOp::create(builder, alloc.getLoc(), alloc.getResult());
  }
}

struct DeallocateBuffersPass
    : public quantc::impl::DeallocateBuffersPassBase<DeallocateBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool allocOutsideFunc = false;
    module.walk([&](memref::AllocOp alloc) {
      allocOutsideFunc |= !alloc->getParentOfType<func::FuncOp>();
    });
    if (allocOutsideFunc)
      return runUpstreamPipeline();
    SmallVector<BufferLifetimes> lifetimes;
    for (auto func : module.getOps<func::FuncOp>()) {
      std::string why;
      if (failed(lifetimes.emplace_back().analyze(func, why)))
        return runUpstreamPipeline();
    }
    OpBuilder builder(&getContext());
    for (BufferLifetimes &function : lifetimes)
      function.insertDeallocations(builder);
  }

  void runUpstreamPipeline() {
    OpPassManager pm(ModuleOp::getOperationName());
    bufferization::BufferDeallocationPipelineOptions options;
    bufferization::buildBufferDeallocationPipeline(pm, options);
    if (failed(runPipeline(pm, getOperation())))
      signalPassFailure();
  }
};

} // namespace
