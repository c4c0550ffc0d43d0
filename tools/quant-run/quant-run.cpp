//===- quant-run.cpp - JIT-run a QuantC model on .npy data ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   quant-run MODEL.(mlir|onnx) --input A.npy [...] --output OUT.npy [...]
//             [--compare REF.npy ...] [--time] [--emulate-qdq]
//
// The model's entry function (tensors in, tensors out) is compiled by
// quant-cpu-pipeline and run through MLIR's ExecutionEngine; each memref is
// passed as a StridedMemRefType descriptor to its _mlir_ciface_ wrapper.
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Runtime/Npy.h"
#include "quantc/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using llvm::cl::desc;
using llvm::cl::opt;
namespace cl = llvm::cl;
namespace npy = quantc::npy;

static opt<std::string> modelPath(cl::Positional, desc("<model.mlir|onnx>"),
                                  cl::Required);
static cl::list<std::string> inputPaths("input",
                                        desc("Input .npy, one per argument"),
                                        cl::value_desc("file.npy"));
static cl::list<std::string> outputPaths("output",
                                         desc("Output .npy, one per result"),
                                         cl::value_desc("file.npy"));
static cl::list<std::string>
    comparePaths("compare",
                 desc("Reference .npy for result i (i-th --compare): prints "
                      "max abs error, mismatches and SQNR; exits 1 on a "
                      "mismatch beyond --rtol/--atol"),
                 cl::value_desc("ref.npy"));
static opt<double> relTolerance("rtol", desc("Relative tolerance of --compare"),
                        cl::init(0.0));
static opt<double> absTolerance("atol", desc("Absolute tolerance of --compare"),
                        cl::init(0.0));
static opt<std::string> entryName("entry",
                                  desc("Function to run (default: the only "
                                       "public function with a body)"));
static opt<bool> emulateQDQ("emulate-qdq",
                            desc("Run QDQ form as float fake-quantization "
                                 "instead of integer code"),
                            cl::init(false));
static opt<bool> allowNonFinite("allow-nonfinite",
                                desc("Accept NaN/Inf in float inputs"),
                                cl::init(false));
static opt<bool> timeIt("time",
                        desc("Print compile time and the median latency of "
                             "--repeat calls after one warm-up call"),
                        cl::init(false));
static opt<unsigned> repeat("repeat", desc("Calls timed by --time"),
                            cl::init(20));
static cl::list<std::string>
    constantInputs("const-input",
                   desc("ONNX models: replace graph input NAME by the "
                        "TensorProto in FILE (NAME=FILE)"),
                   cl::value_desc("NAME=FILE.pb"));

