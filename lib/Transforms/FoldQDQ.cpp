//===- FoldQDQ.cpp - Fold QDQ layers into qnn ops ---------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Rewrites dq -> matmul (+ bias) -> q into qnn.matmul and
// dq -> [pad] -> conv (+ bias) -> q into qnn.conv2d; candidates that are
// not layers go to FoldQDQLayout.cpp (layout ops, pooling, concat). The
// rewrite is a walk over quant.qcast ops, not a greedy pattern driver:
// upstream folds
// quant.dcast(quant.qcast(x)) into x, which would silently drop the
// fake-quantization of every activation this pass does not take over.
//
//===----------------------------------------------------------------------===//

#include "FoldQDQLayout.h"
#include "FoldQDQInternal.h"

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "quantc/Dialect/QNN/Utils/ContractionUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/QuantParams.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "quant-fold-qdq"

namespace quantc {
#define GEN_PASS_DEF_FOLDQDQPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

//===----------------------------------------------------------------------===//
// Matching helpers
//===----------------------------------------------------------------------===//

/// The tosa.matmul behind quant-import's result reshape: a matmul of ONNX
/// shapes other than 2-D is imported as reshape(tosa.matmul(reshape(a),
/// reshape(w))) on [B, M, K] x [B, K, N].
static tosa::MatMulOp reshapedTosaMatmul(Operation *op) {
  auto reshape = dyn_cast_or_null<tosa::ReshapeOp>(op);
  return reshape ? reshape.getInput1().getDefiningOp<tosa::MatMulOp>()
                 : tosa::MatMulOp();
}

static bool isFloatMatmul(Operation *op) {
  return isa_and_nonnull<tosa::MatMulOp, linalg::MatmulOp>(op) ||
         reshapedTosaMatmul(op);
}

/// `value` before a tosa.reshape, if one produced it.
static Value beforeReshape(Value value) {
  if (auto reshape = value.getDefiningOp<tosa::ReshapeOp>())
    return reshape.getInput1();
  return value;
}

/// Whether reshape(tosa.matmul(reshape(lhs), reshape(rhs))) computes
/// lhs x rhs in qnn.matmul's shapes: [L.., M, K] x [K, N] with the rows
/// folded into M of a single batch (shared weights), or [L.., M, K] x
/// [L.., K, N] with the batch dimensions folded into one (both keep their
/// matrix dimensions). The result shape is checked by qnn.matmul's verifier.
static bool isImportedMatmulReshape(Value lhs, Value rhs,
                                    tosa::MatMulOp matmul) {
  auto shape = [](Value v) { return cast<ShapedType>(v.getType()).getShape(); };
  ArrayRef<int64_t> l = shape(lhs), r = shape(rhs);
  ArrayRef<int64_t> a = shape(matmul.getA()), w = shape(matmul.getB());
  if (l.size() < 2 || r.size() < 2 || l.back() != a.back() ||
      r.take_back(2) != w.take_back(2))
    return false;
  if (r.size() == 2)
    return w[0] == 1;
  return l.size() == r.size() && l.drop_back(2) == r.drop_back(2) &&
         l[l.size() - 2] == a[1];
}

/// Whether `op` produces a float 2-D convolution in one of the importer's
/// two forms: linalg.conv_2d_nchw_fchw, or a tensor.collapse_shape of a
/// grouped linalg.conv_2d_ngchw_gfchw.
static bool isFloatConv(Operation *op) {
  if (isa_and_nonnull<linalg::Conv2DNchwFchwOp, tosa::Conv2DOp,
                      tosa::DepthwiseConv2DOp>(op))
    return true;
  auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(op);
  return collapse &&
         collapse.getSrc().getDefiningOp<linalg::Conv2DNgchwGfchwOp>();
}

/// Whether `op` is the contraction of a layer this pass folds.
static bool isLayerCore(Operation *op) {
  return isFloatMatmul(op) || isFloatConv(op);
}

/// The reassociation of a channel split: dimension `split` of a rank-4
/// tensor becomes two (NCHW <-> NGCHW at 1, FCHW <-> GFCHW at 0).
static SmallVector<ReassociationIndices> channelSplit(int64_t split) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0, out = 0; d < 4; ++d) {
    if (d == split) {
      groups.push_back({out, out + 1});
      out += 2;
    } else {
      groups.push_back({out++});
    }
  }
  return groups;
}

/// Whether `value` is a constant whose every element is +0.0 or -0.0.
static bool isZeroFloatConstant(Value value) {
  return matchPattern(value, m_AnyZeroFloat());
}

/// Whether the accumulator `init` of a linalg op starts at zero: a fill of
/// 0.0 or a zero constant, possibly expanded (quant-import expands the NCHW
/// fill of a grouped conv to NGCHW).
static bool isZeroInit(Value init) {
  if (auto expand = init.getDefiningOp<tensor::ExpandShapeOp>())
    init = expand.getSrc();
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return isZeroFloatConstant(fill.getInputs()[0]);
  return isZeroFloatConstant(init);
}


/// Whether `shape` is [1, ..., 1, n] (any rank >= 1).
static bool isBroadcastRow(ArrayRef<int64_t> shape, int64_t n) {
  if (shape.empty() || shape.back() != n)
    return false;
  return llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; });
}

/// Records the ops a builder creates, so that a rewrite abandoned half way
/// can erase them.
struct BuiltOpsRecorder : public OpBuilder::Listener {
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint) override {
    ops.push_back(op);
  }
  SmallVector<Operation *> ops;
};

