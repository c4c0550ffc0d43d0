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
#include "LoweringHelpers.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "quantc/Dialect/QNN/Utils/ContractionUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/Requantize.h"

#include "LoweringHelpers.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
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

// Shared with the other pattern files through LoweringHelpers.h.
namespace quantc::lowering {

/// Builds the constant tensor of one quantization parameter: 0-d for
/// per-tensor params (`channels` empty), shaped as `channels` for per-channel
/// ones, with the map that reads it inside a generic of `numLoops` loops.
template <typename T>
GenericInput buildChannelParamInput(OpBuilder &b, Location loc,
                                    Type elementType, ArrayRef<T> values,
                                    const std::optional<ChannelLoops> &channels,
                                    unsigned numLoops) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  if (channels) {
    shape.assign(channels->shape.begin(), channels->shape.end());
    for (unsigned loop : channels->loops)
      exprs.push_back(getAffineDimExpr(loop, ctx));
  }
  AffineMap map = AffineMap::get(numLoops, 0, exprs, ctx);
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
    // ("Quantized contractions" below), so truncation is the intended value.
    for (T v : values)
      converted.emplace_back(width, int64_t(v), /*isSigned=*/true,
                             /*implicitTrunc=*/true);
    attr = DenseElementsAttr::get(type, converted);
  }
  return {arith::ConstantOp::create(b, loc, attr), map};
}

/// The same for a parameter of a quantized type, per axis `axis` if set.
template <typename T>
GenericInput buildParamInput(OpBuilder &b, Location loc, Type elementType,
                             ArrayRef<T> values, std::optional<int32_t> axis,
                             unsigned rank) {
  std::optional<ChannelLoops> channels;
  if (axis)
    channels = ChannelLoops{{unsigned(*axis)}, {int64_t(values.size())}};
  return buildChannelParamInput<T>(b, loc, elementType, values, channels, rank);
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
                       Type floatType, Type zeroPointType, unsigned rank,
                       const BlockedParams *blocked = nullptr) {
  if (blocked) {
    // Blocked parameters: constants of the parameter shape, read at
    // i[d] floordiv block[d] (at 0 along dimensions they do not vary on).
    MLIRContext *ctx = b.getContext();
    SmallVector<AffineExpr> exprs;
    for (auto [d, size] : llvm::enumerate(blocked->paramShape))
      exprs.push_back(size == 1 ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(d, ctx).floorDiv(
                                      blocked->blockSizes[d]));
    AffineMap map = AffineMap::get(rank, 0, exprs, ctx);
    auto constantOf = [&](Type elementType, ArrayRef<double> values) {
      ChannelLoops all{{}, SmallVector<int64_t>(blocked->paramShape)};
      GenericInput input = buildChannelParamInput<double>(
          b, loc, elementType, values, all, rank);
      return GenericInput{input.value, map};
    };
    SmallVector<double> zeroPoints(params.zeroPoints.begin(),
                                   params.zeroPoints.end());
    return {constantOf(floatType, params.scales),
            constantOf(zeroPointType, zeroPoints)};
  }
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
// Quantized contractions (matmul, conv)
//===----------------------------------------------------------------------===//
//
// A contraction of stored integers x (zero point zx) and w (zero points
// zw[c] per output channel c) over K products is built as
//
//   acc = sum_k x * w                                     (i8 x i8 -> i32)
//   y   = acc - zw[c] * sum_k x - zx * sum_k w[c] + K * zx * zw[c] + bias[c]
//   out = requantize(y, M[c]) + zo, clamped     (the pass's requant mode)
//
// so that the hot loop multiplies raw stored values. Every term known at
// compile time is folded into one i32 vector. The terms wrap modulo 2^32,
// but the op verifiers prove the centred sum fits in i32, so y is exact.

Value padWithZeroPoint(OpBuilder &b, Location loc, Value x,
                       ArrayRef<int64_t> padding, int64_t zeroPoint,
                       unsigned firstSpatialDim) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  Type storage = type.getElementType();
  Value padValue = arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(storage,
                       APInt(storage.getIntOrFloatBitWidth(), zeroPoint,
                             /*isSigned=*/true, /*implicitTrunc=*/true)));
  SmallVector<int64_t> shape(type.getShape());
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  SmallVector<OpFoldResult> low(type.getRank(), index(0)),
      high(type.getRank(), index(0));
  for (unsigned d = 0; d < 2; ++d) {
    unsigned dim = firstSpatialDim + d;
    if (!ShapedType::isDynamic(shape[dim]))
      shape[dim] += padding[d] + padding[2 + d];
    low[dim] = index(padding[d]);
    high[dim] = index(padding[2 + d]);
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), x, low, high,
                               padValue);
}

Value buildTranspose(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  Value init = tensor::EmptyOp::create(
      b, loc, applyPermutation(type.getShape(), permutation),
      type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, permutation)
      .getResult()[0];
}

/// A zero-filled i32 tensor of `sizes`.
Value buildZeroFilledI32(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sizes) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, b.getI32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// Iterator types of a generic writing `outputMap`: its dims are parallel,
/// all other loops reductions.
SmallVector<utils::IteratorType> iteratorsFor(AffineMap outputMap) {
  SmallVector<utils::IteratorType> iterators(outputMap.getNumDims(),
                                             utils::IteratorType::reduction);
  for (AffineExpr expr : outputMap.getResults())
    iterators[cast<AffineDimExpr>(expr).getPosition()] =
        utils::IteratorType::parallel;
  return iterators;
}

/// acc + ext(x) * ext(w) in i32: a contraction body's step.
static Value multiplyAccumulate(OpBuilder &b, Location loc, Value x, Value w,
                                Value acc, bool xSigned, bool wSigned) {
  Value a = extendToI32(b, loc, x, xSigned);
  Value c = extendToI32(b, loc, w, wSigned);
  Value product = arith::MulIOp::create(b, loc, a, c);
  return arith::AddIOp::create(b, loc, acc, product);
}

/// sum of ext(x) * ext(w) into a zero-filled i32 tensor of `outputSizes`:
/// the raw contraction of the stored integers.
Value buildIntegerContraction(OpBuilder &b, Location loc, Value x, Value w,
                              ArrayRef<AffineMap> maps,
                              ArrayRef<OpFoldResult> outputSizes, bool xSigned,
                              bool wSigned) {
  Value init = buildZeroFilledI32(b, loc, outputSizes);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x, w},
             ValueRange{init}, maps, iteratorsFor(maps.back()),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   multiplyAccumulate(nb, l, args[0], args[1], args[2],
                                      xSigned, wSigned));
             })
      .getResult(0);
}

Value buildPaddedWindowRead(OpBuilder &b, Location loc, Value x,
                            ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilations,
                            ArrayRef<int64_t> padding, int64_t zeroPoint,
                            int64_t channelDivisor) {
  auto xType = cast<RankedTensorType>(x.getType());
  Type storage = xType.getElementType();
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // One op per statement: the IR's order must not depend on the
  // compiler's order of evaluating arguments.
  auto coordinate = [&](unsigned outLoop, unsigned tapLoop,
                        unsigned axis) -> Value {
    Value out = linalg::IndexOp::create(b, loc, outLoop);
    Value stride = index(strides[axis]);
    Value scaled = arith::MulIOp::create(b, loc, out, stride);
    Value tap = linalg::IndexOp::create(b, loc, tapLoop);
    Value dilation = index(dilations[axis]);
    Value dilated = arith::MulIOp::create(b, loc, tap, dilation);
    Value sum = arith::AddIOp::create(b, loc, scaled, dilated);
    Value before = index(padding[axis]);
    return arith::SubIOp::create(b, loc, sum, before);
  };
  Value h = coordinate(1, 3, 0);
  Value w = coordinate(2, 4, 1);
  // Negative coordinates wrap to large unsigned ones, so one unsigned
  // compare per axis bounds both sides.
  auto inside = [&](Value v, unsigned axis) -> Value {
    Value size = index(xType.getDimSize(1 + axis));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, v, size);
  };
  Value hInside = inside(h, 0);
  Value wInside = inside(w, 1);
  Value inBounds = arith::AndIOp::create(b, loc, hInside, wInside);
  Value zero = index(0);
  Value hc = arith::SelectOp::create(b, loc, inBounds, h, zero);
  Value wc = arith::SelectOp::create(b, loc, inBounds, w, zero);
  Value n = linalg::IndexOp::create(b, loc, 0);
  Value c = linalg::IndexOp::create(b, loc, 5);
  if (channelDivisor != 1)
    c = arith::DivUIOp::create(b, loc, c, index(channelDivisor));
  Value value = tensor::ExtractOp::create(b, loc, x, ValueRange{n, hc, wc, c});
  Value pad = arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(storage, APInt(storage.getIntOrFloatBitWidth(),
                                      zeroPoint, /*isSigned=*/true,
                                      /*implicitTrunc=*/true)));
  return arith::SelectOp::create(b, loc, inBounds, value, pad);
}

