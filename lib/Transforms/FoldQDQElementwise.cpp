//===- FoldQDQElementwise.cpp - Fold QDQ add/sub/mul into qnn ---*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The elementwise part of quant-fold-qdq: dq(a), dq(b) -> tosa.add / sub /
// mul -> q becomes qnn.add / sub / mul. quant-import aligns operand ranks
// with a tosa.reshape that prepends size-1 dimensions; the qnn ops
// broadcast across ranks themselves, so the fold looks through it.
//
// Activations (ReLU, ReLU6, Clip: tosa.clamp): dq -> clamp -> q becomes
// qnn.clamp with the bounds quantized. A clamp between a foldable producer
// and its q (conv -> relu -> q, as quantizers write it) is first split into
// producer -> q -> dq -> clamp -> q, which is exact: quantization is
// monotonic, so q(clamp(x, lo, hi)) = clamp(q(x), q(lo), q(hi)), and
// q(dq(v)) = v. quant-fuse-requant then folds the qnn.clamp into the
// producer's output range.
//
// LeakyRelu (quant-import's tosa.select form): dq -> leaky relu -> q becomes
// qnn.lookup, a table of the float QDQ result at every stored value.
//
//===----------------------------------------------------------------------===//

#include "FoldQDQInternal.h"
#include "FoldQDQLayout.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Numerics/QuantParams.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

