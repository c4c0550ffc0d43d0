//===- QNNToTosa.cpp - qnn ops to TOSA's integer form -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-convert-qnn-to-tosa: qnn.matmul, qnn.conv2d, qnn.requantize,
// qnn.mul, qnn.add, qnn.sub, qnn.avg_pool2d, qnn.leaky_relu, qnn.clamp and
// qnn.lookup as TOSA integer ops (tosa.matmul, tosa.conv2d, tosa.mul,
// tosa.add, tosa.avg_pool2d, tosa.select, tosa.clamp, tosa.table,
// tosa.rescale, ...) between quant.scast boundaries.
// The multipliers and shifts are the ones quant-lower-qnn builds in the
// tosa requantize modes (numerics::quantizeTosaMultiplier of the same
// qnn::contractionRealMultipliers / requantizeRealMultipliers), so both
// paths compute the same integers.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/IntegerRescales.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/Requantize.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <numeric>

namespace quantc {
#define GEN_PASS_DEF_QNNTOTOSAPASS
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using qnn::UniformParams;

namespace {

/// Builds TOSA integer ops for one qnn op at the op's position.
class TosaBuilder {
public:
  TosaBuilder(Operation *op, tosa::RoundingMode rounding)
      : b(op), loc(op->getLoc()), rounding(rounding) {}

  /// `value` (a quantized tensor) as its storage integers.
  Value stored(Value value) {
    Type storage = qnn::getStorageShapedType(value.getType());
    return quant::StorageCastOp::create(b, loc, storage, value);
  }

  /// A rank-1 constant of one element of `type` (TOSA's scalar operands).
  Value scalar(Type type, int64_t value) {
    auto tensorType = RankedTensorType::get({1}, type);
    APInt bits(type.getIntOrFloatBitWidth(), uint64_t(value),
               /*isSigned=*/true, /*implicitTrunc=*/true);
    return tosa::ConstOp::create(b, loc, tensorType,
                                 DenseElementsAttr::get(tensorType, bits));
  }

  /// A !tosa.shape constant.
  Value shape(ArrayRef<int64_t> values) {
    auto attr = DenseIntElementsAttr::get(
        RankedTensorType::get({int64_t(values.size())}, b.getIndexType()),
        values);
    return tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), values.size()), attr);
  }

  Value reshape(Value value, ArrayRef<int64_t> newShape) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() == newShape)
      return value;
    return tosa::ReshapeOp::create(b, loc, type.clone(newShape), value,
                                   shape(newShape));
  }

  /// tosa.rescale of `input` (storage integers at zero point `inputZp`) by
  /// `multipliers` (one, or one per last-dimension channel) to `resultType`
  /// at zero point `outputZp`.
  Value rescale(Value input, bool inputUnsigned, int64_t inputZp,
                ArrayRef<numerics::TosaRescaleMultiplier> multipliers,
                RankedTensorType resultType, bool outputUnsigned,
                int64_t outputZp) {
    SmallVector<int32_t> values;
    SmallVector<int8_t> shifts;
    for (const numerics::TosaRescaleMultiplier &m : multipliers) {
      values.push_back(m.multiplier);
      shifts.push_back(int8_t(m.shift));
    }
    auto multiplierType =
        RankedTensorType::get({int64_t(values.size())}, b.getI32Type());
    auto shiftType =
        RankedTensorType::get({int64_t(shifts.size())}, b.getI8Type());
    Value multiplier = tosa::ConstOp::create(
        b, loc, multiplierType,
        DenseElementsAttr::get(multiplierType, ArrayRef(values)));
    Value shift = tosa::ConstOp::create(
        b, loc, shiftType, DenseElementsAttr::get(shiftType, ArrayRef(shifts)));
    Type inputElement = cast<RankedTensorType>(input.getType()).getElementType();
    return tosa::RescaleOp::create(
        b, loc, resultType, input, multiplier, shift,
        scalar(inputElement, inputZp),
        scalar(resultType.getElementType(), outputZp), b.getBoolAttr(true),
        tosa::RoundingModeAttr::get(b.getContext(), rounding),
        b.getBoolAttr(multipliers.size() > 1), b.getBoolAttr(inputUnsigned),
        b.getBoolAttr(outputUnsigned));
  }

  /// An 8-bit operand as int8 at its zero point: uint8 values move by -128
  /// through an exact rescale (multiplier 2^30, shift 30), their zero point
  /// with them, as TOSA's int8-only matmul needs.
  std::pair<Value, int64_t> asInt8(Value storedValue,
                                   const UniformParams &params) {
    int64_t zp = params.zeroPoint(0);
    if (params.isSigned())
      return {storedValue, zp};
    auto type = cast<RankedTensorType>(storedValue.getType());
    Value shifted = rescale(storedValue, /*inputUnsigned=*/true, zp,
                            {numerics::TosaRescaleMultiplier{1 << 30, 30}},
                            type, /*outputUnsigned=*/false, zp - 128);
    return {shifted, zp - 128};
  }

  Value transpose(Value value, ArrayRef<int32_t> perms) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape;
    for (int32_t p : perms)
      shape.push_back(type.getDimSize(p));
    return tosa::TransposeOp::create(b, loc, type.clone(shape), value, perms);
  }

  OpBuilder b;
  Location loc;
  tosa::RoundingMode rounding;
};

