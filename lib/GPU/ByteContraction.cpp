//===- ByteContraction.cpp - Int8 contractions, GPU passes ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "ByteContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace quantc {

/// Whether `value` is `arith.extsi`/`arith.extui` of an i8 block argument;
/// sets `argument` and `type`.
static bool matchByteExtension(Value value, BlockArgument &argument,
                               ByteSignedness &type) {
  Operation *ext = value.getDefiningOp();
  if (!isa_and_nonnull<arith::ExtSIOp, arith::ExtUIOp>(ext))
    return false;
  argument = dyn_cast<BlockArgument>(ext->getOperand(0));
  if (!argument || !argument.getType().isInteger(8))
    return false;
  type = isa<arith::ExtSIOp>(ext) ? ByteSignedness::SIGNED
                                  : ByteSignedness::UNSIGNED;
  return true;
}

std::optional<ByteContraction> matchByteContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  if (op.getNumReductionLoops() != 1 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return std::nullopt;
  Block &body = *op.getBlock();
  if (!body.getArgument(2).getType().isInteger(32))
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  // acc + product, in either order.
  Value product = add.getRhs();
  if (add.getLhs() != body.getArgument(2)) {
    if (add.getRhs() != body.getArgument(2))
      return std::nullopt;
    product = add.getLhs();
  }
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  BlockArgument lhs, rhs;
  ByteContraction contraction;
  if (!matchByteExtension(mul.getLhs(), lhs, contraction.lhsType) ||
      !matchByteExtension(mul.getRhs(), rhs, contraction.rhsType) ||
      lhs == rhs || lhs.getArgNumber() > 1 || rhs.getArgNumber() > 1)
    return std::nullopt;
  contraction.lhsInput = lhs.getArgNumber();
  contraction.rhsInput = rhs.getArgNumber();
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  contraction.reductionDim = reductions.front();
  // Each output element is one accumulator.
  if (op.getIndexingMapsArray()[2].isFunctionOfDim(contraction.reductionDim))
    return std::nullopt;
  return contraction;
}

SmallVector<Value> applyProjection(AffineMap map, ArrayRef<Value> loopIndices) {
  SmallVector<Value> indices;
  for (AffineExpr result : map.getResults())
    indices.push_back(loopIndices[cast<AffineDimExpr>(result).getPosition()]);
  return indices;
}

} // namespace quantc
