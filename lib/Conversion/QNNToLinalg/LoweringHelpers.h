//===- LoweringHelpers.h - Shared pieces of the qnn lowering ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/QNNToLinalg: the builders that QNNToLinalg.cpp
// defines and the other pattern files (Pooling.cpp, Layout.cpp,
// Elementwise.cpp) reuse, so that every lowering rounds, clamps, sums and
// requantizes with the same code.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
#define QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Conversion/QNNToLinalg/IntegerRescales.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

#include <string>

namespace quantc::lowering {

/// A value that enters a linalg.generic as an input, with its indexing map.
struct GenericInput {
  mlir::Value value;
  mlir::AffineMap map;
};

/// Where the loops of a linalg.generic index the output channels: one loop
/// (a matmul's N, a quantized axis) or several that split the channel index
/// row-major (a grouped convolution's group and channel-in-group loops).
struct ChannelLoops {
  llvm::SmallVector<unsigned, 2> loops;
  llvm::SmallVector<int64_t, 2> shape;
};

/// The requantize multipliers of a contraction: s_x * s_w[c] / s_out, one
/// per output channel where the weights are per channel, else one.
llvm::SmallVector<ChannelMultiplier>
contractionMultipliers(const qnn::UniformParams &x,
                       const qnn::UniformParams &w,
                       const qnn::UniformParams &out, int64_t channels);

/// A pattern for an op whose lowering depends on the requantize mode (its
/// epilogue, or its whole integer form), built in `mode`.
template <typename OpTy>
struct RequantizingPattern : public mlir::OpConversionPattern<OpTy> {
  RequantizingPattern(const mlir::TypeConverter &typeConverter,
                      mlir::MLIRContext *ctx, qnn::RequantMode mode)
      : mlir::OpConversionPattern<OpTy>(typeConverter, ctx), mode(mode) {}

  qnn::RequantMode mode;
};

/// The constants of computeRequantConstants as generic inputs over
/// `numLoops` loops, per channel along `channels` if set.
llvm::SmallVector<GenericInput>
buildRequantParams(mlir::OpBuilder &b, mlir::Location loc, qnn::RequantMode mode,
                   const RequantConstants &constants,
                   const std::optional<ChannelLoops> &channels,
                   unsigned numLoops);

/// The generic inputs of the epilogue, each read over the accumulator's
/// loops. Optional terms have a null value.
struct EpilogueInputs {
  /// i32 per channel: the folded ConstantTerms.
  GenericInput constantTerms;
  /// Per channel or 0-d: buildRequantParams' inputs.
  llvm::SmallVector<GenericInput> requantParams;
  /// sum_k x per output position and i32 zw per channel: - zw * sum_k x.
  GenericInput inputSums, weightZeroPoints;
  /// sum_k w per channel, when not folded: - zx * sum_k w.
  GenericInput weightSums;
  /// The bias, when not a constant.
  GenericInput runtimeBias;
};

/// y = acc + terms, then the requantize in `mode` to `out`'s storage type,
/// as one elementwise generic over `acc`.
mlir::Value buildRequantizeEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                                    qnn::RequantMode mode, mlir::Value acc,
                                    const EpilogueInputs &in,
                                    int64_t inputZeroPoint,
                                    const qnn::UniformParams &out);

/// The scalar requantize steps buildRequantizeEpilogue is made of, for
/// lowerings that rescale more than once (integer add/sub, average pool).
///
/// TFLite's MultiplyByQuantizedMultiplier of an i32 `y`; returns i32.
mlir::Value buildFixedPointMultiply(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value y, mlir::Value multiplier,
                                    mlir::Value leftShift,
                                    mlir::Value rightShift);
/// TOSA's apply_scale_32 of an i32 `y`, exact in i64; returns i64.
mlir::Value buildTosaApplyScale(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value y, mlir::Value multiplier,
                                mlir::Value shift, bool doubleRound);
