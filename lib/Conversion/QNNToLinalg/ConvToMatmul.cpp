//===- ConvToMatmul.cpp - qnn.conv2d as im2col + qnn.matmul -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-conv-to-matmul: a qnn.conv2d with constant weights and one group
// becomes a qnn.matmul of its im2col patches [N, OH*OW, K] by the weights
// reordered at compile time to [K, F], so that the targets' matmul kernels
// (quant-x86-vnni, quant-neon-contraction, quant-gpu-dp4a) and the matmul's
// fused requantize epilogue run convolutions too. Layout work happens on
// the storage integers, between quant.scast ops; only the qnn.matmul sees
// quantized types, and quant-lower-qnn lowers it as any other.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "LoweringHelpers.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace quantc {
#define GEN_PASS_DEF_CONVTOMATMULPASS
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

/// `type` of shape `shape` with per-axis parameters, if any, on `axis`:
/// those of channels [begin, begin + count), or all without `count`.
Type withShapeAndAxis(RankedTensorType type, ArrayRef<int64_t> shape,
                      int32_t axis, int64_t begin = 0,
                      std::optional<int64_t> count = std::nullopt) {
  Type element = type.getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    ArrayRef<double> scales = perAxis.getScales();
    ArrayRef<int64_t> zeroPoints = perAxis.getZeroPoints();
    if (count) {
      scales = scales.slice(begin, *count);
      zeroPoints = zeroPoints.slice(begin, *count);
    }
    element = quant::UniformQuantizedPerAxisType::get(
        perAxis.getFlags(), perAxis.getStorageType(),
        perAxis.getExpressedType(), scales, zeroPoints, axis,
        perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
  }
  return RankedTensorType::get(shape, element);
}

/// `type` with `count` entries from `begin` along dimension 0, per-axis
/// parameters on that axis sliced with it.
RankedTensorType sliceFirstDim(RankedTensorType type, int64_t begin,
                               int64_t count) {
  SmallVector<int64_t> shape(type.getShape());
  shape[0] = count;
  return cast<RankedTensorType>(
      withShapeAndAxis(type, shape, /*axis=*/0, begin, count));
}

/// Offsets, sizes and unit strides of [begin, begin + count) along `dim`
/// of a tensor of `shape`, whole along the other dimensions.
struct SliceBounds {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};
SliceBounds sliceAlong(Builder &b, ArrayRef<int64_t> shape, unsigned dim,
                       int64_t begin, int64_t count) {
  SliceBounds bounds;
  for (auto [d, size] : llvm::enumerate(shape)) {
    bounds.offsets.push_back(b.getIndexAttr(d == dim ? begin : 0));
    bounds.sizes.push_back(b.getIndexAttr(d == dim ? count : size));
    bounds.strides.push_back(b.getIndexAttr(1));
  }
  return bounds;
}

/// `count` entries from `begin` along `dim` of `value`, a quantized tensor
/// sliced on its storage integers (or a plain one); `type` is the slice's
/// type.
Value sliceQuantized(OpBuilder &b, Location loc, Value value, unsigned dim,
                     int64_t begin, int64_t count, RankedTensorType type) {
  auto full = cast<RankedTensorType>(value.getType());
  bool quantized = isa<quant::QuantizedType>(full.getElementType());
  auto storageType = cast<RankedTensorType>(getStorageShapedType(type));
  // A constant vector (a bias) is sliced at compile time: the kernels'
  // fused epilogues read plain constants, not offset views.
  std::optional<SmallVector<int64_t>> constant;
  if (full.getRank() == 1 && storageType.getElementType().isInteger())
    constant = getStoredIntegers(value, /*isSigned=*/true);
  if (constant) {
    unsigned width = storageType.getElementTypeBitWidth();
    SmallVector<APInt> values;
    for (int64_t v : ArrayRef<int64_t>(*constant).slice(begin, count))
      values.emplace_back(width, v, /*isSigned=*/true,
                          /*implicitTrunc=*/true);
    Value slice = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(storageType, values));
    return quantized ? quant::StorageCastOp::create(b, loc, type, slice)
                     : slice;
  }
  Value storage = quantized ? quant::StorageCastOp::create(
                                  b, loc, getStorageShapedType(full), value)
                            : value;
  SliceBounds bounds = sliceAlong(b, full.getShape(), dim, begin, count);
  Value slice = tensor::ExtractSliceOp::create(b, loc, storageType, storage,
                                               bounds.offsets, bounds.sizes,
                                               bounds.strides);
  return quantized ? quant::StorageCastOp::create(b, loc, type, slice)
                   : slice;
}

