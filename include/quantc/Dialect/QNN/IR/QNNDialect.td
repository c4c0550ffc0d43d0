//===- QNNDialect.td - qnn dialect definition --------------*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNDIALECT_TD
#define QUANTC_DIALECT_QNN_IR_QNNDIALECT_TD

include "mlir/IR/OpBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::quantc::qnn";
  let summary = "Quantized neural-network ops and quantization state";
  let description = [{
    The `qnn` dialect holds what upstream `quant` does not: the quantization
    *state* of a network (the recipe a tensor is to be quantized with, and the
    statistics calibration observed) and quantized compute ops whose operand
    and result types carry the quantization parameters.

    Quantized types are upstream's `!quant.uniform` (per tensor and per axis);
    QDQ form uses upstream `quant.qcast` / `quant.dcast` / `quant.scast`.
    Nothing here redefines them (docs/Rationale/RationaleQNN.md).
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The module attribute that records the requantization mode
    /// (#qnn.requant_mode).
    static constexpr ::llvm::StringLiteral kRequantModeAttrName =
        "qnn.requant_mode";
  }];
}

#endif // QUANTC_DIALECT_QNN_IR_QNNDIALECT_TD