/// The depthwise contraction of the NHWC storage input `x` [N, H, W, G]
/// (unpadded) and the weights `w` [KH, KW, F], F = G * M (M filters per
/// channel), with loops (n, oh, ow, kh, kw, f), the channels innermost so
/// that each tap is one contiguous vector of channels in x, w and the
/// accumulator:
///
///   acc[n, oh, ow, f] += ext(x[n, oh * sh + kh * dh - top,
///                              ow * sw + kw * dw - left, f / M])
///                        * ext(w[kh, kw, f])
///
/// Taps in the padding read the zero point `zx` (buildPaddedWindowRead).
Value buildDepthwiseContraction(OpBuilder &b, Location loc, Value x, Value w,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations,
                                ArrayRef<int64_t> padding, int64_t zx,
                                ArrayRef<int64_t> outHW, bool xSigned,
                                bool wSigned) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t filters = cast<RankedTensorType>(w.getType()).getDimSize(2);
  int64_t multiplier = filters / xType.getDimSize(3);
  Value init = buildZeroFilledI32(
      b, loc,
      getAsIndexOpFoldResult(b.getContext(), {xType.getDimSize(0), outHW[0],
                                              outHW[1], filters}));
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps{AffineMap::get(6, 0, {d(3), d(4), d(5)}, ctx),
                              AffineMap::get(6, 0, {d(0), d(1), d(2), d(5)},
                                             ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{w}, ValueRange{init},
      maps, iteratorsFor(maps.back()),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value tapValue = buildPaddedWindowRead(nb, l, x, strides, dilations,
                                               padding, zx, multiplier);
        linalg::YieldOp::create(nb, l,
                                multiplyAccumulate(nb, l, tapValue, args[0],
                                                   args[1], xSigned, wSigned));
      });
  // The window, for targets with a depthwise kernel of their own
  // (quant-x86-depthwise); the generic alone stays correct without it.
  generic->setAttr(kDepthwiseAttrName,
                   b.getDictionaryAttr({
                       b.getNamedAttr("strides",
                                      b.getDenseI64ArrayAttr(strides)),
                       b.getNamedAttr("dilations",
                                      b.getDenseI64ArrayAttr(dilations)),
                       b.getNamedAttr("padding",
                                      b.getDenseI64ArrayAttr(padding)),
                       b.getNamedAttr("zero_point", b.getI64IntegerAttr(zx)),
                   }));
  return generic.getResult(0);
}

/// sum of ext(input) over the loops `outputMap` does not name, into a
/// zero-filled i32 tensor of `outputSizes` (row, column and window sums).
/// `window`, if set, only gives loops that no other map names their sizes,
/// as the window operand of linalg's pooling ops does.
Value buildSumReduction(OpBuilder &b, Location loc, Value input,
                        AffineMap inputMap, AffineMap outputMap,
                        ArrayRef<OpFoldResult> outputSizes, bool isSigned,
                        GenericInput window = {}) {
  Value init = buildZeroFilledI32(b, loc, outputSizes);
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps{inputMap};
  if (window.value) {
    inputs.push_back(window.value);
    maps.push_back(window.map);
  }
  maps.push_back(outputMap);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             iteratorsFor(outputMap),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = extendToI32(nb, l, args[0], isSigned);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddIOp::create(nb, l, args.back(), v)});
             })
      .getResult(0);
}

/// The per-output-channel i32 terms known at compile time:
/// K * zx * zw[c], a constant bias, and -zx * sum_k w[c] for constant
/// weights. What is not constant is returned for the epilogue to add.
struct ConstantTerms {
  SmallVector<int64_t> perChannel;
  /// The bias when it is not a constant (null without a bias).
  Value runtimeBias;
  /// Whether -zx * sum_k w[c] is part of `perChannel`.
  bool weightSumsFolded = false;
};

/// Folds the constant terms of a contraction with `channels` output
/// channels and `k` products per output: the op's zero_point_corrections
/// when quant-fuse-requant set them, else the same algebra
/// (computeZeroPointCorrections) on `weights` when it is a constant (pass
/// null where the weights differ between batches), else K * zx * zw[c]
/// alone and the weight sums are left to the epilogue.
ConstantTerms foldConstantTerms(int64_t k, int64_t channels,
                                const UniformParams &x, const UniformParams &w,
                                Value bias, Value weights,
                                WeightChannelDim channelDim,
                                std::optional<ArrayRef<int64_t>> corrections) {
  ConstantTerms terms;
  int64_t zx = x.zeroPoint(0);
  std::optional<ConstantWeightSums> sums;
  if (corrections) {
    terms.perChannel.assign(corrections->begin(), corrections->end());
    terms.weightSumsFolded = true;
  } else if (zx == 0 || (sums = getConstantWeightSums(weights, w, channels,
                                                      channelDim))) {
    terms.perChannel = computeZeroPointCorrections(
        k, zx, w, channels, sums ? &sums->sums : nullptr);
    terms.weightSumsFolded = true; // With zx = 0 the term is 0.
  } else {
    terms.perChannel =
        computeZeroPointCorrections(k, zx, w, channels, /*weightSums=*/nullptr);
  }
  if (bias) {
    if (std::optional<SmallVector<int64_t>> values =
            getConstantIntegers(bias, /*isSigned=*/true)) {
      for (auto [c, v] : llvm::enumerate(*values))
        terms.perChannel[c] += v;
    } else {
      terms.runtimeBias = bias;
    }
  }
  return terms;
}

/// The requantize multipliers of a contraction: s_x * s_w[c] / s_out, one
/// per output channel where the weights are per channel, else one.
SmallVector<ChannelMultiplier> contractionMultipliers(const UniformParams &x,
                                                      const UniformParams &w,
                                                      const UniformParams &out,
                                                      int64_t channels) {
  SmallVector<ChannelMultiplier> multipliers;
  for (auto [c, real] :
       llvm::enumerate(contractionRealMultipliers(x, w, out, channels)))
    multipliers.push_back({numerics::mergedScaleF32(float(x.scale(0)),
                                                    float(w.scale(c)),
                                                    float(out.scale(0))),
                           real});
  return multipliers;
}

/// The requantize multipliers of qnn.requantize: s_in[c] / s_out[c] along
/// the axis of whichever side is per axis, else one. (Its fp32 mode is a
/// dequantize-quantize and does not use them.)
SmallVector<ChannelMultiplier> requantizeMultipliers(const UniformParams &in,
                                                     const UniformParams &out) {
  SmallVector<ChannelMultiplier> multipliers;
  for (double real : requantizeRealMultipliers(in, out))
    multipliers.push_back({0.0f, real});
  return multipliers;
}

FailureOr<RequantConstants>
computeRequantConstants(RequantMode mode,
                        ArrayRef<ChannelMultiplier> multipliers,
                        function_ref<InFlightDiagnostic()> emitError) {
  RequantConstants constants;
  for (const ChannelMultiplier &m : multipliers) {
    switch (mode) {
    case RequantMode::fp32:
      constants.scales.push_back(m.fp32);
      break;
    case RequantMode::fixedpoint: {
      // Never fails for the finite positive scales the verifiers admit;
      // out-of-range shifts flush or saturate without changing a result.
      llvm::Expected<numerics::FixedPointMultiplier> q =
          numerics::quantizeMultiplier(m.real);
      if (!q)
        return emitError() << "requant-mode=fixedpoint: merged scale " << m.real
                           << ": " << llvm::toString(q.takeError());
      constants.multipliers.push_back(q->multiplier);
      constants.leftShifts.push_back(std::max(q->shift, 0));
      constants.rightShifts.push_back(std::max(-q->shift, 0));
      break;
    }
    case RequantMode::tosa_double_round:
    case RequantMode::tosa_single_round: {
      llvm::Expected<numerics::TosaRescaleMultiplier> q =
          numerics::quantizeTosaMultiplier(m.real);
      if (!q)
        return emitError() << "requant-mode="
                           << stringifyRequantModeOption(mode)
                           << ": merged scale " << m.real
                           << " cannot be a TOSA rescale multiplier/shift ("
                           << llvm::toString(q.takeError()) << ")";
      constants.multipliers.push_back(q->multiplier);
      constants.rightShifts.push_back(q->shift);
      break;
    }
    }
  }
  return constants;
}

