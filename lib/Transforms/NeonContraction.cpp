//===- NeonContraction.cpp - i8 contractions to NEON dot products --------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-neon-contraction: the integer contractions of quant-lower-qnn as
// tiled vector.contract ops in the transposed-B form, then smmla (upstream's
// I8MM patterns) or sdot / udot (the pattern below). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/ArmNeon/Transforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_NEONCONTRACTIONPASS
#define GEN_PASS_DEF_NEONUNSIGNEDDOTPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Output tile (rows x columns) and depth of one vector.contract: a 4x4
/// i32 accumulator is four NEON registers, 16 i8 of K one register per row.
constexpr int64_t kTileM = 4, kTileN = 4, kTileK = 16;

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// An integer contraction as quant-lower-qnn builds it, with its parts.
struct Contraction {
  linalg::GenericOp op;
  unsigned batchRank;
  bool sharedWeights; // weights [K, N] for every batch
  bool lhsSigned, rhsSigned;
};

/// Whether `value` is `ext(arg)` of a block argument of i8 to i32, and its
/// signedness.
std::optional<bool> extendedI8(Value value, BlockArgument arg) {
  Operation *ext = value.getDefiningOp();
  if (!ext || ext->getNumOperands() != 1 || ext->getOperand(0) != arg ||
      !arg.getType().isInteger(8) || !value.getType().isInteger(32))
    return std::nullopt;
  if (isa<arith::ExtSIOp>(ext))
    return true;
  if (isa<arith::ExtUIOp>(ext))
    return false;
  return std::nullopt;
}

/// Matches out += ext(x) * ext(w) over loops (b..., m, n, k) with maps
/// (b..., m, k), (b..., k, n) or (k, n), (b..., m, n), static shapes.
std::optional<Contraction> matchContraction(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() ||
      !llvm::all_of(op->getOperandTypes(), [](Type type) {
        return cast<RankedTensorType>(type).hasStaticShape();
      }))
    return std::nullopt;
  unsigned loops = op.getNumLoops();
  if (loops < 3)
    return std::nullopt;
  unsigned batchRank = loops - 3;
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineExpr> dims;
  for (unsigned i = 0; i < loops; ++i)
    dims.push_back(getAffineDimExpr(i, ctx));
  ArrayRef<AffineExpr> batch = ArrayRef(dims).take_front(batchRank);
  AffineExpr m = dims[batchRank], n = dims[batchRank + 1],
             k = dims[batchRank + 2];
  auto map = [&](ArrayRef<AffineExpr> prefix, ArrayRef<AffineExpr> tail) {
    SmallVector<AffineExpr> exprs(prefix);
    exprs.append(tail.begin(), tail.end());
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != map(batch, {m, k}) || maps[2] != map(batch, {m, n}))
    return std::nullopt;
  bool shared = maps[1] == map({}, {k, n});
  if (!shared && maps[1] != map(batch, {k, n}))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < loops; ++i)
    if (iterators[i] != (i + 1 == loops ? utils::IteratorType::reduction
                                        : utils::IteratorType::parallel))
      return std::nullopt;
  if (!getElementTypeOrSelf(op.getDpsInits()[0].getType()).isInteger(32))
    return std::nullopt;

  // yield(addi(out, muli(ext(x), ext(w)))), either operand order.
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddIOp>();
  if (!add || body.getOperations().size() != 5)
    return std::nullopt;
  Value product =
      add.getLhs() == body.getArgument(2) ? add.getRhs() : add.getLhs();
  if (add.getLhs() != body.getArgument(2) &&
      add.getRhs() != body.getArgument(2))
    return std::nullopt;
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  for (auto [a, b] : {std::pair(mul.getLhs(), mul.getRhs()),
                      std::pair(mul.getRhs(), mul.getLhs())}) {
    std::optional<bool> lhsSigned = extendedI8(a, body.getArgument(0));
    std::optional<bool> rhsSigned = extendedI8(b, body.getArgument(1));
    if (lhsSigned && rhsSigned)
      return Contraction{op, batchRank, shared, *lhsSigned, *rhsSigned};
  }
  return std::nullopt;
}