/// The TOSA multipliers of real multipliers, or an error on `op`.
FailureOr<SmallVector<numerics::TosaRescaleMultiplier>>
tosaMultipliers(Operation *op, ArrayRef<double> reals) {
  SmallVector<numerics::TosaRescaleMultiplier> result;
  for (double real : reals) {
    llvm::Expected<numerics::TosaRescaleMultiplier> m =
        numerics::quantizeTosaMultiplier(real);
    if (!m)
      return op->emitError("multiplier ")
             << real << " cannot be a TOSA rescale multiplier/shift ("
             << llvm::toString(m.takeError()) << ")";
    result.push_back(*m);
  }
  return result;
}

/// The checks matmul and conv share: 8-bit operands, static shapes (but
/// the input dimensions in `dynamicInputDims`), one weight zero point.
LogicalResult checkContraction(Operation *op, const UniformParams &x,
                               const UniformParams &w, Value input,
                               Value weight,
                               ArrayRef<unsigned> dynamicInputDims = {}) {
  if (x.storageWidth() != 8 || w.storageWidth() != 8)
    return op->emitError("TOSA's integer ") << op->getName().stripDialect()
           << " takes 8-bit operands; got " << x.storageWidth()
           << "-bit activations and " << w.storageWidth() << "-bit weights";
  auto inputType = cast<RankedTensorType>(input.getType());
  for (unsigned d = 0; d < inputType.getRank(); ++d)
    if (inputType.isDynamicDim(d) && !llvm::is_contained(dynamicInputDims, d))
      return op->emitError("TOSA export needs static shapes")
             << (dynamicInputDims.empty()
                     ? ""
                     : " (but for a convolution's N, H and W)");
  if (!cast<RankedTensorType>(weight.getType()).hasStaticShape())
    return op->emitError("TOSA export needs static shapes");
  if (w.isPerAxis() &&
      llvm::any_of(w.zeroPoints, [](int64_t zp) { return zp != 0; }))
    return op->emitError("TOSA has one weight zero point; per-channel "
                         "weights must have zero point 0");
  return success();
}

/// The requantize of a contraction's i32 `acc` (channels last) to the
/// stored result, per channel where the weights are.
FailureOr<Value> rescaleContraction(TosaBuilder &t, Operation *op, Value acc,
                                    const UniformParams &x,
                                    const UniformParams &w,
                                    const UniformParams &out,
                                    int64_t channels) {
  FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> multipliers =
      tosaMultipliers(op, qnn::contractionRealMultipliers(x, w, out, channels));
  if (failed(multipliers))
    return failure();
  auto accType = cast<RankedTensorType>(acc.getType());
  return t.rescale(acc, /*inputUnsigned=*/false, 0, *multipliers,
                   accType.clone(out.type.getStorageType()), !out.isSigned(),
                   out.zeroPoint(0));
}

LogicalResult convertMatmul(qnn::MatmulOp op, tosa::RoundingMode rounding) {
  if (qnn::getBlockedParams(op.getRhs().getType()))
    return op.emitError("TOSA has no per-group weights (tosa.matmul takes "
                        "one weight zero point and rescales once)");
  if (op.getRequiredAccumulatorChunk())
    return op.emitError("tosa.matmul's i32 accumulator cannot hold this K: "
                        "it needs a K split (accumulator_chunk)");
  UniformParams x = *qnn::getUniformParams(op.getLhs().getType());
  UniformParams w = *qnn::getUniformParams(op.getRhs().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  if (failed(checkContraction(op, x, w, op.getLhs(), op.getRhs())))
    return failure();
  TosaBuilder t(op, rounding);
  auto [lhs, lhsZp] = t.asInt8(t.stored(op.getLhs()), x);
  auto [rhs, rhsZp] = t.asInt8(t.stored(op.getRhs()), w);

  // TOSA's rank-3 form: shared weights fold the batch into M.
  ArrayRef<int64_t> ls = lhsType.getShape(), rs = rhsType.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), n = rs.back();
  int64_t lhsBatch = std::accumulate(ls.begin(), ls.end() - 2, int64_t(1),
                                     std::multiplies<int64_t>());
  int64_t batch = rs.size() == 2 ? 1 : lhsBatch;
  int64_t rows = rs.size() == 2 ? lhsBatch * m : m;
  Value a = t.reshape(lhs, {batch, rows, k});
  Value bw = t.reshape(rhs, {batch, k, n});
  auto accType = RankedTensorType::get({batch, rows, n}, t.b.getI32Type());
  Value acc = tosa::MatMulOp::create(t.b, t.loc, accType, a, bw,
                                     t.scalar(t.b.getI8Type(), lhsZp),
                                     t.scalar(t.b.getI8Type(), rhsZp));
  if (Value bias = op.getBias())
    acc = tosa::AddOp::create(t.b, t.loc, accType, acc,
                              t.reshape(t.stored(bias), {1, 1, n}));

  FailureOr<Value> rescaled = rescaleContraction(t, op, acc, x, w, out, n);
  if (failed(rescaled))
    return failure();
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value result = quant::StorageCastOp::create(
      t.b, t.loc, resultType, t.reshape(*rescaled, storedResultType.getShape()));
  op.replaceAllUsesWith(result);
  op.erase();
  return success();
}

