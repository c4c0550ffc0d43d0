//===- QNNToLinalg.cpp - qnn to integer linalg patterns ---------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Most of these patterns consist of:
// 1. Reading the quantization parameters from the *original* op types (the
//    adaptor's values already have their storage integer types).
// 2. Passing per-tensor parameters as 0-d tensors and per-axis ones as 1-d
//    tensors indexed by the axis, so one linalg.generic serves both.
// 3. A scalar body that is the exact formula of docs/Numerics.md.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/Requantize.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](quant::QuantizedType type) -> Type {
    return type.getStorageType();
  });
  addConversion([](RankedTensorType type) -> Type {
    if (auto quantType = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(quantType.getStorageType());
    return type;
  });
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

/// A value that enters a linalg.generic as an input, with its indexing map.
struct GenericInput {
  Value value;
  AffineMap map;
};

/// Builds the constant tensor of one quantization parameter: 0-d for
/// per-tensor params, [channels] for per-axis ones, with the map that reads
/// it inside a generic over a tensor of rank `rank`.
template <typename T>
GenericInput buildParamInput(OpBuilder &b, Location loc, Type elementType,
                             ArrayRef<T> values, std::optional<int32_t> axis,
                             unsigned rank) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  AffineMap map = AffineMap::get(rank, 0, {}, ctx);
  if (axis) {
    shape.push_back(values.size());
    map = AffineMap::get(rank, 0, {getAffineDimExpr(*axis, ctx)}, ctx);
  }
  auto type = RankedTensorType::get(shape, elementType);
  DenseElementsAttr attr;
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> converted;
    for (T v : values) {
      APFloat f(static_cast<double>(v));
      bool losesInfo;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      converted.push_back(f);
    }
    attr = DenseElementsAttr::get(type, converted);
  } else {
    unsigned width = elementType.getIntOrFloatBitWidth();
    SmallVector<APInt> converted;
    // Folded i32 terms may exceed int32: the arithmetic is modulo 2^32
    // (see MatmulLowering), so truncation is the intended value.
    for (T v : values)
      converted.emplace_back(width, int64_t(v), /*isSigned=*/true,
                             /*implicitTrunc=*/true);
    attr = DenseElementsAttr::get(type, converted);
  }
  return {arith::ConstantOp::create(b, loc, attr), map};
}

/// Sign- or zero-extends a stored integer to i32.
Value extendToI32(OpBuilder &b, Location loc, Value value, bool isSigned) {
  Type i32 = b.getI32Type();
  if (value.getType() == i32)
    return value;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, i32, value);
  return arith::ExtUIOp::create(b, loc, i32, value);
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

/// round_half_to_even(x) + zp, clamped to the storage range and converted to
/// the storage integer type. `x` and `zeroPoint` are floats; NaN becomes
/// the zero point.
Value roundClampToStorage(OpBuilder &b, Location loc, Value x, Value zeroPoint,
                          const UniformParams &params) {
  Type floatType = x.getType();
  Value rounded = math::RoundEvenOp::create(b, loc, x);
  Value shifted = arith::AddFOp::create(b, loc, rounded, zeroPoint);
  numerics::StorageRange range = params.storageRange();
  Value lo = floatConstant(b, loc, floatType, double(range.qmin));
  Value hi = floatConstant(b, loc, floatType, double(range.qmax));
  Value clamped = arith::MinNumFOp::create(
      b, loc, arith::MaxNumFOp::create(b, loc, shifted, lo), hi);
  Value isNan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value result = arith::SelectOp::create(b, loc, isNan, zeroPoint, clamped);
  Type storage = params.type.getStorageType();
  if (params.isSigned())
    return arith::FPToSIOp::create(b, loc, storage, result);
  return arith::FPToUIOp::create(b, loc, storage, result);
}

/// float(q - zp) * scale, in the type of `scale`.
Value dequantizeScalar(OpBuilder &b, Location loc, Value stored, Value scale,
                       Value zeroPoint, const UniformParams &params) {
  Value centred = arith::SubIOp::create(
      b, loc, extendToI32(b, loc, stored, params.isSigned()), zeroPoint);
  Value asFloat = arith::SIToFPOp::create(b, loc, scale.getType(), centred);
  return arith::MulFOp::create(b, loc, asFloat, scale);
}

/// clamp(round_half_to_even(x / scale) + zp).
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                     Value zeroPoint, const UniformParams &params) {
  Value divided = arith::DivFOp::create(b, loc, x, scale);
  return roundClampToStorage(b, loc, divided, zeroPoint, params);
}

