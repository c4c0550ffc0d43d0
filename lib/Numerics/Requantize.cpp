//===- Requantize.cpp - Requantization modes --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Numerics/Requantize.h"

#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace quantc::numerics;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;

float quantc::numerics::mergedScaleF32(float inputScale, float weightScale,
                                       float outputScale) {
  float product = inputScale * weightScale;
  return product / outputScale;
}

int64_t quantc::numerics::requantizeFp32(int32_t acc, float scale,
                                         int64_t zeroPoint,
                                         StorageRange range) {
  // float(acc) rounds to nearest even above 2^24, as arith.sitofp and
  // ONNX Runtime's MlasRequantizeOutput do.
  float scaled = float(acc) * scale;
  double q = roundHalfToEven(double(scaled)) + double(zeroPoint);
  q = std::clamp(q, double(range.qmin), double(range.qmax));
  return int64_t(q);
}

llvm::Expected<FixedPointMultiplier>
quantc::numerics::quantizeMultiplier(double realMultiplier) {
  if (!std::isfinite(realMultiplier) || realMultiplier < 0.0)
    return createStringError(inconvertibleErrorCode(),
                             "multiplier %g is not a finite value >= 0",
                             realMultiplier);
  if (realMultiplier == 0.0)
    return FixedPointMultiplier{0, 0};
  int shift = 0;
  double fraction = std::frexp(realMultiplier, &shift); // in [0.5, 1)
  // TfLiteRound: round half away from zero.
  auto qFixed = static_cast<int64_t>(std::round(fraction * double(1LL << 31)));
  assert(qFixed <= (1LL << 31));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++shift;
  }
  // Every bit would be shifted out: the result is 0 for any int32 input.
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  // A larger left shift overflows int32 for every input but 0.
  if (shift > 30) {
    shift = 30;
    qFixed = (1LL << 31) - 1;
  }
  return FixedPointMultiplier{static_cast<int32_t>(qFixed), shift};
}

int32_t quantc::numerics::saturatingRoundingDoublingHighMul(int32_t a,
                                                            int32_t b) {
  bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  int64_t ab = int64_t(a) * int64_t(b);
  int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  // Division truncates toward zero, as gemmlowp's does.
  auto high = static_cast<int32_t>((ab + nudge) / (1LL << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

int32_t quantc::numerics::roundingDivideByPOT(int32_t x, int exponent) {
  assert(exponent >= 0 && exponent <= 31 && "exponent out of range");
  const int32_t mask = int32_t((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t quantc::numerics::multiplyByQuantizedMultiplier(int32_t x,
                                                        FixedPointMultiplier m) {
  int leftShift = m.shift > 0 ? m.shift : 0;
  int rightShift = m.shift > 0 ? 0 : -m.shift;
  int64_t shifted = int64_t(x) * (int64_t(1) << leftShift);
  shifted = std::clamp<int64_t>(shifted, std::numeric_limits<int32_t>::min(),
                                std::numeric_limits<int32_t>::max());
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(int32_t(shifted), m.multiplier),
      rightShift);
}

int64_t quantc::numerics::requantizeFixedPoint(int32_t acc,
                                               FixedPointMultiplier m,
                                               int64_t zeroPoint,
                                               StorageRange range) {
  int64_t q = int64_t(multiplyByQuantizedMultiplier(acc, m)) + zeroPoint;
  return std::clamp(q, range.qmin, range.qmax);
}

llvm::Expected<TosaRescaleMultiplier>
quantc::numerics::quantizeTosaMultiplier(double realMultiplier) {
  if (!std::isfinite(realMultiplier) || realMultiplier < 0.0)
    return createStringError(inconvertibleErrorCode(),
                             "multiplier %g is not a finite value >= 0",
                             realMultiplier);
  int exponent = 0;
  double fraction = std::frexp(realMultiplier, &exponent); // in [0.5, 1)
  // std::round rounds half away from zero, as upstream's does.
  auto qFixed = static_cast<int64_t>(std::round(fraction * double(1LL << 31)));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++exponent;
  }
  // TOSA embeds the Q31 point in the right shift.
  int shift = 31 - exponent;
  if (shift < 2)
    return createStringError(
        inconvertibleErrorCode(),
        "multiplier %g needs a TOSA shift of %d, below the minimum 2",
        realMultiplier, shift);
  // The shift tops out at 62; shift the multiplier right instead (a zero
  // multiplier, for 0 or tiny scales, is exact: every result is 0).
  if (shift > 62) {
    qFixed >>= std::min(31, shift - 62);
    shift = 62;
  }
  return TosaRescaleMultiplier{static_cast<int32_t>(qFixed), shift};
}

int64_t quantc::numerics::applyTosaScale32(int32_t value,
                                           TosaRescaleMultiplier m,
                                           bool doubleRound) {
  assert(m.shift >= 2 && m.shift <= 62 && "TOSA shift out of range");
  int64_t round = int64_t(1) << (m.shift - 1);
  if (doubleRound && m.shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  // |value * multiplier| < 2^62, so the sum cannot overflow int64.
  int64_t product = int64_t(value) * int64_t(m.multiplier) + round;
  return product >> m.shift; // Arithmetic shift: floor division.
}

int64_t quantc::numerics::requantizeTosa(int32_t acc, TosaRescaleMultiplier m,
                                         bool doubleRound, int64_t zeroPoint,
                                         StorageRange range) {
  int64_t q = applyTosaScale32(acc, m, doubleRound) + zeroPoint;
  return std::clamp(q, range.qmin, range.qmax);
}

AddRescaleMultipliers
quantc::numerics::addMultipliersTFLite(float lhsScale, float rhsScale,
                                       float outScale, unsigned outBits) {
  int leftShift = outBits == 16 ? 15 : 20;
  // float32 as TFLite's TfLiteQuantizationParams hold them; the doubling is
  // exact.
  const double twiceMaxInputScale = 2 * std::max(lhsScale, rhsScale);
  return {leftShift, double(lhsScale) / twiceMaxInputScale,
          double(rhsScale) / twiceMaxInputScale,
          twiceMaxInputScale / double(float(1 << leftShift) * outScale)};
}

AddRescaleMultipliers
quantc::numerics::addMultipliersTosa(double lhsScale, double rhsScale,
                                     double outScale, unsigned outBits) {
  int leftShift = outBits == 16 ? 15 : 20;
  double maxScale2x = 2.0 * std::max(lhsScale, rhsScale);
  double shiftScale = double(int64_t(1) << leftShift);
  return {leftShift, shiftScale * lhsScale / maxScale2x,
          shiftScale * rhsScale / maxScale2x,
          maxScale2x / (outScale * shiftScale)};
}

TosaRescaleMultiplier quantc::numerics::tosaReciprocalScale(uint32_t count) {
  assert(count > 0 && "reciprocal of a zero count");
  int k = 32 - llvm::countl_zero(count - 1); // 0 for count 1
  int64_t numerator = ((int64_t(1) << 30) + 1) << k;
  return {int32_t(numerator / count), 30 + k};
}

int64_t quantc::numerics::roundingDivideTFLite(int64_t sum, int64_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}
