//===- Mma.cpp - Int8 matmuls to tensor-core mma.sync -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-mma: the i8 x i8 -> i32 matmuls quant-lower-qnn emits, on
// buffers, become warp-level nvvm.mma.sync m16n8k32 tiles (PTX
// mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 and its u8 variants),
// each lane loading its fragments as the PTX ISA lays them out. The loops
// come already mapped to blocks, warps and lanes. With emulate-mma the
// lanes run one after another and the mma is its PTX ISA definition, for
// running the same fragment indexing on a CPU.
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "ByteContraction.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace quantc {
#define GEN_PASS_DEF_GPUMMAPASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {

// The shape of mma.sync.aligned.m16n8k32 for 8-bit integers.
constexpr int64_t kTileM = 16, kTileN = 8, kTileK = 32;
constexpr int64_t kWarpSize = 32;
// Per lane: A in 4 registers, B in 2, C and D in 4 values.
constexpr int64_t kRegistersA = 4, kRegistersB = 2, kAccumulators = 4;

/// The roles of a matmul-shaped contraction's operands and loop
/// dimensions.
struct MatmulDims {
  // Input operand numbers of the mma's A (indexed by m and k) and B (k, n).
  unsigned inputA, inputB;
  ByteSignedness typeA, typeB;
  unsigned m, n, k;
  SmallVector<unsigned> batch;
  SmallVector<int64_t> sizes;
};

/// `op` as a matmul: all loop sizes static, both inputs indexed by the
/// reduction dimension k, each input with parallel dimensions of its own:
/// of those of input A, the one innermost in the output is m (the others,
/// like the dimensions both inputs share or neither has, are batch
/// dimensions of the grid); of input B's, n.
std::optional<MatmulDims> matchMatmul(linalg::GenericOp op,
                                      const ByteContraction &contraction) {
  MatmulDims dims;
  dims.sizes = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(dims.sizes))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap outMap = maps[2];
  dims.k = contraction.reductionDim;
  if (!maps[0].isFunctionOfDim(dims.k) || !maps[1].isFunctionOfDim(dims.k))
    return std::nullopt;
  // Per input, its own parallel dimension innermost in the output.
  std::optional<unsigned> own[2];
  auto outPosition = [&](unsigned dim) {
    return *outMap.getResultPosition(getAffineDimExpr(dim, op.getContext()));
  };
  for (unsigned dim = 0, e = op.getNumLoops(); dim < e; ++dim) {
    if (dim == dims.k)
      continue;
    if (!outMap.isFunctionOfDim(dim))
      return std::nullopt;
    bool in0 = maps[0].isFunctionOfDim(dim), in1 = maps[1].isFunctionOfDim(dim);
    if (in0 == in1)
      continue;
    std::optional<unsigned> &current = own[in0 ? 0 : 1];
    if (!current || outPosition(dim) > outPosition(*current))
      current = dim;
  }
  if (!own[0] || !own[1])
    return std::nullopt;
  // A is the input whose own dimension comes first in the output (rows).
  dims.inputA = outPosition(*own[0]) < outPosition(*own[1]) ? 0 : 1;
  dims.inputB = 1 - dims.inputA;
  dims.m = *own[dims.inputA];
  dims.n = *own[dims.inputB];
  auto typeOf = [&](unsigned input) {
    return input == contraction.lhsInput ? contraction.lhsType
                                         : contraction.rhsType;
  };
  dims.typeA = typeOf(dims.inputA);
  dims.typeB = typeOf(dims.inputB);
  for (unsigned dim = 0, e = op.getNumLoops(); dim < e; ++dim)
    if (dim != dims.k && dim != dims.m && dim != dims.n)
      dims.batch.push_back(dim);
  return dims;
}

/// The mapping of `loop`'s dimensions, innermost first, onto `processors`
/// (x, y, z), the rest sequential: what gpu-map-parallel-loops would
/// write, set here so that no later pass retiles the warps.
void setMapping(scf::ParallelOp loop, ArrayRef<gpu::Processor> processors) {
  MLIRContext *ctx = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  unsigned rank = loop.getNumLoops();
  for (unsigned dim = 0; dim < rank; ++dim) {
    unsigned fromInnermost = rank - 1 - dim;
    gpu::Processor processor = fromInnermost < processors.size()
                                   ? processors[fromInnermost]
                                   : gpu::Processor::Sequential;
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(ctx, processor,
                                                           identity, identity));
  }
  (void)gpu::setMappingAttr(loop, mapping);
}