/// The pieces of one quantized layer in QDQ form: a matmul or a 2-D
/// convolution between a dequantized input and dequantized weights, with an
/// optional bias add, ending in the quantize `output`.
struct QDQLayer {
  enum class Kind { Matmul, Conv2D };
  Kind kind = Kind::Matmul;
  quant::QuantizeCastOp output;
  quant::DequantizeCastOp input;
  quant::DequantizeCastOp weight;
  /// The float bias as the add consumed it, before any reshape/broadcast is
  /// looked through; null without a bias.
  Value bias;
  /// Convolution window (Conv2D only); padding in qnn.conv2d's order
  /// [top, left, bottom, right].
  SmallVector<int64_t, 2> strides, dilations;
  SmallVector<int64_t, 4> padding{0, 0, 0, 0};
  int64_t groups = 1;
  /// TOSA's channels-last conv: input NHWC, weights OHWI (qnn.conv2d's
  /// data_layout "NHWC").
  bool channelsLast = false;
  /// tosa.depthwise_conv2d: weights [KH, KW, C, M], permuted to OHWI
  /// [C * M, KH, KW, 1] at compile time.
  bool hwcmWeights = false;

  StringRef qnnOpName() const {
    return kind == Kind::Matmul ? "qnn.matmul" : "qnn.conv2d";
  }
  StringRef floatOpName() const {
    return kind == Kind::Matmul ? "matmul" : "conv";
  }
  /// The name of the output-channel count in diagnostics.
  StringRef channelsName() const { return kind == Kind::Matmul ? "N" : "F"; }
};

//===----------------------------------------------------------------------===//
// QDQLayerFolder
//===----------------------------------------------------------------------===//

/// Folds the layers of one module. Candidates that do not match are left in
/// QDQ form (and explained when asked); inputs that cannot be folded
/// correctly, such as a bias that overflows int32, are errors.
class QDQLayerFolder {
public:
  QDQLayerFolder(bool explain) : explain(explain) {}

  /// Tries to fold the layer that ends in `output`. Returns failure only
  /// after emitting an error.
  LogicalResult tryFold(quant::QuantizeCastOp output, bool &folded,
                        bool &foldedWeight);

private:
  /// Leaves a candidate in QDQ form: a remark on its output quantize when
  /// explaining. Always failure(); an inactive InFlightDiagnostic would
  /// convert to success().
  LogicalResult reject(const QDQLayer &layer, const Twine &reason) {
    if (explain)
      layer.output->emitRemark("not folded into ")
          << layer.qnnOpName() << ": " << reason;
    return failure();
  }

  LogicalResult matchLayer(quant::QuantizeCastOp output, QDQLayer &layer);
  LogicalResult matchMatmul(Value value, QDQLayer &layer);
  LogicalResult matchConv(Value value, QDQLayer &layer);
  LogicalResult matchTosaConv(Operation *op, QDQLayer &layer);
  FailureOr<Value> permuteHWCMWeight(OpBuilder &builder, QDQLayer &layer,
                                     Value weight);
  LogicalResult matchOperands(Value input, Value weight, QDQLayer &layer);
  FailureOr<Value> channelBias(QDQLayer &layer, int64_t n);
  Value materializeWeight(OpBuilder &builder, QDQLayer &layer,
                          const UniformParams &params, bool &foldedWeight);
  FailureOr<Value> materializeBias(OpBuilder &builder, QDQLayer &layer,
                                   Value bias, const UniformParams &input,
                                   const UniformParams &weight, int64_t n,
                                   bool &hadError);
  LogicalResult verifyOrReject(
      QDQLayer &layer,
      function_ref<LogicalResult(function_ref<InFlightDiagnostic()>)> verify);
  LogicalResult verifyFolded(QDQLayer &layer, Value input, Value weight,
                             Value bias);
  LogicalResult foldPerGroupConv(QDQLayer &layer,
                                 const BlockedParams &blocked, bool &folded);
  Value buildFolded(OpBuilder &builder, QDQLayer &layer, Value input,
                    Value weight, Value bias);

  bool explain;
};

} // namespace

LogicalResult QDQLayerFolder::matchOperands(Value input, Value weight,
                                            QDQLayer &layer) {
  layer.input = input.getDefiningOp<quant::DequantizeCastOp>();
  layer.weight = weight.getDefiningOp<quant::DequantizeCastOp>();
  if (!layer.input)
    return reject(layer,
                  "the " + layer.floatOpName() + " input is not dequantized");
  if (!layer.weight)
    return reject(layer, "the " + layer.floatOpName() +
                             " weights are not dequantized");
  return success();
}

LogicalResult QDQLayerFolder::matchMatmul(Value value, QDQLayer &layer) {
  Operation *op = value.getDefiningOp();
  layer.kind = QDQLayer::Kind::Matmul;
  Value lhs, rhs;
  if (tosa::MatMulOp reshaped = reshapedTosaMatmul(op))
    op = reshaped;
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    if (!isZeroFloatConstant(matmul.getAZp()) ||
        !isZeroFloatConstant(matmul.getBZp()))
      return reject(layer, "tosa.matmul zero points are not constant 0.0");
    lhs = beforeReshape(matmul.getA());
    rhs = beforeReshape(matmul.getB());
    if ((lhs != matmul.getA() || rhs != matmul.getB()) &&
        !isImportedMatmulReshape(lhs, rhs, matmul))
      return reject(layer, "the reshapes around tosa.matmul do not keep the "
                           "matrix dimensions of its operands");
  } else {
    auto linalgMatmul = cast<linalg::MatmulOp>(op);
    if (linalgMatmul.hasUserDefinedMaps())
      return reject(layer, "linalg.matmul with user-defined indexing maps");
    if (!isZeroInit(linalgMatmul.getOutputs()[0]))
      return reject(layer,
                    "linalg.matmul accumulates into a value that is not zero");
    lhs = linalgMatmul.getInputs()[0];
    rhs = linalgMatmul.getInputs()[1];
  }
  return matchOperands(lhs, rhs, layer);
}

