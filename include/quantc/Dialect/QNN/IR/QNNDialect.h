//===- QNNDialect.h - qnn dialect -------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The qnn dialect: quantization state and quantized compute ops. Include this
// one header for the dialect, its attributes and its ops.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNDIALECT_H
#define QUANTC_DIALECT_QNN_IR_QNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h.inc"
#include "quantc/Dialect/QNN/IR/QNNEnums.h.inc"

namespace quantc::qnn {
/// Parses a bare number into an f64 FloatAttr (attribute parameters).
mlir::FailureOr<mlir::FloatAttr> parseF64Param(mlir::AsmParser &parser);
/// Prints an f64 FloatAttr parameter as a bare, round-trippable number.
void printF64Param(mlir::AsmPrinter &printer, mlir::FloatAttr value);
/// Parses `[i, j, ...]` (attribute parameters).
mlir::FailureOr<llvm::SmallVector<int64_t>>
parseI64ArrayParam(mlir::AsmParser &parser);
/// Prints `[i, j, ...]`.
void printI64ArrayParam(mlir::AsmPrinter &printer,
                        llvm::ArrayRef<int64_t> values);

/// Parses `[x, y, ...]` of numbers (attribute parameters).
mlir::FailureOr<mlir::DenseF64ArrayAttr>
parseF64ArrayParam(mlir::AsmParser &parser);
/// Prints `[x, y, ...]`, whole numbers as integers, others round-trippably.
void printF64ArrayParam(mlir::AsmPrinter &printer,
                        mlir::DenseF64ArrayAttr values);

/// A requant mode as pass and pipeline options spell it
/// (`tosa-double-round`; the IR spells it `tosa_double_round`).
std::string stringifyRequantModeOption(RequantMode mode);
/// Parses either spelling; std::nullopt for anything else.
std::optional<RequantMode> symbolizeRequantModeOption(llvm::StringRef name);
} // namespace quantc::qnn

#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QNN/IR/QNNAttrs.h.inc"

#define GET_OP_CLASSES
#include "quantc/Dialect/QNN/IR/QNNOps.h.inc"

#endif // QUANTC_DIALECT_QNN_IR_QNNDIALECT_H
