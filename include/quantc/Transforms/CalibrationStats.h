//===- CalibrationStats.h - Calibration statistics into the IR -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Writes a calibration session's statistics into the qnn.observe ops of a
// module as #qnn.stats: shared by quant-run --calibrate and quant-calibrate.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_CALIBRATIONSTATS_H
#define QUANTC_TRANSFORMS_CALIBRATIONSTATS_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Runtime/Calibration.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace quantc {

/// The #qnn.stats of one channel: count, min, max, moving averages and the
/// histogram (its float32 bins, fractional once re-binned).
qnn::StatsAttr statsAttrOf(mlir::MLIRContext *ctx,
                           const calibration::ChannelStats &channel);

/// Sets every qnn.observe's `stats` (per-tensor recipes) or `channel_stats`
/// (per-channel and per-group recipes) from the session's observer of the
/// same name, and removes the runtime id attribute. NaN/Inf exclusions are
/// reported to `warnings`, each line prefixed with `tool`. Fails on an
/// observer the session does not know or one that saw no finite value.
llvm::Error annotateObservers(mlir::ModuleOp module,
                              const calibration::CalibrationSession &session,
                              llvm::StringRef tool,
                              llvm::raw_ostream &warnings);

} // namespace quantc

#endif // QUANTC_TRANSFORMS_CALIBRATIONSTATS_H
