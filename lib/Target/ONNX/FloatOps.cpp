//===- FloatOps.cpp - ONNX float ops to TOSA and linalg -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

using namespace mlir;
using namespace quantc::onnx_import;

//===----------------------------------------------------------------------===//
// Float ops
//===----------------------------------------------------------------------===//

LogicalResult ONNXImporter::importElementwiseBinary(const Node &node) {
  FailureOr<GraphValue> lhs = input(node, 0), rhs = input(node, 1);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(lhs) || failed(rhs) || failed(type))
    return failure();
  Value l = broadcastTo(lhs->value, type->getRank());
  Value r = broadcastTo(rhs->value, type->getRank());
  bool isFloat = isa<FloatType>(type->getElementType());
  Value result;
  StringRef op = node.op_type();
  if (op == "Add")
    result = tosa::AddOp::create(b, loc, *type, l, r);
  else if (op == "Sub")
    result = tosa::SubOp::create(b, loc, *type, l, r);
  else if (op == "Mul")
    result = tosa::MulOp::create(b, loc, *type, l, r, zeroShift());
  else if (op == "Div" && isFloat)
    result = divide(l, r, *type);
  else if (op == "Div" && isa<IntegerType>(type->getElementType()))
    result = divide(l, r, *type, isUnsignedDtype(lhs->dtype));
  else
    return nodeError(node) << "element type " << type->getElementType()
                           << " is not supported";
  define(node, 0, {result, inferredDtypes.lookup(node.output(0))});
  return success();
}

LogicalResult ONNXImporter::importUnary(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  Value result;
  if (node.op_type() == "Sigmoid")
    result = tosa::SigmoidOp::create(b, loc, *type, x->value);
  else if (node.op_type() == "Tanh")
    result = tosa::TanhOp::create(b, loc, *type, x->value);
  else if (node.op_type() == "Exp")
    result = tosa::ExpOp::create(b, loc, *type, x->value);
  else if (node.op_type() == "Neg")
    result = tosa::NegateOp::create(b, loc, *type, x->value,
                                    floatZeroPoint(type->getElementType()),
                                    floatZeroPoint(type->getElementType()));
  else if (node.op_type() == "Identity")
    result = x->value;
  define(node, 0, {result, x->dtype, x->constant, x->quantized});
  return success();
}

/// Relu and Clip: tosa.clamp with float bounds (+-inf where open).
LogicalResult ONNXImporter::importClamp(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  if (auto intType = dyn_cast<IntegerType>(type->getElementType()))
    return importIntegerClamp(node, *x, *type, intType);
  auto floatType = dyn_cast<FloatType>(type->getElementType());
  if (!floatType)
    return nodeError(node) << "element type " << type->getElementType()
                           << " is not supported";
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  if (node.op_type() == "Relu") {
    lo = 0.0;
  } else if (opset < 11) {
    lo = floatAttr(node, "min", -std::numeric_limits<float>::max());
    hi = floatAttr(node, "max", std::numeric_limits<float>::max());
  } else {
    for (int i : {1, 2}) {
      if (!hasInput(node, i))
        continue;
      FailureOr<GraphValue> bound = input(node, i);
      if (failed(bound))
        return failure();
      if (!bound->constant)
        return nodeError(node) << (i == 1 ? "min" : "max")
                               << " must be a constant";
      double v = (*bound->dense().getValues<APFloat>().begin())
                     .convertToDouble();
      (i == 1 ? lo : hi) = v;
    }
  }
  Value result = tosa::ClampOp::create(
      b, loc, *type, x->value, b.getFloatAttr(floatType, lo),
      b.getFloatAttr(floatType, hi),
      tosa::NanPropagationModeAttr::get(ctx,
                                        tosa::NanPropagationMode::PROPAGATE));
  define(node, 0, {result, x->dtype});
  return success();
}

/// Clip/Relu on signed integers: tosa.clamp with integer bounds (TOSA
/// compares signed, so unsigned element types are refused).
LogicalResult ONNXImporter::importIntegerClamp(const Node &node,
                                               const GraphValue &x,
                                               RankedTensorType type,
                                               IntegerType intType) {
  if (isUnsignedDtype(x.dtype))
    return nodeError(node) << "unsigned integer inputs ("
                           << dtypeName(x.dtype) << ") are not supported";
  unsigned width = intType.getWidth();
  int64_t lo = APInt::getSignedMinValue(width).getSExtValue();
  int64_t hi = APInt::getSignedMaxValue(width).getSExtValue();
  if (node.op_type() == "Relu")
    lo = 0;
  for (int i : {1, 2}) {
    if (node.op_type() == "Relu" || !hasInput(node, i))
      continue;
    FailureOr<GraphValue> bound = input(node, i);
    if (failed(bound))
      return failure();
    if (!bound->constant)
      return nodeError(node) << (i == 1 ? "min" : "max")
                             << " must be a constant";
    (i == 1 ? lo : hi) =
        (*bound->dense().getValues<APInt>().begin()).getSExtValue();
  }
  Value result = tosa::ClampOp::create(
      b, loc, type, x.value, b.getIntegerAttr(intType, lo),
      b.getIntegerAttr(intType, hi),
      tosa::NanPropagationModeAttr::get(ctx,
                                        tosa::NanPropagationMode::PROPAGATE));
  define(node, 0, {result, x.dtype});
  return success();
}

