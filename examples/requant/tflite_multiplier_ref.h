//===- tflite_multiplier_ref.h - TFLite's multiplier, transcribed -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// TFLite's QuantizeMultiplier and MultiplyByQuantizedMultiplier on
// gemmlowp's fixed-point functions, shared by the fixedpoint references
// (gemmlowp_requant_ref.cpp, gemmlowp_ops_ref.cpp). Independent of QuantC:
// no QuantC header is included.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_EXAMPLES_REQUANT_TFLITE_MULTIPLIER_REF_H
#define QUANTC_EXAMPLES_REQUANT_TFLITE_MULTIPLIER_REF_H

// Not GEMMLOWP_ENABLE_AVX2: its path fails gemmlowp's own fixed-point test
// at -O2 (docs/BUILD_NOTES); the scalar functions are the reference.
#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <cmath>
#include <cstdint>

/// TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/
/// quantization_util.cc).
inline void quantizeMultiplier(double realMultiplier,
                               int32_t *quantizedMultiplier, int *shift) {
  if (realMultiplier == 0.) {
    *quantizedMultiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(realMultiplier, shift);
  auto qFixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    qFixed = 0;
  }
  if (*shift > 30) {
    *shift = 30;
    qFixed = (1LL << 31) - 1;
  }
  *quantizedMultiplier = static_cast<int32_t>(qFixed);
}

/// TFLite's MultiplyByQuantizedMultiplier. TFLite multiplies by
/// (1 << left_shift) in int32, which overflows for large inputs; gemmlowp's
/// ShiftLeft saturates instead, the behaviour QuantC documents.
inline int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier,
                                             int shift) {
  int leftShift = shift > 0 ? shift : 0;
  int rightShift = shift > 0 ? 0 : -shift;
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(
          gemmlowp::ShiftLeft(x, leftShift), multiplier),
      rightShift);
}

#endif // QUANTC_EXAMPLES_REQUANT_TFLITE_MULTIPLIER_REF_H
