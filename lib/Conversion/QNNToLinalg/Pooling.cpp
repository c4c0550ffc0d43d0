//===- Pooling.cpp - qnn pooling to integer linalg --------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnn.avg_pool2d: an exact i32 window sum of the stored integers, then one
// fp32 requantize per output position whose multiplier folds the division
// by the window count (docs/Numerics.md, "Average pool").
//
//===----------------------------------------------------------------------===//

#include "LoweringHelpers.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Numerics/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;
using namespace quantc::lowering;

namespace {

/// The padded input is summed over (n, c, oh, ow, kh, kw):
///
///   sum[n, c, oh, ow] = sum_{kh, kw} xp[n, c, oh * sh + kh, ow * sw + kw]
///   out = clamp(round_half_to_even(float32(sum - K * zx) * M[oh, ow]) + zo)
///
/// with xp padded with zx, so that sum - K * zx is the centred sum over the
/// taps inside the input, and M[oh, ow] = float32(s_in / float32(s_out *
/// count[oh, ow])), a compile-time constant per output position.
///
/// In the integer modes (buildIntegerAverage) the division by the count is
/// TFLite's or TOSA's instead.
struct AvgPool2DLowering : public RequantizingPattern<AvgPool2DOp> {
  using RequantizingPattern::RequantizingPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformParams inP = *getUniformParams(op.getInput().getType());
    UniformParams outP = *getUniformParams(op.getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    ArrayRef<int64_t> kernel = op.getKernel();
    ArrayRef<int64_t> strides = op.getStrides();
    ArrayRef<int64_t> padding = op.getPadding();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t outH = outType.getDimSize(2), outW = outType.getDimSize(3);
    int64_t zx = inP.zeroPoint(0);
    auto index = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };

    x = padWithZeroPoint(rewriter, loc, x, padding, zx);

    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    OpFoldResult batch = tensor::getMixedSizes(rewriter, loc, x)[0];
    Value kernelShape =
        tensor::EmptyOp::create(rewriter, loc, kernel, xType.getElementType());
    Value sums = buildSumReduction(
        rewriter, loc, x,
        AffineMap::get(
            6, 0,
            {d(0), d(1), d(2) * strides[0] + d(4), d(3) * strides[1] + d(5)},
            ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx),
        {batch, index(xType.getDimSize(1)), index(outH), index(outW)},
        inP.isSigned(), {kernelShape, AffineMap::get(6, 0, {d(4), d(5)}, ctx)});

    SmallVector<int64_t> counts = AvgPool2DOp::computeWindowCounts(
        op.getInput().getType().getShape().drop_front(2), kernel, strides,
        padding, op.getCountIncludePad());
    if (mode != RequantMode::fp32)
      return buildIntegerAverage(op, sums, counts, inP, outP, rewriter);