/// LeakyRelu: x >= 0 ? x : alpha * x.
LogicalResult ONNXImporter::importLeakyRelu(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  Type elementType = type->getElementType();
  auto scalarType = RankedTensorType::get(
      SmallVector<int64_t>(type->getRank(), 1), elementType);
  Value alpha = tosa::ConstOp::create(
      b, loc, scalarType,
      DenseElementsAttr::get(
          scalarType, b.getFloatAttr(elementType,
                                     floatAttr(node, "alpha", 0.01f))));
  Value zero = tosa::ConstOp::create(
      b, loc, scalarType,
      DenseElementsAttr::get(scalarType, b.getZeroAttr(elementType)));
  Value scaled =
      tosa::MulOp::create(b, loc, *type, x->value, alpha, zeroShift());
  Value isPositive = tosa::GreaterEqualOp::create(
      b, loc, type->clone(b.getI1Type()), x->value, zero);
  Value result =
      tosa::SelectOp::create(b, loc, *type, isPositive, x->value, scaled);
  define(node, 0, {result, x->dtype});
  return success();
}

/// Softmax (opset >= 13 semantics along one axis):
/// exp(x - max(x)) / sum(exp(x - max(x))).
LogicalResult ONNXImporter::importSoftmax(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  int64_t rank = type->getRank();
  int64_t axis = intAttr(node, "axis", opset >= 13 ? -1 : 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node) << "axis " << intAttr(node, "axis", 0)
                           << " is out of range for rank " << rank;
  if (opset < 13 && axis != rank - 1)
    return nodeError(node) << "opset " << opset
                           << " Softmax over axes [" << axis
                           << ", rank) is not supported yet (only the last "
                              "axis)";
  SmallVector<int64_t> reducedShape(type->getShape());
  reducedShape[axis] = 1;
  auto reducedType = type->clone(reducedShape);
  Value max = tosa::ReduceMaxOp::create(
      b, loc, reducedType, x->value, b.getI32IntegerAttr(axis),
      tosa::NanPropagationModeAttr::get(ctx,
                                        tosa::NanPropagationMode::PROPAGATE));
  Value shifted = tosa::SubOp::create(b, loc, *type, x->value, max);
  Value exp = tosa::ExpOp::create(b, loc, *type, shifted);
  Value sum = tosa::ReduceSumOp::create(b, loc, reducedType, exp,
                                        b.getI32IntegerAttr(axis));
  Value result = divide(exp, sum, *type);
  define(node, 0, {result, x->dtype});
  return success();
}