/// The constants of computeRequantConstants as generic inputs over
/// `numLoops` loops, per channel along `channels` if set.
SmallVector<GenericInput>
buildRequantParams(OpBuilder &b, Location loc, RequantMode mode,
                   const RequantConstants &constants,
                   const std::optional<ChannelLoops> &channels,
                   unsigned numLoops) {
  Type i32 = b.getI32Type();
  auto i32Input = [&](ArrayRef<int64_t> values) {
    return buildChannelParamInput<int64_t>(b, loc, i32, values, channels,
                                           numLoops);
  };
  switch (mode) {
  case RequantMode::fp32:
    return {buildChannelParamInput<float>(
        b, loc, b.getF32Type(), constants.scales, channels, numLoops)};
  case RequantMode::fixedpoint:
    return {i32Input(constants.multipliers), i32Input(constants.leftShifts),
            i32Input(constants.rightShifts)};
  case RequantMode::tosa_double_round:
  case RequantMode::tosa_single_round:
    return {i32Input(constants.multipliers), i32Input(constants.rightShifts)};
  }
  llvm_unreachable("unknown requant mode");
}

Value i64Constant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
}

/// The constant `value` of integer `type`, sign-extended (i128 included).
static Value signedConstant(OpBuilder &b, Location loc, Type type,
                            int64_t value) {
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(type, APInt(type.getIntOrFloatBitWidth(), value,
                                   /*isSigned=*/true)));
}

/// clamp(q, qmin, qmax) of an i64 `q` (or i128: a split K's TOSA
/// rescale), truncated to the storage type.
Value clampI64ToStorage(OpBuilder &b, Location loc, Value q,
                        const UniformParams &params) {
  numerics::StorageRange range = params.storageRange();
  Value clamped = arith::MinSIOp::create(
      b, loc,
      arith::MaxSIOp::create(b, loc, q,
                             signedConstant(b, loc, q.getType(), range.qmin)),
      signedConstant(b, loc, q.getType(), range.qmax));
  return arith::TruncIOp::create(b, loc, params.type.getStorageType(), clamped);
}

/// TFLite's MultiplyByQuantizedMultiplier of an i32 `y`, in i32/i64 integer
/// ops only (numerics::multiplyByQuantizedMultiplier, as IR). Returns i32.
Value buildFixedPointMultiply(OpBuilder &b, Location loc, Value y,
                              Value multiplier, Value leftShift,
                              Value rightShift) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(int32_t(v)));
  };
  // y << left, saturated to int32 (left <= 30, so exact in i64).
  Value shifted =
      arith::ShLIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, y),
                            arith::ExtSIOp::create(b, loc, i64, leftShift));
  shifted = arith::MinSIOp::create(
      b, loc,
      arith::MaxSIOp::create(b, loc, shifted, i64Constant(b, loc, INT32_MIN)),
      i64Constant(b, loc, INT32_MAX));
  // SaturatingRoundingDoublingHighMul: (a * b + nudge) / 2^31, truncating.
  // Its saturating case (both INT32_MIN) cannot occur: multiplier >= 0.
  Value ab = arith::MulIOp::create(
      b, loc, shifted, arith::ExtSIOp::create(b, loc, i64, multiplier));
  Value nonNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                            ab, i64Constant(b, loc, 0));
  Value nudge = arith::SelectOp::create(
      b, loc, nonNegative, i64Constant(b, loc, int64_t(1) << 30),
      i64Constant(b, loc, 1 - (int64_t(1) << 30)));
  Value high = arith::TruncIOp::create(
      b, loc, i32,
      arith::DivSIOp::create(b, loc, arith::AddIOp::create(b, loc, ab, nudge),
                             i64Constant(b, loc, int64_t(1) << 31)));
  // RoundingDivideByPOT: arithmetic shift, plus 1 where the remainder is
  // above half (ties away from zero).
  Value mask = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, c32(1), rightShift), c32(1));
  Value remainder = arith::AndIOp::create(b, loc, high, mask);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, c32(0));
  Value threshold = arith::AddIOp::create(
      b, loc, arith::ShRSIOp::create(b, loc, mask, c32(1)),
      arith::ExtUIOp::create(b, loc, i32, negative));
  Value roundUp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                        remainder, threshold);
  return arith::AddIOp::create(b, loc,
                               arith::ShRSIOp::create(b, loc, high, rightShift),
                               arith::ExtUIOp::create(b, loc, i32, roundUp));
}

/// TOSA's apply_scale_32 of an i32 `y`, exactly in i64 (no truncation to
/// i32: outside TOSA's required input range the value is kept whole and
/// clamped later, never wrapped). Returns i64. An i64 `y` (the i64 sum of a
/// split K) is computed the same way in i128, where y * multiplier fits;
/// returns i128.
Value buildTosaApplyScale(OpBuilder &b, Location loc, Value y, Value multiplier,
                          Value shift, bool doubleRound) {
  Type wideType = y.getType().isInteger(64) ? Type(b.getIntegerType(128))
                                            : Type(b.getI64Type());
  auto wide = [&](int64_t v) { return signedConstant(b, loc, wideType, v); };
  Value shiftWide = arith::ExtSIOp::create(b, loc, wideType, shift);
  Value round = arith::ShLIOp::create(
      b, loc, wide(1), arith::SubIOp::create(b, loc, shiftWide, wide(1)));
  if (doubleRound) {
    Value nonNegative = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::sge, y,
        signedConstant(b, loc, y.getType(), 0));
    Value second = arith::SelectOp::create(b, loc, nonNegative,
                                           wide(int64_t(1) << 30),
                                           wide(-(int64_t(1) << 30)));
    Value wideShift = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                            shiftWide, wide(31));
    round = arith::SelectOp::create(
        b, loc, wideShift, arith::AddIOp::create(b, loc, round, second), round);
  }
  Value product = arith::MulIOp::create(
      b, loc, arith::ExtSIOp::create(b, loc, wideType, y),
      arith::ExtSIOp::create(b, loc, wideType, multiplier));
  return arith::ShRSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, product, round), shiftWide);
}

/// The requantize of an i32 `y` (or the i64 `y` of a split K, in fp32 and
/// the TOSA modes) in `mode` to `out`'s storage type, reading
/// `params` (buildRequantParams' inputs, in order). `zeroPoint` is the
/// output zero point as f32 in fp32 mode and as i64 in the integer modes.
Value buildRequantizeScalar(OpBuilder &b, Location loc, RequantMode mode,
                            Value y, ValueRange params, Value zeroPoint,
                            const UniformParams &out) {
  switch (mode) {
  case RequantMode::fp32: {
    Value scaled = arith::MulFOp::create(
        b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), y), params[0]);
    return roundClampToStorage(b, loc, scaled, zeroPoint, out);
  }
  case RequantMode::fixedpoint: {
    Value scaled =
        buildFixedPointMultiply(b, loc, y, params[0], params[1], params[2]);
    Value q = arith::AddIOp::create(
        b, loc, arith::ExtSIOp::create(b, loc, b.getI64Type(), scaled),
        zeroPoint);
    return clampI64ToStorage(b, loc, q, out);
  }
  case RequantMode::tosa_double_round:
  case RequantMode::tosa_single_round: {
    Value scaled = buildTosaApplyScale(b, loc, y, params[0], params[1],
                                       mode == RequantMode::tosa_double_round);
    if (scaled.getType() != zeroPoint.getType()) // i128: a split K
      zeroPoint = arith::ExtSIOp::create(b, loc, scaled.getType(), zeroPoint);
    return clampI64ToStorage(
        b, loc, arith::AddIOp::create(b, loc, scaled, zeroPoint), out);
  }
  }
  llvm_unreachable("unknown requant mode");
}

/// The output zero point constant in the type buildRequantizeScalar takes.
Value buildZeroPointConstant(OpBuilder &b, Location loc, RequantMode mode,
                             int64_t zeroPoint) {
  if (mode == RequantMode::fp32)
    return floatConstant(b, loc, b.getF32Type(), double(zeroPoint));
  return i64Constant(b, loc, zeroPoint);
}

