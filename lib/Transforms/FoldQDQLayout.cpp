//===- FoldQDQLayout.cpp - Fold QDQ through same-scale ops ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The part of quant-fold-qdq for ops that are not layers:
//
// - Ops that only move or select values (tosa.reshape, tensor.collapse_shape
//   / expand_shape, tosa.transpose, tensor.extract_slice), tensor.pad with a
//   value the input type holds exactly, and the max pool generic: q(op(dq(x)))
//   equals requant(op(x)) element for element, because dq and q are
//   monotonic and these ops only pick or copy values. The op is rebuilt on
//   the stored integers (quant.scast), followed by qnn.requantize only when
//   the output parameters differ from the input's.
// - tosa.concat: each input requantized to the output parameters (ONNX
//   Runtime's QLinearConcat), then concatenated as integers.
// - The moves, tensor.pad and tosa.concat also on per-axis (per-channel)
//   inputs: the quantized axis follows its dimension
//   (qnn::mapPerAxisThroughLayout); where it cannot (a reshape that merges
//   or splits it, a pad along it, ...), the QDQ stays, with the reason as a
//   remark when explaining.
// - The average pool and global average pool generics: qnn.avg_pool2d.
//
//===----------------------------------------------------------------------===//

#include "FoldQDQLayout.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"
#include "quantc/Dialect/QNN/Utils/LayoutUtils.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

void quantc::detail::replaceAndEraseDeadProducers(quant::QuantizeCastOp output,
                                                  Value result) {
  output.getResult().replaceAllUsesWith(result);
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
    // Also what nested regions use, such as tensor.pad's padding value.
    op->walk([&](Operation *user) {
      for (Value operand : user->getOperands())
        if (Operation *def = operand.getDefiningOp();
            def && !op->isAncestor(def))
          worklist.push_back(def);
    });
    erased.insert(op);
    op->erase();
  }
}

namespace {

//===----------------------------------------------------------------------===//
// Matching helpers
//===----------------------------------------------------------------------===//

/// Whether the single-block body of `generic` is `yield(combine(a, b))` with
/// {a, b} = {input 0, the output} in either order.
template <typename CombineOp>
bool isReductionBody(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return false;
  auto combine = dyn_cast<CombineOp>(body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!combine || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != combine.getResult())
    return false;
  Value in = body.getArgument(0), out = body.getArgument(2);
  return (combine.getLhs() == in && combine.getRhs() == out) ||
         (combine.getLhs() == out && combine.getRhs() == in);
}

/// Whether `generic` is a window reduction in the importer's form: inputs
/// (data, tensor.empty giving the window loops their sizes), one output
/// initialized by a linalg.fill with `init` (checked by `isInit`), body
/// `CombineOp`.
template <typename CombineOp>
bool isWindowReduction(linalg::GenericOp generic,
                       function_ref<bool(Value)> isInit) {
  if (generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1 ||
      generic->getNumResults() != 1 ||
      !generic.getDpsInputs()[1].getDefiningOp<tensor::EmptyOp>())
    return false;
  auto fill = generic.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  return fill && isInit(fill.getInputs()[0]) &&
         isReductionBody<CombineOp>(generic);
}

bool isNegativeInfinity(Value value) {
  APFloat f(0.0);
  return matchPattern(value, m_ConstantFloat(&f)) && f.isInfinity() &&
         f.isNegative();
}

bool isZeroFloat(Value value) { return matchPattern(value, m_AnyZeroFloat()); }

/// The max pool of quant-import: max over a window of the (optionally
/// -inf padded) input, from a -inf fill.
bool isMaxPool(linalg::GenericOp generic) {
  return isWindowReduction<arith::MaximumFOp>(generic, isNegativeInfinity);
}

/// Whether `generic` has exactly `maps` and `iterators`.
bool hasLoops(linalg::GenericOp generic, ArrayRef<AffineMap> maps,
              ArrayRef<utils::IteratorType> iterators) {
  return generic.getIndexingMapsArray() == maps &&
         generic.getIteratorTypesArray() == iterators;
}

/// The second generic of quant-import's average pool on NCHW: sum / counts,
/// the counts a constant indexed by the output position (oh, ow).
bool isDivisionByCounts(linalg::GenericOp generic) {
  if (generic.getNumDpsInputs() != 2 || generic->getNumResults() != 1)
    return false;
  MLIRContext *ctx = generic.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(4, ctx);
  if (!hasLoops(
          generic, {identity, identity.getSubMap({2, 3}), identity},
          SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel)))
    return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return false;
  auto divide = dyn_cast<arith::DivFOp>(body.front());
  return divide && divide.getLhs() == body.getArgument(0) &&
         divide.getRhs() == body.getArgument(1) &&
         getConstantFloats(generic.getDpsInputs()[1]);
}

