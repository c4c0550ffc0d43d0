//===- Elementwise.cpp - qnn.add/sub/mul to integer linalg ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The quantized elementwise binary ops, fp32 mode, as ONNX Runtime's x86
// kernels compute QLinearAdd and QLinearMul (docs/Numerics.md,
// "Elementwise ops"), all in float32:
//
//   add/sub: ra = sa / sc, rb = +-(sb / sc),
//            fixed = zc - (ra * za + rb * zb)         (folded at compile time)
//            out = clamp(rne(fma(a, ra, fma(b, rb, fixed))))
//   mul:     out = clamp(rne(float((a - za) * (b - zb)) * M) + zc),
//            M = float32(float32(sa * sb) / sc), the (a - za) * (b - zb)
//            product exact in i32 (the verifier bounds it)
//
// mul is a contraction of one product, so it goes through the matmul/conv
// requantize epilogue; add/sub share its rounding and clamping. Also here:
// qnn.clamp (integer min/max) and qnn.lookup (a table read).
//
//===----------------------------------------------------------------------===//

#include "LoweringHelpers.h"

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Numerics/Requantize.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;
using namespace quantc::lowering;

namespace {

/// The operands of a broadcasting elementwise op, read over the loops of its
/// result: an operand of lower rank is aligned to the trailing loops, and
/// its static size-1 dimensions are read at index 0 where the result is
/// larger (the verifier rules out broadcasting a dynamic dimension).
struct BroadcastOperands {
  SmallVector<AffineMap, 2> maps;
  /// The result's sizes, dynamic ones read from an operand that has them.
  SmallVector<OpFoldResult> resultSizes;
};

BroadcastOperands buildBroadcast(OpBuilder &b, Location loc,
                                 ArrayRef<Value> operands,
                                 RankedTensorType resultType) {
  BroadcastOperands out;
  int64_t rank = resultType.getRank();
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d)
      exprs.push_back(type.getDimSize(d) == 1 &&
                              resultType.getDimSize(d + offset) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(d + offset));
    out.maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      out.resultSizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    // A dynamic result dimension: an operand's dynamic size, else the
    // larger static one.
    OpFoldResult size = b.getIndexAttr(1);
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t aligned = d - (rank - type.getRank());
      if (aligned < 0)
        continue;
      if (type.isDynamicDim(aligned)) {
        size = tensor::DimOp::create(b, loc, operand, aligned).getResult();
        break;
      }
      if (type.getDimSize(aligned) != 1)
        size = b.getIndexAttr(type.getDimSize(aligned));
    }
    out.resultSizes.push_back(size);
  }
  return out;
}

/// A parallel linalg.generic over `sizes` reading `lhs` and `rhs` through
/// `maps`, then `extra`, and yielding `body(lhs, rhs, extra...)` of
/// `elementType`.
Value buildBinaryGeneric(
    OpBuilder &b, Location loc, Value lhs, Value rhs,
    const BroadcastOperands &broadcast, Type elementType,
    function_ref<Value(OpBuilder &, Location, Value, Value, ValueRange)> body,
    ArrayRef<GenericInput> extra = {}) {
  Value init =
      tensor::EmptyOp::create(b, loc, broadcast.resultSizes, elementType);
  SmallVector<AffineMap> maps(broadcast.maps.begin(), broadcast.maps.end());
  SmallVector<Value> operands{lhs, rhs};
  for (const GenericInput &input : extra) {
    operands.push_back(input.value);
    maps.push_back(input.map);
  }
  unsigned rank = broadcast.resultSizes.size();
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), operands, init, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   body(nb, l, args[0], args[1],
                        args.slice(2, extra.size())));
             })
      .getResult(0);
}

/// A 1-D constant of per-channel values read along result loop `dim`.
template <typename T>
GenericInput channelConstant(OpBuilder &b, Location loc, Type elementType,
                             ArrayRef<T> values, int64_t dim, unsigned rank) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elementType);
  return {arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values)),
          AffineMap::get(rank, 0, b.getAffineDimExpr(dim), b.getContext())};
}

