//===- ContractionUtils.cpp - Zero-point algebra of contractions -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/ContractionUtils.h"
#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cstdlib>
#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

std::optional<ConstantWeightSums>
qnn::getConstantWeightSums(Value weights, const UniformParams &w,
                           int64_t channels, WeightChannelDim channelDim) {
  if (!weights)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values =
      getStoredIntegers(weights, w.isSigned());
  if (!values || channels <= 0 || values->size() % channels != 0)
    return std::nullopt;
  int64_t perChannel = int64_t(values->size()) / channels;
  ConstantWeightSums result;
  result.sums.assign(channels, 0);
  result.absCentredSums.assign(channels, 0);
  for (auto [index, stored] : llvm::enumerate(*values)) {
    int64_t c = channelDim == WeightChannelDim::Last
                    ? int64_t(index) % channels
                    : int64_t(index) / perChannel;
    result.sums[c] += stored;
    result.absCentredSums[c] += std::abs(stored - w.zeroPoint(c));
  }
  return result;
}

SmallVector<int64_t>
qnn::computeZeroPointCorrections(int64_t k, int64_t inputZeroPoint,
                                 const UniformParams &w, int64_t channels,
                                 const SmallVector<int64_t> *weightSums) {
  SmallVector<int64_t> corrections(channels);
  for (int64_t c = 0; c < channels; ++c) {
    corrections[c] = k * inputZeroPoint * w.zeroPoint(c);
    if (weightSums)
      corrections[c] -= inputZeroPoint * (*weightSums)[c];
  }
  return corrections;
}

int64_t qnn::maxProductsPerI32Chunk(const UniformParams &x,
                                    const UniformParams &w) {
  int64_t product = x.maxAbsCentered() * w.maxAbsCentered();
  if (product == 0)
    return std::numeric_limits<int64_t>::max();
  return std::numeric_limits<int32_t>::max() / product;
}

bool qnn::fitsI64Accumulator(int64_t k, const UniformParams &x,
                             const UniformParams &w) {
  // Storage is at most 32 bits wide, so the product fits in 2^64 > 2^63;
  // __int128 keeps the bound itself exact.
  __int128 bound = __int128(k) * x.maxAbsCentered() * w.maxAbsCentered() +
                   (__int128(1) << 31);
  return bound <= std::numeric_limits<int64_t>::max();
}