/// qnn.conv2d as tosa.conv2d, or tosa.depthwise_conv2d when each group is
/// one input channel. NCHW runs on NHWC transposes, weights FCHW -> OHWI;
/// NHWC (OHWI weights) is TOSA's own layout. Depthwise weights become
/// [KH, KW, C, F / C].
LogicalResult convertConv2D(qnn::Conv2DOp op, tosa::RoundingMode rounding) {
  UniformParams x = *qnn::getUniformParams(op.getInput().getType());
  UniformParams w = *qnn::getUniformParams(op.getWeight().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  bool channelsLast = op.isChannelsLast();
  // N, H and W may be dynamic: TOSA's conv2d takes them (its lowering sizes
  // the output by floor division, as qnn.conv2d does).
  SmallVector<unsigned> batchAndSpatial = channelsLast
                                              ? SmallVector<unsigned>{0, 1, 2}
                                              : SmallVector<unsigned>{0, 2, 3};
  if (failed(checkContraction(op, x, w, op.getInput(), op.getWeight(),
                              batchAndSpatial)))
    return failure();
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  unsigned spatialDim = channelsLast ? 1 : 2, kernelDim = channelsLast ? 1 : 2;
  int64_t channels = inputType.getDimSize(channelsLast ? 3 : 1);
  int64_t filters = weightType.getDimSize(0);
  int64_t groups = op.getGroups();
  bool depthwise = groups > 1 && groups == channels;
  // Other grouped convolutions: one tosa.conv2d per group on its slice of
  // the channels, concatenated on the channel dimension (below).
  bool grouped = groups > 1 && !depthwise;
  if (grouped && !inputType.hasStaticShape())
    return op.emitError("TOSA export of a grouped convolution (per-group "
                        "slices) needs static shapes");
  TosaBuilder t(op, rounding);
  auto [input, inputZp] = t.asInt8(t.stored(op.getInput()), x);
  auto [weight, weightZp] = t.asInt8(t.stored(op.getWeight()), w);
  Value nhwc = channelsLast ? input : t.transpose(input, {0, 2, 3, 1});
  int64_t kernelH = weightType.getDimSize(kernelDim),
          kernelW = weightType.getDimSize(kernelDim + 1);
  // Depthwise: [F, 1, KH, KW] or [F, KH, KW, 1] -> [KH, KW, F, 1], then
  // F = C * M splits into [C, M].
  Value kernel =
      depthwise
          ? t.reshape(t.transpose(weight, channelsLast
                                              ? ArrayRef<int32_t>{1, 2, 0, 3}
                                              : ArrayRef<int32_t>{2, 3, 0, 1}),
                      {kernelH, kernelW, channels, filters / channels})
      : channelsLast ? weight
                     : t.transpose(weight, {0, 2, 3, 1});
  auto i32 = t.b.getI32Type();
  auto biasType = RankedTensorType::get({filters}, i32);
  Value bias = op.getBias()
                   ? t.stored(op.getBias())
                   : tosa::ConstOp::create(t.b, t.loc, biasType,
                                           DenseElementsAttr::get(
                                               biasType, t.b.getI32IntegerAttr(0)))
                         .getResult();
  ArrayRef<int64_t> padding = op.getPadding(); // top, left, bottom, right
  SmallVector<int64_t> pad{padding[0], padding[2], padding[1], padding[3]};
  // TOSA wants (in - 1 + pads - (k - 1) * d) divisible by the stride: the
  // rows and columns past the last window are never read, so drop them,
  // from the end padding first, then from the input.
  SmallVector<int64_t> keep{inputType.getDimSize(0),
                            inputType.getDimSize(spatialDim),
                            inputType.getDimSize(spatialDim + 1), channels};
  for (int d = 0; d < 2; ++d) {
    // A dynamic size cannot be trimmed here; TOSA checks the division only
    // for static sizes.
    if (ShapedType::isDynamic(keep[1 + d]))
      continue;
    int64_t extent =
        (weightType.getDimSize(kernelDim + d) - 1) * op.getDilations()[d];
    int64_t excess = (keep[1 + d] - 1 + pad[2 * d] + pad[2 * d + 1] - extent) %
                     op.getStrides()[d];
    int64_t fromPad = std::min(excess, pad[2 * d + 1]);
    pad[2 * d + 1] -= fromPad;
    keep[1 + d] -= excess - fromPad;
  }
  if (keep != cast<RankedTensorType>(nhwc.getType()).getShape()) {
    // TOSA's slice size -1 keeps a dynamic dimension whole.
    SmallVector<int64_t> sizes(keep);
    for (int64_t &size : sizes)
      if (ShapedType::isDynamic(size))
        size = -1;
    nhwc = tosa::SliceOp::create(
        t.b, t.loc, cast<RankedTensorType>(nhwc.getType()).clone(keep), nhwc,
        t.shape({0, 0, 0, 0}), t.shape(sizes));
  }
  auto resultType = cast<RankedTensorType>(op.getType());
  auto accType = RankedTensorType::get(
      {resultType.getDimSize(0), resultType.getDimSize(spatialDim),
       resultType.getDimSize(spatialDim + 1), filters},
      i32);
  // (Structured bindings cannot be captured in C++17.)
  int64_t xZp = inputZp, wZp = weightZp;
  auto conv2d = [&](RankedTensorType type, Value x, Value w, Value b) {
    return tosa::Conv2DOp::create(t.b, t.loc, type, x, w, b,
                                  t.scalar(t.b.getI8Type(), xZp),
                                  t.scalar(t.b.getI8Type(), wZp), pad,
                                  op.getStrides(), op.getDilations(), i32)
        .getResult();
  };
  Value acc;
  if (depthwise) {
    acc = tosa::DepthwiseConv2DOp::create(
              t.b, t.loc, accType, nhwc, kernel, bias,
              t.scalar(t.b.getI8Type(), inputZp),
              t.scalar(t.b.getI8Type(), weightZp), pad, op.getStrides(),
              op.getDilations(), i32)
              .getResult();
  } else if (grouped) {
    // Group g reads channels [g * C/G, (g + 1) * C/G) and writes filters
    // [g * F/G, (g + 1) * F/G): slices of the input, the OHWI kernel and
    // the bias; the i32 results concatenate in filter order.
    int64_t cg = channels / groups, fg = filters / groups;
    ArrayRef<int64_t> in = cast<RankedTensorType>(nhwc.getType()).getShape();
    auto slice = [&](Value v, ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
      return tosa::SliceOp::create(
                 t.b, t.loc, cast<RankedTensorType>(v.getType()).clone(size), v,
                 t.shape(start), t.shape(size))
          .getResult();
    };
    SmallVector<Value> parts;
    for (int64_t g = 0; g < groups; ++g) {
      Value x = slice(nhwc, {0, 0, 0, g * cg}, {in[0], in[1], in[2], cg});
      Value w = slice(kernel, {g * fg, 0, 0, 0}, {fg, kernelH, kernelW, cg});
      Value b = slice(bias, {g * fg}, {fg});
      parts.push_back(
          conv2d(accType.clone({accType.getDimSize(0), accType.getDimSize(1),
                                accType.getDimSize(2), fg}),
                 x, w, b));
    }
    acc = tosa::ConcatOp::create(t.b, t.loc, accType, parts,
                                 t.b.getI32IntegerAttr(3))
              .getResult();
  } else {
    acc = conv2d(accType, nhwc, kernel, bias);
  }
  FailureOr<Value> rescaled =
      rescaleContraction(t, op, acc, x, w, out, filters);
  if (failed(rescaled))
    return failure();
  Value stored =
      channelsLast ? *rescaled : t.transpose(*rescaled, {0, 3, 1, 2});
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, stored).getResult());
  op.erase();
  return success();
}

