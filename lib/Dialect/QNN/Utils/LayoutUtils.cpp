//===- LayoutUtils.cpp - Per-axis types through layout ops ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/LayoutUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using PerAxisType = quant::UniformQuantizedPerAxisType;

namespace {

/// `type` with the given axis, scales and zero points.
PerAxisType withParams(PerAxisType type, int32_t axis, ArrayRef<double> scales,
                       ArrayRef<int64_t> zeroPoints) {
  return PerAxisType::get(type.getFlags(), type.getStorageType(),
                          type.getExpressedType(), scales, zeroPoints, axis,
                          type.getStorageTypeMin(), type.getStorageTypeMax());
}

/// The result dimension that holds input dimension `axis` whole through a
/// reshape from `in` to `out` (row-major): one of its size with the same
/// number of elements before it. Static shapes only.
std::optional<int64_t> reshapedAxis(ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                                    int64_t axis) {
  int64_t before = 1;
  for (int64_t d = 0; d < axis; ++d)
    before *= in[d];
  int64_t prefix = 1;
  for (auto [j, size] : llvm::enumerate(out)) {
    if (prefix == before && size == in[axis])
      return int64_t(j);
    prefix *= size;
  }
  return std::nullopt;
}

} // namespace

FailureOr<PerAxisType> quantc::qnn::mapPerAxisThroughLayout(
    Operation *op, ArrayRef<PerAxisType> inputs, std::string &reason) {
  llvm::raw_string_ostream os(reason);
  if (inputs.empty())
    return failure();
  PerAxisType in = inputs.front();
  int32_t axis = in.getQuantizedDimension();
  SmallVector<double> scales(in.getScales());
  SmallVector<int64_t> zeroPoints(in.getZeroPoints());
  auto inShape = cast<ShapedType>(op->getOperand(0).getType()).getShape();
  auto outType = cast<ShapedType>(op->getResult(0).getType());

  if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
    auto position = llvm::find(transpose.getPerms(), axis);
    return withParams(in, int32_t(position - transpose.getPerms().begin()),
                      scales, zeroPoints);
  }
  if (isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
          op)) {
    if (llvm::any_of(inShape, ShapedType::isDynamic) ||
        !outType.hasStaticShape()) {
      os << "the reshape has dynamic sizes, so the quantized axis " << axis
         << " cannot be followed";
      return failure();
    }
    std::optional<int64_t> moved =
        reshapedAxis(inShape, outType.getShape(), axis);
    if (!moved) {
      os << "the reshape merges or splits the quantized axis " << axis
         << " (size " << inShape[axis]
         << "): no result dimension holds its channels whole";
      return failure();
    }
    return withParams(in, int32_t(*moved), scales, zeroPoints);
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    if (dropped.test(axis)) {
      os << "the slice drops the quantized axis " << axis;
      return failure();
    }
    int64_t offset = slice.getStaticOffsets()[axis];
    int64_t size = slice.getStaticSizes()[axis];
    int64_t stride = slice.getStaticStrides()[axis];
    if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
        ShapedType::isDynamic(stride)) {
      os << "the slice along the quantized axis " << axis << " is not static";
      return failure();
    }
    SmallVector<double> slicedScales;
    SmallVector<int64_t> slicedZeroPoints;
    for (int64_t i = 0; i < size; ++i) {
      slicedScales.push_back(scales[offset + i * stride]);
      slicedZeroPoints.push_back(zeroPoints[offset + i * stride]);
    }
    int32_t newAxis = axis;
    for (int32_t d = 0; d < axis; ++d)
      newAxis -= dropped.test(d) ? 1 : 0;
    return withParams(in, newAxis, slicedScales, slicedZeroPoints);
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (low[axis] != 0 || high[axis] != 0) {
      os << "it pads along the quantized axis " << axis
         << " (a padded channel has no scale)";
      return failure();
    }
    return in;
  }
  if (auto concat = dyn_cast<tosa::ConcatOp>(op)) {
    int32_t joined = concat.getAxis();
    SmallVector<double> allScales;
    SmallVector<int64_t> allZeroPoints;
    for (auto [i, type] : llvm::enumerate(inputs)) {
      if (type.getQuantizedDimension() != axis ||
          type.getStorageType() != in.getStorageType() ||
          type.getExpressedType() != in.getExpressedType()) {
        os << "input " << i
           << " is not quantized along the same axis and storage type as "
              "input 0";
        return failure();
      }
      if (joined != axis && (type.getScales() != in.getScales() ||
                             type.getZeroPoints() != in.getZeroPoints())) {
        os << "input " << i
           << " has other per-channel parameters than input 0, and the "
              "concat does not join along the quantized axis "
           << axis;
        return failure();
      }
      llvm::append_range(allScales, type.getScales());
      llvm::append_range(allZeroPoints, type.getZeroPoints());
    }
    if (joined != axis)
      return in;
    return withParams(in, axis, allScales, allZeroPoints);
  }
  os << "not a layout op";
  return failure();
}