/// ext(q) - zp in i32.
Value centre(OpBuilder &b, Location loc, Value stored,
             const UniformParams &params) {
  Value zp = arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(int32_t(params.zeroPoint(0))));
  return arith::SubIOp::create(
      b, loc, extendToI32(b, loc, stored, params.isSigned()), zp);
}

/// qnn.add and qnn.sub in the form of ONNX Runtime's AVX2 QLinearAdd
/// kernel: the stored values (not centred) times the scale ratios, fused
/// with the zero-point terms folded into one constant; sub negates rb
/// (exact). Measured against ONNX Runtime 1.23.2: bit-exact, where the
/// unfused (a - za) * ra + (b - zb) * rb + zc differs at rounding
/// midpoints.
/// In the integer modes, TFLite's or TOSA's integer add instead
/// (buildIntegerAddSub).
template <typename OpTy, bool isSub>
struct AddSubLowering : public RequantizingPattern<OpTy> {
  using RequantizingPattern<OpTy>::RequantizingPattern;
  using RequantizingPattern<OpTy>::mode;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams lhsP = *getUniformParams(op.getLhs().getType());
    UniformParams rhsP = *getUniformParams(op.getRhs().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    if (mode != RequantMode::fp32)
      return buildIntegerAddSub(op, adaptor.getLhs(), adaptor.getRhs(), lhsP,
                                rhsP, outP, rewriter);
    Type f32 = rewriter.getF32Type();
    // float32 throughout, one rounding per statement (no contraction); one
    // set of constants per channel where an operand is per axis.
    std::optional<ElementwiseChannels> channels = getElementwiseChannels(
        op.getLhs().getType(), op.getRhs().getType(), op.getType());
    int64_t numChannels = channels ? channels->count : 1;
    float outScale = float(outP.scale(0));
    SmallVector<float> lhsRatios, rhsRatios, fixedParts;
    for (int64_t c = 0; c < numChannels; ++c) {
      float lhsRatio = float(lhsP.scale(c)) / outScale;
      float rhsRatio = float(rhsP.scale(c)) / outScale;
      if (isSub)
        rhsRatio = -rhsRatio;
      float lhsZeroTerm = lhsRatio * float(lhsP.zeroPoint(c));
      float rhsZeroTerm = rhsRatio * float(rhsP.zeroPoint(c));
      float zeroTerms = lhsZeroTerm + rhsZeroTerm;
      lhsRatios.push_back(lhsRatio);
      rhsRatios.push_back(rhsRatio);
      fixedParts.push_back(float(outP.zeroPoint(0)) - zeroTerms);
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<GenericInput> perChannel;
    if (channels)
      for (ArrayRef<float> values : {lhsRatios, rhsRatios, fixedParts})
        perChannel.push_back(channelConstant<float>(
            rewriter, loc, f32, values, channels->resultDim,
            resultType.getRank()));

    BroadcastOperands broadcast =
        buildBroadcast(rewriter, loc, {adaptor.getLhs(), adaptor.getRhs()},
                       resultType);
    Value result = buildBinaryGeneric(
        rewriter, loc, adaptor.getLhs(), adaptor.getRhs(), broadcast,
        outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, Value lhs, Value rhs,
            ValueRange extra) {
          auto asFloat = [&](Value stored, const UniformParams &params) {
            return arith::SIToFPOp::create(
                b, l, f32, extendToI32(b, l, stored, params.isSigned()));
          };
          auto param = [&](int i, ArrayRef<float> values) -> Value {
            return channels ? extra[i] : floatConstant(b, l, f32, values[0]);
          };
          Value partial = math::FmaOp::create(b, l, asFloat(rhs, rhsP),
                                              param(1, rhsRatios),
                                              param(2, fixedParts));
          Value y = math::FmaOp::create(b, l, asFloat(lhs, lhsP),
                                        param(0, lhsRatios), partial);
          // zc is already in y: round and clamp only.
          return roundClampToStorage(b, l, y, floatConstant(b, l, f32, 0.0),
                                     outP);
        },
        perChannel);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// fixedpoint (TFLite's reference add/sub, kernels/internal/reference/
  /// add.h, sub.h):
  ///   a' = MBQM((a - za) << L, ma), b' = MBQM((b - zb) << L, mb)
  ///   q  = clamp(MBQM(a' +- b', mo) + zc)
  /// tosa-* (TensorFlow's TFLite-to-TOSA legalization of ADD/SUB):
  ///   a' = rescale(a - za, Ma), b' = rescale(b - zb, Mb)  (to i32)
  ///   q  = clamp(rescale(a' +- b', Mo) + zc)
  /// A 16-bit TFLite sub negates mb and adds, as its Prepare does; that
  /// rounds the rhs's ties differently from subtracting.
  /// Where an operand is per axis, the same formulas with each channel's
  /// zero points and multipliers (computeAddSubRescale), read along the
  /// channel loop.
  LogicalResult buildIntegerAddSub(OpTy op, Value lhs, Value rhs,
                                   const UniformParams &lhsP,
                                   const UniformParams &rhsP,
                                   const UniformParams &outP,
                                   ConversionPatternRewriter &rewriter) const {
    FailureOr<AddSubRescale> rescale = computeAddSubRescale(
        mode, lhsP, rhsP, outP, [&] { return op.emitError(); });
    if (failed(rescale))
      return failure(); // Diagnosed before the conversion (LowerQNNPass).
    bool negateRhsMultiplier = isSub && mode == RequantMode::fixedpoint &&
                               outP.storageWidth() == 16;
    RequantConstants rhsConstants = rescale->rhs;
    if (negateRhsMultiplier)
      for (int64_t &m : rhsConstants.multipliers)
        m = -m;
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = resultType.getRank();
    std::optional<ElementwiseChannels> channels = getElementwiseChannels(
        op.getLhs().getType(), op.getRhs().getType(), op.getType());
    // Per channel: the two zero points, then the lhs, rhs and output
    // rescales' constants, as generic inputs along the channel loop.
    size_t paramsPerRescale = mode == RequantMode::fixedpoint ? 3 : 2;
    SmallVector<GenericInput> perChannel;
    if (channels) {
      for (const UniformParams *p : {&lhsP, &rhsP}) {
        SmallVector<int32_t> zps;
        for (int64_t c = 0; c < channels->count; ++c)
          zps.push_back(int32_t(p->zeroPoint(c)));
        perChannel.push_back(
            channelConstant<int32_t>(rewriter, loc, rewriter.getI32Type(), zps,
                                     channels->resultDim, rank));
      }
      ChannelLoops loops{{unsigned(channels->resultDim)}, {channels->count}};
      for (const RequantConstants *c :
           {&rescale->lhs, &rhsConstants, &rescale->out})
        llvm::append_range(perChannel, buildRequantParams(rewriter, loc, mode,
                                                          *c, loops, rank));
    }
    BroadcastOperands broadcast =
        buildBroadcast(rewriter, loc, {lhs, rhs}, resultType);
    Value result = buildBinaryGeneric(
        rewriter, loc, lhs, rhs, broadcast, outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, Value lhsValue, Value rhsValue,
            ValueRange extra) {
          auto c32 = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, l,
                                             b.getI32IntegerAttr(int32_t(v)));
          };
          // buildRequantizeScalar's parameters of rescale `index` (lhs 0,
          // rhs 1, out 2), in its order.
          auto params = [&](int index, const RequantConstants &c) {
            if (channels)
              return SmallVector<Value, 3>(
                  extra.slice(2 + index * paramsPerRescale, paramsPerRescale));
            SmallVector<Value, 3> values{c32(c.multipliers[0])};
            if (mode == RequantMode::fixedpoint)
              values.push_back(c32(c.leftShifts[0]));
            values.push_back(c32(c.rightShifts[0]));
            return values;
          };
          auto rescaleInput = [&](Value stored, const UniformParams &p,
                                  int index,
                                  const RequantConstants &c) -> Value {
            Value zp = channels ? extra[index] : c32(p.zeroPoint(0));
            Value centred = arith::SubIOp::create(
                b, l, extendToI32(b, l, stored, p.isSigned()), zp);
            SmallVector<Value, 3> m = params(index, c);
            if (mode == RequantMode::fixedpoint)
              return buildFixedPointMultiply(
                  b, l,
                  arith::ShLIOp::create(b, l, centred,
                                        c32(rescale->leftShift)),
                  m[0], m[1], m[2]);
            // In TOSA's range for the input rescale: exact in i32.
            return arith::TruncIOp::create(
                b, l, b.getI32Type(),
                buildTosaApplyScale(b, l, centred, m[0], m[1],
                                    mode == RequantMode::tosa_double_round));
          };
          Value scaledLhs = rescaleInput(lhsValue, lhsP, 0, rescale->lhs);
          Value scaledRhs = rescaleInput(rhsValue, rhsP, 1, rhsConstants);
          Value sum =
              isSub && !negateRhsMultiplier
                  ? arith::SubIOp::create(b, l, scaledLhs, scaledRhs)
                        .getResult()
                  : arith::AddIOp::create(b, l, scaledLhs, scaledRhs)
                        .getResult();
          return buildRequantizeScalar(
              b, l, mode, sum, params(2, rescale->out),
              buildZeroPointConstant(b, l, mode, outP.zeroPoint(0)), outP);
        },
        perChannel);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qnn.mul: the exact i32 product of the centred operands, then the