/// Builds the mma form of one matmul.
class MmaRewriter {
public:
  MmaRewriter(linalg::GenericOp op, const MatmulDims &dims, int64_t warpsM,
              int64_t warpsN)
      : op(op), dims(dims), warpsM(warpsM), warpsN(warpsN), loc(op.getLoc()) {
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    lhsBuffer = op.getDpsInputs()[dims.inputA];
    rhsBuffer = op.getDpsInputs()[dims.inputB];
    output = op.getDpsInits()[0];
    lhsMap = maps[dims.inputA];
    rhsMap = maps[dims.inputB];
    outMap = maps[2];
    sizeM = dims.sizes[dims.m];
    sizeN = dims.sizes[dims.n];
    sizeK = dims.sizes[dims.k];
    // Only the dimensions with a partial tile need bounds checks.
    maskM = sizeM % kTileM != 0;
    maskN = sizeN % kTileN != 0;
    maskK = sizeK % kTileK != 0;
  }

  void rewrite(bool emulate);

private:
  /// Per-warp values: the loop indices (batch ones set) and the first row
  /// and column of the warp's 16x8 output tile.
  struct WarpTile {
    SmallVector<Value> loopIndices;
    Value rowBase, colBase;
  };

  Value constant(OpBuilder &b, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(OpBuilder &b, Value x, int64_t offset) {
    return offset == 0 ? x
                       : arith::AddIOp::create(b, loc, x, constant(b, offset));
  }
  Value mul(OpBuilder &b, Value x, int64_t factor) {
    return arith::MulIOp::create(b, loc, x, constant(b, factor));
  }

  /// The element of `buffer` (indexed by `map`) at the loop indices
  /// `indices`; where a dimension of `checked` is past its size, the load
  /// reads the last in-bounds element and the result is `zero` instead.
  Value loadMasked(OpBuilder &b, Value buffer, AffineMap map,
                   SmallVector<Value> indices, ArrayRef<unsigned> checked,
                   Value zero);
  /// Four consecutive K bytes of `buffer` from `kBase + kOffset` at the
  /// other `indices`, packed into one register (loadMasked: `dim` is
  /// checked when `maskDim`, K when maskK).
  Value loadKBytes(OpBuilder &b, Value buffer, AffineMap map,
                   SmallVector<Value> indices, unsigned dim, bool maskDim,
                   Value kBase, int64_t kOffset);
  /// `i`-th fragment register of A (4 bytes of one row, the first in the
  /// low byte) for `lane`, K step `k0`.
  Value loadRegisterA(OpBuilder &b, const WarpTile &tile, Value lane, Value k0,
                      int64_t reg);
  Value loadRegisterB(OpBuilder &b, const WarpTile &tile, Value lane, Value k0,
                      int64_t reg);
  /// Row and column of accumulator `i` of `lane` in the 16x8 tile.
  std::pair<Value, Value> accumulatorCoords(OpBuilder &b, const WarpTile &tile,
                                            Value lane, int64_t i);
  SmallVector<Value> loadAccumulators(OpBuilder &b, const WarpTile &tile,
                                      Value lane);
  void storeAccumulators(OpBuilder &b, const WarpTile &tile, Value lane,
                         ValueRange values);

  void buildWarp(OpBuilder &b, const WarpTile &tile, Value lane);
  void buildEmulatedWarp(OpBuilder &b, const WarpTile &tile);
  void buildEmulatedMma(OpBuilder &b, Value fragA, Value fragB, Value fragC);
  /// `init` + the dot product of row `row` of A and column `col` of B,
  /// read from the warp's fragment buffers.
  Value buildEmulatedDot(OpBuilder &b, Value fragA, Value fragB, Value row,
                         Value col, Value init);

  linalg::GenericOp op;
  const MatmulDims &dims;
  int64_t warpsM, warpsN;
  Location loc;
  Value lhsBuffer, rhsBuffer, output;
  AffineMap lhsMap, rhsMap, outMap;
  int64_t sizeM, sizeN, sizeK;
  bool maskM, maskN, maskK;
};

Value MmaRewriter::loadMasked(OpBuilder &b, Value buffer, AffineMap map,
                              SmallVector<Value> indices,
                              ArrayRef<unsigned> checked, Value zero) {
  Value inBounds;
  for (unsigned dim : checked) {
    int64_t size = dims.sizes[dim];
    Value within = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         indices[dim], constant(b, size));
    inBounds =
        inBounds ? arith::AndIOp::create(b, loc, inBounds, within) : within;
    indices[dim] =
        arith::MinUIOp::create(b, loc, indices[dim], constant(b, size - 1));
  }
  Value value =
      memref::LoadOp::create(b, loc, buffer, applyProjection(map, indices));
  if (!inBounds)
    return value;
  return arith::SelectOp::create(b, loc, inBounds, value, zero);
}

