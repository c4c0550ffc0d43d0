//===- LayoutUtils.h - Per-axis types through layout ops --------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Where the quantized axis of a per-axis (per-channel) tensor goes through an
// op that only moves or selects values, so that quant-fold-qdq and
// quant-lower-qnn agree on which per-axis result type such an op has.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_UTILS_LAYOUTUTILS_H
#define QUANTC_DIALECT_QNN_UTILS_LAYOUTUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace quantc::qnn {

/// The per-axis element type of the result of `op` (tosa.transpose,
/// tosa.reshape, tensor.collapse_shape / expand_shape, tensor.extract_slice,
/// tensor.pad, tosa.concat) when its data operands have the per-axis element
/// types `inputs` (one per data operand): the axis moves where its
/// dimension lands (a transpose permutes it; a reshape keeps it only where
/// the dimension survives whole, with the same elements before it), a slice
/// along it slices the scales and zero points, a concat along it
/// concatenates them. Fails, setting `reason`, where the dimension is
/// merged, split, dropped or padded, a slice is not static along it, or
/// concat inputs disagree.
mlir::FailureOr<mlir::quant::UniformQuantizedPerAxisType>
mapPerAxisThroughLayout(
    mlir::Operation *op,
    llvm::ArrayRef<mlir::quant::UniformQuantizedPerAxisType> inputs,
    std::string &reason);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_UTILS_LAYOUTUTILS_H
