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
// Convolution and pooling (2-D, NCHW)
//===----------------------------------------------------------------------===//

/// Reads kernel_shape/strides/dilations/pads/auto_pad and checks the result
/// against ONNX's inferred output shape (which also covers ceil_mode: the
/// end padding grows until the last window fits).
FailureOr<ConvWindow> ONNXImporter::windowFor(const Node &node,
                                          RankedTensorType x,
                                          ArrayRef<int64_t> kernel,
                                          RankedTensorType out) {
  if (x.getRank() != 4 || !x.hasStaticShape() || !out.hasStaticShape())
    return nodeError(node) << "only static 2-D (NCHW) inputs are supported "
                              "yet, got "
                           << x;
  ConvWindow w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = intsAttr(node, "strides").value_or(SmallVector<int64_t>{1, 1});
  w.dilations =
      intsAttr(node, "dilations").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads =
      intsAttr(node, "pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (w.strides.size() != 2 || w.dilations.size() != 2 || pads.size() != 4)
    return nodeError(node) << "strides, dilations and pads must describe 2 "
                              "spatial dimensions";
  w.padBegin = {pads[0], pads[1]};
  w.padEnd = {pads[2], pads[3]};
  const onnx::AttributeProto *autoPad = findAttr(node, "auto_pad");
  StringRef mode = autoPad ? StringRef(autoPad->s()) : "NOTSET";
  w.outH = out.getDimSize(2);
  w.outW = out.getDimSize(3);
  for (int d = 0; d < 2; ++d) {
    int64_t in = x.getDimSize(2 + d), o = d ? w.outW : w.outH;
    int64_t extent = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      int64_t total = std::max<int64_t>((o - 1) * w.strides[d] + extent - in, 0);
      int64_t small = total / 2;
      w.padBegin[d] = mode == "SAME_UPPER" ? small : total - small;
      w.padEnd[d] = total - w.padBegin[d];
    } else if (mode == "VALID") {
      w.padBegin[d] = w.padEnd[d] = 0;
    } else if (mode != "NOTSET") {
      return nodeError(node) << "auto_pad '" << mode << "' is not supported";
    }
    // ceil_mode: pad the end until the last window is inside.
    int64_t needed = (o - 1) * w.strides[d] + extent - in - w.padBegin[d];
    w.padEnd[d] = std::max(w.padEnd[d], needed);
    if ((in + w.padBegin[d] + w.padEnd[d] - extent) / w.strides[d] + 1 < o)
      return nodeError(node) << "window does not produce the inferred output "
                             << out;
  }
  return w;
}

Value ONNXImporter::pad(Value x, const ConvWindow &w, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  if (llvm::all_of(w.padBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(w.padEnd, [](int64_t p) { return p == 0; }))
    return x;
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += w.padBegin[0] + w.padEnd[0];
  shape[3] += w.padBegin[1] + w.padEnd[1];
  SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0),
                                b.getIndexAttr(w.padBegin[0]),
                                b.getIndexAttr(w.padBegin[1])};
  SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(0),
                                 b.getIndexAttr(w.padEnd[0]),
                                 b.getIndexAttr(w.padEnd[1])};
  return tensor::PadOp::create(b, loc, type.clone(shape), x, low, high,
                               padValue);
}

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

/// A float conv over an already padded NCHW input: the named linalg ops that
/// quant-fold-qdq matches, `conv_2d_nchw_fchw` for one group and
/// `conv_2d_ngchw_gfchw` (channels split into [group, channels / group])
/// otherwise, so that grouped and depthwise convolutions need no other form.
Value ONNXImporter::floatConv(Value input, Value filter, const ConvWindow &w,
                              int64_t groups, RankedTensorType resultType) {
  Type element = resultType.getElementType();
  auto zeroFilled = [&](RankedTensorType type) {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
    Value empty =
        tensor::EmptyOp::create(b, loc, type.getShape(), element).getResult();
    return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  };
  Attribute strides = b.getI64TensorAttr(w.strides);
  Attribute dilations = b.getI64TensorAttr(w.dilations);
  if (groups == 1)
    return linalg::Conv2DNchwFchwOp::create(
               b, loc, TypeRange{resultType}, ValueRange{input, filter},
               ValueRange{zeroFilled(resultType)}, strides, dilations)
        .getResult(0);
  Value groupedResult = splitGroups(zeroFilled(resultType), 1, groups);
  Value conv = linalg::Conv2DNgchwGfchwOp::create(
                   b, loc, TypeRange{groupedResult.getType()},
                   ValueRange{splitGroups(input, 1, groups),
                              splitGroups(filter, 0, groups)},
                   ValueRange{groupedResult}, strides, dilations)
                   .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, resultType, conv,
      ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
}