LogicalResult convertRequantize(qnn::RequantizeOp op,
                                tosa::RoundingMode rounding) {
  UniformParams in = *qnn::getUniformParams(op.getInput().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = resultType.getRank();
  for (const UniformParams *p : {&in, &out}) {
    if (p->isPerAxis() && *p->axis != rank - 1)
      return op.emitError("tosa.rescale is per channel along the last "
                          "dimension only; got axis ")
             << *p->axis;
    if (llvm::any_of(p->zeroPoints,
                     [&](int64_t zp) { return zp != p->zeroPoints[0]; }))
      return op.emitError("tosa.rescale has one zero point per side; got "
                          "per-channel zero points that differ");
  }
  FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> multipliers =
      tosaMultipliers(op, qnn::requantizeRealMultipliers(in, out));
  if (failed(multipliers))
    return failure();
  TosaBuilder t(op, rounding);
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value rescaled =
      t.rescale(t.stored(op.getInput()), !in.isSigned(), in.zeroPoint(0),
                *multipliers, storedResultType, !out.isSigned(),
                out.zeroPoint(0));
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, rescaled)
          .getResult());
  op.erase();
  return success();
}

/// `value` reshaped to `rank` dimensions by leading 1s (NumPy's
/// broadcasting aligns trailing dimensions; TOSA's needs equal ranks).
Value alignRank(TosaBuilder &t, Value value, int64_t rank) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(value.getType()).getShape();
  SmallVector<int64_t> aligned(rank - shape.size(), 1);
  aligned.append(shape.begin(), shape.end());
  return t.reshape(value, aligned);
}

/// The checks of the elementwise exports: per-tensor 8-bit operands and
/// static shapes (TOSA's shape operands are constants).
LogicalResult checkElementwise(Operation *op, ArrayRef<UniformParams> params) {
  for (const UniformParams &p : params)
    if (p.storageWidth() != 8)
      return op->emitError("TOSA export of ")
             << op->getName() << " takes 8-bit operands; got "
             << p.storageWidth() << "-bit storage";
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (!cast<RankedTensorType>(type).hasStaticShape())
      return op->emitError("TOSA export needs static shapes");
  return success();
}

