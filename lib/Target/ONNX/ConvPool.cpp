//===- ConvPool.cpp - ONNX convolution and pooling -*- C++ -*-===//
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
// Windows (shared by convolution and pooling)
//===----------------------------------------------------------------------===//

/// Reads kernel_shape/strides/dilations/pads/auto_pad for the spatial
/// dimensions of `x` (N, C, then one per kernel dimension) and checks them
/// against ONNX's inferred output shape, which also covers ceil_mode: the end
/// padding grows until the last window fits. The batch may be dynamic.
FailureOr<ConvWindow> ONNXImporter::windowFor(const Node &node,
                                              RankedTensorType x,
                                              ArrayRef<int64_t> kernel,
                                              RankedTensorType out,
                                              bool dynamicSpatial) {
  size_t spatial = kernel.size();
  auto staticSpatial = [&](RankedTensorType t) {
    return t.getRank() == int64_t(spatial) + 2 && !t.isDynamicDim(1) &&
           (dynamicSpatial ||
            llvm::none_of(t.getShape().drop_front(2), ShapedType::isDynamic));
  };
  if (spatial < 1 || spatial > 3 || !staticSpatial(x) || !staticSpatial(out))
    return nodeError(node) << "expected a 1-D, 2-D or 3-D window over an "
                              "input of static channels and spatial "
                              "dimensions, got "
                           << x << " and a kernel of rank " << spatial;
  ConvWindow w;
  w.kernel.assign(kernel.begin(), kernel.end());
  SmallVector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  w.strides = intsAttr(node, "strides").value_or(ones);
  w.dilations = intsAttr(node, "dilations").value_or(ones);
  SmallVector<int64_t> pads = intsAttr(node, "pads").value_or(zeros);
  if (w.strides.size() != spatial || w.dilations.size() != spatial ||
      pads.size() != 2 * spatial)
    return nodeError(node) << "strides, dilations and pads must describe "
                           << spatial << " spatial dimensions";
  if (llvm::any_of(w.strides, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(w.dilations, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return nodeError(node) << "strides and dilations must be >= 1 and pads "
                              ">= 0";
  w.padBegin.assign(pads.begin(), pads.begin() + spatial);
  w.padEnd.assign(pads.begin() + spatial, pads.end());
  const onnx::AttributeProto *autoPad = findAttr(node, "auto_pad");
  StringRef mode = autoPad ? StringRef(autoPad->s()) : "NOTSET";
  for (size_t d = 0; d < spatial; ++d) {
    int64_t in = x.getDimSize(2 + d), o = out.getDimSize(2 + d);
    w.out.push_back(o);
    int64_t extent = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      int64_t total =
          std::max<int64_t>((o - 1) * w.strides[d] + extent - in, 0);
      int64_t small = total / 2;
      w.padBegin[d] = mode == "SAME_UPPER" ? small : total - small;
      w.padEnd[d] = total - w.padBegin[d];
    } else if (mode == "VALID") {
      w.padBegin[d] = w.padEnd[d] = 0;
    } else if (mode != "NOTSET") {
      return nodeError(node) << "auto_pad '" << mode << "' is not supported";
    }
    w.declaredPadEnd.push_back(w.padEnd[d]);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(o)) {
      // A dynamic size: the output is floor((in + pads - extent) / stride)
      // + 1 at run time; SAME padding would depend on the size.
      if (mode == "SAME_UPPER" || mode == "SAME_LOWER")
        return nodeError(node) << "auto_pad '" << mode
                               << "' over a dynamic spatial size is not "
                                  "supported";
      if (!ShapedType::isDynamic(in) || !ShapedType::isDynamic(o))
        return nodeError(node)
               << "window over " << x
               << " does not produce the inferred output " << out;
      continue;
    }
    // ceil_mode: pad the end until the last window is inside.
    int64_t needed = (o - 1) * w.strides[d] + extent - in - w.padBegin[d];
    w.padEnd[d] = std::max(w.padEnd[d], needed);
    if (in + w.padBegin[d] + w.padEnd[d] < extent ||
        (in + w.padBegin[d] + w.padEnd[d] - extent) / w.strides[d] + 1 != o)
      return nodeError(node) << "window does not produce the inferred output "
                             << out;
  }
  return w;
}

/// The same window over a unit leading spatial axis: 1-D convolutions run
/// as 2-D ones, so that they take the 2-D named ops quant-fold-qdq matches.
static ConvWindow withUnitHeight(const ConvWindow &w) {
  ConvWindow lifted;
  lifted.kernel = {1, w.kernel[0]};
  lifted.strides = {1, w.strides[0]};
  lifted.dilations = {1, w.dilations[0]};
  lifted.padBegin = {0, w.padBegin[0]};
  lifted.padEnd = {0, w.padEnd[0]};
  lifted.declaredPadEnd = {0, w.declaredPadEnd[0]};
  lifted.out = {1, w.out[0]};
  return lifted;
}

/// Inserts a unit dimension before the last one ([N, C, W] -> [N, C, 1, W]).
Value ONNXImporter::insertUnitHeight(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.end() - 1, 1);
  return tensor::ExpandShapeOp::create(
      b, loc, type.clone(shape), value,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

Value ONNXImporter::emptyTensor(ArrayRef<int64_t> shape, Type elementType,
                                Value batchOf) {
  SmallVector<Value> dynamicSizes;
  for (auto [d, size] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, batchOf, d));
  return tensor::EmptyOp::create(b, loc, shape, elementType, dynamicSizes);
}

Value ONNXImporter::pad(Value x, const ConvWindow &w, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  if (llvm::all_of(w.padBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(w.padEnd, [](int64_t p) { return p == 0; }))
    return x;
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)),
      high(2, b.getIndexAttr(0));
  for (size_t d = 0; d < w.kernel.size(); ++d) {
    if (!ShapedType::isDynamic(shape[2 + d]))
      shape[2 + d] += w.padBegin[d] + w.padEnd[d];
    low.push_back(b.getIndexAttr(w.padBegin[d]));
    high.push_back(b.getIndexAttr(w.padEnd[d]));
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), x, low, high,
                               padValue);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// Splits the channel dimension `dim` of `value` into [groups, rest].
