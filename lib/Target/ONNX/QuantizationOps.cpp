//===- QuantizationOps.cpp - ONNX quantization ops to QDQ form -*- C++ -*-===//
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
// Quantization ops
//===----------------------------------------------------------------------===//

/// The !quant.uniform type of a QuantizeLinear/DequantizeLinear of a value
/// of `shape`: per tensor for a scalar (or one-element) scale, per axis
/// otherwise, blocked (upstream's sub-channel type) with a `blockSize`.
/// Parameters must be constants.
FailureOr<Type> ONNXImporter::quantTypeFor(const Node &node,
                                           const GraphValue &scale,
                                           const GraphValue *zeroPoint,
                                           int32_t dtype, int64_t axis,
                                           ArrayRef<int64_t> shape,
                                           Type expressedType,
                                           int64_t blockSize) {
  int64_t rank = shape.size();
  if (!scale.constant)
    return nodeError(node) << "the scale must be a constant (an initializer, "
                              "a Constant node or a bound input)";
  if (zeroPoint && !zeroPoint->constant)
    return nodeError(node) << "the zero point must be a constant";
  using T = onnx::TensorProto;
  unsigned width;
  bool isSigned;
  switch (dtype) {
  case kOnnxInt4:
    width = 4, isSigned = true;
    break;
  case kOnnxUint4:
    width = 4, isSigned = false;
    break;
  case T::INT8:
    width = 8, isSigned = true;
    break;
  case T::UINT8:
    width = 8, isSigned = false;
    break;
  case T::INT16:
    width = 16, isSigned = true;
    break;
  case T::UINT16:
    width = 16, isSigned = false;
    break;
  case T::INT32:
    width = 32, isSigned = true;
    break;
  default:
    return nodeError(node) << "quantized element type " << dtypeName(dtype)
                           << " is not supported";
  }
  SmallVector<double> scales;
  for (const APFloat &s : scale.dense().getValues<APFloat>())
    scales.push_back(s.convertToDouble());
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (zeroPoint) {
    if (zeroPoint->constant.getNumElements() != int64_t(scales.size()))
      return nodeError(node) << "the zero point has "
                             << zeroPoint->constant.getNumElements()
                             << " values but the scale " << scales.size();
    int64_t i = 0;
    for (const APInt &z : zeroPoint->dense().getValues<APInt>())
      zeroPoints[i++] = isSigned ? z.getSExtValue() : z.getZExtValue();
  }
  for (double s : scales)
    if (!std::isfinite(s) || s <= 0.0)
      return nodeError(node) << "scale " << s << " must be finite and > 0";
  Type storage = IntegerType::get(ctx, width);
  int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t qmax = isSigned ? (int64_t(1) << (width - 1)) - 1
                          : (int64_t(1) << width) - 1;
  for (int64_t z : zeroPoints)
    if (z < qmin || z > qmax)
      return nodeError(node) << "zero point " << z << " is outside ["
                             << qmin << ", " << qmax << "]";
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  if (blockSize != 0)
    return blockedQuantType(node, scale, zeroPoints, axis, shape, blockSize,
                            flags, storage, expressedType, qmin, qmax);
  bool perAxis = scale.constant.getShapedType().getRank() > 0 && scales.size() > 1;
  if (!perAxis)
    return Type(quant::UniformQuantizedType::get(
        flags, storage, expressedType, scales[0], zeroPoints[0], qmin, qmax));
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node) << "axis " << axis << " is out of range for rank "
                           << rank;
  return Type(quant::UniformQuantizedPerAxisType::get(
      flags, storage, expressedType, scales, zeroPoints, int32_t(axis), qmin,
      qmax));
}

