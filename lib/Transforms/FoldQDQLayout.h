//===- FoldQDQLayout.h - Same-scale and pooling QDQ folds -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Transforms: the parts of quant-fold-qdq that FoldQDQ.cpp
// calls for ops that are not layers (FoldQDQLayout.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_FOLDQDQLAYOUT_H
#define QUANTC_LIB_TRANSFORMS_FOLDQDQLAYOUT_H

#include "mlir/Dialect/Quant/IR/Quant.h"

namespace quantc::detail {

/// Tries to fold `output` = q(op(dq(x))) for an op that moves, selects or
/// pools stored values (reshapes, transpose, slice, pad, max pool, concat)
/// onto the stored integers, and an average pool into qnn.avg_pool2d.
/// Candidates that do not fold stay in QDQ form, with a remark when
/// `explain` is set. Sets `folded` when it rewrote.
void foldSameScaleQDQ(mlir::quant::QuantizeCastOp output, bool explain,
                      bool &folded);

/// Replaces `output` by `result`, then erases the float ops that fed it as
/// they become dead (walking back, also through nested regions' uses).
void replaceAndEraseDeadProducers(mlir::quant::QuantizeCastOp output,
                                  mlir::Value result);

} // namespace quantc::detail

#endif // QUANTC_LIB_TRANSFORMS_FOLDQDQLAYOUT_H
