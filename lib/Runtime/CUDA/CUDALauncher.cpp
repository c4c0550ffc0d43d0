//===- CUDALauncher.cpp - Run QuantC's PTX through the CUDA driver --------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/CUDALauncher.h"

#include <cuda.h>
#include <dlfcn.h>

#include <cstring>

using namespace quantc::cuda;

// cuda.h maps API names to versioned symbols (cuMemAlloc -> cuMemAlloc_v2);
// dlsym needs the symbol, the macro's expansion.
#define QUANTC_SYMBOL_NAME(name) QUANTC_SYMBOL_NAME_EXPANDED(name)
#define QUANTC_SYMBOL_NAME_EXPANDED(name) #name

/// The driver entry points the launcher uses, resolved from libcuda.
struct quantc::cuda::Driver {
  void *library = nullptr;
#define QUANTC_CUDA_ENTRY(name) decltype(&name) name##Fn = nullptr;
#define QUANTC_CUDA_ENTRIES                                                    \
  QUANTC_CUDA_ENTRY(cuInit)                                                    \
  QUANTC_CUDA_ENTRY(cuGetErrorName)                                            \
  QUANTC_CUDA_ENTRY(cuDeviceGet)                                               \
  QUANTC_CUDA_ENTRY(cuDeviceGetName)                                           \
  QUANTC_CUDA_ENTRY(cuDevicePrimaryCtxRetain)                                  \
  QUANTC_CUDA_ENTRY(cuDevicePrimaryCtxRelease)                                 \
  QUANTC_CUDA_ENTRY(cuCtxSetCurrent)                                           \
  QUANTC_CUDA_ENTRY(cuCtxSynchronize)                                          \
  QUANTC_CUDA_ENTRY(cuModuleLoadDataEx)                                        \
  QUANTC_CUDA_ENTRY(cuModuleUnload)                                            \
  QUANTC_CUDA_ENTRY(cuModuleGetFunction)                                       \
  QUANTC_CUDA_ENTRY(cuMemAlloc)                                                \
  QUANTC_CUDA_ENTRY(cuMemFree)                                                 \
  QUANTC_CUDA_ENTRY(cuMemsetD8)                                                \
  QUANTC_CUDA_ENTRY(cuMemcpyHtoD)                                              \
  QUANTC_CUDA_ENTRY(cuMemcpyDtoH)                                              \
  QUANTC_CUDA_ENTRY(cuLaunchKernel)
  QUANTC_CUDA_ENTRIES
#undef QUANTC_CUDA_ENTRY

  ~Driver() {
    if (library)
      dlclose(library);
  }

  bool open(std::string &error) {
    library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char *why = dlerror();
      error = std::string("cannot load the CUDA driver library libcuda.so.1 "
                          "(is an NVIDIA driver installed?): ") +
              (why ? why : "unknown error");
      return false;
    }
#define QUANTC_CUDA_ENTRY(name)                                                \
  name##Fn = reinterpret_cast<decltype(&name)>(                                \
      dlsym(library, QUANTC_SYMBOL_NAME(name)));                               \
  if (!name##Fn) {                                                             \
    error = std::string("libcuda.so.1 has no ") + QUANTC_SYMBOL_NAME(name) +   \
            " (a driver older than the CUDA headers QuantC was built with?)";  \
    return false;                                                              \
  }
    QUANTC_CUDA_ENTRIES
#undef QUANTC_CUDA_ENTRY
    return true;
  }

  /// Sets `error` to "CALL failed: CUDA_ERROR_..." unless `result` is
  /// success.
  bool check(CUresult result, const char *call, std::string &error) const {
    if (result == CUDA_SUCCESS)
      return true;
    const char *name = nullptr;
    if (result == CUDA_ERROR_STUB_LIBRARY)
      // The stub cannot name its own error.
      name = "CUDA_ERROR_STUB_LIBRARY (this libcuda.so.1 is CUDA's link "
             "stub, not a driver)";
    else if (cuGetErrorNameFn(result, &name) != CUDA_SUCCESS || !name)
      name = "unknown CUresult";
    error = std::string(call) + " failed: " + name + " (" +
            std::to_string(static_cast<int>(result)) + ")";
    return false;
  }
};

KernelArg KernelArg::pointer(uint64_t devicePtr) {
  KernelArg arg;
  CUdeviceptr ptr = static_cast<CUdeviceptr>(devicePtr);
  arg.bytes.resize(sizeof(ptr));
  std::memcpy(arg.bytes.data(), &ptr, sizeof(ptr));
  return arg;
}