/// ONNX's blocked quantization (opset 21 `block_size`): scales (and zero
/// points) of the input's rank, ceil(D / block_size) along `axis` and the
/// input's size along every other dimension.
FailureOr<Type> ONNXImporter::blockedQuantType(
    const Node &node, const GraphValue &scale, ArrayRef<int64_t> zeroPoints,
    int64_t axis, ArrayRef<int64_t> shape, int64_t blockSize, unsigned flags,
    Type storage, Type expressedType, int64_t qmin, int64_t qmax) {
  int64_t rank = shape.size();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node) << "axis " << axis << " is out of range for rank "
                           << rank;
  if (blockSize < 0)
    return nodeError(node) << "block_size " << blockSize << " must be > 0";
  ArrayRef<int64_t> scaleShape = scale.constant.getShapedType().getShape();
  SmallVector<int64_t> expected(shape);
  if (llvm::any_of(shape, ShapedType::isDynamic))
    return nodeError(node) << "blocked quantization needs a static shape";
  expected[axis] = (shape[axis] + blockSize - 1) / blockSize;
  if (scaleShape != ArrayRef<int64_t>(expected))
    return nodeError(node) << "blocked scales must have shape ["
                           << llvm::make_range(expected.begin(), expected.end())
                           << "] for block_size " << blockSize << " on axis "
                           << axis;
  if (shape[axis] % blockSize != 0)
    return nodeError(node) << "a partial last block (dimension " << axis
                           << " of size " << shape[axis] << ", block_size "
                           << blockSize << ") is not supported yet";
  auto paramType = [&](Type element) {
    return RankedTensorType::get(scaleShape, element);
  };
  SmallVector<APFloat> scales;
  for (const APFloat &s : scale.dense().getValues<APFloat>()) {
    APFloat converted = s;
    bool lost;
    converted.convert(cast<FloatType>(expressedType).getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &lost);
    scales.push_back(converted);
  }
  SmallVector<APInt> zeros;
  for (int64_t z : zeroPoints)
    zeros.emplace_back(storage.getIntOrFloatBitWidth(), uint64_t(z),
                       /*isSigned=*/true, /*implicitTrunc=*/true);
  SmallVector<int32_t> dims;
  SmallVector<int64_t> blocks;
  for (int64_t d = 0; d < rank; ++d) {
    dims.push_back(int32_t(d));
    blocks.push_back(d == axis ? blockSize : 1);
  }
  Type type = quant::UniformQuantizedSubChannelType::getChecked(
      [&] { return nodeError(node); }, flags, storage, expressedType,
      DenseElementsAttr::get(paramType(expressedType), scales),
      DenseElementsAttr::get(paramType(storage), zeros), dims, blocks, qmin,
      qmax);
  if (!type)
    return failure();
  return type;
}

FailureOr<Value> ONNXImporter::dequantize(const Node &node,
                                          const GraphValue &x,
                                          const GraphValue &scale,
                                          const GraphValue *zeroPoint,
                                          int64_t axis, int64_t blockSize) {
  auto xType = cast<RankedTensorType>(x.value.getType());
  Type expressed = getElementType(ctx, onnx::TensorProto::FLOAT);
  if (scale.constant)
    expressed = scale.constant.getElementType();
  FailureOr<Type> quantType =
      quantTypeFor(node, scale, zeroPoint, x.dtype, axis, xType.getShape(),
                   expressed, blockSize);
  if (failed(quantType))
    return failure();
  auto quantTensor = xType.clone(*quantType);
  Value quantized = x.quantized && x.quantized.getType() == quantTensor
                        ? x.quantized
                        : quant::StorageCastOp::create(b, loc, quantTensor,
                                                       x.value)
                              .getResult();
  return quant::DequantizeCastOp::create(b, loc, xType.clone(expressed),
                                         quantized)
      .getResult();
}

FailureOr<GraphValue> ONNXImporter::quantize(const Node &node, Value x,
                                             const GraphValue &scale,
                                             const GraphValue *zeroPoint,
                                             int64_t axis, int64_t blockSize) {
  auto xType = cast<RankedTensorType>(x.getType());
  int32_t dtype = zeroPoint ? zeroPoint->dtype : onnx::TensorProto::UINT8;
  FailureOr<Type> quantType =
      quantTypeFor(node, scale, zeroPoint, dtype, axis, xType.getShape(),
                   xType.getElementType(), blockSize);
  if (failed(quantType))
    return failure();
  Value quantized =
      quant::QuantizeCastOp::create(b, loc, xType.clone(*quantType), x);
  GraphValue result;
  result.value = quant::StorageCastOp::create(
      b, loc,
      xType.clone(cast<quant::QuantizedType>(*quantType).getStorageType()),
      quantized);
  result.dtype = dtype;
  result.quantized = quantized;
  return result;
}

/// QuantizeLinear / DequantizeLinear: x, scale and the optional zero point.
FailureOr<ONNXImporter::QDQOperands>
ONNXImporter::qdqOperands(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0), scale = input(node, 1);
  if (failed(x) || failed(scale))
    return failure();
  FailureOr<std::optional<GraphValue>> zeroPoint = optionalInput(node, 2);
  if (failed(zeroPoint))
    return failure();
  return QDQOperands{*x, *scale, *zeroPoint};
}

LogicalResult ONNXImporter::importQuantizeLinear(const Node &node) {
  FailureOr<QDQOperands> in = qdqOperands(node);
  if (failed(in))
    return failure();
  FailureOr<GraphValue> result = quantize(
      node, in->x.value, in->scale, in->zeroPoint ? &*in->zeroPoint : nullptr,
      intAttr(node, "axis", 1), intAttr(node, "block_size", 0));
  if (failed(result))
    return failure();
  define(node, 0, *result);
  return success();
}