/// matmul/conv requantize epilogue with the merged scale sa * sb / sc.
struct MulLowering : public RequantizingPattern<MulOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams lhsP = *getUniformParams(op.getLhs().getType());
    UniformParams rhsP = *getUniformParams(op.getRhs().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = resultType.getRank();

    std::optional<ElementwiseChannels> channels = getElementwiseChannels(
        op.getLhs().getType(), op.getRhs().getType(), op.getType());
    SmallVector<GenericInput> zeroPointInputs;
    if (channels)
      for (const UniformParams *p : {&lhsP, &rhsP}) {
        SmallVector<int32_t> zps;
        for (int64_t c = 0; c < channels->count; ++c)
          zps.push_back(int32_t(p->zeroPoint(c)));
        zeroPointInputs.push_back(channelConstant<int32_t>(
            rewriter, loc, rewriter.getI32Type(), zps, channels->resultDim,
            rank));
      }
    BroadcastOperands broadcast =
        buildBroadcast(rewriter, loc, {adaptor.getLhs(), adaptor.getRhs()},
                       resultType);
    Value product = buildBinaryGeneric(
        rewriter, loc, adaptor.getLhs(), adaptor.getRhs(), broadcast,
        rewriter.getI32Type(),
        [&](OpBuilder &b, Location l, Value lhs, Value rhs,
            ValueRange zeroPoints) {
          if (!channels)
            return arith::MulIOp::create(b, l, centre(b, l, lhs, lhsP),
                                         centre(b, l, rhs, rhsP));
          auto centreAt = [&](Value stored, const UniformParams &params,
                              Value zp) {
            return arith::SubIOp::create(
                b, l, extendToI32(b, l, stored, params.isSigned()), zp);
          };
          return arith::MulIOp::create(b, l,
                                       centreAt(lhs, lhsP, zeroPoints[0]),
                                       centreAt(rhs, rhsP, zeroPoints[1]));
        },
        zeroPointInputs);

    // One "channel": 0-d constant terms (none) and merged scale.
    AffineMap scalarMap = AffineMap::get(rank, 0, {}, rewriter.getContext());
    auto scalarConstant = [&](TypedAttr value) {
      return arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(RankedTensorType::get({}, value.getType()),
                                 value));
    };
    EpilogueInputs inputs;
    inputs.constantTerms = {scalarConstant(rewriter.getI32IntegerAttr(0)),
                            scalarMap};
    // The product's multiplier s_a * s_b / s_c, as a contraction's, per
    // channel where an operand is per axis.
    FailureOr<RequantConstants> requant = computeRequantConstants(
        mode, mulMultipliers(lhsP, rhsP, outP, channels),
        [&] { return op.emitError(); });
    if (failed(requant))
      return failure(); // Diagnosed before the conversion (LowerQNNPass).
    std::optional<ChannelLoops> channelLoops;
    if (channels)
      channelLoops = ChannelLoops{{unsigned(channels->resultDim)},
                                  {channels->count}};
    inputs.requantParams = buildRequantParams(rewriter, loc, mode, *requant,
                                              channelLoops, rank);
    rewriter.replaceOp(op, buildRequantizeEpilogue(rewriter, loc, mode,
                                                   product, inputs,
                                                   /*inputZeroPoint=*/0, outP));
    return success();
  }
};