/// Lane decomposition of the PTX ISA's fragment layouts: groupID and
/// threadID_in_group.
static std::pair<Value, Value> splitLane(OpBuilder &b, Location loc,
                                         Value lane) {
  Value four = arith::ConstantIndexOp::create(b, loc, 4);
  return {arith::DivUIOp::create(b, loc, lane, four),
          arith::RemUIOp::create(b, loc, lane, four)};
}

/// Four bytes as one 32-bit register, the first in the low byte.
static Value packRegister(OpBuilder &b, Location loc, ArrayRef<Value> bytes) {
  Value vector = vector::FromElementsOp::create(
      b, loc, VectorType::get({4}, b.getI8Type()), bytes);
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), vector);
  return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
}

Value MmaRewriter::loadKBytes(OpBuilder &b, Value buffer, AffineMap map,
                              SmallVector<Value> indices, unsigned dim,
                              bool maskDim, Value kBase, int64_t kOffset) {
  SmallVector<unsigned> checked;
  if (maskDim)
    checked.push_back(dim);
  if (maskK)
    checked.push_back(dims.k);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 8);
  SmallVector<Value> bytes;
  for (int64_t j = 0; j < 4; ++j) {
    indices[dims.k] = add(b, kBase, j + kOffset);
    bytes.push_back(loadMasked(b, buffer, map, indices, checked, zero));
  }
  return packRegister(b, loc, bytes);
}

Value MmaRewriter::loadRegisterA(OpBuilder &b, const WarpTile &tile, Value lane,
                                 Value k0, int64_t reg) {
  // a_i, i = 4 reg + j: row groupID (+8 for odd registers), column
  // 4 threadID_in_group + j (+16 for registers 2 and 3).
  auto [group, thread] = splitLane(b, loc, lane);
  SmallVector<Value> indices = tile.loopIndices;
  indices[dims.m] =
      add(b, arith::AddIOp::create(b, loc, tile.rowBase, group), 8 * (reg % 2));
  Value kBase = arith::AddIOp::create(b, loc, k0, mul(b, thread, 4));
  return loadKBytes(b, lhsBuffer, lhsMap, indices, dims.m, maskM, kBase,
                    16 * (reg / 2));
}

Value MmaRewriter::loadRegisterB(OpBuilder &b, const WarpTile &tile, Value lane,
                                 Value k0, int64_t reg) {
  // b_i, i = 4 reg + j: row (k) 4 threadID_in_group + j (+16 for register
  // 1), column groupID.
  auto [group, thread] = splitLane(b, loc, lane);
  SmallVector<Value> indices = tile.loopIndices;
  indices[dims.n] = arith::AddIOp::create(b, loc, tile.colBase, group);
  Value kBase = arith::AddIOp::create(b, loc, k0, mul(b, thread, 4));
  return loadKBytes(b, rhsBuffer, rhsMap, indices, dims.n, maskN, kBase,
                    16 * reg);
}

