//===- InlineSplatOperands.cpp - Splat generic inputs to scalars -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_INLINESPLATOPERANDSPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// The splat value of `value` if it is a constant tensor of one repeated
/// integer, index or float element.
TypedAttr getSplatScalar(Value value) {
  DenseElementsAttr attr;
  if (!isa<RankedTensorType>(value.getType()) ||
      !matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return {};
  auto scalar = attr.getSplatValue<TypedAttr>();
  if (!isa<IntegerType, IndexType, FloatType>(scalar.getType()))
    return {};
  return scalar;
}

struct InlineSplatInputs : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    SmallVector<std::pair<unsigned, TypedAttr>> inlined;
    for (OpOperand *input : op.getDpsInputOperands()) {
      // Only operands read as a scalar (a map with no results): per-tensor
      // parameters. A splat tensor indexed by the loops stays, so that the
      // contraction and its kernels keep their operand structure.
      bool scalarRead = op.getMatchingIndexingMap(input).getNumResults() == 0;
      if (TypedAttr scalar = scalarRead ? getSplatScalar(input->get())
                                        : TypedAttr()) {
        inlined.push_back({input->getOperandNumber(), scalar});
        continue;
      }
      inputs.push_back(input->get());
      maps.push_back(op.getMatchingIndexingMap(input));
    }
    if (inlined.empty())
      return rewriter.notifyMatchFailure(op, "no splat constant input");
    for (OpOperand &init : op.getDpsInitsMutable())
      maps.push_back(op.getMatchingIndexingMap(&init));

    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), op.getResultTypes(), inputs, op.getOutputs(),
        maps, op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                                generic.getRegion().begin());
    Block &body = generic.getRegion().front();
    rewriter.setInsertionPointToStart(&body);
    // Block arguments follow the operands; erase from the last one so the
    // earlier numbers stay valid.
    for (auto [number, scalar] : llvm::reverse(inlined)) {
      Value constant =
          arith::ConstantOp::create(rewriter, op.getLoc(), scalar);
      rewriter.replaceAllUsesWith(body.getArgument(number), constant);
      body.eraseArgument(number);
    }
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct InlineSplatOperandsPass
    : public quantc::impl::InlineSplatOperandsPassBase<
          InlineSplatOperandsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<InlineSplatInputs>(&getContext());
    // One visit per op is enough (the rewrite makes no new candidates);
    // the walk driver does not fold QDQ pairs or revisit.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