/// qnn.clamp: min/max on the stored integers, unsigned where the storage
/// is.
struct ClampLowering : public OpConversionPattern<ClampOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams params = *getUniformParams(op.getType());
    Type storage = params.type.getStorageType();
    auto constant = [&](OpBuilder &b, Location l, int64_t v) {
      return arith::ConstantOp::create(
          b, l, b.getIntegerAttr(storage, APInt(storage.getIntOrFloatBitWidth(),
                                                v, params.isSigned(),
                                                /*implicitTrunc=*/true)));
    };
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), {}, storage,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value lo = constant(b, l, op.getMin());
          Value hi = constant(b, l, op.getMax());
          if (params.isSigned())
            return arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, args[0], lo), hi);
          return arith::MinUIOp::create(
              b, l, arith::MaxUIOp::create(b, l, args[0], lo), hi);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qnn.leaky_relu. fp32: the float32 QDQ computation,
///   x = float32(q - zi) * si,  y = x >= 0 ? x : x * alpha,
///   out = clamp(rne(y / so) + zo);
/// fixedpoint: TFLite's integer LeakyRelu (reference_ops::QuantizeLeakyRelu,
/// multipliers from leaky_relu.cc's Prepare, in float32 as it computes them):
///   v = q - zi,  out = clamp(MBQM(v, v >= 0 ? si / so : si * alpha / so) + zo).
/// tosa-*: TensorFlow's TFLite-to-TOSA legalization of LEAKY_RELU (two
/// rescales of the input to the output, by si / so and si * alpha / so in
/// double, selected by greater_equal(rescale_to_i32(q, zi), 0)):
///   v = q - zi,  out = clamp(rescale(v, v >= 0 ? Mid : Malpha) + zo).
struct LeakyReluLowering : public RequantizingPattern<LeakyReluOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(LeakyReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams inP = *getUniformParams(op.getInput().getType());
    UniformParams outP = *getUniformParams(op.getType());
    float alpha = op.getAlpha().convertToFloat();
    Location loc = op.getLoc();
    std::optional<LeakyReluMultipliers> multipliers;
    if (mode != RequantMode::fp32) {
      FailureOr<LeakyReluMultipliers> m = computeLeakyReluMultipliers(
          mode, inP, outP, alpha, [&] { return op.emitError(); });
      if (failed(m))
        return failure(); // Diagnosed before the conversion (LowerQNNPass).
      multipliers = *m;
    }
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), {}, outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type f32 = b.getF32Type();
          Value centred = centre(b, l, args[0], inP);
          if (mode == RequantMode::fp32) {
            Value x = arith::MulFOp::create(
                b, l, arith::SIToFPOp::create(b, l, f32, centred),
                floatConstant(b, l, f32, float(inP.scale(0))));
            Value positive = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGE, x,
                floatConstant(b, l, f32, 0.0));
            Value y = arith::SelectOp::create(
                b, l, positive, x,
                arith::MulFOp::create(b, l, x, floatConstant(b, l, f32, alpha)));
            Value divided = arith::DivFOp::create(
                b, l, y, floatConstant(b, l, f32, float(outP.scale(0))));
            return roundClampToStorage(
                b, l, divided,
                floatConstant(b, l, f32, double(outP.zeroPoint(0))), outP);
          }
          auto c32 = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, l,
                                             b.getI32IntegerAttr(int32_t(v)));
          };
          Value positive = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::sge, centred, c32(0));
          // Per element, the constants of the side its sign picks.
          auto pick = [&](ArrayRef<int64_t> identity, ArrayRef<int64_t> alpha) {
            return arith::SelectOp::create(b, l, positive, c32(identity[0]),
                                           c32(alpha[0]))
                .getResult();
          };
          const RequantConstants &id = multipliers->identity;
          const RequantConstants &al = multipliers->alpha;
          SmallVector<Value, 3> params{pick(id.multipliers, al.multipliers)};
          if (mode == RequantMode::fixedpoint)
            params.push_back(pick(id.leftShifts, al.leftShifts));
          params.push_back(pick(id.rightShifts, al.rightShifts));
          return buildRequantizeScalar(
              b, l, mode, centred, params,
              buildZeroPointConstant(b, l, mode, outP.zeroPoint(0)), outP);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qnn.lookup: the table as a constant of the result's storage type, read