LogicalResult QDQLayerFolder::matchTosaConv(Operation *op, QDQLayer &layer) {
  layer.channelsLast = true;
  auto conv = dyn_cast<tosa::Conv2DOp>(op);
  auto depthwise = dyn_cast<tosa::DepthwiseConv2DOp>(op);
  auto attrs = [&](auto tosaConv) {
    ArrayRef<int64_t> pad = tosaConv.getPad(); // top, bottom, left, right
    layer.padding = {pad[0], pad[2], pad[1], pad[3]};
    layer.strides = llvm::to_vector(tosaConv.getStride());
    layer.dilations = llvm::to_vector(tosaConv.getDilation());
    return std::make_tuple(tosaConv.getInput(), tosaConv.getWeight(),
                           tosaConv.getBias(), tosaConv.getInputZp(),
                           tosaConv.getWeightZp(), tosaConv.getAccType());
  };
  auto [input, weight, bias, inputZp, weightZp, accType] =
      conv ? attrs(conv) : attrs(depthwise);
  StringRef name = op->getName().getStringRef();
  if (!isZeroFloatConstant(inputZp) || !isZeroFloatConstant(weightZp))
    return reject(layer, name + " zero points are not constant 0.0");
  if (!accType.isF32()) {
    std::string accName;
    llvm::raw_string_ostream(accName) << accType;
    return reject(layer, name + " accumulates in " + accName + ", not f32");
  }
  if (depthwise) {
    // [KH, KW, C, M]: one group per input channel, M filters each.
    auto weightType = cast<RankedTensorType>(weight.getType());
    layer.groups = weightType.getDimSize(2);
    layer.hwcmWeights = true;
  }
  // TOSA always has a bias operand: all zeros is no bias. A [1] bias
  // broadcasts one value to every channel; only [F] maps to qnn.conv2d.
  if (!isZeroFloatConstant(bias)) {
    if (layer.bias)
      return reject(layer, name + " has a bias and is followed by a bias add");
    layer.bias = bias;
  }
  return matchOperands(input, weight, layer);
}

LogicalResult QDQLayerFolder::matchConv(Value value, QDQLayer &layer) {
  layer.kind = QDQLayer::Kind::Conv2D;
  Operation *op = value.getDefiningOp();
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return matchTosaConv(op, layer);
  linalg::LinalgOp conv;
  Value input, weight;
  if (auto plain = dyn_cast<linalg::Conv2DNchwFchwOp>(op)) {
    conv = plain;
    input = plain.getInputs()[0];
    weight = plain.getInputs()[1];
    layer.strides = llvm::to_vector(plain.getStrides().getValues<int64_t>());
    layer.dilations =
        llvm::to_vector(plain.getDilations().getValues<int64_t>());
  } else {
    // collapse(conv_2d_ngchw_gfchw(expand(x), expand(w))): groups > 1.
    auto collapse = cast<tensor::CollapseShapeOp>(op);
    auto grouped =
        collapse.getSrc().getDefiningOp<linalg::Conv2DNgchwGfchwOp>();
    if (collapse.getReassociationIndices() != channelSplit(1))
      return reject(layer, "the grouped conv result is not collapsed from "
                           "NGFHW to NCHW");
    auto expandedInput =
        grouped.getInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
    if (!expandedInput ||
        expandedInput.getReassociationIndices() != channelSplit(1))
      return reject(layer, "the grouped conv input is not an NCHW tensor "
                           "expanded to NGCHW");
    auto expandedWeight =
        grouped.getInputs()[1].getDefiningOp<tensor::ExpandShapeOp>();
    if (!expandedWeight ||
        expandedWeight.getReassociationIndices() != channelSplit(0))
      return reject(layer, "the grouped conv weights are not FCHW weights "
                           "expanded to GFCHW");
    conv = grouped;
    input = expandedInput.getSrc();
    weight = expandedWeight.getSrc();
    layer.groups = expandedInput.getResultType().getDimSize(1);
    layer.strides = llvm::to_vector(grouped.getStrides().getValues<int64_t>());
    layer.dilations =
        llvm::to_vector(grouped.getDilations().getValues<int64_t>());
  }
  if (!isZeroInit(conv.getDpsInits()[0]))
    return reject(layer, conv->getName().getStringRef() +
                             " accumulates into a value that is not zero");

  // Explicit padding: with 0.0, the float value of the input zero point,
  // only on the spatial dimensions.
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !isZeroFloatConstant(padValue))
      return reject(layer, "the conv input is padded with a value that is "
                           "not constant 0.0");
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (llvm::any_of(llvm::concat<const int64_t>(low, high),
                     ShapedType::isDynamic))
      return reject(layer, "the conv input padding is not static");
    if (low[0] != 0 || low[1] != 0 || high[0] != 0 || high[1] != 0)
      return reject(layer, "the conv input is padded on the batch or "
                           "channel dimension");
    layer.padding = {low[2], low[3], high[2], high[3]};
    input = pad.getSource();
  }
  return matchOperands(input, weight, layer);
}

LogicalResult QDQLayerFolder::matchLayer(quant::QuantizeCastOp output,
                                         QDQLayer &layer) {
  layer.output = output;
  Value core = output.getInput();
  Operation *producer = core.getDefiningOp();
  if (!isLayerCore(producer)) {
    Value lhs, rhs;
    if (auto add = dyn_cast_or_null<tosa::AddOp>(producer)) {
      lhs = add.getInput1();
      rhs = add.getInput2();
    } else if (auto add = dyn_cast_or_null<linalg::AddOp>(producer)) {
      lhs = add.getInputs()[0];
      rhs = add.getInputs()[1];
    } else {
      return failure(); // Not a candidate: nothing to explain.
    }
    if (!isLayerCore(lhs.getDefiningOp()))
      std::swap(lhs, rhs);
    if (!isLayerCore(lhs.getDefiningOp()))
      return failure();
    layer.kind = isFloatMatmul(lhs.getDefiningOp()) ? QDQLayer::Kind::Matmul
                                                    : QDQLayer::Kind::Conv2D;
    if (lhs.getType() != core.getType())
      return reject(layer, "the bias add broadcasts the " +
                               layer.floatOpName() + " result");
    layer.bias = rhs;
    core = lhs;
  }
  if (isFloatMatmul(core.getDefiningOp()))
    return matchMatmul(core, layer);
  return matchConv(core, layer);
}