    // One multiplier per output position, as ONNX Runtime computes its
    // QLinearGlobalAveragePool scale: s_in / (s_out * count) in float32.
    SmallVector<float> multipliers;
    for (int64_t count : counts)
      multipliers.push_back(float(inP.scale(0)) /
                            (float(outP.scale(0)) * float(count)));
    Value multiplierTensor = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({outH, outW}, rewriter.getF32Type()),
            ArrayRef(multipliers)));
    GenericInput multiplier{multiplierTensor,
                            AffineMap::get(4, 0, {d(2), d(3)}, ctx)};

    // sum and K * zx may exceed i32 (u8 with a large zero point); both wrap
    // modulo 2^32 and their difference, which the verifier bounds, is exact.
    int64_t padTerm = kernel[0] * kernel[1] * zx;
    Value result = buildElementwise(
        rewriter, loc, sums, {multiplier}, outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centred = arith::SubIOp::create(
              b, l, args[0],
              arith::ConstantOp::create(b, l,
                                        b.getI32IntegerAttr(int32_t(padTerm))));
          Value scaled = arith::MulFOp::create(
              b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), centred),
              args[1]);
          Value zo =
              floatConstant(b, l, b.getF32Type(), double(outP.zeroPoint(0)));
          return roundClampToStorage(b, l, scaled, zo, outP);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  /// The integer modes, from the centred window sum c = sum - K * zx:
  ///   fixedpoint (TFLite's reference_integer_ops::AveragePool, which sums
  ///   the stored values): s = c + count * zx,
  ///     avg = s > 0 ? (s + count / 2) / count : (s - count / 2) / count
  ///     (truncating), clamped;
  ///   tosa-* (TOSA AVG_POOL2D): avg = apply_scale_32(c, reciprocal_scale(
  ///     count), single round) + zo, clamped.
  /// TFLite's and TOSA's average pools keep the scale (TFLite also the zero
  /// point and TOSA the storage type); otherwise the average is taken in
  /// the input's parameters and requantized to the output's in `mode`, as
  /// the separate QUANTIZE / RESCALE their converters insert.
  LogicalResult buildIntegerAverage(AvgPool2DOp op, Value sums,
                                    ArrayRef<int64_t> counts,
                                    const UniformParams &inP,
                                    const UniformParams &outP,
                                    ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t outH = outType.getDimSize(2), outW = outType.getDimSize(3);
    AffineMap positionMap =
        AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)},
                       ctx);
    auto positionConstant = [&](ArrayRef<int32_t> values) -> GenericInput {
      auto type = RankedTensorType::get({outH, outW}, rewriter.getI32Type());
      return {arith::ConstantOp::create(
                  rewriter, loc, DenseElementsAttr::get(type, values)),
              positionMap};
    };
    SmallVector<GenericInput> inputs;
    bool tosa = mode != RequantMode::fixedpoint;
    if (tosa) {
      SmallVector<int32_t> multipliers, shifts;
      for (int64_t count : counts) {
        numerics::TosaRescaleMultiplier scale =
            numerics::tosaReciprocalScale(uint32_t(count));
        multipliers.push_back(scale.multiplier);
        shifts.push_back(scale.shift);
      }
      inputs = {positionConstant(multipliers), positionConstant(shifts)};
    } else {
      inputs = {positionConstant(
          SmallVector<int32_t>(counts.begin(), counts.end()))};
    }
    bool requantize = avgPoolNeedsRequantize(mode, inP, outP);
    std::optional<RequantConstants> requant;
    if (requantize) {
      FailureOr<RequantConstants> c = computeRequantConstants(
          mode, {ChannelMultiplier{0.0f, requantizeRealMultipliers(inP, outP)[0]}},
          [&] { return op.emitError(); });
      if (failed(c))
        return failure(); // Diagnosed before the conversion (LowerQNNPass).
      requant = std::move(*c);
    }
    ArrayRef<int64_t> kernel = op.getKernel();
    int64_t zx = inP.zeroPoint(0);
    // The average is in the output's parameters, or in the input's when a
    // requantize follows.
    const UniformParams &averageP = requantize ? inP : outP;
    Value result = buildElementwise(
        rewriter, loc, sums, inputs, outP.type.getStorageType(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto c32 = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, l,
                                             b.getI32IntegerAttr(int32_t(v)));
          };
          Type i64 = b.getI64Type();
          // Exact: the verifier bounds the centred sum (see fp32 above).
          Value centred = arith::SubIOp::create(
              b, l, args[0], c32(kernel[0] * kernel[1] * zx));
          Value average; // i64, in averageP's zero point.
          if (tosa) {
            average = arith::AddIOp::create(
                b, l,
                buildTosaApplyScale(b, l, centred, args[1], args[2],
                                    /*doubleRound=*/false),
                i64Constant(b, l, averageP.zeroPoint(0)));
          } else {
            Value count = arith::ExtSIOp::create(b, l, i64, args[1]);
            Value sum = arith::AddIOp::create(
                b, l, arith::ExtSIOp::create(b, l, i64, centred),
                arith::MulIOp::create(b, l, count, i64Constant(b, l, zx)));
            Value half =
                arith::DivSIOp::create(b, l, count, i64Constant(b, l, 2));
            Value positive = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::sgt, sum, i64Constant(b, l, 0));
            Value nudged = arith::SelectOp::create(
                b, l, positive, arith::AddIOp::create(b, l, sum, half),
                arith::SubIOp::create(b, l, sum, half));
            average = arith::DivSIOp::create(b, l, nudged, count);
          }
          Value stored = clampI64ToStorage(b, l, average, averageP);
          if (!requantize)
            return stored;
          Value y = arith::SubIOp::create(
              b, l, extendToI32(b, l, stored, averageP.isSigned()),
              c32(averageP.zeroPoint(0)));
          SmallVector<Value, 3> params{c32(requant->multipliers[0])};
          if (mode == RequantMode::fixedpoint)
            params.push_back(c32(requant->leftShifts[0]));
          params.push_back(c32(requant->rightShifts[0]));
          return buildRequantizeScalar(
              b, l, mode, y, params,
              buildZeroPointConstant(b, l, mode, outP.zeroPoint(0)), outP);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

bool quantc::lowering::avgPoolNeedsRequantize(RequantMode mode,
                                              const UniformParams &in,
                                              const UniformParams &out) {
  if (mode == RequantMode::fp32)
    return false; // The fp32 multiplier folds the scales.
  if (in.scale(0) != out.scale(0) ||
      in.type.getStorageType() != out.type.getStorageType() ||
      in.storageRange().qmin != out.storageRange().qmin ||
      in.storageRange().qmax != out.storageRange().qmax)
    return true;
  // TOSA's AVG_POOL2D has an output zero point; TFLite's keeps the input's.
  return mode == RequantMode::fixedpoint && in.zeroPoint(0) != out.zeroPoint(0);
}

void quantc::lowering::populatePoolingLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    RequantMode mode) {
  patterns.add<AvgPool2DLowering>(typeConverter, patterns.getContext(), mode);
}
