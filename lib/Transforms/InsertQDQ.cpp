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
#include "Recipes.h"
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
    qcast->setAttr("quantc.recipe", recipe);
    if (StatsAttr stats = op.getStatsAttr())
      qcast->setAttr("quantc.stats", stats);
    qcast->setAttr("quantc.range", range);
    auto dcast = quant::DequantizeCastOp::create(builder, op.getLoc(),
                                                 tensorType, qcast);
    op.getResult().replaceAllUsesWith(dcast.getResult());
    op.erase();
    requantizeAfterLayout(dcast.getResult(), quantType, recipe);
    return success();
  }

  /// The observer sits before the reshapes and transposes it looked
  /// through; ONNX Runtime's quantizer puts a pair with the same parameters
  /// after each too (a Flatten before a Gemm), which is the form
  /// quant-fold-qdq folds: the layout op then runs on the stored integers.
  static void requantizeAfterLayout(Value dequantized, Type quantType,
                                    RecipeAttr recipe) {
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
      qcast->setAttr("quantc.recipe", recipe);
      auto dcast = quant::DequantizeCastOp::create(builder, user->getLoc(),
                                                   type, qcast.getResult());
      result.replaceAllUsesExcept(dcast.getResult(), qcast);
      requantizeAfterLayout(dcast.getResult(), quantType, recipe);
    }
  }

  /// The recipe's weights for `contraction`: stored integers of the float
  /// weight constant + quant.scast + quant.dcast (once per constant), per
  /// tensor, per output channel or per group along K.
  LogicalResult quantizeWeight(Operation *contraction,
                               const recipes::LayerDecision &decision) {
    const recipes::WeightSpec &spec = decision.weights;
    std::optional<std::pair<Value, int64_t>> weight = weightOf(contraction);
    if (!weight || !patterns::isStaticallyKnown(weight->first))
      return success(); // An activation x activation product: observed.
    auto weightType = dyn_cast<RankedTensorType>(weight->first.getType());
    if (!weightType || !weightType.getElementType().isF32())
      return success();
    std::string layer = recipes::layerName(contraction);
    auto layerError = [&]() {
      return contraction->emitError("quant-insert-qdq: layer '")
             << layer << "' (" << decision.origin << "): ";
    };
    // Groups run along the reduction axis K: rows of a matmul's [.., K, N]
    // weight.
    int64_t operandAxis = weight->second;
    bool grouped = spec.granularity == Granularity::group;
    if (grouped) {
      if (recipes::layerKind(contraction) != "MatMul")
        return layerError()
               << "per-group weights are for MatMul/Gemm layers (blocks "
                  "along K), not "
               << recipes::layerKind(contraction)
               << "; give this layer per-channel weights";
      operandAxis = weightType.getRank() - 2;
      // Upstream's sub-channel type prints its zero points as signed
      // storage integers: an unsigned one above the signed range does not
      // parse back.
      if (!spec.isSigned)
        return layerError()
               << "unsigned per-group weights are not supported yet (the "
                  "sub-channel !quant.uniform does not round-trip unsigned "
                  "zero points); use signed storage (\"symmetric\": false "
                  "gives each block a zero point)";
    }
    std::optional<std::pair<Value, int64_t>> root =
        constantRoot(weight->first, operandAxis);
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
    ArrayRef<int64_t> shape = type.getShape();
    if (grouped) {
      int64_t k = weightType.getDimSize(operandAxis);
      if (shape[axis] != k)
        return layerError() << "cannot find the K axis of the weight "
                               "constant (its reshapes merge or split K)";
      if (k % spec.groupSize != 0)
        return layerError() << "group size " << spec.groupSize
                            << " does not divide K = " << k << " (weight "
                            << weightType << ")";
    }
    // Parameter index of each element: row-major over the parameter shape
    // (1 per tensor; the channels; the shape with K divided into groups).
    SmallVector<int64_t> paramShape;
    if (spec.granularity == Granularity::channel)
      paramShape.push_back(shape[axis]);
    else if (grouped)
      for (auto [d, size] : llvm::enumerate(shape))
        paramShape.push_back(int64_t(d) == axis ? size / spec.groupSize
                                                : size);
    int64_t numParams = 1;
    for (int64_t size : paramShape)
      numParams *= size;
    int64_t inner = 1;
    for (int64_t d : shape.drop_front(axis + 1))
      inner *= d;
    auto paramIndex = [&](int64_t i) -> int64_t {
      if (spec.granularity == Granularity::tensor)
        return 0;
      if (spec.granularity == Granularity::channel)
        return (i / inner) % shape[axis];
      // Group: the element's index with its K coordinate divided by the
      // group size.
      int64_t kIndex = (i / inner) % shape[axis];
      int64_t outer = i / (inner * shape[axis]);
      return (outer * paramShape[axis] + kIndex / spec.groupSize) * inner +
             i % inner;
    };
    SmallVector<float> mins(numParams, 0.0f), maxs(numParams, 0.0f);
    for (auto [i, v] : llvm::enumerate(*values)) {
      int64_t p = paramIndex(i);
      mins[p] = std::min(mins[p], v);
      maxs[p] = std::max(maxs[p], v);
    }
    llvm::Expected<numerics::StorageRange> range =
        numerics::getStorageRange(spec.bits, spec.isSigned, false);
    if (!range)
      return layerError() << toString(range.takeError());
    SmallVector<numerics::QuantParams> params;
    for (int64_t p = 0; p < numParams; ++p) {
      llvm::Expected<numerics::QuantParams> chosen =
          numerics::chooseQuantParams(mins[p], maxs[p], *range,
                                      spec.symmetric, paramConvention);
      if (!chosen)
        return layerError() << "weight parameter " << p << ": "
                            << toString(chosen.takeError());
      params.push_back(*chosen);
    }
    MLIRContext *ctx = contraction->getContext();
    auto storage = IntegerType::get(ctx, spec.bits);
    unsigned flags = spec.isSigned ? quant::QuantizationFlags::Signed : 0;
    Type quantType;
    if (spec.granularity == Granularity::tensor) {
      quantType = quant::UniformQuantizedType::get(
          flags, storage, type.getElementType(), params[0].scale,
          params[0].zeroPoint, range->qmin, range->qmax);
    } else if (spec.granularity == Granularity::channel) {
      SmallVector<double> scales;
      SmallVector<int64_t> zeroPoints;
      for (const numerics::QuantParams &p : params) {
        scales.push_back(p.scale);
        zeroPoints.push_back(p.zeroPoint);
      }
      quantType = quant::UniformQuantizedPerAxisType::get(
          flags, storage, type.getElementType(), scales, zeroPoints,
          int32_t(axis), range->qmin, range->qmax);
    } else {
      // Upstream's sub-channel type, as quant-import writes a blocked
      // DequantizeLinear: block size 1 on every dimension but K.
      SmallVector<APFloat> scales;
      SmallVector<APInt> zeroPoints;
      for (const numerics::QuantParams &p : params) {
        scales.emplace_back(p.scale);
        zeroPoints.emplace_back(spec.bits, uint64_t(p.zeroPoint),
                                /*isSigned=*/true, /*implicitTrunc=*/true);
      }
      SmallVector<int32_t> dims;
      SmallVector<int64_t> blocks;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        dims.push_back(int32_t(d));
        blocks.push_back(d == axis ? spec.groupSize : 1);
      }
      quantType = quant::UniformQuantizedSubChannelType::get(
          flags, storage, type.getElementType(),
          DenseElementsAttr::get(
              RankedTensorType::get(paramShape, type.getElementType()),
              scales),
          DenseElementsAttr::get(RankedTensorType::get(paramShape, storage),
                                 zeroPoints),
          dims, blocks, range->qmin, range->qmax);
    }
    // Quantized here, as an integer initializer behind a DequantizeLinear
    // in an ONNX Runtime QDQ model: stored integers, storage cast,
    // dequantize.
    SmallVector<APInt> stored;
    stored.reserve(values->size());
    for (auto [i, v] : llvm::enumerate(*values))
      stored.emplace_back(
          spec.bits,
          uint64_t(numerics::quantize(v, params[paramIndex(i)], *range)),
          /*isSigned=*/true, /*implicitTrunc=*/true);
    auto storageType = type.clone(storage);
    OpBuilder builder(ctx);
    builder.setInsertionPointAfterValue(constant);
    Location loc = constant.getLoc();
    auto integers = arith::ConstantOp::create(
        builder, loc, storageType, DenseElementsAttr::get(storageType, stored));
    auto quantized = quant::StorageCastOp::create(
        builder, loc, type.clone(quantType), integers.getResult());
    // The weights' recipe, for the manifest.
    auto signedness = spec.isSigned ? IntegerType::Signed : IntegerType::Unsigned;
    std::optional<int64_t> recipeAxis, recipeGroup;
    if (spec.granularity != Granularity::tensor)
      recipeAxis = axis;
    if (grouped)
      recipeGroup = spec.groupSize;
    quantized->setAttr(
        "quantc.recipe",
        RecipeAttr::get(ctx, IntegerType::get(ctx, spec.bits, signedness),
                        spec.symmetric ? QuantScheme::symmetric
                                       : QuantScheme::asymmetric,
                        false, spec.granularity, recipeAxis, recipeGroup,
                        CalibrationMethod::minmax, {}, {}, std::nullopt));
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
    llvm::Expected<recipes::Recipe> rules =
        recipes::loadRecipe(recipe, &getContext());
    if (!rules) {
      emitError(module.getLoc(), "quant-insert-qdq: ")
          << toString(rules.takeError());
      return signalPassFailure();
    }
    SmallVector<Operation *> layers;
    module.walk([&](Operation *op) {
      if (!recipes::layerKind(op).empty())
        layers.push_back(op);
    });
    if (warnUnmatched)
      for (const recipes::Override *entry : rules->unmatched(layers))
        emitWarning(module.getLoc(), "quant-insert-qdq: recipe ")
            << rules->source << ": " << entry->where << " matches no layer";
    bool failedAny = false;
    if (weights == "int8") {
      for (Operation *op : layers) {
        if (!patterns::isContraction(op))
          continue;
        recipes::LayerDecision decision = rules->decide(op);
        if (decision.quantizesWeights())
          failedAny |= failed(quantizeWeight(op, decision));
      }
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
