//===- Calibration.h - Calibration observers and range methods --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The calibration runtime (docs/Calibration.md): observers that stream
// statistics of float tensors with bounded memory (count, min/max, moving
// average min/max, a re-binning histogram), per tensor or per channel, the
// range methods that turn those statistics into a real range (min-max,
// moving average, percentile, entropy, MSE), and a JSON file of the
// statistics that another run can merge.
//
// No MLIR dependency: instrumented models call it through the C ABI in
// CalibrationCAPI.h. It uses LLVM Support (Error/Expected, JSON) as the rest
// of lib/Runtime does.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_RUNTIME_CALIBRATION_H
#define QUANTC_RUNTIME_CALIBRATION_H

#include "quantc/Numerics/QuantParams.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm::json {
class Value;
} // namespace llvm::json

namespace quantc::calibration {

/// A histogram of float samples over [min, max] with a fixed number of
/// equal-width bins. Counts are float32, as in PyTorch's HistogramObserver,
/// because re-binning spreads a bin over fractions of bins.
///
/// Adding samples inside the current range is exact. When a batch widens
/// the range, the histogram follows PyTorch's HistogramObserver: the range
/// grows to a multiple of the old bin width / `upsampleRate`, the old bins
/// are spread uniformly over that fine grid and summed into the new bins.
class Histogram {
public:
  explicit Histogram(unsigned numBins = 2048, unsigned upsampleRate = 128)
      : counts(numBins, 0.0f), upsampleRate(upsampleRate) {}

  /// Adds finite samples whose minimum and maximum are `batchMin` and
  /// `batchMax`.
  void add(llvm::ArrayRef<float> samples, float batchMin, float batchMax);
  /// Adds another histogram (from another run): same ranges add bin by bin,
  /// otherwise both are re-binned onto the union of the ranges assuming a
  /// uniform density inside each bin.
  void merge(const Histogram &other);

  bool empty() const { return total() == 0.0; }
  /// The samples span more than float32 can measure (max - min overflows):
  /// the histogram stops and the histogram range methods report an error.
  bool isTooWide() const { return tooWide; }
  float min() const { return rangeMin; }
  float max() const { return rangeMax; }
  unsigned numBins() const { return counts.size(); }
  unsigned getUpsampleRate() const { return upsampleRate; }
  llvm::ArrayRef<float> getCounts() const { return counts; }
  /// Sum of all bins, in float64.
  double total() const;

  /// Restores a histogram read from a statistics file.
  static llvm::Expected<Histogram> fromParts(float min, float max,
                                             std::vector<float> counts,
                                             unsigned upsampleRate,
                                             bool tooWide = false);

private:
  std::vector<float> counts;
  float rangeMin = 0.0f, rangeMax = 0.0f;
  unsigned upsampleRate;
  bool tooWide = false;
};

/// What one observer records.
struct ObserverOptions {
  /// The tensor's name (the statistics file's key).
  std::string name;
  /// Per channel along this axis; -1: per tensor.
  int64_t channelAxis = -1;
  /// Histogram bins per channel; 0: no histogram.
  unsigned histogramBins = 2048;
  /// PyTorch HistogramObserver's `upsample_rate`.
  unsigned upsampleRate = 128;
  /// PyTorch MovingAverageMinMaxObserver's `averaging_constant`.
  float averagingConstant = 0.01f;
};

/// Statistics of one channel (or of the whole tensor).
struct ChannelStats {
  /// Finite samples seen; NaN and +-Inf samples are counted apart and
  /// excluded from everything else.
  uint64_t count = 0;
  uint64_t nanCount = 0;
  uint64_t infCount = 0;
  /// Valid when count > 0.
  float min = 0.0f, max = 0.0f;
  /// PyTorch's moving average: the first non-empty batch sets it, each
  /// later one moves it by averagingConstant * (batch value - average).
  float movingAverageMin = 0.0f, movingAverageMax = 0.0f;
  Histogram histogram;
};

/// Streams statistics of one tensor, batch by batch.
class Observer {
public:
  explicit Observer(ObserverOptions options);

  /// Adds one batch of a C-order float tensor of the given shape. The first
  /// batch fixes the rank and, per channel, the channel count; a later batch
  /// that differs is an error (and changes nothing). An empty batch changes
  /// nothing but the batch count.
  llvm::Error observe(const float *data, llvm::ArrayRef<int64_t> shape);