/// qnn.mul as TOSA's legalization of a quantized multiply: both operands
/// rescaled exactly to i32 minus their zero points (multiplier 2^30, shift
/// 30), tosa.mul in i32 (the product of two centred 8-bit values fits),
/// then tosa.rescale by s_a * s_b / s_out -- the i32 product and
/// multiplier quant-lower-qnn's mul epilogue uses in the same mode.
LogicalResult convertMul(qnn::MulOp op, tosa::RoundingMode rounding) {
  UniformParams a = *qnn::getUniformParams(op.getLhs().getType());
  UniformParams b = *qnn::getUniformParams(op.getRhs().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  if (failed(checkElementwise(op, {a, b, out})))
    return failure();
  FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> multipliers =
      tosaMultipliers(op, qnn::contractionRealMultipliers(a, b, out, 1));
  if (failed(multipliers))
    return failure();
  TosaBuilder t(op, rounding);
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = resultType.getRank();
  auto centred = [&](Value operand, const UniformParams &p) {
    Value stored = alignRank(t, t.stored(operand), rank);
    auto type = cast<RankedTensorType>(stored.getType());
    return t.rescale(stored, !p.isSigned(), p.zeroPoint(0),
                     {numerics::TosaRescaleMultiplier{1 << 30, 30}},
                     type.clone(t.b.getI32Type()), /*outputUnsigned=*/false, 0);
  };
  Value lhs = centred(op.getLhs(), a), rhs = centred(op.getRhs(), b);
  auto productType = resultType.clone(t.b.getI32Type());
  Value product = tosa::MulOp::create(t.b, t.loc, productType, lhs, rhs,
                                      t.scalar(t.b.getI8Type(), 0));
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value rescaled =
      t.rescale(product, /*inputUnsigned=*/false, 0, *multipliers,
                storedResultType, !out.isSigned(), out.zeroPoint(0));
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, rescaled)
          .getResult());
  op.erase();
  return success();
}

/// qnn.clamp as tosa.clamp on the stored integers. TOSA's integer clamp is
/// signed: uint8 values move to int8 first (asInt8, exact) and back.
LogicalResult convertClamp(qnn::ClampOp op, tosa::RoundingMode rounding) {
  UniformParams p = *qnn::getUniformParams(op.getType());
  if (failed(checkElementwise(op, {p})))
    return failure();
  TosaBuilder t(op, rounding);
  auto resultType = cast<RankedTensorType>(op.getType());
  auto [input, zp] = t.asInt8(t.stored(op.getInput()), p);
  int64_t shift = zp - p.zeroPoint(0); // -128 for uint8, else 0
  Type i8 = t.b.getI8Type();
  Value clamped =
      tosa::ClampOp::create(t.b, t.loc, input.getType(), input,
                            t.b.getIntegerAttr(i8, op.getMin() + shift),
                            t.b.getIntegerAttr(i8, op.getMax() + shift));
  if (!p.isSigned())
    clamped = t.rescale(clamped, /*inputUnsigned=*/false, zp,
                        {numerics::TosaRescaleMultiplier{1 << 30, 30}},
                        cast<RankedTensorType>(clamped.getType()),
                        /*outputUnsigned=*/true, p.zeroPoint(0));
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, clamped)
          .getResult());
  op.erase();
  return success();
}

/// qnn.lookup as tosa.table (8-bit: 256 entries, entry i for the stored
/// int8 value i - 128). uint8 tensors are read and written as their int8
/// bit patterns, so a uint8 table is the same table rotated by 128 and
/// its uint8 entries stored as bit patterns: no rescale.
LogicalResult convertLookup(qnn::LookupOp op, tosa::RoundingMode rounding) {
  UniformParams in = *qnn::getUniformParams(op.getInput().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  if (failed(checkElementwise(op, {in, out})))
    return failure();
  SmallVector<int64_t> table(op.getTable().getValues<int64_t>());
  int64_t offset = qnn::LookupOp::tableOffset(cast<quant::QuantizedType>(
      cast<RankedTensorType>(op.getInput().getType()).getElementType()));
  SmallVector<int8_t> entries;
  for (int64_t i = 0; i < 256; ++i) {
    // The stored bits of entry i as the input type reads them.
    int64_t value = i - 128;
    if (!in.isSigned() && value < 0)
      value += 256;
    entries.push_back(int8_t(uint8_t(table[value - offset])));
  }
  TosaBuilder t(op, rounding);
  auto tableType = RankedTensorType::get({256}, t.b.getI8Type());
  Value tableValue = tosa::ConstOp::create(
      t.b, t.loc, tableType,
      DenseElementsAttr::get(tableType, ArrayRef(entries)));
  auto resultType = cast<RankedTensorType>(op.getType());
  Value stored = t.stored(op.getInput());
  Value looked =
      tosa::TableOp::create(t.b, t.loc, stored.getType(), stored, tableValue);
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, looked).getResult());
  op.erase();
  return success();
}