/// An all-parallel linalg.generic over the shape of `shapeSource` that
/// reads `shapeSource` (identity map) and `inputs`, and yields
/// `body(args)` of type `resultElementType`.
Value buildElementwise(
    OpBuilder &b, Location loc, Value shapeSource,
    ArrayRef<GenericInput> inputs, Type resultElementType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(shapeSource.getType());
  unsigned rank = type.getRank();
  SmallVector<Value> operands{shapeSource};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  for (const GenericInput &input : inputs) {
    operands.push_back(input.value);
    maps.push_back(input.map);
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, shapeSource), resultElementType);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), operands, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args.drop_back()));
      });
  return generic.getResult(0);
}

/// The scale and zero point params of a quantized type as generic inputs:
/// scales in `floatType`, zero points as `zeroPointType` (i32 or float).
std::pair<GenericInput, GenericInput>
buildScaleAndZeroPoint(OpBuilder &b, Location loc, const UniformParams &params,
                       Type floatType, Type zeroPointType, unsigned rank) {
  GenericInput scale = buildParamInput<double>(b, loc, floatType, params.scales,
                                               params.axis, rank);
  GenericInput zeroPoint;
  if (isa<FloatType>(zeroPointType)) {
    SmallVector<double> asFloat(params.zeroPoints.begin(),
                                params.zeroPoints.end());
    zeroPoint = buildParamInput<double>(b, loc, zeroPointType, asFloat,
                                        params.axis, rank);
  } else {
    zeroPoint = buildParamInput<int64_t>(b, loc, zeroPointType,
                                         params.zeroPoints, params.axis, rank);
  }
  return {scale, zeroPoint};
}

//===----------------------------------------------------------------------===//
// Cast patterns
//===----------------------------------------------------------------------===//

struct QuantizeCastLowering
    : public OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformParams> params = getUniformParams(op.getType());
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!params || !inputType)
      return rewriter.notifyMatchFailure(op, "not a ranked !quant.uniform");
    Location loc = op.getLoc();
    Type floatType = inputType.getElementType();
    auto [scale, zeroPoint] = buildScaleAndZeroPoint(
        rewriter, loc, *params, floatType, floatType, inputType.getRank());
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), {scale, zeroPoint},
        params->type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          return quantizeScalar(b, l, args[0], args[1], args[2], *params);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeCastLowering
    : public OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformParams> params =
        getUniformParams(op.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!params || !resultType)
      return rewriter.notifyMatchFailure(op, "not a ranked !quant.uniform");
    Location loc = op.getLoc();
    auto [scale, zeroPoint] = buildScaleAndZeroPoint(
        rewriter, loc, *params, resultType.getElementType(),
        rewriter.getI32Type(), resultType.getRank());
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), {scale, zeroPoint},
        resultType.getElementType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          return dequantizeScalar(b, l, args[0], args[1], args[2], *params);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// quant.scast only reinterprets: the stored integers are the value.
