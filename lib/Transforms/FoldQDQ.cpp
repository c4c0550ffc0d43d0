//===- FoldQDQ.cpp - Fold QDQ layers into qnn ops ---------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Rewrites dq -> matmul (+ bias) -> q into qnn.matmul. The rewrite is a walk
// over quant.qcast ops, not a greedy pattern driver: upstream folds
// quant.dcast(quant.qcast(x)) into x, which would silently drop the
// fake-quantization of every activation this pass does not take over.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/QuantParams.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallPtrSet.h"

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

static bool isFloatMatmul(Operation *op) {
  return isa_and_nonnull<tosa::MatMulOp, linalg::MatmulOp>(op);
}

/// Whether `value` is a constant whose every element is +0.0 or -0.0.
static bool isZeroFloatConstant(Value value) {
  return matchPattern(value, m_AnyZeroFloat());
}

/// The float constant `value` holds, if it is one.
static DenseFPElementsAttr getFloatConstant(Value value) {
  DenseFPElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
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

/// The pieces of one quantized linear layer in QDQ form.
struct LinearLayer {
  quant::QuantizeCastOp output;
  Operation *matmul = nullptr;
  quant::DequantizeCastOp input;
  quant::DequantizeCastOp weight;
  /// The float bias as the add consumed it, before any reshape/broadcast is
  /// looked through; null without a bias.
  Value bias;
};

//===----------------------------------------------------------------------===//
// LinearLayerFolder
//===----------------------------------------------------------------------===//

/// Folds the layers of one module. Candidates that do not match are left in
/// QDQ form (and explained when asked); inputs that cannot be folded
/// correctly, such as a bias that overflows int32, are errors.
class LinearLayerFolder {
public:
  LinearLayerFolder(bool explain) : explain(explain) {}

  /// Tries to fold the layer that ends in `output`. Returns failure only
  /// after emitting an error.
  LogicalResult tryFold(quant::QuantizeCastOp output, bool &folded,
                        bool &foldedWeight);

private:
  /// Leaves a candidate in QDQ form: a remark on `op` when explaining.
  /// Always failure(); an inactive InFlightDiagnostic would convert to
  /// success().
  LogicalResult reject(Operation *op, const Twine &reason) {
    if (explain)
      op->emitRemark("not folded into qnn.matmul: ") << reason;
    return failure();
  }

  LogicalResult matchLayer(quant::QuantizeCastOp output, LinearLayer &layer);
  LogicalResult matchMatmul(Value value, LinearLayer &layer);
  Value stripBiasLayout(Value bias, int64_t n);
  Value materializeWeight(OpBuilder &builder, LinearLayer &layer,
                          const UniformParams &params, bool &foldedWeight);
  FailureOr<Value> materializeBias(OpBuilder &builder, LinearLayer &layer,
                                   const UniformParams &input,
                                   const UniformParams &weight, int64_t n,
                                   bool &hadError);

  bool explain;
};

} // namespace

LogicalResult LinearLayerFolder::matchMatmul(Value value, LinearLayer &layer) {
  Operation *op = value.getDefiningOp();
  Value lhs, rhs;
  if (auto matmul = dyn_cast_or_null<tosa::MatMulOp>(op)) {
    if (!isZeroFloatConstant(matmul.getAZp()) ||
        !isZeroFloatConstant(matmul.getBZp()))
      return reject(layer.output,
                    "tosa.matmul zero points are not constant 0.0");
    lhs = matmul.getA();
    rhs = matmul.getB();
  } else if (auto matmul = dyn_cast_or_null<linalg::MatmulOp>(op)) {
    if (matmul.hasUserDefinedMaps())
      return reject(layer.output,
                    "linalg.matmul with user-defined indexing maps");
    auto fill = matmul.getOutputs()[0].getDefiningOp<linalg::FillOp>();
    bool zeroInit = fill ? isZeroFloatConstant(fill.getInputs()[0])
                         : isZeroFloatConstant(matmul.getOutputs()[0]);
    if (!zeroInit)
      return reject(layer.output,
                    "linalg.matmul accumulates into a value that is not zero");
    lhs = matmul.getInputs()[0];
    rhs = matmul.getInputs()[1];
  } else {
    return failure();
  }
  layer.matmul = op;
  layer.input = lhs.getDefiningOp<quant::DequantizeCastOp>();
  layer.weight = rhs.getDefiningOp<quant::DequantizeCastOp>();
  if (!layer.input)
    return reject(layer.output, "the matmul input is not dequantized");
  if (!layer.weight)
    return reject(layer.output, "the matmul weights are not dequantized");
  return success();
}

