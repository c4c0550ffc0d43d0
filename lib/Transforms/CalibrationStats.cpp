//===- CalibrationStats.cpp - Calibration statistics into the IR -*- C++ -*-=//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/CalibrationStats.h"

using namespace mlir;
using namespace quantc;

/// The runtime id quant-run gives an observer (QNNToLinalg.h's
/// kObserverIdAttrName; spelled here so that Transforms need not depend on
/// the lowering).
static constexpr llvm::StringLiteral kObserverId = "quantc.observer_id";

qnn::StatsAttr quantc::statsAttrOf(MLIRContext *ctx,
                                   const calibration::ChannelStats &c) {
  auto f64 = [&](double value) {
    return FloatAttr::get(Float64Type::get(ctx), value);
  };
  FloatAttr histMin, histMax;
  DenseF64ArrayAttr bins;
  const calibration::Histogram &histogram = c.histogram;
  if (histogram.numBins() > 0 && !histogram.isTooWide() && !histogram.empty()) {
    SmallVector<double> counts(histogram.getCounts().begin(),
                               histogram.getCounts().end());
    bins = DenseF64ArrayAttr::get(ctx, counts);
    histMin = f64(histogram.min());
    histMax = f64(histogram.max());
  }
  return qnn::StatsAttr::get(ctx, int64_t(c.count), f64(c.min), f64(c.max),
                             f64(c.movingAverageMin), f64(c.movingAverageMax),
                             histMin, histMax, bins);
}

llvm::Error
quantc::annotateObservers(ModuleOp module,
                          const calibration::CalibrationSession &session,
                          StringRef tool, llvm::raw_ostream &warnings) {
  llvm::Error error = llvm::Error::success();
  module.walk([&](qnn::ObserveOp op) {
    if (error)
      return WalkResult::interrupt();
    op->removeAttr(kObserverId);
    const calibration::Observer *observer = session.lookup(op.getName());
    std::string name = "observer '" + op.getName().str() + "'";
    if (!observer) {
      error = llvm::createStringError("no statistics for " + name);
      return WalkResult::interrupt();
    }
    if (uint64_t nan = observer->nanCount(), inf = observer->infCount();
        nan || inf)
      warnings << tool << ": warning: " << name << " saw " << nan
               << " NaN and " << inf
               << " Inf values, excluded from its statistics\n";
    for (const calibration::ChannelStats &c : observer->getChannels())
      if (c.count == 0) {
        error = llvm::createStringError(
            name + " saw no finite value in " +
            std::to_string(observer->getBatchCount()) + " batches (" +
            std::to_string(c.nanCount) + " NaN, " +
            std::to_string(c.infCount) + " Inf)");
        return WalkResult::interrupt();
      }
    if (op.getRecipe().getGranularity() != qnn::Granularity::tensor) {
      SmallVector<Attribute> channels;
      for (const calibration::ChannelStats &c : observer->getChannels())
        channels.push_back(statsAttrOf(op.getContext(), c));
      op.setChannelStatsAttr(ArrayAttr::get(op.getContext(), channels));
      return WalkResult::advance();
    }
    op.setStatsAttr(statsAttrOf(op.getContext(), observer->getChannels()[0]));
    return WalkResult::advance();
  });
  return error;
}