/// Reads `map` = (d0, d1, d2 * s0 + d4 * k0, d3 * s1 + d5 * k1) over six loops
/// (n, c, oh, ow, kh, kw): the strides s and dilations k of a 2-D window.
LogicalResult readWindowMap(AffineMap map, SmallVector<int64_t> &strides,
                            SmallVector<int64_t> &dilations) {
  if (map.getNumDims() != 6 || map.getNumSymbols() != 0 ||
      map.getNumResults() != 4)
    return failure();
  // The coefficients, by evaluating the map at unit points.
  auto at = [&](ArrayRef<int64_t> point) { return map.compose(point); };
  SmallVector<int64_t> origin = at({0, 0, 0, 0, 0, 0});
  strides = {at({0, 0, 1, 0, 0, 0})[2] - origin[2],
             at({0, 0, 0, 1, 0, 0})[3] - origin[3]};
  dilations = {at({0, 0, 0, 0, 1, 0})[2] - origin[2],
               at({0, 0, 0, 0, 0, 1})[3] - origin[3]};
  MLIRContext *ctx = map.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineMap expected =
      AffineMap::get(6, 0,
                     {d(0), d(1), d(2) * strides[0] + d(4) * dilations[0],
                      d(3) * strides[1] + d(5) * dilations[1]},
                     ctx);
  return success(map == expected);
}

//===----------------------------------------------------------------------===//
// SameScaleFolder
//===----------------------------------------------------------------------===//

/// Folds one candidate. Each fold* method checks the whole candidate before
/// it builds anything, so a rejected candidate leaves the IR untouched.
class SameScaleFolder {
public:
  SameScaleFolder(quant::QuantizeCastOp output, bool explain)
      : output(output), explain(explain), builder(output) {}

  /// The folded value; failure for a candidate left in QDQ form (after a
  /// remark when explaining) and for an op that is no candidate.
  FailureOr<Value> fold(Operation *op);

private:
  /// Always failure(), after a remark on the output quantize when
  /// explaining.
  LogicalResult reject(StringRef what, const Twine &reason) {
    if (explain)
      output->emitRemark("not folded onto stored integers: ")
          << what << ": " << reason;
    return failure();
  }

  /// The quantized value behind a dq feeding `what`, with per-tensor
  /// !quant.uniform parameters (or per-axis ones, if `allowPerAxis`); a
  /// remark if it is not.
  FailureOr<Value> matchQuantizedInput(Value floatValue, StringRef what,
                                       bool allowPerAxis = false);
  /// The output's per-tensor parameters (or per-axis ones, if
  /// `allowPerAxis`), or a remark.
  LogicalResult matchOutput(StringRef what, bool allowPerAxis = false);
  /// The per-axis type `op`'s result has from its per-axis `quantized`
  /// inputs, or a remark; also a remark where the output is quantized
  /// along another axis.
  FailureOr<quant::UniformQuantizedPerAxisType>
  mapPerAxis(Operation *op, ValueRange quantized, StringRef what);
  /// `stored` as `type`, then requantized to the output where they differ.
  Value fromStorageAs(Value stored, Type elementType);

  /// `quantized` as its stored integers.
  Value toStorage(Value quantized);
  /// `stored` (an integer result computed from values of `quantizedInput`)
  /// as the output: reinterpreted with the input's parameters, then
  /// requantized when the output's differ.
  Value fromStorage(Value stored, Value quantizedInput);

