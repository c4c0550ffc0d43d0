//===- StatsFile.cpp - Calibration statistics as JSON -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The statistics file (schema in docs/Calibration.md), read and written with
// llvm/Support/JSON.h: it is in libLLVM, which lib/Runtime already links for
// Error/Expected, and it prints doubles with 17 significant digits, so every
// float32 statistic survives a write/read round trip bit for bit.
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Calibration.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace quantc::calibration;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;
namespace json = llvm::json;

static constexpr llvm::StringLiteral kFormat = "quantc-calibration-stats";
static constexpr int64_t kVersion = 1;

json::Value Observer::toJSON() const {
  json::Array channelArray;
  for (const ChannelStats &c : channels) {
    json::Object obj{{"count", int64_t(c.count)},
                     {"nan_count", int64_t(c.nanCount)},
                     {"inf_count", int64_t(c.infCount)}};
    if (c.count > 0) {
      obj["min"] = double(c.min);
      obj["max"] = double(c.max);
      obj["moving_average_min"] = double(c.movingAverageMin);
      obj["moving_average_max"] = double(c.movingAverageMax);
      if (options.histogramBins != 0) {
        json::Array bins;
        for (float v : c.histogram.getCounts())
          bins.push_back(double(v));
        json::Object hist{{"min", double(c.histogram.min())},
                          {"max", double(c.histogram.max())},
                          {"bins", std::move(bins)}};
        if (c.histogram.isTooWide())
          hist["too_wide"] = true;
        obj["histogram"] = std::move(hist);
      }
    }
    channelArray.push_back(std::move(obj));
  }
  json::Array shapeArray;
  for (int64_t d : shape)
    shapeArray.push_back(d);
  return json::Object{{"name", options.name},
                      {"channel_axis", options.channelAxis},
                      {"histogram_bins", int64_t(options.histogramBins)},
                      {"upsample_rate", int64_t(options.upsampleRate)},
                      {"averaging_constant", double(options.averagingConstant)},
                      {"batches", int64_t(batches)},
                      {"shape", std::move(shapeArray)},
                      {"channels", std::move(channelArray)}};
}

/// Reads fields of one JSON object, remembering the first problem with a
/// path to it ("observers[2].channels[0].min").
namespace {
class FieldReader {
public:
  FieldReader(const json::Value &value, std::string path, std::string &error)
      : obj(value.getAsObject()), path(std::move(path)), error(error) {
    if (!obj)
      fail("", "is not an object");
  }
  bool ok() const { return error.empty(); }

  std::optional<int64_t> integer(llvm::StringRef key, int64_t lo, int64_t hi) {
    const json::Value *v = get(key);
    if (!v)
      return std::nullopt;
    std::optional<int64_t> i = v->getAsInteger();
    if (!i || *i < lo || *i > hi) {
      fail(key, "must be an integer in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
      return std::nullopt;
    }
    return i;
  }
  std::optional<float> finiteFloat(llvm::StringRef key) {
    const json::Value *v = get(key);
    if (!v)
      return std::nullopt;
    std::optional<double> d = v->getAsNumber();
    if (!d || !std::isfinite(float(*d))) {
      fail(key, "must be a finite float32 number");
      return std::nullopt;
    }
    return float(*d);
  }
  const json::Array *array(llvm::StringRef key) {
    const json::Value *v = get(key);
    if (!v)
      return nullptr;
    const json::Array *a = v->getAsArray();
    if (!a)
      fail(key, "must be an array");
    return a;
  }
  std::optional<llvm::StringRef> string(llvm::StringRef key) {
    const json::Value *v = get(key);
    if (!v)
      return std::nullopt;
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s)
      fail(key, "must be a string");
    return s;
  }
  const json::Value *get(llvm::StringRef key) {
    if (!ok() || !obj)
      return nullptr;
    const json::Value *v = obj->get(key);
    if (!v)
      fail(key, "is missing");
    return v;
  }
  bool has(llvm::StringRef key) const { return obj && obj->get(key); }
  void fail(llvm::StringRef key, const std::string &what) {
    if (!ok())
      return;
    error = path + (key.empty() ? "" : "." + key.str()) + " " + what;
  }
  const std::string &getPath() const { return path; }

private:
  const json::Object *obj;
  std::string path;
  std::string &error;
};
} // namespace

static llvm::Error statsError(const std::string &message) {
  return createStringError(inconvertibleErrorCode(), "malformed statistics: %s",
                           message.c_str());
}

