//===- QNNOps.cpp - qnn operations ------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

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
  return getRecipe().verifyForShape(getInput().getType().getShape(),
                                    [&] { return emitOpError(); });
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

/// Checks the bias against the operands: [N], 32-bit signed storage, zero
/// point 0, and scale s_lhs * s_rhs channel by channel.
static LogicalResult verifyBias(Type biasType, const UniformParams &lhs,
                                const UniformParams &rhs, int64_t n,
                                function_ref<InFlightDiagnostic()> emitError) {
  auto biasTensor = dyn_cast<RankedTensorType>(biasType);
  std::optional<UniformParams> bias = getUniformParams(biasType);
  if (!biasTensor || !bias)
    return emitError() << "bias must be a tensor of !quant.uniform, got "
                       << biasType;
  if (biasTensor.getRank() != 1 || !sameOrDynamic(biasTensor.getDimSize(0), n))
    return emitError() << "bias must have shape [N] = [" << n << "], got "
                       << biasType;
  if (failed(verifyUniformParams(*bias, "bias", emitError)))
    return failure();
  if (!bias->isSigned() || bias->storageWidth() != 32)
    return emitError() << "bias storage must be 32-bit signed (i32), got "
                       << bias->type.getStorageType();
  if (bias->expressedType() != lhs.expressedType())
    return emitError() << "bias expressed type " << bias->expressedType()
                       << " differs from " << lhs.expressedType();
  if (bias->isPerAxis() != rhs.isPerAxis())
    return emitError() << "bias must be per-axis exactly when rhs is ("
                       << (rhs.isPerAxis() ? "per-axis" : "per-tensor")
                       << " rhs)";
  if (bias->isPerAxis() && *bias->axis != 0)
    return emitError() << "per-axis bias must be quantized on axis 0, got "
                       << *bias->axis;
  if (bias->isPerAxis() && bias->scales.size() != rhs.scales.size())
    return emitError() << "bias has " << bias->scales.size()
                       << " scales but rhs has " << rhs.scales.size();
  for (int64_t zp : bias->zeroPoints)
    if (zp != 0)
      return emitError() << "bias zero point must be 0, got " << zp;
  for (size_t c = 0, e = bias->scales.size(); c < e; ++c) {
    double expected = lhs.scale(0) * rhs.scale(c);
    double actual = bias->scales[c];
    if (std::fabs(actual - expected) > 1e-6 * expected)
      return emitError() << "bias scale " << actual << " (channel " << c
                         << ") must equal lhs scale * rhs scale = "
                         << expected;
  }
  return success();
}

LogicalResult
MatmulOp::verifyTypes(Type lhsType, Type rhsType, Type biasType,
                      Type resultType,
                      function_ref<InFlightDiagnostic()> emitError) {
  auto lhsTensor = dyn_cast<RankedTensorType>(lhsType);
  auto rhsTensor = dyn_cast<RankedTensorType>(rhsType);
  auto resultTensor = dyn_cast<RankedTensorType>(resultType);
  std::optional<UniformParams> lhs = getUniformParams(lhsType);
  std::optional<UniformParams> rhs = getUniformParams(rhsType);
  std::optional<UniformParams> result = getUniformParams(resultType);
  if (!lhsTensor || !lhs || lhs->isPerAxis())
    return emitError() << "lhs must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << lhsType;
  if (!rhsTensor || !rhs)
    return emitError() << "rhs must be a tensor of !quant.uniform, got "
                       << rhsType;
  if (!resultTensor || !result || result->isPerAxis())
    return emitError() << "result must be a tensor of per-tensor "
                          "!quant.uniform, got "
                       << resultType;
  if (failed(verifyUniformParams(*lhs, "lhs", emitError)) ||
      failed(verifyUniformParams(*rhs, "rhs", emitError)) ||
      failed(verifyUniformParams(*result, "result", emitError)))
    return failure();
  if (lhs->expressedType() != rhs->expressedType() ||
      lhs->expressedType() != result->expressedType())
    return emitError() << "operands and result must share one expressed "
                          "type, got "
                       << lhs->expressedType() << ", "
                       << rhs->expressedType() << " and "
                       << result->expressedType();

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

  // The i32 accumulator: K products of centred values must fit.
  if (ShapedType::isDynamic(k))
    return emitError() << "the reduction dimension K must be static to "
                          "prove the i32 accumulator cannot overflow";
  double bound = double(k) * double(lhs->maxAbsCentered()) *
                 double(rhs->maxAbsCentered());
  if (bound > double(std::numeric_limits<int32_t>::max()))
    return emitError() << "i32 accumulator can overflow: K = " << k
                       << " products of up to " << lhs->maxAbsCentered()
                       << " * " << rhs->maxAbsCentered() << " reach "
                       << int64_t(bound) << " > 2147483647";

  if (biasType)
    return verifyBias(biasType, *lhs, *rhs, n, emitError);
  return success();
}

LogicalResult MatmulOp::verify() {
  Type biasType = getBias() ? getBias().getType() : Type();
  return verifyTypes(getLhs().getType(), getRhs().getType(), biasType,
                     getResult().getType(), [&] { return emitOpError(); });
}