  FailureOr<Value> foldMove(Operation *op, StringRef what);
  FailureOr<Value> foldPad(tensor::PadOp pad);
  FailureOr<Value> foldMaxPool(linalg::GenericOp pool);
  FailureOr<Value> foldConcat(tosa::ConcatOp concat);
  FailureOr<Value> foldAvgPool(linalg::GenericOp divide);

  quant::QuantizeCastOp output;
  bool explain;
  OpBuilder builder;
};

} // namespace

FailureOr<Value> SameScaleFolder::matchQuantizedInput(Value floatValue,
                                                      StringRef what,
                                                      bool allowPerAxis) {
  auto dcast = floatValue.getDefiningOp<quant::DequantizeCastOp>();
  if (!dcast)
    return reject(what, "its input is not dequantized");
  Value quantized = dcast.getInput();
  std::optional<UniformParams> params = getUniformParams(quantized.getType());
  if (!params)
    return reject(what, "its input is not a per-tensor or per-axis "
                        "!quant.uniform tensor");
  if (params->isPerAxis() && !allowPerAxis)
    return reject(what, "its input is quantized per axis");
  return quantized;
}

LogicalResult SameScaleFolder::matchOutput(StringRef what, bool allowPerAxis) {
  std::optional<UniformParams> params = getUniformParams(output.getType());
  if (!params)
    return reject(what, "the output is not a per-tensor or per-axis "
                        "!quant.uniform tensor");
  if (params->isPerAxis() && !allowPerAxis)
    return reject(what, "the output is quantized per axis");
  return success();
}

FailureOr<quant::UniformQuantizedPerAxisType>
SameScaleFolder::mapPerAxis(Operation *op, ValueRange quantized,
                            StringRef what) {
  SmallVector<quant::UniformQuantizedPerAxisType> inputs;
  for (Value value : quantized) {
    auto type = dyn_cast<quant::UniformQuantizedPerAxisType>(
        cast<RankedTensorType>(value.getType()).getElementType());
    if (!type)
      return reject(what, "its inputs mix per-tensor and per-axis "
                          "quantization");
    inputs.push_back(type);
  }
  std::string reason;
  FailureOr<quant::UniformQuantizedPerAxisType> mapped =
      mapPerAxisThroughLayout(op, inputs, reason);
  if (failed(mapped))
    return reject(what, reason);
  UniformParams outParams = *getUniformParams(output.getType());
  if (outParams.isPerAxis() &&
      *outParams.axis != mapped->getQuantizedDimension())
    return reject(what, "the input's quantized axis lands on dimension " +
                            Twine(mapped->getQuantizedDimension()) +
                            ", the output is quantized along " +
                            Twine(*outParams.axis));
  return mapped;
}

Value SameScaleFolder::fromStorageAs(Value stored, Type elementType) {
  Location loc = output.getLoc();
  Value result = quant::StorageCastOp::create(
      builder, loc, cast<RankedTensorType>(stored.getType()).clone(elementType),
      stored);
  if (result.getType() == output.getType())
    return result;
  return RequantizeOp::create(builder, loc, output.getType(), result);
}

Value SameScaleFolder::toStorage(Value quantized) {
  return quant::StorageCastOp::create(builder, output.getLoc(),
                                      getStorageShapedType(quantized.getType()),
                                      quantized);
}

Value SameScaleFolder::fromStorage(Value stored, Value quantizedInput) {
  Location loc = output.getLoc();
  auto storedType = cast<RankedTensorType>(stored.getType());
  Type inputElement =
      cast<RankedTensorType>(quantizedInput.getType()).getElementType();
  Value result = quant::StorageCastOp::create(
      builder, loc, storedType.clone(inputElement), stored);
  if (result.getType() == output.getType())
    return result;
  return RequantizeOp::create(builder, loc, output.getType(), result);
}

