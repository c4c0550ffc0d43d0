//===- quant-run.cpp - JIT-run a QuantC model on .npy data ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   quant-run MODEL.(mlir|onnx) --input A.(npy|npz) [...]
//             [--output OUT.npy ... | --output OUT.npz]
//             [--compare REF.(npy|npz) ...] [--time] [--threads N]
//             [--emulate-qdq]
//             [--calibrate [--calibrate-stats FILE.json [--calibrate-merge]]
//              [-o OUT.mlir] [--progress-every N]]
//             [--layer-report [--layer-report-json FILE.json]]
//             [--quant-verify-state=MANIFEST.json]
//
// The model's entry function (tensors in, tensors out) is compiled by
// quant-cpu-pipeline and run through MLIR's ExecutionEngine; each memref is
// passed as a StridedMemRefType descriptor to its _mlir_ciface_ wrapper.
// Inputs whose leading dimension is k times the model's static batch run as
// k calls on consecutive slices, on --threads workers, and the results are
// concatenated.
//
// --calibrate runs a model with qnn.observe ops (quant-insert-observers):
// each observer gets an id in the calibration runtime, quant-lower-qnn
// {calibrate} turns it into a call of kObserveCallbackName, which this tool
// registers with the JIT and forwards to quantc_observe_memref_f32; the
// statistics then go to the JSON file and, as #qnn.stats, into the IR.
//
// --layer-report compiles the model and its float twin (LayerReport.h), both
// returning every quantized activation, runs both and compares them layer
// by layer.
//
//===----------------------------------------------------------------------===//

#include "LayerReport.h"

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/InitAll.h"
#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Runtime/Calibration.h"
#include "quantc/Runtime/CalibrationCAPI.h"
#include "quantc/Runtime/Npz.h"
#include "quantc/Target/ONNX/ImportONNX.h"
#include "quantc/Transforms/Passes.h"
#include "quantc/Transforms/CalibrationStats.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

using namespace mlir;
using llvm::cl::desc;
using llvm::cl::opt;
namespace cl = llvm::cl;
namespace npy = quantc::npy;

static opt<std::string> modelPath(cl::Positional, desc("<model.mlir|onnx>"),
                                  cl::Required);
static cl::list<std::string>
    inputPaths("input",
               desc("Input .npy (one argument) or .npz (several, bound by "
                    "name or in order)"),
               cl::value_desc("file.npy|file.npz"));
static cl::list<std::string>
    outputPaths("output",
                desc("Output .npy, one per result, or one .npz for all"),
                cl::value_desc("file.npy|file.npz"));
static cl::list<std::string>
    comparePaths("compare",
                 desc("Reference .npy for result i (i-th --compare), or "
                      ".npz: prints max abs error, mismatches and SQNR; "
                      "exits 1 on a mismatch beyond --rtol/--atol"),
                 cl::value_desc("ref.npy|ref.npz"));
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
static opt<std::string>
    target("target",
           desc("Pipeline: cpu (quant-cpu-pipeline, portable scalar code) or "
                "x86 (quant-x86-pipeline, AVX-512 VNNI kernels; the host "
                "must have avx512vnni)"),
           cl::init("cpu"));
static opt<unsigned>
    kernelThreads("kernel-threads",
                  desc("--target=x86: threads of the contraction kernels "
                       "(OpenMP, libomp)"),
                  cl::init(1));
static opt<bool> kernelParallelAll(
    "kernel-parallel-all",
    desc("With --kernel-threads above 1: every kernel and transpose runs on "
         "the threads, however small (by default kernels of fewer than 2^19 "
         "multiply-adds and transposes under 128 KiB run on one thread); "
         "tests the parallel code on small shapes"),
    cl::init(false));
static opt<bool> allowNonFinite("allow-nonfinite",
                                desc("Accept NaN/Inf in float inputs"),
                                cl::init(false));
static opt<bool> timeIt("time",
                        desc("Print compile time and the median latency of "
                             "--repeat runs after one warm-up run"),
                        cl::init(false));
static opt<unsigned> repeat("repeat", desc("Runs timed by --time"),
                            cl::init(20));
static opt<uint64_t> evictCacheBytes(
    "evict-cache",
    desc("With --time: before each timed run, touch one byte per cache line "
         "of a buffer of this many bytes (e.g. 4x the last-level cache), so "
         "that weights are read from memory rather than the cache"),
    cl::init(0));
static cl::list<std::string>
    constantInputs("const-input",
                   desc("ONNX models: replace graph input NAME by the "
                        "TensorProto in FILE (NAME=FILE)"),
                   cl::value_desc("NAME=FILE.pb"));
static opt<bool> calibrate("calibrate",
                           desc("Run the model's qnn.observe ops as "
                                "calibration observers over all batches"),
                           cl::init(false));
static opt<std::string>
    calibrateStats("calibrate-stats",
                   desc("--calibrate: write the statistics file (JSON)"),
                   cl::value_desc("FILE.json"));
static opt<bool>
    calibrateMerge("calibrate-merge",
                   desc("--calibrate: merge the existing --calibrate-stats "
                        "file into this run's statistics before writing"),
                   cl::init(false));
