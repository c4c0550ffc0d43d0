//===- ConstantUtils.h - Elements of constant tensors -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Weights and biases reach the passes as `arith.constant`s of either a
// DenseElementsAttr or a `dense_resource` blob (what quant-import makes of
// large initializers). These read both the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_UTILS_CONSTANTUTILS_H
#define QUANTC_DIALECT_QNN_UTILS_CONSTANTUTILS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace quantc::qnn {

/// The elements of the integer constant `value` in row-major order, sign- or
/// zero-extended per `isSigned`; nullopt when `value` is not such a constant.
std::optional<llvm::SmallVector<int64_t>>
getConstantIntegers(mlir::Value value, bool isSigned);

/// The same for a quantized constant, a quant.scast of an integer
/// constant (how quant-fold-qdq writes weights and biases), or a plain one:
/// its stored integers.
std::optional<llvm::SmallVector<int64_t>>
getStoredIntegers(mlir::Value value, bool isSigned);

/// The same for a constant attribute (dense or dense_resource), as a
/// memref.global holds its initial value.
std::optional<llvm::SmallVector<int64_t>>
getIntegerElements(mlir::Attribute attr, bool isSigned);

/// The elements of the f32 constant `value` in row-major order; nullopt when
/// `value` is not such a constant.
std::optional<llvm::SmallVector<float>> getConstantFloats(mlir::Value value);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_UTILS_CONSTANTUTILS_H
