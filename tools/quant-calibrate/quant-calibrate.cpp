//===- quant-calibrate.cpp - Post-training quantization in one command ----===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-calibrate MODEL.(onnx|mlir) --data calib.npy [--data more.npy ...]
//                 [--method minmax|avg-minmax|percentile|entropy|mse]
//                 [--recipe int8|int8-symmetric|int16|int4-weight-only|
//                           FILE.json] -o OUT.mlir
//
// import -> quant-insert-observers -> JIT calibration (quant-run --calibrate,
// run from this tool's directory, one run per --data, the statistics merged)
// -> #qnn.stats -> quant-infer-ranges -> quant-insert-qdq -> OUT.mlir, a QDQ
// model that `quant-run OUT.mlir` runs as integer code.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/InitAll.h"
#include "quantc/Runtime/Calibration.h"
#include "quantc/Target/ONNX/ImportONNX.h"
#include "quantc/Transforms/CalibrationStats.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using llvm::cl::desc;
using llvm::cl::opt;

namespace {

/// The default range method: see docs/Tools/quant-calibrate.md for the
/// measurement that chose it.
constexpr llvm::StringLiteral kDefaultMethod = "percentile";

opt<std::string> modelPath(llvm::cl::Positional, llvm::cl::Required,
                           desc("<model.onnx|model.mlir>"));
llvm::cl::list<std::string>
    dataPaths("data", llvm::cl::OneOrMore,
              desc("Calibration batches: an .npy (single-input models) or "
                   ".npz file, bound to the model's inputs as quant-run "
                   "--input does (repeatable; the statistics are merged)"));
opt<std::string> method("method", llvm::cl::init(kDefaultMethod.str()),
                        desc("Range method: minmax, avg-minmax, percentile, "
                             "entropy or mse"));
opt<double> percentile("percentile", llvm::cl::init(0.0),
                       desc("The percentile method's upper percentile in "
                            "(50, 100] (default 99.99)"));
opt<std::string> recipe("recipe", llvm::cl::init("int8"),
                        desc("int8 (u8 asymmetric activations, per-channel "
                             "s8 weights), int8-symmetric, int16, "
                             "int4-weight-only, or a .json recipe file "
                             "(docs/Recipes.md)"));
opt<std::string> convention(
    "convention", llvm::cl::init("onnxruntime"),
    desc("Scale/zero-point convention: onnxruntime or pytorch"));
opt<std::string> outputPath("o", llvm::cl::Required,
                            desc("The quantized (QDQ) model"),
                            llvm::cl::value_desc("OUT.mlir"));
opt<std::string> statsPath("calibrate-stats",
                           desc("Also keep the statistics file here"),
                           llvm::cl::value_desc("FILE.json"));
opt<std::string> quantRunPath(
    "quant-run", llvm::cl::Hidden,
    desc("The quant-run to calibrate with (default: beside this tool)"));

[[noreturn]] void fatal(const llvm::Twine &message) {
  llvm::errs() << "quant-calibrate: error: " << message << "\n";
  std::exit(1);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "QuantC post-training quantization: calibrate a float model on .npy "
      "data and write it in QDQ form\n");
  if (!llvm::is_contained({"minmax", "avg-minmax", "percentile", "entropy",
                           "mse"},
                          method))
    fatal("--method: unknown method '" + method +
          "'; expected minmax, avg-minmax, percentile, entropy or mse");
  if (!llvm::is_contained({"int8", "int8-symmetric", "int16",
                           "int4-weight-only"},
                          recipe) &&
      !llvm::StringRef(recipe).ends_with(".json"))
    fatal("--recipe: unknown recipe '" + recipe +
          "'; expected int8, int8-symmetric, int16, int4-weight-only or a "
          ".json recipe file");
  if (percentile != 0.0 && !(percentile > 50.0 && percentile <= 100.0))
    fatal("--percentile " + std::to_string(percentile.getValue()) +
          " is not in (50, 100]");

  std::string quantRun = quantRunPath;
  if (quantRun.empty()) {
    std::string self =
        llvm::sys::fs::getMainExecutable(argv[0], (void *)&fatal);
    llvm::SmallString<256> sibling(llvm::sys::path::parent_path(self));
    llvm::sys::path::append(sibling, "quant-run");
    quantRun = sibling.str().str();
  }
  if (!llvm::sys::fs::can_execute(quantRun))
    fatal("cannot run " + quantRun + " (quant-calibrate runs quant-run from "
          "its own directory)");
  for (const std::string &data : dataPaths)
    if (!llvm::sys::fs::exists(data))
      fatal("--data " + data + ": no such file");

