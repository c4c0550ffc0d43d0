//===- Observer.cpp - Streaming calibration statistics ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Calibration.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>

using namespace quantc::calibration;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

Observer::Observer(ObserverOptions opts) : options(std::move(opts)) {}

uint64_t Observer::nanCount() const {
  uint64_t n = 0;
  for (const ChannelStats &c : channels)
    n += c.nanCount;
  return n;
}

uint64_t Observer::infCount() const {
  uint64_t n = 0;
  for (const ChannelStats &c : channels)
    n += c.infCount;
  return n;
}

void Observer::observeChannel(ChannelStats &stats,
                              llvm::ArrayRef<float> values) {
  scratch.clear();
  float batchMin = INFINITY, batchMax = -INFINITY;
  for (float x : values) {
    if (std::isnan(x)) {
      ++stats.nanCount;
      continue;
    }
    if (std::isinf(x)) {
      ++stats.infCount;
      continue;
    }
    batchMin = std::min(batchMin, x);
    batchMax = std::max(batchMax, x);
    scratch.push_back(x);
  }
  if (scratch.empty())
    return;
  if (stats.count == 0) {
    stats.min = batchMin;
    stats.max = batchMax;
    stats.movingAverageMin = batchMin;
    stats.movingAverageMax = batchMax;
  } else {
    stats.min = std::min(stats.min, batchMin);
    stats.max = std::max(stats.max, batchMax);
    // MovingAverageMinMaxObserver.forward, in float32.
    float c = options.averagingConstant;
    stats.movingAverageMin += c * (batchMin - stats.movingAverageMin);
    stats.movingAverageMax += c * (batchMax - stats.movingAverageMax);
  }
  stats.count += scratch.size();
  if (options.histogramBins != 0)
    stats.histogram.add(scratch, batchMin, batchMax);
}

llvm::Error Observer::observe(const float *data,
                              llvm::ArrayRef<int64_t> batchShape) {
  for (int64_t d : batchShape)
    if (d < 0)
      return createStringError(inconvertibleErrorCode(),
                               "observer '%s': negative dimension in shape %s",
                               options.name.c_str(),
                               shapeString(batchShape).c_str());
  int64_t rank = batchShape.size();
  int64_t axis = options.channelAxis;
  if (axis >= 0 && axis >= rank)
    return createStringError(
        inconvertibleErrorCode(),
        "observer '%s': channel axis %lld is out of range for shape %s",
        options.name.c_str(), (long long)axis, shapeString(batchShape).c_str());
  int64_t numChannels = axis >= 0 ? batchShape[axis] : 1;
  if (!shape.empty() || batches != 0) {
    if (int64_t(shape.size()) != rank)
      return createStringError(
          inconvertibleErrorCode(),
          "observer '%s': batch of shape %s has rank %lld, earlier batches "
          "had shape %s",
          options.name.c_str(), shapeString(batchShape).c_str(),
          (long long)rank, shapeString(shape).c_str());
    if (int64_t(channels.size()) != numChannels)
      return createStringError(
          inconvertibleErrorCode(),
          "observer '%s': batch of shape %s has %lld channels along axis "
          "%lld, earlier batches had %zu",
          options.name.c_str(), shapeString(batchShape).c_str(),
          (long long)numChannels, (long long)axis, channels.size());
  }
  int64_t numElements = 1;
  for (int64_t d : batchShape) {
    if (d != 0 && numElements > INT64_MAX / d)
      return createStringError(
          inconvertibleErrorCode(), "observer '%s': shape %s overflows int64",
          options.name.c_str(), shapeString(batchShape).c_str());
    numElements *= d;
  }
  if (numElements != 0 && !data)
    return createStringError(
        inconvertibleErrorCode(), "observer '%s': null data for shape %s",
        options.name.c_str(), shapeString(batchShape).c_str());
  if (batches == 0) {
    shape.assign(batchShape.begin(), batchShape.end());
    ChannelStats fresh;
    fresh.histogram = Histogram(options.histogramBins, options.upsampleRate);
    channels.assign(numChannels, fresh);
  }
  ++batches;
  if (numElements == 0)
    return llvm::Error::success();

  if (axis < 0) {
    observeChannel(channels[0], llvm::ArrayRef(data, numElements));
    return llvm::Error::success();
  }
  // Gather each channel: outer x channel x inner in C order.
  int64_t inner = 1;
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= batchShape[i];
  int64_t outer = numElements / (numChannels * inner);
  std::vector<float> channelValues;
  channelValues.reserve(outer * inner);
  for (int64_t c = 0; c < numChannels; ++c) {
    channelValues.clear();
    for (int64_t o = 0; o < outer; ++o) {
      const float *row = data + (o * numChannels + c) * inner;
      channelValues.insert(channelValues.end(), row, row + inner);
    }
    observeChannel(channels[c], channelValues);
  }
  return llvm::Error::success();
}

