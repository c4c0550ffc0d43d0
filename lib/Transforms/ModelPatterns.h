//===- ModelPatterns.h - quant-import's float op patterns ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// How quant-import writes the float ops that the PTQ passes
// (quant-insert-observers, quant-infer-ranges, quant-insert-qdq) treat
// specially: one definition, so that the three agree.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_MODELPATTERNS_H
#define QUANTC_LIB_TRANSFORMS_MODELPATTERNS_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

namespace quantc::patterns {

/// Ops that only move values (pad, reshapes, transpose).
bool isLayoutOp(mlir::Operation *op);

/// A value computed from constants only (a weight, a bias, a reshaped or
/// transposed weight), or a value without data (tensor.empty).
bool isStaticallyKnown(mlir::Value value);

/// Matmuls and convolutions, TOSA or linalg.
bool isContraction(mlir::Operation *op);

/// quant-import's max pool: a linalg.generic reducing with arith.maximumf.
bool isMaxPool(mlir::Operation *op);

/// An elementwise linalg.generic whose body is one arith.divf.
bool isElementwiseDivision(mlir::Operation *op);

/// quant-import's average pool (AveragePool: a window-sum linalg.generic;
/// GlobalAveragePool: a tosa.reduce_sum chain) divided by constant counts:
/// the pool's input, or null when `op` is not such a division.
mlir::Value averagePoolInput(mlir::Operation *op);

/// quant-import's Softmax: tosa.exp divided by its tosa.reduce_sum.
bool isSoftmax(mlir::Operation *op);

/// A built-in recipe (`int8`, `int8-symmetric`, `int16`) or a
/// `#qnn.recipe<...>`; failure for anything else (no diagnostic: the caller
/// names the option).
mlir::FailureOr<qnn::RecipeAttr> parseRecipe(llvm::StringRef text,
                                             mlir::MLIRContext *ctx);

} // namespace quantc::patterns

#endif // QUANTC_LIB_TRANSFORMS_MODELPATTERNS_H
