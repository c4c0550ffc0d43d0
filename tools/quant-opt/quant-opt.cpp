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
// --quant-verify-state=FILE (a global option, as on quant-run) runs the pass
// quant-verify-state{manifest=FILE} on the input before the pipeline. The
// pass's own flag has the same name, so the global form is taken out of
// argv before MLIR parses the command line: a value that starts with
// `manifest=` is the pass flag and stays where it is in the pipeline.
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <vector>

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  quantc::registerAllDialects(registry);

  mlir::registerAllPasses();
  quantc::registerAllPasses();

  // The global --quant-verify-state=FILE, taken out of argv.
  std::string verifyManifest;
  std::vector<char *> args;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if ((arg.consume_front("--quant-verify-state=") ||
         arg.consume_front("-quant-verify-state=")) &&
        !arg.starts_with("manifest=")) {
      verifyManifest = arg.str();
      continue;
    }
    // `--quant-verify-state FILE`: the pass flag takes no separate value.
    if ((arg == "--quant-verify-state" || arg == "-quant-verify-state") &&
        i + 1 < argc && argv[i + 1][0] != '-') {
      verifyManifest = argv[++i];
      continue;
    }
    args.push_back(argv[i]);
  }
  int newArgc = args.size();
  args.push_back(nullptr);
  char **newArgv = args.data();

  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      newArgc, newArgv, "QuantC modular optimizer driver\n", registry);
  if (verifyManifest.empty())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(newArgc, newArgv, inputFile, outputFile, registry));

  // The input is checked on its own, then parsed again by MlirOptMain for
  // the pipeline: a pass added first to MlirOptMain's pass manager would be
  // dropped by --pass-pipeline, which replaces the pass manager's contents.
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  {
    mlir::MLIRContext context(registry);
    context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(input->getBuffer(),
                                         input->getBufferIdentifier()),
        llvm::SMLoc());
    mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr,
                                              mlir::ParserConfig(&context));
    if (!module)
      return 1;
    mlir::PassManager verify(&context);
    verify.addPass(quantc::createVerifyStatePass({verifyManifest}));
    if (mlir::failed(verify.run(*module)))
      return 1;
  }
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