/// The requantize of an i32 `y` in `mode` to `out`'s storage type, reading
/// buildRequantParams' values `params`; `zeroPoint` from
/// buildZeroPointConstant.
mlir::Value buildRequantizeScalar(mlir::OpBuilder &b, mlir::Location loc,
                                  qnn::RequantMode mode, mlir::Value y,
                                  mlir::ValueRange params,
                                  mlir::Value zeroPoint,
                                  const qnn::UniformParams &out);
mlir::Value buildZeroPointConstant(mlir::OpBuilder &b, mlir::Location loc,
                                   qnn::RequantMode mode, int64_t zeroPoint);
/// clamp(q, qmin, qmax) of an i64 `q`, truncated to `params`' storage type.
mlir::Value clampI64ToStorage(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value q, const qnn::UniformParams &params);
mlir::Value i64Constant(mlir::OpBuilder &b, mlir::Location loc, int64_t value);

/// The requantize multipliers of qnn.mul: s_a * s_b / s_c, one per channel
/// where an operand is per axis.
llvm::SmallVector<ChannelMultiplier>
mulMultipliers(const qnn::UniformParams &lhs, const qnn::UniformParams &rhs,
               const qnn::UniformParams &out,
               std::optional<qnn::ElementwiseChannels> channels);

/// Pads dimensions 2 and 3 of an NCHW tensor of stored integers by
/// `padding` ([top, left, bottom, right]) with `zeroPoint`, so that a
/// padded tap contributes (zp - zp) = 0; `x` itself without padding.
/// `firstSpatialDim` 1 pads an NHWC tensor.
mlir::Value padWithZeroPoint(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, llvm::ArrayRef<int64_t> padding,
                             int64_t zeroPoint, unsigned firstSpatialDim = 2);

/// In the body of a linalg.generic with loops (n, oh, ow, kh, kw, c): the
/// element of the NHWC storage tensor `x` at (n, oh * sh + kh * dh - top,
/// ow * sw + kw * dw - left, c / channelDivisor), or `zeroPoint` where that
/// tap is in the padding (what padding with it would hold, without a
/// padded copy). The bounds depend on neither c nor the loops inside it,
/// so LLVM hoists them and vectorizes a channel loop. (A depthwise conv
/// with a channel multiplier M reads input channel f / M for filter f.)
mlir::Value buildPaddedWindowRead(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value x,
                                  llvm::ArrayRef<int64_t> strides,
                                  llvm::ArrayRef<int64_t> dilations,
                                  llvm::ArrayRef<int64_t> padding,
                                  int64_t zeroPoint,
                                  int64_t channelDivisor = 1);

/// `value` (a static tensor) transposed by `permutation` (result dim i is
/// input dim permutation[i]) into a new tensor.
mlir::Value buildTranspose(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value,
                           llvm::ArrayRef<int64_t> permutation);

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
/// per-tensor type, or of per-axis types whose axis follows the op, which
/// runs unchanged on the stored integers. Where a per-axis layout op is
/// not, `whyNot` (if given) receives the reason.
bool hasStorageLowering(mlir::Operation *op, std::string *whyNot = nullptr);

/// Adds the patterns of Layout.cpp.
void populateLayoutLoweringPatterns(const mlir::TypeConverter &typeConverter,
                                    mlir::RewritePatternSet &patterns);

/// Adds the pooling patterns of Pooling.cpp; the average pool requantizes
/// in `mode`.
void populatePoolingLoweringPatterns(const mlir::TypeConverter &typeConverter,
                                     mlir::RewritePatternSet &patterns,
                                     qnn::RequantMode mode);

/// qnn.add, qnn.sub, qnn.mul, qnn.clamp and qnn.lookup (Elementwise.cpp);
/// mul requantizes in `mode`.
void populateQNNElementwiseToLinalgPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns, qnn::RequantMode mode);

} // namespace quantc::lowering

#endif // QUANTC_LIB_CONVERSION_QNNTOLINALG_LOWERINGHELPERS_H
