//===- QuantParams.cpp - Scale/zero point math ------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Numerics/QuantParams.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace quantc::numerics;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;

llvm::Expected<StorageRange>
quantc::numerics::getStorageRange(unsigned bits, bool isSigned,
                                  bool narrowRange) {
  if (bits < 2 || bits > 32)
    return createStringError(inconvertibleErrorCode(),
                             "storage bit width %u is outside [2, 32]", bits);
  StorageRange r;
  if (isSigned) {
    r.qmin = -(int64_t(1) << (bits - 1));
    r.qmax = (int64_t(1) << (bits - 1)) - 1;
  } else {
    r.qmin = 0;
    r.qmax = (int64_t(1) << bits) - 1;
  }
  if (narrowRange)
    ++r.qmin;
  return r;
}

double quantc::numerics::roundHalfToEven(double x) {
  if (!std::isfinite(x))
    return x;
  double lower = std::floor(x);
  double diff = x - lower;
  if (diff > 0.5)
    return lower + 1.0;
  if (diff < 0.5)
    return lower;
  // A tie: pick the even neighbour.
  return std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
}

static llvm::Error checkRange(float rmin, float rmax, StorageRange range) {
  if (!std::isfinite(rmin) || !std::isfinite(rmax))
    return createStringError(inconvertibleErrorCode(),
                             "range [%g, %g] is not finite", double(rmin),
                             double(rmax));
  if (rmin > rmax)
    return createStringError(inconvertibleErrorCode(),
                             "range minimum %g is greater than maximum %g",
                             double(rmin), double(rmax));
  if (range.qmin > 0 || range.qmax < 0)
    return createStringError(
        inconvertibleErrorCode(),
        "storage range [%lld, %lld] does not contain zero",
        (long long)range.qmin, (long long)range.qmax);
  return llvm::Error::success();
}

// onnxruntime/python/tools/quantization/quant_utils.py: compute_scale_zp.
static QuantParams onnxRuntimeParams(float rmin, float rmax, StorageRange r,
                                     bool symmetric) {
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);
  if (symmetric) {
    float absMax = std::max(std::fabs(rmin), std::fabs(rmax));
    rmin = -absMax;
    rmax = absMax;
  }
  // numpy: (rmax - rmin) in float32, then the division in float64.
  double dr = double(rmax - rmin);
  double dq = double(r.qmax) - double(r.qmin);
  double scale = dr / dq;
  if (scale < double(FLT_MIN))
    return {1.0f, 0};
  int64_t zp;
  if (symmetric)
    zp = int64_t(roundHalfToEven((double(r.qmin) + double(r.qmax)) / 2.0));
  else
    zp = int64_t(roundHalfToEven(double(r.qmin) - double(rmin) / scale));
  return {float(scale), zp};
}

// torch/ao/quantization/observer.py: UniformQuantizationObserverBase.
static QuantParams pyTorchParams(float rmin, float rmax, StorageRange r,
                                 bool symmetric) {
  float minNeg = std::min(rmin, 0.0f);
  float maxPos = std::max(rmax, 0.0f);
  if (symmetric) {
    maxPos = std::max(-minNeg, maxPos);
    float scale = maxPos / (float(r.qmax - r.qmin) / 2.0f);
    scale = std::max(scale, FLT_EPSILON);
    int64_t zp = 0;
    if (r.qmin >= 0)
      zp = (r.qmin == 0 && r.qmax == 255) ? 128 : (r.qmin + r.qmax) / 2;
    return {scale, zp};
  }
  float scale = (maxPos - minNeg) / float(r.qmax - r.qmin);
  scale = std::max(scale, FLT_EPSILON);
  int64_t zp = r.qmin - int64_t(roundHalfToEven(double(minNeg / scale)));
  return {scale, std::clamp(zp, r.qmin, r.qmax)};
}

llvm::Expected<QuantParams>
quantc::numerics::chooseQuantParams(float rmin, float rmax, StorageRange range,
                                    bool symmetric,
                                    ParamConvention convention) {
  if (llvm::Error err = checkRange(rmin, rmax, range))
    return std::move(err);
  QuantParams params =
      convention == ParamConvention::OnnxRuntime
          ? onnxRuntimeParams(rmin, rmax, range, symmetric)
          : pyTorchParams(rmin, rmax, range, symmetric);
  // A range wider than float32 can span overflows the scale to +Inf.
  if (!std::isfinite(params.scale))
    return createStringError(inconvertibleErrorCode(),
                             "range [%g, %g] is too wide: its scale "
                             "overflows float32",
                             double(rmin), double(rmax));
  return params;
}

int64_t quantc::numerics::quantize(float x, QuantParams params,
                                   StorageRange range) {
  if (std::isnan(x))
    return std::clamp(params.zeroPoint, range.qmin, range.qmax);
  double q = roundHalfToEven(double(x / params.scale)) +
             double(params.zeroPoint);
  q = std::clamp(q, double(range.qmin), double(range.qmax));
  return int64_t(q);
}

float quantc::numerics::dequantize(int64_t q, QuantParams params) {
  return float(q - params.zeroPoint) * params.scale;
}