/// at ext(q) - offset.
struct LookupLowering : public OpConversionPattern<LookupOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams inP = *getUniformParams(op.getInput().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    Type storage = outP.type.getStorageType();
    unsigned width = storage.getIntOrFloatBitWidth();
    SmallVector<APInt> entries;
    for (int64_t v : op.getTable().getValues<int64_t>())
      entries.emplace_back(width, v, outP.isSigned(), /*implicitTrunc=*/true);
    auto tableType =
        RankedTensorType::get({int64_t(entries.size())}, storage);
    Value table = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(tableType, entries));
    int64_t offset = LookupOp::tableOffset(inP.type);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), {}, storage,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value position = arith::SubIOp::create(
              b, l, extendToI32(b, l, args[0], inP.isSigned()),
              arith::ConstantOp::create(b, l,
                                        b.getI32IntegerAttr(int32_t(offset))));
          Value index = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                   position);
          return tensor::ExtractOp::create(b, l, table, ValueRange{index});
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

SmallVector<ChannelMultiplier>
quantc::lowering::mulMultipliers(const UniformParams &lhs,
                                 const UniformParams &rhs,
                                 const UniformParams &out,
                                 std::optional<ElementwiseChannels> channels) {
  if (!channels)
    return contractionMultipliers(lhs, rhs, out, /*channels=*/1);
  SmallVector<ChannelMultiplier> multipliers;
  for (int64_t c = 0; c < channels->count; ++c)
    multipliers.push_back(
        {numerics::mergedScaleF32(float(lhs.scale(c)), float(rhs.scale(c)),
                                  float(out.scale(0))),
         lhs.scale(c) * rhs.scale(c) / out.scale(0)});
  return multipliers;
}

