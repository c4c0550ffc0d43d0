//===- InsertQDQ.cpp - Ranges to quantize/dequantize pairs -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-insert-qdq: every ranged qnn.observe becomes quant.qcast +
// quant.dcast with the parameters of its range and recipe; contraction
// weights get a per-channel qcast/dcast. The result is the QDQ form that
// ONNX Runtime's quantizer writes, which quant-fold-qdq folds.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "ModelPatterns.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "quantc/Numerics/QuantParams.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace quantc {
#define GEN_PASS_DEF_INSERTQDQPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

/// The weight operand of a contraction and the axis of its output channels
/// there; nullopt for a contraction this pass does not know.
std::optional<std::pair<Value, int64_t>> weightOf(Operation *op) {
  if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp,
          linalg::DepthwiseConv2DNchwChwOp>(op) ||
      isa<tosa::Conv2DOp>(op))
    return std::make_pair(op->getOperand(1), int64_t(0));
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, tosa::MatMulOp>(op)) {
    Value rhs = op->getOperand(1);
    return std::make_pair(rhs,
                          cast<RankedTensorType>(rhs.getType()).getRank() - 1);
  }
  return std::nullopt;
}

int64_t prefixProduct(ArrayRef<int64_t> shape, int64_t axis) {
  int64_t product = 1;
  for (int64_t d : shape.take_front(axis))
    product *= d;
  return product;
}

/// Follows `value` back through layout ops to the constant it was computed
/// from, mapping `axis` along: through a transpose by its permutation,
/// through a reshape to the dimension with the same number of elements
/// before it. nullopt where the axis has no counterpart.
std::optional<std::pair<Value, int64_t>> constantRoot(Value value,
                                                      int64_t axis) {
  while (Operation *def = value.getDefiningOp()) {
    if (def->hasTrait<OpTrait::ConstantLike>())
      return std::make_pair(value, axis);
    if (auto transpose = dyn_cast<tosa::TransposeOp>(def)) {
      axis = transpose.getPerms()[axis];
      value = transpose.getInput1();
      continue;
    }
    if (!isa<tosa::ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
            def))
      return std::nullopt;
    auto outType = cast<RankedTensorType>(value.getType());
    Value input = def->getOperand(0);
    auto inType = cast<RankedTensorType>(input.getType());
    if (!outType.hasStaticShape() || !inType.hasStaticShape())
      return std::nullopt;
    int64_t before = prefixProduct(outType.getShape(), axis);
    std::optional<int64_t> mapped;
    for (int64_t a = 0; a < inType.getRank() && !mapped; ++a)
      if (prefixProduct(inType.getShape(), a) == before &&
          inType.getDimSize(a) % outType.getDimSize(axis) == 0 &&
          inType.getDimSize(a) > 1)
        mapped = a;
    if (!mapped)
      return std::nullopt;
    axis = *mapped;
    value = input;
  }
  return std::nullopt;
}

struct InsertQDQPass : public quantc::impl::InsertQDQPassBase<InsertQDQPass> {
  using InsertQDQPassBase::InsertQDQPassBase;

  numerics::ParamConvention paramConvention =
      numerics::ParamConvention::OnnxRuntime;

  /// Replaces a ranged observer with qcast + dcast.
  LogicalResult quantizeObserver(ObserveOp op) {
    std::string who =
        "quant-insert-qdq: observer '" + op.getName().str() + "'";
    RangeAttr range = op.getRangeAttr();
    if (!range)
      return op.emitError(who)
             << " has no #qnn.range; run quant-infer-ranges first";
    RecipeAttr recipe = op.getRecipe();
    if (recipe.getGranularity() != Granularity::tensor)
      return op.emitError(who)
             << ": per-channel and per-group activations are not supported yet";
    IntegerType storage = recipe.getStorage();
    llvm::Expected<numerics::StorageRange> storageRange =
        numerics::getStorageRange(storage.getWidth(), storage.isSigned(),
                                  recipe.getNarrowRange());
    if (!storageRange)
      return op.emitError(who) << ": " << toString(storageRange.takeError());
    llvm::Expected<numerics::QuantParams> params = numerics::chooseQuantParams(
        float(range.getMin().getValueAsDouble()),
        float(range.getMax().getValueAsDouble()), *storageRange,
        recipe.getScheme() == QuantScheme::symmetric,
        paramConvention);
    if (!params)
      return op.emitError(who) << ": " << toString(params.takeError());
    auto tensorType = cast<RankedTensorType>(op.getType());
    Type expressed = tensorType.getElementType();
    auto quantType = quant::UniformQuantizedType::get(
        storage.isSigned() ? quant::QuantizationFlags::Signed : 0,
        IntegerType::get(op.getContext(), storage.getWidth()), expressed,
        params->scale, params->zeroPoint, storageRange->qmin,
        storageRange->qmax);
    OpBuilder builder(op);
    auto qcast = quant::QuantizeCastOp::create(
        builder, op.getLoc(), tensorType.clone(quantType), op.getInput());
    qcast->setAttr("quantc.observer", op.getNameAttr());
    if (StatsAttr stats = op.getStatsAttr())
      qcast->setAttr("quantc.stats", stats);
    qcast->setAttr("quantc.range", range);
    auto dcast = quant::DequantizeCastOp::create(builder, op.getLoc(),
                                                 tensorType, qcast);
    op.getResult().replaceAllUsesWith(dcast.getResult());
    op.erase();
    requantizeAfterLayout(dcast.getResult(), quantType);
    return success();
  }