/// The bias as a value holding one float per output channel, in channel
/// order: looks through the layout ops that put [N] values into the shape of
/// the layer's result (matmul: tosa.reshape to [1, ..., 1, N] or
/// linalg.broadcast of [N]; conv: tosa.reshape to [1, F, 1, 1]).
FailureOr<Value> QDQLayerFolder::channelBias(QDQLayer &layer, int64_t n) {
  Value bias = layer.bias;
  if (layer.kind == QDQLayer::Kind::Conv2D) {
    auto isConvRow = [&](ArrayRef<int64_t> shape) {
      return layer.channelsLast ? shape == ArrayRef<int64_t>{1, 1, 1, n}
                                : shape == ArrayRef<int64_t>{1, n, 1, 1};
    };
    if (auto reshape = bias.getDefiningOp<tosa::ReshapeOp>())
      if (isConvRow(reshape.getType().getShape()))
        bias = reshape.getInput1();
    ArrayRef<int64_t> shape = cast<ShapedType>(bias.getType()).getShape();
    if (!isConvRow(shape) && shape != ArrayRef<int64_t>{n})
      return reject(layer,
                    "the bias is not one value per output channel "
                    "([" +
                        Twine(n) + "] or " +
                        (layer.channelsLast ? "[1, 1, 1, " + Twine(n) + "])"
                                            : "[1, " + Twine(n) + ", 1, 1])"));
    return bias;
  }
  if (auto reshape = bias.getDefiningOp<tosa::ReshapeOp>()) {
    if (isBroadcastRow(reshape.getType().getShape(), n))
      bias = reshape.getInput1();
  } else if (auto broadcast = bias.getDefiningOp<linalg::BroadcastOp>()) {
    auto resultType = cast<ShapedType>(broadcast.getInit().getType());
    ArrayRef<int64_t> dims = broadcast.getDimensions();
    bool allButLast = int64_t(dims.size()) == resultType.getRank() - 1 &&
                      llvm::equal(dims, llvm::seq<int64_t>(0, dims.size()));
    if (allButLast)
      bias = broadcast.getInput();
  }
  if (!isBroadcastRow(cast<ShapedType>(bias.getType()).getShape(), n))
    return reject(layer, "the bias is not a row of " + Twine(n) +
                             " values broadcast over the output");
  return bias;
}

/// The quantized weights: the dcast's operand, with a quant.qcast of a float
/// constant quantized here into an integer constant.
Value QDQLayerFolder::materializeWeight(OpBuilder &builder, QDQLayer &layer,
                                        const UniformParams &params,
                                        bool &foldedWeight) {
  Value weight = layer.weight.getInput();
  auto quantize = weight.getDefiningOp<quant::QuantizeCastOp>();
  if (!quantize)
    return weight;
  std::optional<SmallVector<float>> values =
      getConstantFloats(quantize.getInput());
  if (!values)
    return weight; // A dynamic quantize: it stays, and is lowered later.

  auto weightType = cast<RankedTensorType>(weight.getType());
  auto storageType = cast<RankedTensorType>(getStorageShapedType(weightType));
  int64_t stride = 1, channels = 1;
  if (params.isPerAxis()) {
    ArrayRef<int64_t> shape = weightType.getShape();
    channels = shape[*params.axis];
    for (int64_t d = *params.axis + 1; d < int64_t(shape.size()); ++d)
      stride *= shape[d];
  }
  unsigned width = storageType.getElementTypeBitWidth();
  SmallVector<APInt> stored;
  stored.reserve(values->size());
  int64_t index = 0;
  for (float value : *values) {
    int64_t channel = (index++ / stride) % channels;
    numerics::QuantParams channelParams{float(params.scale(channel)),
                                        params.zeroPoint(channel)};
    int64_t q = numerics::quantize(value, channelParams, params.storageRange());
    stored.emplace_back(width, uint64_t(q), params.isSigned(),
                        /*implicitTrunc=*/true);
  }
  Location loc = quantize.getLoc();
  auto constant = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(storageType, stored));
  foldedWeight = true;
  return quant::StorageCastOp::create(builder, loc, weightType, constant)
      .getResult();
}