/// Zero-pads the last two dimensions of `value` to `rows` x `cols`.
Value padTo(OpBuilder &b, Location loc, Value value, int64_t rows,
            int64_t cols) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  if (shape[rank - 2] == rows && shape[rank - 1] == cols)
    return value;
  SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(rank, b.getIndexAttr(0));
  high[rank - 2] = b.getIndexAttr(rows - shape[rank - 2]);
  high[rank - 1] = b.getIndexAttr(cols - shape[rank - 1]);
  shape[rank - 2] = rows;
  shape[rank - 1] = cols;
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  return tensor::PadOp::create(b, loc, type.clone(shape), value, low, high,
                               zero);
}

/// The weights [b..., K, N] as [b..., Np, Kp]: transposed and zero-padded.
/// A constant is packed here, so the object holds the packed layout.
Value packWeights(OpBuilder &b, Location loc, Value weights, int64_t np,
                  int64_t kp) {
  auto type = cast<RankedTensorType>(weights.getType());
  int64_t rank = type.getRank();
  int64_t k = type.getDimSize(rank - 2), n = type.getDimSize(rank - 1);
  SmallVector<int64_t> packedShape(type.getShape());
  packedShape[rank - 2] = np;
  packedShape[rank - 1] = kp;
  auto packedType = type.clone(packedShape);
  DenseIntElementsAttr dense;
  if (matchPattern(weights, m_Constant(&dense))) {
    int64_t batches = type.getNumElements() / (k * n);
    SmallVector<APInt> values(batches * np * kp, APInt(8, 0));
    auto source = llvm::to_vector(dense.getValues<APInt>());
    for (int64_t bi = 0; bi < batches; ++bi)
      for (int64_t ki = 0; ki < k; ++ki)
        for (int64_t ni = 0; ni < n; ++ni)
          values[(bi * np + ni) * kp + ki] = source[(bi * k + ki) * n + ni];
    return arith::ConstantOp::create(
        b, loc, DenseIntElementsAttr::get(packedType, values));
  }
  SmallVector<int64_t> permutation;
  for (int64_t i = 0; i < rank - 2; ++i)
    permutation.push_back(i);
  permutation.append({rank - 1, rank - 2});
  SmallVector<int64_t> transposedShape(type.getShape());
  std::swap(transposedShape[rank - 2], transposedShape[rank - 1]);
  Value init =
      tensor::EmptyOp::create(b, loc, transposedShape, type.getElementType());
  Value transposed =
      linalg::TransposeOp::create(b, loc, weights, init, permutation)
          .getResult()[0];
  return padTo(b, loc, transposed, np, kp);
}

