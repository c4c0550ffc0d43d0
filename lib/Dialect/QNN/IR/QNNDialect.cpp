//===- QNNDialect.cpp - qnn dialect and attributes --------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace quantc::qnn;

#include "quantc/Dialect/QNN/IR/QNNDialect.cpp.inc"
#include "quantc/Dialect/QNN/IR/QNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QNN/IR/QNNAttrs.cpp.inc"

void QNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "quantc/Dialect/QNN/IR/QNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "quantc/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
}

LogicalResult QNNDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() != kRequantModeAttrName)
    return op->emitError("unknown qnn attribute '")
           << attr.getName().getValue() << "'";
  // One mode per module: a mode on a single op would leave the lowering of
  // the others undefined.
  if (!isa<ModuleOp>(op))
    return op->emitError("'")
           << kRequantModeAttrName << "' may only be set on a builtin.module";
  if (!isa<RequantModeAttr>(attr.getValue()))
    return op->emitError("'")
           << kRequantModeAttrName << "' must be a #qnn.requant_mode, got "
           << attr.getValue();
  return success();
}

std::string quantc::qnn::stringifyRequantModeOption(RequantMode mode) {
  std::string name = stringifyRequantMode(mode).str();
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::optional<RequantMode>
quantc::qnn::symbolizeRequantModeOption(StringRef name) {
  std::string symbol = name.str();
  std::replace(symbol.begin(), symbol.end(), '-', '_');
  return symbolizeRequantMode(symbol);
}

//===----------------------------------------------------------------------===//
// F64 parameters
//===----------------------------------------------------------------------===//

FailureOr<FloatAttr> quantc::qnn::parseF64Param(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return FloatAttr::get(Float64Type::get(parser.getContext()), value);
}

void quantc::qnn::printF64Param(AsmPrinter &printer, FloatAttr value) {
  printer.printFloat(value.getValue());
}

FailureOr<SmallVector<int64_t>>
quantc::qnn::parseI64ArrayParam(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseInteger(values.emplace_back());
      }))
    return failure();
  return values;
}

void quantc::qnn::printI64ArrayParam(AsmPrinter &printer,
                                     ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

FailureOr<DenseF64ArrayAttr>
quantc::qnn::parseF64ArrayParam(AsmParser &parser) {
  SmallVector<double> values;
  // Whole numbers are printed (and written) as integers, which parseFloat
  // does not take.
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        // The sign apart: parseOptionalInteger commits to an integer once it
        // has taken a minus.
        double sign = succeeded(parser.parseOptionalMinus()) ? -1.0 : 1.0;
        int64_t whole;
        OptionalParseResult integer = parser.parseOptionalInteger(whole);
        if (integer.has_value()) {
          values.push_back(sign * double(whole));
          return *integer;
        }
        double value;
        if (parser.parseFloat(value))
          return ParseResult(failure());
        values.push_back(sign * value);
        return ParseResult(success());
      }))
    return failure();
  return DenseF64ArrayAttr::get(parser.getContext(), values);
}

void quantc::qnn::printF64ArrayParam(AsmPrinter &printer,
                                     DenseF64ArrayAttr values) {
  printer << '[';
  llvm::interleaveComma(values.asArrayRef(), printer, [&](double value) {
    if (value == std::floor(value) && std::fabs(value) < 9.0e15)
      printer << int64_t(value);
    else
      printer.printFloat(APFloat(value));
  });
  printer << ']';
}

//===----------------------------------------------------------------------===//
// RecipeAttr
//===----------------------------------------------------------------------===//

static bool isHistogramMethod(CalibrationMethod method) {
  return method == CalibrationMethod::percentile ||
         method == CalibrationMethod::entropy ||
         method == CalibrationMethod::mse;
}

LogicalResult
RecipeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   IntegerType storage, QuantScheme scheme, bool narrowRange,
                   Granularity granularity, std::optional<int64_t> axis,
                   std::optional<int64_t> groupSize, CalibrationMethod method,
                   FloatAttr percentile, FloatAttr averagingConstant,
                   std::optional<int64_t> numBins) {
  if (storage.isSignless())
    return emitError() << "recipe storage type must be signed (si<N>) or "
                          "unsigned (ui<N>), got "
                       << storage;
  if (storage.getWidth() < 2 || storage.getWidth() > 16)
    return emitError() << "recipe storage bit width must be in [2, 16], got "
                       << storage.getWidth();
  bool needsAxis = granularity != Granularity::tensor;
  if (needsAxis && !axis)
    return emitError() << "'" << stringifyGranularity(granularity)
                       << "' granularity requires an axis";
  if (!needsAxis && axis)
    return emitError() << "'tensor' granularity takes no axis";
  if (axis && *axis < 0)
    return emitError() << "recipe axis must be non-negative, got " << *axis;
  if (granularity == Granularity::group && !groupSize)
    return emitError() << "'group' granularity requires a group_size";
  if (granularity != Granularity::group && groupSize)
    return emitError() << "group_size is only valid with 'group' granularity";
  if (groupSize && *groupSize <= 0)
    return emitError() << "group_size must be positive, got " << *groupSize;

  if (percentile) {
    if (method != CalibrationMethod::percentile)
      return emitError() << "'percentile' is only valid with method = "
                            "percentile";
    double p = percentile.getValueAsDouble();
    if (!(p > 0.0 && p <= 100.0))
      return emitError() << "percentile must be in (0, 100], got " << p;
  }
  if (averagingConstant) {
    if (method != CalibrationMethod::avg_minmax)
      return emitError() << "'averaging_constant' is only valid with method "
                            "= avg_minmax";
    double c = averagingConstant.getValueAsDouble();
    if (!(c > 0.0 && c <= 1.0))
      return emitError() << "averaging_constant must be in (0, 1], got " << c;
  }
  if (numBins) {
    if (!isHistogramMethod(method))
      return emitError() << "'num_bins' is only valid with a histogram "
                            "method (percentile, entropy, mse)";
    if (*numBins <= 0)
      return emitError() << "num_bins must be positive, got " << *numBins;
  }
  return success();
}