/// A matmul of ONNX shapes ([.., M, K] x [.., K, N]) as tosa.matmul on
/// [B, M, K] x [B, K, N].
Value ONNXImporter::matmul(Location loc, Value lhs, Value rhs,
                           RankedTensorType result, const Node &node,
                           LogicalResult &status) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  status = success();
  if (lhsType.getRank() < 2 || rhsType.getRank() < 2) {
    status = nodeError(node) << "1-D operands are not supported yet";
    return {};
  }
  ArrayRef<int64_t> ls = lhsType.getShape(), rs = rhsType.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), n = rs.back();
  Type elementType = result.getElementType();
  // Plain 2-D: linalg.matmul into a zero fill, with no reshapes around it
  // (the form quant-fold-qdq recognises); M may be dynamic.
  auto matmul2D = [&](Value a, Value w, RankedTensorType type) -> Value {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
    Value init = emptyTensor(type.getShape(), elementType, a);
    Value filled = linalg::FillOp::create(b, loc, zero, init).getResult(0);
    return linalg::MatmulOp::create(b, loc, TypeRange{type}, ValueRange{a, w},
                                    ValueRange{filled})
        .getResult(0);
  };
  if (ls.size() == 2 && rs.size() == 2 && !ShapedType::isDynamic(k) &&
      rhsType.hasStaticShape())
    return matmul2D(lhs, rhs, result);
  if (!rhsType.hasStaticShape() ||
      llvm::any_of(ls.drop_front(), ShapedType::isDynamic)) {
    status = nodeError(node) << "dynamic shapes other than a leading batch "
                                "dimension of the first operand are not "
                                "supported yet";
    return {};
  }
  if (ShapedType::isDynamic(ls[0])) {
    // [?, ..., M, K] x [K, N]: rows collapsed to [?, K], a 2-D matmul, the
    // rows expanded back.
    if (rs.size() != 2) {
      status = nodeError(node) << "a dynamic batch needs 2-D weights";
      return {};
    }
    ReassociationIndices rows;
    for (int64_t d = 0; d + 1 < int64_t(ls.size()); ++d)
      rows.push_back(d);
    SmallVector<ReassociationIndices> groups{rows, {int64_t(ls.size()) - 1}};
    auto flatType = RankedTensorType::get({ShapedType::kDynamic, k},
                                          lhsType.getElementType());
    Value flat =
        tensor::CollapseShapeOp::create(b, loc, flatType, lhs, groups);
    Value product = matmul2D(flat, rhs, flatType.clone({ShapedType::kDynamic, n}));
    return tensor::ExpandShapeOp::create(b, loc, result, product, groups);
  }
  auto product = [](ArrayRef<int64_t> dims) {
    return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                           std::multiplies<int64_t>());
  };
  int64_t lhsBatch = product(ls.drop_back(2));
  int64_t rhsBatch = product(rs.drop_back(2));
  Value a, w;
  int64_t batch;
  if (rhsBatch == 1) {
    // Shared weights: fold the lhs batch into M.
    a = reshape(lhs, {1, lhsBatch * m, k});
    w = reshape(rhs, {1, k, n});
    batch = 1;
    m *= lhsBatch;
  } else if (ls.drop_back(2) == rs.drop_back(2)) {
    a = reshape(lhs, {lhsBatch, m, k});
    w = reshape(rhs, {rhsBatch, k, n});
    batch = lhsBatch;
  } else {
    status = nodeError(node) << "broadcasting between different batch "
                                "shapes is not supported yet";
    return {};
  }
  auto type = RankedTensorType::get({batch, m, n}, elementType);
  Value zp = floatZeroPoint(elementType);
  Value product3 = tosa::MatMulOp::create(b, loc, type, a, w, zp, zp);
  return reshape(product3, result.getShape());
}

LogicalResult ONNXImporter::importMatMul(const Node &node) {
  FailureOr<GraphValue> lhs = input(node, 0), rhs = input(node, 1);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(lhs) || failed(rhs) || failed(type))
    return failure();
  if (!isa<FloatType>(type->getElementType()))
    return nodeError(node) << "element type " << type->getElementType()
                           << " is not supported";
  LogicalResult status = success();
  Value result = matmul(loc, lhs->value, rhs->value, *type, node, status);
  if (failed(status))
    return failure();
  define(node, 0, {result, lhs->dtype});
  return success();
}

/// Gemm: alpha * A' B' + beta * C.
LogicalResult ONNXImporter::importGemm(const Node &node) {
  FailureOr<GraphValue> a = input(node, 0), w = input(node, 1);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(a) || failed(w) || failed(type))
    return failure();
  if (!isa<FloatType>(type->getElementType()))
    return nodeError(node) << "element type " << type->getElementType()
                           << " is not supported";
  auto transpose = [&](Value v) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    return tosa::TransposeOp::create(
        b, loc, t.clone({t.getDimSize(1), t.getDimSize(0)}), v,
        b.getDenseI32ArrayAttr({1, 0}));
  };
  Value lhs = intAttr(node, "transA", 0) ? transpose(a->value) : a->value;
  Value rhs = intAttr(node, "transB", 0) ? transpose(w->value) : w->value;
  LogicalResult status = success();
  Value result = matmul(loc, lhs, rhs, *type, node, status);
  if (failed(status))
    return failure();
  Type elementType = type->getElementType();
  auto scale = [&](Value v, float factor) -> Value {
    if (factor == 1.0f)
      return v;
    auto t = cast<RankedTensorType>(v.getType());
    auto ones = RankedTensorType::get(SmallVector<int64_t>(t.getRank(), 1),
                                      elementType);
    Value c = tosa::ConstOp::create(
        b, loc, ones,
        DenseElementsAttr::get(ones, b.getFloatAttr(elementType, factor)));
    return tosa::MulOp::create(b, loc, t, v, c, zeroShift());
  };
  result = scale(result, floatAttr(node, "alpha", 1.0f));
  if (hasInput(node, 2)) {
    FailureOr<GraphValue> c = input(node, 2);
    if (failed(c))
      return failure();
    Value bias = scale(broadcastTo(c->value, 2), floatAttr(node, "beta", 1.0f));
    result = tosa::AddOp::create(b, loc, *type, result, bias);
  }
  define(node, 0, {result, a->dtype});
  return success();
}