LogicalResult ONNXImporter::importDequantizeLinear(const Node &node) {
  FailureOr<QDQOperands> in = qdqOperands(node);
  if (failed(in))
    return failure();
  FailureOr<Value> result = dequantize(
      node, in->x, in->scale, in->zeroPoint ? &*in->zeroPoint : nullptr,
      intAttr(node, "axis", 1), intAttr(node, "block_size", 0));
  if (failed(result))
    return failure();
  define(node, 0, {*result, onnx::TensorProto::FLOAT});
  return success();
}

/// QLinearMatMul in QDQ form: dq(a), dq(b), matmul, q. quant-fold-qdq turns
/// it back into one qnn.matmul.
LogicalResult ONNXImporter::importQLinearMatMul(const Node &node) {
  FailureOr<SmallVector<GraphValue>> inputs = leadingInputs(node, 8);
  if (failed(inputs))
    return failure();
  ArrayRef<GraphValue> in = *inputs;
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(type))
    return failure();
  FailureOr<Value> a = dequantize(node, in[0], in[1], &in[2], 1);
  if (failed(a))
    return failure();
  // Per-column weight parameters: axis -1 (the N dimension).
  FailureOr<Value> w = dequantize(node, in[3], in[4], &in[5], -1);
  if (failed(w))
    return failure();
  auto floatType = type->clone(b.getF32Type());
  LogicalResult status = success();
  Value product = matmul(loc, *a, *w, floatType, node, status);
  if (failed(status))
    return failure();
  FailureOr<GraphValue> y = quantize(node, product, in[6], &in[7], 1);
  if (failed(y))
    return failure();
  define(node, 0, *y);
  return success();
}

Value quantc::onnx_import::extendToI32(OpBuilder &b, Location loc, Value v, int32_t dtype) {
  if (v.getType().isInteger(32))
    return v;
  if (isUnsignedDtype(dtype))
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
  return arith::ExtSIOp::create(b, loc, b.getI32Type(), v);
}

/// MatMulInteger (2-D): sum_k (a - a_zp) * (b - b_zp) in int32, as one
/// linalg.generic. Zero points may be scalars, per row of A ([M]) or per
/// column of B ([N]), constants or not.
LogicalResult ONNXImporter::importMatMulInteger(const Node &node) {
  FailureOr<GraphValue> a = input(node, 0), w = input(node, 1);
  FailureOr<RankedTensorType> type = outputType(node, 0);
  if (failed(a) || failed(w) || failed(type))
    return failure();
  auto aType = cast<RankedTensorType>(a->value.getType());
  auto wType = cast<RankedTensorType>(w->value.getType());
  if (aType.getRank() != 2 || wType.getRank() != 2)
    return nodeError(node) << "only 2-D operands are supported yet";
  // Loops (m, n, k).
  AffineExpr m = b.getAffineDimExpr(0), n = b.getAffineDimExpr(1),
             k = b.getAffineDimExpr(2);
  SmallVector<Value> operands{a->value, w->value};
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {m, k}, ctx),
                              AffineMap::get(3, 0, {k, n}, ctx)};
  SmallVector<int32_t> zpDtypes;
  for (int i : {2, 3}) {
    if (!hasInput(node, i))
      continue;
    FailureOr<GraphValue> zp = input(node, i);
    if (failed(zp))
      return failure();
    auto zpType = cast<RankedTensorType>(zp->value.getType());
    if (zpType.getNumElements() == 1) {
      operands.push_back(reshape(zp->value, {}));
      maps.push_back(AffineMap::get(3, 0, {}, ctx));
    } else if (zpType.getRank() == 1) {
      operands.push_back(zp->value);
      maps.push_back(AffineMap::get(3, 0, {i == 2 ? m : n}, ctx));
    } else {
      return nodeError(node) << "zero point of shape " << zpType
                             << " is not supported";
    }
    zpDtypes.push_back(zp->dtype);
  }
  bool hasAZp = hasInput(node, 2), hasBZp = hasInput(node, 3);
  maps.push_back(AffineMap::get(3, 0, {m, n}, ctx));
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(
                   b, loc, zero,
                   tensor::EmptyOp::create(b, loc, type->getShape(),
                                           b.getI32Type())
                       .getResult())
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                             utils::IteratorType::parallel,
                                             utils::IteratorType::reduction};
  int32_t aDtype = a->dtype, bDtype = w->dtype;
  Value result =
      linalg::GenericOp::create(
          b, loc, TypeRange{*type}, operands, ValueRange{init}, maps,
          iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value av = extendToI32(nb, l, args[0], aDtype);
            Value bv = extendToI32(nb, l, args[1], bDtype);
            unsigned next = 2, zpIndex = 0;
            if (hasAZp)
              av = arith::SubIOp::create(
                  nb, l, av,
                  extendToI32(nb, l, args[next++], zpDtypes[zpIndex++]));
            if (hasBZp)
              bv = arith::SubIOp::create(
                  nb, l, bv,
                  extendToI32(nb, l, args[next++], zpDtypes[zpIndex++]));
            Value product = arith::MulIOp::create(nb, l, av, bv);
            linalg::YieldOp::create(
                nb, l,
                ValueRange{arith::AddIOp::create(nb, l, args.back(),
                                                 product)});
          })
          .getResult(0);
  define(node, 0, {result, onnx::TensorProto::INT32});
  return success();
}