struct StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (resultType != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// qnn patterns
//===----------------------------------------------------------------------===//

struct ObserveLowering : public OpConversionPattern<ObserveOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// fp32 mode: the float semantics of dq -> q, dequantize then quantize.
struct RequantizeLowering : public OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformParams> in = getUniformParams(op.getInput().getType());
    std::optional<UniformParams> out = getUniformParams(op.getType());
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    Type floatType = in->expressedType();
    unsigned rank = type.getRank();
    auto [inScale, inZeroPoint] = buildScaleAndZeroPoint(
        rewriter, loc, *in, floatType, rewriter.getI32Type(), rank);
    auto [outScale, outZeroPoint] = buildScaleAndZeroPoint(
        rewriter, loc, *out, floatType, floatType, rank);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(),
        {inScale, inZeroPoint, outScale, outZeroPoint},
        out->type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = dequantizeScalar(b, l, args[0], args[1], args[2], *in);
          return quantizeScalar(b, l, x, args[3], args[4], *out);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qnn.matmul: raw i8 x i8 -> i32 contraction, zero-point terms, fp32
/// requantize epilogue. With d = (batch..., m, n, k):
///
///   acc[b, m, n] = sum_k a[b, m, k] * w[(b,) k, n]
///   y = acc - zw[n] * rowsum_a[b, m] - za * colsum_w[(b,) n]
///         + K * za * zw[n] + bias[n]
///   out = clamp(round_half_to_even(float(y) * M[n]) + zo)
///
/// The accumulator wraps modulo 2^32 but the verifier proved that the
/// centred sum fits in i32, so y is exact.
struct MatmulLowering : public OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams lhsP = *getUniformParams(op.getLhs().getType());
    UniformParams rhsP = *getUniformParams(op.getRhs().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();
    Type f32 = rewriter.getF32Type();

    Value lhs = adaptor.getLhs();
    Value rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    unsigned rank = lhsType.getRank();
    unsigned batchRank = rank - 2;
    bool sharedRhs = rhsType.getRank() == 2;
    int64_t k = lhsType.getShape().back();
    int64_t n = rhsType.getShape().back();

    // Loop dims of the contraction: batch..., m, n, k.
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> batch;
    for (unsigned i = 0; i < batchRank; ++i)
      batch.push_back(dim(i));
    AffineExpr m = dim(batchRank), nd = dim(batchRank + 1),
               kd = dim(batchRank + 2);
    auto mapOf = [&](ArrayRef<AffineExpr> prefix,
                     ArrayRef<AffineExpr> tail, unsigned numDims) {
      SmallVector<AffineExpr> exprs(prefix);
      exprs.append(tail.begin(), tail.end());
      return AffineMap::get(numDims, 0, exprs, ctx);
    };
    unsigned contractionDims = rank + 1;
    ArrayRef<AffineExpr> rhsBatch = sharedRhs ? ArrayRef<AffineExpr>{}
                                              : ArrayRef<AffineExpr>(batch);

    // Output sizes: batch and M from lhs, N from rhs.
    SmallVector<OpFoldResult> lhsSizes =
        tensor::getMixedSizes(rewriter, loc, lhs);
    SmallVector<OpFoldResult> outSizes(lhsSizes.begin(),
                                       lhsSizes.end() - 1);
    outSizes.push_back(tensor::getMixedSizes(rewriter, loc, rhs).back());
    auto zeroFilled = [&](ArrayRef<OpFoldResult> sizes) {
      Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, i32);
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getI32IntegerAttr(0));
      return linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    };
    auto reduction = [&](unsigned numDims) {
      SmallVector<utils::IteratorType> it(numDims,
                                          utils::IteratorType::parallel);
      it.back() = utils::IteratorType::reduction;
      return it;
    };
    // sum of ext(input) over the last loop, into a zero-filled i32 tensor.
    auto sumOverLastLoop = [&](Value input, AffineMap inputMap,
                               AffineMap outputMap,
                               ArrayRef<OpFoldResult> sizes, bool isSigned) {
      Value init = zeroFilled(sizes);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{init.getType()}, ValueRange{input},
                 ValueRange{init}, ArrayRef<AffineMap>{inputMap, outputMap},
                 reduction(inputMap.getNumDims()),
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v = extendToI32(b, l, args[0], isSigned);
                   linalg::YieldOp::create(
                       b, l,
                       ValueRange{arith::AddIOp::create(b, l, args[1], v)});
                 })
          .getResult(0);
    };

    // acc = sum_k ext(a) * ext(w)
    Value accInit = zeroFilled(outSizes);
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accInit.getType()},
            ValueRange{lhs, rhs}, ValueRange{accInit},
            ArrayRef<AffineMap>{mapOf(batch, {m, kd}, contractionDims),
                                mapOf(rhsBatch, {kd, nd}, contractionDims),
                                mapOf(batch, {m, nd}, contractionDims)},
            reduction(contractionDims),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value a = extendToI32(b, l, args[0], lhsP.isSigned());
              Value w = extendToI32(b, l, args[1], rhsP.isSigned());
              Value product = arith::MulIOp::create(b, l, a, w);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddIOp::create(b, l, args[2],
                                                         product)});
            })
            .getResult(0);

    int64_t za = lhsP.zeroPoint(0);
    bool anyRhsZeroPoint =
        llvm::any_of(rhsP.zeroPoints, [](int64_t zp) { return zp != 0; });

    // Everything per output channel that is known now folds into one i32
    // vector: K * za * zw[n], the bias, and -za * colsum_w when w is a
    // constant shared by the batch.
    SmallVector<int64_t> folded(n);
    for (int64_t c = 0; c < n; ++c)
      folded[c] = k * za * rhsP.zeroPoint(c);
    Value runtimeBias;
    if (Value bias = adaptor.getBias()) {
      DenseIntElementsAttr values;
      if (matchPattern(bias, m_Constant(&values))) {
        int64_t c = 0;
        for (const APInt &v : values.getValues<APInt>())
          folded[c++] += v.getSExtValue();
      } else {
        runtimeBias = bias;
      }
    }
    Value runtimeColSum;
    if (za != 0) {
      DenseIntElementsAttr weights;
      if (sharedRhs && matchPattern(rhs, m_Constant(&weights))) {
        int64_t index = 0;
        for (const APInt &v : weights.getValues<APInt>()) {
          int64_t w = rhsP.isSigned() ? v.getSExtValue() : v.getZExtValue();
          folded[index++ % n] -= za * w;
        }
      } else {
        // colsum over (batch..., n, k) -> (batch..., n)
        SmallVector<AffineExpr> cb(rhsBatch);
        AffineExpr cn = dim(cb.size()), ck = dim(cb.size() + 1);
        unsigned dims = cb.size() + 2;
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(rewriter, loc, rhs);
        sizes.erase(sizes.end() - 2);
        runtimeColSum = sumOverLastLoop(rhs, mapOf(cb, {ck, cn}, dims),
                                        mapOf(cb, {cn}, dims), sizes,
                                        rhsP.isSigned());
      }
    }
    Value rowSum;
    if (anyRhsZeroPoint) {
      // rowsum over (batch..., m, k) -> (batch..., m)
      AffineExpr rm = dim(batchRank), rk = dim(batchRank + 1);
      rowSum = sumOverLastLoop(lhs, mapOf(batch, {rm, rk}, rank),
                               mapOf(batch, {rm}, rank),
                               ArrayRef(lhsSizes).drop_back(),
                               lhsP.isSigned());
    }

    // Epilogue over (batch..., m, n).
    SmallVector<float> multipliers;
    for (int64_t c = 0, e = rhsP.isPerAxis() ? n : 1; c < e; ++c)
      multipliers.push_back(numerics::mergedScaleF32(
          float(lhsP.scale(0)), float(rhsP.scale(c)), float(outP.scale(0))));
    std::optional<int32_t> channelAxis;
    if (rhsP.isPerAxis())
      channelAxis = rank - 1;
    auto epilogueMap = [&](ArrayRef<AffineExpr> prefix,
                           ArrayRef<AffineExpr> tail) {
      return mapOf(prefix, tail, rank);
    };
    AffineExpr em = dim(batchRank), en = dim(batchRank + 1);
    SmallVector<GenericInput> inputs;
    inputs.push_back(buildParamInput<int64_t>(rewriter, loc, i32, folded,
                                              int32_t(rank - 1), rank));
    inputs.push_back(buildParamInput<float>(rewriter, loc, f32, multipliers,
                                            channelAxis, rank));
    int rowSumIdx = -1, zwIdx = -1, colSumIdx = -1, biasIdx = -1;
    if (rowSum) {
      rowSumIdx = inputs.size() + 1;
      inputs.push_back({rowSum, epilogueMap(batch, {em})});
      zwIdx = inputs.size() + 1;
      inputs.push_back(buildParamInput<int64_t>(
          rewriter, loc, i32, rhsP.zeroPoints, channelAxis, rank));
    }
    if (runtimeColSum) {
      colSumIdx = inputs.size() + 1;
      inputs.push_back({runtimeColSum,
                        epilogueMap(sharedRhs ? ArrayRef<AffineExpr>{}
                                              : ArrayRef<AffineExpr>(batch),
                                    {en})});
    }
    if (runtimeBias) {
      biasIdx = inputs.size() + 1;
      inputs.push_back({runtimeBias, epilogueMap({}, {en})});
    }
    Value result = buildElementwise(
        rewriter, loc, acc, inputs, outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value y = arith::AddIOp::create(b, l, args[0], args[1]);
          if (rowSumIdx >= 0)
            y = arith::SubIOp::create(
                b, l, y,
                arith::MulIOp::create(b, l, args[zwIdx], args[rowSumIdx]));
          if (colSumIdx >= 0) {
            Value zaValue = arith::ConstantOp::create(
                b, l, b.getI32IntegerAttr(int32_t(za)));
            y = arith::SubIOp::create(
                b, l, y, arith::MulIOp::create(b, l, zaValue,
                                               args[colSumIdx]));
          }
          if (biasIdx >= 0)
            y = arith::AddIOp::create(b, l, y, args[biasIdx]);
          Value scaled = arith::MulFOp::create(
              b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), y),
              args[2]);
          Value zo = floatConstant(b, l, b.getF32Type(),
                                   double(outP.zeroPoint(0)));
          return roundClampToStorage(b, l, scaled, zo, outP);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void quantc::populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<QuantizeCastLowering, DequantizeCastLowering,
               StorageCastLowering, ObserveLowering, RequantizeLowering,
               MatmulLowering>(typeConverter, patterns.getContext());
}
