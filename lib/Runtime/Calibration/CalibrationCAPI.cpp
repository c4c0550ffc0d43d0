//===- CalibrationCAPI.cpp - C ABI of the calibration runtime ---*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/CalibrationCAPI.h"
#include "quantc/Runtime/Calibration.h"

#include <string>
#include <vector>

using namespace quantc::calibration;

struct QuantcCalibrationSession {
  CalibrationSession session;
  std::string lastError;

  /// Records `err` and returns the C status (0 on success).
  int status(llvm::Error err) {
    if (!err) {
      lastError.clear();
      return 0;
    }
    lastError = llvm::toString(std::move(err));
    return 1;
  }
  int fail(const std::string &message) {
    lastError = message;
    return 1;
  }
};

CalibrationSession &
quantc::calibration::getSession(QuantcCalibrationSession *handle) {
  return handle->session;
}

QuantcCalibrationSession *quantc_calibration_create(void) {
  return new QuantcCalibrationSession();
}

void quantc_calibration_destroy(QuantcCalibrationSession *session) {
  delete session;
}

int64_t quantc_calibration_add_observer(QuantcCalibrationSession *s,
                                        const char *name, int64_t channelAxis,
                                        int64_t histogramBins,
                                        int64_t upsampleRate,
                                        float averagingConstant) {
  if (!s)
    return -1;
  if (!name)
    return s->fail("observer name is null"), -1;
  if (histogramBins < 0 || histogramBins > (1 << 24) || upsampleRate < 1 ||
      upsampleRate > (1 << 16))
    return s->fail("observer '" + std::string(name) +
                   "': histogram bins must be in [0, 2^24] and the upsample "
                   "rate in [1, 2^16]"),
           -1;
  ObserverOptions options;
  options.name = name;
  options.channelAxis = channelAxis;
  options.histogramBins = unsigned(histogramBins);
  options.upsampleRate = unsigned(upsampleRate);
  options.averagingConstant = averagingConstant;
  llvm::Expected<int64_t> id = s->session.addObserver(std::move(options));
  if (!id)
    return s->status(id.takeError()), -1;
  s->lastError.clear();
  return *id;
}

int quantc_observe_f32(QuantcCalibrationSession *s, int64_t observerId,
                       const float *data, const int64_t *shape, int64_t rank) {
  if (!s)
    return 1;
  if (rank < 0 || (rank > 0 && !shape))
    return s->fail("observe: invalid shape (rank " + std::to_string(rank) +
                   ")");
  return s->status(
      s->session.observe(observerId, data, llvm::ArrayRef(shape, rank)));
}

int quantc_observe_memref_f32(QuantcCalibrationSession *s, int64_t observerId,
                              int64_t rank, const void *descriptor) {
  if (!s)
    return 1;
  if (rank < 0 || rank > 64 || !descriptor)
    return s->fail("observe: invalid memref (rank " + std::to_string(rank) +
                   ", descriptor " + (descriptor ? "set" : "null") + ")");
  // StridedMemRefType<float, rank>: two pointers, then int64 offset, sizes,
  // strides.
  struct Header {
    float *allocated;
    float *aligned;
    int64_t offset;
  };
  const auto *header = static_cast<const Header *>(descriptor);
  const int64_t *sizes = reinterpret_cast<const int64_t *>(header + 1);
  const int64_t *strides = sizes + rank;
  int64_t numElements = 1;
  bool contiguous = true;
  for (int64_t d = rank - 1; d >= 0; --d) {
    if (sizes[d] < 0) // observe() names the bad shape.
      return s->status(s->session.observe(
          observerId, nullptr, llvm::ArrayRef<int64_t>(sizes, rank)));
    if (sizes[d] != 1 && strides[d] != numElements)
      contiguous = false;
    if (sizes[d] != 0 && numElements > INT64_MAX / sizes[d])
      return s->fail("observe: memref sizes overflow int64");
    numElements *= sizes[d];
  }
  llvm::ArrayRef<int64_t> shape(sizes, rank);
  const float *base =
      header->aligned ? header->aligned + header->offset : nullptr;
  if (contiguous || numElements == 0)
    return s->status(s->session.observe(observerId, base, shape));
  if (!base)
    return s->fail("observe: null memref data");
  // Gather in C order, walking the index like an odometer.
  std::vector<float> dense(numElements);
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < numElements; ++i) {
    int64_t at = 0;
    for (int64_t d = 0; d < rank; ++d)
      at += index[d] * strides[d];
    dense[i] = base[at];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
  return s->status(s->session.observe(observerId, dense.data(), shape));
}

int quantc_calibration_write_json(QuantcCalibrationSession *s,
                                  const char *path) {
  if (!s)
    return 1;
  if (!path)
    return s->fail("statistics path is null");
  return s->status(s->session.writeFile(path));
}

