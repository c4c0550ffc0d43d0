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
//   tosa-*      TOSA rescale (tosa.rescale, scale32): the merged scale as a
//               31-bit multiplier and a right shift in [2, 62], one 64-bit
//               product, rounded once (single_round) or, for shifts above
//               31, twice (double_round).
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

/// A real multiplier M represented as multiplier * 2^-shift for TOSA's
/// rescale (scale32): multiplier in [2^30, 2^31) (smaller for the tiny
/// scales that need a shift above 62), shift in [2, 62].
struct TosaRescaleMultiplier {
  int32_t multiplier;
  int shift;
};

/// Upstream MLIR's computeMultiplierAndShift (TOSA scale32): frexp, round
/// half away from zero to Q31, renormalise 2^31, and for shifts above 62
/// shift the multiplier right instead. Fails for a negative, NaN or
/// infinite multiplier, and for one that rounds to 2^29 or more, whose
/// shift would be below TOSA's minimum of 2.
llvm::Expected<TosaRescaleMultiplier>
quantizeTosaMultiplier(double realMultiplier);

/// TOSA's apply_scale_32 computed exactly in 64 bits:
/// (value * multiplier + round) >> shift with round = 2^(shift - 1), plus
/// +-2^30 (the sign of value) when `doubleRound` and shift > 31. TOSA
/// requires value in [-2^(shift-1), 2^(shift-1)); outside it the result
/// does not fit int32, and is returned whole instead of wrapped.
int64_t applyTosaScale32(int32_t value, TosaRescaleMultiplier m,
                         bool doubleRound);

/// tosa modes: clamp(applyTosaScale32(acc, m, doubleRound) + zp).
int64_t requantizeTosa(int32_t acc, TosaRescaleMultiplier m, bool doubleRound,
                       int64_t zeroPoint, StorageRange range);

/// The real multipliers of a quantized add or sub in the integer modes: each
/// input, centred, is shifted left by `leftShift` and scaled by `lhs` or
/// `rhs` (both at most 1/2 for TFLite, 2^leftShift times that for TOSA), the
/// two are added in int32 and the sum is scaled by `out`.
struct AddRescaleMultipliers {
  int leftShift;
  double lhs, rhs, out;
};

/// TFLite's PrepareGeneralSubOp (kernels/add.cc, sub.cc): with
/// s = 2 * max(sa, sb) in float32, lhs = sa / s, rhs = sb / s,
/// out = s / (2^leftShift * sc), leftShift 15 for a 16-bit output, else 20.
/// The scales are TFLite's float32 values.
AddRescaleMultipliers addMultipliersTFLite(float lhsScale, float rhsScale,
                                           float outScale, unsigned outBits);

/// TensorFlow's TFLite-to-TOSA legalization of ADD/SUB (legalize_tfl.cc):
/// the same in double, with the input shift folded into the input rescales
/// (lhs = 2^leftShift * sa / s), so `leftShift` is informational.
AddRescaleMultipliers addMultipliersTosa(double lhsScale, double rhsScale,
                                         double outScale, unsigned outBits);

/// TOSA's reciprocal_scale(count), the rescale an integer AVG_POOL2D
/// divides by: k = ceil(log2(count)), multiplier = ((2^30 + 1) << k) /
/// count, shift = 30 + k. `count` must be positive.
TosaRescaleMultiplier tosaReciprocalScale(uint32_t count);

/// TFLite's integer AveragePool division of a window sum: rounded to
/// nearest, ties away from zero, (sum +- count / 2) / count truncated.
int64_t roundingDivideTFLite(int64_t sum, int64_t count);

} // namespace quantc::numerics

#endif // QUANTC_NUMERICS_REQUANTIZE_H
