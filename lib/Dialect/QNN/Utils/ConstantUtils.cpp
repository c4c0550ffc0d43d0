//===- ConstantUtils.cpp - Elements of constant tensors ---------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Utils/ConstantUtils.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace quantc;

/// The bytes of a dense resource constant whose element type is `width`
/// bits wide (a multiple of 8), or an empty range.
static ArrayRef<char> resourceBytes(Attribute attr, unsigned &width) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource || !resource.getRawHandle().getBlob())
    return {};
  width = resource.getType().getElementTypeBitWidth();
  ArrayRef<char> data = resource.getRawHandle().getBlob()->getData();
  if (width % 8 != 0 ||
      int64_t(data.size()) != resource.getType().getNumElements() * width / 8)
    return {};
  return data;
}

std::optional<SmallVector<int64_t>> qnn::getConstantIntegers(Value value,
                                                             bool isSigned) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return getIntegerElements(attr, isSigned);
}

std::optional<SmallVector<int64_t>> qnn::getStoredIntegers(Value value,
                                                           bool isSigned) {
  if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    value = cast.getInput();
  return getConstantIntegers(value, isSigned);
}

std::optional<SmallVector<int64_t>> qnn::getIntegerElements(Attribute attr,
                                                            bool isSigned) {
  if (!attr)
    return std::nullopt;
  SmallVector<int64_t> result;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    result.reserve(dense.getNumElements());
    for (const APInt &v : dense.getValues<APInt>())
      result.push_back(isSigned ? v.getSExtValue() : int64_t(v.getZExtValue()));
    return result;
  }
  unsigned width = 0;
  ArrayRef<char> bytes = resourceBytes(attr, width);
  auto typed = dyn_cast<TypedAttr>(attr);
  auto shaped = typed ? dyn_cast<ShapedType>(typed.getType()) : ShapedType();
  if (bytes.empty() || !shaped || !shaped.getElementType().isInteger())
    return std::nullopt;
  unsigned size = width / 8;
  result.reserve(bytes.size() / size);
  for (size_t offset = 0; offset < bytes.size(); offset += size) {
    uint64_t raw = 0;
    std::memcpy(&raw, bytes.data() + offset, size); // Little-endian host.
    APInt v(width, raw);
    result.push_back(isSigned ? v.getSExtValue() : int64_t(v.getZExtValue()));
  }
  return result;
}

std::optional<SmallVector<float>> qnn::getConstantFloats(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto shaped = dyn_cast<ShapedType>(cast<TypedAttr>(attr).getType());
  if (!shaped || !shaped.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr))
    return llvm::to_vector(dense.getValues<float>());
  unsigned width = 0;
  ArrayRef<char> bytes = resourceBytes(attr, width);
  if (bytes.empty())
    return std::nullopt;
  SmallVector<float> result(bytes.size() / sizeof(float));
  std::memcpy(result.data(), bytes.data(), bytes.size());
  return result;
}