/// y = acc + terms, then the requantize in `mode` to `out`'s storage type,
/// as one elementwise generic over `acc`.
Value buildRequantizeEpilogue(OpBuilder &b, Location loc, RequantMode mode,
                              Value acc, const EpilogueInputs &in,
                              int64_t inputZeroPoint,
                              const UniformParams &out) {
  SmallVector<GenericInput> inputs{in.constantTerms};
  llvm::append_range(inputs, in.requantParams);
  unsigned numParams = in.requantParams.size();
  // Argument positions in the body: 0 is acc, then `inputs` in order.
  auto addOptional = [&](const GenericInput &input) {
    if (!input.value)
      return -1;
    inputs.push_back(input);
    return int(inputs.size());
  };
  int inputSumsIdx = addOptional(in.inputSums);
  int weightZeroPointsIdx = addOptional(in.weightZeroPoints);
  int weightSumsIdx = addOptional(in.weightSums);
  int biasIdx = addOptional(in.runtimeBias);
  return buildElementwise(
      b, loc, acc, inputs, out.type.getStorageType(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value y = arith::AddIOp::create(nb, l, args[0], args[1]);
        if (inputSumsIdx >= 0)
          y = arith::SubIOp::create(
              nb, l, y,
              arith::MulIOp::create(nb, l, args[weightZeroPointsIdx],
                                    args[inputSumsIdx]));
        if (weightSumsIdx >= 0) {
          Value zx = arith::ConstantOp::create(
              nb, l, nb.getI32IntegerAttr(int32_t(inputZeroPoint)));
          y = arith::SubIOp::create(
              nb, l, y, arith::MulIOp::create(nb, l, zx, args[weightSumsIdx]));
        }
        if (biasIdx >= 0)
          y = arith::AddIOp::create(nb, l, y, args[biasIdx]);
        Value zo = buildZeroPointConstant(nb, l, mode, out.zeroPoint(0));
        return buildRequantizeScalar(nb, l, mode, y, args.slice(2, numParams),
                                     zo, out);
      });
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
    std::optional<BlockedParams> blocked = getBlockedParams(op.getType());
    if (blocked)
      params = blocked->params;
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!params || !inputType)
      return rewriter.notifyMatchFailure(op, "not a ranked !quant.uniform");
    Location loc = op.getLoc();
    Type floatType = inputType.getElementType();
    auto [scale, zeroPoint] =
        buildScaleAndZeroPoint(rewriter, loc, *params, floatType, floatType,
                               inputType.getRank(), blocked ? &*blocked : nullptr);
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
    std::optional<BlockedParams> blocked =
        getBlockedParams(op.getInput().getType());
    if (blocked)
      params = blocked->params;
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!params || !resultType)
      return rewriter.notifyMatchFailure(op, "not a ranked !quant.uniform");
    Location loc = op.getLoc();
    auto [scale, zeroPoint] = buildScaleAndZeroPoint(
        rewriter, loc, *params, resultType.getElementType(),
        rewriter.getI32Type(), resultType.getRank(),
        blocked ? &*blocked : nullptr);
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

/// The per-channel loops of qnn.requantize: the axis of whichever side is
/// per axis.
std::optional<ChannelLoops> requantizeChannels(const UniformParams &in,
                                               const UniformParams &out) {
  std::optional<int32_t> axis = in.isPerAxis() ? in.axis : out.axis;
  if (!axis)
    return std::nullopt;
  int64_t size = std::max(in.scales.size(), out.scales.size());
  return ChannelLoops{{unsigned(*axis)}, {size}};
}

/// fp32 mode: the float semantics of dq -> q, dequantize then quantize.
/// Integer modes: the centred input q - zp_in requantized by s_in / s_out
/// with the same scalar code as the contractions' epilogue.
struct RequantizeLowering : public RequantizingPattern<RequantizeOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<UniformParams> in = getUniformParams(op.getInput().getType());
    std::optional<UniformParams> out = getUniformParams(op.getType());
    auto type = cast<RankedTensorType>(op.getType());
    Location loc = op.getLoc();
    Type floatType = in->expressedType();
    unsigned rank = type.getRank();
    Value result;
    if (mode == RequantMode::fp32) {
      auto [inScale, inZeroPoint] = buildScaleAndZeroPoint(
          rewriter, loc, *in, floatType, rewriter.getI32Type(), rank);
      auto [outScale, outZeroPoint] = buildScaleAndZeroPoint(
          rewriter, loc, *out, floatType, floatType, rank);
      result = buildElementwise(
          rewriter, loc, adaptor.getInput(),
          {inScale, inZeroPoint, outScale, outZeroPoint},
          out->type.getStorageType(),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value x = dequantizeScalar(b, l, args[0], args[1], args[2], *in);
            return quantizeScalar(b, l, x, args[3], args[4], *out);
          });
    } else {
      FailureOr<RequantConstants> constants =
          computeRequantConstants(mode, requantizeMultipliers(*in, *out),
                                  [&] { return op.emitError(); });
      if (failed(constants))
        return failure(); // Diagnosed before the conversion (LowerQNNPass).
      SmallVector<GenericInput> inputs{
          buildParamInput<int64_t>(rewriter, loc, rewriter.getI32Type(),
                                   in->zeroPoints, in->axis, rank),
          buildParamInput<int64_t>(rewriter, loc, rewriter.getI64Type(),
                                   out->zeroPoints, out->axis, rank)};
      llvm::append_range(
          inputs, buildRequantParams(rewriter, loc, mode, *constants,
                                     requantizeChannels(*in, *out), rank));
      result = buildElementwise(
          rewriter, loc, adaptor.getInput(), inputs, out->type.getStorageType(),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value centred = arith::SubIOp::create(
                b, l, extendToI32(b, l, args[0], in->isSigned()), args[1]);
            return buildRequantizeScalar(b, l, mode, centred,
                                         args.drop_front(3), args[2], *out);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Chunked contractions: a split K, per-group weights
//===----------------------------------------------------------------------===//
//
// Both sum K in chunks: of `accumulator_chunk` products for a split K, of
// one block for per-group weights. Each chunk c of output (b, m, n) is an
// exact i32 sum of centred products (the verifiers bound one chunk):
//
//   part[b, m, n, c] = sum_j (x[b, m, c*ch + j] - zx) * (w[c*ch + j, n] - zw)
//
// with zw per tensor, per column or per (block, column). A split K then
// sums the parts in i64 and requantizes from i64; per-group weights scale
// each part by s_x * s_w[c, n] in f32 and sum in f32, in order of c.

/// The i32 parts of a chunked qnn.matmul (above) as [batch..., M, N, C]:
/// `lhs` [batch..., M, K] and `rhs` [(batch...,) K, N] in their storage
/// types, K padded to C * `chunk` (lhs with its zero point: a padded
/// product is 0). `zeroPoints` gives zw over the loops
/// (batch..., m, n, c, j).
static Value buildChunkedCentredParts(
    OpBuilder &b, Location loc, Value lhs, Value rhs, int64_t chunk,
    const UniformParams &lhsP, const UniformParams &rhsP,
    function_ref<GenericInput(unsigned numLoops, AffineExpr n, AffineExpr c)>
        zeroPoints) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  unsigned rank = lhsType.getRank(), rhsRank = rhsType.getRank();
  unsigned batchRank = rank - 2;
  int64_t k = lhsType.getShape().back();
  int64_t chunks = llvm::divideCeil(k, chunk), padded = chunks * chunk;
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };

  // Pad K to whole chunks.
  auto padK = [&](Value value, unsigned kDim, int64_t padValue) -> Value {
    if (padded == k)
      return value;
    auto type = cast<RankedTensorType>(value.getType());
    Type storage = type.getElementType();
    SmallVector<int64_t> shape(type.getShape());
    shape[kDim] = padded;
    SmallVector<OpFoldResult> low(type.getRank(), index(0)),
        high(type.getRank(), index(0));
    high[kDim] = index(padded - k);
    Value pad = arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(storage,
                         APInt(storage.getIntOrFloatBitWidth(), padValue,
                               /*isSigned=*/true, /*implicitTrunc=*/true)));
    return tensor::PadOp::create(b, loc, type.clone(shape), value, low, high,
                                 pad)
        .getResult();
  };
  lhs = padK(lhs, rank - 1, lhsP.zeroPoint(0));
  rhs = padK(rhs, rhsRank - 2, 0);

  // Split K into (C, chunk).
  auto expandK = [&](Value value, unsigned kDim) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<ReassociationIndices> reassociation;
    SmallVector<OpFoldResult> newSizes;
    SmallVector<int64_t> newShape;
    for (unsigned d = 0, out = 0; d < type.getRank(); ++d) {
      if (d == kDim) {
        reassociation.push_back({int64_t(out), int64_t(out + 1)});
        newSizes.append({index(chunks), index(chunk)});
        newShape.append({chunks, chunk});
        out += 2;
      } else {
        reassociation.push_back({int64_t(out++)});
        newSizes.push_back(sizes[d]);
        newShape.push_back(shape[d]);
      }
    }
    return tensor::ExpandShapeOp::create(b, loc, type.clone(newShape), value,
                                         reassociation, newSizes)
        .getResult();
  };
  Value lhs4 = expandK(lhs, rank - 1);
  Value rhs4 = expandK(rhs, rhsRank - 2);

  // Loops (batch..., m, n, c, j).
  unsigned numLoops = rank + 2;
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> batch, rhsBatch;
  for (unsigned i = 0; i < batchRank; ++i)
    batch.push_back(dim(i));
  if (rhsRank == rank)
    rhsBatch = batch;
  AffineExpr m = dim(batchRank), n = dim(batchRank + 1),
             c = dim(batchRank + 2), j = dim(batchRank + 3);
  auto mapOf = [&](ArrayRef<AffineExpr> prefix, ArrayRef<AffineExpr> tail) {
    SmallVector<AffineExpr> exprs(prefix);
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(numLoops, 0, exprs, ctx);
  };
  GenericInput zw = zeroPoints(numLoops, n, c);
  SmallVector<OpFoldResult> outSizes = tensor::getMixedSizes(b, loc, lhs);
  outSizes.pop_back();
  outSizes.push_back(tensor::getMixedSizes(b, loc, rhs).back());
  outSizes.push_back(index(chunks));
  Value init = buildZeroFilledI32(b, loc, outSizes);
  AffineMap outMap = mapOf(batch, {m, n, c});
  int32_t zx = int32_t(lhsP.zeroPoint(0));
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs4, rhs4, zw.value},
             ValueRange{init},
             {mapOf(batch, {m, c, j}), mapOf(rhsBatch, {c, j, n}), zw.map,
              outMap},
             iteratorsFor(outMap),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value x = arith::SubIOp::create(
                   nb, l, extendToI32(nb, l, args[0], lhsP.isSigned()),
                   arith::ConstantOp::create(nb, l, nb.getI32IntegerAttr(zx)));
               Value w = arith::SubIOp::create(
                   nb, l, extendToI32(nb, l, args[1], rhsP.isSigned()),
                   args[2]);
               Value product = arith::MulIOp::create(nb, l, x, w);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddIOp::create(nb, l, args[3], product)});
             })
      .getResult(0);
}