int quantc_calibration_merge_json(QuantcCalibrationSession *s,
                                  const char *path) {
  if (!s)
    return 1;
  if (!path)
    return s->fail("statistics path is null");
  llvm::Expected<CalibrationSession> other = CalibrationSession::readFile(path);
  if (!other)
    return s->status(other.takeError());
  return s->status(s->session.merge(*other));
}

int quantc_calibration_quant_params(QuantcCalibrationSession *s,
                                    int64_t observerId, const char *method,
                                    double parameter, int64_t bits,
                                    int isSigned, int narrowRange,
                                    int symmetric, int convention,
                                    float *scales, int64_t *zeroPoints,
                                    int64_t capacity, int64_t *numChannels) {
  if (!s)
    return 1;
  if (observerId < 0 || observerId >= int64_t(s->session.size()))
    return s->fail("no observer with id " + std::to_string(observerId));
  if (!method || !scales || !zeroPoints || !numChannels)
    return s->fail("quant_params: null argument");
  if (convention != 0 && convention != 1)
    return s->fail("quant_params: convention must be 0 (ONNX Runtime) or 1 "
                   "(PyTorch)");
  if (bits < 2 || bits > 32)
    return s->fail("quant_params: bit width " + std::to_string(bits) +
                   " is outside [2, 32]");
  llvm::Expected<RangeMethod> m = parseRangeMethod(method);
  if (!m)
    return s->status(m.takeError());
  llvm::Expected<quantc::numerics::StorageRange> storage =
      quantc::numerics::getStorageRange(unsigned(bits), isSigned != 0,
                                        narrowRange != 0);
  if (!storage)
    return s->status(storage.takeError());
  RangeOptions options;
  options.method = *m;
  if (*m == RangeMethod::Percentile)
    options.percentile = parameter;
  options.levels = bits >= 31 ? (1u << 31) : (1u << bits);
  llvm::Expected<std::vector<quantc::numerics::QuantParams>> params =
      computeQuantParams(
          s->session.getObserver(observerId), options, *storage, symmetric != 0,
          convention == 0 ? quantc::numerics::ParamConvention::OnnxRuntime
                          : quantc::numerics::ParamConvention::PyTorch);
  if (!params)
    return s->status(params.takeError());
  *numChannels = params->size();
  if (int64_t(params->size()) > capacity)
    return s->fail("quant_params: " + std::to_string(params->size()) +
                   " channels do not fit in " + std::to_string(capacity));
  for (size_t i = 0; i < params->size(); ++i) {
    scales[i] = (*params)[i].scale;
    zeroPoints[i] = (*params)[i].zeroPoint;
  }
  s->lastError.clear();
  return 0;
}

int quantc_calibration_range(QuantcCalibrationSession *s, int64_t observerId,
                             const char *method, double parameter,
                             int64_t levels, float *mins, float *maxs,
                             int64_t capacity, int64_t *numChannels) {
  if (!s)
    return 1;
  if (observerId < 0 || observerId >= int64_t(s->session.size()))
    return s->fail("no observer with id " + std::to_string(observerId));
  if (!method || !mins || !maxs || !numChannels)
    return s->fail("range: null argument");
  if (levels < 2 || levels > (int64_t(1) << 31))
    return s->fail("range: levels " + std::to_string(levels) +
                   " is outside [2, 2^31]");
  llvm::Expected<RangeMethod> m = parseRangeMethod(method);
  if (!m)
    return s->status(m.takeError());
  RangeOptions options;
  options.method = *m;
  if (*m == RangeMethod::Percentile)
    options.percentile = parameter;
  options.levels = unsigned(levels);
  llvm::Expected<std::vector<Range>> ranges =
      computeRanges(s->session.getObserver(observerId), options);
  if (!ranges)
    return s->status(ranges.takeError());
  *numChannels = ranges->size();
  if (int64_t(ranges->size()) > capacity)
    return s->fail("range: " + std::to_string(ranges->size()) +
                   " channels do not fit in " + std::to_string(capacity));
  for (size_t i = 0; i < ranges->size(); ++i) {
    mins[i] = (*ranges)[i].min;
    maxs[i] = (*ranges)[i].max;
  }
  s->lastError.clear();
  return 0;
}

int quantc_calibration_sample_counts(QuantcCalibrationSession *s,
                                     int64_t observerId, int64_t *finite,
                                     int64_t *nan, int64_t *inf) {
  if (!s)
    return 1;
  if (observerId < 0 || observerId >= int64_t(s->session.size()))
    return s->fail("no observer with id " + std::to_string(observerId));
  const Observer &o = s->session.getObserver(observerId);
  uint64_t count = 0;
  for (const ChannelStats &c : o.getChannels())
    count += c.count;
  if (finite)
    *finite = int64_t(count);
  if (nan)
    *nan = int64_t(o.nanCount());
  if (inf)
    *inf = int64_t(o.infCount());
  s->lastError.clear();
  return 0;
}

const char *quantc_calibration_last_error(QuantcCalibrationSession *s) {
  return s ? s->lastError.c_str() : "null session";
}
