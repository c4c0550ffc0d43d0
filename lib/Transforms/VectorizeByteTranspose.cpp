//===- VectorizeByteTranspose.cpp - 16x16 byte-tile transposes --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-vectorize-byte-transpose: a linalg.transpose of bytes on buffers
// that moves the innermost dimension (NCHW <-> NHWC around a convolution's
// matmul) becomes loops over 16 x 16 tiles, each read as 16 vectors of 16
// contiguous bytes, transposed in registers by four rounds of byte
// interleaves, and written as 16 contiguous vectors. As scalar loops one
// side of the copy is strided, and LLVM builds each vector byte by byte.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace quantc {
#define GEN_PASS_DEF_VECTORIZEBYTETRANSPOSEPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

constexpr int64_t kTile = 16;
/// Tiles side by side in one wide tile: 64-byte vectors (a zmm register).
constexpr int64_t kWideLanes = 4;

/// Bytes of static shape whose innermost dimension is contiguous (what
/// vector loads and stores need): an identity layout, or a static strided
/// one such as a channel slice of a larger buffer.
bool isStaticByteMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() ||
      !memref.getElementType().isInteger(8))
    return false;
  if (memref.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(memref.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) && !strides.empty() &&
         strides.back() == 1 &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// The 16 x 16 transposes of `rows` (16 vectors of `lanes` x 16 bytes,
/// each 16-byte lane a separate tile): four rounds in which vectors i and
/// i + 8 interleave, lane by lane, into 2i (low halves) and 2i + 1 (high
/// halves). Each round is a perfect shuffle of a tile's 256 bytes; four
/// of them (log2 16) swap row and column index bits, which is the
/// transpose. x86 and NEON have these interleaves as single instructions
/// (punpck{l,h}bw, which work lane by lane on zmm registers too;
/// zip1/zip2).
SmallVector<Value> transposeTiles(OpBuilder &b, Location loc,
                                  SmallVector<Value> rows, int64_t lanes) {
  int64_t width = kTile * lanes;
  SmallVector<int64_t> low, high;
  for (int64_t lane = 0; lane < lanes; ++lane)
    for (int64_t i = 0; i < kTile / 2; ++i) {
      int64_t at = lane * kTile + i;
      low.append({at, at + width});
      high.append({at + kTile / 2, at + kTile / 2 + width});
    }
  for (int round = 0; round < 4; ++round) {
    SmallVector<Value> next(kTile);
    for (int64_t i = 0; i < kTile / 2; ++i) {
      next[2 * i] = vector::ShuffleOp::create(b, loc, rows[i],
                                              rows[i + kTile / 2], low);
      next[2 * i + 1] = vector::ShuffleOp::create(b, loc, rows[i],
                                                  rows[i + kTile / 2], high);
    }
    rows = std::move(next);
  }
  return rows;
}

/// Emits the tiled transpose of `op` before it.
void vectorize(linalg::TransposeOp op, bool parallel, int64_t minParallelBytes) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value input = op.getInput(), output = op.getInit();
  auto outType = cast<MemRefType>(output.getType());
  ArrayRef<int64_t> perm = op.getPermutation();
  unsigned rank = perm.size();
  // Output dimension i is input dimension perm[i]. The tile runs along
  // q, the output's innermost dimension, and e, the output dimension that
  // is the input's innermost.
  unsigned q = rank - 1;
  unsigned e = llvm::find(perm, int64_t(rank - 1)) - perm.begin();
  ArrayRef<int64_t> shape = outType.getShape();
  auto vectorType = VectorType::get({kTile}, b.getI8Type());
  auto maskType = VectorType::get({kTile}, b.getI1Type());
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zeros = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getI8IntegerAttr(0)));

  // `base` + `by`, built with `tb` (inside the tile's loop).
  auto offsetIndex = [&](OpBuilder &tb, Value base, int64_t by) -> Value {
    return by == 0 ? base
                   : arith::AddIOp::create(
                         tb, loc, base,
                         arith::ConstantIndexOp::create(tb, loc, by));
  };

  // One tile at output indices `at` (e and q at the tile's corner): `eCount`
  // valid bytes per input vector, `qCount` valid input vectors.
  auto emitTile = [&](OpBuilder &tb, SmallVector<Value> at, int64_t eCount,
                      int64_t qCount) {
    auto offset = [&](Value base, int64_t by) {
      return offsetIndex(tb, base, by);
    };
    auto mask = [&](int64_t count) -> Value {
      return vector::ConstantMaskOp::create(tb, loc, maskType,
                                            ArrayRef<int64_t>{count});
    };
    SmallVector<Value> rows;
    for (int64_t j = 0; j < kTile; ++j) {
      if (j >= qCount) {
        rows.push_back(zeros);
        continue;
      }
      SmallVector<Value> in(rank);
      for (unsigned i = 0; i < rank; ++i)
        in[perm[i]] = i == q ? offset(at[q], j) : at[i];
      rows.push_back(
          eCount == kTile
              ? vector::LoadOp::create(tb, loc, vectorType, input, in)
                    .getResult()
              : vector::MaskedLoadOp::create(tb, loc, vectorType, input, in,
                                             mask(eCount), zeros)
                    .getResult());
    }
    rows = transposeTiles(tb, loc, std::move(rows), /*lanes=*/1);
    for (int64_t i = 0; i < eCount; ++i) {
      SmallVector<Value> out(at);
      out[e] = offset(at[e], i);
      if (qCount == kTile)
        vector::StoreOp::create(tb, loc, rows[i], output, out);
      else
        vector::MaskedStoreOp::create(tb, loc, output, out, mask(qCount),
                                      rows[i]);
    }
  };

  // Four full tiles side by side along q, in the four 16-byte lanes of
  // 64-byte vectors: each vector gathers one row of every tile (four loads)
  // and, transposed, is 64 contiguous bytes of an output row (one store).
  auto emitWideTile = [&](OpBuilder &tb, SmallVector<Value> at) {
    auto offset = [&](Value base, int64_t by) {
      return offsetIndex(tb, base, by);
    };
    auto concat = [&](Value lhs, Value rhs) -> Value {
      int64_t size = cast<VectorType>(lhs.getType()).getNumElements();
      return vector::ShuffleOp::create(
          tb, loc, lhs, rhs,
          llvm::to_vector(llvm::seq<int64_t>(0, 2 * size)));
    };
    SmallVector<Value> rows;
    for (int64_t j = 0; j < kTile; ++j) {
      SmallVector<Value> parts;
      for (int64_t lane = 0; lane < kWideLanes; ++lane) {
        SmallVector<Value> in(rank);
        for (unsigned i = 0; i < rank; ++i)
          in[perm[i]] = i == q ? offset(at[q], lane * kTile + j) : at[i];
        parts.push_back(
            vector::LoadOp::create(tb, loc, vectorType, input, in));
      }
      rows.push_back(concat(concat(parts[0], parts[1]),
                            concat(parts[2], parts[3])));
    }
    rows = transposeTiles(tb, loc, std::move(rows), kWideLanes);
    for (int64_t i = 0; i < kTile; ++i) {
      SmallVector<Value> out(at);
      out[e] = offset(at[e], i);
      vector::StoreOp::create(tb, loc, rows[i], output, out);
    }
  };

  // Loops over the other output dimensions, then along q (wide tiles of
  // 64, full tiles, the remainder), then along e (full tiles, the
  // remainder): a block of input rows is used up while it is in cache, and
  // each output row gets whole 64-byte stores.
  SmallVector<Value> at(rank);
  auto forLoop = [&](OpBuilder &lb, int64_t lower, int64_t upper,
                     int64_t step, function_ref<void(OpBuilder &, Value)> body) {
    scf::ForOp::create(lb, loc, index(lower), index(upper), index(step),
                       ValueRange{},
                       [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                         body(nb, iv);
                         scf::YieldOp::create(nb, loc);
                       });
  };
  // Along e for the q block at at[q]: `wide` (4 tiles of 16) or one tile of
  // qCount rows.
  auto alongE = [&](OpBuilder &qb, bool wide, int64_t qCount) {
    auto tile = [&](OpBuilder &tb, int64_t eCount) {
      if (wide && eCount == kTile)
        return emitWideTile(tb, at);
      if (!wide)
        return emitTile(tb, at, eCount, qCount);
      Value q0 = at[q];
      for (int64_t lane = 0; lane < kWideLanes; ++lane) {
        at[q] = lane == 0 ? q0
                          : arith::AddIOp::create(tb, loc, q0,
                                                  index(lane * kTile))
                                .getResult();
        emitTile(tb, at, eCount, kTile);
      }
      at[q] = q0;
    };
    int64_t fullE = shape[e] / kTile * kTile;
    if (fullE > 0)
      forLoop(qb, 0, fullE, kTile, [&](OpBuilder &eb, Value iv) {
        at[e] = iv;
        tile(eb, kTile);
      });
    if (shape[e] % kTile != 0) {
      at[e] = index(fullE);
      tile(qb, shape[e] % kTile);
    }
  };
  // One loop at most is parallel, the outermost that has work to split.
  bool parallelEmitted = false;
  std::function<void(OpBuilder &, unsigned)> emitLoops =
      [&](OpBuilder &lb, unsigned dim) {
        if (dim == rank) {
          int64_t wideQ = shape[q] / (kTile * kWideLanes) * (kTile * kWideLanes);
          int64_t fullQ = shape[q] / kTile * kTile;
          if (wideQ > 0)
            forLoop(lb, 0, wideQ, kTile * kWideLanes,
                    [&](OpBuilder &qb, Value iv) {
                      at[q] = iv;
                      alongE(qb, /*wide=*/true, kTile);
                    });
          if (fullQ > wideQ)
            forLoop(lb, wideQ, fullQ, kTile, [&](OpBuilder &qb, Value iv) {
              at[q] = iv;
              alongE(qb, /*wide=*/false, kTile);
            });
          if (shape[q] % kTile != 0) {
            at[q] = index(fullQ);
            alongE(lb, /*wide=*/false, shape[q] % kTile);
          }
          return;
        }
        if (dim == e || dim == q)
          return emitLoops(lb, dim + 1);
        if (parallel && shape[dim] > 1 && !parallelEmitted &&
            outType.getNumElements() >= minParallelBytes) {
          parallelEmitted = true;
          scf::ParallelOp::create(
              lb, loc, ValueRange{index(0)}, ValueRange{index(shape[dim])},
              ValueRange{index(1)}, [&](OpBuilder &nb, Location, ValueRange ivs) {
                at[dim] = ivs[0];
                emitLoops(nb, dim + 1);
              });
          return;
        }
        scf::ForOp::create(lb, loc, index(0), index(shape[dim]), index(1),
                           ValueRange{},
                           [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                             at[dim] = iv;
                             emitLoops(nb, dim + 1);
                             scf::YieldOp::create(nb, loc);
                           });
      };
  emitLoops(b, 0);
  op.erase();
}

struct VectorizeByteTransposePass
    : public quantc::impl::VectorizeByteTransposePassBase<
          VectorizeByteTransposePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::TransposeOp> transposes;
    getOperation()->walk([&](linalg::TransposeOp op) {
      ArrayRef<int64_t> perm = op.getPermutation();
      if (op.hasPureBufferSemantics() &&
          isStaticByteMemRef(op.getInput().getType()) &&
          isStaticByteMemRef(op.getInit().getType()) &&
          perm.size() >= 2 && perm.back() != int64_t(perm.size() - 1))
        transposes.push_back(op);
    });
    for (linalg::TransposeOp op : transposes)
      vectorize(op, parallel, minParallelBytes);
  }
};

} // namespace