  const ObserverOptions &getOptions() const { return options; }
  llvm::ArrayRef<ChannelStats> getChannels() const { return channels; }
  /// The shape of the first batch (empty until one is seen).
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  uint64_t getBatchCount() const { return batches; }
  uint64_t nanCount() const;
  uint64_t infCount() const;

  /// Adds the statistics of the same tensor from another run. Fails, leaving
  /// this observer unchanged, when the options or channel counts differ.
  llvm::Error merge(const Observer &other);

  llvm::json::Value toJSON() const;
  static llvm::Expected<Observer> fromJSON(const llvm::json::Value &value);

private:
  void observeChannel(ChannelStats &stats, llvm::ArrayRef<float> values);

  ObserverOptions options;
  std::vector<int64_t> shape;
  std::vector<ChannelStats> channels;
  uint64_t batches = 0;
  /// One channel's finite samples of the current batch, reused.
  std::vector<float> scratch;
};

/// All observers of one calibration run, addressed by a dense id (what
/// instrumented code passes to quantc_observe_f32).
class CalibrationSession {
public:
  /// Adds an observer and returns its id; a duplicate name is an error.
  llvm::Expected<int64_t> addObserver(ObserverOptions options);
  llvm::Error observe(int64_t id, const float *data,
                      llvm::ArrayRef<int64_t> shape);

  size_t size() const { return observers.size(); }
  const Observer &getObserver(int64_t id) const { return observers[id]; }
  /// The observer named `name`, or null.
  const Observer *lookup(llvm::StringRef name) const;

  /// Merges another run's statistics: observers with the same name merge,
  /// new ones are added. All-or-nothing: on error nothing changes.
  llvm::Error merge(const CalibrationSession &other);

  /// The statistics file (schema in docs/Calibration.md).
  llvm::json::Value toJSON() const;
  static llvm::Expected<CalibrationSession>
  fromJSON(const llvm::json::Value &value);
  llvm::Error writeFile(llvm::StringRef path) const;
  static llvm::Expected<CalibrationSession> readFile(llvm::StringRef path);

private:
  std::vector<Observer> observers;
};

//===----------------------------------------------------------------------===//
// Range methods
//===----------------------------------------------------------------------===//

enum class RangeMethod {
  /// The running min and max (MinMaxObserver, PerChannelMinMaxObserver).
  MinMax,
  /// The moving averages (MovingAverage[PerChannel]MinMaxObserver).
  MovingAverageMinMax,
  /// Histogram quantiles (1 - p) and p, interpolated inside a bin.
  Percentile,
  /// TensorRT-style KL-divergence threshold search on |x|.
  Entropy,
  /// HistogramObserver's L2 `_non_linear_param_search`.
  MSE,
};

struct RangeOptions {
  RangeMethod method = RangeMethod::MinMax;
  /// Percentile: the upper quantile in percent, in (50, 100].
  double percentile = 99.99;
  /// Entropy and MSE: the number of quantization levels (2^bits; PyTorch's
  /// `dst_nbins`). Entropy searches thresholds with `levels / 2` bins per
  /// side as TensorRT does (128 for int8).
  unsigned levels = 256;
};

/// A real range [min, max] for one channel.
struct Range {
  float min;
  float max;
};

/// Parses "minmax", "moving-average", "percentile", "entropy", "mse".
llvm::Expected<RangeMethod> parseRangeMethod(llvm::StringRef name);
llvm::StringRef rangeMethodName(RangeMethod method);

/// One range per channel. Fails when a channel saw no finite sample, or when
/// the method needs a histogram the observer does not keep.
llvm::Expected<std::vector<Range>> computeRanges(const Observer &observer,
                                                 const RangeOptions &options);

/// One range from one channel's statistics.
llvm::Expected<Range> computeRange(const ChannelStats &stats,
                                   const RangeOptions &options);

/// Scale and zero point per channel: computeRanges, then
/// numerics::chooseQuantParams.
llvm::Expected<std::vector<numerics::QuantParams>>
computeQuantParams(const Observer &observer, const RangeOptions &options,
                   numerics::StorageRange storage, bool symmetric,
                   numerics::ParamConvention convention =
                       numerics::ParamConvention::OnnxRuntime);

} // namespace quantc::calibration

struct QuantcCalibrationSession;

namespace quantc::calibration {
/// The C++ session behind a C ABI handle, for a host (quant-run) whose
/// generated code observes through the C ABI and which then reads the
/// statistics in C++.
CalibrationSession &getSession(QuantcCalibrationSession *handle);
} // namespace quantc::calibration

#endif // QUANTC_RUNTIME_CALIBRATION_H
