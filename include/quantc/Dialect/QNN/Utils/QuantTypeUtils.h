//===- QuantTypeUtils.h - Queries on upstream quant types -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// One view over `!quant.uniform` per-tensor and per-axis types, so verifiers,
// folds and lowerings read scales and zero points the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_UTILS_QUANTTYPEUTILS_H
#define QUANTC_DIALECT_QNN_UTILS_QUANTTYPEUTILS_H

#include "quantc/Numerics/QuantParams.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace quantc::qnn {

/// The parameters of a uniform quantized type, per tensor (one scale and zero
/// point, no axis) or per axis (one per channel along `axis`).
struct UniformParams {
  mlir::quant::QuantizedType type;
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  std::optional<int32_t> axis;

  bool isPerAxis() const { return axis.has_value(); }
  numerics::StorageRange storageRange() const {
    return {type.getStorageTypeMin(), type.getStorageTypeMax()};
  }
  unsigned storageWidth() const { return type.getStorageTypeIntegralWidth(); }
  bool isSigned() const { return type.isSigned(); }
  mlir::Type expressedType() const { return type.getExpressedType(); }
  /// The scale and zero point of channel `i` (0 for per-tensor).
  double scale(int64_t i) const { return scales[isPerAxis() ? i : 0]; }
  int64_t zeroPoint(int64_t i) const {
    return zeroPoints[isPerAxis() ? i : 0];
  }
  /// The largest |q - zero_point| any stored value can have.
  int64_t maxAbsCentered() const;
};

/// Reads the parameters of `type` (a quantized element type or a shaped type
/// of one). Returns std::nullopt for anything but per-tensor or per-axis
/// `!quant.uniform` (blocked types: getBlockedParams).
std::optional<UniformParams> getUniformParams(mlir::Type type);

/// The real requantize multipliers of a contraction (matmul, conv, mul):
/// s_x * s_w[c] / s_out, one per output channel where `w` is per axis
/// (`channels` of them), else one; in double, as TFLite's and TOSA's
/// legalizations compute them. Every integer requantize mode and the TOSA
/// export start from these, so that they agree.
llvm::SmallVector<double> contractionRealMultipliers(const UniformParams &x,
                                                     const UniformParams &w,
                                                     const UniformParams &out,
                                                     int64_t channels);

/// The real multipliers of a requantize: s_in[c] / s_out[c] along the axis
/// of whichever side is per axis, else one.
llvm::SmallVector<double> requantizeRealMultipliers(const UniformParams &in,
                                                    const UniformParams &out);

/// Where the per-axis operands of qnn.add/sub/mul (types already verified)
/// vary: the result dimension they are quantized along and its size;
/// std::nullopt when both are per tensor.
struct ElementwiseChannels {
  int64_t resultDim;
  int64_t count;
};
std::optional<ElementwiseChannels>
getElementwiseChannels(mlir::Type lhsType, mlir::Type rhsType,
                       mlir::Type resultType);

/// The parameters of a blocked (sub-channel) `!quant.uniform` type, as ONNX's
/// `block_size` writes them: `params` has the storage type and the scales and
/// zero points in row-major order over `paramShape` (and no axis); element
/// i of the quantized tensor takes the ones at i[d] floordiv blockSizes[d],
/// or at 0 along a dimension d where paramShape[d] is 1.
struct BlockedParams {
  UniformParams params;
  llvm::SmallVector<int64_t> paramShape, blockSizes;
};
std::optional<BlockedParams> getBlockedParams(mlir::Type type);

/// Checks what upstream's type verifier lets through (MLIR 22 accepts NaN
/// scales and zero points outside the storage range): every scale finite
/// and > 0, every zero point within [storage min, storage max]. `what`
/// names the value in the message ("lhs", "result", ...).
llvm::LogicalResult
verifyUniformParams(const UniformParams &params, llvm::StringRef what,
                    llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The element type of a shaped type, or `type` itself.
mlir::Type getElementTypeOrSelf(mlir::Type type);

/// Whether `type` or its element type is any `!quant` type.
bool isQuantized(mlir::Type type);

/// The plain integer tensor type that stores `type` (a shaped type of a
/// quantized element type): same shape, storage integer element type.
mlir::Type getStorageShapedType(mlir::Type type);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_UTILS_QUANTTYPEUTILS_H