LogicalResult LinearLayerFolder::matchLayer(quant::QuantizeCastOp output,
                                            LinearLayer &layer) {
  layer.output = output;
  Value produced = output.getInput();
  Operation *producer = produced.getDefiningOp();
  if (isFloatMatmul(producer))
    return matchMatmul(produced, layer);

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
  if (!isFloatMatmul(lhs.getDefiningOp()))
    std::swap(lhs, rhs);
  if (!isFloatMatmul(lhs.getDefiningOp()))
    return failure();
  if (lhs.getType() != produced.getType())
    return reject(output, "the bias add broadcasts the matmul result");
  layer.bias = rhs;
  return matchMatmul(lhs, layer);
}

/// Looks through the layout ops that put a [N] bias into the shape of the
/// matmul result: tosa.reshape to [1, ..., 1, N], linalg.broadcast of [N].
Value LinearLayerFolder::stripBiasLayout(Value bias, int64_t n) {
  if (auto reshape = bias.getDefiningOp<tosa::ReshapeOp>()) {
    if (!isBroadcastRow(reshape.getType().getShape(), n))
      return bias;
    return reshape.getInput1();
  }
  if (auto broadcast = bias.getDefiningOp<linalg::BroadcastOp>()) {
    auto resultType = cast<ShapedType>(broadcast.getInit().getType());
    ArrayRef<int64_t> dims = broadcast.getDimensions();
    bool allButLast = int64_t(dims.size()) == resultType.getRank() - 1 &&
                      llvm::equal(dims, llvm::seq<int64_t>(0, dims.size()));
    if (!allButLast)
      return bias;
    return broadcast.getInput();
  }
  return bias;
}