namespace {

[[noreturn]] void fatal(const llvm::Twine &message) {
  llvm::errs() << "quant-run: error: " << message << "\n";
  std::exit(1);
}

/// The .npy dtype of a tensor element type; `onnxDType` (from the importer)
/// says whether an integer is unsigned.
std::optional<npy::DType> npyTypeOf(Type type, StringRef onnxDType) {
  bool isUnsigned = onnxDType.starts_with("UINT");
  if (type.isF32())
    return npy::DType::F32;
  if (type.isF64())
    return npy::DType::F64;
  if (type.isF16())
    return npy::DType::F16;
  if (type.isInteger(1))
    return npy::DType::Bool;
  if (type.isInteger(8))
    return isUnsigned ? npy::DType::U8 : npy::DType::I8;
  if (type.isInteger(16))
    return isUnsigned ? npy::DType::U16 : npy::DType::I16;
  if (type.isInteger(32))
    return npy::DType::I32;
  if (type.isInteger(64))
    return npy::DType::I64;
  return std::nullopt;
}

/// One tensor of the entry signature.
struct Slot {
  std::string name;
  RankedTensorType type;
  npy::DType dtype;
};

std::vector<Slot> describe(func::FuncOp func, bool results) {
  std::vector<Slot> slots;
  unsigned count = results ? func.getNumResults() : func.getNumArguments();
  for (unsigned i = 0; i < count; ++i) {
    Type type = results ? func.getResultTypes()[i] : func.getArgumentTypes()[i];
    DictionaryAttr attrs =
        results ? func.getResultAttrDict(i) : func.getArgAttrDict(i);
    auto tensor = dyn_cast<RankedTensorType>(type);
    std::string what = (results ? "result " : "argument ") + std::to_string(i);
    if (!tensor)
      fatal(what + " of @" + func.getName() + " is " +
            llvm::StringRef([&] {
              std::string s;
              llvm::raw_string_ostream(s) << type;
              return s;
            }()) +
            ", not a ranked tensor");
    StringRef onnxName, onnxDType;
    if (attrs) {
      if (auto name = attrs.getAs<StringAttr>("quantc.onnx_name"))
        onnxName = name.getValue();
      if (auto dtype = attrs.getAs<StringAttr>("quantc.onnx_dtype"))
        onnxDType = dtype.getValue();
    }
    std::optional<npy::DType> dtype =
        npyTypeOf(tensor.getElementType(), onnxDType);
    if (!dtype)
      fatal(what + " has unsupported element type");
    slots.push_back({onnxName.empty() ? what : onnxName.str(), tensor, *dtype});
  }
  return slots;
}

/// A memref descriptor {allocated, aligned, offset, sizes[R], strides[R]}
/// laid out as LLVM lays out the struct (all fields 8 bytes).
struct Descriptor {
  std::vector<int64_t> words;
  explicit Descriptor(void *data, llvm::ArrayRef<int64_t> shape) {
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(reinterpret_cast<int64_t>(data));
    words.push_back(0);
    words.insert(words.end(), shape.begin(), shape.end());
    std::vector<int64_t> strides(shape.size(), 1);
    for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];
    words.insert(words.end(), strides.begin(), strides.end());
  }
};

bool isFloat(npy::DType t) {
  return t == npy::DType::F16 || t == npy::DType::F32 || t == npy::DType::F64;
}

double elementAsDouble(const npy::Array &a, int64_t i) {
  const char *p = a.data.data() + i * npy::dtypeSize(a.dtype);
  switch (a.dtype) {
  case npy::DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case npy::DType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case npy::DType::F16:
    return llvm::APFloat(llvm::APFloat::IEEEhalf(),
                         llvm::APInt(16, uint16_t(uint8_t(p[0]) |
                                                  (uint8_t(p[1]) << 8))))
        .convertToDouble();
  case npy::DType::I8:
    return int8_t(p[0]);
  case npy::DType::U8:
  case npy::DType::Bool:
    return uint8_t(p[0]);
  case npy::DType::I16: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case npy::DType::U16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case npy::DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case npy::DType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return double(v);
  }
  }
  return 0;
}

/// Prints the comparison of `got` with `ref`; returns whether they agree
/// within the tolerances.
bool compare(const std::string &name, const npy::Array &got,
             const npy::Array &ref) {
  if (got.shape != ref.shape) {
    llvm::outs() << name << ": shape " << got.shapeString()
                 << " differs from the reference " << ref.shapeString()
                 << "\n";
    return false;
  }
  double maxError = 0, signal = 0, noise = 0;
  int64_t mismatches = 0, n = got.numElements();
  for (int64_t i = 0; i < n; ++i) {
    double g = elementAsDouble(got, i), r = elementAsDouble(ref, i);
    bool bothNaN = std::isnan(g) && std::isnan(r);
    double error = bothNaN ? 0.0 : std::fabs(g - r);
    if (std::isinf(g) && std::isinf(r) && (g > 0) == (r > 0))
      error = 0.0;
    if (std::isnan(error) || error > absTolerance + relTolerance * std::fabs(r))
      ++mismatches;
    if (std::isfinite(error))
      maxError = std::max(maxError, error);
    if (std::isfinite(r) && std::isfinite(error)) {
      signal += r * r;
      noise += error * error;
    }
  }
  llvm::outs() << name << ": " << n << " elements, max abs error "
               << maxError << ", " << mismatches << " mismatches";
  if (!(isFloat(ref.dtype) && (relTolerance > 0 || absTolerance > 0)))
    llvm::outs() << " (exact)";
  else
    llvm::outs() << " (rtol " << relTolerance << ", atol " << absTolerance
                 << ")";
  if (noise == 0)
    llvm::outs() << ", SQNR inf dB\n";
  else
    llvm::outs() << ", SQNR "
                 << llvm::format("%.2f", 10.0 * std::log10(signal / noise))
                 << " dB\n";
  return mismatches == 0;
}

