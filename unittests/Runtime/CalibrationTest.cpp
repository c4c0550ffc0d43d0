//===- CalibrationTest.cpp - Calibration runtime tests ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Calibration.h"
#include "quantc/Runtime/CalibrationCAPI.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace quantc::calibration;
using namespace quantc::numerics;

namespace {

ObserverOptions options(const char *name, int64_t axis = -1,
                        unsigned bins = 64) {
  ObserverOptions o;
  o.name = name;
  o.channelAxis = axis;
  o.histogramBins = bins;
  return o;
}

std::vector<float> uniform(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

std::string errorOf(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : std::string();
}

Range rangeOf(const Observer &o, RangeMethod method, size_t channel = 0) {
  RangeOptions ro;
  ro.method = method;
  llvm::Expected<Range> r = computeRange(o.getChannels()[channel], ro);
  EXPECT_TRUE(bool(r)) << (r ? "" : llvm::toString(r.takeError()));
  return r ? *r : Range{NAN, NAN};
}

std::string tempPath(const char *name) {
  llvm::SmallString<128> path;
  llvm::sys::path::system_temp_directory(true, path);
  llvm::sys::path::append(path, std::string("quantc-calib-") +
                                    std::to_string(::getpid()) + "-" + name);
  return std::string(path);
}

void writeText(const std::string &path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec);
  os << text;
}

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

TEST(CalibrationObserver, PerTensorMinMaxCountAndMovingAverage) {
  Observer o(options("x"));
  float a[] = {1, -2, 3, 0.5f};
  float b[] = {-4, 2, 1, 1};
  ASSERT_FALSE(o.observe(a, {2, 2}));
  ASSERT_FALSE(o.observe(b, {2, 2}));
  const ChannelStats &s = o.getChannels()[0];
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.min, -4.0f);
  EXPECT_EQ(s.max, 3.0f);
  // PyTorch: avg = avg + c * (batch - avg), first batch sets it.
  EXPECT_EQ(s.movingAverageMin, -2.0f + 0.01f * (-4.0f - -2.0f));
  EXPECT_EQ(s.movingAverageMax, 3.0f + 0.01f * (2.0f - 3.0f));
  EXPECT_EQ(o.getBatchCount(), 2u);
}

TEST(CalibrationObserver, PerChannelAlongMiddleAxis) {
  Observer o(options("w", /*axis=*/1));
  // Shape (2, 3, 2): channel c holds elements [o][c][*].
  float data[12] = {0, 1, 10, 11, 20, 21, 2, 3, 12, 13, 22, 23};
  ASSERT_FALSE(o.observe(data, {2, 3, 2}));
  ASSERT_EQ(o.getChannels().size(), 3u);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(o.getChannels()[c].min, 10.0f * c);
    EXPECT_EQ(o.getChannels()[c].max, 10.0f * c + 3);
    EXPECT_EQ(o.getChannels()[c].count, 4u);
  }
}

TEST(CalibrationObserver, NaNAndInfAreCountedAndExcluded) {
  Observer o(options("x"));
  float data[] = {NAN, 1.0f, INFINITY, -2.0f, -INFINITY, NAN};
  ASSERT_FALSE(o.observe(data, {6}));
  const ChannelStats &s = o.getChannels()[0];
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.nanCount, 2u);
  EXPECT_EQ(s.infCount, 2u);
  EXPECT_EQ(o.nanCount(), 2u);
  EXPECT_EQ(o.infCount(), 2u);
  EXPECT_EQ(s.min, -2.0f);
  EXPECT_EQ(s.max, 1.0f);
  EXPECT_DOUBLE_EQ(s.histogram.total(), 2.0);
}

TEST(CalibrationObserver, OnlyNaNGivesNoRangeButAnError) {
  Observer o(options("x"));
  float data[] = {NAN, NAN};
  ASSERT_FALSE(o.observe(data, {2}));
  RangeOptions ro;
  llvm::Expected<std::vector<Range>> r = computeRanges(o, ro);
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("no finite sample"),
            std::string::npos);
}