static opt<std::string>
    calibratedModel("o",
                    desc("--calibrate: write the model with each qnn.observe "
                         "carrying its #qnn.stats"),
                    cl::value_desc("OUT.mlir"));
static opt<bool> layerReport(
    "layer-report",
    desc("Run a QDQ model and its float twin (the Q/DQ pairs removed) and "
         "print, per quantized activation, the SQNR of the integer run "
         "against the float one and the values at the storage limits and "
         "clipped, worst first"),
    cl::init(false));
static opt<std::string>
    layerReportJson("layer-report-json",
                    desc("--layer-report: also write the report as JSON"),
                    cl::value_desc("FILE.json"));
static opt<std::string> verifyStateManifest(
    "quant-verify-state",
    desc("Fail unless the model's quantization state matches this manifest "
         "(quant-export-manifest), checked before anything else"),
    cl::value_desc("manifest.json"));
static opt<unsigned>
    progressEvery("progress-every",
                  desc("Print a progress line on stderr every N batches "
                       "(0: only the final summary of --calibrate)"),
                  cl::init(0));

namespace {

[[noreturn]] void fatal(const llvm::Twine &message) {
  llvm::errs() << "quant-run: error: " << message << "\n";
  std::exit(1);
}

std::string toString(Type type) {
  std::string s;
  llvm::raw_string_ostream(s) << type;
  return s;
}

//===----------------------------------------------------------------------===//
// The entry signature
//===----------------------------------------------------------------------===//

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
    return isUnsigned ? npy::DType::U32 : npy::DType::I32;
  if (type.isInteger(64))
    return isUnsigned ? npy::DType::U64 : npy::DType::I64;
  return std::nullopt;
}

/// One tensor of the entry signature.
struct Slot {
  unsigned index;
  bool isResult;
  std::string onnxName; // empty for hand-written MLIR
  RankedTensorType type;
  npy::DType dtype;

  /// The name that binds an .npz member to this slot, and names it in an
  /// .npz output: the ONNX name, else "arg<i>" or "result<i>".
  std::string key() const {
    if (!onnxName.empty())
      return onnxName;
    return (isResult ? "result" : "arg") + std::to_string(index);
  }
  /// How messages name it: "argument 0" or "result 1 'y'".
  std::string label() const {
    std::string s =
        (isResult ? "result " : "argument ") + std::to_string(index);
    return onnxName.empty() ? s : s + " '" + onnxName + "'";
  }
  /// The static leading (batch) dimension, if the tensor has one.
  std::optional<int64_t> staticBatch() const {
    if (type.getRank() == 0 || type.isDynamicDim(0))
      return std::nullopt;
    return type.getDimSize(0);
  }
};