llvm::Error Observer::merge(const Observer &other) {
  const ObserverOptions &a = options, &b = other.options;
  if (a.name != b.name || a.channelAxis != b.channelAxis ||
      a.histogramBins != b.histogramBins || a.upsampleRate != b.upsampleRate ||
      a.averagingConstant != b.averagingConstant)
    return createStringError(
        inconvertibleErrorCode(),
        "observer '%s': cannot merge statistics recorded with different "
        "options (channel axis %lld/%lld, bins %u/%u, upsample rate %u/%u, "
        "averaging constant %g/%g)",
        a.name.c_str(), (long long)a.channelAxis, (long long)b.channelAxis,
        a.histogramBins, b.histogramBins, a.upsampleRate, b.upsampleRate,
        double(a.averagingConstant), double(b.averagingConstant));
  if (other.batches == 0)
    return llvm::Error::success();
  if (batches == 0) {
    *this = other;
    return llvm::Error::success();
  }
  if (other.channels.size() != channels.size() ||
      other.shape.size() != shape.size())
    return createStringError(
        inconvertibleErrorCode(),
        "observer '%s': cannot merge shape %s (%zu channels) into shape %s "
        "(%zu channels)",
        a.name.c_str(), shapeString(other.shape).c_str(), other.channels.size(),
        shapeString(shape).c_str(), channels.size());
  for (size_t i = 0; i < channels.size(); ++i) {
    ChannelStats &mine = channels[i];
    const ChannelStats &theirs = other.channels[i];
    mine.nanCount += theirs.nanCount;
    mine.infCount += theirs.infCount;
    if (theirs.count == 0)
      continue;
    if (mine.count == 0) {
      uint64_t nan = mine.nanCount, inf = mine.infCount;
      mine = theirs;
      mine.nanCount = nan;
      mine.infCount = inf;
      continue;
    }
    // Moving averages depend on batch order; merged runs get the
    // sample-count weighted mean of the two averages.
    double wa = double(mine.count), wb = double(theirs.count);
    mine.movingAverageMin =
        float((wa * mine.movingAverageMin + wb * theirs.movingAverageMin) /
              (wa + wb));
    mine.movingAverageMax =
        float((wa * mine.movingAverageMax + wb * theirs.movingAverageMax) /
              (wa + wb));
    mine.min = std::min(mine.min, theirs.min);
    mine.max = std::max(mine.max, theirs.max);
    mine.count += theirs.count;
    mine.histogram.merge(theirs.histogram);
  }
  batches += other.batches;
  return llvm::Error::success();
}

llvm::Expected<int64_t>
CalibrationSession::addObserver(ObserverOptions options) {
  if (options.name.empty())
    return createStringError(inconvertibleErrorCode(),
                             "an observer needs a name");
  if (lookup(options.name))
    return createStringError(inconvertibleErrorCode(),
                             "observer '%s' already exists",
                             options.name.c_str());
  if (options.channelAxis < -1)
    return createStringError(inconvertibleErrorCode(),
                             "observer '%s': channel axis %lld is neither "
                             "-1 (per tensor) nor an axis",
                             options.name.c_str(),
                             (long long)options.channelAxis);
  if (options.upsampleRate == 0)
    return createStringError(inconvertibleErrorCode(),
                             "observer '%s': upsample rate must be positive",
                             options.name.c_str());
  if (!(options.averagingConstant > 0.0f && options.averagingConstant <= 1.0f))
    return createStringError(inconvertibleErrorCode(),
                             "observer '%s': averaging constant %g is not in "
                             "(0, 1]",
                             options.name.c_str(),
                             double(options.averagingConstant));
  observers.emplace_back(std::move(options));
  return int64_t(observers.size() - 1);
}

llvm::Error CalibrationSession::observe(int64_t id, const float *data,
                                        llvm::ArrayRef<int64_t> shape) {
  if (id < 0 || id >= int64_t(observers.size()))
    return createStringError(inconvertibleErrorCode(),
                             "no observer with id %lld (%zu observers)",
                             (long long)id, observers.size());
  return observers[id].observe(data, shape);
}

const Observer *CalibrationSession::lookup(llvm::StringRef name) const {
  for (const Observer &o : observers)
    if (o.getOptions().name == name)
      return &o;
  return nullptr;
}

llvm::Error CalibrationSession::merge(const CalibrationSession &other) {
  // Merge into a copy so that an error leaves this session unchanged.
  std::vector<Observer> merged = observers;
  for (const Observer &theirs : other.observers) {
    auto it =
        std::find_if(merged.begin(), merged.end(), [&](const Observer &o) {
          return o.getOptions().name == theirs.getOptions().name;
        });
    if (it == merged.end()) {
      merged.push_back(theirs);
      continue;
    }
    if (llvm::Error err = it->merge(theirs))
      return err;
  }
  observers = std::move(merged);
  return llvm::Error::success();
}