FailureOr<AddSubRescale> quantc::lowering::computeAddSubRescale(
    RequantMode mode, const UniformParams &lhs, const UniformParams &rhs,
    const UniformParams &out, function_ref<InFlightDiagnostic()> emitError) {
  assert(mode != RequantMode::fp32 && "fp32 add/sub has no rescales");
  unsigned outBits = out.storageWidth();
  std::string modeName = stringifyRequantModeOption(mode);
  // One set of rescales per channel where an operand is per axis: the
  // reference formula with that channel's scales (2 max(sa[c], sb[c])
  // varies, so all three rescales do).
  int64_t channels = std::max(lhs.scales.size(), rhs.scales.size());
  SmallVector<numerics::AddRescaleMultipliers> reals;
  for (int64_t c = 0; c < channels; ++c)
    reals.push_back(
        mode == RequantMode::fixedpoint
            ? numerics::addMultipliersTFLite(float(lhs.scale(c)),
                                             float(rhs.scale(c)),
                                             float(out.scale(0)), outBits)
            : numerics::addMultipliersTosa(lhs.scale(c), rhs.scale(c),
                                           out.scale(0), outBits));
  int leftShift = reals.front().leftShift;
  // TFLite shifts the centred inputs left in int32 and TOSA's rescales
  // reach the same magnitude: 8-bit inputs with the 20-bit shift, 16-bit
  // ones only with the 15-bit shift of a 16-bit output.
  for (auto [what, p] : {std::pair<StringRef, const UniformParams &>{"lhs", lhs},
                         {"rhs", rhs}})
    if (p.maxAbsCentered() > (int64_t(INT32_MAX) >> leftShift))
      return emitError() << "requant-mode=" << modeName << ": " << what
                         << " values up to " << p.maxAbsCentered()
                         << " from the zero point do not fit int32 once "
                            "shifted left by "
                         << leftShift << " (the input shift of a "
                         << (outBits == 16 ? 16 : 8)
                         << "-bit integer add); use a 16-bit result or the "
                            "fp32 mode";
  AddSubRescale rescale{leftShift, {}, {}, {}};
  SmallVector<ChannelMultiplier> lhsM, rhsM, outM;
  for (auto [c, real] : llvm::enumerate(reals)) {
    // TFLite's QuantizeMultiplierSmallerThanOneExp rejects an output
    // multiplier of 1 or more (an output scale below 2 max(sa, sb) / 2^L).
    if (mode == RequantMode::fixedpoint && !(real.out < 1.0)) {
      InFlightDiagnostic diag =
          emitError() << "requant-mode=fixedpoint: the integer add's output "
                         "multiplier 2 max(s_lhs, s_rhs) / (2^"
                      << leftShift << " s_result) = " << real.out
                      << " must be below 1 (TFLite)";
      if (channels > 1)
        diag << " (channel " << c << ")";
      return diag;
    }
    lhsM.push_back({0.0f, real.lhs});
    rhsM.push_back({0.0f, real.rhs});
    outM.push_back({0.0f, real.out});
  }
  for (auto [constants, m] :
       {std::pair<RequantConstants &, ArrayRef<ChannelMultiplier>>{rescale.lhs,
                                                                   lhsM},
        {rescale.rhs, rhsM},
        {rescale.out, outM}}) {
    FailureOr<RequantConstants> c = computeRequantConstants(mode, m, emitError);
    if (failed(c))
      return failure();
    constants = std::move(*c);
  }
  return rescale;
}

