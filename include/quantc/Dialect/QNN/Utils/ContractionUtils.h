//===- ContractionUtils.h - Zero-point algebra of contractions --*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one definition of the row/column-sum algebra of quantized
// contractions (docs/Numerics.md, "Quantized contractions"): over the K
// products of output channel c,
//
//   sum_k (x - zx) * (w - zw[c])
//     = sum_k x * w - zw[c] * sum_k x + corrections[c],
//   corrections[c] = K * zx * zw[c] - zx * sum_k w[c],
//
// so the hot loop multiplies raw stored values. quant-fuse-requant stores
// `corrections` on the op (zero_point_corrections), the op verifiers check
// it, and quant-lower-qnn folds it (or computes it) with these functions.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_UTILS_CONTRACTIONUTILS_H
#define QUANTC_DIALECT_QNN_UTILS_CONTRACTIONUTILS_H

#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/IR/Value.h"

namespace quantc::qnn {

/// Where the output channel of a constant weight tensor is: its last
/// dimension (qnn.matmul's [K, N]) or its first (qnn.conv2d's [F, ...]).
enum class WeightChannelDim { Last, First };

/// What the algebra and the accumulator bound need of constant weights,
/// one entry per output channel c: sum_k w[c] of the stored values, and
/// sum_k |w - zw[c]| (the tightest bound of one output's centred sum,
/// given |x - zx| <= max).
struct ConstantWeightSums {
  llvm::SmallVector<int64_t> sums, absCentredSums;
};

/// The sums of `weights` when it is a constant of `channels` output
/// channels along `channelDim` (quantized as `w`); nullopt otherwise.
std::optional<ConstantWeightSums>
getConstantWeightSums(mlir::Value weights, const UniformParams &w,
                      int64_t channels, WeightChannelDim channelDim);

/// corrections[c] = K * zx * zw[c] - zx * sum_k w[c] for `channels`
/// output channels. Without `weightSums` the -zx * sum_k w[c] term is left
/// out (0 when zx is 0; for weights known only at run time, the lowering
/// adds it from their sums). Exact in int64 for the K and storage types
/// the verifiers admit.
llvm::SmallVector<int64_t>
computeZeroPointCorrections(int64_t k, int64_t inputZeroPoint,
                            const UniformParams &w, int64_t channels,
                            const llvm::SmallVector<int64_t> *weightSums);

/// Splitting K (docs/Numerics.md, "Splitting K"): where neither i32 bound
/// of a contraction holds, its K products are summed in chunks whose i32
/// partial sums of centred values provably fit (by the storage ranges), and
/// the chunks in i64. The most products one chunk may hold:
/// floor((2^31 - 1) / (max|x - zx| * max|w - zw|)); 0 when one product
/// alone can exceed i32 (no split proves anything).
int64_t maxProductsPerI32Chunk(const UniformParams &x, const UniformParams &w);

/// Whether `k` products of centred values plus an i32 bias sum exactly in
/// i64 (|sum| <= k * max|x - zx| * max|w - zw| + 2^31 < 2^63).
bool fitsI64Accumulator(int64_t k, const UniformParams &x,
                        const UniformParams &w);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_UTILS_CONTRACTIONUTILS_H