/// A reduction of `parts` [batch..., M, N, C] over C into a zero-filled
/// [batch..., M, N] tensor of `accType`: acc = combine(acc, part, loops).
static Value buildPartsReduction(
    OpBuilder &b, Location loc, Value parts, Type accType,
    ArrayRef<GenericInput> inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> combine) {
  auto type = cast<RankedTensorType>(parts.getType());
  unsigned numLoops = type.getRank();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, parts);
  sizes.pop_back();
  Value empty = tensor::EmptyOp::create(b, loc, sizes, accType);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accType));
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  SmallVector<Value> operands{parts};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(numLoops)};
  for (const GenericInput &input : inputs) {
    operands.push_back(input.value);
    maps.push_back(input.map);
  }
  AffineMap outMap = b.getMultiDimIdentityMap(numLoops).getMajorSubMap(
      numLoops - 1);
  maps.push_back(outMap);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, operands, ValueRange{init},
             maps, iteratorsFor(outMap),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, combine(nb, l, args));
             })
      .getResult(0);
}

/// qnn.matmul with a split K (accumulator_chunk): i32 parts of `chunk`
/// products, summed in i64, plus the bias, requantized from i64 in `mode`.
static Value lowerSplitMatmul(OpBuilder &b, Location loc, RequantMode mode,
                              Value lhs, Value rhs, Value bias, int64_t chunk,
                              const UniformParams &lhsP,
                              const UniformParams &rhsP,
                              const UniformParams &outP,
                              FailureOr<RequantConstants> requant) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  int64_t n = cast<RankedTensorType>(rhs.getType()).getShape().back();
  Value parts = buildChunkedCentredParts(
      b, loc, lhs, rhs, chunk, lhsP, rhsP,
      [&](unsigned numLoops, AffineExpr nLoop, AffineExpr) {
        std::optional<ChannelLoops> channels;
        if (rhsP.isPerAxis())
          channels = ChannelLoops{
              {unsigned(cast<AffineDimExpr>(nLoop).getPosition())}, {n}};
        return buildChannelParamInput<int64_t>(b, loc, i32, rhsP.zeroPoints,
                                               channels, numLoops);
      });
  Value acc = buildPartsReduction(
      b, loc, parts, i64, {}, [&](OpBuilder &nb, Location l, ValueRange args) {
        return arith::AddIOp::create(
            nb, l, args[1], arith::ExtSIOp::create(nb, l, i64, args[0]));
      });

  // Epilogue over (batch..., m, n): y = acc + bias[n], requantized.
  unsigned rank = cast<RankedTensorType>(acc.getType()).getRank();
  std::optional<ChannelLoops> nChannel = ChannelLoops{{rank - 1}, {n}};
  SmallVector<GenericInput> inputs;
  if (bias) {
    if (std::optional<SmallVector<int64_t>> values =
            getConstantIntegers(bias, /*isSigned=*/true))
      inputs.push_back(buildChannelParamInput<int64_t>(b, loc, i64, *values,
                                                       nChannel, rank));
    else
      inputs.push_back({bias, AffineMap::get(rank, 0,
                                             getAffineDimExpr(rank - 1,
                                                              b.getContext()))});
  }
  std::optional<ChannelLoops> weightChannels;
  if (rhsP.isPerAxis())
    weightChannels = nChannel;
  SmallVector<GenericInput> params =
      buildRequantParams(b, loc, mode, *requant, weightChannels, rank);
  unsigned firstParam = inputs.size() + 1;
  llvm::append_range(inputs, params);
  return buildElementwise(
      b, loc, acc, inputs, outP.type.getStorageType(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value y = args[0];
        if (bias)
          y = arith::AddIOp::create(
              nb, l, y,
              args[1].getType() == i64
                  ? args[1]
                  : arith::ExtSIOp::create(nb, l, i64, args[1]).getResult());
        Value zo = buildZeroPointConstant(nb, l, mode, outP.zeroPoint(0));
        return buildRequantizeScalar(nb, l, mode, y,
                                     args.slice(firstParam, params.size()), zo,
                                     outP);
      });
}

/// qnn.matmul with per-group weights (fp32 mode): i32 parts of one block,
/// each times float32(float32(s_x) * float32(s_w[g, n])) summed in f32 in
/// order of g, then quantized as the output: round_half_to_even(y / s_out)
/// + z_out, clamped.
static Value lowerPerGroupMatmul(OpBuilder &b, Location loc, Value lhs,
                                 Value rhs, const UniformParams &lhsP,
                                 const BlockedParams &rhsB,
                                 const UniformParams &outP) {
  MLIRContext *ctx = b.getContext();
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  const UniformParams &rhsP = rhsB.params;
  // A parameter tensor [G, N / Bn] (or [G, 1]) read at (c, n floordiv Bn).
  auto blockMap = [&](unsigned numLoops, AffineExpr n, AffineExpr c) {
    AffineExpr column = rhsB.paramShape[1] == 1
                            ? getAffineConstantExpr(0, ctx)
                            : n.floorDiv(rhsB.blockSizes[1]);
    return AffineMap::get(numLoops, 0, {c, column}, ctx);
  };
  auto paramTensor = [&](Type elementType, ArrayRef<double> values) {
    ChannelLoops all{{}, SmallVector<int64_t>(rhsB.paramShape)};
    return buildChannelParamInput<double>(b, loc, elementType, values, all, 0)
        .value;
  };
  SmallVector<double> zeroPoints(rhsP.zeroPoints.begin(),
                                 rhsP.zeroPoints.end());
  Value parts = buildChunkedCentredParts(
      b, loc, lhs, rhs, rhsB.blockSizes[0], lhsP, rhsP,
      [&](unsigned numLoops, AffineExpr n, AffineExpr c) {
        return GenericInput{paramTensor(i32, zeroPoints),
                            blockMap(numLoops, n, c)};
      });
  SmallVector<double> groupScales;
  for (double s : rhsP.scales)
    groupScales.push_back(float(lhsP.scale(0)) * float(s));
  unsigned numLoops = cast<RankedTensorType>(parts.getType()).getRank();
  AffineExpr nLoop = getAffineDimExpr(numLoops - 2, ctx),
             cLoop = getAffineDimExpr(numLoops - 1, ctx);
  Value sum = buildPartsReduction(
      b, loc, parts, f32,
      {{paramTensor(f32, groupScales), blockMap(numLoops, nLoop, cLoop)}},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value part = arith::SIToFPOp::create(nb, l, f32, args[0]);
        return arith::AddFOp::create(
                   nb, l, args[2], arith::MulFOp::create(nb, l, part, args[1]))
            .getResult();
      });
  unsigned rank = numLoops - 1;
  auto [scale, zeroPoint] = buildScaleAndZeroPoint(b, loc, outP, f32, f32, rank);
  return buildElementwise(b, loc, sum, {scale, zeroPoint},
                          outP.type.getStorageType(),
                          [&](OpBuilder &nb, Location l, ValueRange args) {
                            return quantizeScalar(nb, l, args[0], args[1],
                                                  args[2], outP);
                          });
}

