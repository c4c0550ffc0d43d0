//===- QuantTypeUtils.cpp - Queries on upstream quant types -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace quantc;

Type qnn::getElementTypeOrSelf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}

bool qnn::isQuantized(Type type) {
  return isa<quant::QuantizedType>(getElementTypeOrSelf(type));
}

std::optional<qnn::UniformParams> qnn::getUniformParams(Type type) {
  Type element = getElementTypeOrSelf(type);
  UniformParams params;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element)) {
    params.type = perTensor;
    params.scales.push_back(perTensor.getScale());
    params.zeroPoints.push_back(perTensor.getZeroPoint());
    return params;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    params.type = perAxis;
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
    params.axis = perAxis.getQuantizedDimension();
    return params;
  }
  return std::nullopt;
}

SmallVector<double> qnn::contractionRealMultipliers(const UniformParams &x,
                                                   const UniformParams &w,
                                                   const UniformParams &out,
                                                   int64_t channels) {
  SmallVector<double> multipliers;
  for (int64_t c = 0, e = w.isPerAxis() ? channels : 1; c < e; ++c)
    multipliers.push_back(x.scale(0) * w.scale(c) / out.scale(0));
  return multipliers;
}

SmallVector<double> qnn::requantizeRealMultipliers(const UniformParams &in,
                                                   const UniformParams &out) {
  SmallVector<double> multipliers;
  for (size_t c = 0, e = std::max(in.scales.size(), out.scales.size()); c < e;
       ++c)
    multipliers.push_back(in.scale(c) / out.scale(c));
  return multipliers;
}

std::optional<qnn::BlockedParams> qnn::getBlockedParams(Type type) {
  auto blocked = dyn_cast<quant::UniformQuantizedSubChannelType>(
      getElementTypeOrSelf(type));
  if (!blocked)
    return std::nullopt;
  BlockedParams result;
  result.params.type = blocked;
  for (const APFloat &s : blocked.getScales().getValues<APFloat>())
    result.params.scales.push_back(s.convertToDouble());
  for (const APInt &z : blocked.getZeroPoints().getValues<APInt>())
    result.params.zeroPoints.push_back(blocked.isSigned()
                                           ? z.getSExtValue()
                                           : int64_t(z.getZExtValue()));
  ArrayRef<int64_t> shape = blocked.getScales().getType().getShape();
  result.paramShape.assign(shape.begin(), shape.end());
  result.blockSizes.assign(shape.size(), 1);
  for (auto [dim, size] : llvm::zip_equal(blocked.getQuantizedDimensions(),
                                          blocked.getBlockSizes())) {
    // Upstream's type accepts a blocked dimension beyond the scales' rank.
    if (dim < 0 || dim >= int64_t(shape.size()))
      return std::nullopt;
    result.blockSizes[dim] = size;
  }
  return result;
}

int64_t qnn::UniformParams::maxAbsCentered() const {
  numerics::StorageRange range = storageRange();
  int64_t result = 0;
  for (int64_t zp : zeroPoints)
    result = std::max({result, std::abs(range.qmax - zp),
                       std::abs(range.qmin - zp)});
  return result;
}

LogicalResult
qnn::verifyUniformParams(const UniformParams &params, StringRef what,
                         function_ref<InFlightDiagnostic()> emitError) {
  numerics::StorageRange range = params.storageRange();
  for (size_t i = 0, e = params.scales.size(); i < e; ++i) {
    double scale = params.scales[i];
    if (!std::isfinite(scale) || scale <= 0.0) {
      InFlightDiagnostic diag = emitError();
      diag << what << " scale " << scale;
      if (params.isPerAxis())
        diag << " (channel " << i << ")";
      return diag << " must be finite and positive";
    }
    int64_t zp = params.zeroPoints[i];
    if (!range.contains(zp)) {
      InFlightDiagnostic diag = emitError();
      diag << what << " zero point " << zp;
      if (params.isPerAxis())
        diag << " (channel " << i << ")";
      return diag << " is outside the storage range [" << range.qmin << ", "
                  << range.qmax << "]";
    }
  }
  return success();
}

Type qnn::getStorageShapedType(Type type) {
  auto shaped = cast<ShapedType>(type);
  auto quantType = cast<quant::QuantizedType>(shaped.getElementType());
  return shaped.clone(quantType.getStorageType());
}

std::optional<qnn::ElementwiseChannels>
qnn::getElementwiseChannels(mlir::Type lhsType, mlir::Type rhsType,
                            mlir::Type resultType) {
  auto result = mlir::cast<mlir::RankedTensorType>(resultType);
  std::optional<ElementwiseChannels> channels;
  for (mlir::Type type : {lhsType, rhsType}) {
    std::optional<UniformParams> params = getUniformParams(type);
    if (!params || !params->isPerAxis())
      continue;
    auto tensor = mlir::cast<mlir::RankedTensorType>(type);
    int64_t dim = *params->axis + result.getRank() - tensor.getRank();
    channels = ElementwiseChannels{dim, result.getDimSize(dim)};
  }
  return channels;
}

