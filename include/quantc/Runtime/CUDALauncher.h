//===- CUDALauncher.h - Run QuantC's PTX through the CUDA driver -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A small launcher over the CUDA driver API for the PTX quant-nvptx-pipeline
// writes (docs/GPU.md): load the PTX, allocate and copy buffers, launch
// kernels by name. Debian ships no libmlir_cuda_runtime, and the pipeline's
// kernels take bare device pointers, so this is all a host needs.
//
// libcuda is opened at run time (dlopen), so this builds on machines with
// cuda.h and no driver, where every call fails with a clear message.
// Nothing here has run on a GPU: the build machines have none.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_RUNTIME_CUDALAUNCHER_H
#define QUANTC_RUNTIME_CUDALAUNCHER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace quantc::cuda {

/// A grid or block size.
struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

/// One kernel parameter, by value: a device pointer (`CUdeviceptr`) or a
/// scalar, as the kernel's PTX `.param` declares it.
struct KernelArg {
  std::vector<char> bytes;

  static KernelArg pointer(uint64_t devicePtr);
  static KernelArg i32(int32_t value);
  static KernelArg i64(int64_t value);
  static KernelArg f32(float value);
};

struct Driver;

/// A context on one device with one loaded PTX module. Every method returns
/// false and sets `error` (naming the driver call and its CUresult) on
/// failure.
class Session {
public:
  /// Opens libcuda, initializes the driver and makes device `ordinal`'s
  /// primary context current. Null (with `error` set) on failure.
  static std::unique_ptr<Session> create(int ordinal, std::string &error);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// Name of the device, as the driver reports it.
  std::string deviceName() const;

  /// JIT-compiles `ptx` (NUL-terminated PTX text) with cuModuleLoadDataEx;
  /// the JIT's error log is part of `error`. Replaces a loaded module.
  bool loadPTX(const std::string &ptx, std::string &error);

  /// `bytes` of zeroed device memory, freed with the session.
  bool allocate(size_t bytes, uint64_t &devicePtr, std::string &error);
  bool upload(uint64_t devicePtr, const void *host, size_t bytes,
              std::string &error);
  bool download(void *host, uint64_t devicePtr, size_t bytes,
                std::string &error);

  /// Launches `kernel` of the loaded module with `args` in its parameter
  /// order, then waits for it (a kernel fault is reported here).
  bool launch(const std::string &kernel, Dim3 grid, Dim3 block,
              const std::vector<KernelArg> &args, std::string &error);

private:
  Session() = default;
  std::unique_ptr<Driver> driver;
  int device = 0;
  void *context = nullptr;
  void *module = nullptr;
  std::vector<uint64_t> allocations;
};

} // namespace quantc::cuda

#endif // QUANTC_RUNTIME_CUDALAUNCHER_H
