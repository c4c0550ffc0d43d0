//===- InitAll.h - Register everything QuantC provides ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The entry points for compilers that embed QuantC (docs/Embedding.md).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_INITALL_H
#define QUANTC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace quantc {

/// Registers the qnn dialect, the upstream dialects QuantC consumes and
/// produces (quant, tosa, linalg, tensor, arith, math, func, memref, scf,
/// cf, bufferization, vector, llvm) and the external models its pipelines
/// need (bufferization of arith/linalg/tensor/func/vector, LLVM conversion
/// interfaces).
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every QuantC pass and named pipeline, so that textual
/// pipelines (`--pass-pipeline=...`, `quant-opt --quant-fold-qdq`) find
/// them.
void registerAllPasses();

} // namespace quantc

#endif // QUANTC_INITALL_H