/// The [K, F] weights, K in (kh, kw, c) order, of a one-group conv with
/// `filters` filters of `kernel` taps over `channels` channels, from its
/// stored weights (row-major FCHW, or OHWI when `channelsLast`).
/// Quantized like `type`, the weights' type.
Value buildWeightMatrix(OpBuilder &b, Location loc, RankedTensorType type,
                        ArrayRef<int64_t> values, ArrayRef<int64_t> kernel,
                        int64_t channels, int64_t filters, bool channelsLast) {
  auto storage = cast<RankedTensorType>(getStorageShapedType(type));
  unsigned width = storage.getElementTypeBitWidth();
  int64_t kh = kernel[0], kw = kernel[1], k = kh * kw * channels;
  SmallVector<APInt> transposed;
  transposed.reserve(values.size());
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t f = 0; f < filters; ++f) {
          int64_t at = channelsLast ? ((f * kh + y) * kw + x) * channels + c
                                    : ((f * channels + c) * kh + y) * kw + x;
          transposed.emplace_back(width, values[at], /*isSigned=*/true,
                                  /*implicitTrunc=*/true);
        }
  auto matrixType = RankedTensorType::get({k, filters},
                                          storage.getElementType());
  Value matrix = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(matrixType, transposed));
  return quant::StorageCastOp::create(
      b, loc, withShapeAndAxis(type, {k, filters}, /*axis=*/1), matrix);
}

/// The im2col patches of the NHWC storage input `x` as [N, OH * OW, K], K
/// in (kh, kw, c) order. Taps in the padding read the input zero point
/// `zeroPoint`. A stride-1 1x1 conv without padding reads its input in
/// place.
Value buildPatches(OpBuilder &b, Location loc, const ConvWindow &window,
                   Value x, int64_t zeroPoint, ArrayRef<int64_t> kernel,
                   ArrayRef<int64_t> outHW) {
  auto xType = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> strides = window.strides;
  ArrayRef<int64_t> dilations = window.dilations;
  ArrayRef<int64_t> padding = window.padding;
  bool padded = llvm::any_of(padding, [](int64_t p) { return p != 0; });
  int64_t batch = xType.getDimSize(0);
  int64_t channels = xType.getDimSize(3);
  int64_t k = channels * kernel[0] * kernel[1];
  Type storage = xType.getElementType();
  auto patchesType =
      RankedTensorType::get({batch, outHW[0] * outHW[1], k}, storage);
  SmallVector<ReassociationIndices> toRows{{0}, {1, 2}, {3, 4, 5}};
  if (!padded && kernel[0] == 1 && kernel[1] == 1 && strides[0] == 1 &&
      strides[1] == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, patchesType, x,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}});

  // Loops (n, oh, ow, kh, kw, c) over the patches tensor; the channels,
  // innermost, are contiguous in both the input and the patches.
  SmallVector<int64_t> shape{batch,     outHW[0],  outHW[1],
                             kernel[0], kernel[1], channels};
  Value init = tensor::EmptyOp::create(b, loc, shape, storage);
  AffineMap identity = b.getMultiDimIdentityMap(6);
  auto parallel =
      SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel);
  Value gathered;
  if (!padded) {
    MLIRContext *ctx = b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineExpr h = d(1) * strides[0] + d(3) * dilations[0],
               w = d(2) * strides[1] + d(4) * dilations[1];
    AffineMap read = AffineMap::get(6, 0, {d(0), h, w, d(5)}, ctx);
    gathered = linalg::GenericOp::create(
                   b, loc, TypeRange{init.getType()}, ValueRange{x},
                   ValueRange{init}, ArrayRef<AffineMap>{read, identity},
                   parallel,
                   [](OpBuilder &nb, Location l, ValueRange args) {
                     linalg::YieldOp::create(nb, l, args[0]);
                   })
                   .getResult(0);
  } else {
    // The padding folded into the gather (buildPaddedWindowRead): a tap
    // outside the input reads the zero point without a padded copy.
    gathered = linalg::GenericOp::create(
                   b, loc, TypeRange{init.getType()}, ValueRange{},
                   ValueRange{init}, ArrayRef<AffineMap>{identity}, parallel,
                   [&](OpBuilder &nb, Location l, ValueRange) {
                     linalg::YieldOp::create(
                         nb, l,
                         lowering::buildPaddedWindowRead(
                             nb, l, x, strides, dilations, padding,
                             zeroPoint));
                   })
                   .getResult(0);
  }
  // The window, for targets that gather patches inside their matmul kernel
  // instead (quant-x86-vnni); the generic alone stays correct without it.
  Builder attrs(b.getContext());
  gathered.getDefiningOp()->setAttr(
      kIm2colAttrName,
      attrs.getDictionaryAttr({
          attrs.getNamedAttr("kernel", attrs.getDenseI64ArrayAttr(kernel)),
          attrs.getNamedAttr("strides", attrs.getDenseI64ArrayAttr(strides)),
          attrs.getNamedAttr("dilations",
                             attrs.getDenseI64ArrayAttr(dilations)),
          attrs.getNamedAttr("padding", attrs.getDenseI64ArrayAttr(padding)),
          attrs.getNamedAttr("zero_point",
                             attrs.getI64IntegerAttr(zeroPoint)),
      }));
  return tensor::CollapseShapeOp::create(b, loc, patchesType, gathered,
                                         toRows);
}

