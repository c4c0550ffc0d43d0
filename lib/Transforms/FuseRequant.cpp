//===- FuseRequant.cpp - Fold requantization into qnn ops -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-fuse-requant. Rewrites that leave every result bit-identical:
// - a qnn.clamp of a qnn op's result becomes that op's output range,
//   carried by its result type's storage range (the requantize epilogue
//   clamps to it);
// - a qnn.requantize of a lossless qnn.requantize reads the first one's
//   input;
// - a qnn.requantize that only moves the zero point (same scale) folds
//   into its producer's result type;
// - a contraction with constant weights gets its zero-point corrections
//   precomputed (zero_point_corrections), so that its lowered inner loop
//   is the raw product of stored values.
// A walk, not a greedy driver, like quant-fold-qdq: the IR may still hold
// QDQ pairs, which upstream's folder would erase.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/ContractionUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Transforms/Passes.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_FUSEREQUANTPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

/// The producers whose lowering clamps their result to its storage range.
bool hasOutputRange(Operation *op) {
  return isa_and_nonnull<MatmulOp, Conv2DOp, AddOp, SubOp, MulOp, ClampOp,
                         RequantizeOp>(op);
}

/// Users of `value` must accept a narrowed type: quant.dcast, quant.scast
/// (to the same storage type) and qnn ops, except a qnn.clamp (same operand
/// and result type; the walk merges clamp chains from the last one, so one
/// left here could not merge). Returns the reason when one does not.
std::optional<std::string> checkUsersAcceptNarrowed(Value value,
                                                    StringRef what) {
  for (Operation *user : value.getUsers())
    if (isa<ClampOp>(user) ||
        (!isa<quant::DequantizeCastOp, quant::StorageCastOp>(user) &&
         !isa_and_nonnull<QNNDialect>(user->getDialect())))
      return "'" + user->getName().getStringRef().str() + "' uses the " +
             what.str() + " value and needs its type unchanged";
  return std::nullopt;
}

