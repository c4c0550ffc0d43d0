//===- Layout.cpp - Layout ops on quantized tensors -------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Ops that only move or select values (reshapes, transpose, slice, concat)
// applied directly to quantized tensors: when every quantized operand and
// result has the same per-tensor type, or per-axis types whose axis and
// channels follow the op, the values keep their parameters, so the op runs
// unchanged on the stored integers.
//
//===----------------------------------------------------------------------===//

#include "LoweringHelpers.h"

#include "quantc/Dialect/QNN/Utils/LayoutUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace quantc;

bool quantc::lowering::hasStorageLowering(Operation *op, std::string *whyNot) {
  if (!isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::ConcatOp,
           tensor::CollapseShapeOp, tensor::ExpandShapeOp,
           tensor::ExtractSliceOp>(op) ||
      op->getNumRegions() != 0)
    return false;
  // Per-axis operands: the result must have the type their axis and
  // channels take through the op (qnn::mapPerAxisThroughLayout); then the
  // stored values keep their parameters too.
  SmallVector<quant::UniformQuantizedPerAxisType> perAxis;
  bool perTensor = false;
  for (Type type : op->getOperandTypes()) {
    if (!qnn::isQuantized(type))
      continue;
    if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(
            qnn::getElementTypeOrSelf(type)))
      perAxis.push_back(t);
    else
      perTensor = true;
  }
  if (!perAxis.empty()) {
    std::string reason;
    llvm::raw_string_ostream os(reason);
    if (perTensor) {
      os << "it mixes per-tensor and per-axis operands";
    } else {
      FailureOr<quant::UniformQuantizedPerAxisType> mapped =
          qnn::mapPerAxisThroughLayout(op, perAxis, reason);
      Type result = qnn::getElementTypeOrSelf(op->getResult(0).getType());
      if (succeeded(mapped) && result == *mapped)
        return true;
      if (succeeded(mapped))
        os << "its per-axis operand gives a result of " << *mapped << ", not "
           << result;
    }
    if (whyNot)
      *whyNot = reason;
    return false;
  }
  // Otherwise one per-tensor quantized element type everywhere: different
  // parameters would need a requantize.
  Type common;
  for (Type type :
       llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes())) {
    if (!qnn::isQuantized(type))
      continue;
    std::optional<qnn::UniformParams> params = qnn::getUniformParams(type);
    Type element = qnn::getElementTypeOrSelf(type);
    if (!params || params->isPerAxis() || (common && element != common))
      return false;
    common = element;
  }
  return bool(common);
}

namespace {

/// The op recreated with its operands and results in storage types.
struct StorageLayoutLowering : public ConversionPattern {
  StorageLayoutLowering(const TypeConverter &typeConverter, MLIRContext *ctx)
      : ConversionPattern(typeConverter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!lowering::hasStorageLowering(op))
      return rewriter.notifyMatchFailure(op, "not a same-type layout op");
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

} // namespace

void quantc::lowering::populateLayoutLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<StorageLayoutLowering>(typeConverter, patterns.getContext());
}