/// The fewest input channels per group for which a grouped conv runs as
/// matmuls rather than the generic grouped contraction: 4 where each group
/// is a matmul of its own (weight zero points), 2 where groups merge
/// (symmetric weights: 32 groups of 2 channels at 56x56 took 242 us merged
/// against 846 us generic). One channel per group is depthwise, which
/// quant-lower-qnn's depthwise form takes.
constexpr int64_t kMinGroupChannels = 4;
constexpr int64_t kMinMergedGroupChannels = 2;

/// Columns a matmul of merged groups may reach: one 16-lane vector. On the
/// bench's 3x3 64->64 conv in 16 groups of 4 (one thread): 584 us with a
/// matmul per group, 288 us with groups merged 4 at a time (16 columns),
/// 561 us all merged (64 columns: 4x the products); 16 groups of 16
/// channels: 243 us per group, 545 us all merged.
constexpr int64_t kMergedGroupColumns = 16;

/// A grouped `conv` (static shapes, constant `weights`, `symmetric`: no
/// weight zero point) as matmuls over consecutive groups (see
/// kMergedGroupColumns).
Value buildGroupedConvAsMatmuls(OpBuilder &b, Location loc, Conv2DOp conv,
                                ArrayRef<int64_t> weights, bool symmetric,
                                ArrayRef<int64_t> kernel,
                                const ConvWindow &window) {
  auto xType = cast<RankedTensorType>(conv.getInput().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto outType = cast<RankedTensorType>(conv.getType());
  bool channelsLast = window.channelsLast;
  int64_t groups = conv.getGroups();
  int64_t filters = wType.getDimSize(0);
  int64_t channels = wType.getDimSize(channelsLast ? 3 : 1);
  // One matmul per `merge` consecutive groups on their slice of the
  // input channels, filters, bias and corrections, the results written
  // into their slices of the output channels. With symmetric weights,
  // groups merge into one matmul of block-diagonal weights (the zeros
  // between groups add nothing) until it has kMergedGroupColumns
  // columns: a group of 4 filters alone fills a quarter of a vector.
  // The corrections keep their values: the same K per filter, and with
  // zw = 0 the zeros change no sum.
  unsigned channelDim = channelsLast ? 3 : 1;
  int64_t groupFilters = filters / groups;
  int64_t taps = kernel[0] * kernel[1];
  int64_t merge = 1;
  if (symmetric)
    for (int64_t k = groups; k > 1; --k)
      if (groups % k == 0 && k * groupFilters <= kMergedGroupColumns) {
        merge = k;
        break;
      }
  int64_t mergedChannels = merge * channels;
  int64_t mergedFilters = merge * groupFilters;
  auto storageOut = cast<RankedTensorType>(getStorageShapedType(outType));
  Value out = tensor::EmptyOp::create(b, loc, storageOut.getShape(),
                                      storageOut.getElementType());
  for (int64_t part = 0; part < groups / merge; ++part) {
    SmallVector<int64_t> xShape(xType.getShape());
    xShape[channelDim] = mergedChannels;
    Value x = sliceQuantized(
        b, loc, conv.getInput(), channelDim, part * mergedChannels,
        mergedChannels, RankedTensorType::get(xShape, xType.getElementType()));
    int64_t firstFilter = part * mergedFilters;
    Value bias;
    if (Value fullBias = conv.getBias())
      bias = sliceQuantized(
          b, loc, fullBias, 0, firstFilter, mergedFilters,
          sliceFirstDim(cast<RankedTensorType>(fullBias.getType()),
                        firstFilter, mergedFilters));
    DenseI64ArrayAttr corrections;
    if (auto all = conv.getZeroPointCorrectionsAttr())
      corrections = b.getDenseI64ArrayAttr(
          all.asArrayRef().slice(firstFilter, mergedFilters));
    SmallVector<int64_t> yShape(outType.getShape());
    yShape[channelDim] = mergedFilters;
    auto yType = RankedTensorType::get(yShape, outType.getElementType());
    // The part's weights [mergedFilters, taps, mergedChannels] in the
    // conv's layout, each filter's channels at its group's offset.
    SmallVector<int64_t> partWeights(mergedFilters * mergedChannels * taps,
                                     0);
    for (int64_t f = 0; f < mergedFilters; ++f)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t t = 0; t < taps; ++t) {
          int64_t to = (f / groupFilters) * channels + c;
          int64_t from = firstFilter + f;
          partWeights[channelsLast ? (f * taps + t) * mergedChannels + to
                                   : (f * mergedChannels + to) * taps + t] =
              weights[channelsLast ? (from * taps + t) * channels + c
                                   : (from * channels + c) * taps + t];
        }
    auto buildRhs = [&](OpBuilder &rb) {
      return buildWeightMatrix(
          rb, loc, sliceFirstDim(wType, firstFilter, mergedFilters),
          partWeights, kernel, mergedChannels, mergedFilters, channelsLast);
    };
    Value y = buildConvAsMatmul(b, loc, x, buildRhs, bias, corrections,
                                yType, kernel, window);
    y = quant::StorageCastOp::create(b, loc, getStorageShapedType(yType),
                                     y);
    SliceBounds into = sliceAlong(b, outType.getShape(), channelDim,
                                  firstFilter, mergedFilters);
    out = tensor::InsertSliceOp::create(b, loc, y, out, into.offsets,
                                        into.sizes, into.strides);
  }
  return quant::StorageCastOp::create(b, loc, outType, out);
}

