//===- LayerReport.cpp - quant-run --layer-report ---------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "LayerReport.h"

#include "quantc/Transforms/QuantizationState.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::layer_report;

namespace {

/// The activation qcasts of `func`, in program order: a qcast of a constant
/// quantizes a weight, which the float twin has too.
std::vector<quant::QuantizeCastOp> activationQuantizes(func::FuncOp func) {
  std::vector<quant::QuantizeCastOp> casts;
  func.walk([&](quant::QuantizeCastOp op) {
    if (!matchPattern(op.getInput(), m_Constant()))
      casts.push_back(op);
  });
  return casts;
}

LogicalResult appendResult(func::FuncOp func, Value value) {
  if (failed(func.insertResult(func.getNumResults(), value.getType(),
                               DictionaryAttr())))
    return failure();
  func.walk([&](func::ReturnOp ret) {
    ret->insertOperands(ret->getNumOperands(), value);
  });
  return success();
}

std::string describeType(const qnn::UniformParams &params) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << (params.isSigned() ? "i" : "u") << params.storageWidth();
  if (params.isPerAxis())
    os << " per-axis " << *params.axis;
  else
    os << " " << llvm::format("%g", params.scales[0]) << ":"
       << params.zeroPoints[0];
  return s;
}

} // namespace

llvm::Expected<std::vector<Tap>>
quantc::layer_report::addTaps(func::FuncOp quantized, func::FuncOp floatTwin) {
  if (!quantized.getBody().hasOneBlock())
    return llvm::createStringError("--layer-report: @" +
                                   quantized.getName().str() +
                                   " has more than one block");
  std::vector<quant::QuantizeCastOp> casts = activationQuantizes(quantized);
  std::vector<quant::QuantizeCastOp> twinCasts = activationQuantizes(floatTwin);
  // The twin is a clone: the same casts in the same order.
  if (casts.size() != twinCasts.size())
    return llvm::createStringError(
        "--layer-report: internal error: the float twin differs");

  std::vector<Tap> taps;
  for (auto [cast, twinCast] : llvm::zip_equal(casts, twinCasts)) {
    std::string name = getLocationName(cast.getLoc());
    if (name.empty())
      name = "quant.qcast#" + std::to_string(taps.size());
    std::optional<qnn::UniformParams> params =
        qnn::getUniformParams(cast.getType());
    unsigned width = params ? params->storageWidth() : 0;
    if (!params || (width != 8 && width != 16)) {
      llvm::errs() << "quant-run: note: --layer-report skips '" << name
                   << "': " << (params ? "storage of " + std::to_string(width)
                                             + " bits"
                                       : std::string("blocked or non-uniform "
                                                     "type"))
                   << " (8 and 16 bits are reported)\n";
      continue;
    }
    OpBuilder builder(cast->getContext());
    builder.setInsertionPointAfter(cast);
    Value stored = quant::StorageCastOp::create(builder,
        cast.getLoc(), qnn::getStorageShapedType(cast.getType()), cast);
    if (failed(appendResult(quantized, stored)) ||
        failed(appendResult(floatTwin, twinCast.getInput())))
      return llvm::createStringError("--layer-report: cannot add results to @" +
                                     quantized.getName().str());
    taps.push_back({name, *params});
  }

  // The float twin: each dequantize of a quantize, of an activation or of a
  // float weight, reads the float value that was quantized. Weights given
  // as stored integers stay dequantized: their float values are not in the
  // model.
  SmallVector<quant::QuantizeCastOp> allCasts;
  floatTwin.walk([&](quant::QuantizeCastOp cast) { allCasts.push_back(cast); });
  for (quant::QuantizeCastOp cast : allCasts) {
    for (Operation *user : llvm::make_early_inc_range(cast->getUsers()))
      if (auto dequantize = dyn_cast<quant::DequantizeCastOp>(user)) {
        dequantize.replaceAllUsesWith(cast.getInput());
        dequantize.erase();
      }
    if (cast->use_empty())
      cast.erase();
  }
  if (taps.empty())
    return llvm::createStringError(
        "--layer-report: @" + quantized.getName().str() +
        " has no quantized activation (a quant.qcast of a computed value); "
        "the report compares a QDQ model with its float twin");
  return taps;
}