/// qnn.matmul, with loops d = (batch..., m, n, k):
///
///   acc[b, m, n] = sum_k a[b, m, k] * w[(b,) k, n]
///   y = acc - zw[n] * rowsum_a[b, m] - za * colsum_w[(b,) n]
///         + K * za * zw[n] + bias[n]
///
/// then the shared fp32 epilogue.
struct MatmulLowering : public RequantizingPattern<MatmulOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams lhsP = *getUniformParams(op.getLhs().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();
    Value lhs = adaptor.getLhs();
    Value rhs = adaptor.getRhs();

    // Per-group weights and a split K: chunked sums (above). The modes
    // are checked before the conversion (verifyRequantizable).
    if (std::optional<BlockedParams> blocked =
            getBlockedParams(op.getRhs().getType())) {
      rewriter.replaceOp(op, lowerPerGroupMatmul(rewriter, loc, lhs, rhs, lhsP,
                                                 *blocked, outP));
      return success();
    }
    UniformParams rhsP = *getUniformParams(op.getRhs().getType());
    if (int64_t chunk = op.getRequiredAccumulatorChunk()) {
      FailureOr<RequantConstants> requant = computeRequantConstants(
          mode, contractionMultipliers(lhsP, rhsP, outP, rhsP.scales.size()),
          [&] { return op.emitError(); });
      if (failed(requant))
        return failure();
      rewriter.replaceOp(op, lowerSplitMatmul(rewriter, loc, mode, lhs, rhs,
                                              adaptor.getBias(), chunk, lhsP,
                                              rhsP, outP, requant));
      return success();
    }

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

    Value acc =
        buildIntegerContraction(rewriter, loc, lhs, rhs,
                                {mapOf(batch, {m, kd}, contractionDims),
                                 mapOf(rhsBatch, {kd, nd}, contractionDims),
                                 mapOf(batch, {m, nd}, contractionDims)},
                                outSizes, lhsP.isSigned(), rhsP.isSigned());

    // The column sums fold when w is a constant shared by the batch.
    ConstantTerms constants = foldConstantTerms(
        k, n, lhsP, rhsP, adaptor.getBias(), sharedRhs ? rhs : Value(),
        WeightChannelDim::Last, op.getZeroPointCorrections());
    Value colSum;
    if (!constants.weightSumsFolded) {
      // colsum over (batch..., n, k) -> (batch..., n)
      SmallVector<AffineExpr> cb(rhsBatch);
      AffineExpr cn = dim(cb.size()), ck = dim(cb.size() + 1);
      unsigned dims = cb.size() + 2;
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, rhs);
      sizes.erase(sizes.end() - 2);
      colSum = buildSumReduction(rewriter, loc, rhs, mapOf(cb, {ck, cn}, dims),
                                 mapOf(cb, {cn}, dims), sizes, rhsP.isSigned());
    }
    bool anyRhsZeroPoint =
        llvm::any_of(rhsP.zeroPoints, [](int64_t zp) { return zp != 0; });
    Value rowSum;
    if (anyRhsZeroPoint) {
      // rowsum over (batch..., m, k) -> (batch..., m)
      AffineExpr rm = dim(batchRank), rk = dim(batchRank + 1);
      rowSum =
          buildSumReduction(rewriter, loc, lhs, mapOf(batch, {rm, rk}, rank),
                            mapOf(batch, {rm}, rank),
                            ArrayRef(lhsSizes).drop_back(), lhsP.isSigned());
    }

    // Epilogue over (batch..., m, n).
    std::optional<int32_t> channelAxis;
    if (rhsP.isPerAxis())
      channelAxis = rank - 1;
    AffineExpr em = dim(batchRank), en = dim(batchRank + 1);
    EpilogueInputs inputs;
    inputs.constantTerms = buildParamInput<int64_t>(
        rewriter, loc, i32, constants.perChannel, int32_t(rank - 1), rank);
    FailureOr<RequantConstants> requant = computeRequantConstants(
        mode, contractionMultipliers(lhsP, rhsP, outP, n),
        [&] { return op.emitError(); });
    if (failed(requant))
      return failure(); // Diagnosed before the conversion (LowerQNNPass).
    std::optional<ChannelLoops> weightChannels;
    if (channelAxis)
      weightChannels = ChannelLoops{{unsigned(*channelAxis)}, {n}};
    inputs.requantParams =
        buildRequantParams(rewriter, loc, mode, *requant, weightChannels, rank);
    if (rowSum) {
      inputs.inputSums = {rowSum, mapOf(batch, {em}, rank)};
      inputs.weightZeroPoints = buildParamInput<int64_t>(
          rewriter, loc, i32, rhsP.zeroPoints, channelAxis, rank);
    }
    if (colSum)
      inputs.weightSums = {colSum, mapOf(rhsBatch, {en}, rank)};
    if (constants.runtimeBias)
      inputs.runtimeBias = {constants.runtimeBias, mapOf({}, {en}, rank)};
    rewriter.replaceOp(op,
                       buildRequantizeEpilogue(rewriter, loc, mode, acc, inputs,
                                               lhsP.zeroPoint(0), outP));
    return success();
  }
};

/// The constant weights of a depthwise conv (`weight`: a quant.scast of
/// a constant, [F, 1, KH, KW] or [F, KH, KW, 1]) as [KH, KW, F] taps
/// centred on their zero points, w - zw[f] (9 bits: they fit i16).
static std::optional<SmallVector<int64_t>>
centredDepthwiseTaps(Value weight, const UniformParams &wP) {
  std::optional<SmallVector<int64_t>> values =
      getStoredIntegers(weight, wP.isSigned());
  auto type = cast<RankedTensorType>(weight.getType());
  if (!values)
    return std::nullopt;
  int64_t filters = type.getDimSize(0);
  int64_t taps = type.getNumElements() / filters;
  SmallVector<int64_t> centred(values->size());
  for (int64_t f = 0; f < filters; ++f)
    for (int64_t t = 0; t < taps; ++t)
      centred[t * filters + f] = (*values)[f * taps + t] - wP.zeroPoint(f);
  return centred;
}

