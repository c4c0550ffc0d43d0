//===- NativeMath.cpp - Kernel math without libdevice -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-native-math: math.roundeven and math.fma in gpu.modules become
// the LLVM intrinsics NVPTX selects natively, so serializing a quantized
// model does not depend on finding libdevice. Rounding uses llvm.rint:
// ties to even in the default rounding mode, and not on the list of
// intrinsics convert-gpu-to-nvvm sends to libdevice (llvm.roundeven is).
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_GPUNATIVEMATHPASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// `SourceOp` with float operands -> the LLVM intrinsic `TargetOp`.
template <typename SourceOp, typename TargetOp>
struct ToIntrinsic : public OpRewritePattern<SourceOp> {
  using OpRewritePattern<SourceOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<TargetOp>(op, op->getResultTypes(),
                                          op->getOperands());
    return success();
  }
};

struct GPUNativeMathPass
    : public quantc::impl::GPUNativeMathPassBase<GPUNativeMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ToIntrinsic<math::RoundEvenOp, LLVM::RintOp>,
                 ToIntrinsic<math::FmaOp, LLVM::FMAOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