/// Reshape, Flatten, Squeeze, Unsqueeze: a tosa.reshape to the inferred
/// output shape.
LogicalResult ONNXImporter::importReshapeLike(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  if (type->hasStaticShape() && type->getNumElements() == 0) {
    // Nothing to move (TOSA refuses zero-element tensors).
    define(node, 0,
           {tensor::EmptyOp::create(b, loc, type->getShape(),
                                    type->getElementType())
                .getResult(),
            x->dtype});
    return success();
  }
  if (type->hasStaticShape()) {
    define(node, 0, {reshape(x->value, type->getShape()), x->dtype});
    return success();
  }
  // A dynamic batch that the reshape keeps: [N, rest...] -> [N, rest'...]
  // as a collapse to [N, prod(rest)] and an expand, both of which carry N.
  auto xType = cast<RankedTensorType>(x->value.getType());
  auto staticProduct = [](RankedTensorType t) -> std::optional<int64_t> {
    int64_t product = 1;
    for (int64_t size : t.getShape().drop_front())
      if (ShapedType::isDynamic(size))
        return std::nullopt;
      else
        product *= size;
    return product;
  };
  std::optional<int64_t> inRest = staticProduct(xType),
                         outRest = staticProduct(*type);
  if (xType.getRank() < 1 || type->getRank() < 1 || !xType.isDynamicDim(0) ||
      !type->isDynamicDim(0) || !inRest || inRest != outRest)
    return nodeError(node) << "the output shape must be static (the shape "
                              "input a constant) or keep a dynamic batch "
                              "dimension; got "
                           << *type;
  auto flatType = RankedTensorType::get({ShapedType::kDynamic, *inRest},
                                        type->getElementType());
  auto allButFirst = [](int64_t rank) {
    ReassociationIndices rest;
    for (int64_t d = 1; d < rank; ++d)
      rest.push_back(d);
    return rest;
  };
  Value flat = x->value;
  if (xType.getRank() == 1)
    flat = tensor::ExpandShapeOp::create(
        b, loc, flatType, flat, ArrayRef<ReassociationIndices>{{0, 1}});
  else if (xType.getRank() > 2)
    flat = tensor::CollapseShapeOp::create(
        b, loc, flatType, flat,
        ArrayRef<ReassociationIndices>{{0}, allButFirst(xType.getRank())});
  Value result = flat;
  if (type->getRank() == 1)
    result = tensor::CollapseShapeOp::create(
        b, loc, *type, flat, ArrayRef<ReassociationIndices>{{0, 1}});
  else if (type->getRank() > 2)
    result = tensor::ExpandShapeOp::create(
        b, loc, *type, flat,
        ArrayRef<ReassociationIndices>{{0}, allButFirst(type->getRank())});
  define(node, 0, {result, x->dtype});
  return success();
}

LogicalResult ONNXImporter::importTranspose(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->value.getType()).getRank();
  SmallVector<int32_t> perms;
  if (std::optional<SmallVector<int64_t>> perm = intsAttr(node, "perm"))
    for (int64_t p : *perm)
      perms.push_back(int32_t(p));
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perms.push_back(int32_t(d));
  Value result = tosa::TransposeOp::create(b, loc, *type, x->value,
                                           b.getDenseI32ArrayAttr(perms));
  define(node, 0, {result, x->dtype});
  return success();
}

LogicalResult ONNXImporter::importConcat(const Node &node) {
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(type))
    return failure();
  SmallVector<Value> inputs;
  int32_t dtype = 0;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<GraphValue> v = input(node, i);
    if (failed(v))
      return failure();
    inputs.push_back(v->value);
    dtype = v->dtype;
  }
  int64_t axis = intAttr(node, "axis", 0);
  if (axis < 0)
    axis += type->getRank();
  Value result = tosa::ConcatOp::create(b, loc, *type, inputs,
                                        b.getI32IntegerAttr(axis));
  define(node, 0, {result, dtype});
  return success();
}

LogicalResult ONNXImporter::importConstant(const Node &node) {
  const onnx::AttributeProto *attr = findAttr(node, "value");
  if (!attr || !attr->has_t())
    return nodeError(node) << "only the 'value' tensor form is supported";
  FailureOr<DenseElementsAttr> value =
      tensorToAttr(attr->t(), ctx, [&] { return nodeError(node); });
  if (failed(value))
    return failure();
  define(node, 0, constantValue(*value, attr->t().data_type()));
  return success();
}

