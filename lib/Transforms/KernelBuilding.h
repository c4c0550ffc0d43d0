//===- KernelBuilding.h - Shared pieces of the x86 kernel passes -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// What quant-x86-vnni and quant-x86-depthwise both need to match linalg
// generics on buffers and to build loops around their vector code.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_KERNELBUILDING_H
#define QUANTC_LIB_TRANSFORMS_KERNELBUILDING_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace quantc {

/// Whether `type` is a memref of static shape and identity layout.
bool isStaticIdentityMemRef(mlir::Type type);

/// The one buffer the body of `op` reads through memref.load (a window
/// read with padding, which no indexing map can express), or null where
/// it loads from none or from several.
mlir::Value bodyLoadSource(mlir::linalg::GenericOp op);

/// An scf.for from `lower` to `upper` by `step` built at `b`'s insertion
/// point; `body` builds its body with `b` itself, set inside the loop (so
/// that code written against one builder nests), which is restored after.
void buildForLoop(mlir::OpBuilder &b, mlir::Location loc, int64_t lower,
                  int64_t upper, int64_t step,
                  llvm::function_ref<void(mlir::Value)> body);

} // namespace quantc

#endif // QUANTC_LIB_TRANSFORMS_KERNELBUILDING_H