/// DynamicQuantizeLinear (uint8), the formula of the ONNX specification:
///   scale = (max(0, max(x)) - min(0, min(x))) / 255
///   zp = saturate(round(0 - min(0, min(x)) / scale))
///   y = saturate(round(x / scale) + zp)
/// with round half to even, in float32.
LogicalResult ONNXImporter::importDynamicQuantizeLinear(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(x->value.getType());
  if (!xType.getElementType().isF32() || !xType.hasStaticShape())
    return nodeError(node) << "only static float32 inputs are supported, got "
                           << xType;
  Type f32 = b.getF32Type();
  unsigned rank = xType.getRank();
  auto reduce = [&](bool isMax) -> Value {
    // A full reduction into a 0-d tensor that starts at 0 (the range always
    // includes zero).
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value init = linalg::FillOp::create(
                     b, loc, zero,
                     tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, f32)
                         .getResult())
                     .getResult(0);
    SmallVector<utils::IteratorType> iterators(
        rank, utils::IteratorType::reduction);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{x->value},
               ValueRange{init},
               ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, {}, ctx)},
               iterators,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value r = isMax ? arith::MaximumFOp::create(nb, l, args[0],
                                                             args[1])
                                       .getResult()
                                 : arith::MinimumFOp::create(nb, l, args[0],
                                                             args[1])
                                       .getResult();
                 linalg::YieldOp::create(nb, l, ValueRange{r});
               })
        .getResult(0);
  };
  Value lo = tensor::ExtractOp::create(b, loc, reduce(false), ValueRange{});
  Value hi = tensor::ExtractOp::create(b, loc, reduce(true), ValueRange{});
  auto f = [&](float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)).getResult();
  };
  Value scale = arith::DivFOp::create(
      b, loc, arith::SubFOp::create(b, loc, hi, lo), f(255.0f));
  auto saturate = [&](OpBuilder &nb, Location l, Value v) {
    Value lo255 = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0.0f));
    Value hi255 = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(255.0f));
    return arith::MinNumFOp::create(
        nb, l, arith::MaxNumFOp::create(nb, l, v, lo255), hi255);
  };
  Value zp = saturate(
      b, loc,
      math::RoundEvenOp::create(
          b, loc,
          arith::SubFOp::create(b, loc, f(0.0f),
                                arith::DivFOp::create(b, loc, lo, scale))));
  Type i8 = b.getI8Type();
  Value y = linalg::GenericOp::create(
                b, loc, TypeRange{xType.clone(i8)}, ValueRange{x->value},
                ValueRange{tensor::EmptyOp::create(b, loc, xType.getShape(), i8)
                               .getResult()},
                ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank),
                                    b.getMultiDimIdentityMap(rank)},
                SmallVector<utils::IteratorType>(
                    rank, utils::IteratorType::parallel),
                [&](OpBuilder &nb, Location l, ValueRange args) {
                  Value q = math::RoundEvenOp::create(
                      nb, l, arith::DivFOp::create(nb, l, args[0], scale));
                  Value v = saturate(nb, l, arith::AddFOp::create(nb, l, q, zp));
                  linalg::YieldOp::create(
                      nb, l, ValueRange{arith::FPToUIOp::create(nb, l, i8, v)});
                })
                .getResult(0);
  Value zpStored = arith::FPToUIOp::create(b, loc, i8, zp);
  define(node, 0, {y, onnx::TensorProto::UINT8});
  define(node, 1,
         {tensor::FromElementsOp::create(
              b, loc, RankedTensorType::get({}, f32), ValueRange{scale}),
          onnx::TensorProto::FLOAT});
  define(node, 2,
         {tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, i8),
                                         ValueRange{zpStored}),
          onnx::TensorProto::UINT8});
  return success();
}

