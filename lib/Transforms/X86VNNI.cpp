//===- X86VNNI.cpp - int8 contractions to AVX-512 VNNI kernels ------------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-x86-vnni: the raw i8 contraction of quant-lower-qnn, on buffers,
// becomes a register-tiled loop nest around llvm.x86.avx512.vpdpbusd.512
// (u8 x s8 -> i32, four products per lane), reading weights packed at
// compile time, with the requantize epilogue applied to the accumulator
// registers. docs/Pipelines.md (quant-x86-pipeline) and docs/Numerics.md
// ("VNNI u8 shift") describe the layout and the algebra.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "KernelBuilding.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

namespace quantc {
#define GEN_PASS_DEF_X86VNNIPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {

/// i32 lanes of a zmm register, and the i8 products each lane sums.
constexpr int64_t kLanes = 16;
constexpr int64_t kGroup = 4;
constexpr StringLiteral kDotIntrinsic = "llvm.x86.avx512.vpdpbusd.512";
/// Rows of activations kept in cache while the weight panels stream past
/// (64 rows x K bytes: 64 KiB at K = 1024, within L2).
constexpr int64_t kBlockRows = 64;
/// Accumulator registers a tile may take: of the 32 zmm, the rest hold the
/// weight vectors and the broadcast activations.
constexpr int64_t kMaxAccumulators = 28;

/// The register tile (rows, vectors) for N columns when the options leave
/// one or both at 0. The widest tile that pads N least: each activation
/// broadcast then feeds more vpdpbusd, which measured about 15 % faster
/// than 8 x 2 where the activations come from L2 (16x4096x4096) and the
/// same elsewhere; 6 rows x 4 vectors (24 accumulators), else 8 rows.
std::pair<int64_t, int64_t> chooseTile(int64_t n, int64_t rows,
                                       int64_t vectors) {
  if (vectors == 0) {
    int64_t best = 0, bestCols = 0;
    for (int64_t v = 4; v >= 1; --v) {
      if (rows && rows * v > kMaxAccumulators)
        continue;
      int64_t cols = llvm::divideCeil(n, kLanes * v) * kLanes * v;
      if (!best || cols < bestCols) {
        best = v;
        bestCols = cols;
      }
    }
    vectors = best;
  }
  if (rows == 0)
    rows = std::min<int64_t>(vectors == 4 ? 6 : 8, kMaxAccumulators / vectors);
  return {rows, vectors};
}

/// A matched contraction: acc[rows, n] += ext(x[rows, k]) * extsi(w[k, n]),
/// the leading dims of x and acc flattened into `rows`.
struct Contraction {
  mutable linalg::GenericOp op;
  Value lhs, acc;
  SmallVector<int64_t> weights; // [K, N], row-major
  bool lhsSigned = false;
  int64_t rows = 0, k = 0, n = 0;
};

/// The requantize epilogue reading the accumulator: an all-parallel generic
/// whose first input is `acc` (identity map), fused into the kernel.
struct Epilogue {
  linalg::GenericOp op;
  /// Deallocations between the contraction and the epilogue (of the im2col
  /// patches a conv's matmul reads, for one): the fused kernel runs where
  /// the epilogue is, so they move after it.
  SmallVector<memref::DeallocOp> deallocsToSink;
};

/// The im2col gather that writes the contraction's activations (a
/// one-group conv that quant-conv-to-matmul made a matmul): the kernel
/// gathers each row block's patches itself, into a buffer on its stack,
/// so the [rows, K] patches are never written to memory as a whole and
/// the gather runs on every thread.
struct Im2col {
  linalg::GenericOp op;
  /// The NHWC input [N, H, W, C] the gather reads.
  Value source;
  SmallVector<int64_t> kernel, strides, dilations, padding;
  int64_t zeroPoint = 0, outH = 0, outW = 0;
  /// Deallocations of `source` between the gather and where the kernel is
  /// built: they move after it.
  SmallVector<memref::DeallocOp> deallocsToSink;
};

/// Largest patch buffer (block rows x K bytes), on each thread's stack
/// when the units run in parallel.
constexpr int64_t kMaxLocalPatchBytes = 256 << 10;

/// The value `ext` extends from block argument `arg` to i32, with its
/// signedness, or nullopt.
std::optional<bool> extensionOf(Value ext, BlockArgument arg) {
  Operation *def = ext.getDefiningOp();
  if (!def || def->getNumOperands() != 1 || def->getOperand(0) != arg ||
      !ext.getType().isInteger(32))
    return std::nullopt;
  if (isa<arith::ExtSIOp>(def))
    return true;
  if (isa<arith::ExtUIOp>(def))
    return false;
  return std::nullopt;
}

FailureOr<Contraction> matchContraction(linalg::GenericOp op,
                                        SymbolTableCollection &symbols) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value acc = op.getDpsInits()[0];
  for (Value v : {lhs, rhs, acc})
    if (!isStaticIdentityMemRef(v.getType()))
      return failure();
  auto lhsType = cast<MemRefType>(lhs.getType());
  auto rhsType = cast<MemRefType>(rhs.getType());
  auto accType = cast<MemRefType>(acc.getType());
  if (!lhsType.getElementType().isInteger(8) ||
      !rhsType.getElementType().isInteger(8) ||
      !accType.getElementType().isInteger(32) || rhsType.getRank() != 2)
    return failure();

