//===- quant-compile.cpp - Ahead-of-time compiler driver --------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   quant-compile MODEL.(mlir|onnx) --target=x86_64|aarch64|nvptx
//                 [--cpu=CPU] [--features=+a,-b] [--requant-mode=MODE]
//                 [--until=STAGE] [--list-stages] [--header=OUT.h] -o OUT
//
// Compiles a model to a relocatable object (or a static library, for an
// output ending in .a) and writes a C header that declares its entry points
// (docs/Tools/quant-compile.md). The model may be at any stage of the
// pipeline: the stage is detected and only the rest runs. Stages are cut
// from the target's pipeline by pass boundaries, so a target's pipeline is
// one builder (the table `targets` below) whatever it contains.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/InitAll.h"
#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>

using namespace mlir;
using llvm::cl::desc;
using llvm::cl::opt;
namespace cl = llvm::cl;

static opt<std::string> modelPath(cl::Positional, desc("<model.mlir|onnx>"));
static opt<std::string> targetName("target", desc("x86_64, aarch64 or nvptx"),
                                   cl::value_desc("target"));
static opt<std::string> cpuName("cpu", desc("CPU to compile for (default: the "
                                            "target's, see --list-stages)"));
static opt<std::string>
    featureList("features",
                desc("LLVM target features, e.g. +avx512vnni,-avx512bw "
                     "(default: the target's)"));
static opt<std::string> untilStage("until",
                                   desc("Stop after this stage and write its "
                                        "IR or assembly (see --list-stages)"));
static opt<bool> listStages("list-stages",
                            desc("Print the stages and targets, then exit"),
                            cl::init(false));
static opt<std::string>
    requantMode("requant-mode",
                desc("fp32, fixedpoint, tosa-double-round or tosa-single-round "
                     "(default: the module's qnn.requant_mode, else fp32)"));
static opt<bool>
    nvptxMma("nvptx-mma",
             desc("nvptx: int8 matmuls on tensor cores (mma.sync m16n8k32), "
                  "the rest on dp4a; false: all on dp4a (default true)"),
             cl::init(true));
static opt<unsigned>
    kernelThreads("kernel-threads",
                  desc("x86_64: threads of the int8 kernels (above 1: an "
                       "OpenMP parallel loop; the object then calls LLVM's "
                       "OpenMP runtime, link -lomp)"),
                  cl::init(1));
static opt<std::string> outputPath("o",
                                   desc("Output file (object, .a, or "
                                        "the --until stage's text)"),
                                   cl::value_desc("OUT.o|OUT.a|OUT.s|-"),
                                   cl::init("-"));
static opt<std::string>
    headerPath("header",
               desc("C header to write (default: OUT with the extension "
                    ".h; 'none' writes no header)"),
               cl::value_desc("OUT.h"));