std::pair<Value, Value> MmaRewriter::accumulatorCoords(OpBuilder &b,
                                                       const WarpTile &tile,
                                                       Value lane, int64_t i) {
  // c_i: row groupID (+8 for i >= 2), column 2 threadID_in_group + i mod 2.
  auto [group, thread] = splitLane(b, loc, lane);
  Value row =
      add(b, arith::AddIOp::create(b, loc, tile.rowBase, group), 8 * (i / 2));
  Value col = add(
      b, arith::AddIOp::create(b, loc, tile.colBase, mul(b, thread, 2)), i % 2);
  return {row, col};
}

SmallVector<Value>
MmaRewriter::loadAccumulators(OpBuilder &b, const WarpTile &tile, Value lane) {
  SmallVector<unsigned> checked;
  if (maskM)
    checked.push_back(dims.m);
  if (maskN)
    checked.push_back(dims.n);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  SmallVector<Value> values;
  for (int64_t i = 0; i < kAccumulators; ++i) {
    auto [row, col] = accumulatorCoords(b, tile, lane, i);
    SmallVector<Value> indices = tile.loopIndices;
    indices[dims.m] = row;
    indices[dims.n] = col;
    values.push_back(loadMasked(b, output, outMap, indices, checked, zero));
  }
  return values;
}

void MmaRewriter::storeAccumulators(OpBuilder &b, const WarpTile &tile,
                                    Value lane, ValueRange values) {
  for (int64_t i = 0; i < kAccumulators; ++i) {
    auto [row, col] = accumulatorCoords(b, tile, lane, i);
    SmallVector<Value> indices = tile.loopIndices;
    indices[dims.m] = row;
    indices[dims.n] = col;
    auto store = [&](OpBuilder &sb) {
      memref::StoreOp::create(sb, loc, values[i], output,
                              applyProjection(outMap, indices));
    };
    Value inBounds;
    auto check = [&](Value index, int64_t size) {
      Value within = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           index, constant(b, size));
      inBounds =
          inBounds ? arith::AndIOp::create(b, loc, inBounds, within) : within;
    };
    if (maskM)
      check(row, sizeM);
    if (maskN)
      check(col, sizeN);
    if (!inBounds) {
      store(b);
      continue;
    }
    scf::IfOp::create(b, loc, inBounds, [&](OpBuilder &tb, Location) {
      store(tb);
      scf::YieldOp::create(tb, loc);
    });
  }
}

static NVVM::MMATypes mmaType(ByteSignedness type) {
  return type == ByteSignedness::SIGNED ? NVVM::MMATypes::s8
                                        : NVVM::MMATypes::u8;
}

void MmaRewriter::buildWarp(OpBuilder &b, const WarpTile &tile, Value lane) {
  SmallVector<Value> init = loadAccumulators(b, tile, lane);
  int64_t paddedK = llvm::divideCeil(sizeK, kTileK) * kTileK;
  Type i32 = b.getI32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(kAccumulators, i32));
  auto steps = scf::ForOp::create(
      b, loc, constant(b, 0), constant(b, paddedK), constant(b, kTileK), init,
      [&](OpBuilder &fb, Location, Value k0, ValueRange acc) {
        SmallVector<Value> a, bRegs;
        for (int64_t reg = 0; reg < kRegistersA; ++reg)
          a.push_back(loadRegisterA(fb, tile, lane, k0, reg));
        for (int64_t reg = 0; reg < kRegistersB; ++reg)
          bRegs.push_back(loadRegisterB(fb, tile, lane, k0, reg));
        Value d = NVVM::MmaOp::create(
            fb, loc, resultType, a, bRegs, acc, {kTileM, kTileN, kTileK},
            /*b1Op=*/std::nullopt, NVVM::MMAIntOverflow::wrapped,
            std::array<NVVM::MMATypes, 2>{mmaType(dims.typeA),
                                          mmaType(dims.typeB)},
            std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                           NVVM::MMALayout::col});
        SmallVector<Value> results;
        for (int64_t i = 0; i < kAccumulators; ++i)
          results.push_back(
              LLVM::ExtractValueOp::create(fb, loc, d, ArrayRef<int64_t>{i}));
        scf::YieldOp::create(fb, loc, results);
      });
  storeAccumulators(b, tile, lane, steps.getResults());
}