/// The TOSA multipliers of computeAddSubRescale's (or another lowering's)
/// constants in a tosa mode.
SmallVector<numerics::TosaRescaleMultiplier>
asTosaMultipliers(const lowering::RequantConstants &constants) {
  SmallVector<numerics::TosaRescaleMultiplier> result;
  for (auto [m, shift] :
       llvm::zip_equal(constants.multipliers, constants.rightShifts))
    result.push_back({int32_t(m), int(shift)});
  return result;
}

/// qnn.add / qnn.sub as TensorFlow's TFLite-to-TOSA legalization of
/// ADD/SUB: each operand rescaled to i32 minus its zero point, tosa.add /
/// tosa.sub, the sum rescaled to the result; the multipliers are
/// computeAddSubRescale's, the ones quant-lower-qnn uses in the same mode.
/// A per-axis operand rescales per channel (tosa.rescale's per_channel,
/// along the last dimension).
LogicalResult convertAddSub(Operation *op, bool isSub, qnn::RequantMode mode,
                            tosa::RoundingMode rounding) {
  UniformParams a = *qnn::getUniformParams(op->getOperand(0).getType());
  UniformParams b = *qnn::getUniformParams(op->getOperand(1).getType());
  UniformParams out = *qnn::getUniformParams(op->getResult(0).getType());
  for (const UniformParams &p : {a, b, out})
    if (p.storageWidth() != 8 && p.storageWidth() != 16)
      return op->emitError("TOSA export of ")
             << op->getName() << " takes 8- or 16-bit operands; got "
             << p.storageWidth() << "-bit storage";
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (!cast<RankedTensorType>(type).hasStaticShape())
      return op->emitError("TOSA export needs static shapes");
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = resultType.getRank();
  std::optional<qnn::ElementwiseChannels> channels =
      qnn::getElementwiseChannels(op->getOperand(0).getType(),
                                  op->getOperand(1).getType(), resultType);
  if (channels) {
    if (channels->resultDim != rank - 1)
      return op->emitError("tosa.rescale is per channel along the last "
                           "dimension only; the per-axis operand varies "
                           "along result dimension ")
             << channels->resultDim;
    for (auto [what, operand, p] :
         {std::tuple<StringRef, Value, const UniformParams &>{
              "lhs", op->getOperand(0), a},
          {"rhs", op->getOperand(1), b}}) {
      ArrayRef<int64_t> zeroPoints = p.zeroPoints;
      if (llvm::any_of(zeroPoints,
                       [&](int64_t zp) { return zp != zeroPoints[0]; }))
        return op->emitError("tosa.rescale has one input zero point; the ")
               << what << "'s per-channel zero points differ";
      // Every channel's multiplier applies along the operand's last
      // dimension, which must hold the channels (not broadcast them).
      auto type = cast<RankedTensorType>(operand.getType());
      if (type.getDimSize(type.getRank() - 1) != channels->count)
        return op->emitError("the ")
               << what << " broadcasts along the channel dimension; its "
               << "per-channel tosa.rescale needs all " << channels->count
               << " channels";
    }
  }
  FailureOr<lowering::AddSubRescale> rescale = lowering::computeAddSubRescale(
      mode, a, b, out, [&] { return op->emitError(); });
  if (failed(rescale))
    return failure();
  TosaBuilder t(op, rounding);
  auto toI32 = [&](Value operand, const UniformParams &p,
                   const lowering::RequantConstants &constants) {
    Value stored = alignRank(t, t.stored(operand), rank);
    auto type = cast<RankedTensorType>(stored.getType());
    return t.rescale(stored, !p.isSigned(), p.zeroPoint(0),
                     asTosaMultipliers(constants), type.clone(t.b.getI32Type()),
                     /*outputUnsigned=*/false, 0);
  };
  Value lhs = toI32(op->getOperand(0), a, rescale->lhs);
  Value rhs = toI32(op->getOperand(1), b, rescale->rhs);
  auto sumType = resultType.clone(t.b.getI32Type());
  Value sum =
      isSub ? tosa::SubOp::create(t.b, t.loc, sumType, lhs, rhs).getResult()
            : tosa::AddOp::create(t.b, t.loc, sumType, lhs, rhs).getResult();
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value rescaled = t.rescale(sum, /*inputUnsigned=*/false, 0,
                             asTosaMultipliers(rescale->out), storedResultType,
                             !out.isSigned(), out.zeroPoint(0));
  op->getResult(0).replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, rescaled)
          .getResult());
  op->erase();
  return success();
}