  // Loops (batch..., m, n, k): x (batch..., m, k), w (k, n), acc (batch...,
  // m, n).
  unsigned numLoops = op.getNumLoops();
  if (numLoops < 3 || lhsType.getRank() != numLoops - 1)
    return failure();
  MLIRContext *ctx = op.getContext();
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> lhsExprs, accExprs;
  for (unsigned i = 0; i + 3 < numLoops + 0; ++i) {
    lhsExprs.push_back(dim(i));
    accExprs.push_back(dim(i));
  }
  unsigned m = numLoops - 3, n = numLoops - 2, k = numLoops - 1;
  lhsExprs.append({dim(m), dim(k)});
  accExprs.append({dim(m), dim(n)});
  SmallVector<AffineMap> expected{
      AffineMap::get(numLoops, 0, lhsExprs, ctx),
      AffineMap::get(numLoops, 0, {dim(k), dim(n)}, ctx),
      AffineMap::get(numLoops, 0, accExprs, ctx)};
  if (op.getIndexingMapsArray() != expected)
    return failure();
  for (unsigned i = 0; i < numLoops; ++i)
    if ((op.getIteratorTypesArray()[i] == utils::IteratorType::reduction) !=
        (i == k))
      return failure();

  // Body: yield acc + ext(x) * extsi(w).
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || body.getOperations().size() != 5)
    return failure();
  Value product = add.getLhs() == body.getArgument(2) ? add.getRhs()
                                                       : add.getLhs();
  if (add.getLhs() != body.getArgument(2) &&
      add.getRhs() != body.getArgument(2))
    return failure();
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return failure();
  std::optional<bool> lhsSigned = extensionOf(mul.getLhs(), body.getArgument(0));
  std::optional<bool> rhsSigned = extensionOf(mul.getRhs(), body.getArgument(1));
  if (!lhsSigned || !rhsSigned || !*rhsSigned)
    return failure(); // vpdpbusd multiplies by signed bytes only.

  // Constant weights, packed at compile time.
  auto getGlobal = rhs.getDefiningOp<memref::GetGlobalOp>();
  if (!getGlobal)
    return failure();
  auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
      getGlobal, getGlobal.getNameAttr());
  if (!global || !global.getConstant())
    return failure();
  std::optional<SmallVector<int64_t>> weights =
      qnn::getIntegerElements(global.getConstantInitValue(), /*isSigned=*/true);
  if (!weights)
    return failure();

  Contraction c;
  c.op = op;
  c.lhs = lhs;
  c.acc = acc;
  c.weights = std::move(*weights);
  c.lhsSigned = *lhsSigned;
  c.k = rhsType.getDimSize(0);
  c.n = rhsType.getDimSize(1);
  c.rows = lhsType.getNumElements() / c.k;
  if (c.k == 0 || c.n == 0 || c.rows == 0 ||
      int64_t(c.weights.size()) != c.k * c.n)
    return failure();
  return c;
}

/// Whether `value` may alias one of `buffers` as far as a local view goes:
/// the root allocation or argument behind views.
Value rootOf(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      value = view.getViewSource();
    else
      break;
  }
  return value;
}

/// The epilogue generic of `c`, if it can be fused: it reads the
/// accumulator elementwise, its other inputs vary only along n (last dim)
/// or not at all along it, and nothing between the contraction and it
/// writes the contraction's operands.
std::optional<Epilogue> matchEpilogue(const Contraction &c) {
  linalg::GenericOp epilogue;
  for (Operation *user : c.acc.getUsers()) {
    if (user == c.op.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    // The registers start at 0: the buffer must be zero-filled.
    if (auto fill = dyn_cast<linalg::FillOp>(user)) {
      if (!matchPattern(fill.getInputs()[0], m_Zero()))
        return std::nullopt;
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || epilogue)
      return std::nullopt;
    epilogue = generic;
  }
  if (!epilogue || !c.acc.getDefiningOp<memref::AllocOp>() ||
      epilogue->getBlock() != c.op->getBlock() ||
      !c.op->isBeforeInBlock(epilogue) || !epilogue.hasPureBufferSemantics() ||
      epilogue.getNumDpsInits() != 1 || epilogue.getNumDpsInputs() < 1 ||
      epilogue.getDpsInputs()[0] != c.acc ||
      epilogue.getNumParallelLoops() != epilogue.getNumLoops())
    return std::nullopt;
  unsigned numLoops = epilogue.getNumLoops();
  Value out = epilogue.getDpsInits()[0];
  if (!isStaticIdentityMemRef(out.getType()) ||
      cast<MemRefType>(out.getType()).getShape() !=
          cast<MemRefType>(c.acc.getType()).getShape() ||
      !cast<MemRefType>(out.getType()).getElementType().isIntOrIndexOrFloat())
    return std::nullopt;
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(numLoops, epilogue.getContext());
  if (epilogue.getIndexingMapsArray().front() != identity ||
      epilogue.getIndexingMapsArray().back() != identity)
    return std::nullopt;
  // Other inputs: projected permutations in which n, if present, is the
  // last result (a contiguous vector read along n).
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    if (input->getOperandNumber() == 0)
      continue;
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    if (!map.isProjectedPermutation() ||
        !isStaticIdentityMemRef(input->get().getType()))
      return std::nullopt;
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      if (map.getDimPosition(i) == numLoops - 1 && i + 1 != map.getNumResults())
        return std::nullopt;
  }
  // The body: elementwise scalar ops on the inputs, the output unread.
  Block &body = epilogue.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return std::nullopt;
  for (Operation &op : body.without_terminator())
    if (op.getNumRegions() != 0 ||
        (!isa<arith::ConstantOp>(op) &&
         !op.hasTrait<OpTrait::Elementwise>()))
      return std::nullopt;
  // The kernel runs where the epilogue is: the operands of the contraction
  // must still hold their values there.
  Value lhsRoot = rootOf(c.lhs);
  SmallVector<memref::DeallocOp> deallocs;
  for (Operation *op = c.op->getNextNode(); op != epilogue; op = op->getNextNode()) {
    if (isMemoryEffectFree(op) || isa<memref::AllocOp, memref::GetGlobalOp>(op))
      continue;
    if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      deallocs.push_back(dealloc);
      continue;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return std::nullopt;
    for (Value init : linalgOp.getDpsInits())
      if (rootOf(init) == lhsRoot || rootOf(init) == rootOf(c.acc))
        return std::nullopt;
  }
  return Epilogue{epilogue, std::move(deallocs)};
}