namespace {

[[noreturn]] void fatal(const llvm::Twine &message) {
  llvm::errs() << "quant-compile: error: " << message << "\n";
  std::exit(1);
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

/// The stages in pipeline order. The MLIR ones end at a pass boundary of
/// the target's pipeline; llvmir and asm come from LLVM.
enum class Stage { Import, QNN, Linalg, Target, LLVM, LLVMIR, Asm, Object };

struct StageInfo {
  Stage stage;
  const char *name;
  const char *description;
};

const StageInfo stages[] = {
    {Stage::Import, "import",
     "the QDQ interchange form as loaded (quant-import's output)"},
    {Stage::QNN, "qnn",
     "QDQ folded into qnn ops (quant-fold-qdq, "
     "quant-fuse-requant)"},
    {Stage::Linalg, "linalg", "integer linalg on tensors (quant-lower-qnn)"},
    {Stage::Target, "target",
     "target-specific rewriting before bufferization (tiling, "
     "vectorization, dot-product instructions)"},
    {Stage::LLVM, "llvm", "the LLVM dialect"},
    {Stage::LLVMIR, "llvmir", "LLVM IR, optimized at -O3 for the target"},
    {Stage::Asm, "asm", "target assembly"},
};

const char *stageName(Stage stage) {
  for (const StageInfo &info : stages)
    if (info.stage == stage)
      return info.name;
  return "object";
}

/// The stage a loaded module is at: what is already lowered decides.
/// A module still holding quant casts beside qnn ops counts as qnn (the
/// casts around operators quant-fold-qdq leaves alone), one with vector
/// ops as target.
Stage detectStage(ModuleOp module) {
  bool hasFunc = false, hasQuant = false, hasQNN = false, hasVector = false;
  module.walk([&](Operation *op) {
    Dialect *dialect = op->getDialect();
    hasFunc |= isa<func::FuncOp>(op);
    hasQNN |= isa_and_nonnull<quantc::qnn::QNNDialect>(dialect);
    hasVector |= isa_and_nonnull<vector::VectorDialect>(dialect);
    hasQuant |= isa_and_nonnull<quant::QuantDialect>(dialect);
    for (Type type : op->getResultTypes())
      if (auto shaped = dyn_cast<ShapedType>(type))
        hasQuant |= isa<quant::QuantizedType>(shaped.getElementType());
  });
  if (!hasFunc)
    return Stage::LLVM;
  if (hasQNN)
    return Stage::QNN;
  if (hasQuant)
    return Stage::Import;
  if (hasVector)
    return Stage::Target;
  return Stage::Linalg;
}

//===----------------------------------------------------------------------===//
// Targets
//===----------------------------------------------------------------------===//

/// What the command line passes to a target's pipeline.
struct CompileOptions {
  std::string requantMode;
  std::string cpu;
  /// The LLVM feature string, e.g. "+neon,+dotprod,+i8mm".
  std::string features;
  /// nvptx: int8 matmuls on tensor cores.
  bool mma = true;
  /// x86_64: threads of the VNNI kernels.
  unsigned threads = 1;

  bool hasFeature(StringRef name) const {
    bool enabled = false;
    for (StringRef feature : llvm::split(features, ','))
      if (feature.trim().drop_front() == name)
        enabled = feature.trim().starts_with("+");
    return enabled;
  }
};

/// Builds a target's whole MLIR pipeline, QDQ form to the LLVM dialect.
using PipelineBuilder = LogicalResult (*)(OpPassManager &,
                                          const CompileOptions &);

LogicalResult buildX86_64(OpPassManager &pm, const CompileOptions &options) {
  // The VNNI kernels need the intrinsic to select: without +avx512vnni the
  // portable CPU pipeline. One thread: the object needs no OpenMP runtime.
  if (!options.hasFeature("avx512vnni")) {
    quantc::CPUPipelineOptions cpu;
    cpu.requantMode = options.requantMode;
    quantc::buildCPUPipeline(pm, cpu);
    return success();
  }
  quantc::X86PipelineOptions x86;
  x86.requantMode = options.requantMode;
  x86.threads = options.threads;
  quantc::buildX86Pipeline(pm, x86);
  return success();
}

LogicalResult buildAArch64(OpPassManager &pm, const CompileOptions &options) {
  quantc::AArch64PipelineOptions aarch64;
  aarch64.requantMode = options.requantMode;
  aarch64.i8mm = options.hasFeature("i8mm");
  aarch64.dotprod = options.hasFeature("dotprod");
  quantc::buildAArch64Pipeline(pm, aarch64);
  return success();
}

LogicalResult buildNVPTX(OpPassManager &pm, const CompileOptions &options) {
  quantc::NVPTXPipelineOptions nvptx;
  nvptx.requantMode = options.requantMode;
  nvptx.chip = options.cpu;
  nvptx.features = options.features;
  nvptx.mma = options.mma;
  quantc::buildNVPTXPipeline(pm, nvptx);
  return success();
}

struct TargetInfo {
  const char *name;
  const char *triple;
  const char *defaultCPU;
  const char *defaultFeatures;
  PipelineBuilder buildPipeline;
};

// x86_64: x86-64-v4 (AVX-512 F/BW/CD/DQ/VL, any AVX-512 CPU since
// Skylake-SP) plus VNNI, not the host: objects run on every such machine.
const TargetInfo targets[] = {
    {"x86_64", "x86_64-unknown-linux-gnu", "x86-64-v4", "+avx512vnni",
     buildX86_64},
    {"aarch64", "aarch64-unknown-linux-gnu", "generic", "+neon,+dotprod,+i8mm",
     buildAArch64},
    {"nvptx", "nvptx64-nvidia-cuda", "sm_90", "+ptx80", buildNVPTX},
};

const TargetInfo &findTarget(StringRef name) {
  for (const TargetInfo &target : targets)
    if (name == target.name)
      return target;
  fatal(name.empty() ? llvm::Twine("--target is required (x86_64, aarch64 "
                                   "or nvptx)")
                     : "unknown --target '" + name +
                           "' (expected x86_64, aarch64 or nvptx)");
}

//===----------------------------------------------------------------------===//
// Cutting a pipeline into stages
//===----------------------------------------------------------------------===//

/// The top-level elements of a textual pipeline ("a{x=1,y=2}",
/// "func.func(b,c)"), without the anchor.
SmallVector<std::string> topLevelPasses(const OpPassManager &pm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  StringRef body = text;
  // "builtin.module(...)": the anchor of a module pass manager.
  if (body.consume_front("builtin.module(") || body.consume_front("any("))
    body = body.drop_back();
  SmallVector<std::string> passes;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '(' || c == '{' || c == '[')
      ++depth;
    else if (c == ')' || c == '}' || c == ']')
      --depth;
    else if (c == ',' && depth == 0) {
      passes.push_back(body.slice(start, i).trim().str());
      start = i + 1;
    }
  }
  if (start < body.size())
    passes.push_back(body.substr(start).trim().str());
  return passes;
}

