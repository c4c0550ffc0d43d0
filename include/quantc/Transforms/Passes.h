//===- Passes.h - QuantC cross-dialect transforms ---------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_H
#define QUANTC_TRANSFORMS_PASSES_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

namespace quantc {

/// Kernels (quant-x86-vnni, quant-x86-depthwise) with fewer multiply-adds
/// than this run on one thread even where threads are asked for: about
/// 2 us on one core of the project's machine (235 G multiply-adds/s),
/// where a parallel region costs about 0.5 us to fork and join (the small
/// CNN of bench/: 3.8 us per call on one thread, 6.0 us on two with every
/// layer parallel).
constexpr int64_t kDefaultMinParallelMultiplyAdds = int64_t(1) << 19;

/// Transposes (quant-vectorize-byte-transpose) of fewer bytes run on one
/// thread: 200 KB took 5.5 us on one thread; the small CNN's transposes of
/// a few KB took twice as long in parallel.
constexpr int64_t kDefaultMinParallelTransposeBytes = int64_t(1) << 17;

#define GEN_PASS_DECL
#include "quantc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Transforms/Passes.h.inc"

} // namespace quantc

#endif // QUANTC_TRANSFORMS_PASSES_H