/// The memref a gather generic reads: its one input, or the one buffer
/// its body loads from (the padded gather reads through memref.load).
Value gatherSource(linalg::GenericOp op) {
  if (op.getNumDpsInputs() == 1)
    return op.getDpsInputs()[0];
  if (op.getNumDpsInputs() != 0)
    return Value();
  return bodyLoadSource(op);
}

/// The im2col gather writing `c`'s activations, if the kernel built at
/// `anchor` can gather them itself: a generic with kIm2colAttrName whose
/// buffer only it writes and only the contraction reads (through views),
/// its NHWC source unchanged until `anchor`, and a row block of patches
/// small enough for the stack.
std::optional<Im2col> matchIm2col(const Contraction &c, Operation *anchor,
                                  int64_t blockRows) {
  Value patches = rootOf(c.lhs);
  if (!patches.getDefiningOp<memref::AllocOp>() ||
      std::min(blockRows, c.rows) * c.k > kMaxLocalPatchBytes)
    return std::nullopt;
  linalg::GenericOp gather;
  for (Operation *user : patches.getUsers()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(user);
        generic && generic->hasAttr(kIm2colAttrName) && !gather) {
      gather = generic;
      continue;
    }
    if (isa<memref::DeallocOp>(user))
      continue;
    auto view = dyn_cast<memref::CollapseShapeOp>(user);
    if (!view || !llvm::all_of(view->getUsers(), [&](Operation *viewUser) {
          return viewUser == c.op.getOperation();
        }))
      return std::nullopt;
  }
  if (!gather || gather->getBlock() != c.op->getBlock() ||
      !gather->isBeforeInBlock(c.op) || !gather.hasPureBufferSemantics() ||
      gather.getNumDpsInits() != 1 || gather.getDpsInits()[0] != patches)
    return std::nullopt;
  auto window = gather->getAttrOfType<DictionaryAttr>(kIm2colAttrName);
  auto array = [&](StringRef name) -> std::optional<SmallVector<int64_t>> {
    auto attr = window.getAs<DenseI64ArrayAttr>(name);
    if (!attr)
      return std::nullopt;
    return SmallVector<int64_t>(attr.asArrayRef());
  };
  std::optional<SmallVector<int64_t>> kernel = array("kernel"),
                                      strides = array("strides"),
                                      dilations = array("dilations"),
                                      padding = array("padding");
  auto zeroPoint = window.getAs<IntegerAttr>("zero_point");
  Value source = gatherSource(gather);
  if (!kernel || !strides || !dilations || !padding || !zeroPoint ||
      kernel->size() != 2 || strides->size() != 2 || dilations->size() != 2 ||
      padding->size() != 4 || !source ||
      !isStaticIdentityMemRef(source.getType()))
    return std::nullopt;
  auto sourceType = cast<MemRefType>(source.getType());
  ArrayRef<int64_t> patchShape =
      cast<MemRefType>(patches.getType()).getShape();
  if (sourceType.getRank() != 4 || !sourceType.getElementType().isInteger(8) ||
      patchShape.size() != 6 || patchShape[0] != sourceType.getDimSize(0) ||
      patchShape[3] != (*kernel)[0] || patchShape[4] != (*kernel)[1] ||
      patchShape[5] != sourceType.getDimSize(3) ||
      patchShape[3] * patchShape[4] * patchShape[5] != c.k)
    return std::nullopt;

  // Nothing between the gather and the kernel may write its source.
  Im2col im2col{gather,      source,   *kernel,
                *strides,    *dilations, *padding,
                zeroPoint.getInt(), patchShape[1], patchShape[2], {}};
  Value sourceRoot = rootOf(source);
  for (Operation *op = gather->getNextNode(); op != anchor;
       op = op->getNextNode()) {
    if (op == c.op.getOperation() || isMemoryEffectFree(op) ||
        isa<memref::AllocOp, memref::GetGlobalOp>(op))
      continue;
    if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      if (rootOf(dealloc.getMemref()) == sourceRoot)
        im2col.deallocsToSink.push_back(dealloc);
      continue;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return std::nullopt;
    for (Value init : linalgOp.getDpsInits())
      if (rootOf(init) == sourceRoot)
        return std::nullopt;
  }
  return im2col;
}