/// Reshapes, transpose, slice: the same op on the stored integers.
FailureOr<Value> SameScaleFolder::foldMove(Operation *op, StringRef what) {
  Value in = op->getOperand(0);
  FailureOr<Value> quantized =
      matchQuantizedInput(in, what, /*allowPerAxis=*/true);
  if (failed(quantized))
    return failure();
  bool perAxis = getUniformParams(quantized->getType())->isPerAxis();
  if (failed(matchOutput(what, perAxis)))
    return failure();
  FailureOr<quant::UniformQuantizedPerAxisType> mapped;
  if (perAxis && failed(mapped = mapPerAxis(op, *quantized, what)))
    return failure();
  Value stored = toStorage(*quantized);
  IRMapping mapping;
  mapping.map(in, stored);
  Operation *clone = builder.clone(*op, mapping);
  auto floatType = cast<RankedTensorType>(op->getResult(0).getType());
  clone->getResult(0).setType(floatType.clone(
      cast<RankedTensorType>(stored.getType()).getElementType()));
  if (perAxis)
    return fromStorageAs(clone->getResult(0), *mapped);
  return fromStorage(clone->getResult(0), *quantized);
}

/// A pad with the stored value of the float pad value, which must be exact:
/// dequantize(quantize(v)) == v.
FailureOr<Value> SameScaleFolder::foldPad(tensor::PadOp pad) {
  StringRef what = "tensor.pad";
  FailureOr<Value> quantized =
      matchQuantizedInput(pad.getSource(), what, /*allowPerAxis=*/true);
  if (failed(quantized))
    return failure();
  UniformParams params = *getUniformParams(quantized->getType());
  if (failed(matchOutput(what, params.isPerAxis())))
    return failure();
  FailureOr<quant::UniformQuantizedPerAxisType> mapped;
  if (params.isPerAxis() && failed(mapped = mapPerAxis(pad, *quantized, what)))
    return failure();
  APFloat padValue(0.0);
  Value constant = pad.getConstantPaddingValue();
  if (!constant || !matchPattern(constant, m_ConstantFloat(&padValue)))
    return reject(what, "the padding value is not a constant");
  // One stored padding value: exact in every channel, and the same in all.
  float value = padValue.convertToFloat();
  int64_t stored = 0;
  for (size_t c = 0; c < params.scales.size(); ++c) {
    numerics::QuantParams scalar{float(params.scale(c)), params.zeroPoint(c)};
    int64_t channelStored =
        numerics::quantize(value, scalar, params.storageRange());
    float represented = numerics::dequantize(channelStored, scalar);
    std::string reason;
    llvm::raw_string_ostream os(reason);
    if (represented != value) {
      os << "the padding value " << double(value)
         << " is not exactly representable in the input type";
      if (params.isPerAxis())
        os << " (channel " << c << ")";
      os << " (nearest: " << double(represented) << ")";
      return reject(what, reason);
    }
    if (c > 0 && channelStored != stored) {
      os << "the padding value " << double(value) << " is stored as " << stored
         << " in channel 0 but as " << channelStored << " in channel " << c;
      return reject(what, reason);
    }
    stored = channelStored;
  }

  Value storedInput = toStorage(*quantized);
  auto storedType = cast<RankedTensorType>(storedInput.getType());
  Type element = storedType.getElementType();
  Value storedPadValue = arith::ConstantOp::create(
      builder, pad.getLoc(),
      builder.getIntegerAttr(element,
                             APInt(element.getIntOrFloatBitWidth(), stored,
                                   /*isSigned=*/true, /*implicitTrunc=*/true)));
  auto resultType = pad.getResultType().clone(element);
  Value padded = tensor::PadOp::create(
      builder, pad.getLoc(), resultType, storedInput, pad.getMixedLowPad(),
      pad.getMixedHighPad(), storedPadValue, pad.getNofold());
  if (params.isPerAxis())
    return fromStorageAs(padded, *mapped);
  return fromStorage(padded, *quantized);
}