/// Rewrites one contraction into tiled vector.contract ops; returns them.
SmallVector<vector::ContractionOp> tileContraction(RewriterBase &rewriter,
                                                   const Contraction &c) {
  linalg::GenericOp op = c.op;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
  Value init = op.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(init.getType());
  unsigned rank = outType.getRank();
  int64_t m = outType.getDimSize(rank - 2), n = outType.getDimSize(rank - 1);
  int64_t k = cast<RankedTensorType>(x.getType()).getDimSize(rank - 1);
  int64_t mp = roundUp(m, kTileM), np = roundUp(n, kTileN),
          kp = roundUp(k, kTileK);

  Value xPadded = padTo(rewriter, loc, x, mp, kp);
  Value wPacked = packWeights(rewriter, loc, w, np, kp);
  Value accPadded = padTo(rewriter, loc, init, mp, np);

  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  Value zeroI8 =
      arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(i8, 0));
  Value zeroI32 =
      arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(i32, 0));
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
             dk = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> contractMaps = {AffineMap::get(3, 0, {dm, dk}, ctx),
                                         AffineMap::get(3, 0, {dn, dk}, ctx),
                                         AffineMap::get(3, 0, {dm, dn}, ctx)};
  ArrayAttr iterators = rewriter.getArrayAttr(
      {vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
       vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
       vector::IteratorTypeAttr::get(ctx, vector::IteratorType::reduction)});
  auto lhsType = VectorType::get({kTileM, kTileK}, i8);
  auto rhsType = VectorType::get({kTileN, kTileK}, i8);
  auto accType = VectorType::get({kTileM, kTileN}, i32);
  // Reads of the trailing two dimensions at the given indices, in bounds
  // (the operands are padded to whole tiles).
  auto read = [&](OpBuilder &b, VectorType type, Value source,
                  ValueRange indices, Value padding) -> Value {
    auto sourceRank = cast<RankedTensorType>(source.getType()).getRank();
    AffineMap map = AffineMap::get(sourceRank, 0,
                                   {getAffineDimExpr(sourceRank - 2, ctx),
                                    getAffineDimExpr(sourceRank - 1, ctx)},
                                   ctx);
    return vector::TransferReadOp::create(
        b, loc, type, source, indices, AffineMapAttr::get(map), padding,
        /*mask=*/Value(), b.getBoolArrayAttr({true, true}));
  };

  SmallVector<vector::ContractionOp> contracts;
  // Loops: batch dims, then row and column tiles; K innermost.
  SmallVector<int64_t> upper(outType.getShape().take_front(rank - 2));
  upper.append({mp, np});
  SmallVector<int64_t> steps(rank - 2, 1);
  steps.append({kTileM, kTileN});
  SmallVector<Value> ivs;
  Value result = accPadded;
  SmallVector<scf::ForOp> loops;
  for (unsigned d = 0; d < rank; ++d) {
    auto loop = scf::ForOp::create(rewriter, loc, index(0), index(upper[d]),
                                   index(steps[d]), ValueRange{result});
    if (!loops.empty())
      scf::YieldOp::create(rewriter, loc, loop.getResults());
    loops.push_back(loop);
    ivs.push_back(loop.getInductionVar());
    result = loop.getRegionIterArgs()[0];
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  Value acc = read(rewriter, accType, result, ivs, zeroI32);
  auto kLoop = scf::ForOp::create(rewriter, loc, index(0), index(kp),
                                  index(kTileK), ValueRange{acc});
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(kLoop.getBody());
    Value kv = kLoop.getInductionVar();
    ArrayRef<Value> batchIvs = ArrayRef(ivs).take_front(rank - 2);
    SmallVector<Value> xIndices(batchIvs);
    xIndices.append({ivs[rank - 2], kv});
    SmallVector<Value> wIndices(c.sharedWeights ? ArrayRef<Value>{} : batchIvs);
    wIndices.append({ivs[rank - 1], kv});
    Value lhs = read(rewriter, lhsType, xPadded, xIndices, zeroI8);
    Value rhs = read(rewriter, rhsType, wPacked, wIndices, zeroI8);
    auto extend = [&](Value v, bool isSigned) -> Value {
      auto type = cast<VectorType>(v.getType()).clone(i32);
      if (isSigned)
        return arith::ExtSIOp::create(rewriter, loc, type, v);
      return arith::ExtUIOp::create(rewriter, loc, type, v);
    };
    auto contract = vector::ContractionOp::create(
        rewriter, loc, extend(lhs, c.lhsSigned), extend(rhs, c.rhsSigned),
        kLoop.getRegionIterArgs()[0],
        rewriter.getAffineMapArrayAttr(contractMaps), iterators);
    contracts.push_back(contract);
    scf::YieldOp::create(rewriter, loc, contract.getResult());
  }
  AffineMap writeMap = AffineMap::get(
      rank, 0,
      {getAffineDimExpr(rank - 2, ctx), getAffineDimExpr(rank - 1, ctx)}, ctx);
  Value written = vector::TransferWriteOp::create(
                      rewriter, loc, kLoop.getResult(0), result, ivs,
                      AffineMapAttr::get(writeMap),
                      /*mask=*/Value(), rewriter.getBoolArrayAttr({true, true}))
                      ->getResult(0);
  scf::YieldOp::create(rewriter, loc, written);

  rewriter.setInsertionPointAfter(loops.front());
  Value padded = loops.front().getResult(0);
  Value out = padded;
  if (mp != m || np != n) {
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
    for (int64_t size : outType.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    out = tensor::ExtractSliceOp::create(rewriter, loc, outType, padded,
                                         offsets, sizes, strides);
  }
  rewriter.replaceOp(op, out);
  return contracts;
}

/// `bytes` with each sign bit flipped: u8 values as the s8 values minus 128.
Value flipSignBits(PatternRewriter &rewriter, Location loc, Value bytes) {
  auto type = cast<VectorType>(bytes.getType());
  Value signBits = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(type, rewriter.getI8IntegerAttr(-128)));
  return arith::XOrIOp::create(rewriter, loc, bytes, signBits);
}