/// A new private constant global of `attr`, 64-byte aligned, named after
/// `base`; returns a memref.get_global of it built at `b`.
Value createConstantGlobal(OpBuilder &b, Location loc, ModuleOp module,
                           SymbolTable &symbolTable, StringRef base,
                           DenseElementsAttr attr) {
  auto type = MemRefType::get(attr.getType().getShape(),
                              attr.getType().getElementType());
  OpBuilder moduleBuilder(module.getBodyRegion());
  auto global = memref::GlobalOp::create(
      moduleBuilder, loc, base, moduleBuilder.getStringAttr("private"), type,
      attr, /*constant=*/true, moduleBuilder.getI64IntegerAttr(64));
  symbolTable.insert(global);
  return memref::GetGlobalOp::create(b, loc, type, global.getSymName());
}

class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const Contraction &c,
                std::optional<Epilogue> epilogue,
                std::optional<Im2col> im2col, int64_t tileRows,
                int64_t tileVectors)
      : b(b), loc(loc), c(c), epilogue(epilogue), im2col(std::move(im2col)),
        tileRows(tileRows), tileVectors(tileVectors) {
    tileCols = kLanes * tileVectors;
    paddedCols = llvm::divideCeil(c.n, tileCols) * tileCols;
    groups = llvm::divideCeil(c.k, kGroup);
  }

  /// Packs the weights tile panel by tile panel:
  /// packed[p, g, (v * 16 + j) * 4 + t] = w[4g + t, tileCols * p + 16 v + j],
  /// so that a tile reads one contiguous stream, tileVectors x 64 bytes per
  /// group of four k.
  DenseElementsAttr packWeights() const {
    SmallVector<int8_t> packed(paddedCols * groups * kGroup, 0);
    const int64_t *it = c.weights.data();
    for (int64_t kk = 0; kk < c.k; ++kk)
      for (int64_t nn = 0; nn < c.n; ++nn, ++it) {
        int64_t panel = nn / tileCols, lane = nn % tileCols;
        int64_t g = kk / kGroup, t = kk % kGroup;
        packed[(panel * groups + g) * tileCols * kGroup + lane * kGroup + t] =
            int8_t(*it);
      }
    auto type = RankedTensorType::get(
        {paddedCols / tileCols, groups, tileCols * kGroup}, b.getI8Type());
    return DenseElementsAttr::get(type, ArrayRef<int8_t>(packed));
  }

  /// 128 * colsum(w)[n], zero padded: what the u8 shift of signed
  /// activations adds to each accumulator.
  DenseElementsAttr shiftCorrection() const {
    SmallVector<int32_t> sums(paddedCols, 0);
    const int64_t *it = c.weights.data();
    for (int64_t kk = 0; kk < c.k; ++kk)
      for (int64_t nn = 0; nn < c.n; ++nn, ++it)
        sums[nn] += 128 * int32_t(*it);
    return DenseElementsAttr::get(
        RankedTensorType::get({paddedCols}, b.getI32Type()),
        ArrayRef<int32_t>(sums));
  }

  void build(Value packedWeights, Value correction, bool parallel) {
    this->packedWeights = packedWeights;
    this->correction = correction;
    Value shifted;
    if (!im2col) {
      lhs2 = collapseRows(c.lhs);
      if (c.lhsSigned)
        lhs2 = shifted = shiftToUnsigned(lhs2);
    }
    Value dest = epilogue ? epilogue->op.getDpsInits()[0] : c.acc;
    dest2 = collapseRows(dest);

    // Row blocks of kBlockRows (a multiple of the tile's rows) outside the
    // panels: a block of activations stays in cache while every weight
    // panel streams past it.
    int64_t blockRows = llvm::divideCeil(kBlockRows, tileRows) * tileRows;
    buildPanelLoops(blockRows, parallel);
    if (shifted)
      memref::DeallocOp::create(b, loc, shifted);
  }

