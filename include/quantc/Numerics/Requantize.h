//===- Requantize.h - Requantization modes ----------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Scalar reference implementations of the requantization modes of
// docs/Numerics.md: an int32 accumulator at scale s_in * s_w is brought to the
// output scale s_out and storage range.
//
//   fp32        ONNX Runtime / XNNPACK: float(acc) * merged_scale, rounded
//               half to even, plus the zero point, clamped.
//   fixedpoint  TFLite / gemmlowp: the merged scale as a Q31 multiplier and
//               a power-of-two shift; saturating rounding doubling high
//               multiply, then a rounding right shift.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_NUMERICS_REQUANTIZE_H
#define QUANTC_NUMERICS_REQUANTIZE_H

#include "quantc/Numerics/QuantParams.h"

#include <cstdint>

namespace quantc::numerics {

/// The merged scale (s_in * s_w) / s_out, computed in float32 in that order,
/// as ONNX Runtime's QLinearMatMul / QLinearConv kernels do.
float mergedScaleF32(float inputScale, float weightScale, float outputScale);

/// fp32 mode: clamp(round_half_to_even(float(acc) * scale) + zp, qmin, qmax).
int64_t requantizeFp32(int32_t acc, float scale, int64_t zeroPoint,
                       StorageRange range);

/// A real multiplier M represented as multiplier * 2^(shift - 31), with
/// multiplier in [2^30, 2^31) (or 0 when M is 0 or underflows).
struct FixedPointMultiplier {
  int32_t multiplier;
  int shift;
};

/// TFLite's QuantizeMultiplier: frexp, round half away from zero to Q31,
/// renormalise 2^31, flush shifts below -31 to zero and saturate shifts
/// above 30. Fails for a negative, NaN or infinite multiplier.
llvm::Expected<FixedPointMultiplier> quantizeMultiplier(double realMultiplier);

/// gemmlowp::SaturatingRoundingDoublingHighMul: the high 32 bits of 2*a*b,
/// rounded to nearest (ties away from zero); INT32_MIN * INT32_MIN
/// saturates to INT32_MAX.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp::RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties
/// away from zero. `exponent` must be in [0, 31].
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// TFLite's MultiplyByQuantizedMultiplier (single-rounding form). The left
/// shift for multipliers >= 1 saturates instead of overflowing.
int32_t multiplyByQuantizedMultiplier(int32_t x, FixedPointMultiplier m);

/// fixedpoint mode: clamp(multiplyByQuantizedMultiplier(acc, m) + zp).
int64_t requantizeFixedPoint(int32_t acc, FixedPointMultiplier m,
                             int64_t zeroPoint, StorageRange range);

} // namespace quantc::numerics

#endif // QUANTC_NUMERICS_REQUANTIZE_H