/// The quantized weights: the dcast's operand, with a quant.qcast of a float
/// constant quantized here into an integer constant.
Value LinearLayerFolder::materializeWeight(OpBuilder &builder,
                                           LinearLayer &layer,
                                           const UniformParams &params,
                                           bool &foldedWeight) {
  Value weight = layer.weight.getInput();
  auto quantize = weight.getDefiningOp<quant::QuantizeCastOp>();
  if (!quantize)
    return weight;
  DenseFPElementsAttr values = getFloatConstant(quantize.getInput());
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
  stored.reserve(values.getNumElements());
  int64_t index = 0;
  for (float value : values.getValues<float>()) {
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

/// The bias as a [N] tensor of 32-bit `!quant.uniform` at scale
/// s_in * s_w. Returns failure after a remark (not foldable) or, with
/// `hadError`, after an error.
FailureOr<Value> LinearLayerFolder::materializeBias(
    OpBuilder &builder, LinearLayer &layer, const UniformParams &input,
    const UniformParams &weight, int64_t n, bool &hadError) {
  Value bias = stripBiasLayout(layer.bias, n);
  auto biasShape = cast<ShapedType>(bias.getType()).getShape();
  if (!isBroadcastRow(biasShape, n))
    return reject(layer.output, "the bias is not a row of " + Twine(n) +
                                    " values broadcast over the output");
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
    DenseElementsAttr values;
    if (!scast || !matchPattern(scast.getInput(), m_Constant(&values)))
      return reject(layer.output,
                    "the dequantized bias is not [N] and not a constant");
    auto constant = arith::ConstantOp::create(
        builder, loc, values.reshape(storageType));
    return quant::StorageCastOp::create(
               builder, loc, storedType.clone({n}), constant)
        .getResult();
  }

  // A float constant bias: quantize it at s_in * s_w (float32, as ONNX
  // Runtime's quantizer computes bias scales).
  DenseFPElementsAttr values = getFloatConstant(bias);
  if (!values)
    return reject(layer.output, "the bias is neither a dequantized int32 "
                                "tensor nor a float constant");
  SmallVector<double> scales;
  for (int64_t c = 0, e = weight.isPerAxis() ? n : 1; c < e; ++c)
    scales.push_back(float(input.scale(0)) * float(weight.scale(c)));
  SmallVector<int32_t> stored;
  int64_t c = 0;
  for (float value : values.getValues<float>()) {
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

LogicalResult LinearLayerFolder::tryFold(quant::QuantizeCastOp output,
                                         bool &folded, bool &foldedWeight) {
  folded = foldedWeight = false;
  LinearLayer layer;
  if (failed(matchLayer(output, layer)))
    return success();

  Value input = layer.input.getInput();
  std::optional<UniformParams> inputParams = getUniformParams(input.getType());
  std::optional<UniformParams> weightParams =
      getUniformParams(layer.weight.getInput().getType());
  if (!inputParams || !weightParams ||
      !getUniformParams(output.getType())) {
    (void)reject(output, "a cast is not to or from !quant.uniform");
    return success();
  }
  auto weightType = cast<RankedTensorType>(layer.weight.getInput().getType());
  int64_t n = weightType.getShape().back();

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
  Value bias;
  if (layer.bias) {
    bool hadError = false;
    FailureOr<Value> materialized =
        materializeBias(builder, layer, *inputParams, *weightParams, n,
                        hadError);
    if (failed(materialized)) {
      eraseBuilt();
      return hadError ? failure() : success();
    }
    bias = *materialized;
  }
  // Ask the verifier, capturing its reason instead of printing it.
  Type biasType = bias ? bias.getType() : Type();
  std::string reason;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(output.getContext(), [&](Diagnostic &d) {
      reason = d.str();
      return success();
    });
    valid = MatmulOp::verifyTypes(input.getType(), weight.getType(),
                                  biasType, output.getType(),
                                  [&] { return emitRemark(output.getLoc()); });
  }
  if (failed(valid)) {
    eraseBuilt();
    (void)reject(output, reason);
    return success();
  }

  auto matmul = MatmulOp::create(builder, output.getLoc(), output.getType(),
                                 input, weight, bias);
  output.getResult().replaceAllUsesWith(matmul.getResult());

  // Erase the float layer, walking back from the cast while ops go dead.
  SmallVector<Operation *> worklist;
  for (Value operand : output->getOperands())
    if (Operation *def = operand.getDefiningOp())
      worklist.push_back(def);
  output.erase();
  llvm::SmallPtrSet<Operation *, 16> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    erased.insert(op);
    op->erase();
  }
  folded = true;
  foldedWeight = weightFolded;
  return success();
}

//===----------------------------------------------------------------------===//
// FoldQDQPass
//===----------------------------------------------------------------------===//

namespace {
struct FoldQDQPass : public quantc::impl::FoldQDQPassBase<FoldQDQPass> {
  using FoldQDQPassBase::FoldQDQPassBase;

  void runOnOperation() override {
    SmallVector<quant::QuantizeCastOp> outputs;
    getOperation().walk(
        [&](quant::QuantizeCastOp op) { outputs.push_back(op); });

    LinearLayerFolder folder(explain);
    bool hadError = false;
    for (quant::QuantizeCastOp output : outputs) {
      bool folded = false, foldedWeight = false;
      if (failed(folder.tryFold(output, folded, foldedWeight))) {
        hadError = true;
        continue;
      }
      numFolded += folded;
      numWeightsFolded += foldedWeight;
    }
    if (hadError)
      signalPassFailure();
  }
};
} // namespace
