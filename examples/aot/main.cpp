//===- main.cpp - Calling a model compiled by quant-compile -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   main IN.npy OUT.npy
//
// Runs the linear layer of linear.mlir, compiled ahead of time by
//   quant-compile linear.mlir --target=x86_64 -o linear.o
// (which also writes linear.h), on a float32 [batches*5, 32] input: one
// call per 5-row batch, half of the batches on a second thread to exercise
// the header's re-entrancy promise. Writes the float32 [batches*5, 6]
// output, which the lit test compares with quant-run's on the same input.
// Checks on its own that every output lies on the output's quantization
// grid (scale 0.5, zero point 1, int8 range).
//
//===----------------------------------------------------------------------===//

#include "linear.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kRows = 5, kIn = 32, kOut = 6;

/// Reads a little-endian float32 C-order .npy file with two dimensions.
bool readNpy(const char *path, std::vector<float> &data, long &rows,
             long &cols) {
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    return false;
  unsigned headerLength = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char *>(b), 2);
    headerLength = b[0] | b[1] << 8;
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char *>(b), 4);
    headerLength = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24;
  }
  std::string header(headerLength, '\0');
  in.read(&header[0], headerLength);
  if (header.find("'<f4'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos)
    return false;
  size_t shape = header.find("'shape': (");
  if (shape == std::string::npos ||
      std::sscanf(header.c_str() + shape, "'shape': (%ld, %ld)", &rows,
                  &cols) != 2)
    return false;
  data.resize(rows * cols);
  return static_cast<bool>(
      in.read(reinterpret_cast<char *>(data.data()), data.size() * 4));
}

bool writeNpy(const char *path, const std::vector<float> &data, long rows,
              long cols) {
  std::ostringstream dict;
  dict << "{'descr': '<f4', 'fortran_order': False, 'shape': (" << rows << ", "
       << cols << "), }";
  std::string header = dict.str();
  // Magic, version 1.0, length; the header ends in \n, padded to 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  unsigned short length = static_cast<unsigned short>(header.size());
  out.put(static_cast<char>(length & 0xff)).put(static_cast<char>(length >> 8));
  out.write(header.data(), header.size());
  out.write(reinterpret_cast<const char *>(data.data()), data.size() * 4);
  return static_cast<bool>(out);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN.npy OUT.npy\n", argv[0]);
    return 2;
  }
  std::vector<float> input;
  long rows = 0, cols = 0;
  if (!readNpy(argv[1], input, rows, cols) || cols != kIn ||
      rows % kRows != 0 || rows == 0) {
    std::fprintf(stderr, "%s: expected a float32 [5*k, 32] .npy\n", argv[1]);
    return 2;
  }
  long batches = rows / kRows;
  std::vector<float> output(rows * kOut);
  auto runBatches = [&](long first, long step) {
    for (long b = first; b < batches; b += step)
      linear(input.data() + b * kRows * kIn, output.data() + b * kRows * kOut);
  };
  std::thread other(runBatches, 1, 2);
  runBatches(0, 2);
  other.join();

  // Dequantized int8 outputs: (q - 1) * 0.5 with q in [-128, 127].
  for (float value : output) {
    float q = value / 0.5f + 1.0f;
    if (q != std::nearbyint(q) || q < -128 || q > 127) {
      std::fprintf(stderr, "output %g is not on the int8 grid\n", value);
      return 1;
    }
  }
  if (!writeNpy(argv[2], output, rows, kOut)) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  std::printf("%ld batches of %d rows: ok\n", batches, kRows);
  return 0;
}