StringRef passName(StringRef element) {
  return element.take_until([](char c) { return c == '{' || c == '('; });
}

/// Index in `passes` where each MLIR stage ends: the pass boundaries
/// quant-lower-qnn and the start of bufferization.
size_t stageEnd(ArrayRef<std::string> passes, Stage stage) {
  auto find = [&](ArrayRef<StringRef> names) -> size_t {
    for (size_t i = 0; i < passes.size(); ++i)
      if (llvm::is_contained(names, passName(passes[i])))
        return i;
    fatal("the target's pipeline has no '" + names.front() +
          "' pass, where a stage boundary lies");
  };
  switch (stage) {
  case Stage::Import:
    return 0;
  case Stage::QNN:
    return find({"quant-lower-qnn"});
  case Stage::Linalg:
    return find({"quant-lower-qnn"}) + 1;
  case Stage::Target:
    return find({"empty-tensor-to-alloc-tensor", "one-shot-bufferize"});
  default:
    return passes.size();
  }
}

//===----------------------------------------------------------------------===//
// The C interface
//===----------------------------------------------------------------------===//

constexpr StringLiteral kInterfaceAttr = "quantc.c_interface";

std::string printed(Type type) {
  std::string s;
  llvm::raw_string_ostream(s) << type;
  return s;
}

/// The C element type of a tensor element type; `onnxDType` (from the
/// importer) says whether an integer is unsigned.
std::optional<std::string> cTypeOf(Type type, StringRef onnxDType) {
  bool isUnsigned = onnxDType.starts_with("UINT");
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16() || type.isBF16())
    return "uint16_t"; // the bits
  if (type.isInteger(1))
    return "uint8_t"; // one byte per element, 0 or 1
  for (unsigned width : {8, 16, 32, 64})
    if (type.isInteger(width))
      return (isUnsigned ? "uint" : "int") + std::to_string(width) + "_t";
  return std::nullopt;
}

