//===- RangeMethods.cpp - Ranges from calibration statistics ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Formulas in docs/Calibration.md. The MSE search reproduces PyTorch 1.13's
// HistogramObserver._non_linear_param_search and _compute_quantization_error
// operation by operation in the precisions PyTorch uses (float32 tensors,
// float64 Python scalars), so that it picks the same bins.
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace quantc::calibration;
using namespace quantc::numerics;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;

llvm::Expected<RangeMethod>
quantc::calibration::parseRangeMethod(llvm::StringRef name) {
  for (RangeMethod m :
       {RangeMethod::MinMax, RangeMethod::MovingAverageMinMax,
        RangeMethod::Percentile, RangeMethod::Entropy, RangeMethod::MSE})
    if (name == rangeMethodName(m))
      return m;
  return createStringError(inconvertibleErrorCode(),
                           "unknown range method '%s' (minmax, "
                           "moving-average, percentile, entropy, mse)",
                           name.str().c_str());
}

llvm::StringRef quantc::calibration::rangeMethodName(RangeMethod method) {
  switch (method) {
  case RangeMethod::MinMax:
    return "minmax";
  case RangeMethod::MovingAverageMinMax:
    return "moving-average";
  case RangeMethod::Percentile:
    return "percentile";
  case RangeMethod::Entropy:
    return "entropy";
  case RangeMethod::MSE:
    return "mse";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

/// The value below which a fraction `q` of the histogram lies, with the
/// samples of a bin spread uniformly over it.
static double quantile(const Histogram &h, double q) {
  llvm::ArrayRef<float> counts = h.getCounts();
  double target = q * h.total();
  double width = (double(h.max()) - double(h.min())) / counts.size();
  double below = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    double c = counts[i];
    if (c > 0.0 && below + c >= target)
      return h.min() + width * (i + std::clamp((target - below) / c, 0.0, 1.0));
    below += c;
  }
  return h.max();
}

static Range percentileRange(const ChannelStats &s, double percentile) {
  const Histogram &h = s.histogram;
  double upper = percentile / 100.0;
  float lo = float(quantile(h, 1.0 - upper));
  float hi = float(quantile(h, upper));
  // The histogram's range can extend past the data (re-binning slack).
  return {std::clamp(lo, s.min, s.max), std::clamp(hi, s.min, s.max)};
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

/// Adds `mass` spread uniformly over [begin, end) to `grid` (bins of `width`
/// from 0).
static void spread(double begin, double end, double mass, double width,
                   std::vector<double> &grid) {
  int64_t n = grid.size();
  if (end <= begin) {
    grid[std::clamp<int64_t>(int64_t(begin / width), 0, n - 1)] += mass;
    return;
  }
  int64_t first = std::clamp<int64_t>(int64_t(begin / width), 0, n - 1);
  int64_t last = std::clamp<int64_t>(int64_t(end / width), 0, n - 1);
  for (int64_t j = first; j <= last; ++j) {
    double lo = j == first ? begin : j * width;
    double hi = j == last ? end : (j + 1) * width;
    if (hi > lo)
      grid[j] += mass * (hi - lo) / (end - begin);
  }
}

/// MXNet's _smooth_distribution: moves eps of mass onto empty bins so that
/// KL(P || Q) is finite.
static void smooth(std::vector<double> &p) {
  constexpr double eps = 1e-4;
  size_t zeros = std::count(p.begin(), p.end(), 0.0);
  size_t nonzeros = p.size() - zeros;
  if (nonzeros == 0)
    return;
  double eps1 = eps * double(zeros) / double(nonzeros);
  for (double &v : p)
    v = v == 0.0 ? eps : v - eps1;
}

static double klDivergence(std::vector<double> p, std::vector<double> q) {
  smooth(p);
  smooth(q);
  double sp = 0, sq = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    sp += p[i];
    sq += q[i];
  }
  double kl = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    double pi = p[i] / sp, qi = q[i] / sq;
    if (pi > 0.0 && qi > 0.0)
      kl += pi * std::log(pi / qi);
  }
  return kl;
}