//===----------------------------------------------------------------------===//
// Pad, Slice, BatchNormalization
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
ONNXImporter::constantInts(const Node &node, int index, StringRef what) {
  FailureOr<GraphValue> v = input(node, index);
  if (failed(v))
    return failure();
  if (!v->constant || !isa<IntegerType>(v->constant.getElementType()))
    return nodeError(node) << what << " must be an integer constant";
  SmallVector<int64_t> result;
  for (const APInt &i : v->dense().getValues<APInt>())
    result.push_back(i.getSExtValue());
  return result;
}

/// Pad: `constant` as tensor.pad; `edge` and `reflect` as a linalg.generic
/// that reads the input at the clamped or mirrored index. Pads come from the
/// attribute (Pad-2, opset 10) or a constant input (Pad-11 on), restricted
/// to `axes` from Pad-18 on.
LogicalResult ONNXImporter::importPad(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  auto xType = cast<RankedTensorType>(x->value.getType());
  int64_t rank = xType.getRank();
  SmallVector<int64_t> pads;
  TypedAttr padValue = b.getZeroAttr(xType.getElementType());
  if (opset < 11) {
    pads = intsAttr(node, "pads").value_or(SmallVector<int64_t>{});
    if (isa<FloatType>(xType.getElementType()))
      padValue = b.getFloatAttr(xType.getElementType(),
                                floatAttr(node, "value", 0.0f));
  } else {
    FailureOr<SmallVector<int64_t>> padsInput = constantInts(node, 1, "pads");
    if (failed(padsInput))
      return failure();
    pads = *padsInput;
    if (hasInput(node, 2)) {
      FailureOr<GraphValue> value = input(node, 2);
      if (failed(value))
        return failure();
      if (!value->constant || value->constant.getNumElements() != 1)
        return nodeError(node) << "constant_value must be a scalar constant";
      padValue = cast<TypedAttr>(*value->dense().getValues<Attribute>().begin());
    }
  }
  if (hasInput(node, 3)) {
    FailureOr<SmallVector<int64_t>> axes = constantInts(node, 3, "axes");
    if (failed(axes))
      return failure();
    if (pads.size() != 2 * axes->size())
      return nodeError(node) << "pads has " << pads.size()
                             << " entries for " << axes->size() << " axes";
    SmallVector<int64_t> full(2 * rank, 0);
    for (auto [i, axis] : llvm::enumerate(*axes)) {
      int64_t a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a >= rank)
        return nodeError(node) << "axis " << axis << " is out of range for rank "
                               << rank;
      full[a] = pads[i];
      full[a + rank] = pads[i + axes->size()];
    }
    pads = full;
  }
  if (int64_t(pads.size()) != 2 * rank)
    return nodeError(node) << "pads has " << pads.size()
                           << " entries, expected " << 2 * rank;
  for (int64_t d = 0; d < rank; ++d)
    if (xType.isDynamicDim(d) && (pads[d] || pads[d + rank]))
      return nodeError(node) << "padded dimension " << d
                             << " must be static, got " << xType;
  // Negative pads crop: an extract_slice first, then the non-negative rest.
  Value source = x->value;
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    SmallVector<OpFoldResult> offsets, sizes, strides(rank, b.getIndexAttr(1));
    SmallVector<int64_t> shape(xType.getShape());
    for (int64_t d = 0; d < rank; ++d) {
      int64_t cropLow = std::max<int64_t>(-pads[d], 0);
      int64_t cropHigh = std::max<int64_t>(-pads[d + rank], 0);
      if (!xType.isDynamicDim(d)) {
        if (cropLow + cropHigh > shape[d])
          return nodeError(node) << "negative pads crop " << cropLow + cropHigh
                                 << " elements from dimension " << d
                                 << " of size " << shape[d];
        shape[d] -= cropLow + cropHigh;
      }
      offsets.push_back(b.getIndexAttr(cropLow));
      sizes.push_back(xType.isDynamicDim(d)
                          ? OpFoldResult(
                                tensor::DimOp::create(b, loc, source, d)
                                    .getResult())
                          : OpFoldResult(b.getIndexAttr(shape[d])));
    }
    xType = xType.clone(shape);
    source = tensor::ExtractSliceOp::create(b, loc, xType, source, offsets,
                                            sizes, strides);
    for (int64_t &p : pads)
      p = std::max<int64_t>(p, 0);
  }
  ArrayRef<int64_t> low = ArrayRef(pads).take_front(rank);
  ArrayRef<int64_t> high = ArrayRef(pads).drop_front(rank);
  const onnx::AttributeProto *modeAttr = findAttr(node, "mode");
  StringRef mode = modeAttr ? StringRef(modeAttr->s()) : "constant";

  if (mode == "constant") {
    SmallVector<OpFoldResult> lowSizes, highSizes;
    for (int64_t d = 0; d < rank; ++d) {
      lowSizes.push_back(b.getIndexAttr(low[d]));
      highSizes.push_back(b.getIndexAttr(high[d]));
    }
    Value value = arith::ConstantOp::create(b, loc, padValue);
    Value result = tensor::PadOp::create(b, loc, *type, source, lowSizes,
                                         highSizes, value);
    define(node, 0, {result, x->dtype});
    return success();
  }
  if (mode != "edge" && mode != "reflect" && mode != "wrap")
    return nodeError(node) << "mode '" << mode << "' is not supported";
  bool reflect = mode == "reflect", wrap = mode == "wrap";
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = xType.getDimSize(d);
    if (!low[d] && !high[d])
      continue;
    if (size == 0)
      return nodeError(node) << "cannot " << mode << "-pad an empty axis";
    if (reflect && (low[d] >= size || high[d] >= size))
      return nodeError(node) << "reflect pads must be smaller than the axis "
                                "size, got "
                             << low[d] << " and " << high[d] << " for size "
                             << size;
    // Past one period ONNX's reference (numpy.pad) is no longer periodic.
    if (wrap && (low[d] > size || high[d] > size))
      return nodeError(node) << "wrap pads must not exceed the axis size, got "
                             << low[d] << " and " << high[d] << " for size "
                             << size;
  }
  Value init = emptyTensor(type->getShape(), type->getElementType(), source);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value result =
      linalg::GenericOp::create(
          b, loc, TypeRange{*type}, ValueRange{}, ValueRange{init}, maps,
          iterators,
          [&](OpBuilder &nb, Location l, ValueRange) {
            SmallVector<Value> indices;
            for (int64_t d = 0; d < rank; ++d) {
              auto index = [&](int64_t v) {
                return arith::ConstantIndexOp::create(nb, l, v).getResult();
              };
              Value i = linalg::IndexOp::create(nb, l, d);
              if (!low[d] && !high[d]) {
                indices.push_back(i);
                continue;
              }
              int64_t size = xType.getDimSize(d);
              if (wrap) {
                // (i - low) mod size, kept >= 0 by adding one period.
                i = arith::AddIOp::create(nb, l, i, index(size - low[d]));
                indices.push_back(arith::RemUIOp::create(nb, l, i, index(size)));
                continue;
              }
              i = arith::SubIOp::create(nb, l, i, index(low[d]));
              Value last = index(size - 1);
              if (reflect) {
                // Mirror at 0 (|i|), then at the last element (2 last - i).
                Value negated = arith::SubIOp::create(nb, l, index(0), i);
                i = arith::MaxSIOp::create(nb, l, i, negated);
                Value mirrored = arith::SubIOp::create(
                    nb, l, arith::AddIOp::create(nb, l, last, last), i);
                i = arith::MinSIOp::create(nb, l, i, mirrored);
              } else {
                i = arith::MaxSIOp::create(nb, l, i, index(0));
                i = arith::MinSIOp::create(nb, l, i, last);
              }
              indices.push_back(i);
            }
            Value v = tensor::ExtractOp::create(nb, l, source, indices);
            linalg::YieldOp::create(nb, l, ValueRange{v});
          })
          .getResult(0);
  define(node, 0, {result, x->dtype});
  return success();
}