llvm::Expected<Observer> Observer::fromJSON(const json::Value &value) {
  std::string error;
  FieldReader r(value, "observer", error);
  ObserverOptions opts;
  if (std::optional<llvm::StringRef> name = r.string("name"))
    opts.name = name->str();
  FieldReader named(value, "observer '" + opts.name + "'", error);
  opts.channelAxis = named.integer("channel_axis", -1, INT32_MAX).value_or(-1);
  opts.histogramBins = named.integer("histogram_bins", 0, 1 << 24).value_or(0);
  opts.upsampleRate = named.integer("upsample_rate", 1, 1 << 16).value_or(1);
  opts.averagingConstant =
      named.finiteFloat("averaging_constant").value_or(0.01f);
  Observer obs(opts);
  obs.batches = named.integer("batches", 0, INT64_MAX).value_or(0);
  if (const json::Array *shape = named.array("shape"))
    for (const json::Value &d : *shape) {
      std::optional<int64_t> i = d.getAsInteger();
      if (!i || *i < 0) {
        named.fail("shape", "must hold non-negative integers");
        break;
      }
      obs.shape.push_back(*i);
    }
  const json::Array *channels = named.array("channels");
  if (!error.empty())
    return statsError(error);
  if (opts.channelAxis >= int64_t(obs.shape.size()) && obs.batches != 0)
    return statsError(named.getPath() + " channel_axis is out of range for "
                                        "its shape");
  size_t expected = opts.channelAxis >= 0 && obs.batches != 0
                        ? size_t(obs.shape[opts.channelAxis])
                        : (obs.batches != 0 ? 1 : 0);
  if (channels->size() != expected)
    return statsError(
        named.getPath() + " has " + std::to_string(channels->size()) +
        " channels, its shape and axis say " + std::to_string(expected));
  for (size_t i = 0; i < channels->size(); ++i) {
    FieldReader c((*channels)[i],
                  named.getPath() + ".channels[" + std::to_string(i) + "]",
                  error);
    ChannelStats stats;
    stats.histogram = Histogram(opts.histogramBins, opts.upsampleRate);
    stats.count = c.integer("count", 0, INT64_MAX).value_or(0);
    stats.nanCount = c.integer("nan_count", 0, INT64_MAX).value_or(0);
    stats.infCount = c.integer("inf_count", 0, INT64_MAX).value_or(0);
    if (stats.count > 0) {
      stats.min = c.finiteFloat("min").value_or(0.0f);
      stats.max = c.finiteFloat("max").value_or(0.0f);
      stats.movingAverageMin = c.finiteFloat("moving_average_min").value_or(0);
      stats.movingAverageMax = c.finiteFloat("moving_average_max").value_or(0);
      if (c.ok() && stats.min > stats.max)
        c.fail("min", "is greater than max");
      const json::Value *histogram =
          opts.histogramBins != 0 ? c.get("histogram") : nullptr;
      if (histogram && c.ok()) {
        FieldReader h(*histogram, c.getPath() + ".histogram", error);
        float hmin = h.finiteFloat("min").value_or(0.0f);
        float hmax = h.finiteFloat("max").value_or(0.0f);
        bool tooWide = false;
        if (h.has("too_wide")) {
          std::optional<bool> b = h.get("too_wide")->getAsBoolean();
          if (!b)
            h.fail("too_wide", "must be a boolean");
          tooWide = b.value_or(false);
        }
        std::vector<float> bins;
        if (const json::Array *arr = h.array("bins")) {
          for (const json::Value &v : *arr) {
            std::optional<double> d = v.getAsNumber();
            if (!d) {
              h.fail("bins", "must hold numbers");
              break;
            }
            bins.push_back(float(*d));
          }
          if (h.ok() && bins.size() != opts.histogramBins)
            h.fail("bins", "has " + std::to_string(bins.size()) +
                               " bins, histogram_bins says " +
                               std::to_string(opts.histogramBins));
        }
        if (!error.empty())
          return statsError(error);
        llvm::Expected<Histogram> hist = Histogram::fromParts(
            hmin, hmax, std::move(bins), opts.upsampleRate, tooWide);
        if (!hist)
          return statsError(h.getPath() + ": " + toString(hist.takeError()));
        stats.histogram = std::move(*hist);
      }
    }
    if (!error.empty())
      return statsError(error);
    obs.channels.push_back(std::move(stats));
  }
  return obs;
}

json::Value CalibrationSession::toJSON() const {
  json::Array arr;
  for (const Observer &o : observers)
    arr.push_back(o.toJSON());
  return json::Object{{"format", kFormat},
                      {"version", kVersion},
                      {"observers", std::move(arr)}};
}

llvm::Expected<CalibrationSession>
CalibrationSession::fromJSON(const json::Value &value) {
  std::string error;
  FieldReader r(value, "file", error);
  std::optional<llvm::StringRef> format = r.string("format");
  if (format && *format != kFormat)
    r.fail("format",
           "is '" + format->str() + "', expected '" + kFormat.str() + "'");
  r.integer("version", kVersion, kVersion);
  const json::Array *arr = r.array("observers");
  if (!error.empty())
    return statsError(error);
  CalibrationSession session;
  for (const json::Value &v : *arr) {
    llvm::Expected<Observer> obs = Observer::fromJSON(v);
    if (!obs)
      return obs.takeError();
    if (session.lookup(obs->getOptions().name))
      return statsError("observer '" + obs->getOptions().name +
                        "' appears twice");
    session.observers.push_back(std::move(*obs));
  }
  return session;
}

llvm::Error CalibrationSession::writeFile(llvm::StringRef path) const {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return createStringError(ec, "cannot write '%s': %s", path.str().c_str(),
                             ec.message().c_str());
  os << llvm::formatv("{0:2}", toJSON()) << "\n";
  os.close();
  if (os.has_error())
    return createStringError(os.error(), "cannot write '%s': %s",
                             path.str().c_str(), os.error().message().c_str());
  return llvm::Error::success();
}

llvm::Expected<CalibrationSession>
CalibrationSession::readFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return createStringError(buf.getError(), "cannot read '%s': %s",
                             path.str().c_str(),
                             buf.getError().message().c_str());
  llvm::Expected<json::Value> value = json::parse((*buf)->getBuffer());
  if (!value)
    return createStringError(inconvertibleErrorCode(), "'%s' is not JSON: %s",
                             path.str().c_str(),
                             toString(value.takeError()).c_str());
  llvm::Expected<CalibrationSession> session = fromJSON(*value);
  if (!session)
    return createStringError(inconvertibleErrorCode(), "'%s': %s",
                             path.str().c_str(),
                             toString(session.takeError()).c_str());
  return session;
}