/// The bias, given as one value per channel in channel order, as a [N]
/// tensor of 32-bit `!quant.uniform` at scale s_in * s_w. Returns failure
/// after a remark (not foldable) or, with `hadError`, after an error.
FailureOr<Value> QDQLayerFolder::materializeBias(OpBuilder &builder,
                                                 QDQLayer &layer, Value bias,
                                                 const UniformParams &input,
                                                 const UniformParams &weight,
                                                 int64_t n, bool &hadError) {
  Location loc = layer.output.getLoc();
  MLIRContext *ctx = builder.getContext();
  auto i32 = IntegerType::get(ctx, 32);
  auto storageType = RankedTensorType::get({n}, i32);

  // A stored int32 bias: reuse it, reshaped to [N] if it is a constant.
  if (auto dcast = bias.getDefiningOp<quant::DequantizeCastOp>()) {
    Value stored = dcast.getInput();
    auto storedType = cast<RankedTensorType>(stored.getType());
    if (storedType.getRank() == 1)
      return stored;
    auto scast = stored.getDefiningOp<quant::StorageCastOp>();
    std::optional<SmallVector<int64_t>> values =
        scast ? getConstantIntegers(scast.getInput(), /*isSigned=*/true)
              : std::nullopt;
    if (!values)
      return reject(layer, "the dequantized bias is not [" +
                               layer.channelsName() + "] and not a constant");
    SmallVector<int32_t> narrowed(values->begin(), values->end());
    auto constant = arith::ConstantOp::create(
        builder, loc, DenseElementsAttr::get(storageType, ArrayRef(narrowed)));
    return quant::StorageCastOp::create(
               builder, loc, storedType.clone({n}), constant)
        .getResult();
  }

  // A float constant bias: quantize it at s_in * s_w (float32, as ONNX
  // Runtime's quantizer computes bias scales).
  std::optional<SmallVector<float>> values = getConstantFloats(bias);
  if (!values)
    return reject(layer, "the bias is neither a dequantized int32 tensor "
                         "nor a float constant");
  SmallVector<double> scales;
  for (int64_t c = 0, e = weight.isPerAxis() ? n : 1; c < e; ++c)
    scales.push_back(float(input.scale(0)) * float(weight.scale(c)));
  SmallVector<int32_t> stored;
  int64_t c = 0;
  for (float value : *values) {
    float scale = float(scales[weight.isPerAxis() ? c : 0]);
    double q = numerics::roundHalfToEven(double(value / scale));
    if (!std::isfinite(value) || !std::isfinite(q) ||
        q < double(std::numeric_limits<int32_t>::min()) ||
        q > double(std::numeric_limits<int32_t>::max())) {
      layer.output.emitError("bias value ")
          << value << " (channel " << c << ") does not fit in int32 at "
          << "scale " << scale << " = input scale * weight scale";
      hadError = true;
      return failure();
    }
    stored.push_back(int32_t(q));
    ++c;
  }
  Type expressed = input.expressedType();
  int64_t i32Min = std::numeric_limits<int32_t>::min();
  int64_t i32Max = std::numeric_limits<int32_t>::max();
  unsigned flags = quant::QuantizationFlags::Signed;
  Type elementType;
  if (weight.isPerAxis())
    elementType = quant::UniformQuantizedPerAxisType::get(
        flags, i32, expressed, scales, SmallVector<int64_t>(n, 0),
        /*quantizedDimension=*/0, i32Min, i32Max);
  else
    elementType = quant::UniformQuantizedType::get(
        flags, i32, expressed, scales[0], 0, i32Min, i32Max);
  auto constant = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(storageType, ArrayRef(stored)));
  return quant::StorageCastOp::create(
             builder, loc, RankedTensorType::get({n}, elementType), constant)
      .getResult();
}

/// For each element of the permutation of a row-major tensor of `shape`
/// by `perms` (result dimension d is source dimension perms[d]), in order,
/// the index of the source element it reads.
static SmallVector<int64_t> permutedSourceIndices(ArrayRef<int64_t> shape,
                                                  ArrayRef<int64_t> perms) {
  int64_t rank = shape.size();
  SmallVector<int64_t> permutedShape;
  for (int64_t p : perms)
    permutedShape.push_back(shape[p]);
  // Row-major strides of the source, read in the permuted order.
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  SmallVector<int64_t> sources;
  sources.reserve(count);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * strides[perms[d]];
    sources.push_back(source);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == permutedShape[d]; --d)
      index[d] = 0;
  }
  return sources;
}

/// Stored integer `values` of `shape`, read in the order of `perms`, as
/// `width`-bit APInts.
static SmallVector<APInt> permuteStored(ArrayRef<int64_t> values,
                                        ArrayRef<int64_t> shape,
                                        ArrayRef<int64_t> perms, unsigned width,
                                        bool isSigned) {
  SmallVector<APInt> permuted;
  for (int64_t source : permutedSourceIndices(shape, perms))
    permuted.emplace_back(width, uint64_t(values[source]), isSigned,
                          /*implicitTrunc=*/true);
  return permuted;
}

/// tosa.depthwise_conv2d's weights [KH, KW, C, M] as qnn.conv2d's NHWC
/// weights [C * M, KH, KW, 1] (output channel c * M + m, TOSA's order):
/// the stored constant permuted at compile time. Per-axis weights must be
/// per input channel (axis 2) with M = 1, so that the axis becomes the
/// output channel.
FailureOr<Value> QDQLayerFolder::permuteHWCMWeight(OpBuilder &builder,
                                                   QDQLayer &layer,
                                                   Value weight) {
  auto scast = weight.getDefiningOp<quant::StorageCastOp>();
  auto quantType = cast<RankedTensorType>(weight.getType());
  UniformParams params = *getUniformParams(quantType);
  std::optional<SmallVector<int64_t>> values =
      scast ? getConstantIntegers(scast.getInput(), params.isSigned())
            : std::nullopt;
  if (!values || !quantType.hasStaticShape())
    return reject(layer, "the tosa.depthwise_conv2d weights are not a "
                         "constant (their [KH, KW, C, M] layout is permuted "
                         "to [C * M, KH, KW, 1] at compile time)");
  ArrayRef<int64_t> shape = quantType.getShape();
  int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
  Type elementType = quantType.getElementType();
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
    if (perAxis.getQuantizedDimension() != 2 || m != 1)
      return reject(layer, "per-axis tosa.depthwise_conv2d weights must be "
                           "quantized on axis 2 (the channel) with a channel "
                           "multiplier of 1");
    elementType = quant::UniformQuantizedPerAxisType::get(
        perAxis.getFlags(), perAxis.getStorageType(),
        perAxis.getExpressedType(), perAxis.getScales(),
        perAxis.getZeroPoints(), /*quantizedDimension=*/0,
        perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
  }
  auto storedType = cast<RankedTensorType>(scast.getInput().getType());
  SmallVector<APInt> permuted =
      permuteStored(*values, shape, {2, 3, 0, 1},
                    storedType.getElementTypeBitWidth(), params.isSigned());
  SmallVector<int64_t> ohwi{c * m, kh, kw, 1};
  Location loc = weight.getLoc();
  auto constant = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(storedType.clone(ohwi), permuted));
  return quant::StorageCastOp::create(
             builder, loc, RankedTensorType::get(ohwi, elementType), constant)
      .getResult();
}

