//===- IntegerRescales.h - Requantize constants of the modes ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The constants quant-lower-qnn computes for each requantize in a numerics
// mode, public so that quant-convert-qnn-to-tosa exports the very same
// multipliers and shifts (docs/Numerics.md). Defined in QuantCQNNToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_INTEGERRESCALES_H
#define QUANTC_CONVERSION_QNNTOLINALG_INTEGERRESCALES_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"

namespace quantc::lowering {

/// The requantize multiplier of one output channel in the two precisions
/// the modes start from: the float32 merged scale of the fp32 mode (ONNX
/// Runtime's order of operations) and the real multiplier the integer
/// modes decompose, computed in double as TFLite and TOSA's legalizations
/// do.
struct ChannelMultiplier {
  float fp32;
  double real;
};

/// The per-channel constants of a requantize in `mode`, in the order
/// buildRequantizeScalar reads them:
///   fp32:       the f32 merged scale;
///   fixedpoint: the i32 Q31 multiplier, left shift and right shift;
///   tosa-*:     the i32 multiplier and right shift.
/// Fails (through `emitError`) where TOSA cannot represent a multiplier.
struct RequantConstants {
  llvm::SmallVector<float> scales;
  llvm::SmallVector<int64_t> multipliers, leftShifts, rightShifts;
};

mlir::FailureOr<RequantConstants>
computeRequantConstants(qnn::RequantMode mode,
                        llvm::ArrayRef<ChannelMultiplier> multipliers,
                        llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The rescales of qnn.add/qnn.sub in an integer mode (docs/Numerics.md,
/// "Elementwise ops"): each centred input shifted left by `leftShift`
/// (fixedpoint only) and rescaled by `lhs`/`rhs`, then the i32 sum rescaled
/// by `out`; one multiplier per channel in each of `lhs`, `rhs` and `out`
/// where an operand is per axis (the formula with that channel's scales).
/// Fails (through `emitError`) where the mode's reference rejects the
/// scales or the storage widths. quant-convert-qnn-to-tosa exports add/sub
/// with these same constants.
struct AddSubRescale {
  int64_t leftShift;
  RequantConstants lhs, rhs, out;
};
mlir::FailureOr<AddSubRescale>
computeAddSubRescale(qnn::RequantMode mode, const qnn::UniformParams &lhs,
                     const qnn::UniformParams &rhs,
                     const qnn::UniformParams &out,
                     llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The two requantizes of qnn.leaky_relu in an integer mode: s_in / s_out
/// for q - zp >= 0, alpha * s_in / s_out below (TFLite's in float32, TOSA's
/// legalization's in double). Fails for a negative alpha.
struct LeakyReluMultipliers {
  RequantConstants identity, alpha;
};
mlir::FailureOr<LeakyReluMultipliers> computeLeakyReluMultipliers(
    qnn::RequantMode mode, const qnn::UniformParams &in,
    const qnn::UniformParams &out, float alpha,
    llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Whether qnn.avg_pool2d in integer `mode` averages in the input's
/// parameters and then requantizes (TFLite's and TOSA's average pools keep
/// the scale and storage type).
bool avgPoolNeedsRequantize(qnn::RequantMode mode, const qnn::UniformParams &in,
                            const qnn::UniformParams &out);

} // namespace quantc::lowering

#endif // QUANTC_CONVERSION_QNNTOLINALG_INTEGERRESCALES_H