Value ONNXImporter::splitGroups(Value value, int64_t dim, int64_t groups) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] /= groups;
  shape.insert(shape.begin() + dim, groups);
  SmallVector<ReassociationIndices> groupsOf;
  for (int64_t d = 0; d < type.getRank(); ++d)
    groupsOf.push_back(d < dim    ? ReassociationIndices{d}
                       : d == dim ? ReassociationIndices{d, d + 1}
                                  : ReassociationIndices{d + 1});
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), value,
                                       groupsOf);
}

/// Merges the [group, channels / group] dimensions 1 and 2 of `value`.
Value ONNXImporter::mergeGroups(Value value, RankedTensorType resultType) {
  SmallVector<ReassociationIndices> groupsOf{{0}, {1, 2}};
  for (int64_t d = 3; d <= resultType.getRank(); ++d)
    groupsOf.push_back({d});
  return tensor::CollapseShapeOp::create(b, loc, resultType, value, groupsOf);
}

/// A 2-D float conv over an already padded NCHW input: the named linalg ops
/// that quant-fold-qdq matches, `conv_2d_nchw_fchw` for one group and
/// `conv_2d_ngchw_gfchw` (channels split into [group, channels / group])
/// otherwise, so that grouped and depthwise convolutions need no other form.
Value ONNXImporter::floatConv2D(Value input, Value filter, const ConvWindow &w,
                                int64_t groups, RankedTensorType resultType) {
  Type element = resultType.getElementType();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  // Dynamic sizes: the batch is the input's, a spatial size
  // (padded - extent) / stride + 1 of the (padded) input's.
  SmallVector<Value> dynamicSizes;
  for (auto [d, size] : llvm::enumerate(resultType.getShape())) {
    if (!ShapedType::isDynamic(size))
      continue;
    Value in = tensor::DimOp::create(b, loc, input, d);
    if (d >= 2) {
      int64_t extent = (w.kernel[d - 2] - 1) * w.dilations[d - 2] + 1;
      auto constant = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v);
      };
      in = arith::AddIOp::create(
          b, loc,
          arith::DivUIOp::create(
              b, loc, arith::SubIOp::create(b, loc, in, constant(extent)),
              constant(w.strides[d - 2])),
          constant(1));
    }
    dynamicSizes.push_back(in);
  }
  Value init = linalg::FillOp::create(
                   b, loc, zero,
                   tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                           element, dynamicSizes)
                       .getResult())
                   .getResult(0);
  Attribute strides = b.getI64TensorAttr(w.strides);
  Attribute dilations = b.getI64TensorAttr(w.dilations);
  if (groups == 1)
    return linalg::Conv2DNchwFchwOp::create(
               b, loc, TypeRange{resultType}, ValueRange{input, filter},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  Value groupedInit = splitGroups(init, 1, groups);
  Value conv = linalg::Conv2DNgchwGfchwOp::create(
                   b, loc, TypeRange{groupedInit.getType()},
                   ValueRange{splitGroups(input, 1, groups),
                              splitGroups(filter, 0, groups)},
                   ValueRange{groupedInit}, strides, dilations)
                   .getResult(0);
  return mergeGroups(conv, resultType);
}

