//===- quant-cuda-launch.cpp - Run quant-nvptx-pipeline kernels ---------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Loads the PTX of quant-nvptx-pipeline, creates the named device buffers,
// runs the kernel launches given (the gpu.launch_func ops of the compiled
// host code, in order) and saves buffers as .npy (docs/GPU.md). Every
// argument is checked, and every input read, before the driver is opened.
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/CUDALauncher.h"
#include "quantc/Runtime/Npy.h"

#include "llvm/ADT/Sequence.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;
namespace npy = quantc::npy;
namespace cuda = quantc::cuda;
using llvm::StringRef;

static cl::opt<std::string> ptxPath(cl::Positional, cl::desc("<kernels.ptx>"),
                                    cl::Required);
static cl::opt<int> deviceOrdinal("device", cl::desc("CUDA device ordinal"),
                                  cl::init(0));
static cl::list<std::string> buffers(
    "buffer",
    cl::desc("A device buffer: NAME=FILE.npy (uploaded) or "
             "NAME=DTYPE:SHAPE, zeroed (DTYPE i8, u8, i16, i32, i64, f16, "
             "f32, f64; SHAPE like 32x16)"),
    cl::value_desc("NAME=FILE.npy|NAME=DTYPE:SHAPE"));
static cl::list<std::string> launches(
    "launch",
    cl::desc("A kernel launch, in order: 'KERNEL GX,GY,GZ BX,BY,BZ ARG...', "
             "ARG a buffer name (its device pointer) or i32:V, i64:V, f32:V"),
    cl::value_desc("launch"));
static cl::list<std::string>
    saves("save", cl::desc("After the launches: write buffer NAME to FILE"),
          cl::value_desc("NAME=FILE.npy"));

namespace {

struct Buffer {
  npy::Array array;
  uint64_t devicePtr = 0;
  bool upload = false;
};

struct Launch {
  std::string kernel;
  cuda::Dim3 grid, block;
  // Buffer names (resolved to device pointers at launch) or scalars.
  std::vector<std::string> bufferArgs;
  std::vector<cuda::KernelArg> args;
};

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "quant-cuda-launch: error: " << message << "\n";
  std::exit(1);
}

std::optional<npy::DType> parseDTypeName(StringRef name) {
  return llvm::StringSwitch<std::optional<npy::DType>>(name)
      .Case("i8", npy::DType::I8)
      .Case("u8", npy::DType::U8)
      .Case("i16", npy::DType::I16)
      .Case("i32", npy::DType::I32)
      .Case("i64", npy::DType::I64)
      .Case("f16", npy::DType::F16)
      .Case("f32", npy::DType::F32)
      .Case("f64", npy::DType::F64)
      .Default(std::nullopt);
}

cuda::Dim3 parseDim3(StringRef text, StringRef what, StringRef launch) {
  llvm::SmallVector<StringRef> parts;
  text.split(parts, ',');
  unsigned values[3];
  if (parts.size() != 3 ||
      llvm::any_of(llvm::seq<unsigned>(0, 3), [&](unsigned i) {
        return parts[i].getAsInteger(10, values[i]) || values[i] == 0;
      }))
    fail("--launch '" + launch + "': " + what + " size '" + text +
         "' is not three positive integers X,Y,Z");
  return {values[0], values[1], values[2]};
}

void addBuffer(llvm::StringMap<Buffer> &named, StringRef spec) {
  auto [name, value] = spec.split('=');
  if (name.empty() || value.empty())
    fail("--buffer '" + spec + "': expected NAME=FILE.npy or NAME=DTYPE:SHAPE");
  if (named.count(name))
    fail("--buffer '" + spec + "': buffer '" + name + "' is defined twice");
  Buffer buffer;
  if (value.ends_with(".npy")) {
    llvm::Expected<npy::Array> array = npy::readNpy(value);
    if (!array)
      fail("--buffer '" + spec + "': " + llvm::toString(array.takeError()));
    buffer.array = std::move(*array);
    buffer.upload = true;
  } else {
    auto [dtypeName, shapeText] = value.split(':');
    std::optional<npy::DType> dtype = parseDTypeName(dtypeName);
    if (!dtype)
      fail("--buffer '" + spec + "': unknown element type '" + dtypeName +
           "' (i8, u8, i16, i32, i64, f16, f32, f64)");
    buffer.array.dtype = *dtype;
    llvm::SmallVector<StringRef> dims;
    shapeText.split(dims, 'x');
    for (StringRef dim : dims) {
      int64_t size;
      if (dim.getAsInteger(10, size) || size < 0)
        fail("--buffer '" + spec + "': shape '" + shapeText +
             "' is not sizes joined by 'x' (like 32x16)");
      buffer.array.shape.push_back(size);
    }
    buffer.array.data.assign(
        buffer.array.numElements() * npy::dtypeSize(*dtype), 0);
  }
  named[name] = std::move(buffer);
}