private:
  /// A copy of the [rows, K] s8 activations xor 0x80 (= a + 128 as u8),
  /// made once (O(rows * K)) so that the kernel's broadcasts read memory
  /// directly.
  Value shiftToUnsigned(Value lhs) {
    auto type = cast<MemRefType>(lhs.getType());
    Value copy = memref::AllocOp::create(b, loc, type,
                                         b.getI64IntegerAttr(64));
    int64_t chunk = kLanes * kGroup;
    auto chunkType = bytesType();
    Value signBits = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(chunkType, b.getI8IntegerAttr(-128)));
    Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    bool inBounds = c.k % chunk == 0;
    scf::ForOp::create(
        b, loc, index(0), index(c.rows), index(1), ValueRange{},
        [&](OpBuilder &rb, Location rl, Value row, ValueRange) {
          scf::ForOp::create(
              rb, rl, arith::ConstantIndexOp::create(rb, rl, 0),
              arith::ConstantIndexOp::create(rb, rl, c.k),
              arith::ConstantIndexOp::create(rb, rl, chunk), ValueRange{},
              [&](OpBuilder &cb, Location cl, Value col, ValueRange) {
                Value bytes = vector::TransferReadOp::create(
                    cb, cl, chunkType, lhs, ValueRange{row, col}, pad,
                    ArrayRef<bool>{inBounds});
                vector::TransferWriteOp::create(
                    cb, cl, arith::XOrIOp::create(cb, cl, bytes, signBits),
                    copy, ValueRange{row, col}, ArrayRef<bool>{inBounds});
                scf::YieldOp::create(cb, cl);
              });
          scf::YieldOp::create(rb, rl);
        });
    return copy;
  }

  /// Loops over the row blocks of `blockRows` rows x all tile panels;
  /// scf.parallel over both if `parallel`. The last block may be partial:
  /// it is an scf.if branch of the same loop, so that threads fork once.
  void buildPanelLoops(int64_t blockRows, bool parallel) {
    int64_t numPanels = paddedCols / tileCols;
    int64_t fullBlocks = c.rows / blockRows;
    int64_t lastRows = c.rows - fullBlocks * blockRows;
    int64_t numBlocks = fullBlocks + (lastRows > 0 ? 1 : 0);
    auto body = [&](OpBuilder &nb, Value block, Value panel) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
      // A parallel unit's own patch buffer, on its thread's stack (the
      // body becomes an OpenMP loop body in a memref.alloca_scope).
      if (im2col && parallelUnits)
        lhs2 = memref::AllocaOp::create(b, loc, patchBufferType(blockRows),
                                        b.getI64IntegerAttr(64));
      Value rowBegin = arith::MulIOp::create(b, loc, block, index(blockRows));
      if (lastRows == 0 || fullBlocks == 0) {
        buildUnit(panel, rowBegin, lastRows == 0 ? blockRows : lastRows);
        return;
      }
      Value isFull = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           block, index(fullBlocks));
      auto ifOp = scf::IfOp::create(b, loc, isFull, /*withElseRegion=*/true);
      b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
      buildUnit(panel, rowBegin, blockRows);
      b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
      buildUnit(panel, rowBegin, lastRows);
    };
    parallelUnits = parallel && numBlocks * numPanels > 1;
    // Sequential units share one patch buffer.
    Value shared;
    if (im2col && !parallelUnits)
      lhs2 = shared = memref::AllocOp::create(
          b, loc, patchBufferType(blockRows), b.getI64IntegerAttr(64));
    if (parallelUnits) {
      scf::ParallelOp::create(
          b, loc, ValueRange{index(0), index(0)},
          ValueRange{index(numBlocks), index(numPanels)},
          ValueRange{index(1), index(1)},
          [&](OpBuilder &nb, Location, ValueRange ivs) {
            body(nb, ivs[0], ivs[1]);
          });
      return;
    }
    scf::ForOp::create(
        b, loc, index(0), index(numBlocks), index(1), ValueRange{},
        [&](OpBuilder &nb, Location l, Value block, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          scf::ForOp::create(
              b, loc, index(0), index(numPanels), index(1), ValueRange{},
              [&](OpBuilder &pb, Location pl, Value panel, ValueRange) {
                body(pb, block, panel);
                scf::YieldOp::create(pb, pl);
              });
          scf::YieldOp::create(nb, l);
        });
    if (shared)
      memref::DeallocOp::create(b, loc, shared);
  }

  /// One unit of work: a row block x tile panel. With im2col, the block's
  /// patches are gathered into lhs2 first.
  void buildUnit(Value panel, Value rowBegin, int64_t blockRows) {
    if (im2col) {
      lhsRowBase = rowBegin;
      gatherPatches(rowBegin, blockRows);
    }
    buildBlock(panel, rowBegin, blockRows);
  }

  /// The buffer a unit gathers its patches into: [blockRows, K] bytes.
  MemRefType patchBufferType(int64_t blockRows) {
    return MemRefType::get({std::min(blockRows, c.rows), c.k}, b.getI8Type());
  }

  /// Rows [rowBegin, rowBegin + rows) of the im2col patches into lhs2,
  /// each tap's C channels in chunks of 64 bytes (the last one masked),
  /// taps in the padding filled with the zero point; signed activations
  /// shifted to u8 on the way (xor 0x80).
  void gatherPatches(Value rowBegin, int64_t rows) {
    Value source = im2col->source;
    auto sourceType = cast<MemRefType>(source.getType());
    int64_t height = sourceType.getDimSize(1), width = sourceType.getDimSize(2);
    int64_t channels = sourceType.getDimSize(3);
    int64_t kh = im2col->kernel[0], kw = im2col->kernel[1];
    int64_t chunk = kLanes * kGroup;
    auto chunkType = bytesType();
    int8_t shift = c.lhsSigned ? int8_t(-128) : 0;
    Value signBits = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(chunkType, b.getI8IntegerAttr(shift)));
    Value padBytes = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            chunkType, b.getI8IntegerAttr(int8_t(im2col->zeroPoint) ^ shift)));
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(chunkType, b.getI8IntegerAttr(0)));
    int64_t fullChunks = channels / chunk, rest = channels % chunk;
    Value restMask;
    if (rest)
      restMask = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({chunk}, b.getI1Type()),
          ArrayRef<int64_t>{rest});
    // Chunk `offset` of a tap: from the input at (n, h, w) or the padding.
    auto copyChunk = [&](Value n, Value h, Value w, Value row, Value column,
                         Value offset, bool masked, bool inside) {
      Value at = arith::AddIOp::create(b, loc, column, offset);
      Value bytes = padBytes;
      if (inside) {
        bytes = masked ? vector::MaskedLoadOp::create(b, loc, chunkType,
                                                      source,
                                                      ValueRange{n, h, w,
                                                                 offset},
                                                      restMask, zeros)
                             .getResult()
                       : vector::LoadOp::create(b, loc, chunkType, source,
                                                ValueRange{n, h, w, offset})
                             .getResult();
        if (c.lhsSigned)
          bytes = arith::XOrIOp::create(b, loc, bytes, signBits);
      }
      if (masked)
        vector::MaskedStoreOp::create(b, loc, lhs2, ValueRange{row, at},
                                      restMask, bytes);
      else
        vector::StoreOp::create(b, loc, bytes, lhs2, ValueRange{row, at});
    };
    auto copyTap = [&](Value n, Value h, Value w, Value row, Value column,
                       bool inside) {
      if (fullChunks > 1) {
        forLoop(0, fullChunks * chunk, chunk, [&](Value offset) {
          copyChunk(n, h, w, row, column, offset, false, inside);
        });
      } else if (fullChunks == 1) {
        copyChunk(n, h, w, row, column, index(0), false, inside);
      }
      if (rest)
        copyChunk(n, h, w, row, column, index(fullChunks * chunk), true,
                  inside);
    };
    forLoop(0, rows, 1, [&](Value r) {
      Value m = arith::AddIOp::create(b, loc, rowBegin, r);
      Value pixels = index(im2col->outH * im2col->outW);
      Value n = arith::DivUIOp::create(b, loc, m, pixels);
      Value pixel = arith::RemUIOp::create(b, loc, m, pixels);
      Value oh = arith::DivUIOp::create(b, loc, pixel, index(im2col->outW));
      Value ow = arith::RemUIOp::create(b, loc, pixel, index(im2col->outW));
      // An input coordinate; one before the padding wraps to a large
      // unsigned index, so one unsigned compare bounds both sides.
      auto coordinate = [&](Value out, Value tap, unsigned axis) {
        Value scaled =
            arith::MulIOp::create(b, loc, out, index(im2col->strides[axis]));
        Value dilated =
            arith::MulIOp::create(b, loc, tap, index(im2col->dilations[axis]));
        Value sum = arith::AddIOp::create(b, loc, scaled, dilated);
        return arith::SubIOp::create(b, loc, sum,
                                     index(im2col->padding[axis]))
            .getResult();
      };
      forLoop(0, kh, 1, [&](Value y) {
        Value h = coordinate(oh, y, 0);
        Value hInside = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, h, index(height));
        forLoop(0, kw, 1, [&](Value x) {
          Value w = coordinate(ow, x, 1);
          Value wInside = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ult, w, index(width));
          Value inside = arith::AndIOp::create(b, loc, hInside, wInside);
          Value tap = arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, y, index(kw)), x);
          Value column = arith::MulIOp::create(b, loc, tap, index(channels));
          auto ifOp = scf::IfOp::create(b, loc, inside, /*withElse=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
          copyTap(n, h, w, r, column, /*inside=*/true);
          b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
          copyTap(n, h, w, r, column, /*inside=*/false);
        });
      });
    });
  }

  void forLoop(int64_t lower, int64_t upper, int64_t step,
               function_ref<void(Value)> body) {
    buildForLoop(b, loc, lower, upper, step, body);
  }

  /// One row block of `blockRows` rows from `rowBegin` x tile panel
  /// `panel`: tiles of tileRows rows, and the rows left over as one
  /// narrower tile (each tile streams the whole panel of weights, so
  /// single-row tiles would read it up to tileRows - 1 times more).
  void buildBlock(Value panel, Value rowBegin, int64_t blockRows) {
    int64_t mainRows = blockRows / tileRows * tileRows;
    if (mainRows > 0)
      buildRowLoop(panel, rowBegin, mainRows, tileRows);
    if (mainRows < blockRows)
      buildTile(panel,
                arith::AddIOp::create(b, loc, rowBegin, index(mainRows)),
                blockRows - mainRows);
  }

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// `value` as a [rows, last] memref.
  Value collapseRows(Value value) {
    auto type = cast<MemRefType>(value.getType());
    if (type.getRank() == 2)
      return value;
    ReassociationIndices leading;
    for (int64_t i = 0; i + 1 < type.getRank(); ++i)
      leading.push_back(i);
    return memref::CollapseShapeOp::create(
        b, loc, value,
        ArrayRef<ReassociationIndices>{leading, {type.getRank() - 1}});
  }

  /// Tiles of `step` rows over `count` rows from `begin`.
  void buildRowLoop(Value panel, Value begin, int64_t count, int64_t step) {
    Value end = arith::AddIOp::create(b, loc, begin, index(count));
    scf::ForOp::create(
        b, loc, begin, end, index(step), ValueRange{},
        [&](OpBuilder &nb, Location l, Value row, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          buildTile(panel, row, step);
          scf::YieldOp::create(nb, l);
        });
  }

  VectorType accType() { return VectorType::get({kLanes}, b.getI32Type()); }
  VectorType bytesType() {
    return VectorType::get({kLanes * kGroup}, b.getI8Type());
  }

  /// The four (u8) bytes of row `row` at group `group`, broadcast to all
  /// lanes. `partial`: the group runs past K (a
  /// zero-padded read; the packed weights there are zero).
  Value broadcastGroup(Value row, Value group, bool partial) {
    Value col = arith::MulIOp::create(b, loc, group, index(kGroup));
    if (im2col) // The unit's own patch rows.
      row = arith::SubIOp::create(b, loc, row, lhsRowBase);
    auto quad = VectorType::get({kGroup}, b.getI8Type());
    Value bytes;
    if (partial) {
      Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
      bytes = vector::TransferReadOp::create(b, loc, quad, lhs2,
                                             ValueRange{row, col}, pad,
                                             ArrayRef<bool>{false});
    } else {
      bytes = vector::LoadOp::create(b, loc, quad, lhs2, ValueRange{row, col});
    }
    Value word = vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(
            b, loc, VectorType::get({1}, b.getI32Type()), bytes),
        ArrayRef<int64_t>{0});
    Value splat = vector::BroadcastOp::create(b, loc, accType(), word);
    return vector::BitCastOp::create(b, loc, bytesType(), splat);
  }

  /// One step of the register tile: accumulators += rows' group x panel.
  SmallVector<Value> dotStep(Value panel, Value row0, int64_t rows, Value group,
                             ValueRange accs, bool partial) {
    SmallVector<Value> weights;
    for (int64_t v = 0; v < tileVectors; ++v)
      weights.push_back(vector::LoadOp::create(
          b, loc, bytesType(), packedWeights,
          ValueRange{panel, group, index(v * kLanes * kGroup)}));
    SmallVector<Value> next;
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, row0, index(r));
      Value activations = broadcastGroup(row, group, partial);
      for (int64_t v = 0; v < tileVectors; ++v)
        next.push_back(
            LLVM::CallIntrinsicOp::create(
                b, loc, accType(), b.getStringAttr(kDotIntrinsic),
                ValueRange{accs[r * tileVectors + v], activations, weights[v]})
                .getResult(0));
    }
    return next;
  }

  void buildTile(Value panel, Value row0, int64_t rows) {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accType(), b.getI32IntegerAttr(0)));
    SmallVector<Value> inits(rows * tileVectors, zero);
    int64_t fullGroups = c.k / kGroup;
    SmallVector<Value> accs(inits);
    if (fullGroups > 0) {
      auto loop = scf::ForOp::create(
          b, loc, index(0), index(fullGroups), index(1), inits,
          [&](OpBuilder &nb, Location l, Value group, ValueRange iterArgs) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
            scf::YieldOp::create(
                nb, l, dotStep(panel, row0, rows, group, iterArgs, false));
          });
      accs.assign(loop.getResults().begin(), loop.getResults().end());
    }
    if (fullGroups < groups)
      accs = dotStep(panel, row0, rows, index(fullGroups), accs, true);

    bool colsInBounds = c.n % tileCols == 0;
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, row0, index(r));
      for (int64_t v = 0; v < tileVectors; ++v) {
        Value col = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, panel, index(tileCols)),
            index(v * kLanes));
        Value acc = accs[r * tileVectors + v];
        if (c.lhsSigned)
          acc = arith::SubIOp::create(
              b, loc, acc,
              vector::LoadOp::create(b, loc, accType(), correction,
                                     ValueRange{col}));
        if (epilogue) {
          Value out = applyEpilogue(acc, row, col, colsInBounds);
          vector::TransferWriteOp::create(b, loc, out, dest2,
                                          ValueRange{row, col},
                                          ArrayRef<bool>{colsInBounds});
        } else {
          Value pad = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
          Value old = vector::TransferReadOp::create(
              b, loc, accType(), dest2, ValueRange{row, col}, pad,
              ArrayRef<bool>{colsInBounds});
          vector::TransferWriteOp::create(
              b, loc, arith::AddIOp::create(b, loc, old, acc), dest2,
              ValueRange{row, col}, ArrayRef<bool>{colsInBounds});
        }
      }
    }
  }

  /// The loop indices (batch..., m) of flattened row `row`.
  SmallVector<Value> rowIndices(Value row) {
    ArrayRef<int64_t> shape =
        cast<MemRefType>(c.acc.getType()).getShape().drop_back();
    SmallVector<Value> indices(shape.size());
    Value rest = row;
    for (int64_t i = shape.size() - 1; i >= 0; --i) {
      if (i == 0) {
        indices[i] = rest;
        break;
      }
      indices[i] = arith::RemUIOp::create(b, loc, rest, index(shape[i]));
      rest = arith::DivUIOp::create(b, loc, rest, index(shape[i]));
    }
    return indices;
  }

  /// The epilogue body on the 16 accumulators of (row, col..col+15).
  Value applyEpilogue(Value acc, Value row, Value col, bool colsInBounds) {
    linalg::GenericOp op = epilogue->op;
    Block &body = op.getRegion().front();
    unsigned numLoops = op.getNumLoops();
    auto vectorOf = [&](Type t) { return VectorType::get({kLanes}, t); };
    IRMapping mapping;
    mapping.map(body.getArgument(0), acc);
    SmallVector<Value> loopIndices;
    for (OpOperand *input : op.getDpsInputOperands()) {
      unsigned i = input->getOperandNumber();
      if (i == 0)
        continue;
      AffineMap map = op.getMatchingIndexingMap(input);
      Value source = input->get();
      Type element = cast<MemRefType>(source.getType()).getElementType();
      bool alongCols = map.getNumResults() > 0 &&
                       map.getDimPosition(map.getNumResults() - 1) ==
                           numLoops - 1;
      bool needsRows = llvm::any_of(
          map.getResults(), [&](AffineExpr e) {
            return cast<AffineDimExpr>(e).getPosition() != numLoops - 1;
          });
      if (needsRows && loopIndices.empty())
        loopIndices = rowIndices(row);
      SmallVector<Value> indices;
      for (AffineExpr e : map.getResults()) {
        unsigned d = cast<AffineDimExpr>(e).getPosition();
        indices.push_back(d == numLoops - 1 ? col : loopIndices[d]);
      }
      Value value;
      if (alongCols) {
        Value pad = arith::ConstantOp::create(
            b, loc, b.getZeroAttr(element));
        value = vector::TransferReadOp::create(b, loc, vectorOf(element),
                                               source, indices, pad,
                                               ArrayRef<bool>{colsInBounds});
      } else {
        value = vector::BroadcastOp::create(
            b, loc, vectorOf(element),
            memref::LoadOp::create(b, loc, source, indices));
      }
      mapping.map(body.getArgument(i), value);
    }
    for (Operation &op : body.without_terminator()) {
      if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
        auto attr = cast<TypedAttr>(constant.getValue());
        mapping.map(constant.getResult(),
                    arith::ConstantOp::create(
                        b, loc,
                        DenseElementsAttr::get(vectorOf(attr.getType()), attr)));
        continue;
      }
      SmallVector<Value> operands;
      for (Value operand : op.getOperands()) {
        Value mapped = mapping.lookupOrNull(operand);
        if (!mapped) // Defined above the generic: a scalar for all lanes.
          mapped = vector::BroadcastOp::create(
              b, loc, vectorOf(operand.getType()), operand);
        operands.push_back(mapped);
      }
      SmallVector<Type> types;
      for (Type t : op.getResultTypes())
        types.push_back(vectorOf(t));
      OperationState state(loc, op.getName(), operands, types, op.getAttrs());
      Operation *vectorOp = b.create(state);
      mapping.map(op.getResults(), vectorOp->getResults());
    }
    return mapping.lookup(body.getTerminator()->getOperand(0));
  }

  OpBuilder &b;
  Location loc;
  const Contraction &c;
  std::optional<Epilogue> epilogue;
  std::optional<Im2col> im2col;
  int64_t tileRows, tileVectors, tileCols, paddedCols, groups;
  /// With im2col: the global row of lhs2's first row.
  Value lhsRowBase;
  /// Whether the units run in an scf.parallel loop.
  bool parallelUnits = false;
  Value packedWeights, correction, lhs2, dest2;
};

