//===- quant-import.cpp - ONNX to QuantC's interchange form -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   quant-import MODEL.onnx [-o OUT.mlir] [--const-input NAME=TENSOR.pb ...]
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/ONNX/ImportONNX.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.onnx>"),
                                          cl::Required);
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("file.mlir"),
                                           cl::init("-"));
static cl::list<std::string> constantInputs(
    "const-input",
    cl::desc("Replace graph input NAME by the tensor in FILE (a serialized "
             "ONNX TensorProto): NAME=FILE. Quantization parameters must be "
             "constants; ONNX's node tests feed them as inputs"),
    cl::value_desc("NAME=FILE.pb"));
static cl::opt<std::string> functionName(
    "function-name", cl::desc("Name of the imported function"),
    cl::init("main_graph"));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv,
                              "QuantC ONNX importer: ONNX model -> func + "
                              "tosa + quant.qcast/dcast (QDQ form)\n");

  mlir::DialectRegistry registry;
  quantc::registerONNXImportDialects(registry);
  mlir::MLIRContext context(registry);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  quantc::ONNXImportOptions options;
  options.functionName = functionName;
  for (const std::string &binding : constantInputs) {
    auto [name, file] = StringRef(binding).split('=');
    if (name.empty() || file.empty()) {
      errs() << "error: --const-input expects NAME=FILE, got '" << binding
             << "'\n";
      return 1;
    }
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
        MemoryBuffer::getFile(file, /*IsText=*/false);
    if (!buffer) {
      errs() << "error: cannot read '" << file
             << "': " << buffer.getError().message() << "\n";
      return 1;
    }
    options.constantInputs[name.str()] = (*buffer)->getBuffer().str();
  }

  mlir::OwningOpRef<mlir::ModuleOp> module =
      quantc::importONNXFile(inputFilename, &context, options);
  if (!module)
    return 1;
  std::string error;
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    errs() << "error: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  return 0;
}
