//===- gemmlowp_requant_ref.cpp - fixedpoint requantize reference ---------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The expected output of the fixedpoint requantize mode, computed with
// gemmlowp's own fixed-point functions (Debian's libgemmlowp-dev, the
// reference TFLite's kernels are built on) and TFLite's QuantizeMultiplier,
// transcribed. Independent of QuantC: no QuantC header is included.
//
// Input (requant_modes.py cases): "ROWS CHANNELS", one "s_in s_out zp" line
// per channel, then ROWS lines of CHANNELS int32 accumulators. Output:
// "data =" and the i8 results, row-major.
//
//===----------------------------------------------------------------------===//

// Not GEMMLOWP_ENABLE_AVX2: its path fails gemmlowp's own fixed-point test
// at -O2 (docs/BUILD_NOTES); the scalar functions are the reference.
#include <gemmlowp/fixedpoint/fixedpoint.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <vector>

namespace {

/// TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/
/// quantization_util.cc).
void quantizeMultiplier(double realMultiplier, int32_t *quantizedMultiplier,
                        int *shift) {
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
int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier,
                                      int shift) {
  int leftShift = shift > 0 ? shift : 0;
  int rightShift = shift > 0 ? 0 : -shift;
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(
          gemmlowp::ShiftLeft(x, leftShift), multiplier),
      rightShift);
}

} // namespace

int main() {
  int rows, channels;
  std::cin >> rows >> channels;
  std::vector<int32_t> multipliers(channels), zeroPoints(channels);
  std::vector<int> shifts(channels);
  for (int c = 0; c < channels; ++c) {
    double sIn, sOut;
    std::cin >> sIn >> sOut >> zeroPoints[c];
    quantizeMultiplier(sIn / sOut, &multipliers[c], &shifts[c]);
  }
  std::cout << "data =\n";
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < channels; ++c) {
      int64_t acc;
      std::cin >> acc;
      if (!std::cin) {
        std::cerr << "error: truncated input\n";
        return 1;
      }
      int64_t q = int64_t(multiplyByQuantizedMultiplier(
                      int32_t(acc), multipliers[c], shifts[c])) +
                  zeroPoints[c];
      std::cout << std::clamp<int64_t>(q, -128, 127)
                << (c + 1 < channels ? " " : "\n");
    }
  }
  return 0;
}
