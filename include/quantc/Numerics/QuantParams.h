//===- QuantParams.h - Scale/zero point math --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The affine quantization scheme every QuantC stage agrees on
// (docs/Numerics.md):
//
//   q = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)
//   x = (q - zero_point) * scale
//
// This library has no MLIR dependency: passes use it to fold constants at
// compile time, runtimes and tests use it as the scalar reference.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_NUMERICS_QUANTPARAMS_H
#define QUANTC_NUMERICS_QUANTPARAMS_H

#include "llvm/Support/Error.h"

#include <cstdint>

namespace quantc::numerics {

/// The closed integer interval a storage type can hold.
struct StorageRange {
  int64_t qmin;
  int64_t qmax;
  bool contains(int64_t v) const { return v >= qmin && v <= qmax; }
};

/// The storage range of a `bits`-wide integer. `narrowRange` drops the lowest
/// value (signed int8 becomes [-127, 127], as in TFLite and upstream
/// `!quant.uniform<i8<-127:127>...>`). Fails for bits outside [2, 32].
llvm::Expected<StorageRange> getStorageRange(unsigned bits, bool isSigned,
                                             bool narrowRange);

/// A per-tensor (or one channel's) scale and zero point.
struct QuantParams {
  float scale;
  int64_t zeroPoint;
};

/// Whose formulas `chooseQuantParams` reproduces. They differ in float
/// precision, degenerate-range handling and the symmetric zero point.
enum class ParamConvention {
  /// onnxruntime.quantization `compute_scale_zp`: float64 arithmetic, scale
  /// rounded to float32 last; a range narrower than FLT_MIN gives scale 1,
  /// zero point 0; symmetric zero point is round((qmin + qmax) / 2).
  OnnxRuntime,
  /// torch.ao.quantization observers `_calculate_qparams`: float32
  /// arithmetic, scale clamped below by FLT_EPSILON; symmetric zero point 0
  /// (signed) or 128 for [0, 255], (qmin + qmax) / 2 otherwise.
  PyTorch,
};

/// Computes scale and zero point for the real range [rmin, rmax]. The range
/// is first widened to include 0 so that zero is exactly representable.
/// Fails on NaN/Inf bounds, on rmin > rmax, and on a storage range that does
/// not contain 0 (neither convention defines one).
llvm::Expected<QuantParams> chooseQuantParams(float rmin, float rmax,
                                              StorageRange range,
                                              bool symmetric,
                                              ParamConvention convention);

/// Rounds to the nearest integer, ties to even, independent of the current
/// floating-point rounding mode.
double roundHalfToEven(double x);

/// Quantizes one value: the division is done in float32 as ONNX Runtime and
/// the ONNX reference do. NaN maps to the zero point; +-Inf saturates.
int64_t quantize(float x, QuantParams params, StorageRange range);

/// Dequantizes one value in float32: (q - zero_point) * scale.
float dequantize(int64_t q, QuantParams params);

} // namespace quantc::numerics

#endif // QUANTC_NUMERICS_QUANTPARAMS_H