/// Runs a qnn op's type verifier, leaving the layer in QDQ form with the
/// verifier's reason (captured instead of printed) when it fails.
LogicalResult QDQLayerFolder::verifyOrReject(
    QDQLayer &layer,
    function_ref<LogicalResult(function_ref<InFlightDiagnostic()>)> verify) {
  std::string reason;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(layer.output.getContext(),
                                    [&](Diagnostic &d) {
                                      reason = d.str();
                                      return success();
                                    });
    valid = verify([&] { return emitRemark(layer.output.getLoc()); });
  }
  if (failed(valid))
    return reject(layer, reason);
  return success();
}

LogicalResult QDQLayerFolder::verifyFolded(QDQLayer &layer, Value input,
                                           Value weight, Value bias) {
  Type biasType = bias ? bias.getType() : Type();
  Type resultType = layer.output.getType();
  // Constant weights bound the accumulator by what they reach, tighter
  // than the storage ranges (the verifier's second proof).
  SmallVector<int64_t> weightBound;
  auto weightTensor = cast<RankedTensorType>(weight.getType());
  bool isMatmul = layer.kind == QDQLayer::Kind::Matmul;
  bool shared = !isMatmul ||
                llvm::all_of(weightTensor.getShape().drop_back(2),
                             [](int64_t size) { return size == 1; });
  if (std::optional<UniformParams> w = getUniformParams(weight.getType());
      w && shared && weightTensor.hasStaticShape() &&
      weightTensor.getRank() >= 2)
    if (std::optional<ConstantWeightSums> sums = getConstantWeightSums(
            weight, *w,
            isMatmul ? weightTensor.getShape().back()
                     : weightTensor.getShape().front(),
            isMatmul ? WeightChannelDim::Last : WeightChannelDim::First))
      weightBound = sums->absCentredSums;
  return verifyOrReject(layer, [&](function_ref<InFlightDiagnostic()>
                                        emitError) {
    if (layer.kind == QDQLayer::Kind::Matmul)
      return MatmulOp::verifyTypes(input.getType(), weight.getType(), biasType,
                                   resultType, emitError, weightBound);
    return Conv2DOp::verifyTypes(
        input.getType(), weight.getType(), biasType, resultType, layer.strides,
        layer.dilations, layer.padding, layer.groups,
        layer.channelsLast ? "NHWC" : "NCHW", emitError, weightBound);
  });
}

/// A one-group conv with constant per-group weights, blocked along the
/// input channels, folds into quant-conv-to-matmul's form directly: im2col
/// patches with K in (kh, kw, c) order times a per-group [K, F] qnn.matmul
/// weight, each block of B channels of one tap a block of B along K
/// (qnn.conv2d has no per-group weights).
LogicalResult QDQLayerFolder::foldPerGroupConv(QDQLayer &layer,
                                               const BlockedParams &blocked,
                                               bool &folded) {
  if (layer.groups != 1 || layer.hwcmWeights)
    return reject(layer, "per-group (blocked) weights on a grouped or "
                         "depthwise conv (not yet: only one-group convs run "
                         "as im2col + a per-group qnn.matmul)");
  Value input = layer.input.getInput();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(layer.weight.getInput().getType());
  auto outType = cast<RankedTensorType>(layer.output.getType());
  if (!inputType.hasStaticShape() || !weightType.hasStaticShape() ||
      !outType.hasStaticShape() || weightType.getRank() != 4)
    return reject(layer, "per-group (blocked) conv weights need static "
                         "shapes (the conv runs as im2col + a per-group "
                         "qnn.matmul)");
  auto scast = layer.weight.getInput().getDefiningOp<quant::StorageCastOp>();
  std::optional<SmallVector<int64_t>> stored =
      scast ? getConstantIntegers(scast.getInput(), blocked.params.isSigned())
            : std::nullopt;
  if (!stored)
    return reject(layer, "per-group (blocked) conv weights are not a "
                         "constant (they are reordered to a [K, F] matmul "
                         "weight at compile time)");
  // ONNX blocks conv weights along axis 1, the input channels: one scale
  // per filter, block and tap.
  unsigned channelDim = layer.channelsLast ? 3 : 1;
  ArrayRef<int64_t> shape = weightType.getShape();
  int64_t block = blocked.blockSizes[channelDim];
  SmallVector<int64_t> blocksAlongChannels(4, 1), paramShape(shape);
  blocksAlongChannels[channelDim] = block;
  paramShape[channelDim] = shape[channelDim] / block;
  if (ArrayRef<int64_t>(blocked.blockSizes) !=
          ArrayRef<int64_t>(blocksAlongChannels) ||
      shape[channelDim] % block != 0 ||
      ArrayRef<int64_t>(blocked.paramShape) != ArrayRef<int64_t>(paramShape))
    return reject(layer, "per-group conv weights must be blocked along the "
                         "input channels only (axis " +
                             Twine(channelDim) +
                             "), with whole blocks and one scale per filter, "
                             "block and tap");
  // The window and shapes: qnn.conv2d's verifier, per-tensor weights
  // standing in for the blocked ones. Its whole-K i32 bound does not apply
  // (weight sums of 0 skip it): the per-group matmul's verifier bounds each
  // block's sum below.
  auto blockedType =
      cast<quant::UniformQuantizedSubChannelType>(weightType.getElementType());
  Type perTensorWeights = weightType.clone(quant::UniformQuantizedType::get(
      blockedType.getFlags(), blockedType.getStorageType(),
      blockedType.getExpressedType(), /*scale=*/1.0, /*zeroPoint=*/0,
      blockedType.getStorageTypeMin(), blockedType.getStorageTypeMax()));
  SmallVector<int64_t> noWholeKBound(shape[0], 0);
  if (failed(verifyOrReject(
          layer, [&](function_ref<InFlightDiagnostic()> emitError) {
            return Conv2DOp::verifyTypes(
                inputType, perTensorWeights, /*biasType=*/Type(), outType,
                layer.strides, layer.dilations, layer.padding, layer.groups,
                layer.channelsLast ? "NHWC" : "NCHW", emitError,
                noWholeKBound);
          })))
    return failure();

  OpBuilder builder(layer.output);
  Location loc = layer.output.getLoc();
  auto storedType = cast<RankedTensorType>(scast.getInput().getType());
  Value weights = buildPerGroupConvWeightMatrix(
      builder, loc, weightType, *stored, storedType.getElementTypeBitWidth(),
      layer.channelsLast);
  unsigned spatialDim = layer.channelsLast ? 1 : 2;
  int64_t k = weightType.getNumElements() / shape[0];
  int64_t rows = outType.getDimSize(spatialDim) *
                 outType.getDimSize(spatialDim + 1);
  auto patchesType = RankedTensorType::get({inputType.getDimSize(0), rows, k},
                                           inputType.getElementType());
  auto matmulType = RankedTensorType::get(
      {inputType.getDimSize(0), rows, shape[0]}, outType.getElementType());
  if (failed(verifyOrReject(
          layer, [&](function_ref<InFlightDiagnostic()> emitError) {
            return MatmulOp::verifyTypes(patchesType, weights.getType(),
                                         /*biasType=*/Type(), matmulType,
                                         emitError);
          }))) {
    Operation *cast = weights.getDefiningOp();
    Operation *constant = cast->getOperand(0).getDefiningOp();
    cast->erase();
    constant->erase();
    return failure();
  }
  SmallVector<int64_t> kernel{shape[spatialDim], shape[spatialDim + 1]};
  ConvWindow window{layer.strides, layer.dilations, layer.padding,
                    layer.channelsLast};
  Value result = buildConvAsMatmul(builder, loc, input,
                                   [&](OpBuilder &) { return weights; },
                                   /*bias=*/Value(),
                                   /*zeroPointCorrections=*/nullptr, outType,
                                   kernel, window);
  quantc::detail::replaceAndEraseDeadProducers(layer.output, result);
  folded = true;
  return success();
}