/// Slice (opset 10 on: starts/ends/axes/steps as constant inputs) as
/// tensor.extract_slice, with ONNX's clamping of out-of-range bounds; a
/// negative step slices the mirrored range and reverses it (tosa.reverse).
LogicalResult ONNXImporter::importSlice(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  auto xType = cast<RankedTensorType>(x->value.getType());
  int64_t rank = xType.getRank();
  FailureOr<SmallVector<int64_t>> starts = constantInts(node, 1, "starts");
  FailureOr<SmallVector<int64_t>> ends = constantInts(node, 2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (hasInput(node, 3)) {
    FailureOr<SmallVector<int64_t>> v = constantInts(node, 3, "axes");
    if (failed(v))
      return failure();
    axes = *v;
  } else {
    for (int64_t d = 0; d < int64_t(starts->size()); ++d)
      axes.push_back(d);
  }
  if (hasInput(node, 4)) {
    FailureOr<SmallVector<int64_t>> v = constantInts(node, 4, "steps");
    if (failed(v))
      return failure();
    steps = *v;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return nodeError(node) << "starts, ends, axes and steps must have the "
                              "same length";
  SmallVector<int64_t> offsets(rank, 0), sizes(xType.getShape()),
      strides(rank, 1);
  SmallVector<int32_t> reversed;
  llvm::SmallDenseSet<int64_t> seen;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || !seen.insert(axis).second)
      return nodeError(node) << "axis " << axes[i]
                             << " is out of range or repeated";
    int64_t dim = xType.getDimSize(axis), step = steps[i];
    if (ShapedType::isDynamic(dim))
      return nodeError(node) << "sliced axis " << axis << " must be static";
    if (step == 0)
      return nodeError(node) << "step must not be 0";
    auto normalized = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v += dim;
      return std::clamp(v, lo, hi);
    };
    int64_t start = step > 0 ? normalized((*starts)[i], 0, dim)
                             : normalized((*starts)[i], 0, dim - 1);
    int64_t end = step > 0 ? normalized((*ends)[i], 0, dim)
                           : normalized((*ends)[i], -1, dim - 1);
    int64_t span = step > 0 ? end - start : start - end;
    int64_t magnitude = step > 0 ? step : -step;
    int64_t count = span > 0 ? (span + magnitude - 1) / magnitude : 0;
    // An empty slice starts at 0: extract_slice checks offsets against the
    // size even then.
    offsets[axis] = count == 0  ? 0
                    : step > 0 ? start
                               : start + step * (count - 1);
    sizes[axis] = count;
    strides[axis] = magnitude;
    if (step < 0 && count > 1)
      reversed.push_back(int32_t(axis));
  }
  auto slicedType = xType.clone(sizes);
  if (type->hasStaticShape() && type->getShape() != slicedType.getShape())
    return nodeError(node) << "slice gives " << slicedType
                           << ", ONNX shape inference " << *type;
  // Unsliced dynamic dimensions (the batch) keep their runtime size.
  SmallVector<OpFoldResult> offsetValues, sizeValues, strideValues;
  for (int64_t d = 0; d < rank; ++d) {
    offsetValues.push_back(b.getIndexAttr(offsets[d]));
    strideValues.push_back(b.getIndexAttr(strides[d]));
    sizeValues.push_back(
        ShapedType::isDynamic(sizes[d])
            ? OpFoldResult(tensor::DimOp::create(b, loc, x->value, d).getResult())
            : OpFoldResult(b.getIndexAttr(sizes[d])));
  }
  Value result = tensor::ExtractSliceOp::create(
      b, loc, slicedType, x->value, offsetValues, sizeValues, strideValues);
  for (int32_t axis : reversed)
    result = tosa::ReverseOp::create(b, loc, slicedType, result,
                                     b.getI32IntegerAttr(axis));
  define(node, 0, {result, x->dtype, {}});
  return success();
}