/// qnn.avg_pool2d as tosa.avg_pool2d (NHWC, between transposes), whose
/// division by the count of taps inside the input is the one quant-lower-qnn
/// uses in the tosa modes (reciprocal_scale, single round); then, where the
/// scales or storage types differ, a tosa.rescale from the average in the
/// input's parameters (lowering::avgPoolNeedsRequantize). uint8 tensors
/// move to int8 and back (asInt8, exact); count_include_pad pads the input
/// with its zero point first (tosa.pad), so that every window is full.
LogicalResult convertAvgPool(qnn::AvgPool2DOp op, qnn::RequantMode mode,
                             tosa::RoundingMode rounding) {
  UniformParams in = *qnn::getUniformParams(op.getInput().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  for (const UniformParams &p : {in, out})
    if (p.storageWidth() != 8 && p.storageWidth() != 16)
      return op.emitError("TOSA's integer avg_pool2d takes 8- or 16-bit "
                          "tensors; got ")
             << p.storageWidth() << "-bit storage";
  if (in.storageWidth() == 16 && !in.isSigned())
    return op.emitError("TOSA's integer avg_pool2d takes int16, not uint16");
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  if (!inputType.hasStaticShape())
    return op.emitError("TOSA export needs static shapes");
  bool requantize = lowering::avgPoolNeedsRequantize(mode, in, out);
  SmallVector<numerics::TosaRescaleMultiplier> multipliers;
  if (requantize) {
    FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> m =
        tosaMultipliers(op, qnn::requantizeRealMultipliers(in, out));
    if (failed(m))
      return failure();
    multipliers = *m;
  }
  TosaBuilder t(op, rounding);
  auto [input, inputZp] = t.asInt8(t.stored(op.getInput()), in);
  Value nhwc = t.transpose(input, {0, 2, 3, 1});
  ArrayRef<int64_t> padding = op.getPadding(); // top, left, bottom, right
  SmallVector<int64_t> pad{padding[0], padding[2], padding[1], padding[3]};
  ArrayRef<int64_t> kernel = op.getKernel();
  if (op.getCountIncludePad() &&
      llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
    // Padded taps hold the zero point and count: pad explicitly.
    auto type = cast<RankedTensorType>(nhwc.getType());
    SmallVector<int64_t> padded(type.getShape());
    padded[1] += pad[0] + pad[1];
    padded[2] += pad[2] + pad[3];
    nhwc = tosa::PadOp::create(
        t.b, t.loc, type.clone(padded), nhwc,
        t.shape({0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}),
        t.scalar(type.getElementType(), inputZp));
    pad.assign(4, 0);
  }
  // TOSA wants (in + pads - k) divisible by the stride: drop the rows and
  // columns no window reads, from the end padding first (as for conv2d).
  SmallVector<int64_t> keep(cast<RankedTensorType>(nhwc.getType()).getShape());
  for (int d = 0; d < 2; ++d) {
    int64_t excess = (keep[1 + d] + pad[2 * d] + pad[2 * d + 1] - kernel[d]) %
                     op.getStrides()[d];
    int64_t fromPad = std::min(excess, pad[2 * d + 1]);
    pad[2 * d + 1] -= fromPad;
    keep[1 + d] -= excess - fromPad;
  }
  if (keep != cast<RankedTensorType>(nhwc.getType()).getShape())
    nhwc = tosa::SliceOp::create(
        t.b, t.loc, cast<RankedTensorType>(nhwc.getType()).clone(keep), nhwc,
        t.shape({0, 0, 0, 0}), t.shape(keep));
  // The average in the output's parameters, or in the input's before a
  // rescale; stored as int8 where the input moved there.
  const UniformParams &averageP = requantize ? in : out;
  int64_t averageZp = averageP.zeroPoint(0) + (inputZp - in.zeroPoint(0));
  Type poolElement = cast<RankedTensorType>(nhwc.getType()).getElementType();
  auto poolType = RankedTensorType::get(
      {resultType.getDimSize(0), resultType.getDimSize(2),
       resultType.getDimSize(3), resultType.getDimSize(1)},
      poolElement);
  Value pooled = tosa::AvgPool2dOp::create(
      t.b, t.loc, poolType, nhwc, t.scalar(poolElement, inputZp),
      t.scalar(poolElement, averageZp), kernel, op.getStrides(), pad,
      t.b.getI32Type());
  Value result = t.transpose(pooled, {0, 3, 1, 2});
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  if (requantize)
    result = t.rescale(result, /*inputUnsigned=*/false, averageZp, multipliers,
                       storedResultType, !out.isSigned(), out.zeroPoint(0));
  else if (!out.isSigned())
    result =
        t.rescale(result, /*inputUnsigned=*/false, averageZp,
                  {numerics::TosaRescaleMultiplier{1 << 30, 30}},
                  storedResultType, /*outputUnsigned=*/true, out.zeroPoint(0));
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, result).getResult());
  op.erase();
  return success();
}