llvm::Expected<LayerError>
quantc::layer_report::compareLayer(const Tap &tap, const npy::Array &reference,
                                   const npy::Array &stored) {
  if (reference.shape != stored.shape || reference.dtype != npy::DType::F32)
    return llvm::createStringError(
        "--layer-report: '" + tap.name + "': float " + reference.shapeString() +
        " and quantized " + stored.shapeString() + " do not compare");
  const qnn::UniformParams &p = tap.params;
  unsigned bytes = npy::dtypeSize(stored.dtype);
  int64_t qmin = p.type.getStorageTypeMin(), qmax = p.type.getStorageTypeMax();
  int64_t n = reference.numElements();
  // The channel of element e along the axis: (e / inner) % size.
  int64_t inner = 1, channels = 1;
  if (p.isPerAxis()) {
    for (size_t d = *p.axis + 1; d < reference.shape.size(); ++d)
      inner *= reference.shape[d];
    channels = reference.shape[*p.axis];
  }
  double signal = 0, noise = 0;
  int64_t atLimits = 0, clipped = 0;
  for (int64_t e = 0; e < n; ++e) {
    float f;
    std::memcpy(&f, reference.data.data() + e * 4, 4);
    int64_t q = 0;
    const uint8_t *raw = reinterpret_cast<const uint8_t *>(stored.data.data()) +
                         e * bytes;
    if (bytes == 1)
      q = p.isSigned() ? int64_t(int8_t(raw[0])) : int64_t(raw[0]);
    else {
      uint16_t v;
      std::memcpy(&v, raw, 2);
      q = p.isSigned() ? int64_t(int16_t(v)) : int64_t(v);
    }
    int64_t c = p.isPerAxis() ? (e / inner) % channels : 0;
    double scale = p.scale(c);
    int64_t zp = p.zeroPoint(c);
    double real = double(q - zp) * scale;
    signal += double(f) * f;
    noise += (real - f) * (real - f);
    atLimits += q == qmin || q == qmax;
    // Beyond the representable range by more than half a step: clipped.
    clipped += f < (double(qmin - zp) - 0.5) * scale ||
               f > (double(qmax - zp) + 0.5) * scale;
  }
  LayerError out;
  out.name = tap.name;
  out.type = describeType(p);
  out.elements = n;
  out.sqnrDb = noise == 0 ? std::numeric_limits<double>::infinity()
                          : 10.0 * std::log10(signal / noise);
  out.atLimits = n ? double(atLimits) / n : 0.0;
  out.clipped = n ? double(clipped) / n : 0.0;
  return out;
}

void quantc::layer_report::printReport(std::vector<LayerError> &layers,
                                       int64_t batches, llvm::raw_ostream &os) {
  llvm::sort(layers, [](const LayerError &a, const LayerError &b) {
    return a.sqnrDb != b.sqnrDb ? a.sqnrDb < b.sqnrDb : a.name < b.name;
  });
  size_t nameWidth = 5, typeWidth = 4;
  for (const LayerError &l : layers) {
    nameWidth = std::max(nameWidth, l.name.size());
    typeWidth = std::max(typeWidth, l.type.size());
  }
  os << "layer report: " << layers.size() << " quantized layer outputs, "
     << batches << (batches == 1 ? " batch" : " batches")
     << ", worst SQNR first\n";
  os << llvm::left_justify("layer", nameWidth) << "  "
     << llvm::left_justify("type", typeWidth)
     << "  elements   SQNR dB  at qmin/qmax  clipped\n";
  for (const LayerError &l : layers) {
    os << llvm::left_justify(l.name, nameWidth) << "  "
       << llvm::left_justify(l.type, typeWidth) << "  "
       << llvm::format_decimal(l.elements, 8) << "  ";
    if (std::isinf(l.sqnrDb))
      os << llvm::right_justify("inf", 8);
    else
      os << llvm::format("%8.2f", l.sqnrDb);
    os << llvm::format("  %10.2f %%  %5.2f %%\n", 100.0 * l.atLimits,
                       100.0 * l.clipped);
  }
}

llvm::Error quantc::layer_report::writeReportJson(
    llvm::ArrayRef<LayerError> layers, int64_t batches, llvm::StringRef path) {
  llvm::json::Array entries;
  for (const LayerError &l : layers)
    entries.push_back(llvm::json::Object{
        {"name", l.name},
        {"type", l.type},
        {"elements", l.elements},
        // JSON has no infinity: null is "no error at all".
        {"sqnr_db", std::isinf(l.sqnrDb) ? llvm::json::Value(nullptr)
                                         : llvm::json::Value(l.sqnrDb)},
        {"at_limits", l.atLimits},
        {"clipped", l.clipped}});
  llvm::json::Object root{{"format", "quantc-layer-report"},
                          {"version", 1},
                          {"batches", batches},
                          {"layers", std::move(entries)}};
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return llvm::createStringError("--layer-report-json " + path.str() + ": " +
                                   ec.message());
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return llvm::Error::success();
}
