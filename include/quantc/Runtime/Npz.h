//===- Npz.h - NumPy .npz archives ------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// NumPy's .npz format: a zip archive of .npy files, one per named array
// (numpy.savez stores them, numpy.savez_compressed deflates them). No MLIR
// dependency.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_RUNTIME_NPZ_H
#define QUANTC_RUNTIME_NPZ_H

#include "quantc/Runtime/Npy.h"

#include "llvm/ADT/ArrayRef.h"

namespace quantc::npy {

/// An array and its name: the archive member's name without ".npy" for an
/// .npz member, empty for a plain .npy file.
struct NamedArray {
  std::string name;
  Array array;
  /// Where it came from, for messages: "a.npy" or "b.npz:x".
  std::string source;
};

/// Whether deflated members (numpy.savez_compressed) can be read: true when
/// QuantC was built with zlib.
bool canReadDeflatedNpz();

/// Reads the arrays of an .npz archive, in archive order. Members are stored
/// or deflated; zip64 records are understood. Fails with a message naming the
/// file and member for anything else (encryption, a bad CRC, a member that is
/// not a .npy file).
llvm::Expected<std::vector<NamedArray>> readNpz(llvm::StringRef path);

/// Reads `path` as an .npz archive if it starts like a zip file, else as one
/// unnamed .npy array.
llvm::Expected<std::vector<NamedArray>> readArrays(llvm::StringRef path);

/// Writes `arrays` to `path` as an uncompressed .npz archive (members
/// "<name>.npy", stored as numpy.savez stores them). Names must be unique.
llvm::Error writeNpz(llvm::StringRef path, llvm::ArrayRef<NamedArray> arrays);

} // namespace quantc::npy

#endif // QUANTC_RUNTIME_NPZ_H
