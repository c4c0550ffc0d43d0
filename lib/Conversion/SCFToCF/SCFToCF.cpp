//===- SCFToCF.cpp - SCF to ControlFlow in linear time ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Upstream's SCF-to-ControlFlow patterns under a driver whose cost is linear
// in the size of the function (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/SCFToCF/SCFToCF.h"

#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"

namespace quantc {
#define GEN_PASS_DEF_LOWERSCFTOCFPASS
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// The SCF ops a pattern lowers; their terminators (scf.yield,
/// scf.condition, scf.reduce) go with them.
bool isLoweredOp(Operation *op) {
  return isa<scf::SCFDialect>(op->getDialect()) &&
         !op->hasTrait<OpTrait::IsTerminator>() &&
         !isa<scf::ReduceReturnOp>(op);
}

struct LowerSCFToCFPass
    : public quantc::impl::LowerSCFToCFPassBase<LowerSCFToCFPass> {
  void runOnOperation() override {
    RewritePatternSet patternList(&getContext());
    populateSCFToControlFlowConversionPatterns(patternList);
    FrozenRewritePatternSet patterns(std::move(patternList));
    PatternApplicator applicator(patterns);
    applicator.applyDefaultCostModel();
    PatternRewriter rewriter(&getContext());

    // Some lowerings make new SCF ops (scf.forall -> scf.parallel ->
    // scf.for): repeat until none is left. Each round only sees the ops
    // the previous one made.
    for (;;) {
      // Post-order lists children before parents and a block's ops in
      // order; reversed, a parent comes before its children and the last
      // op of a block first, so each block split moves only the few ops
      // between this op and the branch its successor already became.
      SmallVector<Operation *> ops;
      getOperation()->walk<WalkOrder::PostOrder>([&](Operation *op) {
        if (isLoweredOp(op))
          ops.push_back(op);
      });
      if (ops.empty())
        return;
      for (Operation *op : llvm::reverse(ops)) {
        rewriter.setInsertionPoint(op);
        if (failed(applicator.matchAndRewrite(op, rewriter))) {
          op->emitOpError("has no lowering to the cf dialect");
          return signalPassFailure();
        }
      }
    }
  }
};

} // namespace