/// ConvInteger as a linalg.generic over (n, group, oc, oh, ow, ic, kh, kw)
/// accumulating (x - x_zp) * (w - w_zp) in i32. Not linalg's `_q` convs:
/// they sign-extend, which is wrong for uint8 operands.
Value ONNXImporter::integerConv(Value input, Value filter, const ConvWindow &w,
                                int64_t groups, RankedTensorType resultType,
                                const IntegerConvOperand &x,
                                const IntegerConvOperand &wt) {
  Value x5 = splitGroups(input, 1, groups);
  Value w5 = splitGroups(filter, 0, groups);
  auto outType = cast<RankedTensorType>(
      splitGroups(tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                          resultType.getElementType()),
                  1, groups)
          .getType());
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  // Loops: n g o oh ow ic kh kw.
  AffineExpr ih = d(3) * w.strides[0] + d(6) * w.dilations[0];
  AffineExpr iw = d(4) * w.strides[1] + d(7) * w.dilations[1];
  SmallVector<AffineMap> maps{
      AffineMap::get(8, 0, {d(0), d(1), d(5), ih, iw}, ctx),
      AffineMap::get(8, 0, {d(1), d(2), d(5), d(6), d(7)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(
                   b, loc, zero,
                   tensor::EmptyOp::create(b, loc, outType.getShape(),
                                           b.getI32Type())
                       .getResult())
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  // (v - zp) in i32, the zero point read with v's signedness.
  auto centred = [](OpBuilder &nb, Location l, Value v,
                    const IntegerConvOperand &operand) {
    Value e = extendToI32(nb, l, v, operand.dtype);
    if (!operand.zeroPoint)
      return e;
    APInt zp = *operand.zeroPoint->constant.getValues<APInt>().begin();
    int64_t z = isUnsignedDtype(operand.dtype) ? zp.getZExtValue()
                                               : zp.getSExtValue();
    Value zpValue =
        arith::ConstantOp::create(nb, l, nb.getI32IntegerAttr(z));
    return arith::SubIOp::create(nb, l, e, zpValue).getResult();
  };
  Value out5 =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{x5, w5}, ValueRange{init},
          maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value product =
                arith::MulIOp::create(nb, l, centred(nb, l, args[0], x),
                                      centred(nb, l, args[1], wt));
            linalg::YieldOp::create(
                nb, l,
                ValueRange{arith::AddIOp::create(nb, l, args[2], product)});
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, resultType, out5,
      ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
}

/// Conv (float), ConvInteger (integer, int32 result) and QLinearConv (QDQ
/// form around a float conv: dq -> pad 0.0 -> conv -> bias add -> q, the
/// pattern quant-fold-qdq takes over).
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
    SmallVector<GraphValue> in;
    for (int i = 0; i < 8; ++i) {
      FailureOr<GraphValue> v = input(node, i);
      if (failed(v))
        return failure();
      in.push_back(*v);
    }
    FailureOr<Value> xd = dequantize(node, in[0], in[1], &in[2], 1);
    FailureOr<Value> wd = dequantize(node, in[3], in[4], &in[5], 0);
    if (failed(xd) || failed(wd))
      return failure();
    xv = *xd;
    wv = *wd;
  }
  auto xType = cast<RankedTensorType>(xv.getType());
  auto wType = cast<RankedTensorType>(wv.getType());
  if (wType.getRank() != 4 || !wType.hasStaticShape())
    return nodeError(node) << "only static 2-D kernels are supported yet, got "
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
  FailureOr<ConvWindow> win =
      windowFor(node, xType, {wType.getDimSize(2), wType.getDimSize(3)},
                accType);
  if (failed(win))
    return failure();

  // Integer inputs: pad with the zero point so padding contributes 0.
  Value xPadValue;
  std::optional<GraphValue> xZp, wZp;
  if (isInteger) {
    for (int i : {2, 3}) {
      if (!hasInput(node, i))
        continue;
      FailureOr<GraphValue> zp = input(node, i);
      if (failed(zp))
        return failure();
      if (!zp->constant || zp->constant.getNumElements() != 1)
        return nodeError(node) << "zero points must be scalar constants";
      (i == 2 ? xZp : wZp) = *zp;
    }
    APInt zp = xZp ? *xZp->constant.getValues<APInt>().begin()
                   : APInt(xType.getElementTypeBitWidth(), 0);
    xPadValue = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(xType.getElementType(), zp));
  } else {
    xPadValue =
        arith::ConstantOp::create(b, loc, b.getZeroAttr(xType.getElementType()));
  }
  Value padded = pad(xv, *win, xPadValue);
  Value result = isInteger
                     ? integerConv(padded, wv, *win, groups, accType,
                                   {x->dtype, xZp}, {w->dtype, wZp})
                     : floatConv(padded, wv, *win, groups, accType);

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
      float sxv = (*sx->constant.getValues<APFloat>().begin()).convertToFloat();
      SmallVector<float> scales;
      for (const APFloat &v : sw->constant.getValues<APFloat>())
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
    result = tosa::AddOp::create(b, loc, accType, result,
                                 reshape(biasValue, {1, m, 1, 1}));
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