/// Records each entry's tensor signature and C element types on the module
/// (they are gone once the functions take memrefs), marks the entries for
/// the C interface, and their arguments read-only: the generated code never
/// writes the caller's inputs.
void recordInterface(ModuleOp module) {
  MLIRContext *context = module.getContext();
  SmallVector<NamedAttribute> entries;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    auto ctypes = [&](TypeRange types, bool results) {
      SmallVector<Attribute> names;
      for (auto [i, type] : llvm::enumerate(types)) {
        std::string place = (results ? "result " : "argument ") +
                            std::to_string(i) + " of @" + func.getName().str();
        auto tensor = dyn_cast<RankedTensorType>(type);
        if (!tensor)
          fatal(place + " is not a ranked tensor: the C header needs one");
        if (!tensor.hasStaticShape())
          fatal(place + " has a dynamic shape: the C header needs static "
                        "shapes (import with a fixed batch)");
        DictionaryAttr attrs =
            results ? func.getResultAttrDict(i) : func.getArgAttrDict(i);
        StringRef dtype;
        if (attrs)
          if (auto attr = attrs.getAs<StringAttr>("quantc.onnx_dtype"))
            dtype = attr.getValue();
        std::optional<std::string> ctype =
            cTypeOf(tensor.getElementType(), dtype);
        if (!ctype)
          fatal(place + " has the element type " +
                printed(tensor.getElementType()) + ", which C cannot hold");
        names.push_back(StringAttr::get(context, *ctype));
      }
      return ArrayAttr::get(context, names);
    };
    NamedAttrList entry;
    entry.set("type", TypeAttr::get(func.getFunctionType()));
    entry.set("args", ctypes(func.getArgumentTypes(), false));
    entry.set("results", ctypes(func.getResultTypes(), true));
    entries.push_back(
        NamedAttribute(func.getNameAttr(), entry.getDictionary(context)));
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(context));
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                      BoolAttr::get(context, false));
  }
  if (entries.empty())
    fatal("the model has no public function with a body");
  module->setAttr(kInterfaceAttr, DictionaryAttr::get(context, entries));
}

std::string shapeString(RankedTensorType type) {
  std::string s;
  for (int64_t size : type.getShape())
    s += "[" + std::to_string(size) + "]";
  return s.empty() ? "(scalar)" : s;
}