Launch parseLaunch(StringRef spec, const llvm::StringMap<Buffer> &named) {
  llvm::SmallVector<StringRef> words;
  llvm::SplitString(spec, words);
  if (words.size() < 3)
    fail("--launch '" + spec +
         "': expected 'KERNEL GX,GY,GZ BX,BY,BZ ARG...'");
  Launch launch;
  launch.kernel = words[0].str();
  launch.grid = parseDim3(words[1], "grid", spec);
  launch.block = parseDim3(words[2], "block", spec);
  for (StringRef word : llvm::drop_begin(words, 3)) {
    auto [kind, value] = word.split(':');
    if (!value.empty() && (kind == "i32" || kind == "i64" || kind == "f32")) {
      int64_t integer;
      double real;
      if (kind == "f32" ? value.getAsDouble(real) : value.getAsInteger(10, integer))
        fail("--launch '" + spec + "': bad scalar '" + word + "'");
      launch.args.push_back(kind == "i32"   ? cuda::KernelArg::i32(integer)
                            : kind == "i64" ? cuda::KernelArg::i64(integer)
                                            : cuda::KernelArg::f32(real));
      launch.bufferArgs.emplace_back();
      continue;
    }
    if (!named.count(word))
      fail("--launch '" + spec + "': no buffer named '" + word +
           "' (define it with --buffer)");
    launch.args.emplace_back();
    launch.bufferArgs.push_back(word.str());
  }
  return launch;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Run the kernels of quant-nvptx-pipeline's PTX on an NVIDIA GPU\n");

  auto ptxFile = llvm::MemoryBuffer::getFile(ptxPath);
  if (!ptxFile)
    fail("cannot read '" + ptxPath + "': " + ptxFile.getError().message());
  std::string ptx = (*ptxFile)->getBuffer().str();

  llvm::StringMap<Buffer> named;
  for (const std::string &spec : buffers)
    addBuffer(named, spec);
  std::vector<Launch> plan;
  for (const std::string &spec : launches)
    plan.push_back(parseLaunch(spec, named));
  std::vector<std::pair<std::string, std::string>> outputs;
  for (const std::string &spec : saves) {
    auto [name, path] = StringRef(spec).split('=');
    if (!named.count(name) || path.empty())
      fail("--save '" + spec + "': expected NAME=FILE.npy with NAME a --buffer");
    outputs.emplace_back(name.str(), path.str());
  }

  std::string error;
  std::unique_ptr<cuda::Session> session =
      cuda::Session::create(deviceOrdinal, error);
  if (!session)
    fail(error);
  if (!session->loadPTX(ptx, error))
    fail("'" + ptxPath + "': " + error);
  for (auto &entry : named) {
    Buffer &buffer = entry.getValue();
    size_t bytes = buffer.array.data.size();
    if (!session->allocate(bytes, buffer.devicePtr, error) ||
        (buffer.upload && !session->upload(buffer.devicePtr,
                                           buffer.array.data.data(), bytes,
                                           error)))
      fail("buffer '" + entry.getKey() + "': " + error);
  }
  for (Launch &launch : plan) {
    for (auto [arg, name] : llvm::zip(launch.args, launch.bufferArgs))
      if (!name.empty())
        arg = cuda::KernelArg::pointer(named[name].devicePtr);
    if (!session->launch(launch.kernel, launch.grid, launch.block, launch.args,
                         error))
      fail("kernel '" + launch.kernel + "': " + error);
  }
  for (auto &[name, path] : outputs) {
    Buffer &buffer = named[name];
    if (!session->download(buffer.array.data.data(), buffer.devicePtr,
                           buffer.array.data.size(), error))
      fail("buffer '" + name + "': " + error);
    if (llvm::Error written = npy::writeNpy(path, buffer.array))
      fail(llvm::toString(std::move(written)));
  }
  return 0;
}