/// max over the window of the stored integers (signed or unsigned compare),
/// padded and started with the lowest stored value, which like -inf never
/// wins against an input value.
FailureOr<Value> SameScaleFolder::foldMaxPool(linalg::GenericOp pool) {
  StringRef what = "max pool";
  Value in = pool.getDpsInputs()[0];
  auto pad = in.getDefiningOp<tensor::PadOp>();
  if (pad) {
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !isNegativeInfinity(padValue))
      return reject(what, "its input is padded with a value that is not "
                          "constant -inf");
    in = pad.getSource();
  }
  FailureOr<Value> quantized = matchQuantizedInput(in, what);
  if (failed(quantized) || failed(matchOutput(what)))
    return failure();
  auto resultType = cast<RankedTensorType>(pool.getResultTypes()[0]);
  if (resultType.getRank() < 2 ||
      llvm::any_of(resultType.getShape().drop_front(2), ShapedType::isDynamic))
    return reject(what, "its spatial output sizes are not static");

  // A window of padding alone is -inf, which quantizes to the output's
  // lowest value; the integer pool gives the input's lowest value,
  // requantized. Only exact when the two agree.
  UniformParams params = *getUniformParams(quantized->getType());
  UniformParams outParams = *getUniformParams(output.getType());
  int64_t lowestIn = params.storageRange().qmin;
  int64_t lowestOut = outParams.storageRange().qmin;
  int64_t requantizedLowest =
      numerics::quantize(numerics::dequantize(lowestIn, {float(params.scale(0)),
                                                         params.zeroPoint(0)}),
                         {float(outParams.scale(0)), outParams.zeroPoint(0)},
                         outParams.storageRange());
  if (pad && requantizedLowest != lowestOut)
    return reject(what, "it is padded and its output parameters differ: "
                        "the lowest input value requantizes to " +
                            Twine(requantizedLowest) +
                            ", not to the "
                            "output's lowest value " +
                            Twine(lowestOut) +
                            " that a window of padding gives");
  Location loc = pool.getLoc();
  Value stored = toStorage(*quantized);
  Type element = cast<RankedTensorType>(stored.getType()).getElementType();
  Value lowest = arith::ConstantOp::create(
      builder, loc,
      builder.getIntegerAttr(element,
                             APInt(element.getIntOrFloatBitWidth(),
                                   params.storageRange().qmin,
                                   /*isSigned=*/true, /*implicitTrunc=*/true)));
  if (pad)
    stored = tensor::PadOp::create(
        builder, loc, pad.getResultType().clone(element), stored,
        pad.getMixedLowPad(), pad.getMixedHighPad(), lowest);
  Value window = pool.getDpsInputs()[1];
  Value storedWindow = tensor::EmptyOp::create(
      builder, loc, cast<RankedTensorType>(window.getType()).getShape(),
      element);
  // Pooling keeps N and C, the only dimensions that may be dynamic here;
  // read from the integer tensor (quant-lower-qnn has no tensor.dim of a
  // quantized tensor).
  SmallVector<OpFoldResult> sizes;
  for (auto [d, size] : llvm::enumerate(resultType.getShape()))
    sizes.push_back(
        ShapedType::isDynamic(size)
            ? OpFoldResult(
                  tensor::DimOp::create(builder, loc, stored, d).getResult())
            : OpFoldResult(builder.getIndexAttr(size)));
  Value empty = tensor::EmptyOp::create(builder, loc, sizes, element);
  Value init = linalg::FillOp::create(builder, loc, lowest, empty).getResult(0);
  bool isSigned = params.isSigned();
  Value result =
      linalg::GenericOp::create(
          builder, loc, TypeRange{init.getType()},
          ValueRange{stored, storedWindow}, ValueRange{init},
          pool.getIndexingMapsArray(), pool.getIteratorTypesArray(),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value max =
                isSigned
                    ? arith::MaxSIOp::create(b, l, args[0], args[2]).getResult()
                    : arith::MaxUIOp::create(b, l, args[0], args[2])
                          .getResult();
            linalg::YieldOp::create(b, l, ValueRange{max});
          })
          .getResult(0);
  return fromStorage(result, *quantized);
}