/// The header: per entry, the descriptor structs of MLIR's C interface,
/// the `_mlir_ciface_` declaration, and an inline wrapper taking plain
/// pointers that copies the results into the caller's buffers. With
/// `needsMemrefCopy` (the code copies a strided view: MLIR lowers that to a
/// call of its runtime's memrefCopy), a weak definition of memrefCopy, so
/// that the object links without MLIR's runtime libraries.
std::string writeHeader(DictionaryAttr interface, StringRef guardName,
                        StringRef model, StringRef target,
                        bool needsMemrefCopy, unsigned threads) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = "QUANTC_";
  for (char c : guardName)
    guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  guard += "_H";
  os << "/* Generated by quant-compile from " << model << " for " << target
     << ". Do not edit.\n"
     << " *\n"
     << " * Each entry point takes its inputs and outputs as plain pointers "
        "to\n"
     << " * dense row-major arrays of the shapes given beside it. The caller\n"
     << " * allocates the outputs; inputs are only read. The functions are\n"
     << " * re-entrant: they write no global state, so concurrent calls on\n"
     << " * different buffers are safe. Temporaries come from malloc.\n";
  if (threads > 1)
    os << " *\n"
       << " * Compiled with --kernel-threads=" << threads << ": the int8 kernels run "
          "on\n"
       << " * OpenMP threads; link LLVM's OpenMP runtime (-lomp, Debian's\n"
       << " * libomp-22-dev: -L/usr/lib/llvm-22/lib -lomp).\n";
  os << " * See docs/Tools/quant-compile.md. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#ifndef QUANTC_COPY_STRIDED_DEFINED\n"
     << "#define QUANTC_COPY_STRIDED_DEFINED\n"
     << "/* Copies a strided view (MLIR memref) into a dense row-major "
        "array:\n"
     << " * one memcpy when the view is row-major already (the usual "
        "case). */\n"
     << "static inline void quantc_copy_strided(char *dst, const char *src,\n"
     << "    int64_t rank, const int64_t *sizes, const int64_t *strides,\n"
     << "    size_t elem) {\n"
     << "  int64_t n = 1, i, d, expected = 1;\n"
     << "  int row_major = 1;\n"
     << "  for (d = rank - 1; d >= 0; --d) {\n"
     << "    if (sizes[d] != 1 && strides[d] != expected) row_major = 0;\n"
     << "    expected *= sizes[d];\n"
     << "  }\n"
     << "  for (d = 0; d < rank; ++d) n *= sizes[d];\n"
     << "  if (row_major) {\n"
     << "    memcpy(dst, src, (size_t)n * elem);\n"
     << "    return;\n"
     << "  }\n"
     << "  for (i = 0; i < n; ++i) {\n"
     << "    int64_t rest = i, at = 0;\n"
     << "    for (d = rank - 1; d >= 0; --d) {\n"
     << "      at += (rest % sizes[d]) * strides[d];\n"
     << "      rest /= sizes[d];\n"
     << "    }\n"
     << "    memcpy(dst + i * elem, src + at * elem, elem);\n"
     << "  }\n"
     << "}\n#endif\n\n";
  if (needsMemrefCopy)
    os << "#ifndef QUANTC_MEMREF_COPY_DEFINED\n"
       << "#define QUANTC_MEMREF_COPY_DEFINED\n"
       << "/* The strided copy the generated code calls, as MLIR's runtime\n"
       << " * (libmlir_c_runner_utils) defines it; weak, so that one copy\n"
       << " * remains however many files include this header. */\n"
       << "typedef struct { int64_t rank; void *descriptor; } "
          "quantc_unranked_memref_t;\n"
       << "__attribute__((weak)) void memrefCopy(int64_t elem,\n"
       << "    quantc_unranked_memref_t *src, quantc_unranked_memref_t *dst) "
          "{\n"
       << "  /* {allocated, aligned, offset, sizes[rank], strides[rank]} */\n"
       << "  const int64_t *s = (const int64_t *)src->descriptor;\n"
       << "  const int64_t *d = (const int64_t *)dst->descriptor;\n"
       << "  int64_t rank = src->rank, n = 1, i, k;\n"
       << "  const char *from = (const char *)(intptr_t)s[1];\n"
       << "  char *to = (char *)(intptr_t)d[1];\n"
       << "  for (k = 0; k < rank; ++k) n *= s[3 + k];\n"
       << "  for (i = 0; i < n; ++i) {\n"
       << "    int64_t rest = i, a = s[2], b = d[2];\n"
       << "    for (k = rank - 1; k >= 0; --k) {\n"
       << "      int64_t index = rest % s[3 + k];\n"
       << "      rest /= s[3 + k];\n"
       << "      a += index * s[3 + rank + k];\n"
       << "      b += index * d[3 + rank + k];\n"
       << "    }\n"
       << "    memcpy(to + b * elem, from + a * elem, (size_t)elem);\n"
       << "  }\n"
       << "}\n#endif\n\n";
  for (NamedAttribute named : interface) {
    std::string name = named.getName().str();
    auto entry = cast<DictionaryAttr>(named.getValue());
    auto type =
        cast<FunctionType>(cast<TypeAttr>(entry.get("type")).getValue());
    auto argTypes = cast<ArrayAttr>(entry.get("args"));
    auto resultTypes = cast<ArrayAttr>(entry.get("results"));
    auto ctype = [](Attribute attr) {
      return cast<StringAttr>(attr).getValue().str();
    };
    auto descriptor = [&](StringRef element, int64_t rank,
                          const std::string &structName) {
      os << "typedef struct {\n  " << element << " *allocated;\n  " << element
         << " *aligned;\n  int64_t offset;\n";
      if (rank > 0)
        os << "  int64_t sizes[" << rank << "];\n  int64_t strides[" << rank
           << "];\n";
      os << "} " << structName << ";\n";
    };
    std::string prefix = "quantc_" + name;
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      descriptor(ctype(argTypes[i]), cast<RankedTensorType>(t).getRank(),
                 prefix + "_arg" + std::to_string(i) + "_t");
    for (auto [i, t] : llvm::enumerate(type.getResults()))
      descriptor(ctype(resultTypes[i]), cast<RankedTensorType>(t).getRank(),
                 prefix + "_result" + std::to_string(i) + "_t");
    unsigned numResults = type.getNumResults();
    if (numResults > 1) {
      os << "typedef struct {\n";
      for (unsigned i = 0; i < numResults; ++i)
        os << "  " << prefix << "_result" << i << "_t r" << i << ";\n";
      os << "} " << prefix << "_results_t;\n";
    }
    std::string resultStruct =
        numResults == 1 ? prefix + "_result0_t" : prefix + "_results_t";
    // MLIR's C interface: results through a pointer first (none if there
    // are none), then a descriptor pointer per argument.
    os << "void _mlir_ciface_" << name << "(";
    SmallVector<std::string> params;
    if (numResults > 0)
      params.push_back(resultStruct + " *");
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      params.push_back(prefix + "_arg" + std::to_string(i) + "_t *");
    os << llvm::join(params, ", ") << (params.empty() ? "void" : "")
       << ");\n\n";

    // The wrapper.
    os << "/* " << name << ":\n";
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      os << " *   in" << i << ":  const " << ctype(argTypes[i]) << " "
         << shapeString(cast<RankedTensorType>(t)) << "\n";
    for (auto [i, t] : llvm::enumerate(type.getResults()))
      os << " *   out" << i << ": " << ctype(resultTypes[i]) << " "
         << shapeString(cast<RankedTensorType>(t)) << "\n";
    os << " */\nstatic inline void " << name << "(";
    SmallVector<std::string> args;
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      args.push_back("const " + ctype(argTypes[i]) + " *in" +
                     std::to_string(i));
    for (auto [i, t] : llvm::enumerate(type.getResults()))
      args.push_back(ctype(resultTypes[i]) + " *out" + std::to_string(i));
    os << llvm::join(args, ", ") << (args.empty() ? "void" : "") << ") {\n";
    SmallVector<std::string> callArgs;
    if (numResults > 0) {
      os << "  " << resultStruct << " res;\n";
      callArgs.push_back("&res");
    }
    for (auto [i, t] : llvm::enumerate(type.getInputs())) {
      auto tensor = cast<RankedTensorType>(t);
      std::string a = "a" + std::to_string(i);
      std::string element = ctype(argTypes[i]);
      os << "  " << prefix << "_arg" << i << "_t " << a << ";\n"
         << "  " << a << ".allocated = " << a << ".aligned = (" << element
         << " *)in" << i << ";\n  " << a << ".offset = 0;\n";
      int64_t stride = 1;
      for (int64_t d = tensor.getRank() - 1; d >= 0; --d) {
        os << "  " << a << ".sizes[" << d << "] = " << tensor.getDimSize(d)
           << "; " << a << ".strides[" << d << "] = " << stride << ";\n";
        stride *= tensor.getDimSize(d);
      }
      callArgs.push_back("&" + a);
    }
    os << "  _mlir_ciface_" << name << "(" << llvm::join(callArgs, ", ")
       << ");\n";
    // Every result is owned by the caller of _mlir_ciface_ (the
    // deallocation pipeline clones what it does not own); results may
    // share one allocation (a view of another result), so all are copied
    // before each allocation is freed once.
    auto resultName = [&](unsigned i) {
      return numResults == 1 ? std::string("res") : "res.r" + std::to_string(i);
    };
    for (auto [i, t] : llvm::enumerate(type.getResults())) {
      auto tensor = cast<RankedTensorType>(t);
      std::string r = resultName(i);
      std::string element = ctype(resultTypes[i]);
      if (tensor.getRank() == 0)
        os << "  memcpy(out" << i << ", " << r << ".aligned + " << r
           << ".offset, sizeof(" << element << "));\n";
      else
        os << "  quantc_copy_strided((char *)out" << i << ", (const char *)("
           << r << ".aligned + " << r << ".offset), " << tensor.getRank()
           << ", " << r << ".sizes, " << r << ".strides, sizeof(" << element
           << "));\n";
    }
    for (unsigned i = 0; i < numResults; ++i) {
      SmallVector<std::string> distinct;
      for (unsigned j = 0; j < i; ++j)
        distinct.push_back("(void *)" + resultName(i) +
                           ".allocated != (void *)" + resultName(j) +
                           ".allocated");
      if (!distinct.empty())
        os << "  if (" << llvm::join(distinct, " && ") << ")\n  ";
      os << "  free(" << resultName(i) << ".allocated);\n";
    }
    os << "}\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

void writeFile(StringRef path, StringRef contents) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    fatal("cannot write " + path + ": " + error);
  file->os() << contents;
  file->keep();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  mlir::registerAllPasses();
  quantc::registerAllPasses();
  cl::ParseCommandLineOptions(
      argc, argv,
      "QuantC ahead-of-time compiler: a model to an object file and a C "
      "header\n");

  if (listStages) {
    llvm::outs() << "stages (--until):\n";
    for (const StageInfo &info : stages)
      llvm::outs() << "  " << info.name << ": " << info.description << "\n";
    llvm::outs() << "targets (--target):\n";
    for (const TargetInfo &target : targets)
      llvm::outs() << "  " << target.name << ": " << target.triple
                   << ", --cpu=" << target.defaultCPU
                   << ", --features=" << target.defaultFeatures << "\n";
    return 0;
  }
  if (modelPath.empty())
    fatal("no model given");
  const TargetInfo &target = findTarget(targetName);
  Stage until = Stage::Object;
  if (!untilStage.empty()) {
    auto it = llvm::find_if(
        stages, [](const StageInfo &info) { return untilStage == info.name; });
    if (it == std::end(stages)) {
      std::string names;
      for (const StageInfo &info : stages)
        names += std::string(names.empty() ? "" : ", ") + info.name;
      fatal("unknown stage '" + untilStage + "' for --until (stages: " + names +
            ")");
    }
    until = it->stage;
  }
  if (until == Stage::Object && outputPath == "-")
    fatal("an object file needs -o OUT.o or -o OUT.a");
  if (!requantMode.empty() &&
      !llvm::is_contained(
          {"fp32", "fixedpoint", "tosa-double-round", "tosa-single-round"},
          requantMode))
    fatal("unknown --requant-mode '" + requantMode +
          "' (expected fp32, fixedpoint, tosa-double-round or "
          "tosa-single-round)");

  DialectRegistry registry;
  quantc::registerAllDialects(registry);
  quantc::registerONNXImportDialects(registry);
  registry.insert<vector::VectorDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerArmNeonDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module;
  if (StringRef(modelPath).ends_with(".onnx"))
    module = quantc::importONNXFile(modelPath, &context, {});
  else
    module = parseSourceFile<ModuleOp>(modelPath, &context);
  if (!module)
    return 1;

  CompileOptions options;
  options.requantMode = requantMode;
  options.cpu =
      cpuName.empty() ? std::string(target.defaultCPU) : std::string(cpuName);
  options.features = featureList.getNumOccurrences()
                         ? std::string(featureList)
                         : std::string(target.defaultFeatures);
  if (nvptxMma.getNumOccurrences() && StringRef(target.name) != "nvptx")
    fatal("--nvptx-mma applies to --target=nvptx only");
  options.mma = nvptxMma;
  if (kernelThreads == 0)
    fatal("--kernel-threads must be at least 1");
  if (kernelThreads > 1 && StringRef(target.name) != "x86_64")
    fatal("--kernel-threads applies to --target=x86_64 only");
  options.threads = kernelThreads;
  if (kernelThreads > 1 && !options.hasFeature("avx512vnni"))
    fatal("--kernel-threads runs the VNNI kernels on several threads: it needs "
          "+avx512vnni in --features");
  const std::string &cpu = options.cpu, &features = options.features;

  // The target machine first: a bad --cpu fails before any work.
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    fatal(llvm::Twine(target.name) + ": " + error);
  if (!llvmTarget->hasTargetMachine())
    fatal(llvm::Twine(target.name) + ": LLVM has no code generator for it");
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_));
  if (!machine)
    fatal("cannot create a target machine for " + triple.str());
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu))
    fatal("unknown --cpu '" + cpu + "' for " + target.name);

  // The MLIR stages.
  Stage from = detectStage(*module);
  if (until <= Stage::LLVM && until < from)
    fatal(modelPath + " is already at stage '" + stageName(from) +
          "', past --until=" + untilStage);
  bool needsInterface = until > Stage::LLVMIR;
  if (from < Stage::LLVM && !module->getOperation()->hasAttr(kInterfaceAttr))
    recordInterface(*module);
  if (from < Stage::LLVM) {
    PassManager full(&context);
    if (failed(target.buildPipeline(full, options)))
      return 1;
    SmallVector<std::string> passes = topLevelPasses(full);
    size_t begin = from == Stage::Import ? 0 : stageEnd(passes, from);
    size_t end = stageEnd(passes, std::min(until, Stage::LLVM));
    PassManager pm(&context);
    std::string slice = llvm::join(
        ArrayRef<std::string>(passes).slice(begin, end - begin), ",");
    if (failed(parsePassPipeline(slice, pm, llvm::errs())))
      fatal("cannot rebuild the target's pipeline from its text");
    if (failed(pm.run(*module)))
      return 1;
  } else if (!requantMode.empty()) {
    fatal("--requant-mode has no effect on a module already in the LLVM "
          "dialect (its requantization is compiled)");
  }
  if (until <= Stage::LLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    writeFile(outputPath, text);
    return 0;
  }

  // nvptx: the product is the PTX text of the kernels (docs/GPU.md says how
  // to launch them); the host side stays in the module.
  if (StringRef(target.name) == "nvptx") {
    if (until == Stage::LLVMIR)
      fatal("nvptx: --until=llvmir is not available (the PTX is the "
            "assembly: --until=asm or no --until)");
    FailureOr<std::string> ptx = quantc::extractPTX(*module);
    if (failed(ptx))
      return 1;
    writeFile(outputPath, *ptx);
    return 0;
  }

  // Thread safety: a mutable global would be state shared between calls.
  module->walk([&](LLVM::GlobalOp global) {
    if (!global.getConstant())
      fatal("the compiled module has a mutable global '" + global.getSymName() +
            "': the entry points would not be "
            "re-entrant");
  });
  auto interface =
      module->getOperation()->getAttrOfType<DictionaryAttr>(kInterfaceAttr);
  if (needsInterface && !interface && headerPath != "none")
    fatal(modelPath + " is in the LLVM dialect without its " +
          kInterfaceAttr.str() +
          " (written by quant-compile --until=llvm): the C header cannot "
          "be written; pass --header=none");
  module->getOperation()->removeAttr(kInterfaceAttr);
  bool needsMemrefCopy = bool(module->lookupSymbol("memrefCopy"));
  // The object's interface is _mlir_ciface_NAME alone: MLIR's expanded
  // calling convention under the entry's own name would clash with the
  // header's wrapper of that name, so it becomes internal (and is inlined).
  if (interface)
    for (NamedAttribute entry : interface)
      if (auto func = module->lookupSymbol<LLVM::LLVMFuncOp>(entry.getName()))
        if (module->lookupSymbol<LLVM::LLVMFuncOp>(
                ("_mlir_ciface_" + entry.getName().strref()).str()))
          func.setLinkage(LLVM::Linkage::Internal);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, modelPath);
  if (!llvmModule)
    fatal("translation to LLVM IR failed");
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error err =
          makeOptimizingTransformer(3, 0, machine.get())(llvmModule.get()))
    fatal("LLVM optimization failed: " + llvm::toString(std::move(err)));
  if (until == Stage::LLVMIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    writeFile(outputPath, text);
    return 0;
  }

  llvm::SmallVector<char, 0> code;
  {
    llvm::raw_svector_ostream os(code);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     until == Stage::Asm
                                         ? llvm::CodeGenFileType::AssemblyFile
                                         : llvm::CodeGenFileType::ObjectFile))
      fatal(llvm::Twine(target.name) + ": cannot emit this file type");
    codegen.run(*llvmModule);
  }
  StringRef bytes(code.data(), code.size());
  if (until == Stage::Asm) {
    writeFile(outputPath, bytes);
    return 0;
  }
  if (StringRef(outputPath).ends_with(".a")) {
    std::string member = llvm::sys::path::stem(outputPath).str() + ".o";
    std::vector<llvm::NewArchiveMember> members;
    members.emplace_back(llvm::MemoryBufferRef(bytes, member));
    if (llvm::Error err = llvm::writeArchive(
            outputPath, members, llvm::SymtabWritingMode::NormalSymtab,
            llvm::object::Archive::K_GNU, /*Deterministic=*/true,
            /*Thin=*/false))
      fatal("cannot write " + outputPath + ": " +
            llvm::toString(std::move(err)));
  } else {
    writeFile(outputPath, bytes);
  }

  if (headerPath == "none")
    return 0;
  std::string header = headerPath;
  if (header.empty()) {
    SmallString<128> path(outputPath);
    llvm::sys::path::replace_extension(path, ".h");
    header = path.str().str();
  }
  writeFile(header, writeHeader(interface, llvm::sys::path::stem(header),
                                llvm::sys::path::filename(modelPath),
                                target.name, needsMemrefCopy, kernelThreads));
  return 0;
}