/// MaxPool and AveragePool (2-D) as linalg.generic reductions over
/// (n, c, oh, ow, kh, kw). AveragePool divides by the number of window
/// elements inside the input (count_include_pad = 0) or by the kernel size
/// (count_include_pad = 1), a constant computed here.
LogicalResult ONNXImporter::importPool(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> outType = outputType(node, 0);
  if (failed(x) || failed(outType))
    return failure();
  if (node.output_size() > 1 && !node.output(1).empty())
    return nodeError(node) << "the Indices output is not supported";
  auto xType = cast<RankedTensorType>(x->value.getType());
  std::optional<SmallVector<int64_t>> kernel = intsAttr(node, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(node) << "only 2-D kernel_shape is supported yet";
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
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  AffineExpr ih = d(2) * win->strides[0] + d(4) * win->dilations[0];
  AffineExpr iw = d(3) * win->strides[1] + d(5) * win->dilations[1];
  // The window tensor only gives the (kh, kw) loops their extent, as in
  // linalg's named pooling ops.
  Value window =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>(*kernel), elementType);
  SmallVector<AffineMap> maps{
      AffineMap::get(6, 0, {d(0), d(1), ih, iw}, ctx),
      AffineMap::get(6, 0, {d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
  Value init = linalg::FillOp::create(
                   b, loc, padConstant,
                   tensor::EmptyOp::create(b, loc, outType->getShape(),
                                           elementType)
                       .getResult())
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
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
    int64_t h = xType.getDimSize(2), wd = xType.getDimSize(3);
    SmallVector<float> counts;
    for (int64_t oh = 0; oh < win->outH; ++oh)
      for (int64_t ow = 0; ow < win->outW; ++ow) {
        int64_t count = 0;
        for (int64_t kh = 0; kh < (*kernel)[0]; ++kh)
          for (int64_t kw = 0; kw < (*kernel)[1]; ++kw) {
            int64_t r = oh * win->strides[0] + kh * win->dilations[0] -
                        win->padBegin[0];
            int64_t c = ow * win->strides[1] + kw * win->dilations[1] -
                        win->padBegin[1];
            bool inside = r >= 0 && r < h && c >= 0 && c < wd;
            // count_include_pad counts the explicit pads, not the ceil_mode
            // extension past them.
            bool inPads = r >= -win->padBegin[0] && c >= -win->padBegin[1] &&
                          r < h + (win->padEnd[0]) && c < wd + win->padEnd[1];
            count += includePad ? inPads : inside;
          }
        counts.push_back(float(count));
      }
    auto countType = RankedTensorType::get({1, 1, win->outH, win->outW},
                                           elementType);
    Value countValue =
        constant(DenseElementsAttr::get(countType, ArrayRef(counts)));
    result = divide(result, countValue, *outType);
  }
  define(node, 0, {result, x->dtype});
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: reductions over H and W.
LogicalResult ONNXImporter::importGlobalPool(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0);
  FailureOr<RankedTensorType> outType = outputType(node, 0);
  if (failed(x) || failed(outType))
    return failure();
  auto xType = cast<RankedTensorType>(x->value.getType());
  if (xType.getRank() != 4 || !xType.hasStaticShape() ||
      !isa<FloatType>(xType.getElementType()))
    return nodeError(node) << "only static float NCHW inputs are supported, "
                              "got "
                           << xType;
  bool isMax = node.op_type() == "GlobalMaxPool";
  Value v = x->value;
  for (int32_t axis : {2, 3}) {
    SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
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
  if (!isMax) {
    auto oneType = RankedTensorType::get({1, 1, 1, 1}, xType.getElementType());
    Value count = constant(DenseElementsAttr::get(
        oneType, b.getFloatAttr(xType.getElementType(),
                                double(xType.getDimSize(2) *
                                       xType.getDimSize(3)))));
    v = divide(v, count, *outType);
  }
  define(node, 0, {v, x->dtype});
  return success();
}