/// Each input requantized to the output parameters, then concatenated.
FailureOr<Value> SameScaleFolder::foldConcat(tosa::ConcatOp concat) {
  StringRef what = "tosa.concat";
  SmallVector<Value> quantizedInputs;
  for (Value in : concat.getInput1()) {
    FailureOr<Value> quantized =
        matchQuantizedInput(in, what, /*allowPerAxis=*/true);
    if (failed(quantized))
      return failure();
    quantizedInputs.push_back(*quantized);
  }
  auto outType = cast<RankedTensorType>(output.getType());
  Location loc = output.getLoc();
  bool perAxis = llvm::any_of(quantizedInputs, [](Value v) {
    return getUniformParams(v.getType())->isPerAxis();
  });
  if (failed(matchOutput(what, perAxis)))
    return failure();
  if (perAxis) {
    // The inputs' channels, concatenated as they are, then requantized as
    // a whole where the output's differ.
    FailureOr<quant::UniformQuantizedPerAxisType> mapped =
        mapPerAxis(concat, quantizedInputs, what);
    if (failed(mapped))
      return failure();
    SmallVector<Value> stored;
    for (Value quantized : quantizedInputs)
      stored.push_back(toStorage(quantized));
    Value result = tosa::ConcatOp::create(
        builder, loc, cast<RankedTensorType>(getStorageShapedType(outType)),
        stored, concat.getAxisAttr());
    return fromStorageAs(result, *mapped);
  }
  SmallVector<Value> stored;
  for (Value quantized : quantizedInputs) {
    auto type = cast<RankedTensorType>(quantized.getType());
    if (type.getElementType() != outType.getElementType())
      quantized = RequantizeOp::create(
          builder, loc, type.clone(outType.getElementType()), quantized);
    stored.push_back(toStorage(quantized));
  }
  Value result = tosa::ConcatOp::create(
      builder, loc, cast<RankedTensorType>(getStorageShapedType(outType)),
      stored, concat.getAxisAttr());
  return quant::StorageCastOp::create(builder, loc, outType, result)
      .getResult();
}

/// sum / counts, where the sum is quant-import's window-sum generic over an
/// optionally 0.0-padded input, or its tosa.reduce_sum over H then W
/// (GlobalAveragePool): qnn.avg_pool2d when the counts are those of the
/// windows inside the input, or of whole windows (count_include_pad).
FailureOr<Value> SameScaleFolder::foldAvgPool(linalg::GenericOp divide) {
  StringRef what = "average pool";
  Value sum = divide.getDpsInputs()[0];
  SmallVector<int64_t> kernel, strides{1, 1}, dilations{1, 1};
  SmallVector<int64_t> padding{0, 0, 0, 0};
  Value in;
  if (auto window = sum.getDefiningOp<linalg::GenericOp>()) {
    if (!isWindowReduction<arith::AddFOp>(window, isZeroFloat))
      return failure(); // Not an average pool: nothing to explain.
    AffineMap loops = AffineMap::getMultiDimIdentityMap(6, window.getContext());
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    if (failed(readWindowMap(window.getIndexingMapsArray()[0], strides,
                             dilations)) ||
        !hasLoops(window,
                  {window.getIndexingMapsArray()[0], loops.getSubMap({4, 5}),
                   loops.getSubMap({0, 1, 2, 3})},
                  iterators))
      return reject(what, "the window sum is not a 2-D NCHW window");
    if (dilations != SmallVector<int64_t>{1, 1})
      return reject(what, "the window is dilated");
    kernel = llvm::to_vector(
        cast<RankedTensorType>(window.getDpsInputs()[1].getType()).getShape());
    in = window.getDpsInputs()[0];
    if (auto pad = in.getDefiningOp<tensor::PadOp>()) {
      Value padValue = pad.getConstantPaddingValue();
      if (!padValue || !isZeroFloat(padValue))
        return reject(what, "its input is padded with a value that is not "
                            "constant 0.0");
      ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
      if (llvm::any_of(llvm::concat<const int64_t>(low, high),
                       ShapedType::isDynamic) ||
          low[0] != 0 || low[1] != 0 || high[0] != 0 || high[1] != 0)
        return reject(what, "its input padding is not static and spatial");
      padding = {low[2], low[3], high[2], high[3]};
      in = pad.getSource();
    }
  } else if (auto reduceW = sum.getDefiningOp<tosa::ReduceSumOp>()) {
    auto reduceH = reduceW.getInput().getDefiningOp<tosa::ReduceSumOp>();
    if (!reduceH || reduceH.getAxis() != 2 || reduceW.getAxis() != 3)
      return reject(what, "the sum does not reduce H then W");
    // Rank 4: reduce_sum keeps the rank of the 4-D division.
    in = reduceH.getInput();
    auto inType = cast<RankedTensorType>(in.getType());
    kernel = {inType.getDimSize(2), inType.getDimSize(3)};
    if (llvm::any_of(kernel, ShapedType::isDynamic))
      return reject(what, "the global pool input has dynamic H or W");
  } else {
    return failure();
  }
  FailureOr<Value> quantized = matchQuantizedInput(in, what);
  if (failed(quantized) || failed(matchOutput(what)))
    return failure();

  // Ask the verifier, capturing its reason instead of printing it.
  std::string reason;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(output.getContext(), [&](Diagnostic &d) {
      reason = d.str();
      return success();
    });
    valid = AvgPool2DOp::verifyTypes(
        quantized->getType(), output.getType(), kernel, strides, padding,
        [&] { return emitRemark(output.getLoc()); });
  }
  if (failed(valid))
    return reject(what, reason);

  // Which counts the division uses.
  SmallVector<float> divisors = *getConstantFloats(divide.getDpsInputs()[1]);
  ArrayRef<int64_t> spatial =
      cast<RankedTensorType>(quantized->getType()).getShape().drop_front(2);
  auto dividesBy = [&](bool includePad) {
    SmallVector<int64_t> counts = AvgPool2DOp::computeWindowCounts(
        spatial, kernel, strides, padding, includePad);
    if (divisors.size() == 1)
      return llvm::all_of(counts,
                          [&](int64_t c) { return float(c) == divisors[0]; });
    return divisors.size() == counts.size() &&
           llvm::all_of(llvm::zip(counts, divisors), [](auto pair) {
             return float(std::get<0>(pair)) == std::get<1>(pair);
           });
  };
  bool includePad;
  if (dividesBy(false))
    includePad = false;
  else if (dividesBy(true))
    includePad = true;
  else
    return reject(what, "the divisors are neither the window sizes inside "
                        "the input nor the whole window size");
  return AvgPool2DOp::create(builder, output.getLoc(), output.getType(),
                             *quantized, kernel, strides, padding, includePad)
      .getResult();
}