Value QDQLayerFolder::buildFolded(OpBuilder &builder, QDQLayer &layer,
                                  Value input, Value weight, Value bias) {
  Location loc = layer.output.getLoc();
  Type resultType = layer.output.getType();
  if (layer.kind == QDQLayer::Kind::Matmul)
    return MatmulOp::create(builder, loc, resultType, input, weight, bias);
  return Conv2DOp::create(builder, loc, resultType, input, weight, bias,
                          layer.strides, layer.dilations, layer.padding,
                          layer.groups, layer.channelsLast ? "NHWC" : "NCHW");
}

LogicalResult QDQLayerFolder::tryFold(quant::QuantizeCastOp output,
                                      bool &folded, bool &foldedWeight) {
  folded = foldedWeight = false;
  QDQLayer layer;
  if (failed(matchLayer(output, layer)))
    return success();

  Value input = layer.input.getInput();
  std::optional<UniformParams> inputParams = getUniformParams(input.getType());
  std::optional<UniformParams> weightParams =
      getUniformParams(layer.weight.getInput().getType());
  // Per-group (blocked, ONNX block_size) weights: qnn.matmul only.
  std::optional<BlockedParams> blockedWeight =
      getBlockedParams(layer.weight.getInput().getType());
  if (blockedWeight) {
    if (layer.bias) {
      (void)reject(layer, "per-group (blocked) weights with a bias: a "
                          "qnn.matmul bias has one scale s_in * s_w per "
                          "column, per-group weights have none");
      return success();
    }
    if (layer.weight.getInput().getDefiningOp<quant::QuantizeCastOp>()) {
      (void)reject(layer, "per-group (blocked) weights quantized from float "
                          "in the graph (not yet: they must be stored "
                          "integers)");
      return success();
    }
    weightParams = blockedWeight->params;
  }
  if (!inputParams || !weightParams ||
      !getUniformParams(output.getType())) {
    (void)reject(layer, "a cast is not to or from !quant.uniform");
    return success();
  }
  if (blockedWeight && layer.kind == QDQLayer::Kind::Conv2D) {
    (void)foldPerGroupConv(layer, *blockedWeight, folded);
    return success();
  }
  // The output channels: N, the last weight dimension of a matmul; F, the
  // first of a conv.
  auto weightType = cast<RankedTensorType>(layer.weight.getInput().getType());
  int64_t n = layer.kind == QDQLayer::Kind::Matmul
                  ? weightType.getShape().back()
                  : weightType.getShape()[0];
  if (layer.hwcmWeights) // [KH, KW, C, M]: C * M output channels
    n = weightType.getDimSize(2) * weightType.getDimSize(3);

  // Build the replacement; on a mismatch, erase what was built.
  OpBuilder builder(output);
  BuiltOpsRecorder recorder;
  builder.setListener(&recorder);
  auto eraseBuilt = [&] {
    for (Operation *op : llvm::reverse(recorder.ops))
      op->erase();
  };

  bool weightFolded = false;
  Value weight =
      materializeWeight(builder, layer, *weightParams, weightFolded);
  if (layer.hwcmWeights) {
    FailureOr<Value> permuted = permuteHWCMWeight(builder, layer, weight);
    if (failed(permuted)) {
      eraseBuilt();
      return success();
    }
    weight = *permuted;
    weightParams = getUniformParams(weight.getType());
  }
  Value bias;
  if (layer.bias) {
    bool hadError = false;
    FailureOr<Value> perChannel = channelBias(layer, n);
    FailureOr<Value> materialized =
        succeeded(perChannel)
            ? materializeBias(builder, layer, *perChannel, *inputParams,
                              *weightParams, n, hadError)
            : FailureOr<Value>(failure());
    if (failed(materialized)) {
      eraseBuilt();
      return hadError ? failure() : success();
    }
    bias = *materialized;
  }
  if (failed(verifyFolded(layer, input, weight, bias))) {
    eraseBuilt();
    return success();
  }
  Value result = buildFolded(builder, layer, input, weight, bias);
  quantc::detail::replaceAndEraseDeadProducers(output, result);
  folded = true;
  foldedWeight = weightFolded;
  return success();
}

