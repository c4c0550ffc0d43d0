//===- QNNToTosa.cpp - qnn ops to TOSA's integer form -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-convert-qnn-to-tosa: qnn.matmul and qnn.requantize as TOSA integer
// ops (tosa.matmul, tosa.add, tosa.rescale) between quant.scast boundaries.
// The multipliers and shifts are the ones quant-lower-qnn builds in the
// tosa requantize modes (numerics::quantizeTosaMultiplier of the same real
// multiplier), so both paths compute the same integers.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
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

  Value reshape(Value value, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() == shape)
      return value;
    auto shapeAttr = DenseIntElementsAttr::get(
        RankedTensorType::get({int64_t(shape.size())}, b.getIndexType()),
        shape);
    Value shapeValue = tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), shape.size()), shapeAttr);
    return tosa::ReshapeOp::create(b, loc, type.clone(shape), value,
                                   shapeValue);
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

LogicalResult convertMatmul(qnn::MatmulOp op, tosa::RoundingMode rounding) {
  UniformParams x = *qnn::getUniformParams(op.getLhs().getType());
  UniformParams w = *qnn::getUniformParams(op.getRhs().getType());
  UniformParams out = *qnn::getUniformParams(op.getType());
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  if (x.storageWidth() != 8 || w.storageWidth() != 8)
    return op.emitError("tosa.matmul takes 8-bit operands; got ")
           << x.storageWidth() << "-bit activations and " << w.storageWidth()
           << "-bit weights";
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape())
    return op.emitError("TOSA export needs static shapes");
  if (llvm::any_of(w.zeroPoints, [](int64_t zp) { return zp != 0; }) &&
      w.isPerAxis())
    return op.emitError("tosa.matmul has one weight zero point; per-channel "
                        "weights must have zero point 0");
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

  SmallVector<double> reals;
  for (int64_t c = 0, e = w.isPerAxis() ? n : 1; c < e; ++c)
    reals.push_back(x.scale(0) * w.scale(c) / out.scale(0));
  FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> multipliers =
      tosaMultipliers(op, reals);
  if (failed(multipliers))
    return failure();
  auto storedResultType =
      cast<RankedTensorType>(qnn::getStorageShapedType(resultType));
  Value rescaled = t.rescale(
      acc, /*inputUnsigned=*/false, 0, *multipliers,
      RankedTensorType::get(accType.getShape(),
                            storedResultType.getElementType()),
      !out.isSigned(), out.zeroPoint(0));
  Value result = quant::StorageCastOp::create(
      t.b, t.loc, resultType,
      t.reshape(rescaled, storedResultType.getShape()));
  op.replaceAllUsesWith(result);
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
  SmallVector<double> reals;
  for (size_t c = 0, e = std::max(in.scales.size(), out.scales.size()); c < e;
       ++c)
    reals.push_back(in.scale(c) / out.scale(c));
  FailureOr<SmallVector<numerics::TosaRescaleMultiplier>> multipliers =
      tosaMultipliers(op, reals);
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
      if (isa<qnn::MatmulOp, qnn::RequantizeOp>(op))
        ops.push_back(op);
    });
    bool failedAny = false;
    for (Operation *op : ops) {
      LogicalResult converted =
          isa<qnn::MatmulOp>(op)
              ? convertMatmul(cast<qnn::MatmulOp>(op), rounding)
              : convertRequantize(cast<qnn::RequantizeOp>(op), rounding);
      failedAny |= failed(converted);
    }
    if (failedAny)
      return signalPassFailure();
    module->setAttr(qnn::QNNDialect::kRequantModeAttrName,
                    qnn::RequantModeAttr::get(&getContext(), *mode));
  }
};

} // namespace
