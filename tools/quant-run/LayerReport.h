//===- LayerReport.h - quant-run --layer-report -----------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The per-layer error report: a QDQ model and its float twin (the Q/DQ pairs
// removed) both return every quantized activation as extra results; the
// report compares them layer by layer (SQNR, values at the storage limits,
// clipped values). docs/QuantizationState.md.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANT_RUN_LAYERREPORT_H
#define QUANTC_TOOLS_QUANT_RUN_LAYERREPORT_H

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Runtime/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace quantc::layer_report {

/// One quantized activation (a `quant.qcast` of a computed value) returned
/// by both variants: the float value before the qcast by the float twin, the
/// stored integers by the quantized model.
struct Tap {
  std::string name; // the qcast's location name (its ONNX node)
  quantc::qnn::UniformParams params;
};

/// Appends the taps to `quantized` (its entry `entry`): each activation
/// qcast's stored integers (`quant.scast`) as an extra result. Builds the
/// float twin in `floatModule` (a clone of the same module): every `dcast`
/// of a `qcast` replaced by the qcast's float input, and each tap's float
/// input as an extra result, in the same order. Activations whose storage
/// is not 8 or 16 bits wide, or that are blocked, are skipped with a note.
llvm::Expected<std::vector<Tap>> addTaps(mlir::func::FuncOp quantized,
                                         mlir::func::FuncOp floatTwin);

/// The comparison of one layer over all batches.
struct LayerError {
  std::string name;
  std::string type;      // "u8 0.0625:128", "i8 per-axis 1"
  int64_t elements = 0;
  double sqnrDb = 0;     // +inf: no error
  double atLimits = 0;   // fraction of stored values at qmin or qmax
  double clipped = 0;    // fraction of float values outside the type's range
};

/// Compares `reference` (float32) with `stored` (the tap's storage dtype).
llvm::Expected<LayerError> compareLayer(const Tap &tap,
                                        const npy::Array &reference,
                                        const npy::Array &stored);

/// Sorts worst first (lowest SQNR) and prints the table.
void printReport(std::vector<LayerError> &layers, int64_t batches,
                 llvm::raw_ostream &os);

/// The report as JSON (format "quantc-layer-report", version 1).
llvm::Error writeReportJson(llvm::ArrayRef<LayerError> layers,
                            int64_t batches, llvm::StringRef path);

} // namespace quantc::layer_report

#endif // QUANTC_TOOLS_QUANT_RUN_LAYERREPORT_H
