//===- LoweringHelpers.h - Shared pieces of the qnn lowering ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/QNNToLinalg: the builders that QNNToLinalg.cpp
// defines and the other pattern files (Pooling.cpp) reuse, so that every
// lowering rounds, clamps and sums with the same code.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
#define QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc::lowering {

/// A value that enters a linalg.generic as an input, with its indexing map.
struct GenericInput {
  mlir::Value value;
  mlir::AffineMap map;
};

/// Sign- or zero-extends a stored integer to i32.
mlir::Value extendToI32(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, bool isSigned);

mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);

/// round_half_to_even(x) + zp, clamped to the storage range of `params` and
/// converted to its storage type; NaN becomes the zero point.
mlir::Value roundClampToStorage(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::Value zeroPoint,
                                const qnn::UniformParams &params);

/// An all-parallel linalg.generic over the shape of `shapeSource` reading it
/// and `inputs`, yielding `body(args)` of type `resultElementType`.
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value shapeSource,
    llvm::ArrayRef<GenericInput> inputs, mlir::Type resultElementType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// sum of ext(input) over the loops `outputMap` does not name, into a
/// zero-filled i32 tensor of `outputSizes`; `window` gives loops no other
/// map names their sizes.
mlir::Value buildSumReduction(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value input, mlir::AffineMap inputMap,
                              mlir::AffineMap outputMap,
                              llvm::ArrayRef<mlir::OpFoldResult> outputSizes,
                              bool isSigned, GenericInput window);

/// Whether `op` is a layout op (Layout.cpp) on quantized tensors of one
/// per-tensor type, which runs unchanged on the stored integers.
bool hasStorageLowering(mlir::Operation *op);

/// Adds the patterns of Layout.cpp.
void populateLayoutLoweringPatterns(const mlir::TypeConverter &typeConverter,
                                    mlir::RewritePatternSet &patterns);

/// Adds the pooling patterns of Pooling.cpp.
void populatePoolingLoweringPatterns(const mlir::TypeConverter &typeConverter,
                                     mlir::RewritePatternSet &patterns);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