func::FuncOp findEntry(ModuleOp module) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isDeclaration() || func.isPrivate())
      continue;
    if (!entryName.empty() && func.getName() != entryName)
      continue;
    if (entry)
      fatal("several public functions; choose one with --entry");
    entry = func;
  }
  if (!entry)
    fatal(entryName.empty() ? "no public function with a body"
                            : "no function named '" + entryName + "'");
  return entry;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  cl::ParseCommandLineOptions(argc, argv,
                              "QuantC runner: compile a model with "
                              "quant-cpu-pipeline and run it on .npy data\n");

  DialectRegistry registry;
  quantc::registerAllDialects(registry);
  quantc::registerONNXImportDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // Load.
  OwningOpRef<ModuleOp> module;
  if (StringRef(modelPath).ends_with(".onnx")) {
    quantc::ONNXImportOptions options;
    for (const std::string &binding : constantInputs) {
      auto [name, file] = StringRef(binding).split('=');
      auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false);
      if (name.empty() || !buffer)
        fatal("--const-input expects NAME=FILE with a readable FILE, got '" +
              binding + "'");
      options.constantInputs[name.str()] = (*buffer)->getBuffer().str();
    }
    module = quantc::importONNXFile(modelPath, &context, options);
  } else {
    module = parseSourceFile<ModuleOp>(modelPath, &context);
  }
  if (!module)
    return 1;
  func::FuncOp entry = findEntry(*module);
  std::string name = entry.getName().str();
  std::vector<Slot> args = describe(entry, /*results=*/false);
  std::vector<Slot> results = describe(entry, /*results=*/true);

  // Inputs.
  if (inputPaths.size() != args.size())
    fatal("@" + name + " takes " + llvm::Twine(args.size()) +
          " inputs, got " + llvm::Twine(inputPaths.size()) + " --input");
  if (!outputPaths.empty() && outputPaths.size() != results.size())
    fatal("@" + name + " has " + llvm::Twine(results.size()) +
          " results, got " + llvm::Twine(outputPaths.size()) + " --output");
  if (comparePaths.size() > results.size())
    fatal("more --compare files than results");
  std::vector<npy::Array> inputs;
  for (auto [i, slot] : llvm::enumerate(args)) {
    llvm::Expected<npy::Array> array = npy::readNpy(inputPaths[i]);
    if (!array)
      fatal(llvm::toString(array.takeError()));
    if (array->dtype != slot.dtype)
      fatal("input '" + slot.name + "' (" + inputPaths[i] + ") has dtype " +
            npy::dtypeString(array->dtype) + ", the model expects " +
            npy::dtypeString(slot.dtype));
    ArrayRef<int64_t> expected = slot.type.getShape();
    bool shapeOk = expected.size() == array->shape.size();
    for (size_t d = 0; shapeOk && d < expected.size(); ++d)
      shapeOk = ShapedType::isDynamic(expected[d]) ||
                expected[d] == array->shape[d];
    if (!shapeOk) {
      std::string s;
      llvm::raw_string_ostream(s) << slot.type;
      fatal("input '" + slot.name + "' (" + inputPaths[i] + ") has shape " +
            array->shapeString() + ", the model expects " + s);
    }
    if (isFloat(array->dtype) && !allowNonFinite)
      for (int64_t e = 0; e < array->numElements(); ++e)
        if (!std::isfinite(elementAsDouble(*array, e)))
          fatal("input '" + slot.name + "' (" + inputPaths[i] +
                ") element " + llvm::Twine(e) +
                " is NaN or Inf; pass --allow-nonfinite to run anyway");
    inputs.push_back(std::move(*array));
  }

  // Compile.
  auto compileStart = std::chrono::steady_clock::now();
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
  PassManager pm(&context);
  quantc::CPUPipelineOptions pipelineOptions;
  pipelineOptions.emulateQDQ = emulateQDQ;
  quantc::buildCPUPipeline(pm, pipelineOptions);
  if (failed(pm.run(*module)))
    return 1;
  ExecutionEngineOptions engineOptions;
  // memref.copy of strided views lowers to a call of memrefCopy, which
  // MLIR's C runner utils (Debian's libmlir-22) provide.
  std::string runnerUtils = (llvm::Twine(MLIR_LIB_DIR) +
                             "/libmlir_c_runner_utils.so")
                                .str();
  SmallVector<StringRef> sharedLibs{runnerUtils};
  engineOptions.sharedLibPaths = sharedLibs;
  auto optimize = makeOptimizingTransformer(3, 0, nullptr);
  engineOptions.transformer = optimize;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    fatal("JIT compilation failed: " + llvm::toString(engine.takeError()));
  double compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();

  // Call: _mlir_ciface_<name>(results..., args...).
  std::vector<Descriptor> argDescriptors;
  for (npy::Array &array : inputs)
    argDescriptors.emplace_back(array.data.data(), array.shape);
  size_t resultWords = 0;
  for (const Slot &slot : results)
    resultWords += 3 + 2 * slot.type.getRank();
  std::vector<int64_t> resultBuffer(std::max<size_t>(resultWords, 1));
  std::vector<void *> argPointers;
  void *resultPointer = resultBuffer.data();
  if (!results.empty())
    argPointers.push_back(&resultPointer);
  std::vector<void *> descriptorPointers;
  for (Descriptor &d : argDescriptors)
    descriptorPointers.push_back(d.words.data());
  for (void *&p : descriptorPointers)
    argPointers.push_back(&p);

  std::string symbol = "_mlir_ciface_" + name;
  auto freeResults = [&] {
    size_t at = 0;
    for (const Slot &slot : results) {
      std::free(reinterpret_cast<void *>(resultBuffer[at]));
      at += 3 + 2 * slot.type.getRank();
    }
  };
  auto call = [&] {
    if (llvm::Error err = (*engine)->invokePacked(symbol, argPointers))
      fatal("call failed: " + llvm::toString(std::move(err)));
  };
  call();
  if (timeIt) {
    std::vector<double> samples;
    for (unsigned r = 0; r < repeat; ++r) {
      freeResults();
      auto start = std::chrono::steady_clock::now();
      call();
      samples.push_back(std::chrono::duration<double, std::micro>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::sort(samples.begin(), samples.end());
    llvm::outs() << "compile: " << llvm::format("%.1f", compileSeconds * 1e3)
                 << " ms; median latency over " << repeat
                 << " calls: " << llvm::format("%.1f", samples[repeat / 2])
                 << " us\n";
  }

  // Results.
  bool allMatch = true;
  size_t at = 0;
  for (auto [i, slot] : llvm::enumerate(results)) {
    int64_t rank = slot.type.getRank();
    const char *aligned = reinterpret_cast<const char *>(resultBuffer[at + 1]);
    int64_t offset = resultBuffer[at + 2];
    npy::Array out;
    out.dtype = slot.dtype;
    out.shape.assign(&resultBuffer[at + 3], &resultBuffer[at + 3 + rank]);
    const int64_t *strides = &resultBuffer[at + 3 + rank];
    unsigned size = npy::dtypeSize(slot.dtype);
    out.data.resize(out.numElements() * size);
    for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
      int64_t linear = offset, rest = e;
      for (int64_t d = rank - 1; d >= 0; --d) {
        linear += (rest % out.shape[d]) * strides[d];
        rest /= out.shape[d];
      }
      std::memcpy(out.data.data() + e * size, aligned + linear * size, size);
    }
    at += 3 + 2 * rank;
    if (i < outputPaths.size())
      if (llvm::Error err = npy::writeNpy(outputPaths[i], out))
        fatal(llvm::toString(std::move(err)));
    if (i < comparePaths.size()) {
      llvm::Expected<npy::Array> ref = npy::readNpy(comparePaths[i]);
      if (!ref)
        fatal(llvm::toString(ref.takeError()));
      allMatch &= compare(slot.name, out, *ref);
    }
  }
  freeResults();
  return allMatch ? 0 : 1;
}