/// Any other conv as a linalg.generic over
/// (n, group, oc, out..., ic, kernel...): 3-D float convolutions, and
/// ConvInteger accumulating (x - x_zp) * (w - w_zp) in i32 (not linalg's
/// `_q` convs: they sign-extend, which is wrong for uint8 operands).
Value ONNXImporter::genericConv(Value input, Value filter, const ConvWindow &w,
                                int64_t groups, RankedTensorType resultType,
                                const IntegerConvOperand *x,
                                const IntegerConvOperand *wt) {
  unsigned spatial = w.kernel.size(), loops = 4 + 2 * spatial;
  Value xg = splitGroups(input, 1, groups);
  Value wg = splitGroups(filter, 0, groups);
  Type element = resultType.getElementType();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  Value init =
      splitGroups(linalg::FillOp::create(
                      b, loc, zero,
                      emptyTensor(resultType.getShape(), element, input))
                      .getResult(0),
                  1, groups);
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  // Loops: n g oc out[spatial] ic kernel[spatial].
  unsigned ic = 3 + spatial, k0 = 4 + spatial;
  SmallVector<AffineExpr> xIndex{d(0), d(1), d(ic)}, wIndex{d(1), d(2), d(ic)},
      outIndex{d(0), d(1), d(2)};
  for (unsigned s = 0; s < spatial; ++s) {
    xIndex.push_back(d(3 + s) * w.strides[s] + d(k0 + s) * w.dilations[s]);
    wIndex.push_back(d(k0 + s));
    outIndex.push_back(d(3 + s));
  }
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xIndex, ctx),
                              AffineMap::get(loops, 0, wIndex, ctx),
                              AffineMap::get(loops, 0, outIndex, ctx)};
  SmallVector<utils::IteratorType> iterators(3 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);
  // (v - zp) in i32, the zero point read with v's signedness.
  auto centred = [](OpBuilder &nb, Location l, Value v,
                    const IntegerConvOperand &operand) {
    Value e = extendToI32(nb, l, v, operand.dtype);
    if (!operand.zeroPoint)
      return e;
    APInt zp = *operand.zeroPoint->dense().getValues<APInt>().begin();
    int64_t z = isUnsignedDtype(operand.dtype) ? zp.getZExtValue()
                                               : zp.getSExtValue();
    Value zpValue = arith::ConstantOp::create(nb, l, nb.getI32IntegerAttr(z));
    return arith::SubIOp::create(nb, l, e, zpValue).getResult();
  };
  Value conv =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{xg, wg},
          ValueRange{init}, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value sum;
            if (x) {
              Value product =
                  arith::MulIOp::create(nb, l, centred(nb, l, args[0], *x),
                                        centred(nb, l, args[1], *wt));
              sum = arith::AddIOp::create(nb, l, args[2], product);
            } else {
              Value product = arith::MulFOp::create(nb, l, args[0], args[1]);
              sum = arith::AddFOp::create(nb, l, args[2], product);
            }
            linalg::YieldOp::create(nb, l, ValueRange{sum});
          })
          .getResult(0);
  return mergeGroups(conv, resultType);
}