/// Byte `byte` (0 = lowest) of the 32-bit `word`, extended to i32 as
/// `type` says.
static Value extractByte(OpBuilder &b, Location loc, Value word, Value byte,
                         ByteSignedness type) {
  Type i32 = b.getI32Type();
  Value shift = arith::MulIOp::create(
      b, loc, arith::IndexCastOp::create(b, loc, i32, byte),
      arith::ConstantIntOp::create(b, loc, 8, 32));
  Value narrow = arith::TruncIOp::create(
      b, loc, b.getI8Type(), arith::ShRUIOp::create(b, loc, word, shift));
  if (type == ByteSignedness::SIGNED)
    return arith::ExtSIOp::create(b, loc, i32, narrow);
  return arith::ExtUIOp::create(b, loc, i32, narrow);
}

Value MmaRewriter::buildEmulatedDot(OpBuilder &b, Value fragA, Value fragB,
                                    Value row, Value col, Value init) {
  auto div = [&](OpBuilder &kb, Value x, int64_t d) -> Value {
    return arith::DivUIOp::create(kb, loc, x, constant(kb, d));
  };
  auto rem = [&](OpBuilder &kb, Value x, int64_t d) -> Value {
    return arith::RemUIOp::create(kb, loc, x, constant(kb, d));
  };
  auto plus = [&](OpBuilder &kb, Value x, Value y) -> Value {
    return arith::AddIOp::create(kb, loc, x, y);
  };
  auto loop = scf::ForOp::create(
      b, loc, constant(b, 0), constant(b, kTileK), constant(b, 1),
      ValueRange{init}, [&](OpBuilder &kb, Location, Value k, ValueRange sum) {
        // A(row, k): lane 4 (row mod 8) + (k mod 16) / 4, register
        // 2 (k / 16) + row / 8, byte k mod 4.
        Value laneA =
            plus(kb, mul(kb, rem(kb, row, 8), 4), div(kb, rem(kb, k, 16), 4));
        Value regA = plus(kb, mul(kb, div(kb, k, 16), 2), div(kb, row, 8));
        // B(k, col): lane 4 col + (k mod 16) / 4, register k / 16, byte
        // k mod 4.
        Value laneB = plus(kb, mul(kb, col, 4), div(kb, rem(kb, k, 16), 4));
        Value regB = div(kb, k, 16);
        Value byte = rem(kb, k, 4);
        Value wordA =
            memref::LoadOp::create(kb, loc, fragA, ValueRange{laneA, regA});
        Value wordB =
            memref::LoadOp::create(kb, loc, fragB, ValueRange{laneB, regB});
        Value product = arith::MulIOp::create(
            kb, loc, extractByte(kb, loc, wordA, byte, dims.typeA),
            extractByte(kb, loc, wordB, byte, dims.typeB));
        scf::YieldOp::create(
            kb, loc,
            ValueRange{arith::AddIOp::create(kb, loc, sum.front(), product)});
      });
  return loop.getResult(0);
}

void MmaRewriter::buildEmulatedMma(OpBuilder &b, Value fragA, Value fragB,
                                   Value fragC) {
  // The PTX ISA's definition of the warp-level operation, D = A B + C on
  // the 16x32, 32x8 and 16x8 tiles, each element read from the lane and
  // register the ISA's fragment layouts give it (inverted here, written
  // apart from the per-lane loads above).
  scf::ForOp::create(
      b, loc, constant(b, 0), constant(b, kWarpSize), constant(b, 1),
      ValueRange{}, [&](OpBuilder &lb, Location, Value lane, ValueRange) {
        Value group = arith::DivUIOp::create(lb, loc, lane, constant(lb, 4));
        Value thread = arith::RemUIOp::create(lb, loc, lane, constant(lb, 4));
        for (int64_t i = 0; i < kAccumulators; ++i) {
          // Value i of the lane is D(row, col): row groupID (+8 for
          // i >= 2), column 2 threadID_in_group + i mod 2.
          Value row = add(lb, group, 8 * (i / 2));
          Value col = add(lb, mul(lb, thread, 2), i % 2);
          Value slot = constant(lb, i);
          Value c =
              memref::LoadOp::create(lb, loc, fragC, ValueRange{lane, slot});
          memref::StoreOp::create(
              lb, loc, buildEmulatedDot(lb, fragA, fragB, row, col, c), fragC,
              ValueRange{lane, slot});
        }
        scf::YieldOp::create(lb, loc);
      });
}

