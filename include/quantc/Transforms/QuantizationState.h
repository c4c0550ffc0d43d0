//===- QuantizationState.h - The quantization manifest ----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The quantization state of a module as a JSON manifest (every quantized
// tensor and every observer, keyed by its ONNX node), its SHA-256 state
// hash, and the comparison of a module with a manifest. Schema and hash:
// docs/QuantizationState.md.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_QUANTIZATIONSTATE_H
#define QUANTC_TRANSFORMS_QUANTIZATIONSTATE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace quantc {

inline constexpr llvm::StringLiteral kManifestFormat =
    "quantc-quantization-manifest";
inline constexpr int64_t kManifestVersion = 1;

/// The name a location gives an op: the first NameLoc in it (quant-import
/// names every op after its ONNX node), else the empty string.
std::string getLocationName(mlir::Location loc);

/// The manifest of `module`: format, version, requant mode, the tensors
/// sorted by name, and `state_sha256`.
llvm::json::Object buildQuantizationManifest(mlir::ModuleOp module);

/// The SHA-256 (lowercase hex) of the canonical serialization of `manifest`:
/// compact JSON with sorted keys, without `state_sha256` and without each
/// tensor's informational fields (`op`, `shape`).
std::string computeStateHash(const llvm::json::Object &manifest);

/// Reads and checks a manifest file: JSON, format, version, the tensor
/// list (each an object with a unique string `name`), and that its
/// `state_sha256` is the hash of its contents.
llvm::Expected<llvm::json::Object> readQuantizationManifest(llvm::StringRef path);

} // namespace quantc

#endif // QUANTC_TRANSFORMS_QUANTIZATIONSTATE_H
