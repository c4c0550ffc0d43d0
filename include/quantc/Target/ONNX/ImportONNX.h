//===- ImportONNX.h - ONNX models to QuantC's interchange form --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Imports an ONNX model (parsed with ONNX's own protobuf schema) into the
// interchange form of docs/Rationale/QuantizationContract.md: one func.func
// of TOSA float ops, with QuantizeLinear/DequantizeLinear as quant.qcast /
// quant.dcast on !quant.uniform types.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_ONNX_IMPORTONNX_H
#define QUANTC_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <memory>
#include <string>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace quantc {

struct ONNXImportOptions {
  /// Graph inputs to replace by constants, name -> serialized TensorProto.
  /// QuantC needs quantization parameters at compile time; ONNX's node tests
  /// feed them as inputs, real QDQ models as initializers.
  std::map<std::string, std::string> constantInputs;
  /// Name of the imported function.
  std::string functionName = "main_graph";
};

/// Imports `model` (read from `path`, used in locations). Emits errors that
/// name the node, op and what is unsupported; returns null after an error.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(const onnx::ModelProto &model, llvm::StringRef path,
                mlir::MLIRContext *context, const ONNXImportOptions &options);

/// Reads and imports the model at `path`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options);

/// Registers the dialects the importer produces.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

} // namespace quantc

#endif // QUANTC_TARGET_ONNX_IMPORTONNX_H
