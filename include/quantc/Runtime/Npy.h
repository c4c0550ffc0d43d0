//===- Npy.h - NumPy .npy arrays --------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Reading and writing NumPy's .npy format (version 1.0-3.0, C order,
// little-endian), the array exchange format of quant-run. No MLIR
// dependency.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_RUNTIME_NPY_H
#define QUANTC_RUNTIME_NPY_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quantc::npy {

/// Element types QuantC exchanges, by NumPy type string.
enum class DType { F16, F32, F64, I8, U8, I16, U16, I32, I64, Bool };

/// The NumPy type string ("<f4", "|u1", ...) of a dtype.
const char *dtypeString(DType dtype);
/// Bytes per element.
unsigned dtypeSize(DType dtype);
/// Parses a NumPy type string; fails for anything else.
llvm::Expected<DType> parseDType(llvm::StringRef descr);

/// A dense C-order array.
struct Array {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> data;

  int64_t numElements() const;
  std::string shapeString() const;
};

/// Reads `path`. Fails with a message naming the file for a missing file, a
/// bad header, Fortran order, big-endian data or a size mismatch.
llvm::Expected<Array> readNpy(llvm::StringRef path);

/// Writes `array` to `path` (format 1.0).
llvm::Error writeNpy(llvm::StringRef path, const Array &array);

} // namespace quantc::npy

#endif // QUANTC_RUNTIME_NPY_H
