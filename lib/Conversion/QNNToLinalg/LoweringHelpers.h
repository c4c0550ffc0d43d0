//===- LoweringHelpers.h - helpers shared by qnn lowerings ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The scalar and epilogue builders that QNNToLinalg.cpp (casts, matmul,
// conv) and Elementwise.cpp (add, sub, mul) share, so that every qnn op
// rounds, clamps and requantizes through the same code. Internal to the
// QuantCQNNToLinalg library.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
#define QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc::qnn_lowering {

/// A value that enters a linalg.generic as an input, with its indexing map.
struct GenericInput {
  mlir::Value value;
  mlir::AffineMap map;
};

/// The generic inputs of the epilogue, each read over the accumulator's
/// loops. Optional terms have a null value.
struct EpilogueInputs {
  /// i32 per channel: the folded ConstantTerms.
  GenericInput constantTerms;
  /// f32 per channel or 0-d: the merged scales.
  GenericInput multipliers;
  /// sum_k x per output position and i32 zw per channel: - zw * sum_k x.
  GenericInput inputSums, weightZeroPoints;
  /// sum_k w per channel, when not folded: - zx * sum_k w.
  GenericInput weightSums;
  /// The bias, when not a constant.
  GenericInput runtimeBias;
};

/// Sign- or zero-extends a stored integer to i32.
mlir::Value extendToI32(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, bool isSigned);

mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type, double value);

/// round_half_to_even(x) + zp, clamped to the storage range of `params` and
/// converted to its storage integer type; NaN becomes the zero point.
mlir::Value roundClampToStorage(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::Value zeroPoint,
                                const qnn::UniformParams &params);

/// An all-parallel linalg.generic over the shape of `shapeSource` that
/// reads `shapeSource` (identity map) and `inputs`, and yields
/// `body(args)` of type `resultElementType`.
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value shapeSource,
    llvm::ArrayRef<GenericInput> inputs, mlir::Type resultElementType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// The merged requantize scales float32(float32(s_x * s_w[c]) / s_out).
llvm::SmallVector<float> mergedScales(const qnn::UniformParams &x,
                                      const qnn::UniformParams &w,
                                      const qnn::UniformParams &out,
                                      int64_t channels);

/// y = acc + terms, then the requantize to `out`'s storage type, as one
/// elementwise generic over the i32 tensor `acc`.
mlir::Value buildRequantizeEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value acc, const EpilogueInputs &in,
                                    int64_t inputZeroPoint,
                                    const qnn::UniformParams &out);

} // namespace quantc::qnn_lowering

namespace quantc {
/// qnn.add, qnn.sub and qnn.mul (Elementwise.cpp).
void populateQNNElementwiseToLinalgPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);
} // namespace quantc

#endif // QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