/// Conv (float), ConvInteger (integer, int32 result) and QLinearConv (QDQ
/// form around a float conv: dq -> pad 0.0 -> conv -> bias add -> q, the
/// pattern quant-fold-qdq takes over), over 1, 2 or 3 spatial dimensions.
LogicalResult ONNXImporter::importConv(const Node &node) {
  StringRef op = node.op_type();
  bool isInteger = op == "ConvInteger", isQLinear = op == "QLinearConv";
  int wIndex = isQLinear ? 3 : 1;
  FailureOr<GraphValue> x = input(node, 0), w = input(node, wIndex);
  FailureOr<RankedTensorType> outType = outputType(node, 0);
  if (failed(x) || failed(w) || failed(outType))
    return failure();
  Value xv = x->value, wv = w->value;
  if (isQLinear) {
    FailureOr<SmallVector<GraphValue>> inputs = leadingInputs(node, 8);
    if (failed(inputs))
      return failure();
    ArrayRef<GraphValue> in = *inputs;
    FailureOr<Value> xd = dequantize(node, in[0], in[1], &in[2], 1);
    FailureOr<Value> wd = dequantize(node, in[3], in[4], &in[5], 0);
    if (failed(xd) || failed(wd))
      return failure();
    xv = *xd;
    wv = *wd;
  }
  auto xType = cast<RankedTensorType>(xv.getType());
  auto wType = cast<RankedTensorType>(wv.getType());
  if (wType.getRank() < 3 || wType.getRank() > 5 || !wType.hasStaticShape())
    return nodeError(node) << "expected a static 1-D, 2-D or 3-D kernel, got "
                           << wType;
  int64_t c = xType.getDimSize(1);
  int64_t m = wType.getDimSize(0), icg = wType.getDimSize(1);
  int64_t groups = intAttr(node, "group", 1);
  if (groups <= 0 || c != icg * groups || m % groups != 0)
    return nodeError(node) << "group " << groups << " does not divide "
                           << c << " input and " << m
                           << " output channels";
  RankedTensorType accType =
      isQLinear ? outType->clone(xType.getElementType()) : *outType;
  if (std::optional<SmallVector<int64_t>> kernelShape =
          intsAttr(node, "kernel_shape"))
    if (ArrayRef<int64_t>(*kernelShape) != wType.getShape().drop_front(2))
      return nodeError(node) << "kernel_shape does not match the weights "
                             << wType;
  // Dynamic spatial sizes: 2-D float (and QDQ) convolutions only, the
  // form quant-fold-qdq folds into qnn.conv2d.
  bool dynamicSpatial =
      llvm::any_of(xType.getShape().drop_front(2), ShapedType::isDynamic);
  if (dynamicSpatial && (isInteger || wType.getRank() != 4))
    return nodeError(node) << "dynamic spatial sizes are supported for 2-D "
                              "Conv and QLinearConv only, got "
                           << xType;
  FailureOr<ConvWindow> win = windowFor(
      node, xType, wType.getShape().drop_front(2), accType, dynamicSpatial);
  if (failed(win))
    return failure();

  // Integer inputs: pad with the zero point so padding contributes 0.
  Value xPadValue;
  std::optional<GraphValue> xZp, wZp;
  if (isInteger) {
    for (int i : {2, 3}) {
      FailureOr<std::optional<GraphValue>> zp = optionalInput(node, i);
      if (failed(zp))
        return failure();
      if (!*zp)
        continue;
      if (!(*zp)->constant || (*zp)->constant.getNumElements() != 1)
        return nodeError(node) << "zero points must be scalar constants";
      (i == 2 ? xZp : wZp) = **zp;
    }
    APInt zp = xZp ? *xZp->dense().getValues<APInt>().begin()
                   : APInt(xType.getElementTypeBitWidth(), 0);
    xPadValue = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(xType.getElementType(), zp));
  } else {
    xPadValue = arith::ConstantOp::create(
        b, loc, b.getZeroAttr(xType.getElementType()));
  }
  Value padded = pad(xv, *win, xPadValue);
  Value result;
  if (isInteger) {
    IntegerConvOperand xOperand{x->dtype, xZp}, wOperand{w->dtype, wZp};
    result = genericConv(padded, wv, *win, groups, accType, &xOperand,
                         &wOperand);
  } else if (win->kernel.size() == 2) {
    result = floatConv2D(padded, wv, *win, groups, accType);
  } else if (win->kernel.size() == 1) {
    SmallVector<int64_t> shape(accType.getShape());
    shape.insert(shape.end() - 1, 1);
    Value conv = floatConv2D(insertUnitHeight(padded), insertUnitHeight(wv),
                             withUnitHeight(*win), groups,
                             accType.clone(shape));
    result = tensor::CollapseShapeOp::create(
        b, loc, accType, conv,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  } else {
    result = genericConv(padded, wv, *win, groups, accType, nullptr, nullptr);
  }

  // Bias: Conv input 2 (float), QLinearConv input 8 (int32 at s_x * s_w).
  int biasIndex = isQLinear ? 8 : (isInteger ? -1 : 2);
  if (biasIndex >= 0 && hasInput(node, biasIndex)) {
    FailureOr<GraphValue> bias = input(node, biasIndex);
    if (failed(bias))
      return failure();
    Value biasValue = bias->value;
    if (isQLinear) {
      // int32 bias at scale s_x * s_w, per output channel where w is.
      FailureOr<GraphValue> sx = input(node, 1), sw = input(node, 4);
      if (failed(sx) || failed(sw))
        return failure();
      if (!sx->constant || !sw->constant)
        return nodeError(node) << "scales must be constants";
      float sxv = (*sx->dense().getValues<APFloat>().begin()).convertToFloat();
      SmallVector<float> scales;
      for (const APFloat &v : sw->dense().getValues<APFloat>())
        scales.push_back(sxv * v.convertToFloat());
      auto scaleType = RankedTensorType::get({int64_t(scales.size())},
                                             b.getF32Type());
      GraphValue scale(constant(DenseElementsAttr::get(scaleType,
                                                       ArrayRef(scales))),
                       onnx::TensorProto::FLOAT,
                       DenseElementsAttr::get(scaleType, ArrayRef(scales)));
      FailureOr<Value> dq = dequantize(node, *bias, scale, nullptr, 0);
      if (failed(dq))
        return failure();
      biasValue = *dq;
    }
    SmallVector<int64_t> biasShape(accType.getRank(), 1);
    biasShape[1] = m;
    result = tosa::AddOp::create(b, loc, accType, result,
                                 reshape(biasValue, biasShape));
  }
  if (isQLinear) {
    FailureOr<GraphValue> sy = input(node, 6), zy = input(node, 7);
    if (failed(sy) || failed(zy))
      return failure();
    FailureOr<GraphValue> y = quantize(node, result, *sy, &*zy, 1);
    if (failed(y))
      return failure();
    define(node, 0, *y);
    return success();
  }
  define(node, 0, {result, isInteger ? int32_t(onnx::TensorProto::INT32)
                                     : x->dtype});
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Divides `sum` (N, C, out...) by `counts` (one per output position, or
/// one for all) in a linalg.generic, which keeps a dynamic batch. This is
/// the form quant-fold-qdq recognises as an average pool (FoldQDQLayout).
Value ONNXImporter::divideByCounts(Value sum, ArrayRef<float> counts,
                                   ArrayRef<int64_t> countShape) {
  auto type = cast<RankedTensorType>(sum.getType());
  unsigned rank = type.getRank();
  Value countValues = floatTensor(counts, countShape,
                                  cast<FloatType>(type.getElementType()));
  SmallVector<AffineExpr> countIndex;
  for (unsigned d = 2; d < rank; ++d)
    countIndex.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, countIndex, ctx),
                              b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = emptyTensor(type.getShape(), type.getElementType(), sum);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{sum, countValues},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::DivFOp::create(nb, l, args[0], args[1])});
             })
      .getResult(0);
}