/// Erases `alloc` and its fill and dealloc when nothing else uses it.
void eraseIfDead(Value buffer) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return;
  if (!llvm::all_of(alloc->getUsers(), [](Operation *user) {
        return isa<linalg::FillOp, memref::DeallocOp>(user);
      }))
    return;
  for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
    user->erase();
  alloc->erase();
}

struct X86VNNIPass : public quantc::impl::X86VNNIPassBase<X86VNNIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // 0 is chosen per contraction (chooseTile): at least 1 x 1.
    int64_t minRows = std::max<int64_t>(tileRows, 1);
    int64_t minVectors = std::max<int64_t>(tileVectors, 1);
    if (minRows * minVectors > kMaxAccumulators) {
      module.emitError("quant-x86-vnni: a tile of ")
          << minRows << " x " << minVectors
          << " accumulators does not fit the 32 zmm registers (at most 28 "
             "accumulators)";
      return signalPassFailure();
    }
    SymbolTableCollection symbols;
    SymbolTable &symbolTable = symbols.getSymbolTable(module);
    SmallVector<Contraction> contractions;
    module.walk([&](linalg::GenericOp op) {
      if (FailureOr<Contraction> c = matchContraction(op, symbols);
          succeeded(c))
        contractions.push_back(*c);
    });
    for (const Contraction &c : contractions) {
      std::optional<Epilogue> epilogue = matchEpilogue(c);
      Operation *anchor = epilogue ? epilogue->op.getOperation()
                                   : c.op.getOperation();
      OpBuilder b(anchor);
      Location loc = c.op.getLoc();
      auto [rows, vectors] = chooseTile(c.n, tileRows, tileVectors);
      std::optional<Im2col> im2col =
          matchIm2col(c, anchor, llvm::divideCeil(kBlockRows, rows) * rows);
      KernelBuilder kernel(b, loc, c, epilogue, im2col, rows, vectors);
      Value packed = createConstantGlobal(b, loc, module, symbolTable,
                                          "__quantc_vnni_weights",
                                          kernel.packWeights());
      Value correction;
      if (c.lhsSigned)
        correction = createConstantGlobal(b, loc, module, symbolTable,
                                          "__quantc_vnni_shift_correction",
                                          kernel.shiftCorrection());
      kernel.build(packed, correction,
                   parallel && c.rows * c.k * c.n >= minParallelMultiplyAdds);
      Value weights = c.op.getDpsInputs()[1];
      // Before the contraction goes: it is the anchor when no epilogue is
      // fused.
      if (im2col)
        for (memref::DeallocOp dealloc : im2col->deallocsToSink)
          dealloc->moveAfter(anchor);
      c.op->erase();
      if (epilogue) {
        for (memref::DeallocOp dealloc : epilogue->deallocsToSink)
          dealloc->moveAfter(epilogue->op);
        epilogue->op->erase();
        eraseIfDead(c.acc);
      }
      if (im2col) {
        Value patches = im2col->op.getDpsInits()[0];
        im2col->op->erase();
        for (Operation *user : llvm::make_early_inc_range(patches.getUsers()))
          if (user->use_empty() && isa<memref::CollapseShapeOp>(user))
            user->erase();
        eraseIfDead(patches);
      }
      if (weights.use_empty())
        weights.getDefiningOp()->erase();
    }
  }
};

} // namespace