/// qnn.leaky_relu as TensorFlow's TFLite-to-TOSA legalization of a
/// quantized LEAKY_RELU: tosa.greater_equal(rescale_to_i32(q - zi), 0)
/// selects between two tosa.rescale of the input to the output, by s_in /
/// s_out and by s_in * alpha / s_out -- computeLeakyReluMultipliers', the
/// ones quant-lower-qnn uses in the same mode.
LogicalResult convertLeakyRelu(qnn::LeakyReluOp op, qnn::RequantMode mode,
                               tosa::RoundingMode rounding) {
  UniformParams in = *qnn::getUniformParams(op.getInput().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  if (!cast<RankedTensorType>(op.getInput().getType()).hasStaticShape())
    return op.emitError("TOSA export needs static shapes");
  FailureOr<lowering::LeakyReluMultipliers> multipliers =
      lowering::computeLeakyReluMultipliers(mode, in, out,
                                            op.getAlpha().convertToFloat(),
                                            [&] { return op.emitError(); });
  if (failed(multipliers))
    return failure();
  TosaBuilder t(op, rounding);
  Value stored = t.stored(op.getInput());
  auto storedType = cast<RankedTensorType>(stored.getType());
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value centred = t.rescale(stored, !in.isSigned(), in.zeroPoint(0),
                            {numerics::TosaRescaleMultiplier{1 << 30, 30}},
                            storedType.clone(t.b.getI32Type()),
                            /*outputUnsigned=*/false, 0);
  auto zeroType = RankedTensorType::get(
      SmallVector<int64_t>(storedType.getRank(), 1), t.b.getI32Type());
  Value zero = tosa::ConstOp::create(
      t.b, t.loc, zeroType,
      DenseElementsAttr::get(zeroType, t.b.getI32IntegerAttr(0)));
  Value nonNegative = tosa::GreaterEqualOp::create(
      t.b, t.loc, storedType.clone(t.b.getI1Type()), centred, zero);
  auto toOutput = [&](const lowering::RequantConstants &constants) {
    return t.rescale(stored, !in.isSigned(), in.zeroPoint(0),
                     asTosaMultipliers(constants), storedResultType,
                     !out.isSigned(), out.zeroPoint(0));
  };
  Value identity = toOutput(multipliers->identity);
  Value scaled = toOutput(multipliers->alpha);
  Value selected = tosa::SelectOp::create(t.b, t.loc, storedResultType,
                                          nonNegative, identity, scaled);
  op.replaceAllUsesWith(
      quant::StorageCastOp::create(t.b, t.loc, resultType, selected)
          .getResult());
  op.erase();
  return success();
}

struct QNNToTosaPass : public quantc::impl::QNNToTosaPassBase<QNNToTosaPass> {
  using QNNToTosaPassBase::QNNToTosaPassBase;

  /// The TOSA rounding: the module's recorded tosa mode, else `rounding`.
  FailureOr<qnn::RequantMode> resolveMode(ModuleOp module) {
    if (auto recorded = module->getAttrOfType<qnn::RequantModeAttr>(
            qnn::QNNDialect::kRequantModeAttrName)) {
      qnn::RequantMode mode = recorded.getValue();
      if (mode != qnn::RequantMode::tosa_double_round &&
          mode != qnn::RequantMode::tosa_single_round)
        return module.emitError("the module records ")
               << qnn::QNNDialect::kRequantModeAttrName << " = " << recorded
               << "; exporting to TOSA would change its numerics to TOSA's "
                  "rescale";
      return mode;
    }
    if (rounding == "double-round")
      return qnn::RequantMode::tosa_double_round;
    if (rounding == "single-round")
      return qnn::RequantMode::tosa_single_round;
    return module.emitError("unknown rounding '")
           << rounding << "'; expected double-round or single-round";
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<qnn::RequantMode> mode = resolveMode(module);
    if (failed(mode))
      return signalPassFailure();
    tosa::RoundingMode rounding = *mode == qnn::RequantMode::tosa_double_round
                                      ? tosa::RoundingMode::DOUBLE_ROUND
                                      : tosa::RoundingMode::SINGLE_ROUND;
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<qnn::MatmulOp, qnn::Conv2DOp, qnn::RequantizeOp, qnn::MulOp,
              qnn::ClampOp, qnn::LookupOp, qnn::AddOp, qnn::SubOp,
              qnn::AvgPool2DOp, qnn::LeakyReluOp>(op))
        ops.push_back(op);
    });
    bool failedAny = false;
    for (Operation *op : ops) {
      LogicalResult converted = failure();
      if (auto matmul = dyn_cast<qnn::MatmulOp>(op))
        converted = convertMatmul(matmul, rounding);
      else if (auto conv = dyn_cast<qnn::Conv2DOp>(op))
        converted = convertConv2D(conv, rounding);
      else if (auto mul = dyn_cast<qnn::MulOp>(op))
        converted = convertMul(mul, rounding);
      else if (auto clamp = dyn_cast<qnn::ClampOp>(op))
        converted = convertClamp(clamp, rounding);
      else if (auto lookup = dyn_cast<qnn::LookupOp>(op))
        converted = convertLookup(lookup, rounding);
      else if (isa<qnn::AddOp, qnn::SubOp>(op))
        converted = convertAddSub(op, isa<qnn::SubOp>(op), *mode, rounding);
      else if (auto pool = dyn_cast<qnn::AvgPool2DOp>(op))
        converted = convertAvgPool(pool, *mode, rounding);
      else if (auto leaky = dyn_cast<qnn::LeakyReluOp>(op))
        converted = convertLeakyRelu(leaky, *mode, rounding);
      else
        converted = convertRequantize(cast<qnn::RequantizeOp>(op), rounding);
      failedAny |= failed(converted);
    }
    if (failedAny)
      return signalPassFailure();
    module->setAttr(qnn::QNNDialect::kRequantModeAttrName,
                    qnn::RequantModeAttr::get(&getContext(), *mode));
  }
};

} // namespace