  DialectRegistry registry;
  quantc::registerAllDialects(registry);
  quantc::registerONNXImportDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // Import.
  OwningOpRef<ModuleOp> module;
  if (llvm::StringRef(modelPath).ends_with(".onnx"))
    module = quantc::importONNXFile(modelPath, &context, {});
  else
    module = parseSourceFile<ModuleOp>(modelPath, &context);
  if (!module)
    return 1;

  // Observers, unless the model already has them (an instrumented .mlir).
  bool instrumented = false;
  module->walk([&](quantc::qnn::ObserveOp) { instrumented = true; });
  if (!instrumented) {
    PassManager pm(&context);
    // The method goes into each observer's recipe (where the recipe names
    // none) so that quant-run keeps the statistics it needs (a histogram
    // for the histogram methods).
    quantc::InsertObserversPassOptions options;
    options.recipe = recipe;
    options.method = method;
    options.percentile = percentile;
    pm.addPass(quantc::createInsertObserversPass(options));
    if (failed(pm.run(*module)))
      return 1;
  }

  // Calibration: quant-run JIT-compiles the instrumented model and streams
  // each --data through it into one statistics file. Nothing to calibrate
  // where every activation stays float (a weight-only recipe).
  size_t observers = 0;
  module->walk([&](quantc::qnn::ObserveOp) { ++observers; });
  llvm::SmallString<128> workDir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("quant-calibrate", workDir))
    fatal("cannot create a temporary directory: " + ec.message());
  auto cleanup = llvm::make_scope_exit(
      [&] { llvm::sys::fs::remove_directories(workDir); });
  llvm::SmallString<128> instrumentedPath(workDir), stats(workDir);
  llvm::sys::path::append(instrumentedPath, "instrumented.mlir");
  llvm::sys::path::append(stats, "stats.json");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(instrumentedPath, ec);
    if (ec)
      fatal(instrumentedPath + ": " + ec.message());
    module->print(os);
  }
  for (auto [i, data] : llvm::enumerate(dataPaths)) {
    if (observers == 0)
      break;
    SmallVector<llvm::StringRef> args{quantRun,    instrumentedPath,
                                      "--input",   data,
                                      "--calibrate", "--calibrate-stats",
                                      stats};
    if (i > 0)
      args.push_back("--calibrate-merge");
    std::string error;
    int rc = llvm::sys::ExecuteAndWait(quantRun, args, std::nullopt, {}, 0, 0,
                                       &error);
    if (rc != 0)
      fatal("calibration on --data " + data + " failed" +
            (error.empty() ? "" : ": " + error));
  }
  if (observers > 0) {
    llvm::Expected<quantc::calibration::CalibrationSession> session =
        quantc::calibration::CalibrationSession::readFile(stats);
    if (!session)
      fatal(llvm::toString(session.takeError()));
    if (llvm::Error err = quantc::annotateObservers(*module, *session,
                                                    "quant-calibrate",
                                                    llvm::errs()))
      fatal(llvm::toString(std::move(err)));
  }
  if (!statsPath.empty() && observers > 0)
    if (std::error_code ec = llvm::sys::fs::copy_file(stats, statsPath))
      fatal("--calibrate-stats " + statsPath + ": " + ec.message());

  // Ranges (the method in each observer's recipe; --method for observers
  // of an instrumented input), then quantize/dequantize pairs and
  // quantized weights.
  PassManager pm(&context);
  quantc::InferRangesPassOptions rangeOptions;
  if (instrumented) {
    rangeOptions.method = method;
    rangeOptions.percentile = percentile;
  }
  pm.addPass(quantc::createInferRangesPass(rangeOptions));
  quantc::InsertQDQPassOptions qdqOptions;
  qdqOptions.convention = convention;
  qdqOptions.recipe = recipe;
  // quant-insert-observers has warned about overrides that match nothing.
  qdqOptions.warnUnmatched = instrumented;
  pm.addPass(quantc::createInsertQDQPass(qdqOptions));
  if (failed(pm.run(*module)))
    return 1;

  std::string error;
  auto file = openOutputFile(outputPath, &error);
  if (!file)
    fatal("-o " + outputPath + ": " + error);
  module->print(file->os(), OpPrintingFlags().enableDebugInfo(
                                /*enable=*/true, /*prettyForm=*/false));
  file->keep();
  llvm::errs() << "quant-calibrate: " << observers << " observers, "
               << dataPaths.size() << " data file"
               << (dataPaths.size() == 1 ? "" : "s") << ", method " << method
               << ", recipe " << recipe << " -> " << outputPath << "\n";
  return 0;
}
