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

/// The op a value comes from through layout ops other than tensor.pad (the
/// grouped conv's collapse_shape back to NCHW sits between the conv and its
/// bias add).
mlir::Operation *producerThroughLayout(mlir::Value value);

/// A bias add: tosa.add of a contraction result and a constant. Quantized,
/// it is the contraction's int32 bias, so the sum between the two ops is
/// never a quantized tensor. contractionOfBiasAdd gives the contraction,
/// null when `op` is not a bias add.
bool isBiasAdd(mlir::Operation *op);
mlir::Operation *contractionOfBiasAdd(mlir::Operation *op);

/// quant-import's Softmax: tosa.exp divided by its tosa.reduce_sum.
bool isSoftmax(mlir::Operation *op);

/// A `#qnn.recipe<...>`; failure for anything else (no diagnostic: the
/// caller names the option). Built-in recipe names: Recipes.h.
mlir::FailureOr<qnn::RecipeAttr> parseRecipe(llvm::StringRef text,
                                             mlir::MLIRContext *ctx);

} // namespace quantc::patterns

#endif // QUANTC_LIB_TRANSFORMS_MODELPATTERNS_H