  /// The observer sits before the reshapes and transposes it looked
  /// through; ONNX Runtime's quantizer puts a pair with the same parameters
  /// after each too (a Flatten before a Gemm), which is the form
  /// quant-fold-qdq folds: the layout op then runs on the stored integers.
  static void requantizeAfterLayout(Value dequantized, Type quantType) {
    for (Operation *user : llvm::to_vector(dequantized.getUsers())) {
      if (!isa<tosa::ReshapeOp, tosa::TransposeOp, tensor::ExpandShapeOp,
               tensor::CollapseShapeOp>(user))
        continue;
      Value result = user->getResult(0);
      auto type = cast<RankedTensorType>(result.getType());
      OpBuilder builder(user->getContext());
      builder.setInsertionPointAfter(user);
      auto qcast = quant::QuantizeCastOp::create(
          builder, user->getLoc(), type.clone(quantType), result);
      auto dcast = quant::DequantizeCastOp::create(builder, user->getLoc(),
                                                   type, qcast.getResult());
      result.replaceAllUsesExcept(dcast.getResult(), qcast);
      requantizeAfterLayout(dcast.getResult(), quantType);
    }
  }

  /// Per-channel s8 symmetric qcast/dcast after a contraction's float
  /// weight constant (once per constant).
  LogicalResult quantizeWeight(Operation *contraction) {
    std::optional<std::pair<Value, int64_t>> weight = weightOf(contraction);
    if (!weight || !patterns::isStaticallyKnown(weight->first))
      return success(); // An activation x activation product: observed.
    auto weightType = dyn_cast<RankedTensorType>(weight->first.getType());
    if (!weightType || !weightType.getElementType().isF32())
      return success();
    std::optional<std::pair<Value, int64_t>> root =
        constantRoot(weight->first, weight->second);
    if (!root)
      return contraction->emitError(
          "quant-insert-qdq: cannot find the output-channel axis of this "
          "contraction's weight constant");
    auto [constant, axis] = *root;
    if (llvm::any_of(constant.getUsers(), [](Operation *user) {
          return isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(user);
        }))
      return success();
    std::optional<SmallVector<float>> values = getConstantFloats(constant);
    auto type = cast<RankedTensorType>(constant.getType());
    if (!values)
      return contraction->emitError(
          "quant-insert-qdq: the weight is not an f32 constant");
    int64_t channels = type.getDimSize(axis);
    int64_t inner = 1;
    for (int64_t d : type.getShape().drop_front(axis + 1))
      inner *= d;
    SmallVector<float> mins(channels, 0.0f), maxs(channels, 0.0f);
    for (auto [i, v] : llvm::enumerate(*values)) {
      int64_t c = (int64_t(i) / inner) % channels;
      mins[c] = std::min(mins[c], v);
      maxs[c] = std::max(maxs[c], v);
    }
    numerics::StorageRange range{-128, 127};
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    for (int64_t c = 0; c < channels; ++c) {
      llvm::Expected<numerics::QuantParams> params =
          numerics::chooseQuantParams(mins[c], maxs[c], range,
                                      /*symmetric=*/true,
                                      paramConvention);
      if (!params)
        return contraction->emitError("quant-insert-qdq: weight channel ")
               << c << ": " << toString(params.takeError());
      scales.push_back(params->scale);
      zeroPoints.push_back(params->zeroPoint);
    }
    MLIRContext *ctx = contraction->getContext();
    auto quantType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
        type.getElementType(), scales, zeroPoints, int32_t(axis), range.qmin,
        range.qmax);
    // Quantized here, as an int8 initializer behind a DequantizeLinear in
    // an ONNX Runtime QDQ model: stored integers, storage cast, dequantize.
    SmallVector<int8_t> stored;
    stored.reserve(values->size());
    for (auto [i, v] : llvm::enumerate(*values)) {
      int64_t c = (int64_t(i) / inner) % channels;
      stored.push_back(int8_t(numerics::quantize(
          v, {float(scales[c]), zeroPoints[c]}, range)));
    }
    auto storageType = type.clone(IntegerType::get(ctx, 8));
    OpBuilder builder(ctx);
    builder.setInsertionPointAfterValue(constant);
    Location loc = constant.getLoc();
    auto integers = arith::ConstantOp::create(
        builder, loc, storageType,
        DenseElementsAttr::get(storageType, ArrayRef<int8_t>(stored)));
    auto quantized = quant::StorageCastOp::create(
        builder, loc, type.clone(quantType), integers.getResult());
    auto dcast = quant::DequantizeCastOp::create(builder, loc, type,
                                                 quantized.getResult());
    constant.replaceAllUsesWith(dcast.getResult());
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (weights != "int8" && weights != "none") {
      module.emitError("quant-insert-qdq: unknown weights '")
          << weights << "'; expected int8 or none";
      return signalPassFailure();
    }
    if (convention != "onnxruntime" && convention != "pytorch") {
      module.emitError("quant-insert-qdq: unknown convention '")
          << convention << "'; expected onnxruntime or pytorch";
      return signalPassFailure();
    }
    if (convention == "pytorch")
      paramConvention = numerics::ParamConvention::PyTorch;
    bool failedAny = false;
    if (weights == "int8") {
      SmallVector<Operation *> contractions;
      module.walk([&](Operation *op) {
        if (patterns::isContraction(op))
          contractions.push_back(op);
      });
      for (Operation *op : contractions)
        failedAny |= failed(quantizeWeight(op));
    }
    SmallVector<ObserveOp> observers;
    module.walk([&](ObserveOp op) { observers.push_back(op); });
    for (ObserveOp op : observers)
      failedAny |= failed(quantizeObserver(op));
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