/// vector.contract (m, k), (n, k) -> (m, n) of i8 extended to i32 with
/// N % 4 == 0 and K % 4 == 0 as dotprod instructions: for each row and
/// group of 4 columns, one dot product per 4 steps of K, whose 16-byte
/// operands are the row's 4 values repeated and the 4 columns' 4 values.
/// s8 x s8 is sdot, u8 x u8 udot (an LLVM intrinsic: the ArmNeon dialect
/// has no udot). Dotprod has no mixed-sign form: the unsigned side is
/// shifted to s8 (a - 128, flipping its sign bit) and its 128 * sum of the
/// other side's values added back, those sums themselves sdots against
/// ones (once per column group for u8 rows, once per row for u8 columns).
///
/// The udot is an llvm.call_intrinsic, which declares no memory effects:
/// on tensors, upstream's buffer deallocation would reject it. So
/// `unsignedDot` = false (before bufferization) leaves u8 x u8 contracts
/// alone and true (quant-neon-udot, on buffers) takes only those.
struct LowerContractionToDotprod : OpRewritePattern<vector::ContractionOp> {
  LowerContractionToDotprod(MLIRContext *ctx, bool unsignedDot)
      : OpRewritePattern(ctx), unsignedDot(unsignedDot) {}
  bool unsignedDot;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
               dk = getAffineDimExpr(2, ctx);
    if (op.getIndexingMapsArray() !=
            SmallVector<AffineMap>{AffineMap::get(3, 0, {dm, dk}, ctx),
                                   AffineMap::get(3, 0, {dn, dk}, ctx),
                                   AffineMap::get(3, 0, {dm, dn}, ctx)} ||
        op.getKind() != vector::CombiningKind::ADD)
      return rewriter.notifyMatchFailure(op, "not a transposed-B matmul");
    Operation *lhsExt = op.getLhs().getDefiningOp();
    Operation *rhsExt = op.getRhs().getDefiningOp();
    auto isExt = [](Operation *ext) {
      return ext && isa<arith::ExtSIOp, arith::ExtUIOp>(ext) &&
             getElementTypeOrSelf(ext->getOperand(0).getType()).isInteger(8);
    };
    if (!isExt(lhsExt) || !isExt(rhsExt) ||
        !getElementTypeOrSelf(op.getAccType()).isInteger(32))
      return rewriter.notifyMatchFailure(op, "not i8 x i8 -> i32");
    bool lhsSigned = isa<arith::ExtSIOp>(lhsExt);
    bool rhsSigned = isa<arith::ExtSIOp>(rhsExt);
    if (unsignedDot != (!lhsSigned && !rhsSigned))
      return rewriter.notifyMatchFailure(
          op, unsignedDot ? "not u8 x u8" : "u8 x u8: udot on buffers");
    Value lhs = lhsExt->getOperand(0), rhs = rhsExt->getOperand(0);
    auto lhsType = cast<VectorType>(lhs.getType());
    auto rhsType = cast<VectorType>(rhs.getType());
    int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1),
            n = rhsType.getDimSize(0);
    if (n % 4 != 0 || k % 4 != 0 || lhsType.isScalable() ||
        rhsType.isScalable())
      return rewriter.notifyMatchFailure(op, "N or K not a multiple of 4");

    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    auto v16 = VectorType::get({16}, i8);
    auto v4i32 = VectorType::get({4}, i32);
    // Mixed signs: the unsigned operand as s8, its offset added back below.
    bool shiftRows = !lhsSigned && rhsSigned;
    bool shiftColumns = lhsSigned && !rhsSigned;
    if (shiftRows)
      lhs = flipSignBits(rewriter, loc, lhs);
    if (shiftColumns)
      rhs = flipSignBits(rewriter, loc, rhs);
    auto dot = [&](Value acc, Value a, Value b) -> Value {
      if (!unsignedDot)
        return arm_neon::SdotOp::create(rewriter, loc, v4i32, acc, a, b);
      return LLVM::CallIntrinsicOp::create(
                 rewriter, loc, v4i32,
                 rewriter.getStringAttr("llvm.aarch64.neon.udot.v4i32.v16i8"),
                 ValueRange{acc, a, b})
          .getResult(0);
    };
    Value zeros = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(v4i32, rewriter.getI32IntegerAttr(0)));
    Value ones = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(v16, rewriter.getI8IntegerAttr(1)));
    Value shift = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(v4i32, rewriter.getI32IntegerAttr(7)));
    auto rowPart = [&](int64_t row, int64_t depth) -> Value {
      Value part = vector::ExtractStridedSliceOp::create(
          rewriter, loc, lhs, ArrayRef<int64_t>{row, depth},
          ArrayRef<int64_t>{1, 4}, ArrayRef<int64_t>{1, 1});
      part = vector::ShapeCastOp::create(rewriter, loc,
                                         VectorType::get({4}, i8), part);
      Value repeated = vector::BroadcastOp::create(
          rewriter, loc, VectorType::get({4, 4}, i8), part);
      return vector::ShapeCastOp::create(rewriter, loc, v16, repeated);
    };
    auto columnPart = [&](int64_t col, int64_t depth) -> Value {
      Value part = vector::ExtractStridedSliceOp::create(
          rewriter, loc, rhs, ArrayRef<int64_t>{col, depth},
          ArrayRef<int64_t>{4, 4}, ArrayRef<int64_t>{1, 1});
      return vector::ShapeCastOp::create(rewriter, loc, v16, part);
    };
    // 128 * (the sum over K of each shifted column's or row's partner):
    // lane j the column's sum (u8 rows shifted) or the row's (u8 columns).
    auto offset = [&](function_ref<Value(int64_t)> part) -> Value {
      Value sum = zeros;
      for (int64_t depth = 0; depth < k; depth += 4)
        sum = arm_neon::SdotOp::create(rewriter, loc, v4i32, sum,
                                       part(depth), ones);
      return arith::ShLIOp::create(rewriter, loc, sum, shift);
    };
    SmallVector<Value> rowOffsets(m), columnOffsets(n / 4);
    if (shiftColumns)
      for (int64_t row = 0; row < m; ++row)
        rowOffsets[row] =
            offset([&](int64_t depth) { return rowPart(row, depth); });
    if (shiftRows)
      for (int64_t col = 0; col < n; col += 4)
        columnOffsets[col / 4] =
            offset([&](int64_t depth) { return columnPart(col, depth); });

    Value result = op.getAcc();
    for (int64_t row = 0; row < m; ++row) {
      for (int64_t col = 0; col < n; col += 4) {
        Value acc = vector::ExtractStridedSliceOp::create(
            rewriter, loc, result, ArrayRef<int64_t>{row, col},
            ArrayRef<int64_t>{1, 4}, ArrayRef<int64_t>{1, 1});
        acc = vector::ShapeCastOp::create(rewriter, loc, v4i32, acc);
        for (int64_t depth = 0; depth < k; depth += 4)
          acc = dot(acc, columnPart(col, depth), rowPart(row, depth));
        if (shiftRows)
          acc = arith::AddIOp::create(rewriter, loc, acc,
                                      columnOffsets[col / 4]);
        if (shiftColumns)
          acc = arith::AddIOp::create(rewriter, loc, acc, rowOffsets[row]);
        Value tile = vector::ShapeCastOp::create(
            rewriter, loc, VectorType::get({1, 4}, i32), acc);
        result = vector::InsertStridedSliceOp::create(
            rewriter, loc, tile, result, ArrayRef<int64_t>{row, col},
            ArrayRef<int64_t>{1, 1});
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct NeonContractionPass
    : quantc::impl::NeonContractionPassBase<NeonContractionPass> {
  using NeonContractionPassBase::NeonContractionPassBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    NeonContractionPassBase::getDependentDialects(registry);
    // The tiled code bufferizes with the vector transfers on tensors.
    vector::registerBufferizableOpInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    SmallVector<Contraction> matched;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Contraction> c = matchContraction(op))
        matched.push_back(*c);
    });
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> contracts;
    for (const Contraction &c : matched)
      for (vector::ContractionOp contract : tileContraction(rewriter, c))
        contracts.push_back(contract);
    numContractions += matched.size();
    if (contracts.empty() || (!i8mm && !dotprod))
      return;
    // Only the contractions built here, whose form is known: upstream's
    // I8MM patterns read N and K from the rhs shape whatever its map says.
    RewritePatternSet patterns(&getContext());
    if (i8mm)
      arm_neon::populateLowerContractionToNeonI8MMPatterns(patterns);
    else
      patterns.add<LowerContractionToDotprod>(&getContext(),
                                              /*unsignedDot=*/false);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(contracts, std::move(patterns), config);
  }
};

struct NeonUnsignedDotPass
    : quantc::impl::NeonUnsignedDotPassBase<NeonUnsignedDotPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerContractionToDotprod>(&getContext(),
                                            /*unsignedDot=*/true);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