bool quantc::isFoldableLayerCore(Operation *op) { return isLayerCore(op); }

//===----------------------------------------------------------------------===//
// FoldQDQPass
//===----------------------------------------------------------------------===//

namespace {
/// The elements of `attr` read in the order of `perms`.
static DenseElementsAttr permuteElements(DenseElementsAttr attr,
                                         ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(attr.getType());
  SmallVector<int64_t> perms64(perms.begin(), perms.end()), permutedShape;
  for (int64_t p : perms64)
    permutedShape.push_back(type.getDimSize(p));
  SmallVector<Attribute> values(attr.getValues<Attribute>());
  SmallVector<Attribute> permuted;
  for (int64_t source : permutedSourceIndices(type.getShape(), perms64))
    permuted.push_back(values[source]);
  return DenseElementsAttr::get(type.clone(permutedShape), permuted);
}

/// transpose(dcast(scast(constant))) -> dcast(scast(transposed constant)):
/// ONNX Gemm's transB (and a transposed MatMul weight) puts a transpose
/// between the weights' dequantize and the matmul; permuting the stored
/// integers at compile time (the per-axis axis permuted with them) keeps
/// the layer foldable. Exact: only where the elements go changes.
static void foldConstantWeightTransposes(Operation *root) {
  SmallVector<tosa::TransposeOp> transposes;
  root->walk([&](tosa::TransposeOp op) { transposes.push_back(op); });
  for (tosa::TransposeOp transpose : transposes) {
    auto dcast = transpose.getInput1().getDefiningOp<quant::DequantizeCastOp>();
    auto scast =
        dcast ? dcast.getInput().getDefiningOp<quant::StorageCastOp>() : nullptr;
    if (!scast)
      continue;
    auto storedType = dyn_cast<RankedTensorType>(scast.getInput().getType());
    auto quantType = dyn_cast<RankedTensorType>(scast.getType());
    std::optional<UniformParams> params =
        quantType ? getUniformParams(quantType) : std::nullopt;
    if (quantType && !params)
      if (std::optional<BlockedParams> blocked = getBlockedParams(quantType))
        params = blocked->params;
    if (!storedType || !storedType.hasStaticShape() || !params)
      continue;
    std::optional<SmallVector<int64_t>> values =
        getConstantIntegers(scast.getInput(), params->isSigned());
    if (!values)
      continue;
    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int64_t> shape;
    for (int32_t p : perms)
      shape.push_back(storedType.getDimSize(p));
    SmallVector<APInt> permuted = permuteStored(
        *values, storedType.getShape(), llvm::to_vector_of<int64_t>(perms),
        storedType.getElementTypeBitWidth(), params->isSigned());
    Type elementType = quantType.getElementType();
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
      int32_t axis = llvm::find(perms, perAxis.getQuantizedDimension()) -
                     perms.begin();
      elementType = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), axis, perAxis.getStorageTypeMin(),
          perAxis.getStorageTypeMax());
    } else if (auto blocked =
                   dyn_cast<quant::UniformQuantizedSubChannelType>(
                       elementType)) {
      // Blocked weights (Gemm transB): the scale and zero-point tensors
      // and the blocked dimensions permute with the data.
      SmallVector<int32_t> dims;
      for (int32_t d : blocked.getQuantizedDimensions())
        dims.push_back(llvm::find(perms, d) - perms.begin());
      elementType = quant::UniformQuantizedSubChannelType::get(
          blocked.getFlags(), blocked.getStorageType(),
          blocked.getExpressedType(),
          permuteElements(blocked.getScales(), perms),
          permuteElements(blocked.getZeroPoints(), perms), dims,
          blocked.getBlockSizes(), blocked.getStorageTypeMin(),
          blocked.getStorageTypeMax());
    }
    OpBuilder builder(transpose);
    Location loc = transpose.getLoc();
    auto constant = arith::ConstantOp::create(
        builder, loc,
        DenseElementsAttr::get(storedType.clone(shape), permuted));
    auto stored = quant::StorageCastOp::create(
        builder, loc, RankedTensorType::get(shape, elementType), constant);
    auto dequantized = quant::DequantizeCastOp::create(
        builder, loc, transpose.getType(), stored);
    transpose.replaceAllUsesWith(dequantized.getResult());
    transpose.erase();
    // The float weights are dead now unless something else reads them.
    if (dcast->use_empty())
      dcast.erase();
    if (scast->use_empty())
      scast.erase();
  }
}

struct FoldQDQPass : public quantc::impl::FoldQDQPassBase<FoldQDQPass> {
  using FoldQDQPassBase::FoldQDQPassBase;

  void runOnOperation() override {
    foldConstantWeightTransposes(getOperation());
    splitActivationClamps(getOperation());
    SmallVector<quant::QuantizeCastOp> outputs;
    getOperation().walk(
        [&](quant::QuantizeCastOp op) { outputs.push_back(op); });

    QDQLayerFolder folder(explain);
    bool hadError = false;
    for (quant::QuantizeCastOp output : outputs) {
      bool folded = false, foldedWeight = false;
      if (failed(folder.tryFold(output, folded, foldedWeight))) {
        hadError = true;
        continue;
      }
      if (!folded)
        folded = tryFoldElementwise(output, explain);
      numFolded += folded;
      numWeightsFolded += foldedWeight;
      if (!folded) {
        quantc::detail::foldSameScaleQDQ(output, explain, folded);
        numSameScaleFolded += folded;
      }
    }
    if (hadError)
      signalPassFailure();
  }
};
} // namespace