/// Folds `clamp` into its producer. Returns the reason when it cannot.
std::optional<std::string> foldClamp(ClampOp clamp) {
  Operation *producer = clamp.getInput().getDefiningOp();
  if (!hasOutputRange(producer))
    return std::string("its input is not produced by a qnn op with an "
                       "output range");
  if (!clamp.getInput().hasOneUse())
    return std::string("the unclamped value has other users");
  // Two clamps in a row: one with the intersection (the type stays, so
  // any user may see it).
  if (auto inner = dyn_cast<ClampOp>(producer)) {
    int64_t min = std::max(int64_t(inner.getMin()), int64_t(clamp.getMin()));
    int64_t max = std::min(int64_t(inner.getMax()), int64_t(clamp.getMax()));
    if (min > max)
      return std::string("the two clamps have an empty intersection");
    inner.setMin(min);
    inner.setMax(max);
    clamp.getResult().replaceAllUsesWith(inner.getResult());
    clamp.erase();
    return std::nullopt;
  }

  if (std::optional<std::string> reason =
          checkUsersAcceptNarrowed(clamp.getResult(), "clamped"))
    return reason;

  auto type = cast<RankedTensorType>(clamp.getType());
  auto quantType = cast<quant::UniformQuantizedType>(type.getElementType());
  int64_t min = std::max(int64_t(clamp.getMin()),
                         quantType.getStorageTypeMin());
  int64_t max = std::min(int64_t(clamp.getMax()),
                         quantType.getStorageTypeMax());
  int64_t zeroPoint = quantType.getZeroPoint();
  if (zeroPoint < min || zeroPoint > max)
    return "the range [" + std::to_string(min) + ", " + std::to_string(max) +
           "] does not contain the zero point " + std::to_string(zeroPoint);
  auto narrowed = quant::UniformQuantizedType::get(
      quantType.getFlags(), quantType.getStorageType(),
      quantType.getExpressedType(), quantType.getScale(), zeroPoint, min, max);
  producer->getResult(0).setType(type.clone(narrowed));
  clamp.getResult().replaceAllUsesWith(producer->getResult(0));
  clamp.erase();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Requantize chains
//===----------------------------------------------------------------------===//
//
// A qnn.requantize from (s_a, z_a) to (s_b, z_b) with s_a == s_b (the same
// double, hence the same float) computes, in every requant mode,
//   clamp_b(x + z_b)   with x = q - z_a,
// exactly, whenever |x| < 2^21:
// - fp32: round_half_to_even((float(x) * s) / s): two roundings of relative
//   error 2^-24 each leave |result - x| < |x| * 2^-22.9 < 0.5, and x is an
//   integer, so it rounds back to x (s a normal float and x * s finite, so
//   neither product underflows nor overflows);
// - fixedpoint: multiplier 1.0 is (2^30, left shift 1); x << 1 does not
//   saturate, SaturatingRoundingDoublingHighMul(2x, 2^30) = x;
// - TOSA: multiplier (2^30, shift 30): (x * 2^30 + 2^29) >> 30 = x.
// Such a requantize only moves the zero point and clamps. Two rewrites
// follow; any other chain rounds twice where one requantize would round
// once, and stays.

/// The largest centred value the exactness argument above covers.
constexpr int64_t kExactCentredBound = int64_t(1) << 21;

/// Why a qnn.requantize from `in` to `out` is not a pure zero-point move,
/// or nullopt when it is.
std::optional<std::string> checkZeroPointMove(const UniformParams &in,
                                              const UniformParams &out) {
  if (in.isPerAxis() || out.isPerAxis())
    return std::string("it is per axis");
  if (in.scale(0) != out.scale(0))
    return std::string("it changes the scale, so it rounds");
  if (in.maxAbsCentered() >= kExactCentredBound)
    return std::string("its centred input may reach 2^21, beyond what float32 "
                       "requantizes exactly");
  float scale = float(in.scale(0));
  if (!std::isnormal(scale) ||
      !std::isfinite(scale * float(kExactCentredBound)))
    return std::string("its scale is too small or too large for float32 to "
                       "requantize exactly");
  return std::nullopt;
}

/// The stored range of a zero-point move's result, [lo, hi] of `in` moved to
/// `out`'s zero point and clamped to `out`'s range (empty when lo > hi).
std::pair<int64_t, int64_t> movedRange(const UniformParams &in,
                                       const UniformParams &out) {
  int64_t shift = out.zeroPoint(0) - in.zeroPoint(0);
  numerics::StorageRange inRange = in.storageRange();
  numerics::StorageRange outRange = out.storageRange();
  return {std::max(inRange.qmin + shift, outRange.qmin),
          std::min(inRange.qmax + shift, outRange.qmax)};
}

/// requantize(requantize(x)) -> requantize(x) when the inner one is a
/// zero-point move that never clamps: it then hands the outer one x - z_a
/// + z_mid, whose centred value x - z_a is what the outer one would read
/// from x itself. Returns the reason when it does not apply.
std::optional<std::string> foldRequantizeChain(RequantizeOp outer) {
  auto inner = outer.getInput().getDefiningOp<RequantizeOp>();
  if (!inner)
    return std::string("its input is not produced by a qnn.requantize");
  UniformParams in = *getUniformParams(inner.getInput().getType());
  UniformParams mid = *getUniformParams(inner.getType());
  if (std::optional<std::string> reason = checkZeroPointMove(in, mid))
    return "the inner qnn.requantize is no exact zero-point move: " + *reason;
  auto [lo, hi] = movedRange(in, mid);
  numerics::StorageRange inRange = in.storageRange();
  int64_t shift = mid.zeroPoint(0) - in.zeroPoint(0);
  if (lo != inRange.qmin + shift || hi != inRange.qmax + shift)
    return std::string("the inner qnn.requantize clamps (its range does not "
                       "hold every input value)");
  outer.getInputMutable().assign(inner.getInput());
  if (inner->use_empty())
    inner.erase();
  return std::nullopt;
}

/// The producers whose requantize computes round(v) + z_out for a v that
/// does not depend on z_out, then clamps to the result type's storage
/// range. (qnn.add and qnn.sub fold z_out into the float sum before
/// rounding, ONNX Runtime's form, so moving it is not an integer shift.)
bool hasIntegerZeroPoint(Operation *op) {
  return isa_and_nonnull<MatmulOp, Conv2DOp, MulOp, AvgPool2DOp, RequantizeOp>(
      op);
}

/// requantize(producer(..)) -> producer(..) with the requantize's zero point
/// when the requantize is a zero-point move: round(v) + z_mid clamped to
/// [lo_mid, hi_mid], moved by z_out - z_mid and clamped to [lo_out, hi_out],
/// is round(v) + z_out clamped to the intersection of [lo_out, hi_out] and
/// the moved [lo_mid, hi_mid]; the producer's result type gets that range.
std::optional<std::string> foldRequantizeIntoProducer(RequantizeOp requant) {
  Operation *producer = requant.getInput().getDefiningOp();
  if (!hasIntegerZeroPoint(producer))
    return std::string("its input is not produced by qnn.matmul, "
                       "qnn.conv2d, qnn.mul, qnn.avg_pool2d or qnn.requantize");
  if (!requant.getInput().hasOneUse())
    return std::string("the producer's result has other users");
  UniformParams mid = *getUniformParams(requant.getInput().getType());
  UniformParams out = *getUniformParams(requant.getType());
  if (std::optional<std::string> reason = checkZeroPointMove(mid, out))
    return "it is no exact zero-point move (folding would round once where "
           "the chain rounds twice): " +
           *reason;
  auto [lo, hi] = movedRange(mid, out);
  int64_t zeroPoint = out.zeroPoint(0);
  if (zeroPoint < lo || zeroPoint > hi)
    return "the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
           "] does not contain the zero point " + std::to_string(zeroPoint);
  auto type = cast<RankedTensorType>(requant.getType());
  auto outType = cast<quant::UniformQuantizedType>(type.getElementType());
  numerics::StorageRange outRange = out.storageRange();
  bool narrowed = lo != outRange.qmin || hi != outRange.qmax;
  if (narrowed)
    if (std::optional<std::string> reason =
            checkUsersAcceptNarrowed(requant.getResult(), "requantized"))
      return reason;
  auto resultType = quant::UniformQuantizedType::get(
      outType.getFlags(), outType.getStorageType(), outType.getExpressedType(),
      outType.getScale(), zeroPoint, lo, hi);
  producer->getResult(0).setType(type.clone(resultType));
  requant.getResult().replaceAllUsesWith(producer->getResult(0));
  requant.erase();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Zero-point corrections
//===----------------------------------------------------------------------===//

/// Sets zero_point_corrections on a contraction with constant weights and
/// an input zero point (without one the corrections are K * 0 * zw = 0):
/// the terms of the centred sum that do not depend on the input, from the
/// one definition of the algebra (ContractionUtils.h). Returns whether it
/// did.
bool foldZeroPointCorrections(Operation *op) {
  Value input, weights;
  int64_t k, channels;
  WeightChannelDim channelDim;
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    auto rhsType = cast<RankedTensorType>(matmul.getRhs().getType());
    // Per-group weights and a split K sum centred products: nothing to
    // precompute.
    if (matmul.getZeroPointCorrections() || !matmul.hasSharedRhs() ||
        getBlockedParams(rhsType) || matmul.getAccumulatorChunk())
      return false;
    input = matmul.getLhs();
    weights = matmul.getRhs();
    k = rhsType.getDimSize(rhsType.getRank() - 2);
    channels = rhsType.getDimSize(rhsType.getRank() - 1);
    channelDim = WeightChannelDim::Last;
  } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getZeroPointCorrections())
      return false;
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(conv.getWeight().getType()).getShape();
    input = conv.getInput();
    weights = conv.getWeight();
    k = shape[1] * shape[2] * shape[3];
    channels = shape[0];
    channelDim = WeightChannelDim::First;
  } else {
    return false;
  }
  UniformParams x = *getUniformParams(input.getType());
  UniformParams w = *getUniformParams(weights.getType());
  if (x.zeroPoint(0) == 0 || ShapedType::isDynamic(channels))
    return false;
  std::optional<ConstantWeightSums> sums =
      getConstantWeightSums(weights, w, channels, channelDim);
  if (!sums)
    return false;
  op->setAttr("zero_point_corrections",
              DenseI64ArrayAttr::get(op->getContext(),
                                     computeZeroPointCorrections(
                                         k, x.zeroPoint(0), w, channels,
                                         &sums->sums)));
  return true;
}