std::vector<Slot> describe(func::FuncOp func, bool results) {
  std::vector<Slot> slots;
  unsigned count = results ? func.getNumResults() : func.getNumArguments();
  for (unsigned i = 0; i < count; ++i) {
    Type type = results ? func.getResultTypes()[i] : func.getArgumentTypes()[i];
    DictionaryAttr attrs =
        results ? func.getResultAttrDict(i) : func.getArgAttrDict(i);
    std::string what = (results ? "result " : "argument ") + std::to_string(i);
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      fatal(what + " of @" + func.getName() + " is " + toString(type) +
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
      fatal(what + " has element type " + toString(tensor.getElementType()) +
            ", which has no .npy dtype here");
    slots.push_back({i, results, onnxName.str(), tensor, *dtype});
  }
  return slots;
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

//===----------------------------------------------------------------------===//
// Arrays in and out
//===----------------------------------------------------------------------===//

/// The arrays of `paths` in command-line order, an .npz contributing its
/// members in archive order.
std::vector<npy::NamedArray> readAll(ArrayRef<std::string> paths) {
  std::vector<npy::NamedArray> all;
  for (const std::string &path : paths) {
    llvm::Expected<std::vector<npy::NamedArray>> arrays = npy::readArrays(path);
    if (!arrays)
      fatal(llvm::toString(arrays.takeError()));
    for (npy::NamedArray &array : *arrays)
      all.push_back(std::move(array));
  }
  return all;
}

/// For each slot, the index of its array in `arrays`, or -1. By name when
/// any array is named after a slot's key (then every array must be), else
/// in order. `flag` is the option the arrays came from; with `requireAll`
/// every slot must get an array.
std::vector<int> bindArrays(ArrayRef<Slot> slots,
                            ArrayRef<npy::NamedArray> arrays, StringRef flag,
                            bool requireAll, StringRef function) {
  std::vector<int> bound(slots.size(), -1);
  auto slotNamed = [&](StringRef name) -> const Slot * {
    for (const Slot &slot : slots)
      if (!name.empty() && slot.key() == name)
        return &slot;
    return nullptr;
  };
  bool byName = llvm::any_of(arrays, [&](const npy::NamedArray &array) {
    return slotNamed(array.name) != nullptr;
  });
  bool ofResults = !slots.empty() && slots[0].isResult;
  StringRef kind = ofResults ? "result" : "argument";

  if (!byName) {
    if (requireAll ? arrays.size() != slots.size()
                   : arrays.size() > slots.size())
      fatal("@" + function + " has " + llvm::Twine(slots.size()) + " " + kind +
            "s, got " + llvm::Twine(arrays.size()) + " " + flag + " arrays");
    for (size_t i = 0; i < arrays.size(); ++i)
      bound[i] = i;
    return bound;
  }
  for (auto [i, array] : llvm::enumerate(arrays)) {
    const Slot *slot = slotNamed(array.name);
    if (!slot) {
      std::string keys;
      for (const Slot &s : slots)
        keys += (keys.empty() ? "" : ", ") + s.key();
      fatal(flag + " array " + array.source + " is not named after " +
            (ofResults ? "a result" : "an argument") + " of @" + function +
            " (" + keys + "); name all arrays or none");
    }
    if (bound[slot->index] >= 0)
      fatal(slot->label() + " is given twice: " +
            arrays[bound[slot->index]].source + " and " + array.source);
    bound[slot->index] = i;
  }
  if (requireAll)
    for (const Slot &slot : slots)
      if (bound[slot.index] < 0)
        fatal(slot.label() + " has no " + flag + " array named '" + slot.key() +
              "'");
  return bound;
}

bool isFloat(npy::DType t) {
  return t == npy::DType::F16 || t == npy::DType::F32 || t == npy::DType::F64;
}

/// Checks `input` against `slot`: dtype, shape, NaN/Inf. Returns how many
/// model calls it streams: its leading dimension over the slot's static
/// batch, or nullopt when it is passed whole (rank 0, dynamic batch).
std::optional<int64_t> checkInput(const Slot &slot,
                                  const npy::NamedArray &input) {
  const npy::Array &array = input.array;
  std::string where = slot.label() + " (" + input.source + ")";
  // No implicit conversion: the model's element type decides the dtype.
  if (array.dtype != slot.dtype)
    fatal(where + " has dtype " + npy::dtypeString(array.dtype) +
          ", the model expects " + npy::dtypeString(slot.dtype));
  ArrayRef<int64_t> expected = slot.type.getShape();
  std::optional<int64_t> batch = slot.staticBatch();
  bool shapeOk = expected.size() == array.shape.size();
  for (size_t d = 1; shapeOk && d < expected.size(); ++d)
    shapeOk =
        ShapedType::isDynamic(expected[d]) || expected[d] == array.shape[d];
  if (shapeOk && batch)
    shapeOk = *batch == 0 ? array.shape[0] == 0
                          : array.shape[0] % *batch == 0 && array.shape[0] > 0;
  if (!shapeOk)
    fatal(where + " has shape " + array.shapeString() + ", the model expects " +
          toString(slot.type) +
          (batch && *batch > 0 && expected.size() == array.shape.size()
               ? " (or a multiple of " + std::to_string(*batch) +
                     " along dimension 0, streamed in batches)"
               : ""));
  if (isFloat(array.dtype) && !allowNonFinite)
    for (int64_t e = 0, n = array.numElements(); e < n; ++e) {
      double value = array.elementAsDouble(e);
      if (!std::isfinite(value))
        fatal(where + " element " + array.indexString(e) + " is " +
              (std::isnan(value) ? "NaN" : "Inf") +
              "; pass --allow-nonfinite to run anyway");
    }
  if (!batch || *batch == 0)
    return std::nullopt;
  return array.shape[0] / *batch;
}

/// The number of calls the inputs stream, which they must agree on.
int64_t countCalls(ArrayRef<Slot> args,
                   ArrayRef<const npy::NamedArray *> inputs,
                   ArrayRef<std::optional<int64_t>> callsPerInput) {
  auto describeBatches = [&](size_t i) {
    return inputs[i]->source + " (" + args[i].label() + ") is " +
           std::to_string(*callsPerInput[i]) + " batches of " +
           std::to_string(*args[i].staticBatch());
  };
  int64_t calls = 1;
  std::optional<size_t> decidedBy;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!callsPerInput[i])
      continue;
    if (decidedBy && *callsPerInput[i] != calls)
      fatal("inputs disagree on the number of batches: " +
            describeBatches(*decidedBy) + ", " + describeBatches(i));
    calls = *callsPerInput[i];
    decidedBy = i;
  }
  if (calls == 1)
    return 1;
  // A dynamic batch dimension takes any size: which part of it belongs to
  // which call would be a guess.
  for (const Slot &slot : args)
    if (slot.type.getRank() > 0 && slot.type.isDynamicDim(0))
      fatal("cannot stream " + llvm::Twine(calls) +
            " batches: " + slot.label() + " has a dynamic leading dimension");
  return calls;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

/// A memref descriptor {allocated, aligned, offset, sizes[R], strides[R]}
/// laid out as LLVM lays out the struct (all fields 8 bytes).
struct Descriptor {
  std::vector<int64_t> words;
  explicit Descriptor(const void *data, llvm::ArrayRef<int64_t> shape) {
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

/// Runs the compiled entry on the inputs: `calls` calls on consecutive
/// slices of the batched inputs, spread over `workers` threads, results
/// concatenated along dimension 0.
class Runner {
public:
  Runner(void (*entry)(void **), ArrayRef<Slot> results,
         ArrayRef<const npy::Array *> inputs, ArrayRef<bool> batched,
         int64_t calls, unsigned workers)
      : entry(entry), results(results), inputs(inputs), batched(batched),
        calls(calls), workers(workers) {}

  std::vector<npy::Array> run() const {
    std::vector<std::vector<npy::Array>> perCall(calls);
    std::atomic<int64_t> next{0}, finished{0};
    std::mutex progressLock;
    // Each call reads its own input slices and allocates its own results;
    // the inputs are read-only (bufferization.writable = false).
    auto work = [&] {
      for (int64_t call; (call = next++) < calls;) {
        perCall[call] = callOnce(call);
        int64_t done = ++finished;
        if (progressEvery > 0 && (done % progressEvery == 0 || done == calls)) {
          std::lock_guard<std::mutex> lock(progressLock);
          llvm::errs() << "quant-run: " << done << "/" << calls << " batches\n";
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < workers; ++w)
      pool.emplace_back(work);
    work();
    for (std::thread &thread : pool)
      thread.join();
    return concatenate(perCall);
  }

private:
  std::vector<npy::Array> callOnce(int64_t call) const {
    // _mlir_ciface_<name>(results..., args...): the results come back
    // through one pointer to their descriptors, laid end to end.
    std::vector<Descriptor> argDescriptors;
    for (auto [array, isBatched] : llvm::zip_equal(inputs, batched)) {
      if (!isBatched) {
        argDescriptors.emplace_back(array->data.data(), array->shape);
        continue;
      }
      std::vector<int64_t> shape = array->shape;
      shape[0] /= calls;
      size_t sliceBytes = array->data.size() / calls;
      argDescriptors.emplace_back(array->data.data() + call * sliceBytes,
                                  shape);
    }
    size_t resultWords = 0;
    for (const Slot &slot : results)
      resultWords += 3 + 2 * slot.type.getRank();
    std::vector<int64_t> resultBuffer(std::max<size_t>(resultWords, 1));
    void *resultPointer = resultBuffer.data();
    std::vector<void *> descriptorPointers;
    for (Descriptor &d : argDescriptors)
      descriptorPointers.push_back(d.words.data());
    std::vector<void *> argPointers;
    if (!results.empty())
      argPointers.push_back(&resultPointer);
    for (void *&p : descriptorPointers)
      argPointers.push_back(&p);
    auto start = std::chrono::steady_clock::now();
    entry(argPointers.data());
    lastCallMicros = std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - start)
                         .count();

    std::vector<npy::Array> outs;
    std::set<int64_t> allocations;
    size_t at = 0;
    for (const Slot &slot : results) {
      int64_t rank = slot.type.getRank();
      const char *aligned =
          reinterpret_cast<const char *>(resultBuffer[at + 1]);
      int64_t offset = resultBuffer[at + 2];
      npy::Array out;
      out.dtype = slot.dtype;
      out.shape.assign(&resultBuffer[at + 3], &resultBuffer[at + 3 + rank]);
      const int64_t *strides = &resultBuffer[at + 3 + rank];
      unsigned size = npy::dtypeSize(slot.dtype);
      out.data.resize(out.numElements() * size);
      // Row-major results (the usual case) are one copy; the element loop
      // below, with a division per dimension and element, would otherwise
      // dominate --time for large outputs (1 MiB: milliseconds).
      bool rowMajor = true;
      for (int64_t d = rank - 1, expected = 1; d >= 0; --d) {
        rowMajor &= out.shape[d] == 1 || strides[d] == expected;
        expected *= out.shape[d];
      }
      if (rowMajor) {
        std::memcpy(out.data.data(), aligned + offset * size, out.data.size());
        allocations.insert(resultBuffer[at]);
        at += 3 + 2 * rank;
        outs.push_back(std::move(out));
        continue;
      }
      for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
        int64_t linear = offset, rest = e;
        for (int64_t d = rank - 1; d >= 0; --d) {
          linear += (rest % out.shape[d]) * strides[d];
          rest /= out.shape[d];
        }
        std::memcpy(out.data.data() + e * size, aligned + linear * size, size);
      }
      // The deallocation pipeline hands every result over owned (it clones
      // the ones it does not own), allocated by malloc. Results can share
      // one allocation (a reshape of another result is a view of its
      // buffer): each is freed once, after every result was read.
      allocations.insert(resultBuffer[at]);
      at += 3 + 2 * rank;
      outs.push_back(std::move(out));
    }
    for (int64_t allocation : allocations)
      std::free(reinterpret_cast<void *>(allocation));
    return outs;
  }

  std::vector<npy::Array>
  concatenate(std::vector<std::vector<npy::Array>> &perCall) const {
    std::vector<npy::Array> outs = std::move(perCall[0]);
    for (int64_t call = 1; call < calls; ++call)
      for (auto [slot, out, part] :
           llvm::zip_equal(results, outs, perCall[call])) {
        if (!std::equal(out.shape.begin() + 1, out.shape.end(),
                        part.shape.begin() + 1, part.shape.end()))
          fatal(slot.label() + " has shape " + part.shapeString() +
                " in batch " + llvm::Twine(call) +
                ", which does not concatenate with " + out.shapeString());
        out.shape[0] += part.shape[0];
        out.data.insert(out.data.end(), part.data.begin(), part.data.end());
      }
    return outs;
  }

public:
  /// How long the compiled function took in the last call (with one call
  /// per run: what --time reports).
  mutable double lastCallMicros = 0;

private:
  void (*entry)(void **);
  ArrayRef<Slot> results;
  ArrayRef<const npy::Array *> inputs;
  ArrayRef<bool> batched;
  int64_t calls;
  unsigned workers;
};

//===----------------------------------------------------------------------===//
// Calibration
//===----------------------------------------------------------------------===//

/// The session the JIT-compiled observers feed, and the first error they
/// met: generated code cannot stop, so the host reports after the run.
QuantcCalibrationSession *jitSession = nullptr;
std::string jitError;

/// kObserveCallbackName, as quant-lower-qnn{calibrate} calls it.
void observeFromJIT(int64_t observerId, int64_t rank, void *descriptor) {
  if (quantc_observe_memref_f32(jitSession, observerId, rank, descriptor) &&
      jitError.empty())
    jitError = quantc_calibration_last_error(jitSession);
}

/// Gives every qnn.observe of `module` an observer in `session`, in program
/// order, and records its id as the op's kObserverIdAttrName.
void addObservers(ModuleOp module, QuantcCalibrationSession *session) {
  int64_t count = 0;
  module.walk([&](quantc::qnn::ObserveOp op) {
    using quantc::qnn::CalibrationMethod;
    quantc::qnn::RecipeAttr recipe = op.getRecipe();
    // Per channel (and per group: per channel of its axis) where the
    // recipe says so.
    int64_t axis = recipe.getGranularity() == quantc::qnn::Granularity::tensor
                       ? -1
                       : recipe.getAxis().value_or(-1);
    // Only the histogram methods pay for a histogram.
    bool needsHistogram = recipe.getMethod() == CalibrationMethod::percentile ||
                          recipe.getMethod() == CalibrationMethod::entropy ||
                          recipe.getMethod() == CalibrationMethod::mse;
    int64_t bins = needsHistogram ? recipe.getNumBins().value_or(2048) : 0;
    float averaging =
        recipe.getAveragingConstant()
            ? float(recipe.getAveragingConstant().getValueAsDouble())
            : 0.01f;
    int64_t id = quantc_calibration_add_observer(
        session, op.getName().str().c_str(), axis, bins, 128, averaging);
    if (id < 0)
      fatal("--calibrate: qnn.observe '" + op.getName() +
            "': " + quantc_calibration_last_error(session));
    op->setAttr(quantc::kObserverIdAttrName,
                IntegerAttr::get(IntegerType::get(op.getContext(), 64), id));
    ++count;
  });
  if (count == 0)
    fatal("--calibrate: the model has no qnn.observe; insert observers "
          "first (quant-opt --quant-insert-observers)");
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// A JIT-compiled entry function and the engine that holds its code.
struct CompiledModel {
  std::unique_ptr<ExecutionEngine> engine;
  void (*entry)(void **);
  bool hasMutableGlobals; // shared state between concurrent calls
  double seconds;         // the pass pipeline and the JIT
};

/// Compiles `module` with quant-cpu-pipeline and JIT-compiles `entry`;
/// std::nullopt when the pipeline fails (its diagnostics are printed).
std::optional<CompiledModel> compileModel(ModuleOp module,
                                          func::FuncOp entry) {
  MLIRContext *context = module.getContext();
  std::string name = entry.getName().str();
  // The inputs are read-only for the generated code, so that repeated and
  // concurrent calls can share them.
  auto compileStart = std::chrono::steady_clock::now();
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(context));
  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    entry.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                     BoolAttr::get(context, false));
  PassManager pm(context);
  if (target == "x86") {
    quantc::X86PipelineOptions pipelineOptions;
    pipelineOptions.emulateQDQ = emulateQDQ;
    pipelineOptions.threads = kernelThreads;
    if (kernelParallelAll) {
      pipelineOptions.minParallelMultiplyAdds = 0;
      pipelineOptions.minParallelTransposeBytes = 0;
    }
    quantc::buildX86Pipeline(pm, pipelineOptions);
  } else {
    quantc::CPUPipelineOptions pipelineOptions;
    pipelineOptions.emulateQDQ = emulateQDQ;
    pipelineOptions.calibrate = calibrate;
    quantc::buildCPUPipeline(pm, pipelineOptions);
  }
  if (failed(pm.run(module)))
    return std::nullopt;
  bool hasMutableGlobals = false;
  module->walk([&](LLVM::GlobalOp global) {
    hasMutableGlobals |= !global.getConstant();
  });
  ExecutionEngineOptions engineOptions;
  // memref.copy of strided views lowers to a call of memrefCopy, which
  // MLIR's C runner utils (Debian's libmlir-22) provide.
  std::string runnerUtils =
      (llvm::Twine(MLIR_LIB_DIR) + "/libmlir_c_runner_utils.so").str();
  SmallVector<StringRef> sharedLibs{runnerUtils};
  // scf.parallel lowered through OpenMP calls LLVM's OpenMP runtime.
  std::string openmpRuntime = (llvm::Twine(MLIR_LIB_DIR) + "/libomp.so").str();
  if (target == "x86" && kernelThreads > 1)
    sharedLibs.push_back(openmpRuntime);
  engineOptions.sharedLibPaths = sharedLibs;
  // LLVM's -O3 for the host, as the JIT's code generation is: without a
  // target machine its vectorizers would see no vector registers, and the
  // loops only LLVM vectorizes (gathers, transposes, epilogues that are not
  // fused) would run as scalars, unlike quant-compile's objects.
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    fatal("cannot describe the host for the JIT: " +
          llvm::toString(hostBuilder.takeError()));
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine)
    fatal("cannot create a target machine for the host: " +
          llvm::toString(hostMachine.takeError()));
  // engineOptions.transformer is a function_ref: `optimize` and the machine
  // live to the end of this function, past the lookup below that
  // materializes (and so optimizes) the code.
  auto optimize = makeOptimizingTransformer(3, 0, hostMachine->get());
  engineOptions.transformer = optimize;
  auto engine = ExecutionEngine::create(module, engineOptions);
  if (!engine)
    fatal("JIT compilation failed: " + llvm::toString(engine.takeError()));
  if (calibrate)
    (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      symbols[interner(quantc::kObserveCallbackName)] = {
          llvm::orc::ExecutorAddr::fromPtr(&observeFromJIT),
          llvm::JITSymbolFlags::Exported};
      return symbols;
    });
  // The lookup materializes the code (ORC compiles on first lookup), so it
  // belongs to the compile time; calls then go straight to the pointer.
  (*engine)->initialize();
  auto entryPointer = (*engine)->lookupPacked("_mlir_ciface_" + name);
  if (!entryPointer)
    fatal("JIT compilation failed: " +
          llvm::toString(entryPointer.takeError()));
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - compileStart)
                       .count();
  return CompiledModel{std::move(*engine), *entryPointer, hasMutableGlobals,
                       seconds};
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

