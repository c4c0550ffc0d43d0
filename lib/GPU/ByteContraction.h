//===- ByteContraction.h - Int8 contractions of the GPU passes --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The i8 x i8 -> i32 contractions quant-lower-qnn emits, as quant-gpu-dp4a
// and quant-gpu-mma match them on buffers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_GPU_BYTECONTRACTION_H
#define QUANTC_LIB_GPU_BYTECONTRACTION_H

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace quantc {

/// Whether a byte operand is sign- (`arith.extsi`) or zero-extended
/// (`arith.extui`): the signedness dp4a and mma take for it.
using ByteSignedness = mlir::NVVM::DotAccumulateType;

/// An int8 contraction in the form quant-lower-qnn emits, and what the
/// rewrites need of it.
struct ByteContraction {
  unsigned reductionDim;
  ByteSignedness lhsType, rhsType;
  // Input operand numbers of the two multiplied bytes (0 and 1, in either
  // order in the body).
  unsigned lhsInput, rhsInput;
};

/// `op` as a contraction on buffers of two i8 inputs into one i32 output,
/// one reduction dimension, projected-permutation maps and the body
/// `acc + ext(a) * ext(b)` (in either order); std::nullopt otherwise.
std::optional<ByteContraction> matchByteContraction(mlir::linalg::GenericOp op);

/// The indices `map` (a projected permutation) selects from `loopIndices`.
llvm::SmallVector<mlir::Value>
applyProjection(mlir::AffineMap map, llvm::ArrayRef<mlir::Value> loopIndices);

} // namespace quantc

#endif // QUANTC_LIB_GPU_BYTECONTRACTION_H
