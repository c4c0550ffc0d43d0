//===- QNNOps.cpp - qnn operations ------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Dialect/QNN/Utils/ContractionUtils.h"

#include "mlir/IR/OpImplementation.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

#define GET_OP_CLASSES
#include "quantc/Dialect/QNN/IR/QNNOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// Checks that a per-axis type's axis lies within `type`'s rank and that it
/// has one scale per element of that dimension.
static LogicalResult
verifyAxisAgainstShape(StringRef what, const UniformParams &params,
                       RankedTensorType type,
                       function_ref<InFlightDiagnostic()> emitError) {
  if (!params.isPerAxis())
    return success();
  int64_t axis = *params.axis;
  if (axis >= type.getRank())
    return emitError() << what << " quantized dimension " << axis
                       << " is out of range for a tensor of rank "
                       << type.getRank();
  int64_t dim = type.getDimSize(axis);
  if (!ShapedType::isDynamic(dim) && dim != int64_t(params.scales.size()))
    return emitError() << what << " has " << params.scales.size()
                       << " per-axis scales but dimension " << axis
                       << " has size " << dim;
  return success();
}

static bool sameOrDynamic(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty name");
  if (failed(getRecipe().verifyForShape(getInput().getType().getShape(),
                                        [&] { return emitOpError(); })))
    return failure();
  if (std::optional<ArrayAttr> channels = getChannelStats()) {
    if (getStats())
      return emitOpError("has both stats and channel_stats");
    RecipeAttr recipe = getRecipe();
    if (recipe.getGranularity() == Granularity::tensor)
      return emitOpError("has channel_stats but its recipe is per tensor");
    int64_t dim = getInput().getType().getDimSize(*recipe.getAxis());
    if (!ShapedType::isDynamic(dim) && int64_t(channels->size()) != dim)
      return emitOpError("has ")
             << channels->size() << " channel_stats for " << dim
             << " channels on axis " << *recipe.getAxis();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  std::optional<UniformParams> in = getUniformParams(inputType);
  std::optional<UniformParams> out = getUniformParams(resultType);
  if (!in)
    return emitOpError("input must be a tensor of !quant.uniform, got ")
           << inputType;
  if (!out)
    return emitOpError("result must be a tensor of !quant.uniform, got ")
           << resultType;
  auto emitError = [&] { return emitOpError(); };
  if (failed(verifyUniformParams(*in, "input", emitError)) ||
      failed(verifyUniformParams(*out, "result", emitError)))
    return failure();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("input and result shapes differ: ")
           << inputType << " vs " << resultType;
  if (in->expressedType() != out->expressedType())
    return emitOpError("input and result expressed types differ: ")
           << in->expressedType() << " vs " << out->expressedType();
  if (out->isPerAxis() && in->isPerAxis() && *out->axis != *in->axis)
    return emitOpError("per-axis input and result use different axes (")
           << *in->axis << " vs " << *out->axis << ")";
  if (failed(verifyAxisAgainstShape("input", *in, inputType, emitError)) ||
      failed(verifyAxisAgainstShape("result", *out, resultType, emitError)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// How an op's diagnostics name its two contracted operands and their
/// output-channel count.
struct ContractionNames {
  StringRef input, weight, channels;
};

/// Checks the bias against the operands: [channels], 32-bit signed storage,
/// zero point 0, and scale s_input * s_weight channel by channel.
static LogicalResult verifyBias(Type biasType, const UniformParams &input,
                                const UniformParams &weight, int64_t channels,
                                const ContractionNames &names,
                                function_ref<InFlightDiagnostic()> emitError) {
  auto biasTensor = dyn_cast<RankedTensorType>(biasType);
  std::optional<UniformParams> bias = getUniformParams(biasType);
  if (!biasTensor || !bias)
    return emitError() << "bias must be a tensor of !quant.uniform, got "
                       << biasType;
  if (biasTensor.getRank() != 1 ||
      !sameOrDynamic(biasTensor.getDimSize(0), channels))
    return emitError() << "bias must have shape [" << names.channels << "] = ["
                       << channels << "], got " << biasType;
  if (failed(verifyUniformParams(*bias, "bias", emitError)))
    return failure();
  if (!bias->isSigned() || bias->storageWidth() != 32)
    return emitError() << "bias storage must be 32-bit signed (i32), got "
                       << bias->type.getStorageType();
  if (bias->expressedType() != input.expressedType())
    return emitError() << "bias expressed type " << bias->expressedType()
                       << " differs from " << input.expressedType();
  if (bias->isPerAxis() != weight.isPerAxis())
    return emitError() << "bias must be per-axis exactly when " << names.weight
                       << " is ("
                       << (weight.isPerAxis() ? "per-axis" : "per-tensor")
                       << " " << names.weight << ")";
  if (bias->isPerAxis() && *bias->axis != 0)
    return emitError() << "per-axis bias must be quantized on axis 0, got "
                       << *bias->axis;
  if (bias->isPerAxis() && bias->scales.size() != weight.scales.size())
    return emitError() << "bias has " << bias->scales.size() << " scales but "
                       << names.weight << " has " << weight.scales.size();
  for (int64_t zp : bias->zeroPoints)
    if (zp != 0)
      return emitError() << "bias zero point must be 0, got " << zp;
  for (size_t c = 0, e = bias->scales.size(); c < e; ++c) {
    double expected = input.scale(0) * weight.scale(c);
    double actual = bias->scales[c];
    if (std::fabs(actual - expected) > 1e-6 * expected)
      return emitError() << "bias scale " << actual << " (channel " << c
                         << ") must equal " << names.input << " scale * "
                         << names.weight << " scale = " << expected;
  }
  return success();
}

/// The bound of `k` products of centred values from the storage ranges.
static double typeRangeBound(int64_t k, const UniformParams &input,
                             const UniformParams &weight) {
  return double(k) * double(input.maxAbsCentered()) *
         double(weight.maxAbsCentered());
}

/// Proves that `k` products of centred values fit the i32 accumulator:
/// from the storage ranges, or, given the per-channel sums of |w - zw| of
/// constant weights, from max_c sum |w - zw[c]| * max|x - zx| (tighter:
/// it is what the weights can actually reach). Where neither holds and
/// `canSplit` (qnn.matmul), the lowering sums K in i32 chunks added in i64
/// (maxProductsPerI32Chunk): valid unless one product alone can exceed i32
/// or the i64 sum can overflow.
static LogicalResult
verifyAccumulatorFits(int64_t k, const UniformParams &input,
                      const UniformParams &weight,
                      ArrayRef<int64_t> weightAbsCentredSums,
                      function_ref<InFlightDiagnostic()> emitError,
                      bool canSplit = false) {
  constexpr double int32Max = double(std::numeric_limits<int32_t>::max());
  double typeBound = typeRangeBound(k, input, weight);
  if (typeBound <= int32Max)
    return success();
  int64_t largest = 0;
  double weightBound = 0;
  if (!weightAbsCentredSums.empty()) {
    largest = *llvm::max_element(weightAbsCentredSums);
    weightBound = double(largest) * double(input.maxAbsCentered());
    if (weightBound <= int32Max)
      return success();
  }
  bool oneProductFits = maxProductsPerI32Chunk(input, weight) > 0;
  if (canSplit && oneProductFits && fitsI64Accumulator(k, input, weight))
    return success(); // Split K (accumulator_chunk).
  InFlightDiagnostic diag = emitError();
  diag << "i32 accumulator can overflow: K = " << k;
  if (!weightAbsCentredSums.empty())
    diag << " products; the constant weights' largest sum of |w - zw| over "
            "an output channel, "
         << largest << ", times " << input.maxAbsCentered() << " reaches "
         << int64_t(weightBound) << " > 2147483647";
  else
    diag << " products of up to " << input.maxAbsCentered() << " * "
         << weight.maxAbsCentered() << " reach " << int64_t(typeBound)
         << " > 2147483647";
  if (canSplit) {
    if (!oneProductFits)
      diag << ", and no K split (accumulator_chunk) proves it: one product "
              "alone can exceed i32";
    else
      diag << ", and no K split (accumulator_chunk) proves it: the i64 sum "
              "of the chunks can overflow";
  }
  return diag;
}

/// Checks a qnn.matmul's `accumulator_chunk`: 1 <= chunk < K, chunk
/// products that provably fit i32 by the storage ranges, and an i64 sum of
/// the chunks that cannot overflow.
static LogicalResult
verifyAccumulatorChunk(int64_t chunk, int64_t k, const UniformParams &input,
                       const UniformParams &weight,
                       function_ref<InFlightDiagnostic()> emitError) {
  if (chunk < 1 || chunk >= k)
    return emitError() << "accumulator_chunk must be in [1, K) = [1, " << k
                       << "), got " << chunk;
  if (chunk > maxProductsPerI32Chunk(input, weight))
    return emitError() << "accumulator_chunk = " << chunk
                       << " products of up to " << input.maxAbsCentered()
                       << " * " << weight.maxAbsCentered() << " reach "
                       << int64_t(typeRangeBound(chunk, input, weight))
                       << " > 2147483647";
  if (!fitsI64Accumulator(k, input, weight))
    return emitError() << "the i64 sum of K = " << k << " products of up to "
                       << input.maxAbsCentered() << " * "
                       << weight.maxAbsCentered() << " can overflow";
  return success();
}

/// The sums of |w - zw| per output channel of constant `weights`, for the
/// accumulator bound, when the storage-range bound of `k` products does
/// not prove it (computed only then: it reads every weight); else empty.
static SmallVector<int64_t>
weightBoundIfNeeded(int64_t k, Value input, Value weights, bool weightsShared,
                    int64_t channels, WeightChannelDim channelDim) {
  std::optional<UniformParams> x = getUniformParams(input.getType());
  std::optional<UniformParams> w = getUniformParams(weights.getType());
  if (!x || !w || !weightsShared || ShapedType::isDynamic(k) ||
      ShapedType::isDynamic(channels) ||
      typeRangeBound(k, *x, *w) <=
          double(std::numeric_limits<int32_t>::max()))
    return {};
  if (std::optional<ConstantWeightSums> sums =
          getConstantWeightSums(weights, *w, channels, channelDim))
    return sums->absCentredSums;
  return {};
}

/// The operand checks every quantized contraction shares: `input` and
/// `result` tensors of per-tensor !quant.uniform, `weight` of any
/// !quant.uniform, valid parameters, one expressed type.
static LogicalResult verifyContractionOperands(
    Type inputType, Type weightType, Type resultType,
    const ContractionNames &names, std::optional<UniformParams> &input,
    std::optional<UniformParams> &weight, std::optional<UniformParams> &result,
    function_ref<InFlightDiagnostic()> emitError) {
  input = getUniformParams(inputType);
  weight = getUniformParams(weightType);
  result = getUniformParams(resultType);
  if (!isa<RankedTensorType>(inputType) || !input || input->isPerAxis())
    return emitError() << names.input
                       << " must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << inputType;
  if (!isa<RankedTensorType>(weightType) || !weight)
    return emitError() << names.weight
                       << " must be a tensor of !quant.uniform, got "
                       << weightType;
  if (!isa<RankedTensorType>(resultType) || !result || result->isPerAxis())
    return emitError() << "result must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << resultType;
  if (failed(verifyUniformParams(*input, names.input, emitError)) ||
      failed(verifyUniformParams(*weight, names.weight, emitError)) ||
      failed(verifyUniformParams(*result, "result", emitError)))
    return failure();
  if (input->expressedType() != weight->expressedType() ||
      input->expressedType() != result->expressedType())
    return emitError() << "operands and result must share one expressed "
                          "type, got "
                       << input->expressedType() << ", "
                       << weight->expressedType() << " and "
                       << result->expressedType();
  return success();
}

/// qnn.matmul with per-group weights: [B.., M, K] x [K, N] with blocks of
/// B along K (and optionally along N), each group's B products an exact
/// i32 sum; fp32 scaling per group, so no bias (no one scale s_lhs *
/// s_rhs) and no K split (the groups are the split).
static LogicalResult verifyPerGroupMatmul(
    Type lhsType, Type rhsType, const BlockedParams &blocked, Type biasType,
    Type resultType, std::optional<int64_t> accumulatorChunk,
    function_ref<InFlightDiagnostic()> emitError) {
  std::optional<UniformParams> lhs = getUniformParams(lhsType);
  std::optional<UniformParams> result = getUniformParams(resultType);
  const UniformParams &rhs = blocked.params;
  if (!isa<RankedTensorType>(lhsType) || !lhs || lhs->isPerAxis())
    return emitError() << "lhs must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << lhsType;
  if (!isa<RankedTensorType>(resultType) || !result || result->isPerAxis())
    return emitError() << "result must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << resultType;
  if (failed(verifyUniformParams(*lhs, "lhs", emitError)) ||
      failed(verifyUniformParams(rhs, "rhs", emitError)) ||
      failed(verifyUniformParams(*result, "result", emitError)))
    return failure();
  if (lhs->expressedType() != rhs.expressedType() ||
      lhs->expressedType() != result->expressedType())
    return emitError() << "operands and result must share one expressed "
                          "type, got "
                       << lhs->expressedType() << ", " << rhs.expressedType()
                       << " and " << result->expressedType();
  auto lhsTensor = cast<RankedTensorType>(lhsType);
  auto rhsTensor = cast<RankedTensorType>(rhsType);
  auto resultTensor = cast<RankedTensorType>(resultType);
  int64_t rank = lhsTensor.getRank();
  if (rank < 2 || rhsTensor.getRank() != 2 || resultTensor.getRank() != rank)
    return emitError() << "per-group rhs must be [K, N] and lhs and result "
                          "[..., M, K] and [..., M, N] of one rank >= 2, got "
                       << lhsType << ", " << rhsType << " and " << resultType;
  int64_t k = rhsTensor.getDimSize(0), n = rhsTensor.getDimSize(1);
  if (ShapedType::isDynamic(k) || ShapedType::isDynamic(n) ||
      lhsTensor.getDimSize(rank - 1) != k)
    return emitError() << "per-group rhs needs a static [K, N] and lhs K = "
                          "rhs K, got "
                       << lhsType << " and " << rhsType;
  for (int64_t i = 0; i < rank - 1; ++i)
    if (!sameOrDynamic(lhsTensor.getDimSize(i), resultTensor.getDimSize(i)))
      return emitError() << "result dimension " << i << " differs from lhs";
  if (!sameOrDynamic(resultTensor.getDimSize(rank - 1), n))
    return emitError() << "result must have N = " << n << " columns, got "
                       << resultType;
  if (blocked.paramShape.size() != 2)
    return emitError() << "per-group rhs scales must have rank 2 (one "
                          "dimension per dimension of [K, N]), got rank "
                       << blocked.paramShape.size();
  int64_t block = blocked.blockSizes[0];
  if (k % block != 0 || blocked.paramShape[0] != k / block)
    return emitError() << "per-group rhs: K = " << k
                       << " must be a whole number of blocks of "
                       << block << " (no partial last block), with one "
                          "scale row per block, got "
                       << blocked.paramShape[0] << " rows";
  int64_t columnBlock = blocked.blockSizes[1];
  if (blocked.paramShape[1] != 1 &&
      (n % columnBlock != 0 || blocked.paramShape[1] != n / columnBlock))
    return emitError() << "per-group rhs: N = " << n
                       << " must be a whole number of blocks of "
                       << columnBlock << " with one scale column per block, "
                       << "got " << blocked.paramShape[1] << " columns";
  if (block > maxProductsPerI32Chunk(*lhs, rhs))
    return emitError() << "i32 group sum can overflow: a block of " << block
                       << " products of up to " << lhs->maxAbsCentered()
                       << " * " << rhs.maxAbsCentered() << " reaches "
                       << int64_t(typeRangeBound(block, *lhs, rhs))
                       << " > 2147483647";
  if (biasType)
    return emitError() << "a bias needs per-tensor or per-axis rhs (its "
                          "scale is s_lhs * s_rhs; per-group rhs has none)";
  if (accumulatorChunk)
    return emitError() << "accumulator_chunk does not apply to per-group "
                          "rhs (each group is its own i32 sum)";
  return success();
}

LogicalResult
MatmulOp::verifyTypes(Type lhsType, Type rhsType, Type biasType,
                      Type resultType,
                      function_ref<InFlightDiagnostic()> emitError,
                      ArrayRef<int64_t> weightAbsCentredSums,
                      std::optional<int64_t> accumulatorChunk) {
  static const ContractionNames names{"lhs", "rhs", "N"};
  if (std::optional<BlockedParams> blocked = getBlockedParams(rhsType))
    return verifyPerGroupMatmul(lhsType, rhsType, *blocked, biasType,
                                resultType, accumulatorChunk, emitError);
  std::optional<UniformParams> lhs, rhs, result;
  if (failed(verifyContractionOperands(lhsType, rhsType, resultType, names, lhs,
                                       rhs, result, emitError)))
    return failure();
  auto lhsTensor = cast<RankedTensorType>(lhsType);
  auto rhsTensor = cast<RankedTensorType>(rhsType);
  auto resultTensor = cast<RankedTensorType>(resultType);

  int64_t rank = lhsTensor.getRank();
  int64_t rhsRank = rhsTensor.getRank();
  if (rank < 2)
    return emitError() << "lhs must have rank >= 2, got " << rank;
  if (rhsRank != 2 && rhsRank != rank)
    return emitError() << "rhs must have rank 2 or the rank of lhs (" << rank
                       << "), got " << rhsRank;
  if (resultTensor.getRank() != rank)
    return emitError() << "result must have the rank of lhs (" << rank
                       << "), got " << resultTensor.getRank();
  if (rhs->isPerAxis() && *rhs->axis != rhsRank - 1)
    return emitError() << "per-axis rhs must be quantized on its last "
                          "(output channel) dimension "
                       << rhsRank - 1 << ", got " << *rhs->axis;
  if (failed(verifyAxisAgainstShape("rhs", *rhs, rhsTensor, emitError)))
    return failure();

  int64_t k = lhsTensor.getDimSize(rank - 1);
  int64_t m = lhsTensor.getDimSize(rank - 2);
  int64_t n = rhsTensor.getDimSize(rhsRank - 1);
  if (!sameOrDynamic(k, rhsTensor.getDimSize(rhsRank - 2)))
    return emitError() << "reduction dimensions differ: lhs K = " << k
                       << ", rhs K = " << rhsTensor.getDimSize(rhsRank - 2);
  for (int64_t i = 0; i < rank - 2; ++i) {
    if (rhsRank == rank &&
        !sameOrDynamic(lhsTensor.getDimSize(i), rhsTensor.getDimSize(i)))
      return emitError() << "batch dimension " << i
                         << " differs between lhs and rhs";
    if (!sameOrDynamic(lhsTensor.getDimSize(i), resultTensor.getDimSize(i)))
      return emitError() << "result batch dimension " << i
                         << " differs from lhs";
  }
  if (!sameOrDynamic(resultTensor.getDimSize(rank - 2), m) ||
      !sameOrDynamic(resultTensor.getDimSize(rank - 1), n))
    return emitError() << "result shape must be [..., M, N] = [..., " << m
                       << ", " << n << "], got " << resultType;

  // The i32 accumulator: K products of centred values must fit, or K is
  // split into chunks that do.
  if (ShapedType::isDynamic(k))
    return emitError() << "the reduction dimension K must be static to "
                          "prove the i32 accumulator cannot overflow";
  if (accumulatorChunk) {
    if (failed(verifyAccumulatorChunk(*accumulatorChunk, k, *lhs, *rhs,
                                      emitError)))
      return failure();
  } else if (failed(verifyAccumulatorFits(k, *lhs, *rhs, weightAbsCentredSums,
                                          emitError, /*canSplit=*/true))) {
    return failure();
  }

  if (biasType)
    return verifyBias(biasType, *lhs, *rhs, n, names, emitError);
  return success();
}

/// Checks `zero_point_corrections` of a contraction against its constant
/// weights, recomputed with the shared algebra (ContractionUtils.h).
static LogicalResult verifyZeroPointCorrections(
    std::optional<ArrayRef<int64_t>> corrections, Value input, Value weights,
    bool weightsShared, int64_t k, int64_t channels,
    WeightChannelDim channelDim, function_ref<InFlightDiagnostic()> emitError) {
  if (!corrections)
    return success();
  if (int64_t(corrections->size()) != channels)
    return emitError() << "zero_point_corrections must have one value per "
                          "output channel ("
                       << channels << "), got " << corrections->size();
  UniformParams x = *getUniformParams(input.getType());
  UniformParams w = *getUniformParams(weights.getType());
  std::optional<ConstantWeightSums> sums;
  if (weightsShared)
    sums = getConstantWeightSums(weights, w, channels, channelDim);
  if (!sums)
    return emitError() << "zero_point_corrections needs constant weights "
                          "shared by every output (they define it)";
  SmallVector<int64_t> expected =
      computeZeroPointCorrections(k, x.zeroPoint(0), w, channels, &sums->sums);
  for (auto [c, actual] : llvm::enumerate(*corrections))
    if (actual != expected[c])
      return emitError() << "zero_point_corrections[" << c << "] = " << actual
                         << " but the weights give K * zx * zw - zx * "
                            "sum(w) = "
                         << expected[c];
  return success();
}

int64_t MatmulOp::getRequiredAccumulatorChunk() {
  if (getAccumulatorChunk())
    return *getAccumulatorChunk();
  std::optional<UniformParams> x = getUniformParams(getLhs().getType());
  std::optional<UniformParams> w = getUniformParams(getRhs().getType());
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  int64_t k = rhsType.getDimSize(rhsType.getRank() - 2);
  if (!x || !w ||
      typeRangeBound(k, *x, *w) <= double(std::numeric_limits<int32_t>::max()))
    return 0;
  SmallVector<int64_t> sums = weightBoundIfNeeded(
      k, getLhs(), getRhs(), hasSharedRhs(),
      rhsType.getDimSize(rhsType.getRank() - 1), WeightChannelDim::Last);
  if (!sums.empty() && double(*llvm::max_element(sums)) * x->maxAbsCentered() <=
                           double(std::numeric_limits<int32_t>::max()))
    return 0;
  // As many chunks as the bound needs, of balanced sizes: K is padded to
  // whole chunks, so this pads least.
  int64_t chunks = llvm::divideCeil(k, maxProductsPerI32Chunk(*x, *w));
  return llvm::divideCeil(k, chunks);
}

bool MatmulOp::hasSharedRhs() {
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  return llvm::all_of(rhsType.getShape().drop_back(2),
                      [](int64_t size) { return size == 1; });
}

LogicalResult MatmulOp::verify() {
  Type biasType = getBias() ? getBias().getType() : Type();
  auto emitError = [&] { return emitOpError(); };
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  SmallVector<int64_t> weightBound;
  if (rhsType.getRank() >= 2)
    weightBound = weightBoundIfNeeded(
        rhsType.getDimSize(rhsType.getRank() - 2), getLhs(), getRhs(),
        hasSharedRhs(), rhsType.getDimSize(rhsType.getRank() - 1),
        WeightChannelDim::Last);
  if (failed(verifyTypes(getLhs().getType(), getRhs().getType(), biasType,
                         getResult().getType(), emitError, weightBound,
                         getAccumulatorChunk())))
    return failure();
  if (getBlockedParams(getRhs().getType())) {
    if (getZeroPointCorrections())
      return emitError() << "zero_point_corrections does not apply to "
                            "per-group rhs";
    return success();
  }
  if (getAccumulatorChunk() && getZeroPointCorrections())
    return emitError() << "zero_point_corrections does not apply with "
                          "accumulator_chunk (the split sums centred "
                          "products)";
  return verifyZeroPointCorrections(
      getZeroPointCorrections(), getLhs(), getRhs(), hasSharedRhs(),
      rhsType.getDimSize(rhsType.getRank() - 2),
      rhsType.getDimSize(rhsType.getRank() - 1), WeightChannelDim::Last,
      emitError);
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

/// Checks that `values` has `size` elements, each at least `min`.
static LogicalResult
verifyWindowAttr(StringRef name, ArrayRef<int64_t> values, size_t size,
                 int64_t min, function_ref<InFlightDiagnostic()> emitError) {
  if (values.size() != size)
    return emitError() << name << " must have " << size << " values, got "
                       << values.size();
  for (int64_t v : values)
    if (v < min)
      return emitError() << name << " must be " << (min == 0 ? ">= 0" : "> 0")
                         << ", got " << v;
  return success();
}

LogicalResult
Conv2DOp::verifyTypes(Type inputType, Type weightType, Type biasType,
                      Type resultType, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilations, ArrayRef<int64_t> padding,
                      int64_t groups,
                      function_ref<InFlightDiagnostic()> emitError,
                      ArrayRef<int64_t> weightAbsCentredSums) {
  return verifyTypes(inputType, weightType, biasType, resultType, strides,
                     dilations, padding, groups, "NCHW", emitError,
                     weightAbsCentredSums);
}

LogicalResult
Conv2DOp::verifyTypes(Type inputType, Type weightType, Type biasType,
                      Type resultType, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilations, ArrayRef<int64_t> padding,
                      int64_t groups, StringRef dataLayout,
                      function_ref<InFlightDiagnostic()> emitError,
                      ArrayRef<int64_t> weightAbsCentredSums) {
  static const ContractionNames names{"input", "weight", "F"};
  if (dataLayout != "NCHW" && dataLayout != "NHWC")
    return emitError() << "data_layout must be \"NCHW\" or \"NHWC\", got \""
                       << dataLayout << "\"";
  bool channelsLast = dataLayout == "NHWC";
  // Positions of the channel and the first spatial dimension in the input
  // and result, and of the channels per group and the first kernel
  // dimension in the weights (FCHW or OHWI).
  int64_t channelDim = channelsLast ? 3 : 1, spatialDim = channelsLast ? 1 : 2;
  int64_t weightChannelDim = channelsLast ? 3 : 1,
          kernelDim = channelsLast ? 1 : 2;
  std::optional<UniformParams> input, weight, result;
  if (failed(verifyContractionOperands(inputType, weightType, resultType, names,
                                       input, weight, result, emitError)))
    return failure();
  if (failed(verifyWindowAttr("strides", strides, 2, 1, emitError)) ||
      failed(verifyWindowAttr("dilations", dilations, 2, 1, emitError)) ||
      failed(verifyWindowAttr("padding", padding, 4, 0, emitError)))
    return failure();
  if (groups <= 0)
    return emitError() << "groups must be > 0, got " << groups;

  auto inputTensor = cast<RankedTensorType>(inputType);
  auto weightTensor = cast<RankedTensorType>(weightType);
  auto resultTensor = cast<RankedTensorType>(resultType);
  if (inputTensor.getRank() != 4 || weightTensor.getRank() != 4 ||
      resultTensor.getRank() != 4)
    return emitError() << "input, weight and result must have rank 4 "
                       << (channelsLast ? "(NHWC, OHWI, NHWC)"
                                        : "(NCHW, FCHW, NCHW)")
                       << ", got ranks " << inputTensor.getRank() << ", "
                       << weightTensor.getRank() << " and "
                       << resultTensor.getRank();
  // The lowering builds the window and the i32 bound from these sizes.
  // N, H and W may be dynamic: the lowering computes the output sizes.
  if (ShapedType::isDynamic(inputTensor.getDimSize(channelDim)) ||
      !weightTensor.hasStaticShape())
    return emitError() << "input channels and the weight shape must be "
                          "static, got "
                       << inputType << " and " << weightType;
  if (weight->isPerAxis() && *weight->axis != 0)
    return emitError() << "per-axis weight must be quantized on axis 0 (the "
                          "output channel), got "
                       << *weight->axis;
  if (failed(
          verifyAxisAgainstShape("weight", *weight, weightTensor, emitError)))
    return failure();

  ArrayRef<int64_t> in = inputTensor.getShape();
  ArrayRef<int64_t> w = weightTensor.getShape();
  int64_t channels = in[channelDim], filters = w[0];
  if (channels % groups != 0 || filters % groups != 0)
    return emitError() << "groups " << groups << " must divide the " << channels
                       << " input channels and the " << filters
                       << " output channels";
  if (w[weightChannelDim] != channels / groups)
    return emitError() << "weight dimension " << weightChannelDim
                       << " must be input channels / groups = "
                       << channels / groups << ", got " << w[weightChannelDim];

  // Window arithmetic, as ONNX Conv (floor).
  SmallVector<int64_t, 2> outSizes;
  for (int d = 0; d < 2; ++d) {
    if (ShapedType::isDynamic(in[spatialDim + d])) {
      outSizes.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t padded = in[spatialDim + d] + padding[d] + padding[2 + d];
    int64_t extent = (w[kernelDim + d] - 1) * dilations[d] + 1;
    if (padded < extent)
      return emitError() << "the dilated kernel (" << extent
                         << ") is larger than the padded input (" << padded
                         << ") in spatial dimension " << d;
    outSizes.push_back((padded - extent) / strides[d] + 1);
  }
  ArrayRef<int64_t> out = resultTensor.getShape();
  auto size = [](int64_t v) {
    return ShapedType::isDynamic(v) ? std::string("?") : std::to_string(v);
  };
  // A dynamic input size needs a dynamic output size, which the lowering
  // computes; a static one fixes it.
  if (!sameOrDynamic(out[0], in[0]) || out[channelDim] != filters ||
      out[spatialDim] != outSizes[0] || out[spatialDim + 1] != outSizes[1]) {
    if (channelsLast)
      return emitError() << "result shape must be [N, OH, OW, F] = ["
                         << size(in[0]) << ", " << size(outSizes[0]) << ", "
                         << size(outSizes[1]) << ", " << filters << "], got "
                         << resultType;
    return emitError() << "result shape must be [N, F, OH, OW] = ["
                       << size(in[0]) << ", " << filters << ", "
                       << size(outSizes[0]) << ", " << size(outSizes[1])
                       << "], got " << resultType;
  }

  if (failed(verifyAccumulatorFits(w[1] * w[2] * w[3], *input, *weight,
                                   weightAbsCentredSums, emitError)))
    return failure();
  if (biasType)
    return verifyBias(biasType, *input, *weight, filters, names, emitError);
  return success();
}

LogicalResult Conv2DOp::verify() {
  Type biasType = getBias() ? getBias().getType() : Type();
  auto emitError = [&] { return emitOpError(); };
  auto weightType = cast<RankedTensorType>(getWeight().getType());
  ArrayRef<int64_t> w = weightType.getShape();
  SmallVector<int64_t> weightBound;
  if (weightType.getRank() == 4 && weightType.hasStaticShape())
    weightBound =
        weightBoundIfNeeded(w[1] * w[2] * w[3], getInput(), getWeight(),
                            /*weightsShared=*/true, w[0],
                            WeightChannelDim::First);
  if (failed(verifyTypes(getInput().getType(), getWeight().getType(), biasType,
                         getResult().getType(), getStrides(), getDilations(),
                         getPadding(), getGroups(), getDataLayout(), emitError,
                         weightBound)))
    return failure();
  return verifyZeroPointCorrections(getZeroPointCorrections(), getInput(),
                                    getWeight(), /*weightsShared=*/true,
                                    w[1] * w[2] * w[3], w[0],
                                    WeightChannelDim::First, emitError);
}

//===----------------------------------------------------------------------===//
// AvgPool2DOp
//===----------------------------------------------------------------------===//

LogicalResult
AvgPool2DOp::verifyTypes(Type inputType, Type resultType,
                         ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> padding,
                         function_ref<InFlightDiagnostic()> emitError) {
  std::optional<UniformParams> input = getUniformParams(inputType);
  std::optional<UniformParams> result = getUniformParams(resultType);
  if (!isa<RankedTensorType>(inputType) || !input || input->isPerAxis())
    return emitError() << "input must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << inputType;
  if (!isa<RankedTensorType>(resultType) || !result || result->isPerAxis())
    return emitError() << "result must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << resultType;
  if (failed(verifyUniformParams(*input, "input", emitError)) ||
      failed(verifyUniformParams(*result, "result", emitError)))
    return failure();
  if (input->expressedType() != result->expressedType())
    return emitError() << "input and result expressed types differ: "
                       << input->expressedType() << " vs "
                       << result->expressedType();
  if (failed(verifyWindowAttr("kernel", kernel, 2, 1, emitError)) ||
      failed(verifyWindowAttr("strides", strides, 2, 1, emitError)) ||
      failed(verifyWindowAttr("padding", padding, 4, 0, emitError)))
    return failure();
  auto inputTensor = cast<RankedTensorType>(inputType);
  auto resultTensor = cast<RankedTensorType>(resultType);
  if (inputTensor.getRank() != 4 || resultTensor.getRank() != 4)
    return emitError() << "input and result must have rank 4 (NCHW), got "
                       << inputTensor.getRank() << " and "
                       << resultTensor.getRank();
  ArrayRef<int64_t> in = inputTensor.getShape();
  // The lowering computes the window counts and the i32 bound from these.
  if (llvm::any_of(in.drop_front(), ShapedType::isDynamic))
    return emitError() << "input channels and spatial sizes must be static, "
                          "got "
                       << inputType;
  SmallVector<int64_t, 2> outSizes;
  for (int d = 0; d < 2; ++d) {
    // A window entirely in the padding would average nothing.
    if (padding[d] >= kernel[d] || padding[2 + d] >= kernel[d])
      return emitError() << "padding must be smaller than the kernel ("
                         << kernel[d] << ") in spatial dimension " << d;
    int64_t padded = in[2 + d] + padding[d] + padding[2 + d];
    if (padded < kernel[d])
      return emitError() << "the kernel (" << kernel[d]
                         << ") is larger than the padded input (" << padded
                         << ") in spatial dimension " << d;
    outSizes.push_back((padded - kernel[d]) / strides[d] + 1);
  }
  ArrayRef<int64_t> out = resultTensor.getShape();
  if (!sameOrDynamic(out[0], in[0]) || out[1] != in[1] ||
      out[2] != outSizes[0] || out[3] != outSizes[1])
    return emitError() << "result shape must be [N, C, OH, OW] = ["
                       << (ShapedType::isDynamic(in[0]) ? "?" : Twine(in[0]))
                       << ", " << in[1] << ", " << outSizes[0] << ", "
                       << outSizes[1] << "], got " << resultType;
  double bound = double(kernel[0] * kernel[1]) * input->maxAbsCentered();
  if (bound > double(std::numeric_limits<int32_t>::max()))
    return emitError() << "i32 sum can overflow: " << kernel[0] * kernel[1]
                       << " taps of up to " << input->maxAbsCentered()
                       << " reach " << int64_t(bound) << " > 2147483647";
  return success();
}

LogicalResult AvgPool2DOp::verify() {
  return verifyTypes(getInput().getType(), getResult().getType(), getKernel(),
                     getStrides(), getPadding(), [&] { return emitOpError(); });
}

SmallVector<int64_t> AvgPool2DOp::computeWindowCounts(
    ArrayRef<int64_t> inputSpatial, ArrayRef<int64_t> kernel,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> padding, bool includePad) {
  // Per dimension and output position: the taps inside the input.
  SmallVector<SmallVector<int64_t>, 2> taps(2);
  for (int d = 0; d < 2; ++d) {
    int64_t size = inputSpatial[d];
    int64_t outSize =
        (size + padding[d] + padding[2 + d] - kernel[d]) / strides[d] + 1;
    for (int64_t o = 0; o < outSize; ++o) {
      int64_t begin = o * strides[d] - padding[d];
      int64_t inside = std::min(begin + kernel[d], size) -
                       std::max(begin, int64_t(0));
      taps[d].push_back(includePad ? kernel[d] : inside);
    }
  }
  SmallVector<int64_t> counts;
  for (int64_t h : taps[0])
    for (int64_t w : taps[1])
      counts.push_back(h * w);
  return counts;
}


//===----------------------------------------------------------------------===//
// Elementwise binary ops (AddOp, SubOp, MulOp)
//===----------------------------------------------------------------------===//

/// Checks that `operand` broadcasts to `result` (trailing alignment; each
/// aligned dimension 1 or equal; a dynamic dimension only against a dynamic
/// one, since the lowering cannot broadcast a size it does not know).
static LogicalResult
verifyBroadcastsTo(StringRef what, RankedTensorType operand,
                   RankedTensorType result,
                   function_ref<InFlightDiagnostic()> emitError) {
  int64_t offset = result.getRank() - operand.getRank();
  if (offset < 0)
    return emitError() << what << " has rank " << operand.getRank()
                       << ", above the result's " << result.getRank();
  for (int64_t d = 0; d < operand.getRank(); ++d) {
    int64_t size = operand.getDimSize(d);
    int64_t resultSize = result.getDimSize(d + offset);
    if (ShapedType::isDynamic(size) ? !ShapedType::isDynamic(resultSize)
                                    : size != 1 && !sameOrDynamic(size,
                                                                  resultSize))
      return emitError() << what << " " << operand
                         << " does not broadcast to the result " << result
                         << " (dimension " << d << ")";
  }
  return success();
}

/// Per-axis operands of qnn.add/sub/mul: quantized along one result
/// dimension, static, not broadcast there, one scale per index.
static LogicalResult
verifyElementwiseChannels(Type lhsType, Type rhsType, Type resultType,
                          function_ref<InFlightDiagnostic()> emitError) {
  auto result = cast<RankedTensorType>(resultType);
  std::optional<int64_t> channelDim;
  StringRef names[2] = {"lhs", "rhs"};
  Type types[2] = {lhsType, rhsType};
  for (int i = 0; i < 2; ++i) {
    std::optional<UniformParams> params = getUniformParams(types[i]);
    if (!params->isPerAxis())
      continue;
    auto tensor = cast<RankedTensorType>(types[i]);
    int32_t axis = *params->axis;
    if (axis < 0 || axis >= tensor.getRank())
      return emitError() << names[i] << " quantization axis " << axis
                         << " is outside its rank " << tensor.getRank();
    int64_t dim = axis + result.getRank() - tensor.getRank();
    if (dim < 0)
      return failure(); // The broadcast check reports the rank.
    int64_t size = tensor.getDimSize(axis);
    if (ShapedType::isDynamic(size) || size != result.getDimSize(dim) ||
        size != int64_t(params->scales.size()))
      return emitError() << names[i] << " is quantized along dimension "
                         << axis << " with " << params->scales.size()
                         << " scales: that dimension must be static, of that "
                            "size and not broadcast (result dimension "
                         << dim << " has size "
                         << (result.isDynamicDim(dim)
                                 ? std::string("?")
                                 : std::to_string(result.getDimSize(dim)))
                         << ")";
    if (channelDim && *channelDim != dim)
      return emitError() << "lhs and rhs are quantized along different result "
                            "dimensions ("
                         << *channelDim << " and " << dim << ")";
    channelDim = dim;
  }
  return success();
}

/// The verifier shared by qnn.add, qnn.sub and qnn.mul. `centredProduct`:
/// the lowering multiplies the centred operands in i32 (qnn.mul).
static LogicalResult
verifyElementwiseBinary(Type lhsType, Type rhsType, Type resultType,
                        bool centredProduct,
                        function_ref<InFlightDiagnostic()> emitError) {
  std::optional<UniformParams> params[3];
  StringRef names[3] = {"lhs", "rhs", "result"};
  Type types[3] = {lhsType, rhsType, resultType};
  for (int i = 0; i < 3; ++i) {
    params[i] = getUniformParams(types[i]);
    // Operands may be per axis (docs/Numerics.md, "Elementwise ops"); the
    // result has one zero point for the epilogues.
    if (!isa<RankedTensorType>(types[i]) || !params[i] ||
        (i == 2 && params[i]->isPerAxis()))
      return emitError() << names[i]
                         << (i == 2 ? " must be a tensor of per-tensor "
                                      "!quant.uniform, got "
                                    : " must be a tensor of !quant.uniform, "
                                      "got ")
                         << types[i];
    if (failed(verifyUniformParams(*params[i], names[i], emitError)))
      return failure();
  }
  if (failed(verifyElementwiseChannels(lhsType, rhsType, resultType,
                                       emitError)))
    return failure();
  auto [lhs, rhs, result] = std::tie(*params[0], *params[1], *params[2]);
  if (lhs.expressedType() != rhs.expressedType() ||
      lhs.expressedType() != result.expressedType())
    return emitError() << "operands and result must share one expressed "
                          "type, got "
                       << lhs.expressedType() << ", " << rhs.expressedType()
                       << " and " << result.expressedType();
  // Centred operands are exact in i32 and in f32 (< 2^24) up to 16 bits.
  for (int i = 0; i < 2; ++i)
    if (params[i]->storageWidth() > 16)
      return emitError() << names[i] << " storage must be at most 16 bits, got "
                         << params[i]->type.getStorageType();
  if (centredProduct &&
      failed(verifyAccumulatorFits(/*k=*/1, lhs, rhs, {}, emitError)))
    return failure();

  auto resultTensor = cast<RankedTensorType>(resultType);
  if (failed(verifyBroadcastsTo("lhs", cast<RankedTensorType>(lhsType),
                                resultTensor, emitError)) ||
      failed(verifyBroadcastsTo("rhs", cast<RankedTensorType>(rhsType),
                                resultTensor, emitError)))
    return failure();
  // Each result dimension must come from an operand: a size-1 operand
  // dimension cannot make a larger result one.
  auto lhsTensor = cast<RankedTensorType>(lhsType);
  auto rhsTensor = cast<RankedTensorType>(rhsType);
  for (int64_t d = 0; d < resultTensor.getRank(); ++d) {
    auto sizeAt = [&](RankedTensorType t) -> int64_t {
      int64_t aligned = d - (resultTensor.getRank() - t.getRank());
      return aligned < 0 ? 1 : t.getDimSize(aligned);
    };
    int64_t lhsSize = sizeAt(lhsTensor), rhsSize = sizeAt(rhsTensor);
    int64_t resultSize = resultTensor.getDimSize(d);
    if (ShapedType::isDynamic(resultSize) ||
        ShapedType::isDynamic(lhsSize) || ShapedType::isDynamic(rhsSize))
      continue;
    if (resultSize != std::max(lhsSize, rhsSize))
      return emitError() << "result dimension " << d << " must be "
                         << std::max(lhsSize, rhsSize)
                         << " (the broadcast of the operands), got "
                         << resultSize;
  }
  return success();
}

#define QNN_DEFINE_ELEMENTWISE_VERIFIER(OP, CENTRED_PRODUCT)                   \
  LogicalResult OP::verifyTypes(                                               \
      Type lhsType, Type rhsType, Type resultType,                             \
      function_ref<InFlightDiagnostic()> emitError) {                          \
    return verifyElementwiseBinary(lhsType, rhsType, resultType,               \
                                   CENTRED_PRODUCT, emitError);                \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    return verifyTypes(getLhs().getType(), getRhs().getType(),                 \
                       getResult().getType(), [&] { return emitOpError(); });  \
  }

QNN_DEFINE_ELEMENTWISE_VERIFIER(AddOp, /*centredProduct=*/false)
QNN_DEFINE_ELEMENTWISE_VERIFIER(SubOp, /*centredProduct=*/false)
QNN_DEFINE_ELEMENTWISE_VERIFIER(MulOp, /*centredProduct=*/true)
#undef QNN_DEFINE_ELEMENTWISE_VERIFIER

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

LogicalResult ClampOp::verify() {
  std::optional<UniformParams> params =
      getUniformParams(getInput().getType());
  if (!params || params->isPerAxis())
    return emitOpError("input must be a tensor of per-tensor !quant.uniform, "
                       "got ")
           << getInput().getType();
  if (failed(verifyUniformParams(*params, "input",
                                 [&] { return emitOpError(); })))
    return failure();
  numerics::StorageRange range = params->storageRange();
  int64_t min = getMin(), max = getMax();
  if (min > max)
    return emitOpError("min ") << min << " is above max " << max;
  if (min < range.qmin || max > range.qmax)
    return emitOpError("[") << min << ", " << max
                            << "] is outside the storage range ["
                            << range.qmin << ", " << range.qmax << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// LeakyReluOp
//===----------------------------------------------------------------------===//

LogicalResult LeakyReluOp::verify() {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  auto emitError = [&] { return emitOpError(); };
  StringRef names[2] = {"input", "result"};
  RankedTensorType types[2] = {inputType, resultType};
  for (int i = 0; i < 2; ++i) {
    std::optional<UniformParams> params = getUniformParams(types[i]);
    if (!params || params->isPerAxis() || !params->expressedType().isF32())
      return emitOpError() << names[i]
                           << " must be a tensor of per-tensor f32 "
                              "!quant.uniform, got "
                           << types[i];
    if (failed(verifyUniformParams(*params, names[i], emitError)))
      return failure();
    // Centred values and their products stay exact in f32 and i32.
    if (params->storageWidth() > 16)
      return emitOpError() << names[i] << " storage must be at most 16 bits, "
                           << "got " << params->type.getStorageType();
  }
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("input and result shapes differ: ")
           << inputType << " vs " << resultType;
  if (!getAlpha().isFinite())
    return emitOpError("alpha must be finite, got ")
           << getAlpha().convertToFloat();
  return success();
}

//===----------------------------------------------------------------------===//
// LookupOp
//===----------------------------------------------------------------------===//

int64_t LookupOp::tableOffset(quant::QuantizedType input) {
  unsigned width = input.getStorageTypeIntegralWidth();
  return input.isSigned() ? -(int64_t(1) << (width - 1)) : 0;
}

int64_t LookupOp::tableSize(quant::QuantizedType input) {
  return int64_t(1) << input.getStorageTypeIntegralWidth();
}

LogicalResult LookupOp::verify() {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  std::optional<UniformParams> in = getUniformParams(inputType);
  std::optional<UniformParams> out = getUniformParams(resultType);
  if (!in || in->isPerAxis())
    return emitOpError("input must be a tensor of per-tensor !quant.uniform, "
                       "got ")
           << inputType;
  if (!out || out->isPerAxis())
    return emitOpError("result must be a tensor of per-tensor "
                       "!quant.uniform, got ")
           << resultType;
  auto emitError = [&] { return emitOpError(); };
  if (failed(verifyUniformParams(*in, "input", emitError)) ||
      failed(verifyUniformParams(*out, "result", emitError)))
    return failure();
  if (in->storageWidth() > 8)
    return emitOpError("input storage must be at most 8 bits (one table "
                       "entry per stored value), got ")
           << in->type.getStorageType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("input and result shapes differ: ")
           << inputType << " vs " << resultType;
  if (in->expressedType() != out->expressedType())
    return emitOpError("input and result expressed types differ: ")
           << in->expressedType() << " vs " << out->expressedType();
  numerics::StorageRange outRange = out->storageRange();
  int64_t entries =
      tableSize(in->type);
  if (getTable().getShapedType().getRank() != 1 ||
      getTable().getNumElements() != entries)
    return emitOpError("table must have one entry per stored input value (")
           << entries << "), got " << getTable().getShapedType();
  for (auto [index, value] : llvm::enumerate(getTable().getValues<int64_t>()))
    if (value < outRange.qmin || value > outRange.qmax)
      return emitOpError("table entry ")
             << index << " (" << value << ") is outside the result storage "
             << "range [" << outRange.qmin << ", " << outRange.qmax << "]";
  return success();
}