/// MaxPool and AveragePool (1-D to 3-D) as linalg.generic reductions over
/// (n, c, out..., kernel...). AveragePool divides by the number of window
/// elements inside the input (count_include_pad = 0) or inside the explicit
/// pads (count_include_pad = 1), a constant computed here.
LogicalResult ONNXImporter::importPool(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> outType = outputType(node, 0);
  if (failed(x) || failed(outType))
    return failure();
  bool wantsIndices = node.output_size() > 1 && !node.output(1).empty();
  bool columnMajor = intAttr(node, "storage_order", 0) != 0;
  auto xType = cast<RankedTensorType>(x->value.getType());
  std::optional<SmallVector<int64_t>> kernel = intsAttr(node, "kernel_shape");
  if (!kernel)
    return nodeError(node) << "kernel_shape is required";
  Type elementType = xType.getElementType();
  bool isMax = node.op_type() == "MaxPool";
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!isa<FloatType>(elementType) && !(isMax && intType))
    return nodeError(node) << "element type " << elementType
                           << " is not supported";
  FailureOr<ConvWindow> win = windowFor(node, xType, *kernel, *outType);
  if (failed(win))
    return failure();
  bool isUnsigned = isUnsignedDtype(x->dtype);
  // The identity of the reduction, also the padding value.
  TypedAttr identity;
  if (intType)
    identity = b.getIntegerAttr(
        intType, isUnsigned
                     ? APInt::getMinValue(intType.getWidth())
                     : APInt::getSignedMinValue(intType.getWidth()));
  else
    identity = b.getFloatAttr(
        elementType, isMax ? -std::numeric_limits<double>::infinity() : 0.0);
  Value padConstant = arith::ConstantOp::create(b, loc, identity);
  Value padded = pad(x->value, *win, padConstant);
  unsigned spatial = kernel->size(), loops = 2 + 2 * spatial;
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  SmallVector<AffineExpr> inIndex{d(0), d(1)}, windowIndex, outIndex{d(0), d(1)};
  for (unsigned s = 0; s < spatial; ++s) {
    inIndex.push_back(d(2 + s) * win->strides[s] +
                      d(2 + spatial + s) * win->dilations[s]);
    windowIndex.push_back(d(2 + spatial + s));
    outIndex.push_back(d(2 + s));
  }
  // The window tensor only gives the kernel loops their extent, as in
  // linalg's named pooling ops.
  Value window =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>(*kernel), elementType);
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inIndex, ctx),
                              AffineMap::get(loops, 0, windowIndex, ctx),
                              AffineMap::get(loops, 0, outIndex, ctx)};
  Value init = linalg::FillOp::create(
                   b, loc, padConstant,
                   emptyTensor(outType->getShape(), elementType, x->value))
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(2 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  if (wantsIndices) {
    // Indices: the flat index into the (unpadded) input of each window's
    // first maximum, kept beside the maximum as the kernel loops scan the
    // window in order. N and C lead; the spatial dimensions are row-major,
    // or column-major (the last one most significant) for storage_order 1.
    FailureOr<RankedTensorType> indexType = outputType(node, 1);
    if (failed(indexType))
      return failure();
    Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    Value indexInit =
        linalg::FillOp::create(
            b, loc, zero,
            emptyTensor(indexType->getShape(), b.getI64Type(), x->value))
            .getResult(0);
    SmallVector<AffineMap> indexMaps(maps);
    indexMaps.push_back(maps.back());
    auto pool = linalg::GenericOp::create(
        b, loc, TypeRange{*outType, *indexType}, ValueRange{padded, window},
        ValueRange{init, indexInit}, indexMaps, iterators,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value greater =
              !intType ? arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                               args[0], args[2])
                             .getResult()
                       : arith::CmpIOp::create(
                             nb, l,
                             isUnsigned ? arith::CmpIPredicate::ugt
                                        : arith::CmpIPredicate::sgt,
                             args[0], args[2])
                             .getResult();
          auto constant = [&](int64_t v) {
            return arith::ConstantIndexOp::create(nb, l, v).getResult();
          };
          Value flat = linalg::IndexOp::create(nb, l, 0);
          flat = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, flat,
                                    constant(xType.getDimSize(1))),
              linalg::IndexOp::create(nb, l, 1));
          for (unsigned i = 0; i < spatial; ++i) {
            unsigned s = columnMajor ? spatial - 1 - i : i;
            // o * stride + k * dilation - pad_begin, in input coordinates.
            Value position = arith::AddIOp::create(
                nb, l,
                arith::MulIOp::create(nb, l, linalg::IndexOp::create(nb, l, 2 + s),
                                      constant(win->strides[s])),
                arith::MulIOp::create(
                    nb, l, linalg::IndexOp::create(nb, l, 2 + spatial + s),
                    constant(win->dilations[s])));
            position = arith::SubIOp::create(nb, l, position,
                                             constant(win->padBegin[s]));
            flat = arith::AddIOp::create(
                nb, l,
                arith::MulIOp::create(nb, l, flat,
                                      constant(xType.getDimSize(2 + s))),
                position);
          }
          Value flat64 =
              arith::IndexCastOp::create(nb, l, nb.getI64Type(), flat);
          linalg::YieldOp::create(
              nb, l,
              ValueRange{
                  arith::SelectOp::create(nb, l, greater, args[0], args[2]),
                  arith::SelectOp::create(nb, l, greater, flat64, args[3])});
        });
    define(node, 0, {pool.getResult(0), x->dtype});
    define(node, 1, {pool.getResult(1), int32_t(onnx::TensorProto::INT64)});
    return success();
  }
  Value result =
      linalg::GenericOp::create(
          b, loc, TypeRange{*outType}, ValueRange{padded, window},
          ValueRange{init}, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value r;
            if (!isMax)
              r = arith::AddFOp::create(nb, l, args[0], args[2]);
            else if (!intType)
              r = arith::MaximumFOp::create(nb, l, args[0], args[2]);
            else if (isUnsigned)
              r = arith::MaxUIOp::create(nb, l, args[0], args[2]);
            else
              r = arith::MaxSIOp::create(nb, l, args[0], args[2]);
            linalg::YieldOp::create(nb, l, ValueRange{r});
          })
          .getResult(0);
  if (!isMax) {
    bool includePad = intAttr(node, "count_include_pad", 0) != 0;
    // Per spatial dimension and output position: how many window taps fall
    // inside the input (or inside the explicit pads); the count of a window
    // is their product.
    SmallVector<SmallVector<int64_t>> taps(spatial);
    for (unsigned s = 0; s < spatial; ++s) {
      int64_t size = xType.getDimSize(2 + s);
      for (int64_t o = 0; o < win->out[s]; ++o) {
        int64_t count = 0;
        for (int64_t k = 0; k < (*kernel)[s]; ++k) {
          int64_t at =
              o * win->strides[s] + k * win->dilations[s] - win->padBegin[s];
          // count_include_pad counts the declared pads, not the ceil_mode
          // extension past them.
          count += includePad ? (at >= -win->padBegin[s] &&
                                 at < size + win->declaredPadEnd[s])
                              : (at >= 0 && at < size);
        }
        taps[s].push_back(count);
      }
    }
    SmallVector<float> counts;
    SmallVector<int64_t> position(spatial, 0);
    int64_t total = 1;
    for (int64_t o : win->out)
      total *= o;
    for (int64_t flat = 0; flat < total; ++flat) {
      int64_t rest = flat, count = 1;
      for (int s = spatial - 1; s >= 0; --s) {
        count *= taps[s][rest % win->out[s]];
        rest /= win->out[s];
      }
      counts.push_back(float(count));
    }
    result = divideByCounts(result, counts, win->out);
  }
  define(node, 0, {result, x->dtype});
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: reductions over every spatial axis.
LogicalResult ONNXImporter::importGlobalPool(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> outType = outputType(node, 0);
  if (failed(x) || failed(outType))
    return failure();
  auto xType = cast<RankedTensorType>(x->value.getType());
  if (xType.getRank() < 3 ||
      llvm::any_of(xType.getShape().drop_front(2), ShapedType::isDynamic) ||
      !isa<FloatType>(xType.getElementType()))
    return nodeError(node) << "expected a float input with static spatial "
                              "dimensions, got "
                           << xType;
  bool isMax = node.op_type() == "GlobalMaxPool";
  Value v = x->value;
  int64_t count = 1;
  for (int32_t axis = 2; axis < xType.getRank(); ++axis) {
    SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
    count *= shape[axis];
    shape[axis] = 1;
    auto type = xType.clone(shape);
    if (isMax)
      v = tosa::ReduceMaxOp::create(
          b, loc, type, v, b.getI32IntegerAttr(axis),
          tosa::NanPropagationModeAttr::get(
              ctx, tosa::NanPropagationMode::PROPAGATE));
    else
      v = tosa::ReduceSumOp::create(b, loc, type, v,
                                    b.getI32IntegerAttr(axis));
  }
  if (!isMax)
    v = divideByCounts(
        v, {float(count)},
        SmallVector<int64_t>(xType.getRank() - 2, 1));
  define(node, 0, {v, x->dtype});
  return success();
}