LogicalResult RecipeAttr::verifyForShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  std::optional<int64_t> axis = getAxis();
  if (!axis)
    return success();
  int64_t rank = shape.size();
  if (*axis >= rank)
    return emitError() << "recipe axis " << *axis
                       << " is out of range for a tensor of rank " << rank;
  if (std::optional<int64_t> groupSize = getGroupSize()) {
    int64_t dim = shape[*axis];
    if (!ShapedType::isDynamic(dim) && dim % *groupSize != 0)
      return emitError() << "group_size " << *groupSize
                         << " does not divide dimension " << *axis
                         << " of size " << dim;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// StatsAttr
//===----------------------------------------------------------------------===//

static LogicalResult verifyFinite(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef name, FloatAttr value) {
  if (value && !std::isfinite(value.getValueAsDouble()))
    return emitError() << "stats '" << name << "' must be finite, got "
                       << value.getValueAsDouble();
  return success();
}

LogicalResult StatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t count, FloatAttr min, FloatAttr max,
                                FloatAttr avgMin, FloatAttr avgMax,
                                FloatAttr histMin, FloatAttr histMax,
                                DenseF64ArrayAttr histCountsAttr) {
  ArrayRef<double> histCounts;
  if (histCountsAttr)
    histCounts = histCountsAttr.asArrayRef();
  if (count < 0)
    return emitError() << "stats count must be non-negative, got " << count;
  for (auto [name, value] :
       {std::pair<StringRef, FloatAttr>{"min", min}, {"max", max},
        {"avg_min", avgMin}, {"avg_max", avgMax}, {"hist_min", histMin},
        {"hist_max", histMax}})
    if (failed(verifyFinite(emitError, name, value)))
      return failure();
  if (min.getValueAsDouble() > max.getValueAsDouble())
    return emitError() << "stats min " << min.getValueAsDouble()
                       << " is greater than max " << max.getValueAsDouble();
  if (bool(avgMin) != bool(avgMax))
    return emitError() << "stats avg_min and avg_max must be given together";
  if (avgMin && avgMin.getValueAsDouble() > avgMax.getValueAsDouble())
    return emitError() << "stats avg_min is greater than avg_max";

  bool hasHistogram = histMin || histMax || !histCounts.empty();
  if (!hasHistogram)
    return success();
  if (!histMin || !histMax || histCounts.empty())
    return emitError() << "a histogram needs hist_min, hist_max and a "
                          "non-empty hist_counts";
  if (histMin.getValueAsDouble() > histMax.getValueAsDouble())
    return emitError() << "stats hist_min is greater than hist_max";
  // Re-binned bins keep PyTorch's float32 cumulative-sum residue: empty
  // bins may be tiny negatives (the calibration runtime's rule).
  double total = 0, residue = 1e-6 * double(count) + 1e-3;
  for (double binCount : histCounts) {
    if (!(binCount >= -residue) || !std::isfinite(binCount))
      return emitError() << "histogram bin counts must be non-negative";
    total += binCount;
  }
  // Re-binned float32 bins sum to the count up to float32 rounding.
  if (std::fabs(total - double(count)) > 1e-5 * double(count) + 1e-6)
  {
    InFlightDiagnostic diag = emitError() << "histogram holds ";
    if (total == std::floor(total))
      diag << int64_t(total);
    else
      diag << llvm::formatv("{0:g}", total).str();
    return diag << " elements but count is " << count;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RangeAttr
//===----------------------------------------------------------------------===//

LogicalResult RangeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                FloatAttr min, FloatAttr max,
                                StringAttr source) {
  if (failed(verifyFinite(emitError, "min", min)) ||
      failed(verifyFinite(emitError, "max", max)))
    return failure();
  if (min.getValueAsDouble() > max.getValueAsDouble())
    return emitError() << "range min " << min.getValueAsDouble()
                       << " is greater than max " << max.getValueAsDouble();
  if (!source || !llvm::is_contained({"observed", "propagated", "fixed",
                                      "shared"},
                                     source.getValue()))
    return emitError() << "range source must be observed, propagated, fixed "
                          "or shared, got "
                       << source;
  return success();
}