/// BatchNormalization in inference mode, folded at import time into one
/// per-channel multiply-add: x * a + c with a = scale / sqrt(var + eps) and
/// c = B - mean * a (computed in double, rounded once to the element type).
LogicalResult ONNXImporter::importBatchNormalization(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(type))
    return failure();
  if (intAttr(node, "training_mode", 0) != 0 ||
      llvm::count_if(node.output(), [](const std::string &o) {
        return !o.empty();
      }) > 1)
    return nodeError(node) << "training mode (running statistics outputs) "
                              "is not supported";
  auto floatType = dyn_cast<FloatType>(type->getElementType());
  if (!floatType || type->getRank() < 2 || type->isDynamicDim(1))
    return nodeError(node) << "expected a float input of rank >= 2 with a "
                              "static channel dimension, got "
                           << *type;
  int64_t channels = type->getDimSize(1);
  SmallVector<SmallVector<double>> params;
  for (int i = 1; i <= 4; ++i) {
    FailureOr<GraphValue> p = input(node, i);
    if (failed(p))
      return failure();
    if (!p->constant || !isa<FloatType>(p->constant.getElementType()) ||
        p->constant.getNumElements() != channels)
      return nodeError(node) << "scale, B, mean and var must be float "
                                "constants of "
                             << channels << " elements";
    SmallVector<double> &values = params.emplace_back();
    for (const APFloat &v : p->dense().getValues<APFloat>())
      values.push_back(v.convertToDouble());
  }
  double epsilon = floatAttr(node, "epsilon", 1e-5f);
  SmallVector<float> multiplier, addend;
  for (int64_t c = 0; c < channels; ++c) {
    double a = params[0][c] / std::sqrt(params[3][c] + epsilon);
    multiplier.push_back(float(a));
    addend.push_back(float(params[1][c] - params[2][c] * a));
  }
  SmallVector<int64_t> shape(type->getRank(), 1);
  shape[1] = channels;
  Value scaled =
      tosa::MulOp::create(b, loc, *type, x->value,
                          floatTensor(multiplier, shape, floatType),
                          zeroShift());
  Value result =
      tosa::AddOp::create(b, loc, *type, scaled, floatTensor(addend, shape, floatType));
  define(node, 0, {result, x->dtype});
  return success();
}