void MmaRewriter::buildEmulatedWarp(OpBuilder &b, const WarpTile &tile) {
  Type i32 = b.getI32Type();
  auto fragment = [&](int64_t registers) -> Value {
    return memref::AllocOp::create(
        b, loc, MemRefType::get({kWarpSize, registers}, i32));
  };
  Value fragA = fragment(kRegistersA), fragB = fragment(kRegistersB),
        fragC = fragment(kAccumulators);
  Value zero = constant(b, 0), one = constant(b, 1);
  Value warpSize = constant(b, kWarpSize);
  // Each lane's part of the warp-level operation, one lane after another.
  auto forEachLane = [&](OpBuilder &ob,
                         function_ref<void(OpBuilder &, Value)> body) {
    scf::ForOp::create(ob, loc, zero, warpSize, one, ValueRange{},
                       [&](OpBuilder &lb, Location, Value lane, ValueRange) {
                         body(lb, lane);
                         scf::YieldOp::create(lb, loc);
                       });
  };
  auto storeRegisters = [&](OpBuilder &sb, Value lane, Value fragmentBuffer,
                            ValueRange values) {
    for (auto [i, value] : llvm::enumerate(values))
      memref::StoreOp::create(sb, loc, value, fragmentBuffer,
                              ValueRange{lane, constant(sb, i)});
  };
  forEachLane(b, [&](OpBuilder &lb, Value lane) {
    storeRegisters(lb, lane, fragC, loadAccumulators(lb, tile, lane));
  });
  int64_t paddedK = llvm::divideCeil(sizeK, kTileK) * kTileK;
  scf::ForOp::create(
      b, loc, zero, constant(b, paddedK), constant(b, kTileK), ValueRange{},
      [&](OpBuilder &fb, Location, Value k0, ValueRange) {
        forEachLane(fb, [&](OpBuilder &lb, Value lane) {
          SmallVector<Value> a, bRegs;
          for (int64_t reg = 0; reg < kRegistersA; ++reg)
            a.push_back(loadRegisterA(lb, tile, lane, k0, reg));
          for (int64_t reg = 0; reg < kRegistersB; ++reg)
            bRegs.push_back(loadRegisterB(lb, tile, lane, k0, reg));
          storeRegisters(lb, lane, fragA, a);
          storeRegisters(lb, lane, fragB, bRegs);
        });
        buildEmulatedMma(fb, fragA, fragB, fragC);
        scf::YieldOp::create(fb, loc);
      });
  forEachLane(b, [&](OpBuilder &lb, Value lane) {
    SmallVector<Value> values;
    for (int64_t i = 0; i < kAccumulators; ++i)
      values.push_back(memref::LoadOp::create(
          lb, loc, fragC, ValueRange{lane, constant(lb, i)}));
    storeAccumulators(lb, tile, lane, values);
  });
  for (Value buffer : {fragA, fragB, fragC})
    memref::DeallocOp::create(b, loc, buffer);
}