template <typename T> static KernelArg scalarArg(T value) {
  KernelArg arg;
  arg.bytes.resize(sizeof(T));
  std::memcpy(arg.bytes.data(), &value, sizeof(T));
  return arg;
}
KernelArg KernelArg::i32(int32_t value) { return scalarArg(value); }
KernelArg KernelArg::i64(int64_t value) { return scalarArg(value); }
KernelArg KernelArg::f32(float value) { return scalarArg(value); }

std::unique_ptr<Session> Session::create(int ordinal, std::string &error) {
  std::unique_ptr<Session> session(new Session());
  session->driver = std::make_unique<Driver>();
  Driver &d = *session->driver;
  if (!d.open(error) || !d.check(d.cuInitFn(0), "cuInit", error))
    return nullptr;
  CUdevice device;
  if (!d.check(d.cuDeviceGetFn(&device, ordinal), "cuDeviceGet", error))
    return nullptr;
  session->device = device;
  CUcontext context;
  if (!d.check(d.cuDevicePrimaryCtxRetainFn(&context, device),
               "cuDevicePrimaryCtxRetain", error))
    return nullptr;
  session->context = context;
  if (!d.check(d.cuCtxSetCurrentFn(context), "cuCtxSetCurrent", error))
    return nullptr;
  return session;
}

Session::~Session() {
  if (!driver || !context)
    return;
  for (uint64_t ptr : allocations)
    driver->cuMemFreeFn(static_cast<CUdeviceptr>(ptr));
  if (module)
    driver->cuModuleUnloadFn(static_cast<CUmodule>(module));
  driver->cuDevicePrimaryCtxReleaseFn(device);
}

std::string Session::deviceName() const {
  char name[256] = {0};
  if (driver->cuDeviceGetNameFn(name, sizeof(name) - 1, device) !=
      CUDA_SUCCESS)
    return "unknown device";
  return name;
}

bool Session::loadPTX(const std::string &ptx, std::string &error) {
  if (module) {
    driver->cuModuleUnloadFn(static_cast<CUmodule>(module));
    module = nullptr;
  }
  // The JIT's log says which PTX line it rejects.
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1)};
  CUmodule loaded;
  if (!driver->check(driver->cuModuleLoadDataExFn(&loaded, ptx.c_str(), 2,
                                                  options, values),
                     "cuModuleLoadDataEx", error)) {
    if (log[0])
      error += std::string("; JIT log: ") + log;
    return false;
  }
  module = loaded;
  return true;
}

bool Session::allocate(size_t bytes, uint64_t &devicePtr, std::string &error) {
  CUdeviceptr ptr;
  // cuMemAlloc rejects 0 bytes; an empty buffer still needs an address.
  if (!driver->check(driver->cuMemAllocFn(&ptr, bytes ? bytes : 1),
                     "cuMemAlloc", error))
    return false;
  allocations.push_back(ptr);
  devicePtr = ptr;
  return driver->check(driver->cuMemsetD8Fn(ptr, 0, bytes ? bytes : 1),
                       "cuMemsetD8", error);
}

bool Session::upload(uint64_t devicePtr, const void *host, size_t bytes,
                     std::string &error) {
  return driver->check(
      driver->cuMemcpyHtoDFn(static_cast<CUdeviceptr>(devicePtr), host, bytes),
      "cuMemcpyHtoD", error);
}

bool Session::download(void *host, uint64_t devicePtr, size_t bytes,
                       std::string &error) {
  return driver->check(
      driver->cuMemcpyDtoHFn(host, static_cast<CUdeviceptr>(devicePtr), bytes),
      "cuMemcpyDtoH", error);
}

bool Session::launch(const std::string &kernel, Dim3 grid, Dim3 block,
                     const std::vector<KernelArg> &args, std::string &error) {
  if (!module) {
    error = "no PTX module loaded before launching '" + kernel + "'";
    return false;
  }
  CUfunction function;
  if (!driver->check(driver->cuModuleGetFunctionFn(
                         &function, static_cast<CUmodule>(module),
                         kernel.c_str()),
                     "cuModuleGetFunction", error)) {
    error += " (no kernel named '" + kernel + "' in the PTX)";
    return false;
  }
  std::vector<void *> params;
  for (const KernelArg &arg : args)
    params.push_back(const_cast<char *>(arg.bytes.data()));
  if (!driver->check(driver->cuLaunchKernelFn(
                         function, grid.x, grid.y, grid.z, block.x, block.y,
                         block.z, /*sharedMemBytes=*/0, /*stream=*/nullptr,
                         params.data(), /*extra=*/nullptr),
                     "cuLaunchKernel", error))
    return false;
  return driver->check(driver->cuCtxSynchronizeFn(), "cuCtxSynchronize",
                       error);
}
