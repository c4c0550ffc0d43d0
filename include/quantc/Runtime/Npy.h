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
enum class DType { F16, F32, F64, I8, U8, I16, U16, I32, U32, I64, U64, Bool };

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
  /// "(2, 3)", as NumPy prints a shape.
  std::string shapeString() const;
  /// The C-order index of element `linear`, as "(1, 0, 2)".
  std::string indexString(int64_t linear) const;
  /// Element `linear` converted to double (exact up to 2^53 for integers).
  double elementAsDouble(int64_t linear) const;
  /// Element `linear` of an integer or bool array, exactly (i64 and u64
  /// values beyond 2^53 do not survive a double).
  __int128 elementAsInteger(int64_t linear) const;
};

/// Parses the bytes of a .npy file; `source` names them in errors. Fails for
/// a bad header, Fortran order, big-endian data or a size mismatch.
llvm::Expected<Array> parseNpy(llvm::StringRef bytes, llvm::StringRef source);

/// The bytes of the .npy file (format 1.0) holding `array`.
std::string serializeNpy(const Array &array);

/// Reads `path`. Fails with a message naming the file for a missing file or
/// anything parseNpy rejects.
llvm::Expected<Array> readNpy(llvm::StringRef path);

/// Writes `array` to `path` (format 1.0).
llvm::Error writeNpy(llvm::StringRef path, const Array &array);

/// Writes `bytes` to `path`; the error names the file.
llvm::Error writeFile(llvm::StringRef path, llvm::StringRef bytes);

} // namespace quantc::npy

#endif // QUANTC_RUNTIME_NPY_H
