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
struct AvgPool2DLowering : public OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

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

    // One multiplier per output position, as ONNX Runtime computes its
    // QLinearGlobalAveragePool scale: s_in / (s_out * count) in float32.
    SmallVector<int64_t> counts = AvgPool2DOp::computeWindowCounts(
        op.getInput().getType().getShape().drop_front(2), kernel, strides,
        padding, op.getCountIncludePad());
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
};

} // namespace

void quantc::lowering::populatePoolingLoweringPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<AvgPool2DLowering>(typeConverter, patterns.getContext());
}
