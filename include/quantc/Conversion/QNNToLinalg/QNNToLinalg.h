//===- QNNToLinalg.h - qnn to integer linalg --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc {

#define GEN_PASS_DECL_LOWERQNNPASS
#define GEN_PASS_DECL_DROPREQUANTMODEPASS
#define GEN_PASS_DECL_CONVTOMATMULPASS
#include "quantc/Conversion/Passes.h.inc"

/// quant-lower-qnn{calibrate}: the discardable attribute that gives each
/// qnn.observe its calibration-session id, and the host function the
/// instrumented code calls as `void (int64_t id, int64_t rank, void
/// *descriptor)` (MLIR's default lowering of `(i64, memref<*xf32>)`).
inline constexpr llvm::StringLiteral kObserverIdAttrName = "quantc.observer_id";
inline constexpr llvm::StringLiteral kObserveCallbackName =
    "quantc_calibration_jit_observe";

/// Converts tensors of `!quant` element types to tensors of their storage
/// type; everything else is left as it is.
class QuantStorageTypeConverter : public mlir::TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Populates the patterns that lower qnn ops and quant.qcast/dcast/scast to
/// linalg on the storage types of `typeConverter`, with every requantizing
/// epilogue in `mode`.
void populateQNNToLinalgConversionPatterns(
    const mlir::TypeConverter &typeConverter, mlir::RewritePatternSet &patterns,
    qnn::RequantMode mode = qnn::RequantMode::fp32);

/// Checks that `op`'s requantize can be built in `mode` (TOSA's shift range;
/// in the integer modes, a 32-bit qnn.requantize input signed at zero point
/// 0) and emits an error on `op` if not. Success for ops that do not
/// requantize.
llvm::LogicalResult verifyRequantizable(mlir::Operation *op,
                                        qnn::RequantMode mode);

/// The window of a one-group 2-D convolution, as qnn.conv2d holds it
/// (padding [top, left, bottom, right]).
struct ConvWindow {
  llvm::SmallVector<int64_t, 2> strides, dilations;
  llvm::SmallVector<int64_t, 4> padding;
  bool channelsLast = false;
};

/// The discardable attribute on the linalg.generic that gathers im2col
/// patches [N, OH, OW, KH, KW, C] from an NHWC input: a dictionary of
/// `kernel`, `strides`, `dilations`, `padding` ([top, left, bottom,
/// right]) and `zero_point` (what taps in the padding read, as stored).
/// quant-x86-vnni uses it to gather each row block inside its kernel.
inline constexpr llvm::StringLiteral kIm2colAttrName = "quantc.im2col";

/// The discardable attribute on quant-lower-qnn's depthwise contraction
/// (loops (n, oh, ow, kh, kw, c), acc[n, oh, ow, c] += ext(x[n, oh * sh +
/// kh * dh - top, ow * sw + kw * dw - left, c]) * ext(w[kh, kw, c]), taps
/// in the padding reading the zero point): `strides`, `dilations`,
/// `padding` and `zero_point`. quant-x86-depthwise replaces it with vector
/// code.
inline constexpr llvm::StringLiteral kDepthwiseAttrName = "quantc.depthwise";

/// A one-group conv of the quantized `input` (static NCHW or NHWC) as
/// im2col patches [N, OH * OW, K] (K in (kh, kw, c) order, so that each
/// tap copies C contiguous bytes of the NHWC input; an NCHW input is
/// transposed first; taps in the padding read the input zero point)
/// times the [K, F] weights that `buildWeights`
/// returns (called after the patches are built) in a qnn.matmul with
/// `bias` and `zeroPointCorrections` (either may be null), reshaped back to
/// `outType`. Layout work is on the storage integers (quant.scast).
mlir::Value buildConvAsMatmul(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &)> buildWeights,
    mlir::Value bias, mlir::DenseI64ArrayAttr zeroPointCorrections,
    mlir::RankedTensorType outType, llvm::ArrayRef<int64_t> kernel,
    const ConvWindow &window);

/// The [K, F] per-group matmul weights, K in (kh, kw, c) order, of
/// constant conv weights `stored` (row-major FCHW, or OHWI when
/// `channelsLast`) of `type`: blocked by B along the input channels only
/// (scales [F, C/B, KH, KW], or [F, KH, KW, C/B]; C a multiple of B).
/// Their blocks become blocks of B along K, the parameters [K/B, F].
mlir::Value buildPerGroupConvWeightMatrix(mlir::OpBuilder &b,
                                          mlir::Location loc,
                                          mlir::RankedTensorType type,
                                          llvm::ArrayRef<int64_t> stored,
                                          unsigned storedBitWidth,
                                          bool channelsLast);

} // namespace quantc

#endif // QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
