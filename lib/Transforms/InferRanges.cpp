//===- InferRanges.cpp - Ranges from calibration statistics ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-infer-ranges: #qnn.stats + a calibration method -> a #qnn.range on
// every qnn.observe, propagated forward through the ops that keep, tighten
// or fix a range, and shared across concats. The statistics become ranges
// through the calibration runtime's own functions, so that a range here is
// the range quant-run's statistics file and the PyTorch comparison give.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "ModelPatterns.h"
#include "quantc/Runtime/Calibration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace quantc {
#define GEN_PASS_DEF_INFERRANGESPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;
namespace calibration = quantc::calibration;

namespace {

struct ValueRange {
  double min, max;
  StringRef source;
  ValueRange unite(const ValueRange &other) const {
    return {std::min(min, other.min), std::max(max, other.max), "shared"};
  }
  bool contains(const ValueRange &other) const {
    return min <= other.min && max >= other.max;
  }
};

/// The range method a --method option or a recipe names.
FailureOr<calibration::RangeMethod> parseMethodOption(StringRef name) {
  using calibration::RangeMethod;
  return llvm::StringSwitch<FailureOr<RangeMethod>>(name)
      .Case("minmax", RangeMethod::MinMax)
      .Cases({"avg-minmax", "avg_minmax", "moving-average"},
             RangeMethod::MovingAverageMinMax)
      .Case("percentile", RangeMethod::Percentile)
      .Case("entropy", RangeMethod::Entropy)
      .Case("mse", RangeMethod::MSE)
      .Default(failure());
}

calibration::RangeMethod methodOf(CalibrationMethod method) {
  using calibration::RangeMethod;
  switch (method) {
  case CalibrationMethod::minmax:
    return RangeMethod::MinMax;
  case CalibrationMethod::avg_minmax:
    return RangeMethod::MovingAverageMinMax;
  case CalibrationMethod::percentile:
    return RangeMethod::Percentile;
  case CalibrationMethod::entropy:
    return RangeMethod::Entropy;
  case CalibrationMethod::mse:
    return RangeMethod::MSE;
  }
  llvm_unreachable("unknown calibration method");
}

bool needsHistogram(calibration::RangeMethod method) {
  using calibration::RangeMethod;
  return method == RangeMethod::Percentile || method == RangeMethod::Entropy ||
         method == RangeMethod::MSE;
}

/// Ops whose output is quantized exactly as their input: layout ops, slices,
/// max pooling. (A pad is one too, once its pad value is in the range.)
bool keepsRange(Operation *op) {
  return patterns::isLayoutOp(op) || patterns::isMaxPool(op) ||
         isa_and_nonnull<tensor::ExtractSliceOp, tosa::SliceOp,
                         tosa::MaxPool2dOp, tosa::ReduceMaxOp, tosa::PadOp>(
             op);
}

/// The pad value of a tensor.pad or tosa.pad, when it is a constant.
std::optional<double> padValue(Operation *op) {
  Value value;
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    value = pad.getConstantPaddingValue();
  else if (auto pad = dyn_cast<tosa::PadOp>(op))
    value = pad.getPadConst();
  FloatAttr scalar;
  DenseFPElementsAttr splat;
  if (value && matchPattern(value, m_Constant(&scalar)))
    return scalar.getValueAsDouble();
  if (value && matchPattern(value, m_Constant(&splat)) && splat.isSplat())
    return splat.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

struct InferRangesPass
    : public quantc::impl::InferRangesPassBase<InferRangesPass> {
  using InferRangesPassBase::InferRangesPassBase;

  std::optional<calibration::RangeMethod> methodOverride;
  /// Observers whose range a concat widened to the shared union.
  DenseMap<Operation *, ValueRange> shared;
  /// Ranges computed from statistics, once per observer.
  DenseMap<Operation *, ValueRange> observed;
  bool failedObserver = false;

  /// The observer's own range from its statistics; an error (once) when
  /// they cannot give one.
  std::optional<ValueRange> rangeFromStats(ObserveOp op) {
    if (auto it = observed.find(op); it != observed.end())
      return it->second;
    auto fail = [&]() -> std::optional<ValueRange> {
      failedObserver = true;
      return std::nullopt;
    };
    RecipeAttr recipe = op.getRecipe();
    calibration::RangeMethod method =
        methodOverride.value_or(methodOf(recipe.getMethod()));
    StringRef methodName = calibration::rangeMethodName(method);
    std::string who = "quant-infer-ranges: observer '" + op.getName().str() +
                      "'";
    if (op.getChannelStats()) {
      op.emitError(who) << " has per-channel statistics; per-channel "
                           "activation ranges are not supported yet";
      return fail();
    }
    StatsAttr stats = op.getStatsAttr();
    if (!stats) {
      op.emitError(who)
          << " has no #qnn.stats and its producer gives no range; calibrate "
             "first (quant-run --calibrate -o, or quant-calibrate)";
      return fail();
    }
    if (stats.getCount() == 0) {
      op.emitError(who) << " saw no finite value";
      return fail();
    }
    calibration::ChannelStats channel;
    channel.count = stats.getCount();
    channel.min = float(stats.getMin().getValueAsDouble());
    channel.max = float(stats.getMax().getValueAsDouble());
    if (stats.getAvgMin()) {
      channel.movingAverageMin = float(stats.getAvgMin().getValueAsDouble());
      channel.movingAverageMax = float(stats.getAvgMax().getValueAsDouble());
    } else if (method == calibration::RangeMethod::MovingAverageMinMax) {
      op.emitError(who) << ": method " << methodName
                        << " needs moving averages (avg_min, avg_max), which "
                           "its #qnn.stats does not hold";
      return fail();
    }
    if (DenseF64ArrayAttr bins = stats.getHistCounts()) {
      std::vector<float> counts(bins.asArrayRef().begin(),
                                bins.asArrayRef().end());
      llvm::Expected<calibration::Histogram> histogram =
          calibration::Histogram::fromParts(
              float(stats.getHistMin().getValueAsDouble()),
              float(stats.getHistMax().getValueAsDouble()), std::move(counts),
              /*upsampleRate=*/128);
      if (!histogram) {
        op.emitError(who) << ": " << llvm::toString(histogram.takeError());
        return fail();
      }
      channel.histogram = std::move(*histogram);
    } else if (needsHistogram(method)) {
      op.emitError(who) << ": method " << methodName
                        << " needs a histogram, which its #qnn.stats does not "
                           "hold (only min/max were recorded: calibrate with a "
                           "histogram method in the recipe)";
      return fail();
    }
    calibration::RangeOptions options;
    options.method = method;
    if (percentile > 0)
      options.percentile = percentile;
    else if (FloatAttr p = recipe.getPercentile())
      options.percentile = p.getValueAsDouble();
    unsigned bits = recipe.getStorage().getWidth();
    options.levels = bits >= 31 ? 0u : 1u << bits;
    llvm::Expected<calibration::Range> range =
        calibration::computeRange(channel, options);
    if (!range) {
      op.emitError(who) << ": method " << methodName << ": "
                        << llvm::toString(range.takeError());
      return fail();
    }
    ValueRange result{range->min, range->max, "observed"};
    observed[op] = result;
    return result;
  }

  /// One forward walk: a range for every value where one is known. Returns
  /// the ranges of the observers.
  void walkFunction(func::FuncOp func, DenseMap<Value, ValueRange> &ranges,
                    SmallVectorImpl<tosa::ConcatOp> &concats) {
    func.walk([&](Operation *op) {
      auto rangeOf = [&](Value v) -> std::optional<ValueRange> {
        auto it = ranges.find(v);
        if (it == ranges.end())
          return std::nullopt;
        return it->second;
      };
      auto set = [&](Value v, double min, double max, StringRef source) {
        ranges[v] = ValueRange{min, max, source};
      };
      if (auto observe = dyn_cast<ObserveOp>(op)) {
        if (auto it = shared.find(op); it != shared.end()) {
          ranges[observe.getResult()] = it->second;
          return;
        }
        if (std::optional<ValueRange> in = rangeOf(observe.getInput())) {
          set(observe.getResult(), in->min, in->max,
              in->source == "observed" ? "propagated" : in->source);
          return;
        }
        if (std::optional<ValueRange> own = rangeFromStats(observe))
          ranges[observe.getResult()] = *own;
        return;
      }
      if (isa<tosa::SigmoidOp>(op) || patterns::isSoftmax(op))
        return set(op->getResult(0), 0.0, 1.0, "fixed");
      if (isa<tosa::TanhOp>(op))
        return set(op->getResult(0), -1.0, 1.0, "fixed");
      if (op->getNumOperands() == 0 || op->getNumResults() == 0)
        return;
      std::optional<ValueRange> in = rangeOf(op->getOperand(0));
      if (auto concat = dyn_cast<tosa::ConcatOp>(op)) {
        concats.push_back(concat);
        std::optional<ValueRange> all = in;
        for (Value operand : concat->getOperands()) {
          std::optional<ValueRange> r = rangeOf(operand);
          if (!r || !all)
            return;
          all = all->unite(*r);
        }
        ranges[concat.getResult()] = *all;
        return;
      }
      if (!in)
        return;
      if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
        auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
        auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
        if (!lo || !hi)
          return;
        double a = lo.getValueAsDouble(), b = hi.getValueAsDouble();
        double min = std::min(std::max(in->min, a), b);
        double max = std::max(std::min(in->max, b), a);
        return set(clamp.getResult(), min, max, "propagated");
      }
      if (!keepsRange(op))
        return;
      ValueRange out = *in;
      if (isa<tensor::PadOp, tosa::PadOp>(op)) {
        std::optional<double> pad = padValue(op);
        if (!pad)
          return;
        out.min = std::min(out.min, *pad);
        out.max = std::max(out.max, *pad);
      }
      ranges[op->getResult(0)] = out;
    });
  }

  /// The observer a value's range comes from through range-keeping ops.
  static ObserveOp rootObserver(Value value) {
    while (Operation *def = value.getDefiningOp()) {
      if (auto observe = dyn_cast<ObserveOp>(def))
        return observe;
      if (!keepsRange(def))
        return {};
      value = def->getOperand(0);
    }
    return {};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!method.empty()) {
      FailureOr<calibration::RangeMethod> parsed = parseMethodOption(method);
      if (failed(parsed)) {
        module.emitError("quant-infer-ranges: unknown method '")
            << method
            << "'; expected minmax, avg-minmax, percentile, entropy or mse";
        return signalPassFailure();
      }
      methodOverride = *parsed;
    }
    if (percentile != 0 && !(percentile > 50 && percentile <= 100)) {
      module.emitError("quant-infer-ranges: percentile ")
          << percentile << " is not in (50, 100]";
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>()) {
      // Concats widen their inputs' observers to the union until no range
      // grows; each round only widens, so this ends (at most once per
      // observer feeding a concat, plus one).
      DenseMap<Value, ValueRange> ranges;
      for (bool changed = true; changed && !failedObserver;) {
        changed = false;
        ranges.clear();
        SmallVector<tosa::ConcatOp> concats;
        walkFunction(func, ranges, concats);
        for (tosa::ConcatOp concat : concats) {
          auto it = ranges.find(concat.getResult());
          if (it == ranges.end())
            continue;
          ValueRange all = it->second;
          for (Value operand : concat->getOperands()) {
            ObserveOp root = rootObserver(operand);
            if (!root)
              continue;
            auto current = ranges.find(root.getResult());
            if (current != ranges.end() && current->second.contains(all) &&
                current->second.source == "shared")
              continue;
            shared[root] = ValueRange{all.min, all.max, "shared"};
            changed = true;
          }
        }
      }
      if (failedObserver)
        break;
      MLIRContext *ctx = &getContext();
      auto f64 = [&](double v) {
        return FloatAttr::get(Float64Type::get(ctx), v);
      };
      func.walk([&](ObserveOp op) {
        auto it = ranges.find(op.getResult());
        if (it == ranges.end())
          return;
        op.setRangeAttr(RangeAttr::get(ctx, f64(it->second.min),
                                       f64(it->second.max),
                                       StringAttr::get(ctx, it->second.source)));
      });
    }
    if (failedObserver)
      signalPassFailure();
  }
};

} // namespace
