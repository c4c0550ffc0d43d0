//===- Dp4a.cpp - Int8 contractions to 4-way dot products -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-dp4a: the i8 x i8 -> i32 contractions quant-lower-qnn emits,
// on buffers, become scf.parallel loop nests whose reduction runs in groups
// of four bytes through nvvm.dot.accumulate.4way (PTX dp4a). The parallel
// loops are then tiled and mapped to blocks and threads like every other
// linalg op of the NVPTX pipeline.
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "ByteContraction.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"

namespace quantc {
#define GEN_PASS_DEF_GPUDP4APASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {

using DotType = ByteSignedness;

/// Rewrites `op` into the dp4a loop nest of the pass description.
void rewriteContraction(linalg::GenericOp op,
                        const ByteContraction &contraction) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<Range> ranges =
      cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(b, loc);
  auto toValue = [&](OpFoldResult ofr) {
    return getValueOrCreateConstantIndexOp(b, loc, ofr);
  };
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value four = arith::ConstantIndexOp::create(b, loc, 4);

  SmallVector<unsigned> parallelDims;
  SmallVector<Value> lowerBounds, upperBounds, steps;
  for (auto [dim, range] : llvm::enumerate(ranges)) {
    if (dim == contraction.reductionDim)
      continue;
    parallelDims.push_back(dim);
    lowerBounds.push_back(zero);
    upperBounds.push_back(toValue(range.size));
    steps.push_back(one);
  }
  Value reductionSize = toValue(ranges[contraction.reductionDim].size);
  std::optional<int64_t> staticReduction =
      getConstantIntValue(ranges[contraction.reductionDim].size);
  // The largest multiple of 4 not above the reduction size.
  Value groupedSize = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, reductionSize, four), four);

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Value lhsBuffer = op.getDpsInputs()[contraction.lhsInput];
  Value rhsBuffer = op.getDpsInputs()[contraction.rhsInput];
  Value output = op.getDpsInits()[0];
  AffineMap lhsMap = maps[contraction.lhsInput];
  AffineMap rhsMap = maps[contraction.rhsInput];
  AffineMap outMap = maps[2];
  Block &body = *op.getBlock();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());

  auto buildBody = [&](OpBuilder &pb, Location loc, ValueRange ivs) {
    SmallVector<Value> loopIndices(ranges.size(), zero);
    for (auto [dim, iv] : llvm::zip(parallelDims, ivs))
      loopIndices[dim] = iv;
    SmallVector<Value> outIndices = applyProjection(outMap, loopIndices);
    Value init = memref::LoadOp::create(pb, loc, output, outIndices);

    // Four consecutive bytes of `buffer` along the reduction, from `k`.
    auto loadGroup = [&](OpBuilder &lb, Value buffer, AffineMap map,
                         Value k) -> Value {
      SmallVector<Value> bytes;
      for (int64_t offset = 0; offset < 4; ++offset) {
        Value index = offset == 0 ? k
                                  : arith::AddIOp::create(
                                        lb, loc, k,
                                        arith::ConstantIndexOp::create(
                                            lb, loc, offset));
        loopIndices[contraction.reductionDim] = index;
        bytes.push_back(memref::LoadOp::create(
            lb, loc, buffer, applyProjection(map, loopIndices)));
      }
      return vector::FromElementsOp::create(
          lb, loc, VectorType::get({4}, lb.getI8Type()), bytes);
    };
    auto grouped = scf::ForOp::create(
        pb, loc, zero, groupedSize, four, ValueRange{init},
        [&](OpBuilder &fb, Location loc, Value k, ValueRange acc) {
          Value lhs = loadGroup(fb, lhsBuffer, lhsMap, k);
          Value rhs = loadGroup(fb, rhsBuffer, rhsMap, k);
          Value dot = NVVM::DotAccumulate4WayOp::create(
              fb, loc, fb.getI32Type(), lhs, contraction.lhsType, rhs,
              contraction.rhsType, acc.front());
          scf::YieldOp::create(fb, loc, dot);
        });
    Value result = grouped.getResult(0);

    // The K mod 4 remainder runs the original body, element by element.
    if (!staticReduction || *staticReduction % 4 != 0) {
      auto remainder = scf::ForOp::create(
          pb, loc, groupedSize, reductionSize, one, ValueRange{result},
          [&](OpBuilder &fb, Location loc, Value k, ValueRange acc) {
            loopIndices[contraction.reductionDim] = k;
            IRMapping mapping;
            for (unsigned input = 0; input < 2; ++input)
              mapping.map(body.getArgument(input),
                          memref::LoadOp::create(
                              fb, loc, op.getDpsInputs()[input],
                              applyProjection(maps[input], loopIndices)));
            mapping.map(body.getArgument(2), acc.front());
            for (Operation &inner : body.without_terminator())
              fb.clone(inner, mapping);
            scf::YieldOp::create(fb, loc,
                                 mapping.lookup(yield.getOperand(0)));
          });
      result = remainder.getResult(0);
    }
    memref::StoreOp::create(pb, loc, result, output, outIndices);
  };
  scf::ParallelOp::create(b, loc, lowerBounds, upperBounds, steps, buildBody);
  op.erase();
}

/// dp4a's PTX ISA definition: c + sum over i of ext(a[i]) * ext(b[i]),
/// each byte sign- or zero-extended to 32 bits, wrapping.
void emulateDotProduct(NVVM::DotAccumulate4WayOp dot) {
  OpBuilder b(dot);
  Location loc = dot.getLoc();
  auto extend = [&](Value bytes, DotType type) -> Value {
    auto wide = VectorType::get({4}, b.getI32Type());
    if (type == DotType::SIGNED)
      return arith::ExtSIOp::create(b, loc, wide, bytes);
    return arith::ExtUIOp::create(b, loc, wide, bytes);
  };
  Value products =
      arith::MulIOp::create(b, loc, extend(dot.getA(), dot.getAType()),
                            extend(dot.getB(), dot.getBType()));
  Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                          products, dot.getC());
  dot.replaceAllUsesWith(sum);
  dot.erase();
}

struct GPUDp4aPass : public quantc::impl::GPUDp4aPassBase<GPUDp4aPass> {
  using GPUDp4aPassBase::GPUDp4aPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::GenericOp, ByteContraction>> candidates;
    WalkResult walk = module.walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics()) {
        op.emitError("quant-gpu-dp4a runs on buffers: bufferize first "
                     "(the NVPTX pipeline runs it after one-shot-bufferize)");
        return WalkResult::interrupt();
      }
      if (std::optional<ByteContraction> contraction =
              matchByteContraction(op))
        candidates.emplace_back(op, *contraction);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    for (auto &[op, contraction] : candidates)
      rewriteContraction(op, contraction);
    numRewritten += candidates.size();

    if (emulateDp4a)
      module.walk(emulateDotProduct);
  }
};

} // namespace