namespace {

/// A float elementwise candidate and the qnn op it would become.
struct ElementwiseCandidate {
  Operation *op = nullptr;
  StringRef qnnOpName, floatOpName;
  Value lhs, rhs;
};

std::optional<ElementwiseCandidate> matchCandidate(Operation *op) {
  if (auto add = dyn_cast_or_null<tosa::AddOp>(op))
    return ElementwiseCandidate{op, "qnn.add", "add", add.getInput1(),
                                add.getInput2()};
  if (auto sub = dyn_cast_or_null<tosa::SubOp>(op))
    return ElementwiseCandidate{op, "qnn.sub", "sub", sub.getInput1(),
                                sub.getInput2()};
  if (auto mul = dyn_cast_or_null<tosa::MulOp>(op))
    return ElementwiseCandidate{op, "qnn.mul", "mul", mul.getInput1(),
                                mul.getInput2()};
  return std::nullopt;
}

/// Whether `reshape` only prepends size-1 dimensions (the importer's rank
/// alignment before a broadcasting op).
bool isRankAlignment(tosa::ReshapeOp reshape) {
  ArrayRef<int64_t> from = reshape.getInput1().getType().getShape();
  ArrayRef<int64_t> to = reshape.getType().getShape();
  if (to.size() < from.size() || to.take_back(from.size()) != from)
    return false;
  return llvm::all_of(to.drop_back(from.size()),
                      [](int64_t d) { return d == 1; });
}

/// The dequantize behind an operand, through a rank alignment.
quant::DequantizeCastOp dequantizedOperand(Value operand) {
  if (auto reshape = operand.getDefiningOp<tosa::ReshapeOp>())
    if (isRankAlignment(reshape))
      operand = reshape.getInput1();
  return operand.getDefiningOp<quant::DequantizeCastOp>();
}

/// Whether `op` computes a value that quant-fold-qdq can fold up to a q: a
/// contraction layer (with its bias add) or a float elementwise op.
bool isFoldableProducer(Operation *op) {
  if (!op)
    return false;
  if (isFoldableLayerCore(op))
    return true;
  if (isa<tosa::AddOp>(op))
    return true; // A bias add or an elementwise add.
  return isa<tosa::SubOp, tosa::MulOp>(op);
}

/// qnn.lookup for dq(`input`) -> f -> `output`, f given in float32: the
/// table of the float QDQ result at every stored input value. Returns the
/// reason it cannot, or an empty string after the rewrite.
std::string foldIntoLookup(quant::QuantizeCastOp output,
                           quant::DequantizeCastOp input,
                           llvm::function_ref<float(float)> f) {
  std::optional<UniformParams> in = getUniformParams(input.getInput().getType());
  std::optional<UniformParams> out = getUniformParams(output.getType());
  if (!in || in->isPerAxis() || !out || out->isPerAxis())
    return "input or output is not per-tensor !quant.uniform";
  if (in->storageWidth() > 8)
    return "input storage is wider than 8 bits (no table)";
  if (!in->expressedType().isF32() || !out->expressedType().isF32())
    return "is not computed in f32";
  numerics::QuantParams inQ{float(in->scale(0)), in->zeroPoint(0)};
  numerics::QuantParams outQ{float(out->scale(0)), out->zeroPoint(0)};
  int64_t offset = LookupOp::tableOffset(in->type);
  SmallVector<int64_t> table;
  for (int64_t v = offset; v < offset + LookupOp::tableSize(in->type); ++v)
    table.push_back(numerics::quantize(f(numerics::dequantize(v, inQ)), outQ,
                                       out->storageRange()));
  OpBuilder builder(output);
  auto tableType = RankedTensorType::get({int64_t(table.size())},
                                         builder.getI64Type());
  quantc::detail::replaceAndEraseDeadProducers(
      output, LookupOp::create(builder, output.getLoc(), output.getType(),
                               input.getInput(),
                               DenseIntElementsAttr::get(tableType,
                                                         ArrayRef(table))));
  return "";
}

/// The bounds of a float clamp [lo, hi] on `params`' stored values: each
/// quantized as `params` (float32, +-inf saturating). tosa.clamp's verifier
/// guarantees float bounds, no NaN, lo <= hi, so min <= max too
/// (quantization is monotonic).
std::pair<int64_t, int64_t> quantizeClampBounds(FloatAttr lo, FloatAttr hi,
                                                const UniformParams &params) {
  numerics::QuantParams q{float(params.scale(0)), params.zeroPoint(0)};
  return {numerics::quantize(float(lo.getValueAsDouble()), q,
                             params.storageRange()),
          numerics::quantize(float(hi.getValueAsDouble()), q,
                             params.storageRange())};
}

/// dq(x) -> clamp -> `output` where x is wider than 8 bits (no table) and
/// its parameters differ from the output's: qnn.requantize to the output,
/// then qnn.clamp with the bounds quantized as the output is. Exact in fp32
/// mode, whose requantize is q(dq(x)) in float32: q is monotonic, so
/// q(clamp(y, lo, hi)) = clamp(q(y), q(lo), q(hi)).
bool foldRequantizingClamp(quant::QuantizeCastOp output,
                           quant::DequantizeCastOp input, FloatAttr lo,
                           FloatAttr hi, bool explain) {
  std::optional<UniformParams> in = getUniformParams(input.getInput().getType());
  std::optional<UniformParams> out = getUniformParams(output.getType());
  if (!in || in->isPerAxis() || !out || out->isPerAxis() ||
      !in->expressedType().isF32() || !out->expressedType().isF32()) {
    if (explain)
      output->emitRemark("not folded into qnn.requantize + qnn.clamp: the "
                         "input or output is not per-tensor f32 "
                         "!quant.uniform");
    return false;
  }
  auto [min, max] = quantizeClampBounds(lo, hi, *out);
  OpBuilder builder(output);
  Location loc = output.getLoc();
  Value requantized = RequantizeOp::create(builder, loc, output.getType(),
                                           input.getInput());
  quantc::detail::replaceAndEraseDeadProducers(
      output, ClampOp::create(builder, loc, requantized, min, max));
  return true;
}

/// qnn.clamp from dq(x) -> tosa.clamp -> `output` when x and the output
/// share one type; qnn.lookup when the clamp also requantizes (a Relu
/// between two QDQ pairs with different parameters) from at most 8 bits,
/// qnn.requantize + qnn.clamp from wider inputs.
bool tryFoldClamp(quant::QuantizeCastOp output, tosa::ClampOp clamp,
                  bool explain) {
  auto reject = [&](const Twine &reason) {
    if (explain)
      output->emitRemark("not folded into qnn.clamp: ") << reason;
    return false;
  };
  auto input = clamp.getInput().getDefiningOp<quant::DequantizeCastOp>();
  if (!input)
    return reject("the clamp input is not dequantized");
  auto lo = cast<FloatAttr>(clamp.getMinValAttr());
  auto hi = cast<FloatAttr>(clamp.getMaxValAttr());
  std::optional<UniformParams> inParams =
      getUniformParams(input.getInput().getType());
  if (input.getInput().getType() != output.getType() && inParams &&
      inParams->storageWidth() > 8)
    return foldRequantizingClamp(output, input, lo, hi, explain);
  if (input.getInput().getType() != output.getType()) {
    // tosa.clamp's float semantics; dq never gives NaN.
    float min = float(lo.getValueAsDouble()), max = float(hi.getValueAsDouble());
    std::string reason = foldIntoLookup(output, input, [&](float x) {
      return std::min(std::max(x, min), max);
    });
    if (!reason.empty())
      return reject("the requantizing clamp " + Twine(reason));
    return true;
  }
  std::optional<UniformParams> params = getUniformParams(output.getType());
  if (!params || params->isPerAxis())
    return reject("the clamp is not on a per-tensor !quant.uniform tensor");
  auto [min, max] = quantizeClampBounds(lo, hi, *params);
  OpBuilder builder(output);
  quantc::detail::replaceAndEraseDeadProducers(output, ClampOp::create(builder, output.getLoc(),
                                          input.getInput(), min, max));
  return true;
}

/// qnn.leaky_relu for a LeakyRelu on inputs of 9 to 16 bits (too wide for a
/// table), per-tensor f32 on both sides; false (nothing changed) otherwise.
bool foldWideLeakyRelu(quant::QuantizeCastOp output,
                       quant::DequantizeCastOp input, float alpha) {
  std::optional<UniformParams> in = getUniformParams(input.getInput().getType());
  std::optional<UniformParams> out = getUniformParams(output.getType());
  if (!in || in->isPerAxis() || !out || out->isPerAxis() ||
      in->storageWidth() <= 8 || in->storageWidth() > 16 ||
      out->storageWidth() > 16 || !in->expressedType().isF32() ||
      !out->expressedType().isF32() || !std::isfinite(alpha))
    return false;
  OpBuilder builder(output);
  quantc::detail::replaceAndEraseDeadProducers(
      output, LeakyReluOp::create(builder, output.getLoc(), output.getType(),
                                  input.getInput(),
                                  builder.getF32FloatAttr(alpha)));
  return true;
}

/// qnn.lookup from dq(x) -> LeakyRelu in quant-import's form
/// (tosa.select(tosa.greater_equal(x, 0), x, tosa.mul(x, alpha))) ->
/// `output`: the table evaluates that float32 arithmetic, between the
/// dequantize and the quantize, at every stored input value.
bool tryFoldLeakyRelu(quant::QuantizeCastOp output, tosa::SelectOp select,
                      bool explain) {
  auto reject = [&](const Twine &reason) {
    if (explain)
      output->emitRemark("not folded into qnn.lookup: ") << reason;
    return false;
  };
  Value x = select.getOnTrue();
  auto isPositive = select.getPred().getDefiningOp<tosa::GreaterEqualOp>();
  auto scaled = select.getOnFalse().getDefiningOp<tosa::MulOp>();
  DenseFPElementsAttr alpha;
  bool isLeakyRelu =
      isPositive && scaled && isPositive.getInput1() == x &&
      matchPattern(isPositive.getInput2(), m_AnyZeroFloat()) &&
      scaled.getInput1() == x &&
      matchPattern(scaled.getInput2(), m_Constant(&alpha)) &&
      alpha.isSplat() && matchPattern(scaled.getShift(), m_Zero());
  if (!isLeakyRelu)
    return reject("the select is not a LeakyRelu (x >= 0 ? x : alpha * x)");
  auto input = x.getDefiningOp<quant::DequantizeCastOp>();
  if (!input)
    return reject("the LeakyRelu input is not dequantized");
  float slope = alpha.getSplatValue<APFloat>().convertToFloat();
  if (foldWideLeakyRelu(output, input, slope))
    return true;
  std::string reason = foldIntoLookup(output, input, [&](float f) {
    return f >= 0.0f ? f : f * slope;
  });
  if (!reason.empty())
    return reject("the LeakyRelu " + Twine(reason));
  return true;
}

} // namespace