/// Rewrites `conv` when it qualifies (see Passes.td); returns whether it
/// did.
bool rewriteConv(Conv2DOp conv) {
  auto xType = dyn_cast<RankedTensorType>(conv.getInput().getType());
  auto wType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
  auto outType = dyn_cast<RankedTensorType>(conv.getType());
  if (!xType || !wType || !outType || !xType.hasStaticShape() ||
      !wType.hasStaticShape() || !outType.hasStaticShape())
    return false;
  std::optional<UniformParams> xP = getUniformParams(xType);
  std::optional<UniformParams> wP = getUniformParams(wType);
  std::optional<UniformParams> outP = getUniformParams(outType);
  if (!xP || !wP || !outP || xP->isPerAxis() ||
      (wP->isPerAxis() && *wP->axis != 0))
    return false;
  bool channelsLast = conv.isChannelsLast();
  int64_t groups = conv.getGroups();
  int64_t filters = wType.getDimSize(0);
  // Channels per group: the weights' channel dimension.
  int64_t channels = wType.getDimSize(channelsLast ? 3 : 1);
  bool symmetric =
      llvm::all_of(wP->zeroPoints, [](int64_t zp) { return zp == 0; });
  int64_t minChannels =
      symmetric ? kMinMergedGroupChannels : kMinGroupChannels;
  if (groups != 1 && (channels < minChannels || outP->isPerAxis()))
    return false;
  // The stored weights, row-major, when they are a constant.
  std::optional<SmallVector<int64_t>> weights =
      getStoredIntegers(conv.getWeight(), wP->isSigned());
  if (!weights)
    return false;

  SmallVector<int64_t> kernel{wType.getDimSize(channelsLast ? 1 : 2),
                              wType.getDimSize(channelsLast ? 2 : 3)};
  ConvWindow window{llvm::to_vector<2>(conv.getStrides()),
                    llvm::to_vector<2>(conv.getDilations()),
                    llvm::to_vector<4>(conv.getPadding()), channelsLast};

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  Value result;
  if (groups == 1) {
    auto buildRhs = [&](OpBuilder &rb) {
      return buildWeightMatrix(rb, loc, wType, *weights, kernel, channels,
                               filters, channelsLast);
    };
    result = buildConvAsMatmul(b, loc, conv.getInput(), buildRhs,
                               conv.getBias(),
                               conv.getZeroPointCorrectionsAttr(), outType,
                               kernel, window);
  } else {
    result = buildGroupedConvAsMatmuls(b, loc, conv, *weights, symmetric,
                                       kernel, window);
  }
  conv.replaceAllUsesWith(result);
  Value oldWeights = conv.getWeight();
  conv.erase();
  if (auto cast = oldWeights.getDefiningOp<quant::StorageCastOp>();
      cast && cast->use_empty()) {
    Operation *constant = cast.getInput().getDefiningOp();
    cast.erase();
    if (constant && constant->use_empty())
      constant->erase();
  }
  return true;
}