FailureOr<Value> SameScaleFolder::fold(Operation *op) {
  if (isa<tosa::ReshapeOp>(op))
    return foldMove(op, "tosa.reshape");
  if (isa<tensor::CollapseShapeOp>(op))
    return foldMove(op, "tensor.collapse_shape");
  if (isa<tensor::ExpandShapeOp>(op))
    return foldMove(op, "tensor.expand_shape");
  if (isa<tosa::TransposeOp>(op))
    return foldMove(op, "tosa.transpose");
  if (isa<tensor::ExtractSliceOp>(op))
    return foldMove(op, "tensor.extract_slice");
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return foldPad(pad);
  if (auto concat = dyn_cast<tosa::ConcatOp>(op))
    return foldConcat(concat);
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    if (isMaxPool(generic))
      return foldMaxPool(generic);
    if (isDivisionByCounts(generic))
      return foldAvgPool(generic);
  }
  return failure();
}

void quantc::detail::foldSameScaleQDQ(quant::QuantizeCastOp output,
                                      bool explain, bool &folded) {
  folded = false;
  Operation *op = output.getInput().getDefiningOp();
  if (!op)
    return;
  // An op whose (first) input is not dequantized is no candidate: the
  // layer folder explains layers, and a plain float op before a quantize
  // is the normal end of a float region.
  bool anyDequantized = llvm::any_of(op->getOperands(), [](Value v) {
    Operation *def = v.getDefiningOp();
    while (def && def->getNumOperands() > 0 &&
           isa<tensor::PadOp, linalg::GenericOp, tosa::ReduceSumOp>(def))
      def = def->getOperand(0).getDefiningOp();
    return isa_and_nonnull<quant::DequantizeCastOp>(def);
  });
  if (!anyDequantized)
    return;
  SameScaleFolder folder(output, explain);
  FailureOr<Value> result = folder.fold(op);
  if (failed(result))
    return;
  replaceAndEraseDeadProducers(output, *result);
  folded = true;
}