FailureOr<LeakyReluMultipliers> quantc::lowering::computeLeakyReluMultipliers(
    RequantMode mode, const UniformParams &in, const UniformParams &out,
    float alpha, function_ref<InFlightDiagnostic()> emitError) {
  double identityMultiplier, alphaMultiplier;
  if (mode == RequantMode::fixedpoint) {
    // leaky_relu.cc's Prepare: float32 products and quotients, then double.
    float inScale = float(in.scale(0)), outScale = float(out.scale(0));
    alphaMultiplier = double(inScale * alpha / outScale);
    identityMultiplier = double(inScale / outScale);
  } else {
    // TensorFlow's TOSA legalization: the attribute's value, in double.
    alphaMultiplier = in.scale(0) * double(alpha) / out.scale(0);
    identityMultiplier = in.scale(0) / out.scale(0);
  }
  LeakyReluMultipliers multipliers;
  for (auto [constants, m] : {std::pair<RequantConstants &, double>{
                                  multipliers.identity, identityMultiplier},
                              {multipliers.alpha, alphaMultiplier}}) {
    FailureOr<RequantConstants> c =
        computeRequantConstants(mode, {ChannelMultiplier{0.0f, m}}, emitError);
    if (failed(c))
      return failure();
    constants = std::move(*c);
  }
  return multipliers;
}

void quantc::lowering::populateQNNElementwiseToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    RequantMode mode) {
  patterns.add<ClampLowering, LookupLowering>(typeConverter,
                                              patterns.getContext());
  patterns.add<AddSubLowering<AddOp, /*isSub=*/false>,
               AddSubLowering<SubOp, /*isSub=*/true>, MulLowering,
               LeakyReluLowering>(
      typeConverter, patterns.getContext(), mode);
}