struct ConvToMatmulPass
    : public quantc::impl::ConvToMatmulPassBase<ConvToMatmulPass> {
  void runOnOperation() override {
    SmallVector<Conv2DOp> convs;
    getOperation()->walk([&](Conv2DOp conv) { convs.push_back(conv); });
    for (Conv2DOp conv : convs)
      rewriteConv(conv);
  }
};

} // namespace

Value quantc::buildConvAsMatmul(OpBuilder &b, Location loc, Value input,
                                function_ref<Value(OpBuilder &)> buildWeights,
                                Value bias,
                                DenseI64ArrayAttr zeroPointCorrections,
                                RankedTensorType outType,
                                ArrayRef<int64_t> kernel,
                                const ConvWindow &window) {
  auto xType = cast<RankedTensorType>(input.getType());
  UniformParams xP = *getUniformParams(xType);
  unsigned spatialDim = window.channelsLast ? 1 : 2;
  SmallVector<int64_t> outHW{outType.getDimSize(spatialDim),
                             outType.getDimSize(spatialDim + 1)};
  int64_t batch = xType.getDimSize(0);
  int64_t rows = outHW[0] * outHW[1];

  Value x = quant::StorageCastOp::create(b, loc, getStorageShapedType(xType),
                                         input);
  // NCHW to NHWC: each tap of the gather then copies C contiguous bytes.
  if (!window.channelsLast)
    x = lowering::buildTranspose(b, loc, x, {0, 2, 3, 1});
  Value patches =
      buildPatches(b, loc, window, x, xP.zeroPoint(0), kernel, outHW);
  int64_t k = cast<RankedTensorType>(patches.getType()).getDimSize(2);
  Value lhs = quant::StorageCastOp::create(
      b, loc, RankedTensorType::get({batch, rows, k}, xType.getElementType()),
      patches);
  Value weightMatrix = buildWeights(b);
  int64_t filters =
      cast<RankedTensorType>(weightMatrix.getType()).getDimSize(1);
  auto matmulType = RankedTensorType::get({batch, rows, filters},
                                          outType.getElementType());
  // A conv's accumulator is proven without a split (its verifier), and the
  // matmul has the same K and weights; per-group weights sum each group
  // on its own.
  auto matmul = MatmulOp::create(b, loc, matmulType, lhs, weightMatrix, bias,
                                 zeroPointCorrections,
                                 /*accumulator_chunk=*/nullptr);

  // [N, OH * OW, F] back to the conv's layout, on the storage integers.
  Value y = quant::StorageCastOp::create(
      b, loc, getStorageShapedType(matmulType), matmul.getResult());
  auto storageOut = cast<RankedTensorType>(getStorageShapedType(outType));
  if (!window.channelsLast)
    y = lowering::buildTranspose(b, loc, y, {0, 2, 1});
  SmallVector<ReassociationIndices> split =
      window.channelsLast
          ? SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}}
          : SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}};
  y = tensor::ExpandShapeOp::create(b, loc, storageOut, y, split);
  return quant::StorageCastOp::create(b, loc, outType, y).getResult();
}

