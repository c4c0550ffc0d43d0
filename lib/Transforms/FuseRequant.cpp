//===- FuseRequant.cpp - Fold requantization into qnn ops -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-fuse-requant. First rewrite: a qnn.clamp of a qnn op's result
// becomes that op's output range, carried by its result type's storage
// range (the requantize epilogue clamps to it). A walk, not a greedy
// driver, like quant-fold-qdq: the IR may still hold QDQ pairs, which
// upstream's folder would erase.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Transforms/Passes.h"

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
  return isa_and_nonnull<MatmulOp, Conv2DOp, AddOp, SubOp, MulOp, ClampOp>(
      op);
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

  // Users must accept the narrowed type: quant.dcast, quant.scast (to the
  // same storage type) and qnn ops, except a qnn.clamp (same operand and
  // result type; the walk merges clamp chains from the last one, so one
  // left here could not merge).
  for (Operation *user : clamp->getUsers())
    if (isa<ClampOp>(user) ||
        (!isa<quant::DequantizeCastOp, quant::StorageCastOp>(user) &&
         !isa_and_nonnull<QNNDialect>(user->getDialect())))
      return "'" + user->getName().getStringRef().str() +
             "' uses the clamped value and needs its type unchanged";

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

struct FuseRequantPass
    : public quantc::impl::FuseRequantPassBase<FuseRequantPass> {
  using FuseRequantPassBase::FuseRequantPassBase;

  void runOnOperation() override {
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