static Range entropyRange(const ChannelStats &s, unsigned levels) {
  const Histogram &h = s.histogram;
  llvm::ArrayRef<float> counts = h.getCounts();
  size_t n = counts.size();
  double absMax =
      std::max(std::fabs(double(h.min())), std::fabs(double(h.max())));
  unsigned quantBins = std::max(1u, levels / 2);
  if (absMax == 0.0 || n < quantBins)
    return {s.min, s.max};
  // |x| histogram over [0, absMax] with as many bins as the source.
  double absWidth = absMax / n;
  std::vector<double> absHist(n, 0.0);
  double width = (double(h.max()) - double(h.min())) / n;
  for (size_t i = 0; i < n; ++i) {
    if (counts[i] == 0.0f)
      continue;
    double begin = h.min() + width * i, end = begin + width;
    if (begin >= 0.0) {
      spread(begin, end, counts[i], absWidth, absHist);
    } else if (end <= 0.0) {
      spread(-end, -begin, counts[i], absWidth, absHist);
    } else {
      double negative = counts[i] * (-begin) / (end - begin);
      spread(0.0, -begin, negative, absWidth, absHist);
      spread(0.0, end, counts[i] - negative, absWidth, absHist);
    }
  }
  double bestKL = std::numeric_limits<double>::infinity();
  size_t bestBins = n;
  for (size_t i = quantBins; i <= n; ++i) {
    std::vector<double> sliced(absHist.begin(), absHist.begin() + i);
    std::vector<double> p = sliced;
    for (size_t k = i; k < n; ++k)
      p[i - 1] += absHist[k];
    // Merge the slice into quantBins groups, then expand each group's mass
    // uniformly over its non-empty bins.
    size_t group = i / quantBins;
    std::vector<double> q(i, 0.0);
    for (size_t j = 0; j < quantBins; ++j) {
      size_t begin = j * group, end = j + 1 == quantBins ? i : begin + group;
      double mass = 0.0;
      size_t nonzero = 0;
      for (size_t k = begin; k < end; ++k) {
        mass += sliced[k];
        nonzero += p[k] != 0.0;
      }
      if (nonzero == 0)
        continue;
      for (size_t k = begin; k < end; ++k)
        if (p[k] != 0.0)
          q[k] = mass / double(nonzero);
    }
    double kl = klDivergence(std::move(p), std::move(q));
    if (kl < bestKL) {
      bestKL = kl;
      bestBins = i;
    }
  }
  float threshold = float(absWidth * double(bestBins));
  return {std::clamp(-threshold, s.min, std::max(s.min, 0.0f)),
          std::clamp(threshold, std::min(s.max, 0.0f), s.max)};
}

//===----------------------------------------------------------------------===//
// MSE: HistogramObserver._non_linear_param_search
//===----------------------------------------------------------------------===//

/// torch.div(a, b, rounding_mode='floor') on float32.
static float floorDivide(float a, float b) {
  float mod = std::fmod(a, b);
  float div = (a - mod) / b;
  if (mod != 0.0f && ((b < 0.0f) != (mod < 0.0f)))
    div -= 1.0f;
  if (div == 0.0f)
    return std::copysign(0.0f, a / b);
  float floorDiv = std::floor(div);
  if (div - floorDiv > 0.5f)
    floorDiv += 1.0f;
  return floorDiv;
}

/// (end^3 - begin^3) / 3 * density, float32 (_get_norm).
static float l2Norm(float begin, float end, float density) {
  return density * ((end * end * end - begin * begin * begin) / 3.0f);
}

/// _compute_quantization_error(startBin, endBin) for `dstBins` levels.
static double quantizationError(const Histogram &h, int64_t startBin,
                                int64_t endBin, unsigned dstBins) {
  llvm::ArrayRef<float> counts = h.getCounts();
  int64_t n = counts.size();
  double binWidth = (double(h.max()) - double(h.min())) / double(n);
  double dstWidth = binWidth * double(endBin - startBin + 1) / double(dstBins);
  if (dstWidth == 0.0)
    return 0.0;
  float binWidthF = float(binWidth), dstWidthF = float(dstWidth);
  float halfDst = float(dstWidth / 2.0), negHalfDst = float(-dstWidth / 2.0);
  float lastDst = float(dstBins - 1);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    float srcBegin = float(i - startBin) * binWidthF;
    float srcEnd = srcBegin + binWidthF;
    float dstOfBegin =
        std::clamp(floorDivide(srcBegin, dstWidthF), 0.0f, lastDst);
    float dstOfEnd = std::clamp(floorDivide(srcEnd, dstWidthF), 0.0f, lastDst);
    float dstOfBeginCenter = (dstOfBegin + 0.5f) * dstWidthF;
    float density = counts[i] / binWidthF;
    float norm = 0.0f;
    norm += l2Norm(srcBegin - dstOfBeginCenter, halfDst, density);
    // PyTorch multiplies the density by the full-bin norm of a 0-d tensor.
    norm +=
        (dstOfEnd - dstOfBegin - 1.0f) *
        (density *
         ((halfDst * halfDst * halfDst - negHalfDst * negHalfDst * negHalfDst) /
          3.0f));
    float dstOfEndCenter = dstOfEnd * dstWidthF + halfDst;
    norm += l2Norm(negHalfDst, srcEnd - dstOfEndCenter, density);
    sum += norm;
  }
  return double(float(sum));
}