Value quantc::buildPerGroupConvWeightMatrix(OpBuilder &b, Location loc,
                                            RankedTensorType type,
                                            ArrayRef<int64_t> stored,
                                            unsigned storedBitWidth,
                                            bool channelsLast) {
  auto blocked =
      cast<quant::UniformQuantizedSubChannelType>(type.getElementType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t filters = shape[0], channels = shape[channelsLast ? 3 : 1];
  int64_t kh = shape[channelsLast ? 1 : 2], kw = shape[channelsLast ? 2 : 3];
  int64_t block = channels / blocked.getScales().getType().getDimSize(
                                 channelsLast ? 3 : 1);
  int64_t blocks = channels / block, k = kh * kw * channels;
  // Row-major offsets of (f, c, y, x) in the weights and (f, cb, y, x) in
  // their parameters.
  auto weightAt = [&](int64_t f, int64_t c, int64_t y, int64_t x) {
    return channelsLast ? ((f * kh + y) * kw + x) * channels + c
                        : ((f * channels + c) * kh + y) * kw + x;
  };
  auto paramAt = [&](int64_t f, int64_t cb, int64_t y, int64_t x) {
    return channelsLast ? ((f * kh + y) * kw + x) * blocks + cb
                        : ((f * blocks + cb) * kh + y) * kw + x;
  };
  SmallVector<APInt> matrix;
  matrix.reserve(k * filters);
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t f = 0; f < filters; ++f)
          matrix.emplace_back(storedBitWidth, stored[weightAt(f, c, y, x)],
                              /*isSigned=*/true, /*implicitTrunc=*/true);
  SmallVector<Attribute> scales(blocked.getScales().getValues<Attribute>());
  SmallVector<Attribute> zeroPoints(
      blocked.getZeroPoints().getValues<Attribute>());
  SmallVector<Attribute> groupScales, groupZeroPoints;
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      for (int64_t cb = 0; cb < blocks; ++cb)
        for (int64_t f = 0; f < filters; ++f) {
          groupScales.push_back(scales[paramAt(f, cb, y, x)]);
          groupZeroPoints.push_back(zeroPoints[paramAt(f, cb, y, x)]);
        }
  SmallVector<int64_t> paramShape{k / block, filters};
  auto element = quant::UniformQuantizedSubChannelType::get(
      blocked.getFlags(), blocked.getStorageType(), blocked.getExpressedType(),
      DenseElementsAttr::get(
          blocked.getScales().getType().clone(paramShape), groupScales),
      DenseElementsAttr::get(
          blocked.getZeroPoints().getType().clone(paramShape),
          groupZeroPoints),
      /*quantizedDimensions=*/{0, 1}, /*blockSizes=*/{block, 1},
      blocked.getStorageTypeMin(), blocked.getStorageTypeMax());
  auto storage = RankedTensorType::get(
      {k, filters}, IntegerType::get(b.getContext(), storedBitWidth));
  Value constant = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(storage, matrix));
  return quant::StorageCastOp::create(
      b, loc, RankedTensorType::get({k, filters}, element), constant);
}
