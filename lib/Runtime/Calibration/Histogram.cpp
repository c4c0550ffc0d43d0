//===- Histogram.cpp - Re-binning calibration histogram ---------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The arithmetic mirrors torch/ao/quantization/observer.py (PyTorch 1.13,
// Debian's python3-torch) HistogramObserver.forward, _adjust_min_max and
// _combine_histograms, in the same float32/float64 precisions, so that the
// histograms and the ranges chosen from them agree with PyTorch's
// (docs/Calibration.md lists the deliberate differences).
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Calibration.h"

#include <algorithm>
#include <cmath>

using namespace quantc::calibration;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;

/// torch.histc on the CPU: float32 bin index (x - lo) * bins / (hi - lo),
/// the maximum goes into the last bin, samples outside [lo, hi] are dropped;
/// a point range is widened to [lo - 1, hi + 1].
static void histc(llvm::ArrayRef<float> samples, float lo, float hi,
                  std::vector<float> &counts) {
  std::fill(counts.begin(), counts.end(), 0.0f);
  if (lo == hi) {
    lo -= 1.0f;
    hi += 1.0f;
  }
  int64_t numBins = counts.size();
  float width = hi - lo;
  for (float x : samples) {
    if (!(x >= lo && x <= hi))
      continue;
    int64_t bin = int64_t((x - lo) * float(numBins) / width);
    bin = std::clamp<int64_t>(bin, 0, numBins - 1);
    counts[bin] += 1.0f;
  }
}

static void rebinInto(const Histogram &src, float dstMin, float dstMax,
                      std::vector<double> &dst);

double Histogram::total() const {
  double sum = 0.0;
  for (float c : counts)
    sum += c;
  return sum;
}

void Histogram::add(llvm::ArrayRef<float> samples, float batchMin,
                    float batchMax) {
  if (samples.empty() || counts.empty() || tooWide)
    return;
  unsigned numBins = counts.size();
  float unionMin = empty() ? batchMin : std::min(batchMin, rangeMin);
  float unionMax = empty() ? batchMax : std::max(batchMax, rangeMax);
  if (!std::isfinite(unionMax - unionMin)) {
    tooWide = true;
    rangeMin = unionMin;
    rangeMax = unionMax;
    std::fill(counts.begin(), counts.end(), 0.0f);
    return;
  }
  if (empty()) {
    rangeMin = batchMin;
    rangeMax = batchMax;
    histc(samples, rangeMin, rangeMax, counts);
    return;
  }
  std::vector<float> batchCounts(numBins);
  // Inside the current range: exact, bin by bin.
  if (batchMin >= rangeMin && batchMax <= rangeMax && rangeMin != rangeMax) {
    histc(samples, rangeMin, rangeMax, batchCounts);
    for (unsigned i = 0; i < numBins; ++i)
      counts[i] += batchCounts[i];
    return;
  }
  float combinedMin = std::min(batchMin, rangeMin);
  float combinedMax = std::max(batchMax, rangeMax);
  if (rangeMin == rangeMax) {
    // All earlier samples sit at one point; PyTorch drops them here, we put
    // them into the bin of that point.
    double earlier = total();
    float point = rangeMin;
    histc(samples, combinedMin, combinedMax, counts);
    std::vector<float> pointBin(numBins);
    histc({point}, combinedMin, combinedMax, pointBin);
    for (unsigned i = 0; i < numBins; ++i)
      counts[i] += pointBin[i] * float(earlier);
    rangeMin = combinedMin;
    rangeMax = combinedMax;
    return;
  }

  // _adjust_min_max: the new range is a whole number (downsampleRate) of
  // old-bin-width / upsampleRate steps per new bin; only the max grows.
  float fineWidth = (rangeMax - rangeMin) / float(numBins * upsampleRate);
  float newBinSpan = float(numBins) * fineWidth;
  // PyTorch's fine grid fails when the step underflows or the range grows by
  // more than ~2^40: re-bin the old histogram onto the plain union instead.
  double downsample =
      std::ceil(double((combinedMax - combinedMin) / newBinSpan));
  if (!(fineWidth > 0.0f) || !std::isfinite(downsample) || downsample < 1.0 ||
      downsample > double(int64_t(1) << 40)) {
    std::vector<double> old(numBins, 0.0);
    rebinInto(*this, combinedMin, combinedMax, old);
    histc(samples, combinedMin, combinedMax, counts);
    for (unsigned i = 0; i < numBins; ++i)
      counts[i] += float(old[i]);
    rangeMin = combinedMin;
    rangeMax = combinedMax;
    return;
  }
  int64_t downsampleRate = int64_t(downsample);
  float slack =
      float(downsampleRate) * newBinSpan - (combinedMax - combinedMin);
  combinedMax = combinedMax + slack;
  int64_t startIdx = int64_t(
      numerics::roundHalfToEven(double((rangeMin - combinedMin) / fineWidth)));

  histc(samples, combinedMin, combinedMax, batchCounts);

  // _combine_histograms without materializing the numBins * downsampleRate
  // fine grid: its cumulative sum at a fine index is a closed form of the
  // old bins' prefix sums (float64, as PyTorch's cumsum).
  std::vector<double> prefix(numBins + 1, 0.0);
  for (unsigned i = 0; i < numBins; ++i)
    prefix[i + 1] = prefix[i] + double(counts[i]);
  int64_t fineOldBins = int64_t(numBins) * upsampleRate;
  auto fineCumulative = [&](int64_t end) {
    int64_t t = std::clamp<int64_t>(end - startIdx, 0, fineOldBins);
    int64_t whole = t / upsampleRate, part = t % upsampleRate;
    double sum = prefix[whole] * double(upsampleRate);
    if (part != 0)
      sum += double(counts[whole]) * double(part);
    return sum;
  };
  for (unsigned j = 0; j < numBins; ++j) {
    double upper = fineCumulative(int64_t(j + 1) * downsampleRate);
    // PyTorch keeps the shifted cumulative sum in a float32 tensor.
    double lower =
        j == 0 ? 0.0
               : double(float(fineCumulative(int64_t(j) * downsampleRate)));
    batchCounts[j] += float((upper - lower) / double(upsampleRate));
  }
  counts = std::move(batchCounts);
  rangeMin = combinedMin;
  rangeMax = combinedMax;
}

