//===- X86Depthwise.cpp - Depthwise convolutions as vector loops -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-x86-depthwise: quant-lower-qnn's depthwise contraction (marked
// quantc.depthwise), on buffers, becomes explicit vector code: per output
// pixel and 16 channels, a vector<16xi32> accumulator stays in a register
// across the KH x KW taps and is stored once. LLVM's own vectorization of
// the generic loads and stores the accumulator at every tap, and inside an
// OpenMP loop body it vectorizes nothing (the outlined function's buffers
// may alias); explicit vectors make the rows an OpenMP loop too.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "KernelBuilding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace quantc {
#define GEN_PASS_DEF_X86DEPTHWISEPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

constexpr int64_t kLanes = 16;

bool isStaticIdentity(Type type, unsigned rank, unsigned width) {
  return quantc::isStaticIdentityMemRef(type) &&
         cast<MemRefType>(type).getRank() == rank &&
         cast<MemRefType>(type).getElementType().isInteger(width);
}

/// A matched depthwise contraction: acc [N, OH, OW, C] i32 += ext(x [N, H,
/// W, C]) * ext(w [KH, KW, C]) over the window.
struct Depthwise {
  mutable linalg::GenericOp op;
  Value x, w, acc;
  bool xSigned = false, wSigned = false;
  SmallVector<int64_t> strides, dilations, padding;
  int64_t zeroPoint = 0;
  /// Filters per input channel: output channel f reads input channel f / M.
  int64_t multiplier = 1;
};

/// Whether the body reads the input at channel `linalg.index 5` divided
/// by `multiplier` (just the index for 1), as buildPaddedWindowRead writes.
bool readsChannelOver(linalg::GenericOp op, Value x, int64_t multiplier) {
  for (Operation &inner : op.getRegion().front()) {
    auto read = dyn_cast<memref::LoadOp>(inner);
    if (!read || read.getMemRef() != x)
      continue;
    Value channel = read.getIndices().back();
    if (multiplier != 1) {
      auto divide = channel.getDefiningOp<arith::DivUIOp>();
      std::optional<int64_t> by =
          divide ? getConstantIntValue(divide.getRhs()) : std::nullopt;
      if (!by || *by != multiplier)
        return false;
      channel = divide.getLhs();
    }
    auto index = channel.getDefiningOp<linalg::IndexOp>();
    return index && index.getDim() == 5;
  }
  return false;
}