TEST(CalibrationObserver, EmptyBatchChangesNothing) {
  Observer o(options("x"));
  ASSERT_FALSE(o.observe(nullptr, {0, 4}));
  EXPECT_EQ(o.getChannels()[0].count, 0u);
  float data[] = {1, 2, 3, 4};
  ASSERT_FALSE(o.observe(data, {1, 4}));
  ASSERT_FALSE(o.observe(nullptr, {0, 4}));
  EXPECT_EQ(o.getChannels()[0].count, 4u);
  EXPECT_EQ(o.getChannels()[0].movingAverageMin, 1.0f);
  // No batch at all: a clear error.
  Observer none(options("y"));
  llvm::Expected<std::vector<Range>> r = computeRanges(none, RangeOptions());
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("saw no batch"),
            std::string::npos);
}

TEST(CalibrationObserver, ConstantTensorGivesAPointRangeForEveryMethod) {
  Observer o(options("c"));
  std::vector<float> data(100, 0.75f);
  ASSERT_FALSE(o.observe(data.data(), {100}));
  ASSERT_FALSE(o.observe(data.data(), {100}));
  for (RangeMethod m :
       {RangeMethod::MinMax, RangeMethod::MovingAverageMinMax,
        RangeMethod::Percentile, RangeMethod::Entropy, RangeMethod::MSE}) {
    Range r = rangeOf(o, m);
    EXPECT_EQ(r.min, 0.75f) << rangeMethodName(m).str();
    EXPECT_EQ(r.max, 0.75f) << rangeMethodName(m).str();
  }
  // And valid parameters: the range is widened to include 0.
  llvm::Expected<std::vector<QuantParams>> p =
      computeQuantParams(o, RangeOptions(), {0, 255}, false);
  ASSERT_TRUE(bool(p));
  EXPECT_FLOAT_EQ((*p)[0].scale, 0.75f / 255.0f);
  EXPECT_EQ((*p)[0].zeroPoint, 0);
}

TEST(CalibrationObserver, ConstantThenWiderKeepsEarlierSamples) {
  Observer o(options("c"));
  std::vector<float> constant(10, 1.0f);
  ASSERT_FALSE(o.observe(constant.data(), {10}));
  float wider[] = {-1.0f, 3.0f};
  ASSERT_FALSE(o.observe(wider, {2}));
  EXPECT_DOUBLE_EQ(o.getChannels()[0].histogram.total(), 12.0);
}