//===----------------------------------------------------------------------===//
// Splitting K
//===----------------------------------------------------------------------===//

/// Sets accumulator_chunk on a qnn.matmul whose i32 accumulator neither
/// bound proves (storage ranges, constant weights): the lowering then sums
/// K in i32 chunks of that many products and the chunks in i64
/// (docs/Numerics.md, "Splitting K"). Returns whether it did.
bool setAccumulatorChunk(MatmulOp matmul) {
  if (matmul.getAccumulatorChunk())
    return false;
  int64_t chunk = matmul.getRequiredAccumulatorChunk();
  if (chunk == 0)
    return false;
  matmul.setAccumulatorChunk(chunk);
  return true;
}

struct FuseRequantPass
    : public quantc::impl::FuseRequantPassBase<FuseRequantPass> {
  using FuseRequantPassBase::FuseRequantPassBase;

  void runOnOperation() override {
    // Clamps first: a ReLU between a contraction and a requantize becomes
    // the contraction's range, and the requantize can then fold too.
    foldClamps();
    foldRequantizes();
    getOperation().walk([&](MatmulOp matmul) {
      if (setAccumulatorChunk(matmul))
        ++numAccumulatorsSplit;
    });
    getOperation().walk([&](Operation *op) {
      if (foldZeroPointCorrections(op))
        ++numCorrectionsFolded;
    });
  }

  /// In program order, so that a chain shortens from its start.
  void foldRequantizes() {
    SmallVector<RequantizeOp> requantizes;
    getOperation().walk(
        [&](RequantizeOp requant) { requantizes.push_back(requant); });
    for (RequantizeOp requant : requantizes) {
      Location loc = requant.getLoc();
      std::optional<std::string> chainReason = foldRequantizeChain(requant);
      if (!chainReason)
        ++numRequantizeChainsFolded;
      std::optional<std::string> producerReason =
          foldRequantizeIntoProducer(requant);
      if (!producerReason) {
        ++numRequantizesFolded;
        continue;
      }
      // Remarks only where a qnn op produces the input: a requantize of a
      // function argument has nothing to fold into.
      Operation *producer = requant.getInput().getDefiningOp();
      if (explain && chainReason && producer &&
          isa<QNNDialect>(producer->getDialect()))
        emitRemark(loc, "qnn.requantize not merged with its input: ")
            << *chainReason << "; not folded into its producer: "
            << *producerReason;
    }
  }

  void foldClamps() {
    SmallVector<ClampOp> clamps;
    getOperation().walk([&](ClampOp clamp) { clamps.push_back(clamp); });
    // Last first: a clamp of a clamp merges before the inner one fuses.
    for (ClampOp clamp : llvm::reverse(clamps)) {
      Location loc = clamp.getLoc();
      std::optional<std::string> reason = foldClamp(clamp);
      if (!reason) {
        ++numClampsFolded;
        continue;
      }
      if (explain)
        emitRemark(loc, "qnn.clamp not folded into its producer: ")
            << *reason;
    }
  }
};

} // namespace