/// LayerNormalization (opset 17), ONNX's function body in float: over the
/// axes [axis, rank), mean = ReduceMean(x), d = x - mean,
/// var = ReduceMean(d * d), y = d * rsqrt(var + epsilon) * Scale + B.
/// A float island: quant-fold-qdq leaves it between its dq and q.
LogicalResult ONNXImporter::importLayerNormalization(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0), scale = input(node, 1);
  FailureOr<std::optional<GraphValue>> bias = optionalInput(node, 2);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(x) || failed(scale) || failed(bias) || failed(type))
    return failure();
  // Mean and InvStdDev are training-time outputs.
  if (hasOutput(node, 1) || hasOutput(node, 2))
    return nodeError(node) << "the Mean and InvStdDev outputs are not "
                              "supported";
  if (intAttr(node, "stash_type", 1) != 1)
    return nodeError(node) << "stash_type " << intAttr(node, "stash_type", 1)
                           << " is not supported (only 1: float32)";
  // ONNX's type constraint (checked by shape inference) makes X float.
  auto floatType = cast<FloatType>(type->getElementType());
  int64_t rank = type->getRank();
  int64_t axis = intAttr(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return nodeError(node) << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = type->getShape().drop_front(axis);
  if (llvm::any_of(normalized, ShapedType::isDynamic))
    return nodeError(node) << "the normalized dimensions must be static, got "
                           << *type;
  int64_t count = std::accumulate(normalized.begin(), normalized.end(),
                                  int64_t(1), std::multiplies<int64_t>());

  // Scale and B broadcast to X (unidirectionally), in X's element type.
  auto fitsX = [&](const GraphValue &p) {
    auto pType = cast<RankedTensorType>(p.value.getType());
    if (pType.getElementType() != floatType || pType.getRank() > rank)
      return false;
    ArrayRef<int64_t> tail = type->getShape().take_back(pType.getRank());
    return llvm::all_of(llvm::zip(pType.getShape(), tail), [](auto dims) {
      auto [p, x] = dims;
      return p == 1 || (!ShapedType::isDynamic(p) && p == x);
    });
  };
  if (!fitsX(*scale) || (*bias && !fitsX(**bias)))
    return nodeError(node) << "Scale and B must broadcast to the input "
                           << *type << " with its element type";

  // ReduceMean over [axis, rank): one reduce_sum per axis, then an exact
  // division by the element count.
  auto reduceMean = [&](Value v) -> Value {
    SmallVector<int64_t> shape(type->getShape());
    for (int64_t d = axis; d < rank; ++d) {
      shape[d] = 1;
      v = tosa::ReduceSumOp::create(b, loc, type->clone(shape), v,
                                    b.getI32IntegerAttr(d));
    }
    auto meanType = type->clone(shape);
    auto countType = RankedTensorType::get(SmallVector<int64_t>(rank, 1),
                                           floatType);
    Value countValue = tosa::ConstOp::create(
        b, loc, countType,
        DenseElementsAttr::get(countType,
                               b.getFloatAttr(floatType, double(count))));
    return divide(v, countValue, meanType);
  };
  Value mean = reduceMean(x->value);
  Value centered = tosa::SubOp::create(b, loc, *type, x->value, mean);
  Value squared =
      tosa::MulOp::create(b, loc, *type, centered, centered, zeroShift());
  Value variance = reduceMean(squared);
  auto statType = cast<RankedTensorType>(variance.getType());
  auto epsType = RankedTensorType::get(SmallVector<int64_t>(rank, 1),
                                       floatType);
  Value epsilon = tosa::ConstOp::create(
      b, loc, epsType,
      DenseElementsAttr::get(
          epsType, b.getFloatAttr(floatType, floatAttr(node, "epsilon",
                                                       1e-5f))));
  Value invStdDev = tosa::RsqrtOp::create(
      b, loc, statType,
      tosa::AddOp::create(b, loc, statType, variance, epsilon));
  Value result =
      tosa::MulOp::create(b, loc, *type, centered, invStdDev, zeroShift());
  result = tosa::MulOp::create(b, loc, *type, result,
                               broadcastTo(scale->value, rank), zeroShift());
  if (*bias)
    result = tosa::AddOp::create(b, loc, *type, result,
                                 broadcastTo((*bias)->value, rank));
  define(node, 0, {result, x->dtype});
  return success();
}