TEST(CalibrationObserver, ShapeMismatchIsAnErrorAndChangesNothing) {
  Observer o(options("w", 0));
  float data[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_FALSE(o.observe(data, {2, 3}));
  std::string rank = errorOf(o.observe(data, {6}));
  EXPECT_NE(rank.find("rank 1"), std::string::npos) << rank;
  std::string channels = errorOf(o.observe(data, {3, 2}));
  EXPECT_NE(channels.find("3 channels"), std::string::npos) << channels;
  EXPECT_EQ(o.getChannels()[0].count, 3u);
  EXPECT_EQ(o.getBatchCount(), 1u);
  // Per tensor, a different batch size is fine.
  Observer t(options("t"));
  ASSERT_FALSE(t.observe(data, {2, 3}));
  EXPECT_FALSE(t.observe(data, {1, 3}));
}

TEST(CalibrationObserver, BadShapesAndAxesAreErrors) {
  Observer o(options("w", 2));
  float data[4] = {};
  EXPECT_NE(errorOf(o.observe(data, {2, 2})).find("out of range"),
            std::string::npos);
  EXPECT_NE(errorOf(o.observe(data, {2, -2, 1})).find("negative"),
            std::string::npos);
  EXPECT_NE(errorOf(o.observe(nullptr, {1, 2, 2})).find("null data"),
            std::string::npos);
  CalibrationSession s;
  EXPECT_FALSE(bool(s.addObserver(options(""))));
  llvm::consumeError(s.addObserver(options("")).takeError());
  ObserverOptions badAxis = options("a", -2);
  EXPECT_NE(errorOf(s.addObserver(badAxis).takeError()).find("channel axis"),
            std::string::npos);
  ObserverOptions badAvg = options("b");
  badAvg.averagingConstant = 0.0f;
  EXPECT_NE(errorOf(s.addObserver(badAvg).takeError()).find("averaging"),
            std::string::npos);
  ASSERT_TRUE(bool(s.addObserver(options("x"))));
  EXPECT_NE(errorOf(s.addObserver(options("x")).takeError()).find("already"),
            std::string::npos);
  EXPECT_NE(errorOf(s.observe(7, data, {4})).find("no observer with id 7"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

TEST(CalibrationHistogram, ExactWhileTheRangeHolds) {
  Histogram h(4);
  float first[] = {0.0f, 4.0f};
  h.add(first, 0.0f, 4.0f);
  float second[] = {0.5f, 1.5f, 2.5f, 3.5f, 4.0f};
  h.add(second, 0.5f, 4.0f);
  std::vector<float> expected = {2, 1, 1, 3};
  EXPECT_EQ(std::vector<float>(h.getCounts().begin(), h.getCounts().end()),
            expected);
  EXPECT_EQ(h.min(), 0.0f);
  EXPECT_EQ(h.max(), 4.0f);
}

TEST(CalibrationHistogram, GrowingRangeRebinsAndConservesMass) {
  Histogram h(16, 8);
  std::vector<float> a = uniform(1000, -1.0f, 1.0f, 1);
  h.add(a, *std::min_element(a.begin(), a.end()),
        *std::max_element(a.begin(), a.end()));
  std::vector<float> b = uniform(1000, -5.0f, 3.0f, 2);
  float bmin = *std::min_element(b.begin(), b.end());
  float bmax = *std::max_element(b.begin(), b.end());
  h.add(b, bmin, bmax);
  // Only the max grows past the data (to a whole number of fine steps).
  EXPECT_EQ(h.min(), bmin);
  EXPECT_GE(h.max(), bmax);
  EXPECT_LT(h.max(), bmax + (bmax - bmin) / 16);
  EXPECT_NEAR(h.total(), 2000.0, 1e-3);
  EXPECT_EQ(h.getCounts().size(), 16u);
}

TEST(CalibrationHistogram, ExtremeRangesStayFiniteOrReportAnError) {
  // A range whose width overflows float32: no histogram, a clear error.
  Observer wide(options("wide"));
  float huge[] = {-3e38f, 3e38f};
  ASSERT_FALSE(wide.observe(huge, {2}));
  EXPECT_TRUE(wide.getChannels()[0].histogram.isTooWide());
  EXPECT_EQ(rangeOf(wide, RangeMethod::MinMax).max, 3e38f);
  RangeOptions mse;
  mse.method = RangeMethod::MSE;
  EXPECT_NE(errorOf(computeRange(wide.getChannels()[0], mse).takeError())
                .find("too wide for a float32 histogram"),
            std::string::npos);
  // It survives the statistics file.
  CalibrationSession s;
  ASSERT_TRUE(bool(s.addObserver(options("wide"))));
  ASSERT_FALSE(s.observe(0, huge, {2}));
  llvm::Expected<CalibrationSession> back =
      CalibrationSession::fromJSON(s.toJSON());
  ASSERT_TRUE(bool(back));
  EXPECT_TRUE(back->getObserver(0).getChannels()[0].histogram.isTooWide());

  // A tiny range (the fine step underflows) and then a range 1e30 times
  // wider (beyond PyTorch's fine grid): re-binned, mass conserved.
  Histogram h(64, 128);
  float tiny[] = {1e-40f, 2e-40f, 3e-40f};
  h.add(tiny, 1e-40f, 3e-40f);
  float big[] = {-1e-10f, 1e-10f};
  h.add(big, -1e-10f, 1e-10f);
  float bigger[] = {5e20f};
  h.add(bigger, 5e20f, 5e20f);
  EXPECT_NEAR(h.total(), 6.0, 1e-4);
  EXPECT_EQ(h.min(), -1e-10f);
  EXPECT_GE(h.max(), 5e20f);
  for (float c : h.getCounts())
    EXPECT_TRUE(std::isfinite(c) && c >= 0.0f);
}

TEST(CalibrationHistogram, MergeSameRangeAddsBins) {
  Histogram a(4), b(4);
  float x[] = {0, 1, 2, 3, 4};
  a.add(x, 0, 4);
  b.add(x, 0, 4);
  a.merge(b);
  EXPECT_EQ(a.getCounts()[0], 2.0f);
  EXPECT_EQ(a.getCounts()[3], 4.0f);
  Histogram c(4);
  float y[] = {8, 10};
  c.add(y, 8, 10);
  a.merge(c);
  EXPECT_EQ(a.min(), 0.0f);
  EXPECT_EQ(a.max(), 10.0f);
  EXPECT_NEAR(a.total(), 12.0, 1e-5);
  EXPECT_NEAR(a.getCounts()[3], 2.0, 1e-5);
}

TEST(CalibrationHistogram, FromPartsRejectsBadInput) {
  EXPECT_FALSE(bool(Histogram::fromParts(1, 0, {1}, 8)));
  llvm::consumeError(Histogram::fromParts(1, 0, {1}, 8).takeError());
  llvm::Expected<Histogram> neg = Histogram::fromParts(0, 1, {-1}, 8);
  EXPECT_NE(errorOf(neg.takeError()).find("non-negative"), std::string::npos);
  llvm::Expected<Histogram> nan = Histogram::fromParts(NAN, 1, {1}, 8);
  EXPECT_NE(errorOf(nan.takeError()).find("finite"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Range methods
//===----------------------------------------------------------------------===//

TEST(CalibrationRange, PercentileOfAUniformHistogram) {
  Observer o(options("u", -1, 100));
  std::vector<float> data;
  for (int i = 0; i <= 1000; ++i)
    data.push_back(i / 10.0f);
  ASSERT_FALSE(o.observe(data.data(), {int64_t(data.size())}));
  RangeOptions ro;
  ro.method = RangeMethod::Percentile;
  ro.percentile = 90.0;
  llvm::Expected<Range> r = computeRange(o.getChannels()[0], ro);
  ASSERT_TRUE(bool(r));
  EXPECT_NEAR(r->min, 10.0f, 0.2f);
  EXPECT_NEAR(r->max, 90.0f, 0.2f);
  ro.percentile = 100.0;
  r = computeRange(o.getChannels()[0], ro);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, 0.0f);
  EXPECT_EQ(r->max, 100.0f);
  ro.percentile = 40.0;
  EXPECT_NE(errorOf(computeRange(o.getChannels()[0], ro).takeError())
                .find("not in (50, 100]"),
            std::string::npos);
}

TEST(CalibrationRange, EntropyClipsOutliers) {
  Observer o(options("g", -1, 2048));
  std::mt19937 gen(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> data(20000);
  for (float &x : data)
    x = normal(gen);
  data[0] = 40.0f;
  data[1] = -40.0f;
  ASSERT_FALSE(o.observe(data.data(), {int64_t(data.size())}));
  Range r = rangeOf(o, RangeMethod::Entropy);
  EXPECT_GT(r.max, 2.0f);
  EXPECT_LT(r.max, 20.0f);
  EXPECT_EQ(r.min, -r.max);
}

TEST(CalibrationRange, MSENarrowsAHeavyTailedRange) {
  // L2 keeps single far outliers (their clipping error outweighs the finer
  // step), but cuts a long thin tail: x^3 of a normal.
  Observer o(options("g", -1, 2048));
  std::mt19937 gen(4);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> data(20000);
  for (float &x : data) {
    x = normal(gen);
    x = x * x * x;
  }
  ASSERT_FALSE(o.observe(data.data(), {int64_t(data.size())}));
  Range minmax = rangeOf(o, RangeMethod::MinMax);
  Range mse = rangeOf(o, RangeMethod::MSE);
  EXPECT_GE(mse.min, minmax.min);
  EXPECT_LE(mse.max, minmax.max + (minmax.max - minmax.min) / 2048);
  EXPECT_LT(mse.max - mse.min, minmax.max - minmax.min);
}

TEST(CalibrationRange, HistogramMethodsNeedAHistogram) {
  Observer o(options("n", -1, /*bins=*/0));
  float data[] = {1, 2};
  ASSERT_FALSE(o.observe(data, {2}));
  for (RangeMethod m :
       {RangeMethod::Percentile, RangeMethod::Entropy, RangeMethod::MSE}) {
    RangeOptions ro;
    ro.method = m;
    EXPECT_NE(errorOf(computeRange(o.getChannels()[0], ro).takeError())
                  .find("needs a histogram"),
              std::string::npos);
  }
  EXPECT_EQ(rangeOf(o, RangeMethod::MinMax).max, 2.0f);
}

TEST(CalibrationRange, MethodNamesRoundTrip) {
  for (RangeMethod m :
       {RangeMethod::MinMax, RangeMethod::MovingAverageMinMax,
        RangeMethod::Percentile, RangeMethod::Entropy, RangeMethod::MSE}) {
    llvm::Expected<RangeMethod> parsed = parseRangeMethod(rangeMethodName(m));
    ASSERT_TRUE(bool(parsed));
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_NE(errorOf(parseRangeMethod("kl").takeError()).find("unknown"),
            std::string::npos);
}

TEST(CalibrationRange, QuantParamsComeFromTheNumericsLibrary) {
  Observer o(options("w", 0));
  float data[] = {-1.0f, 2.0f, 0.5f, 3.0f};
  ASSERT_FALSE(o.observe(data, {2, 2}));
  for (ParamConvention conv :
       {ParamConvention::OnnxRuntime, ParamConvention::PyTorch}) {
    llvm::Expected<std::vector<QuantParams>> p =
        computeQuantParams(o, RangeOptions(), {-128, 127}, false, conv);
    ASSERT_TRUE(bool(p));
    ASSERT_EQ(p->size(), 2u);
    llvm::Expected<QuantParams> c0 =
        chooseQuantParams(-1.0f, 2.0f, {-128, 127}, false, conv);
    llvm::Expected<QuantParams> c1 =
        chooseQuantParams(0.5f, 3.0f, {-128, 127}, false, conv);
    EXPECT_EQ((*p)[0].scale, c0->scale);
    EXPECT_EQ((*p)[0].zeroPoint, c0->zeroPoint);
    EXPECT_EQ((*p)[1].scale, c1->scale);
    EXPECT_EQ((*p)[1].zeroPoint, c1->zeroPoint);
  }
}

//===----------------------------------------------------------------------===//
// Statistics file
//===----------------------------------------------------------------------===//

CalibrationSession sampleSession(unsigned seed, float lo, float hi) {
  CalibrationSession s;
  llvm::Expected<int64_t> t = s.addObserver(options("act"));
  llvm::Expected<int64_t> w = s.addObserver(options("weight", 1));
  EXPECT_TRUE(t && w);
  std::vector<float> a = uniform(256, lo, hi, seed);
  a[3] = NAN;
  EXPECT_FALSE(s.observe(*t, a.data(), {4, 64}));
  EXPECT_FALSE(s.observe(*w, a.data(), {64, 4}));
  return s;
}

TEST(CalibrationStatsFile, RoundTripIsBitExact) {
  CalibrationSession s = sampleSession(5, -3.0f, 7.0f);
  std::string path = tempPath("roundtrip.json");
  ASSERT_FALSE(s.writeFile(path));
  llvm::Expected<CalibrationSession> back = CalibrationSession::readFile(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(llvm::formatv("{0}", s.toJSON()).str(),
            llvm::formatv("{0}", back->toJSON()).str());
  const Observer *w = back->lookup("weight");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->getChannels().size(), 4u);
  EXPECT_EQ(w->nanCount(), 1u);
  llvm::sys::fs::remove(path);
}

TEST(CalibrationStatsFile, MergeCombinesCountsRangesAndHistograms) {
  CalibrationSession a = sampleSession(5, -3.0f, 7.0f);
  CalibrationSession b = sampleSession(6, -9.0f, 2.0f);
  CalibrationSession extra;
  ASSERT_TRUE(bool(extra.addObserver(options("other"))));
  ASSERT_FALSE(a.merge(b));
  ASSERT_FALSE(a.merge(extra));
  const ChannelStats &ma = a.lookup("act")->getChannels()[0];
  CalibrationSession onlyA = sampleSession(5, -3.0f, 7.0f);
  CalibrationSession onlyB = sampleSession(6, -9.0f, 2.0f);
  const ChannelStats &sa = onlyA.lookup("act")->getChannels()[0];
  const ChannelStats &sb = onlyB.lookup("act")->getChannels()[0];
  EXPECT_EQ(ma.count, sa.count + sb.count);
  EXPECT_EQ(ma.nanCount, 2u);
  EXPECT_EQ(ma.min, std::min(sa.min, sb.min));
  EXPECT_EQ(ma.max, std::max(sa.max, sb.max));
  EXPECT_NEAR(ma.histogram.total(), double(ma.count), 1e-2);
  EXPECT_EQ(ma.histogram.min(), ma.min);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.lookup("act")->getBatchCount(), 2u);
}

TEST(CalibrationStatsFile, MergeIntoAnAllNaNChannelKeepsItsNaNCount) {
  CalibrationSession a, b;
  ASSERT_TRUE(bool(a.addObserver(options("x"))));
  ASSERT_TRUE(bool(b.addObserver(options("x"))));
  float nan[] = {NAN, NAN};
  float finite[] = {1, 2};
  ASSERT_FALSE(a.observe(0, nan, {2}));
  ASSERT_FALSE(b.observe(0, finite, {2}));
  ASSERT_FALSE(a.merge(b));
  const ChannelStats &s = a.getObserver(0).getChannels()[0];
  EXPECT_EQ(s.nanCount, 2u);
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.max, 2.0f);
}

TEST(CalibrationStatsFile, MergeMismatchIsAnErrorAndChangesNothing) {
  CalibrationSession a = sampleSession(5, -3.0f, 7.0f);
  CalibrationSession b;
  ASSERT_TRUE(bool(b.addObserver(options("act", -1, 32))));
  float x[] = {1};
  ASSERT_FALSE(b.observe(0, x, {1}));
  std::string before = llvm::formatv("{0}", a.toJSON()).str();
  std::string err = errorOf(a.merge(b));
  EXPECT_NE(err.find("different options"), std::string::npos) << err;
  EXPECT_EQ(before, llvm::formatv("{0}", a.toJSON()).str());
  CalibrationSession c;
  ASSERT_TRUE(bool(c.addObserver(options("weight", 1))));
  float y[6] = {};
  ASSERT_FALSE(c.observe(0, y, {2, 3}));
  err = errorOf(a.merge(c));
  EXPECT_NE(err.find("cannot merge shape"), std::string::npos) << err;
  EXPECT_EQ(before, llvm::formatv("{0}", a.toJSON()).str());
}

TEST(CalibrationStatsFile, MalformedFilesAreClearErrors) {
  std::string path = tempPath("bad.json");
  auto readError = [&](llvm::StringRef text) {
    writeText(path, text);
    llvm::Expected<CalibrationSession> s = CalibrationSession::readFile(path);
    return s ? std::string() : llvm::toString(s.takeError());
  };
  EXPECT_NE(readError("{").find("is not JSON"), std::string::npos);
  EXPECT_NE(readError("[]").find("file is not an object"), std::string::npos);
  EXPECT_NE(readError(R"({"format":"x","version":1,"observers":[]})")
                .find("expected 'quantc-calibration-stats'"),
            std::string::npos);
  EXPECT_NE(readError(R"({"format":"quantc-calibration-stats","version":2,
                          "observers":[]})")
                .find("version must be"),
            std::string::npos);
  EXPECT_NE(readError(R"({"format":"quantc-calibration-stats","version":1})")
                .find("observers is missing"),
            std::string::npos);
  // Start from a valid file and break one field at a time.
  CalibrationSession good = sampleSession(5, -3.0f, 7.0f);
  llvm::json::Value v = good.toJSON();
  auto mutate = [&](auto change) {
    llvm::json::Value copy = v;
    llvm::json::Object &obs =
        *(*copy.getAsObject()->getArray("observers"))[0].getAsObject();
    change(obs);
    return readError(llvm::formatv("{0}", copy).str());
  };
  EXPECT_NE(mutate([](llvm::json::Object &o) {
              o.erase("channel_axis");
            }).find("channel_axis is missing"),
            std::string::npos);
  EXPECT_NE(
      mutate([](llvm::json::Object &o) {
        (*o.getArray("channels"))[0].getAsObject()->insert({"min", "low"});
        (*(*o.getArray("channels"))[0].getAsObject())["min"] = "low";
      }).find("channels[0].min must be a finite"),
      std::string::npos);
  EXPECT_NE(mutate([](llvm::json::Object &o) {
              llvm::json::Object &h =
                  *(*o.getArray("channels"))[0].getAsObject()->getObject(
                      "histogram");
              h.getArray("bins")->pop_back();
            }).find("has 63 bins, histogram_bins says 64"),
            std::string::npos);
  EXPECT_NE(mutate([](llvm::json::Object &o) {
              o.getArray("channels")->push_back(llvm::json::Object{});
            }).find("has 2 channels"),
            std::string::npos);
  EXPECT_NE(mutate([](llvm::json::Object &o) {
              (*(*o.getArray("channels"))[0].getAsObject())["min"] = 100.0;
            }).find("min is greater than max"),
            std::string::npos);
  {
    llvm::json::Value copy = v;
    llvm::json::Array &arr = *copy.getAsObject()->getArray("observers");
    arr.push_back(arr[0]);
    EXPECT_NE(readError(llvm::formatv("{0}", copy).str()).find("appears twice"),
              std::string::npos);
  }
  llvm::sys::fs::remove(path);
  llvm::Expected<CalibrationSession> missing =
      CalibrationSession::readFile(path + ".missing");
  EXPECT_NE(errorOf(missing.takeError()).find("cannot read"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// C ABI
//===----------------------------------------------------------------------===//

TEST(CalibrationCAPI, ObserveParamsAndErrors) {
  QuantcCalibrationSession *s = quantc_calibration_create();
  int64_t id = quantc_calibration_add_observer(s, "x", -1, 64, 128, 0.01f);
  ASSERT_EQ(id, 0);
  EXPECT_EQ(quantc_calibration_add_observer(s, "x", -1, 64, 128, 0.01f), -1);
  EXPECT_NE(std::string(quantc_calibration_last_error(s)).find("already"),
            std::string::npos);
  float data[] = {-1.0f, 0.0f, NAN, 3.0f};
  int64_t shape[] = {4};
  ASSERT_EQ(quantc_observe_f32(s, id, data, shape, 1), 0);
  int64_t wrongShape[] = {2, 2};
  EXPECT_NE(quantc_observe_f32(s, id, data, wrongShape, 2), 0);
  EXPECT_NE(std::string(quantc_calibration_last_error(s)).find("rank 2"),
            std::string::npos);
  EXPECT_NE(quantc_observe_f32(s, 9, data, shape, 1), 0);
  int64_t finite, nan, inf;
  ASSERT_EQ(quantc_calibration_sample_counts(s, id, &finite, &nan, &inf), 0);
  EXPECT_EQ(finite, 3);
  EXPECT_EQ(nan, 1);
  EXPECT_EQ(inf, 0);
  float scale;
  int64_t zp, channels;
  ASSERT_EQ(quantc_calibration_quant_params(s, id, "minmax", 0, 8, 0, 0, 0, 1,
                                            &scale, &zp, 1, &channels),
            0);
  llvm::Expected<QuantParams> ref =
      chooseQuantParams(-1.0f, 3.0f, {0, 255}, false, ParamConvention::PyTorch);
  EXPECT_EQ(scale, ref->scale);
  EXPECT_EQ(zp, ref->zeroPoint);
  EXPECT_NE(quantc_calibration_quant_params(s, id, "bogus", 0, 8, 0, 0, 0, 1,
                                            &scale, &zp, 1, &channels),
            0);
  EXPECT_NE(quantc_calibration_quant_params(s, id, "minmax", 0, 1, 0, 0, 0, 1,
                                            &scale, &zp, 1, &channels),
            0);
  float lo, hi;
  ASSERT_EQ(
      quantc_calibration_range(s, id, "minmax", 0, 256, &lo, &hi, 1, &channels),
      0);
  EXPECT_EQ(lo, -1.0f);
  EXPECT_EQ(hi, 3.0f);
  EXPECT_NE(quantc_calibration_range(s, id, "percentile", 10.0, 256, &lo, &hi,
                                     1, &channels),
            0);
  EXPECT_NE(std::string(quantc_calibration_last_error(s)).find("(50, 100]"),
            std::string::npos);
  EXPECT_NE(
      quantc_calibration_range(s, id, "mse", 0, 1, &lo, &hi, 1, &channels), 0);
  EXPECT_NE(
      quantc_calibration_range(s, id, "minmax", 0, 256, &lo, &hi, 0, &channels),
      0);
  std::string path = tempPath("capi.json");
  EXPECT_EQ(quantc_calibration_write_json(s, path.c_str()), 0);
  EXPECT_EQ(quantc_calibration_merge_json(s, path.c_str()), 0);
  ASSERT_EQ(quantc_calibration_sample_counts(s, id, &finite, &nan, &inf), 0);
  EXPECT_EQ(finite, 6);
  EXPECT_NE(quantc_calibration_merge_json(s, (path + ".no").c_str()), 0);
  llvm::sys::fs::remove(path);
  EXPECT_NE(quantc_observe_f32(nullptr, 0, data, shape, 1), 0);
  quantc_calibration_destroy(s);
}

TEST(CalibrationCAPI, StridedMemRefs) {
  QuantcCalibrationSession *s = quantc_calibration_create();
  int64_t perChannel =
      quantc_calibration_add_observer(s, "w", 1, 16, 128, 0.01f);
  ASSERT_GE(perChannel, 0);
  // A 2x3 view of a 3x2 row-major buffer, transposed: strides (1, 2).
  float buffer[] = {0, 10, 1, 11, 2, 12};
  struct {
    float *allocated, *aligned;
    int64_t offset, sizes[2], strides[2];
  } transposed = {buffer, buffer, 0, {2, 3}, {1, 2}};
  ASSERT_EQ(quantc_observe_memref_f32(s, perChannel, 2, &transposed), 0)
      << quantc_calibration_last_error(s);
  // The view is [[0, 1, 2], [10, 11, 12]]: channel c holds {c, 10 + c}.
  float mins[3], maxs[3];
  int64_t n;
  ASSERT_EQ(quantc_calibration_range(s, perChannel, "minmax", 0, 256, mins,
                                     maxs, 3, &n),
            0);
  ASSERT_EQ(n, 3);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(mins[c], float(c));
    EXPECT_EQ(maxs[c], float(10 + c));
  }
  // A contiguous memref with an offset.
  int64_t perTensor =
      quantc_calibration_add_observer(s, "t", -1, 16, 128, 0.01f);
  struct {
    float *allocated, *aligned;
    int64_t offset, sizes[1], strides[1];
  } tail = {buffer, buffer, 4, {2}, {1}};
  ASSERT_EQ(quantc_observe_memref_f32(s, perTensor, 1, &tail), 0);
  ASSERT_EQ(quantc_calibration_range(s, perTensor, "minmax", 0, 256, mins, maxs,
                                     1, &n),
            0);
  EXPECT_EQ(mins[0], 2.0f);
  EXPECT_EQ(maxs[0], 12.0f);
  // Bad descriptors are errors.
  EXPECT_NE(quantc_observe_memref_f32(s, perTensor, 1, nullptr), 0);
  EXPECT_NE(quantc_observe_memref_f32(s, perTensor, -1, &tail), 0);
  tail.sizes[0] = -3;
  EXPECT_NE(quantc_observe_memref_f32(s, perTensor, 1, &tail), 0);
  EXPECT_NE(std::string(quantc_calibration_last_error(s)).find("negative"),
            std::string::npos);
  quantc_calibration_destroy(s);
}

} // namespace