void MmaRewriter::rewrite(bool emulate) {
  OpBuilder b(op);
  int64_t tilesM = llvm::divideCeil(sizeM, kTileM);
  int64_t tilesN = llvm::divideCeil(sizeN, kTileN);
  // Warps past the matrix where the tile counts are not multiples of the
  // warps of a block.
  bool guardWarps = tilesM % warpsM != 0 || tilesN % warpsN != 0;
  Value zero = constant(b, 0), one = constant(b, 1);

  // Blocks: the batch dimensions, then block rows and columns of warps.
  SmallVector<Value> lowerBounds, upperBounds, steps;
  for (unsigned dim : dims.batch) {
    lowerBounds.push_back(zero);
    upperBounds.push_back(constant(b, dims.sizes[dim]));
    steps.push_back(one);
  }
  for (int64_t blocks :
       {llvm::divideCeil(tilesM, warpsM), llvm::divideCeil(tilesN, warpsN)}) {
    lowerBounds.push_back(zero);
    upperBounds.push_back(constant(b, blocks));
    steps.push_back(one);
  }

  auto buildBlock = [&](OpBuilder &pb, Location, ValueRange blockIvs) {
    WarpTile tile;
    tile.loopIndices.assign(dims.sizes.size(), zero);
    for (auto [dim, iv] : llvm::zip(dims.batch, blockIvs))
      tile.loopIndices[dim] = iv;
    Value blockM = blockIvs[dims.batch.size()];
    Value blockN = blockIvs[dims.batch.size() + 1];

    // Threads: warps along M and N, then the 32 lanes of a warp.
    SmallVector<Value> threadUpper = {constant(pb, warpsM),
                                      constant(pb, warpsN)};
    if (!emulate)
      threadUpper.push_back(constant(pb, kWarpSize));
    SmallVector<Value> threadLower(threadUpper.size(), zero);
    SmallVector<Value> threadSteps(threadUpper.size(), one);
    auto threads = scf::ParallelOp::create(
        pb, loc, threadLower, threadUpper, threadSteps,
        [&](OpBuilder &tb, Location, ValueRange ivs) {
          Value warpM =
              arith::AddIOp::create(tb, loc, mul(tb, blockM, warpsM), ivs[0]);
          Value warpN =
              arith::AddIOp::create(tb, loc, mul(tb, blockN, warpsN), ivs[1]);
          WarpTile warp = tile;
          warp.rowBase = mul(tb, warpM, kTileM);
          warp.colBase = mul(tb, warpN, kTileN);
          auto body = [&](OpBuilder &wb) {
            if (emulate)
              buildEmulatedWarp(wb, warp);
            else
              buildWarp(wb, warp, ivs[2]);
          };
          if (!guardWarps)
            return body(tb);
          // Uniform across the lanes of a warp: mma.sync needs all 32.
          Value inside = arith::AndIOp::create(
              tb, loc,
              arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::ult, warpM,
                                    constant(tb, tilesM)),
              arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::ult, warpN,
                                    constant(tb, tilesN)));
          scf::IfOp::create(tb, loc, inside, [&](OpBuilder &ib, Location) {
            body(ib);
            scf::YieldOp::create(ib, loc);
          });
        });
    if (!emulate)
      setMapping(threads, {gpu::Processor::ThreadX, gpu::Processor::ThreadY,
                           gpu::Processor::ThreadZ});
  };
  auto blocks = scf::ParallelOp::create(b, loc, lowerBounds, upperBounds, steps,
                                        buildBlock);
  setMapping(blocks, {gpu::Processor::BlockX, gpu::Processor::BlockY,
                      gpu::Processor::BlockZ});
  op.erase();
}

struct GPUMmaPass : public quantc::impl::GPUMmaPassBase<GPUMmaPass> {
  using GPUMmaPassBase::GPUMmaPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<int64_t> warpCounts(warps.begin(), warps.end());
    if (warpCounts.empty())
      warpCounts = {2, 2};
    if (warpCounts.size() != 2 || warpCounts[0] < 1 || warpCounts[1] < 1 ||
        warpCounts[0] * warpCounts[1] * kWarpSize > 1024) {
      module.emitError("quant-gpu-mma: 'warps' must be two positive counts "
                       "(along M and N) of at most 32 warps in all (1024 "
                       "threads per block)");
      return signalPassFailure();
    }
    struct Candidate {
      linalg::GenericOp op;
      MatmulDims dims;
    };
    SmallVector<Candidate> candidates;
    WalkResult walk = module.walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics()) {
        op.emitError("quant-gpu-mma runs on buffers: bufferize first "
                     "(the NVPTX pipeline runs it after one-shot-bufferize)");
        return WalkResult::interrupt();
      }
      std::optional<ByteContraction> contraction = matchByteContraction(op);
      if (!contraction)
        return WalkResult::advance();
      if (std::optional<MatmulDims> dims = matchMatmul(op, *contraction))
        candidates.push_back({op, *dims});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    for (Candidate &candidate : candidates)
      MmaRewriter(candidate.op, candidate.dims, warpCounts[0], warpCounts[1])
          .rewrite(emulateMma);
    numRewritten += candidates.size();
  }
};

} // namespace