void quantc::splitActivationClamps(Operation *root) {
  SmallVector<tosa::ClampOp> clamps;
  root->walk([&](tosa::ClampOp clamp) {
    if (clamp->hasOneUse() && isa<FloatType>(mlir::getElementTypeOrSelf(
                                  clamp.getType())) &&
        isa<quant::QuantizeCastOp>(*clamp->user_begin()) &&
        isFoldableProducer(clamp.getInput().getDefiningOp()))
      clamps.push_back(clamp);
  });
  for (tosa::ClampOp clamp : clamps) {
    auto output = cast<quant::QuantizeCastOp>(*clamp->user_begin());
    std::optional<UniformParams> params = getUniformParams(output.getType());
    if (!params || params->isPerAxis())
      continue;
    OpBuilder builder(clamp);
    Location loc = clamp.getLoc();
    Value produced = clamp.getInput();
    auto quantized = quant::QuantizeCastOp::create(builder, loc,
                                                   output.getType(), produced);
    auto dequantized = quant::DequantizeCastOp::create(
        builder, loc, produced.getType(), quantized);
    clamp.getInputMutable().assign(dequantized);
  }
}

bool quantc::tryFoldElementwise(quant::QuantizeCastOp output, bool explain) {
  if (auto clamp = output.getInput().getDefiningOp<tosa::ClampOp>())
    return tryFoldClamp(output, clamp, explain);
  if (auto select = output.getInput().getDefiningOp<tosa::SelectOp>())
    return tryFoldLeakyRelu(output, select, explain);
  std::optional<ElementwiseCandidate> candidate =
      matchCandidate(output.getInput().getDefiningOp());
  if (!candidate)
    return false;
  // A bias add belongs to the layer FoldQDQ.cpp folds or explains.
  if (isFoldableLayerCore(candidate->lhs.getDefiningOp()) ||
      isFoldableLayerCore(candidate->rhs.getDefiningOp()))
    return false;
  auto reject = [&](const Twine &reason) {
    if (explain)
      output->emitRemark("not folded into ")
          << candidate->qnnOpName << ": " << reason;
    return false;
  };

  if (auto mul = dyn_cast<tosa::MulOp>(candidate->op))
    if (!matchPattern(mul.getShift(), m_Zero()))
      return reject("the tosa.mul shift is not constant 0");
  quant::DequantizeCastOp lhs = dequantizedOperand(candidate->lhs);
  quant::DequantizeCastOp rhs = dequantizedOperand(candidate->rhs);
  if (!lhs || !rhs)
    return reject("the " + candidate->floatOpName + " " +
                  (lhs ? "rhs" : "lhs") +
                  " is not dequantized (directly or through a rank-aligning "
                  "tosa.reshape)");

  // Ask the verifier, capturing its reason instead of printing it.
  Type lhsType = lhs.getInput().getType(), rhsType = rhs.getInput().getType();
  Type resultType = output.getType();
  std::string reason;
  LogicalResult valid = success();
  {
    ScopedDiagnosticHandler capture(output.getContext(), [&](Diagnostic &d) {
      reason = d.str();
      return success();
    });
    auto emitError = [&] { return emitRemark(output.getLoc()); };
    if (isa<tosa::AddOp>(candidate->op))
      valid = AddOp::verifyTypes(lhsType, rhsType, resultType, emitError);
    else if (isa<tosa::SubOp>(candidate->op))
      valid = SubOp::verifyTypes(lhsType, rhsType, resultType, emitError);
    else
      valid = MulOp::verifyTypes(lhsType, rhsType, resultType, emitError);
  }
  if (failed(valid))
    return reject(reason);

  OpBuilder builder(output);
  Location loc = output.getLoc();
  Value lhsQ = lhs.getInput(), rhsQ = rhs.getInput();
  Value result;
  if (isa<tosa::AddOp>(candidate->op))
    result = AddOp::create(builder, loc, resultType, lhsQ, rhsQ);
  else if (isa<tosa::SubOp>(candidate->op))
    result = SubOp::create(builder, loc, resultType, lhsQ, rhsQ);
  else
    result = MulOp::create(builder, loc, resultType, lhsQ, rhsQ);
  quantc::detail::replaceAndEraseDeadProducers(output, result);
  return true;
}
