//===- CheckTarget.cpp - Early checks of the NVPTX pipeline -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-check-target: what the NVPTX backend would abort on (a chip or
// PTX version it does not take) or the later passes would reject with an
// unhelpful message (dynamic shapes at kernel boundaries), as diagnostics
// naming the option or value.
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace quantc {
#define GEN_PASS_DEF_GPUCHECKTARGETPASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// The threads a CUDA block may have.
constexpr int64_t kMaxThreadsPerBlock = 1024;

/// The minimum PTX ISA version (times 10) of each supported chip, as the
/// NVPTX backend requires it.
std::optional<int> minimumPTXVersion(StringRef chip) {
  if (chip == "sm_80")
    return 70;
  if (chip == "sm_90")
    return 78;
  return std::nullopt;
}

LogicalResult verifyTarget(ModuleOp module, StringRef chip,
                           StringRef features) {
  std::optional<int> minimum = minimumPTXVersion(chip);
  if (!minimum)
    return module.emitError() << "unsupported NVPTX chip '" << chip
                              << "': the NVPTX pipeline targets sm_80 or sm_90";
  SmallVector<StringRef> parts;
  features.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int version = 0;
    if (!part.consume_front("+ptx"))
      continue;
    if (part.getAsInteger(10, version))
      return module.emitError()
             << "malformed PTX version feature '+ptx" << part
             << "' (expected +ptxNN, e.g. +ptx80)";
    if (version < *minimum)
      return module.emitError()
             << "PTX ISA " << version / 10 << "." << version % 10
             << " ('+ptx" << version << "') does not support " << chip
             << ": it needs +ptx" << *minimum << " or later";
  }
  return success();
}

LogicalResult verifyTileSizes(ModuleOp module, ArrayRef<int64_t> tileSizes) {
  int64_t threads = 1;
  for (int64_t size : tileSizes) {
    if (size <= 0)
      return module.emitError()
             << "tile size " << size << " is not positive";
    threads *= size;
    if (threads > kMaxThreadsPerBlock) {
      std::string sizes;
      llvm::raw_string_ostream os(sizes);
      llvm::interleaveComma(tileSizes, os);
      return module.emitError()
             << "tile sizes [" << sizes << "] give more than "
             << kMaxThreadsPerBlock << " threads per block";
    }
  }
  return success();
}

/// The first value of `func` with a dynamically shaped memref type.
LogicalResult verifyStaticShapes(func::FuncOp func) {
  auto isDynamic = [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return memref && !memref.hasStaticShape();
  };
  for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
    if (isDynamic(type))
      return func.emitError()
             << "argument #" << index << " of @" << func.getSymName()
             << " has the dynamic type " << type
             << ": the NVPTX pipeline needs static shapes (kernels take "
                "bare pointers)";
  for (auto [index, type] : llvm::enumerate(func.getResultTypes()))
    if (isDynamic(type))
      return func.emitError()
             << "result #" << index << " of @" << func.getSymName()
             << " has the dynamic type " << type
             << ": the NVPTX pipeline needs static shapes (kernels take "
                "bare pointers)";
  WalkResult walk = func.walk([&](Operation *op) {
    for (Value result : op->getResults())
      if (isDynamic(result.getType())) {
        op->emitError() << "dynamically shaped buffer " << result.getType()
                        << ": the NVPTX pipeline needs static shapes "
                           "(kernels take bare pointers)";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

struct GPUCheckTargetPass
    : public quantc::impl::GPUCheckTargetPassBase<GPUCheckTargetPass> {
  using GPUCheckTargetPassBase::GPUCheckTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(verifyTarget(module, chip, features)) ||
        failed(verifyTileSizes(module, tileSizes)))
      return signalPassFailure();
    if (!staticShapes)
      return;
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(verifyStaticShapes(func)))
        return signalPassFailure();
  }
};

} // namespace
