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

#include "tflite_multiplier_ref.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <vector>

namespace {



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
