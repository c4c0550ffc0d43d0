//===- quant-opt.cpp - QuantC modular optimizer driver ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// This file implements the 'quant-opt' tool, the QuantC analog of mlir-opt:
// every upstream dialect and pass, plus QuantC's, for pipelines and lit tests.
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  quantc::registerAllDialects(registry);

  mlir::registerAllPasses();
  quantc::registerAllPasses();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "QuantC modular optimizer driver\n", registry));
}