/// qnn.conv2d, always in the grouped layout so that one form serves plain,
/// grouped and depthwise convolutions. The input is padded with its zero
/// point (a padded tap then contributes (zx - zx) * w = 0, and the window
/// sums below stay exact) and expanded to [N, G, C/G, Hp, Wp], the weights
/// to [G, F/G, C/G, KH, KW]. With loops d = (n, g, o, oh, ow, c, kh, kw) and
/// output channel f = g * F/G + o:
///
///   acc[n, g, o, oh, ow] = sum_{c, kh, kw} w[g, o, c, kh, kw] *
///       x[n, g, c, oh * sh + kh * dh, ow * sw + kw * dw]
///   y = acc - zw[f] * windowsum_x[n, g, oh, ow] - zx * sum w[f]
///         + K * zx * zw[f] + bias[f]
///
/// then the shared fp32 epilogue, collapsed back to [N, F, OH, OW]. The
/// contraction is a linalg.generic, not linalg.conv_2d_*_q: the named ops
/// sign-extend their operands, which would misread u8 activations.
///
/// A depthwise conv (one input channel and one filter per group) with
/// static shapes and symmetric or constant weights runs channels-last
/// instead (constant weights with zero points as 16-bit taps w - zw[f],
/// centred at compile time: acc then already holds acc - zw * windowsum_x,
/// and no window sums are built), its
/// channels the innermost loop (buildDepthwiseContraction): an NCHW input
/// is transposed to NHWC and the result back, the FCHW weights [F, 1, KH,
/// KW] are OHWI [F, KH, KW, 1] as they are, and the contraction reads
/// them as [KH, KW, F]. The generic form's channel loop is outermost,
/// and its reads of an NCHW tensor along the channels are strided.
struct Conv2DLowering : public RequantizingPattern<Conv2DOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams xP = *getUniformParams(op.getInput().getType());
    UniformParams wP = *getUniformParams(op.getWeight().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();

    Value x = adaptor.getInput();
    Value w = adaptor.getWeight();
    ArrayRef<int64_t> strides = op.getStrides();
    ArrayRef<int64_t> dilations = op.getDilations();
    ArrayRef<int64_t> padding = op.getPadding();
    int64_t groups = op.getGroups();
    // NHWC/OHWI runs the same loops as NCHW/FCHW; only the positions of the
    // dimensions in each tensor differ (xDims, wDims, accDims below).
    bool channelsLast = op.isChannelsLast();
    auto outType = cast<RankedTensorType>(op.getType());
    bool anyWeightZeroPoint =
        llvm::any_of(wP.zeroPoints, [](int64_t zp) { return zp != 0; });
    auto inputType = cast<RankedTensorType>(x.getType());
    auto weightType = cast<RankedTensorType>(w.getType());
    // One input channel per group, any number of filters (a channel
    // multiplier).
    bool depthwiseShape = groups > 1 &&
                          inputType.getDimSize(channelsLast ? 3 : 1) == groups &&
                          weightType.getDimSize(channelsLast ? 3 : 1) == 1 &&
                          inputType.hasStaticShape() &&
                          outType.hasStaticShape();
    // Weight zero points: constant weights are centred at compile time
    // (w - zw, 16-bit), so no window sums of the input are needed.
    std::optional<SmallVector<int64_t>> centredTaps;
    if (depthwiseShape && anyWeightZeroPoint)
      centredTaps = centredDepthwiseTaps(op.getWeight(), wP);
    bool depthwise = depthwiseShape && (!anyWeightZeroPoint || centredTaps);
    bool transposeResult = false;
    if (depthwise && !channelsLast) {
      const SmallVector<int64_t> toNHWC{0, 2, 3, 1};
      x = buildTranspose(rewriter, loc, x, toNHWC);
      // [F, 1, KH, KW] and [F, KH, KW, 1] hold the same values in order.
      ArrayRef<int64_t> fchw = weightType.getShape();
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, w, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
      w = tensor::ExpandShapeOp::create(
          rewriter, loc,
          weightType.clone(SmallVector<int64_t>{fchw[0], fchw[2], fchw[3], 1}),
          flat, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
      outType = outType.clone(
          applyPermutation(outType.getShape(), toNHWC));
      channelsLast = true;
      transposeResult = true;
    }
    auto wType = cast<RankedTensorType>(w.getType());
    unsigned spatialDim = channelsLast ? 1 : 2;
    unsigned kernelDim = channelsLast ? 1 : 2;
    int64_t filters = wType.getDimSize(0);
    int64_t channelsPerGroup = wType.getDimSize(channelsLast ? 3 : 1);
    int64_t filtersPerGroup = filters / groups;
    int64_t kernelH = wType.getDimSize(kernelDim),
            kernelW = wType.getDimSize(kernelDim + 1);
    int64_t k = channelsPerGroup * kernelH * kernelW;
    auto index = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };

    // Pad with the input zero point, in the storage type.
    int64_t zx = xP.zeroPoint(0);
    if (!depthwise) // The depthwise contraction reads the padding itself.
      x = padWithZeroPoint(rewriter, loc, x, padding, zx, spatialDim);
    auto xType = cast<RankedTensorType>(x.getType());
    SmallVector<OpFoldResult> xSizes = tensor::getMixedSizes(rewriter, loc, x);
    OpFoldResult batch = xSizes[0];
    // OH, OW: the result's, else (padded - dilated kernel) / stride + 1.
    auto outSize = [&](unsigned d) -> OpFoldResult {
      int64_t size = outType.getDimSize(spatialDim + d);
      if (!ShapedType::isDynamic(size))
        return index(size);
      int64_t extent = (wType.getDimSize(kernelDim + d) - 1) * dilations[d] + 1;
      Value padded = getValueOrCreateConstantIndexOp(rewriter, loc,
                                                     xSizes[spatialDim + d]);
      auto constant = [&](int64_t v) {
        return arith::ConstantIndexOp::create(rewriter, loc, v);
      };
      Value windows = arith::DivUIOp::create(
          rewriter, loc,
          arith::SubIOp::create(rewriter, loc, padded, constant(extent)),
          constant(strides[d]));
      return arith::AddIOp::create(rewriter, loc, windows, constant(1))
          .getResult();
    };
    OpFoldResult outH = outSize(0), outW = outSize(1);

    // The dimensions of each tensor in its layout, from their roles.
    auto xDims = [&](auto n, auto g, auto c, auto h, auto w) {
      return channelsLast ? SmallVector<decltype(n)>{n, h, w, g, c}
                          : SmallVector<decltype(n)>{n, g, c, h, w};
    };
    auto wDims = [&](auto g, auto o, auto c, auto kh, auto kw) {
      return channelsLast ? SmallVector<decltype(g)>{g, o, kh, kw, c}
                          : SmallVector<decltype(g)>{g, o, c, kh, kw};
    };
    auto accDims = [&](auto n, auto g, auto o, auto oh, auto ow) {
      return channelsLast ? SmallVector<decltype(n)>{n, oh, ow, g, o}
                          : SmallVector<decltype(n)>{n, g, o, oh, ow};
    };
    // The channel dimension splits into (group, channel in group).
    SmallVector<ReassociationIndices> channelSplit =
        channelsLast ? SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}}
                     : SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}};

    // Split the channels into groups (the depthwise contraction reads x as
    // it is).
    Value x5;
    if (!depthwise) {
      OpFoldResult paddedH = xSizes[spatialDim],
                   paddedW = xSizes[spatialDim + 1];
      SmallVector<OpFoldResult> x5Sizes = xDims(
          batch, index(groups), index(channelsPerGroup), paddedH, paddedW);
      SmallVector<int64_t> x5Shape =
          xDims(xType.getDimSize(0), groups, channelsPerGroup,
                xType.getDimSize(spatialDim), xType.getDimSize(spatialDim + 1));
      x5 = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(x5Shape, xType.getElementType()), x,
          channelSplit, x5Sizes);
    }
    // The weights split into groups, built where used (the depthwise
    // contraction reads them as [KH, KW, F]; constant weights' sums fold).
    Value w5;
    auto weights5 = [&]() -> Value {
      if (w5)
        return w5;
      SmallVector<int64_t> w5Shape =
          wDims(groups, filtersPerGroup, channelsPerGroup, kernelH, kernelW);
      return w5 = tensor::ExpandShapeOp::create(
                 rewriter, loc,
                 RankedTensorType::get(w5Shape, wType.getElementType()), w,
                 ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}},
                 getAsIndexOpFoldResult(ctx, w5Shape));
    };

    // acc over loops (n, g, o, oh, ow, c, kh, kw).
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto window = [&](AffineExpr n, AffineExpr g, AffineExpr oh, AffineExpr ow,
                      AffineExpr c, AffineExpr kh, AffineExpr kw,
                      unsigned numDims) {
      return AffineMap::get(numDims, 0,
                            xDims(n, g, c, oh * strides[0] + kh * dilations[0],
                                  ow * strides[1] + kw * dilations[1]),
                            ctx);
    };
    SmallVector<OpFoldResult> accSizes =
        accDims(batch, index(groups), index(filtersPerGroup), outH, outW);
    Value acc;
    if (depthwise) {
      // [F, KH, KW, 1] -> [KH, KW, F]; [N, OH, OW, F] -> [N, OH, OW, G, M].
      // Centred taps are that constant, built at compile time.
      Value taps;
      bool tapsSigned = wP.isSigned();
      if (centredTaps) {
        ArrayRef<int64_t> shape = wType.getShape();
        auto tapsType = RankedTensorType::get({shape[1], shape[2], shape[0]},
                                              rewriter.getI16Type());
        SmallVector<APInt> values;
        for (int64_t v : *centredTaps)
          values.emplace_back(16, v, /*isSigned=*/true);
        taps = arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(tapsType, values));
        tapsSigned = true;
      } else {
        Value flat = tensor::CollapseShapeOp::create(
            rewriter, loc, w,
            ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
        taps = buildTranspose(rewriter, loc, flat, {1, 2, 0});
      }
      SmallVector<int64_t> outHW{outType.getDimSize(1), outType.getDimSize(2)};
      Value acc4 = buildDepthwiseContraction(
          rewriter, loc, x, taps, strides, dilations, padding, zx, outHW,
          xP.isSigned(), tapsSigned);
      acc = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({xType.getDimSize(0), outHW[0], outHW[1],
                                 groups, filtersPerGroup},
                                i32),
          acc4, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    } else {
      acc = buildIntegerContraction(
          rewriter, loc, x5, weights5(),
          {window(d(0), d(1), d(3), d(4), d(5), d(6), d(7), 8),
           AffineMap::get(8, 0, wDims(d(1), d(2), d(5), d(6), d(7)), ctx),
           AffineMap::get(8, 0, accDims(d(0), d(1), d(2), d(3), d(4)), ctx)},
          accSizes, xP.isSigned(), wP.isSigned());
    }
    // The epilogue's loops are acc's dimensions: where each role sits.
    SmallVector<unsigned> accLoop = accDims(0u, 1u, 2u, 3u, 4u);
    unsigned nLoop = accLoop[0], gLoop = accLoop[1], oLoop = accLoop[2],
             ohLoop = accLoop[3], owLoop = accLoop[4];
    (void)nLoop;

    // The weights as given (w may be a reshape of them: the depthwise
    // form's), so that constant weights' sums fold at compile time.
    ConstantTerms constants = foldConstantTerms(
        k, filters, xP, wP, adaptor.getBias(), adaptor.getWeight(),
        WeightChannelDim::First, op.getZeroPointCorrections());
    Value weightSums;
    if (!constants.weightSumsFolded) {
      // sum over (g, o, c, kh, kw) -> (g, o), in either weight layout
      weightSums = buildSumReduction(
          rewriter, loc, weights5(), rewriter.getMultiDimIdentityMap(5),
          AffineMap::get(5, 0, {d(0), d(1)}, ctx),
          {index(groups), index(filtersPerGroup)}, wP.isSigned());
    }
    Value windowSums;
    if (anyWeightZeroPoint && !centredTaps) {
      // sum over (n, g, oh, ow, c, kh, kw) -> (n, g, oh, ow)
      Value kernelShape = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{channelsPerGroup, kernelH, kernelW},
          xType.getElementType());
      windowSums = buildSumReduction(
          rewriter, loc, x5,
          window(d(0), d(1), d(2), d(3), d(4), d(5), d(6), 7),
          AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx),
          {batch, index(groups), outH, outW}, xP.isSigned(),
          {kernelShape, AffineMap::get(7, 0, {d(4), d(5), d(6)}, ctx)});
    }

    // Epilogue over acc's loops: channels are the loops (g, o).
    ChannelLoops channels{{gLoop, oLoop}, {groups, filtersPerGroup}};
    std::optional<ChannelLoops> weightChannels;
    if (wP.isPerAxis())
      weightChannels = channels;
    EpilogueInputs inputs;
    inputs.constantTerms = buildChannelParamInput<int64_t>(
        rewriter, loc, i32, constants.perChannel, channels, 5);
    FailureOr<RequantConstants> requant = computeRequantConstants(
        mode, contractionMultipliers(xP, wP, outP, filters),
        [&] { return op.emitError(); });
    if (failed(requant))
      return failure(); // Diagnosed before the conversion (LowerQNNPass).
    inputs.requantParams =
        buildRequantParams(rewriter, loc, mode, *requant, weightChannels, 5);
    AffineMap channelMap = AffineMap::get(5, 0, {d(gLoop), d(oLoop)}, ctx);
    if (windowSums) {
      inputs.inputSums = {
          windowSums,
          AffineMap::get(5, 0, {d(0), d(gLoop), d(ohLoop), d(owLoop)}, ctx)};
      inputs.weightZeroPoints = buildChannelParamInput<int64_t>(
          rewriter, loc, i32, wP.zeroPoints, weightChannels, 5);
    }
    if (weightSums)
      inputs.weightSums = {weightSums, channelMap};
    if (Value bias = constants.runtimeBias) {
      Value bias2 = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({groups, filtersPerGroup}, i32),
          bias, ArrayRef<ReassociationIndices>{{0, 1}},
          getAsIndexOpFoldResult(ctx, {groups, filtersPerGroup}));
      inputs.runtimeBias = {bias2, channelMap};
    }
    Value result5 =
        buildRequantizeEpilogue(rewriter, loc, mode, acc, inputs, zx, outP);
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(outType));
    Value result = tensor::CollapseShapeOp::create(rewriter, loc, resultType,
                                                   result5, channelSplit);
    if (transposeResult) // NHWC back to the conv's NCHW.
      result = buildTranspose(rewriter, loc, result, {0, 3, 1, 2});
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace quantc::lowering