std::optional<Depthwise> match(linalg::GenericOp op) {
  auto window = op->getAttrOfType<DictionaryAttr>(quantc::kDepthwiseAttrName);
  if (!window || !op.hasPureBufferSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  Depthwise d;
  d.op = op;
  d.w = op.getDpsInputs()[0];
  d.acc = op.getDpsInits()[0];
  // The input is what the body loads; the extensions give signedness.
  d.x = quantc::bodyLoadSource(op);
  std::optional<bool> xSigned, wSigned;
  Block &body = op.getRegion().front();
  for (Operation &inner : body) {
    if (!isa<arith::ExtSIOp, arith::ExtUIOp>(inner))
      continue;
    bool isSigned = isa<arith::ExtSIOp>(inner);
    (inner.getOperand(0) == body.getArgument(0) ? wSigned : xSigned) =
        isSigned;
  }
  auto array = [&](StringRef name) -> std::optional<SmallVector<int64_t>> {
    auto attr = window.getAs<DenseI64ArrayAttr>(name);
    if (!attr || attr.size() != (name == "padding" ? 4u : 2u))
      return std::nullopt;
    return SmallVector<int64_t>(attr.asArrayRef());
  };
  auto strides = array("strides"), dilations = array("dilations"),
       padding = array("padding");
  auto zeroPoint = window.getAs<IntegerAttr>("zero_point");
  if (!d.x || !xSigned || !wSigned || !strides || !dilations || !padding ||
      !zeroPoint || !isStaticIdentity(d.x.getType(), 4, 8) ||
      (!isStaticIdentity(d.w.getType(), 3, 8) &&
       !isStaticIdentity(d.w.getType(), 3, 16)) ||
      !isStaticIdentity(d.acc.getType(), 4, 32))
    return std::nullopt;
  auto xShape = cast<MemRefType>(d.x.getType()).getShape();
  auto wShape = cast<MemRefType>(d.w.getType()).getShape();
  auto accShape = cast<MemRefType>(d.acc.getType()).getShape();
  // A channel multiplier M must divide the 16 lanes, so that a chunk of
  // 16 output channels reads 16 / M whole input channels.
  if (xShape[0] != accShape[0] || accShape[3] % xShape[3] != 0 ||
      wShape[2] != accShape[3])
    return std::nullopt;
  d.multiplier = accShape[3] / xShape[3];
  if (kLanes % d.multiplier != 0 ||
      !readsChannelOver(op, d.x, d.multiplier))
    return std::nullopt;
  d.xSigned = *xSigned;
  d.wSigned = *wSigned;
  d.strides = *strides;
  d.dilations = *dilations;
  d.padding = *padding;
  d.zeroPoint = zeroPoint.getInt();
  return d;
}

/// Builds the vector loops of `d` before its op.
class DepthwiseBuilder {
public:
  DepthwiseBuilder(const Depthwise &d)
      : d(d), b(d.op.getOperation()), loc(d.op->getLoc()) {}

  void build(bool parallel, int64_t minParallelMultiplyAdds) {
    auto accShape = cast<MemRefType>(d.acc.getType()).getShape();
    int64_t batch = accShape[0], outH = accShape[1];
    bytes = VectorType::get({kLanes}, b.getI8Type());
    words = VectorType::get({kLanes}, b.getI32Type());
    zeroWords = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(words, b.getI32IntegerAttr(0)));
    padBytes = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(bytes, b.getI8IntegerAttr(int8_t(d.zeroPoint))));
    Type weightType = cast<MemRefType>(d.w.getType()).getElementType();
    zeroBytes = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(bytes, b.getI8IntegerAttr(0)));
    zeroWeights =
        weightType.isInteger(8)
            ? zeroBytes
            : arith::ConstantOp::create(
                  b, loc,
                  DenseElementsAttr::get(VectorType::get({kLanes}, weightType),
                                         b.getIntegerAttr(weightType, 0)));
    int64_t channels = accShape[3];
    auto maskType = VectorType::get({kLanes}, b.getI1Type());
    if (channels % kLanes)
      restMask = vector::ConstantMaskOp::create(
          b, loc, maskType, ArrayRef<int64_t>{channels % kLanes});
    // With a multiplier M, a chunk reads 16 / M input channels (the last
    // one ceil(rest / M)).
    if (d.multiplier != 1) {
      inputMask = vector::ConstantMaskOp::create(
          b, loc, maskType, ArrayRef<int64_t>{kLanes / d.multiplier});
      if (channels % kLanes)
        inputRestMask = vector::ConstantMaskOp::create(
            b, loc, maskType,
            ArrayRef<int64_t>{int64_t(
                llvm::divideCeil(channels % kLanes, d.multiplier))});
    }
    // Output rows (n, oh): an OpenMP loop with `parallel`, for enough work.
    auto weightShape = cast<MemRefType>(d.w.getType()).getShape();
    int64_t multiplyAdds = cast<MemRefType>(d.acc.getType()).getNumElements() *
                           weightShape[0] * weightShape[1];
    if (parallel && batch * outH > 1 &&
        multiplyAdds >= minParallelMultiplyAdds) {
      scf::ParallelOp::create(
          b, loc, ValueRange{index(0), index(0)},
          ValueRange{index(batch), index(outH)},
          ValueRange{index(1), index(1)},
          [&](OpBuilder &nb, Location, ValueRange ivs) {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(nb.getInsertionBlock(),
                                nb.getInsertionPoint());
            buildRow(ivs[0], ivs[1]);
          });
      return;
    }
    forLoop(0, batch, 1, [&](Value n) {
      forLoop(0, outH, 1, [&](Value oh) { buildRow(n, oh); });
    });
  }

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  void forLoop(int64_t lower, int64_t upper, int64_t step,
               function_ref<void(Value)> body) {
    quantc::buildForLoop(b, loc, lower, upper, step, body);
  }

  /// One output row: every pixel, 16 channels at a time.
  void buildRow(Value n, Value oh) {
    auto accShape = cast<MemRefType>(d.acc.getType()).getShape();
    int64_t channels = accShape[3], full = channels / kLanes * kLanes;
    forLoop(0, accShape[2], 1, [&](Value ow) {
      if (full > 0)
        forLoop(0, full, kLanes,
                [&](Value c) { buildChunk(n, oh, ow, c, /*masked=*/false); });
      if (full < channels)
        buildChunk(n, oh, ow, index(full), /*masked=*/true);
    });
  }

  /// An input coordinate; one before the padding wraps to a large index,
  /// so one unsigned compare bounds both sides.
  Value coordinate(Value out, Value tap, unsigned axis) {
    Value scaled =
        arith::MulIOp::create(b, loc, out, index(d.strides[axis]));
    Value dilated =
        arith::MulIOp::create(b, loc, tap, index(d.dilations[axis]));
    Value sum = arith::AddIOp::create(b, loc, scaled, dilated);
    return arith::SubIOp::create(b, loc, sum, index(d.padding[axis]));
  }

  /// 16 values of `buffer` (bytes, or the 16-bit weights of a conv with
  /// weight zero points: quant-lower-qnn centres them at compile time).
  Value load(Value buffer, ValueRange indices, bool masked) {
    auto type = VectorType::get(
        {kLanes}, cast<MemRefType>(buffer.getType()).getElementType());
    if (!masked)
      return vector::LoadOp::create(b, loc, type, buffer, indices);
    return vector::MaskedLoadOp::create(
        b, loc, type, buffer, indices, restMask,
        buffer == d.w ? zeroWeights : zeroBytes);
  }

  /// The input bytes for output channels [c, c + 16) at (n, h, w): the
  /// channels themselves, or with a multiplier M the 16 / M input channels
  /// from c / M, each repeated M times (lane i holds channel (c + i) / M).
  Value loadInput(Value n, Value h, Value w, Value c, bool masked) {
    if (d.multiplier == 1)
      return load(d.x, ValueRange{n, h, w, c}, masked);
    Value inputChannel =
        arith::DivUIOp::create(b, loc, c, index(d.multiplier));
    Value loaded = vector::MaskedLoadOp::create(
        b, loc, bytes, d.x, ValueRange{n, h, w, inputChannel},
        masked ? inputRestMask : inputMask, zeroBytes);
    SmallVector<int64_t> repeat;
    for (int64_t lane = 0; lane < kLanes; ++lane)
      repeat.push_back(lane / d.multiplier);
    return vector::ShuffleOp::create(b, loc, loaded, loaded, repeat);
  }

  Value extend(Value v, bool isSigned) {
    if (isSigned)
      return arith::ExtSIOp::create(b, loc, words, v);
    return arith::ExtUIOp::create(b, loc, words, v);
  }

  /// Channels [c, c + 16) of pixel (n, oh, ow): the taps summed in a
  /// register, stored once.
  void buildChunk(Value n, Value oh, Value ow, Value c, bool masked) {
    auto xShape = cast<MemRefType>(d.x.getType()).getShape();
    auto wShape = cast<MemRefType>(d.w.getType()).getShape();
    auto rows = scf::ForOp::create(
        b, loc, index(0), index(wShape[0]), index(1), ValueRange{zeroWords},
        [&](OpBuilder &rb, Location, Value kh, ValueRange rowAcc) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(rb.getInsertionBlock(), rb.getInsertionPoint());
          Value h = coordinate(oh, kh, 0);
          Value hInside = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ult, h, index(xShape[1]));
          auto taps = scf::ForOp::create(
              b, loc, index(0), index(wShape[1]), index(1), rowAcc,
              [&](OpBuilder &tb, Location, Value kw, ValueRange tapAcc) {
                OpBuilder::InsertionGuard inner(b);
                b.setInsertionPoint(tb.getInsertionBlock(),
                                    tb.getInsertionPoint());
                Value w = coordinate(ow, kw, 1);
                Value wInside = arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::ult, w, index(xShape[2]));
                Value inside = arith::AndIOp::create(b, loc, hInside, wInside);
                auto tap = scf::IfOp::create(b, loc, TypeRange{bytes}, inside,
                                             /*withElseRegion=*/true);
                {
                  OpBuilder::InsertionGuard branch(b);
                  b.setInsertionPointToStart(tap.thenBlock());
                  scf::YieldOp::create(b, loc, loadInput(n, h, w, c, masked));
                  b.setInsertionPointToStart(tap.elseBlock());
                  scf::YieldOp::create(b, loc, padBytes);
                }
                Value x = extend(tap.getResult(0), d.xSigned);
                Value weights =
                    extend(load(d.w, ValueRange{kh, kw, c}, masked), d.wSigned);
                Value product = arith::MulIOp::create(b, loc, x, weights);
                scf::YieldOp::create(
                    b, loc,
                    ValueRange{arith::AddIOp::create(b, loc, tapAcc[0],
                                                     product)});
              });
          scf::YieldOp::create(b, loc, taps.getResults());
        });
    SmallVector<Value> at{n, oh, ow, c};
    if (masked)
      vector::MaskedStoreOp::create(b, loc, d.acc, at, restMask,
                                    rows.getResult(0));
    else
      vector::StoreOp::create(b, loc, rows.getResult(0), d.acc, at);
  }

  const Depthwise &d;
  OpBuilder b;
  Location loc;
  VectorType bytes, words;
  Value zeroWords, padBytes, zeroBytes, zeroWeights, restMask;
  /// The input channels' masks with a channel multiplier.
  Value inputMask, inputRestMask;
};

struct X86DepthwisePass
    : public quantc::impl::X86DepthwisePassBase<X86DepthwisePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Depthwise> matched;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<Depthwise> d = match(op))
        matched.push_back(*d);
    });
    for (const Depthwise &d : matched) {
      DepthwiseBuilder(d).build(parallel, minParallelMultiplyAdds);
      // Every accumulator element is stored: its zero fill goes too.
      for (Operation *user : llvm::make_early_inc_range(d.acc.getUsers()))
        if (auto fill = dyn_cast<linalg::FillOp>(user);
            fill && fill->getBlock() == d.op->getBlock() &&
            fill->isBeforeInBlock(d.op))
          fill->erase();
      d.op->erase();
    }
  }
};

} // namespace