/// Prints the comparison of `got` with `ref`; returns whether they agree
/// within the tolerances.
bool compare(const Slot &slot, const npy::Array &got, const npy::Array &ref) {
  // The ONNX name alone where there is one, as the comparison lines have
  // always read.
  std::string name = slot.onnxName.empty() ? slot.label() : slot.onnxName;
  if (got.shape != ref.shape) {
    llvm::outs() << name << ": shape " << got.shapeString()
                 << " differs from the reference " << ref.shapeString() << "\n";
    return false;
  }
  double maxError = 0, signal = 0, noise = 0;
  int64_t mismatches = 0, n = got.numElements();
  // Integers are subtracted exactly: 64-bit ones lose digits in a double.
  bool integers = !isFloat(got.dtype) && !isFloat(ref.dtype);
  for (int64_t i = 0; i < n; ++i) {
    double g = got.elementAsDouble(i), r = ref.elementAsDouble(i);
    bool bothNaN = std::isnan(g) && std::isnan(r);
    double error = bothNaN ? 0.0 : std::fabs(g - r);
    if (integers) {
      __int128 difference = got.elementAsInteger(i) - ref.elementAsInteger(i);
      error = double(difference < 0 ? -difference : difference);
    }
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
  llvm::outs() << name << ": " << n << " elements, max abs error " << maxError
               << ", " << mismatches << " mismatches";
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

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // libLLVM.so registers an undocumented --threads of its own, which nothing
  // here reads; ours takes its place.
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->removeArgument();
  opt<unsigned> threadCount(
      "threads",
      desc("Worker threads that run the batch slices of streamed inputs "
           "(the generated code itself is single-threaded)"),
      cl::init(1));
  cl::ParseCommandLineOptions(
      argc, argv,
      "QuantC runner: compile a model with "
      "quant-cpu-pipeline and run it on .npy or .npz data\n");
  if (threadCount == 0)
    fatal("--threads must be at least 1");
  if (target != "cpu" && target != "x86")
    fatal("--target must be cpu or x86, got '" + target + "'");
  if (kernelThreads == 0)
    fatal("--kernel-threads must be at least 1");
  if (kernelThreads > 1 && target != "x86")
    fatal("--kernel-threads needs --target=x86");
  if (kernelParallelAll && kernelThreads < 2)
    fatal("--kernel-parallel-all needs --kernel-threads above 1");
  if (target == "x86" && calibrate)
    fatal("--calibrate runs with --target=cpu only");
  if (timeIt && repeat == 0)
    fatal("--repeat must be at least 1");
  if (evictCacheBytes && !timeIt)
    fatal("--evict-cache needs --time");
  if (!calibrate &&
      (!calibrateStats.empty() || calibrateMerge || !calibratedModel.empty()))
    fatal("--calibrate-stats, --calibrate-merge and -o need --calibrate");
  if (calibrateMerge && calibrateStats.empty())
    fatal("--calibrate-merge needs --calibrate-stats FILE.json");
  if (!layerReportJson.empty() && !layerReport)
    fatal("--layer-report-json needs --layer-report");
  if (layerReport && (calibrate || timeIt || emulateQDQ))
    fatal("--layer-report cannot be combined with --calibrate, --time or "
          "--emulate-qdq: it runs the integer code against the float twin");
  if (calibrate && timeIt)
    fatal("--calibrate and --time cannot be combined: the timed runs would "
          "be observed too");

  DialectRegistry registry;
  quantc::registerAllDialects(registry);
  quantc::registerONNXImportDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
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
  if (!verifyStateManifest.empty()) {
    PassManager verify(&context);
    verify.addPass(quantc::createVerifyStatePass({verifyStateManifest}));
    if (failed(verify.run(*module)))
      return 1;
  }
  func::FuncOp entry = findEntry(*module);
  std::string name = entry.getName().str();
  std::vector<Slot> args = describe(entry, /*results=*/false);
  std::vector<Slot> results = describe(entry, /*results=*/true);

  // Layer report: the model and its float twin return every quantized
  // activation after their own results.
  size_t modelResults = results.size();
  OwningOpRef<ModuleOp> floatTwin;
  std::vector<quantc::layer_report::Tap> taps;
  if (layerReport) {
    floatTwin = module->clone();
    auto added = quantc::layer_report::addTaps(
        entry, floatTwin->lookupSymbol<func::FuncOp>(name));
    if (!added)
      fatal(llvm::toString(added.takeError()));
    taps = std::move(*added);
    results = describe(entry, /*results=*/true);
  }
  ArrayRef<Slot> ownResults = ArrayRef<Slot>(results).take_front(modelResults);

  // Calibration: observers numbered before compiling, and the module kept
  // as it is (with its observers) to receive the statistics.
  OwningOpRef<ModuleOp> annotated;
  if (calibrate) {
    jitSession = quantc_calibration_create();
    addObservers(*module, jitSession);
    annotated = module->clone();
  }

  // Inputs.
  bool outputNpz =
      outputPaths.size() == 1 && StringRef(outputPaths[0]).ends_with(".npz");
  if (!outputPaths.empty() && !outputNpz) {
    for (const std::string &path : outputPaths)
      if (StringRef(path).ends_with(".npz"))
        fatal("--output " + path +
              ": an .npz output holds all results and is the only --output");
    if (outputPaths.size() != ownResults.size())
      fatal("@" + name + " has " + llvm::Twine(ownResults.size()) +
            " results, got " + llvm::Twine(outputPaths.size()) + " --output");
  }
  std::vector<npy::NamedArray> inputArrays = readAll(inputPaths);
  std::vector<int> inputOf =
      bindArrays(args, inputArrays, "--input", /*requireAll=*/true, name);
  std::vector<const npy::NamedArray *> inputs;
  std::vector<std::optional<int64_t>> callsPerInput;
  for (const Slot &slot : args) {
    inputs.push_back(&inputArrays[inputOf[slot.index]]);
    callsPerInput.push_back(checkInput(slot, *inputs.back()));
  }
  int64_t calls = countCalls(args, inputs, callsPerInput);
  if (calls > 1)
    for (const Slot &slot : results)
      if (slot.type.getRank() == 0)
        fatal("cannot stream " + llvm::Twine(calls) + " batches: " +
              slot.label() + " is a scalar, with no batch dimension");

  // References are read before compiling: a bad file fails fast.
  std::vector<npy::NamedArray> references = readAll(comparePaths);
  std::vector<int> referenceOf = bindArrays(ownResults, references, "--compare",
                                            /*requireAll=*/false, name);

  // Compile.
  std::optional<CompiledModel> compiled = compileModel(*module, entry);
  if (!compiled)
    return 1;
  bool hasMutableGlobals = compiled->hasMutableGlobals;
  double compileSeconds = compiled->seconds;

  // Run.
  unsigned workers = std::min<int64_t>(threadCount, calls);
  if (workers > 1 && calibrate) {
    // The calibration session is not thread-safe, and batch order matters
    // to the moving averages and the histogram.
    llvm::errs() << "quant-run: note: --calibrate runs its batches on one "
                    "thread\n";
    workers = 1;
  }
  if (workers > 1 && hasMutableGlobals) {
    llvm::errs() << "quant-run: warning: the compiled model has mutable "
                    "globals; running its batches on one thread\n";
    workers = 1;
  }
  std::vector<const npy::Array *> inputData;
  SmallVector<bool> batched;
  for (auto [input, count] : llvm::zip_equal(inputs, callsPerInput)) {
    inputData.push_back(&input->array);
    batched.push_back(count.has_value() && calls > 1);
  }
  Runner runner(compiled->entry, results, inputData, batched, calls, workers);
  std::vector<npy::Array> outputs = runner.run();
  if (layerReport) {
    std::vector<npy::Array> stored(outputs.begin() + modelResults,
                                   outputs.end());
    outputs.resize(modelResults);
    func::FuncOp twinEntry = floatTwin->lookupSymbol<func::FuncOp>(name);
    std::vector<Slot> twinResults = describe(twinEntry, /*results=*/true);
    std::optional<CompiledModel> twin = compileModel(*floatTwin, twinEntry);
    if (!twin)
      return 1;
    Runner twinRunner(twin->entry, twinResults, inputData, batched, calls,
                      twin->hasMutableGlobals ? 1 : workers);
    std::vector<npy::Array> reference = twinRunner.run();
    std::vector<quantc::layer_report::LayerError> layers;
    for (auto [i, tap] : llvm::enumerate(taps)) {
      auto layer = quantc::layer_report::compareLayer(
          tap, reference[modelResults + i], stored[i]);
      if (!layer)
        fatal(llvm::toString(layer.takeError()));
      layers.push_back(std::move(*layer));
    }
    quantc::layer_report::printReport(layers, calls, llvm::outs());
    if (!layerReportJson.empty())
      if (llvm::Error err = quantc::layer_report::writeReportJson(
              layers, calls, layerReportJson))
        fatal(llvm::toString(std::move(err)));
  }
  if (timeIt) {
    std::vector<double> samples;
    std::vector<char> evictionBuffer(evictCacheBytes);
    for (unsigned r = 0; r < repeat; ++r) {
      // Read-modify-write one byte per line (not memset: glibc streams large
      // memsets past the cache with non-temporal stores).
      volatile char *lines = evictionBuffer.data();
      for (size_t i = 0; i < evictionBuffer.size(); i += 64)
        lines[i] = lines[i] + 1;
      auto start = std::chrono::steady_clock::now();
      runner.run();
      // One call: the compiled function alone, as a library's timer would
      // time its kernel (quant-run's copy of the results into its arrays
      // is its own business). Streaming: the whole run.
      samples.push_back(calls == 1
                            ? runner.lastCallMicros
                            : std::chrono::duration<double, std::micro>(
                                  std::chrono::steady_clock::now() - start)
                                  .count());
    }
    std::sort(samples.begin(), samples.end());
    llvm::outs() << "compile: " << llvm::format("%.1f", compileSeconds * 1e3)
                 << " ms; median latency over " << repeat;
    if (calls == 1)
      llvm::outs() << " calls";
    else
      llvm::outs() << " runs (" << calls << " batches each, " << workers
                   << (workers == 1 ? " thread)" : " threads)");
    // The minimum too: on a shared machine it is the steadier figure.
    llvm::outs() << ": " << llvm::format("%.1f", samples[repeat / 2])
                 << " us (min " << llvm::format("%.1f", samples.front())
                 << " us)\n";
  }

  if (calibrate) {
    if (!jitError.empty())
      fatal("--calibrate: " + jitError);
    quantc::calibration::CalibrationSession &session =
        quantc::calibration::getSession(jitSession);
    if (calibrateMerge && llvm::sys::fs::exists(calibrateStats) &&
        quantc_calibration_merge_json(jitSession, calibrateStats.c_str()))
      fatal("--calibrate-merge: " + calibrateStats + ": " +
            quantc_calibration_last_error(jitSession));
    if (llvm::Error err = quantc::annotateObservers(*annotated, session,
                                                    "quant-run", llvm::errs()))
      fatal("--calibrate: " + llvm::toString(std::move(err)));
    if (!calibrateStats.empty() &&
        quantc_calibration_write_json(jitSession, calibrateStats.c_str()))
      fatal("--calibrate-stats: " +
            llvm::Twine(quantc_calibration_last_error(jitSession)));
    if (!calibratedModel.empty()) {
      std::string error;
      auto file = openOutputFile(calibratedModel, &error);
      if (!file)
        fatal("-o " + calibratedModel + ": " + error);
      annotated->print(file->os());
      file->keep();
    }
    llvm::errs() << "quant-run: calibrated " << session.size()
                 << " observers on " << calls
                 << (calls == 1 ? " batch\n" : " batches\n");
    quantc_calibration_destroy(jitSession);
  }

  // Results.
  if (outputNpz) {
    std::vector<npy::NamedArray> named;
    for (auto [slot, out] : llvm::zip_equal(ownResults, outputs))
      named.push_back({slot.key(), out, ""});
    if (llvm::Error err = npy::writeNpz(outputPaths[0], named))
      fatal(llvm::toString(std::move(err)));
  } else {
    for (auto [path, out] : llvm::zip(outputPaths, outputs))
      if (llvm::Error err = npy::writeNpy(path, out))
        fatal(llvm::toString(std::move(err)));
  }
  bool allMatch = true;
  for (const Slot &slot : ownResults)
    if (referenceOf[slot.index] >= 0)
      allMatch &= compare(slot, outputs[slot.index],
                          references[referenceOf[slot.index]].array);
  return allMatch ? 0 : 1;
}