/// Spreads `src` (over [srcMin, srcMax]) onto `dst` bins over [dstMin,
/// dstMax] assuming a uniform density inside each source bin.
static void rebinInto(const Histogram &src, float dstMin, float dstMax,
                      std::vector<double> &dst) {
  llvm::ArrayRef<float> counts = src.getCounts();
  unsigned n = dst.size();
  double dstWidth = (double(dstMax) - double(dstMin)) / n;
  auto dstBinOf = [&](double x) {
    if (dstWidth == 0.0)
      return int64_t(0);
    return std::clamp<int64_t>(int64_t((x - dstMin) / dstWidth), 0, n - 1);
  };
  if (src.min() == src.max()) {
    dst[dstBinOf(src.min())] += src.total();
    return;
  }
  double srcWidth = (double(src.max()) - double(src.min())) / counts.size();
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0.0f)
      continue;
    double begin = src.min() + srcWidth * i, end = begin + srcWidth;
    int64_t first = dstBinOf(begin), last = dstBinOf(end);
    for (int64_t j = first; j <= last; ++j) {
      double lo = std::max(begin, dstMin + dstWidth * j);
      double hi = std::min(end, dstMin + dstWidth * (j + 1));
      if (j == n - 1)
        hi = end;
      if (j == 0)
        lo = begin;
      if (hi > lo)
        dst[j] += double(counts[i]) * (hi - lo) / srcWidth;
    }
  }
}

void Histogram::merge(const Histogram &other) {
  if (tooWide)
    return;
  if (other.tooWide) {
    *this = other;
    return;
  }
  if (other.empty())
    return;
  if (empty()) {
    *this = other;
    return;
  }
  if (other.rangeMin == rangeMin && other.rangeMax == rangeMax &&
      other.numBins() == numBins()) {
    for (unsigned i = 0; i < numBins(); ++i)
      counts[i] += other.counts[i];
    return;
  }
  float newMin = std::min(rangeMin, other.rangeMin);
  float newMax = std::max(rangeMax, other.rangeMax);
  if (!std::isfinite(newMax - newMin)) {
    tooWide = true;
    rangeMin = newMin;
    rangeMax = newMax;
    std::fill(counts.begin(), counts.end(), 0.0f);
    return;
  }
  std::vector<double> merged(numBins(), 0.0);
  rebinInto(*this, newMin, newMax, merged);
  rebinInto(other, newMin, newMax, merged);
  for (unsigned i = 0; i < numBins(); ++i)
    counts[i] = float(merged[i]);
  rangeMin = newMin;
  rangeMax = newMax;
}

llvm::Expected<Histogram> Histogram::fromParts(float min, float max,
                                               std::vector<float> counts,
                                               unsigned upsampleRate,
                                               bool tooWide) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    return createStringError(inconvertibleErrorCode(),
                             "histogram range [%g, %g] is not a finite "
                             "range",
                             double(min), double(max));
  if (upsampleRate == 0)
    return createStringError(inconvertibleErrorCode(),
                             "histogram upsample rate must be positive");
  // Re-binning reproduces PyTorch's float32 cumulative-sum differences,
  // which leave empty bins at tiny negative values (-1e-4 on 1e5 samples);
  // those are kept as they are, anything more negative is an error.
  double total = 0.0;
  for (float c : counts)
    total += std::isfinite(c) && c > 0.0f ? double(c) : 0.0;
  double residue = 1e-6 * total + 1e-3;
  for (float c : counts)
    if (!std::isfinite(c) || double(c) < -residue)
      return createStringError(inconvertibleErrorCode(),
                               "histogram bin count %g is not a finite "
                               "non-negative number",
                               double(c));
  Histogram h(counts.size(), upsampleRate);
  h.counts = std::move(counts);
  h.rangeMin = min;
  h.rangeMax = max;
  h.tooWide = tooWide;
  return h;
}
