//===- QNNToLinalg.h - qnn to integer linalg --------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc {

#define GEN_PASS_DECL_LOWERQNNPASS
#include "quantc/Conversion/Passes.h.inc"

/// Converts tensors of `!quant` element types to tensors of their storage
/// type; everything else is left as it is.
class QuantStorageTypeConverter : public mlir::TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Populates the patterns that lower qnn ops and quant.qcast/dcast/scast to
/// linalg on the storage types of `typeConverter`.
void populateQNNToLinalgConversionPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

} // namespace quantc

#endif // QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