LogicalResult quantc::verifyRequantizable(Operation *op, RequantMode mode) {
  using namespace quantc::lowering;
  if (mode == RequantMode::fp32)
    return success();
  auto emitError = [&] { return op->emitError(); };
  SmallVector<ChannelMultiplier> multipliers;
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    if (getBlockedParams(matmul.getRhs().getType()))
      return emitError() << "requant-mode=" << stringifyRequantModeOption(mode)
                         << ": per-group weights are scaled per group in f32 "
                            "(docs/Numerics.md); only requant-mode=fp32 "
                            "lowers them";
    if (mode == RequantMode::fixedpoint && matmul.getRequiredAccumulatorChunk())
      return emitError() << "requant-mode=fixedpoint: K = "
                         << cast<RankedTensorType>(matmul.getLhs().getType())
                                .getShape()
                                .back()
                         << " is split (accumulator_chunk) and summed in i64, "
                            "but gemmlowp's MultiplyByQuantizedMultiplier "
                            "takes an int32 accumulator";
    UniformParams rhs = *getUniformParams(matmul.getRhs().getType());
    multipliers = contractionMultipliers(
        *getUniformParams(matmul.getLhs().getType()), rhs,
        *getUniformParams(matmul.getType()), rhs.scales.size());
  } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
    UniformParams w = *getUniformParams(conv.getWeight().getType());
    multipliers = contractionMultipliers(
        *getUniformParams(conv.getInput().getType()), w,
        *getUniformParams(conv.getType()), w.scales.size());
  } else if (auto mul = dyn_cast<MulOp>(op)) {
    multipliers = mulMultipliers(
        *getUniformParams(mul.getLhs().getType()),
        *getUniformParams(mul.getRhs().getType()),
        *getUniformParams(mul.getType()),
        getElementwiseChannels(mul.getLhs().getType(), mul.getRhs().getType(),
                               mul.getType()));
  } else if (isa<AddOp, SubOp>(op)) {
    return computeAddSubRescale(mode,
                                *getUniformParams(op->getOperand(0).getType()),
                                *getUniformParams(op->getOperand(1).getType()),
                                *getUniformParams(op->getResult(0).getType()),
                                emitError);
  } else if (auto leaky = dyn_cast<LeakyReluOp>(op)) {
    return computeLeakyReluMultipliers(
        mode, *getUniformParams(leaky.getInput().getType()),
        *getUniformParams(leaky.getType()), leaky.getAlpha().convertToFloat(),
        emitError);
  } else if (auto pool = dyn_cast<AvgPool2DOp>(op)) {
    UniformParams in = *getUniformParams(pool.getInput().getType());
    UniformParams out = *getUniformParams(pool.getType());
    if (!avgPoolNeedsRequantize(mode, in, out))
      return success();
    for (double real : requantizeRealMultipliers(in, out))
      multipliers.push_back({0.0f, real});
  } else if (auto requantize = dyn_cast<RequantizeOp>(op)) {
    UniformParams in = *getUniformParams(requantize.getInput().getType());
    UniformParams out = *getUniformParams(requantize.getType());
    // The integer modes take q - zp as an int32: TFLite and TOSA allow a
    // 32-bit input only signed and at zero point 0, where it is exact.
    if (in.storageWidth() == 32 &&
        (!in.isSigned() ||
         llvm::any_of(in.zeroPoints, [](int64_t zp) { return zp != 0; })))
      return emitError() << "requant-mode=" << stringifyRequantModeOption(mode)
                         << " needs a 32-bit input to be signed with zero "
                            "point 0 (q - zp may not fit int32)";
    multipliers = requantizeMultipliers(in, out);
  } else {
    return success();
  }
  return computeRequantConstants(mode, multipliers, emitError);
}

void quantc::populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    RequantMode mode) {
  using namespace quantc::lowering;
  MLIRContext *ctx = patterns.getContext();
  populatePoolingLoweringPatterns(typeConverter, patterns, mode);
  populateLayoutLoweringPatterns(typeConverter, patterns);
  patterns.add<QuantizeCastLowering, DequantizeCastLowering,
               StorageCastLowering, ObserveLowering>(typeConverter, ctx);
  patterns.add<RequantizeLowering, MatmulLowering, Conv2DLowering>(
      typeConverter, ctx, mode);
  populateQNNElementwiseToLinalgPatterns(typeConverter, patterns, mode);
}