static Range mseRange(const ChannelStats &s, unsigned levels) {
  const Histogram &h = s.histogram;
  llvm::ArrayRef<float> counts = h.getCounts();
  int64_t n = counts.size();
  float binWidth = (h.max() - h.min()) / float(n);
  std::vector<float> cumulative(n);
  double running = 0.0, total = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    running += counts[i];
    cumulative[i] = float(running);
  }
  total = double(float(running));
  const double step = 1e-5;
  double alpha = 0.0, beta = 1.0;
  int64_t startBin = 0, endBin = n - 1;
  double normMin = std::numeric_limits<double>::infinity();
  while (alpha < beta) {
    double nextAlpha = alpha + step, nextBeta = beta - step;
    // Tensor-vs-Python-float comparisons run in float32.
    float lowerMass = float(nextAlpha * total);
    float upperMass = float(nextBeta * total);
    int64_t l = startBin, r = endBin;
    while (l < endBin && cumulative[l] < lowerMass)
      ++l;
    while (r > startBin && cumulative[r] > upperMass)
      --r;
    int64_t nextStart = startBin, nextEnd = endBin;
    if ((l - startBin) > (endBin - r)) {
      nextStart = l;
      alpha = nextAlpha;
    } else {
      nextEnd = r;
      beta = nextBeta;
    }
    if (nextStart == startBin && nextEnd == endBin)
      continue;
    double norm = quantizationError(h, nextStart, nextEnd, levels);
    if (norm > normMin)
      break;
    normMin = norm;
    startBin = nextStart;
    endBin = nextEnd;
  }
  return {h.min() + binWidth * float(startBin),
          h.min() + binWidth * float(endBin + 1)};
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

llvm::Expected<Range>
quantc::calibration::computeRange(const ChannelStats &stats,
                                  const RangeOptions &options) {
  if (stats.count == 0)
    return createStringError(inconvertibleErrorCode(),
                             "no finite sample was observed (%llu NaN, %llu "
                             "Inf)",
                             (unsigned long long)stats.nanCount,
                             (unsigned long long)stats.infCount);
  switch (options.method) {
  case RangeMethod::MinMax:
    return Range{stats.min, stats.max};
  case RangeMethod::MovingAverageMinMax:
    return Range{stats.movingAverageMin, stats.movingAverageMax};
  default:
    break;
  }
  if (stats.histogram.isTooWide())
    return createStringError(inconvertibleErrorCode(),
                             "range method '%s': the samples span [%g, %g], "
                             "too wide for a float32 histogram",
                             rangeMethodName(options.method).str().c_str(),
                             double(stats.min), double(stats.max));
  if (stats.histogram.numBins() == 0 || stats.histogram.empty())
    return createStringError(inconvertibleErrorCode(),
                             "range method '%s' needs a histogram and the "
                             "observer keeps none",
                             rangeMethodName(options.method).str().c_str());
  // A constant tensor: every method gives the point.
  if (stats.min == stats.max || stats.histogram.min() == stats.histogram.max())
    return Range{stats.min, stats.max};
  switch (options.method) {
  case RangeMethod::Percentile:
    if (!(options.percentile > 50.0 && options.percentile <= 100.0))
      return createStringError(inconvertibleErrorCode(),
                               "percentile %g is not in (50, 100]",
                               options.percentile);
    return percentileRange(stats, options.percentile);
  case RangeMethod::Entropy:
  case RangeMethod::MSE:
    if (options.levels < 2)
      return createStringError(inconvertibleErrorCode(),
                               "range method '%s' needs at least 2 levels",
                               rangeMethodName(options.method).str().c_str());
    return options.method == RangeMethod::Entropy
               ? entropyRange(stats, options.levels)
               : mseRange(stats, options.levels);
  default:
    llvm_unreachable("handled above");
  }
}

llvm::Expected<std::vector<Range>>
quantc::calibration::computeRanges(const Observer &observer,
                                   const RangeOptions &options) {
  if (observer.getChannels().empty())
    return createStringError(inconvertibleErrorCode(),
                             "observer '%s' saw no batch",
                             observer.getOptions().name.c_str());
  std::vector<Range> ranges;
  for (size_t i = 0; i < observer.getChannels().size(); ++i) {
    llvm::Expected<Range> r = computeRange(observer.getChannels()[i], options);
    if (!r)
      return createStringError(inconvertibleErrorCode(),
                               "observer '%s' channel %zu: %s",
                               observer.getOptions().name.c_str(), i,
                               toString(r.takeError()).c_str());
    ranges.push_back(*r);
  }
  return ranges;
}

llvm::Expected<std::vector<QuantParams>>
quantc::calibration::computeQuantParams(const Observer &observer,
                                        const RangeOptions &options,
                                        StorageRange storage, bool symmetric,
                                        ParamConvention convention) {
  llvm::Expected<std::vector<Range>> ranges = computeRanges(observer, options);
  if (!ranges)
    return ranges.takeError();
  std::vector<QuantParams> params;
  for (const Range &r : *ranges) {
    llvm::Expected<QuantParams> p =
        chooseQuantParams(r.min, r.max, storage, symmetric, convention);
    if (!p)
      return p.takeError();
    params.push_back(*p);
  }
  return params;
}
