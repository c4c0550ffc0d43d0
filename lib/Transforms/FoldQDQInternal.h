//===- FoldQDQInternal.h - pieces shared by quant-fold-qdq ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The contraction layers (FoldQDQ.cpp) and the elementwise ops
// (FoldQDQElementwise.cpp) of quant-fold-qdq. Internal to QuantCTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_FOLDQDQINTERNAL_H
#define QUANTC_LIB_TRANSFORMS_FOLDQDQINTERNAL_H

#include "mlir/Dialect/Quant/IR/Quant.h"

namespace quantc {

/// Whether `op` is the float contraction of a layer FoldQDQ.cpp folds (its
/// bias add is then no elementwise candidate).
bool isFoldableLayerCore(mlir::Operation *op);

/// Splits every float tosa.clamp between a foldable producer and its
/// quantize into producer -> q -> dq -> clamp -> q (exact), so that the
/// producer and the clamp fold separately.
void splitActivationClamps(mlir::Operation *root);

/// Tries to fold dq -> tosa.add/sub/mul -> `output` into qnn.add/sub/mul,
/// or dq -> tosa.clamp -> `output` into qnn.clamp. Returns whether it
/// folded; with `explain`, a candidate left in QDQ form gets a remark
/// saying why.
bool tryFoldElementwise(mlir::quant::QuantizeCastOp output, bool explain);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_FOLDQDQINTERNAL_H
