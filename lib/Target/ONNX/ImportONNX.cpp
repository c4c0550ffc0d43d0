//===- ImportONNX.cpp - ONNX models to QuantC's interchange form -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Result types come from ONNX's own shape inference (libonnx), run once on a
// copy of the model; each node then becomes TOSA float ops (or quant casts)
// of exactly those types. Anything the importer does not handle is an error
// naming the node, its op and what is unsupported.
//
// This file is built with exceptions: onnx::shape_inference reports bad
// models by throwing, and the throw never leaves ImportONNX.cpp.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace quantc;

namespace {

// Debian 12's libonnx (1.12) has schemas, and so shape inference, up to
// opset 17.
constexpr int64_t kMinOpset = 10;
constexpr int64_t kMaxOpset = 17;

//===----------------------------------------------------------------------===//
// Tensors and types
//===----------------------------------------------------------------------===//

/// The MLIR element type of an ONNX tensor element type (integers are
/// signless; ONNX's signedness is kept in the `quantc.onnx_dtype` attribute
/// of function arguments and results, and in !quant storage types).
Type getElementType(MLIRContext *ctx, int32_t dtype) {
  using T = onnx::TensorProto;
  switch (dtype) {
  case T::FLOAT:
    return Float32Type::get(ctx);
  case T::DOUBLE:
    return Float64Type::get(ctx);
  case T::FLOAT16:
    return Float16Type::get(ctx);
  case T::BFLOAT16:
    return BFloat16Type::get(ctx);
  case T::INT8:
  case T::UINT8:
    return IntegerType::get(ctx, 8);
  case T::INT16:
  case T::UINT16:
    return IntegerType::get(ctx, 16);
  case T::INT32:
  case T::UINT32:
    return IntegerType::get(ctx, 32);
  case T::INT64:
  case T::UINT64:
    return IntegerType::get(ctx, 64);
  case T::BOOL:
    return IntegerType::get(ctx, 1);
  default:
    return {};
  }
}

StringRef dtypeName(int32_t dtype) {
  return onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(dtype));
}

/// The elements of a TensorProto as a DenseElementsAttr.
FailureOr<DenseElementsAttr> tensorToAttr(const onnx::TensorProto &tensor,
                                          MLIRContext *ctx,
                                          function_ref<InFlightDiagnostic()>
                                              emitError) {
  using T = onnx::TensorProto;
  Type elementType = getElementType(ctx, tensor.data_type());
  if (!elementType)
    return emitError() << "tensor '" << tensor.name()
                       << "' has unsupported element type "
                       << dtypeName(tensor.data_type());
  if (tensor.data_location() == T::EXTERNAL)
    return emitError() << "tensor '" << tensor.name()
                       << "' uses external data, which is not supported yet";
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, elementType);
  int64_t count = type.getNumElements();

  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (elementType.isInteger(1)) {
      SmallVector<bool> values;
      for (char c : raw)
        values.push_back(c != 0);
      if (int64_t(values.size()) != count)
        return emitError() << "tensor '" << tensor.name() << "' holds "
                           << values.size() << " values, its shape "
                           << count;
      return DenseElementsAttr::get(type, ArrayRef<bool>(values));
    }
    int64_t bytes = count * elementType.getIntOrFloatBitWidth() / 8;
    if (int64_t(raw.size()) != bytes)
      return emitError() << "tensor '" << tensor.name() << "' holds "
                         << raw.size() << " bytes, its shape needs " << bytes;
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw.data(), raw.size()));
  }

  // Typed fields (ONNX stores every narrow type in int32_data).
  auto checkCount = [&](int64_t have) -> LogicalResult {
    if (have == count)
      return success();
    return emitError() << "tensor '" << tensor.name() << "' holds " << have
                       << " values, its shape " << count;
  };
  switch (tensor.data_type()) {
  case T::FLOAT: {
    if (failed(checkCount(tensor.float_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type, ArrayRef<float>(tensor.float_data().data(), count));
  }
  case T::DOUBLE: {
    if (failed(checkCount(tensor.double_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type, ArrayRef<double>(tensor.double_data().data(), count));
  }
  case T::INT64: {
    if (failed(checkCount(tensor.int64_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type, ArrayRef<int64_t>(tensor.int64_data().data(), count));
  }
  case T::UINT64:
  case T::UINT32: {
    if (failed(checkCount(tensor.uint64_data_size())))
      return failure();
    SmallVector<APInt> values;
    for (uint64_t v : tensor.uint64_data())
      values.emplace_back(elementType.getIntOrFloatBitWidth(), v, false,
                          /*implicitTrunc=*/true);
    return DenseElementsAttr::get(type, values);
  }
  case T::FLOAT16:
  case T::BFLOAT16: {
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    SmallVector<APFloat> values;
    auto &semantics = cast<FloatType>(elementType).getFloatSemantics();
    for (int32_t bits : tensor.int32_data())
      values.emplace_back(semantics, APInt(16, uint64_t(bits) & 0xffff));
    return DenseElementsAttr::get(type, values);
  }
  default: {
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    unsigned width = elementType.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int32_t v : tensor.int32_data())
      values.emplace_back(width, uint64_t(int64_t(v)), /*isSigned=*/true,
                          /*implicitTrunc=*/true);
    return DenseElementsAttr::get(type, values);
  }
  }
}

//===----------------------------------------------------------------------===//
// ONNXImporter
//===----------------------------------------------------------------------===//

/// The sliding window of a 2-D conv or pool over an NCHW input.
struct ConvWindow {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  int64_t outH = 0, outW = 0;
};

/// A value of the graph, with what the importer knows of it.
struct GraphValue {
  GraphValue() = default;
  GraphValue(Value value, int32_t dtype, DenseElementsAttr constant = {},
             Value quantized = {})
      : value(value), dtype(dtype), constant(constant), quantized(quantized) {}

  Value value;
  /// The ONNX element type (keeps signedness that MLIR integers drop).
  int32_t dtype = 0;
  /// The constant, when the value is one.
  DenseElementsAttr constant;
  /// For the integer output of a QuantizeLinear: the quantized value before
  /// its storage cast, so that a DequantizeLinear of the same parameters
  /// reads it directly.
  Value quantized;
};

class ONNXImporter {
public:
  ONNXImporter(MLIRContext *ctx, StringRef path) : ctx(ctx), b(ctx), path(path) {}

  OwningOpRef<ModuleOp> import(onnx::ModelProto model,
                               const ONNXImportOptions &options);

private:
  using Node = onnx::NodeProto;

  Location nodeLoc(const Node &node) {
    std::string name = node.name().empty() ? node.output(0) : node.name();
    return NameLoc::get(StringAttr::get(ctx, name),
                        FileLineColLoc::get(ctx, path, 0, 0));
  }
  InFlightDiagnostic nodeError(const Node &node) {
    return emitError(nodeLoc(node))
           << "ONNX node '" << (node.name().empty() ? node.output(0)
                                                    : node.name())
           << "' (" << node.op_type() << "): ";
  }

  // Attributes.
  const onnx::AttributeProto *findAttr(const Node &node, StringRef name);
  int64_t intAttr(const Node &node, StringRef name, int64_t fallback);
  float floatAttr(const Node &node, StringRef name, float fallback);
  std::optional<SmallVector<int64_t>> intsAttr(const Node &node,
                                               StringRef name);

  // Values.
  FailureOr<GraphValue> input(const Node &node, int index);
  bool hasInput(const Node &node, int index) {
    return index < node.input_size() && !node.input(index).empty();
  }
  FailureOr<RankedTensorType> outputType(const Node &node, int index);
  void define(const Node &node, int index, GraphValue value);
  Value constant(DenseElementsAttr attr);
  GraphValue constantValue(DenseElementsAttr attr, int32_t dtype);

  // TOSA helpers.
  Value constShape(ArrayRef<int64_t> shape);
  Value reshape(Value value, ArrayRef<int64_t> shape);
  Value expandTo(Value value, RankedTensorType type);
  Value divide(Value lhs, Value rhs, RankedTensorType type);
  Value broadcastTo(Value value, int64_t rank);
  Value zeroShift();
  Value floatZeroPoint(Type elementType);

  // Op handlers: each defines the node's outputs or emits an error.
  LogicalResult importNode(const Node &node);
  LogicalResult importElementwiseBinary(const Node &node);
  LogicalResult importUnary(const Node &node);
  LogicalResult importClamp(const Node &node);
  LogicalResult importIntegerClamp(const Node &node, const GraphValue &x,
                                   RankedTensorType type, IntegerType intType);
  LogicalResult importMatMulInteger(const Node &node);
  LogicalResult importConv(const Node &node);
  LogicalResult importPool(const Node &node);
  LogicalResult importGlobalPool(const Node &node);
  FailureOr<ConvWindow> windowFor(const Node &node, RankedTensorType x,
                                  ArrayRef<int64_t> kernel,
                                  RankedTensorType out);
  Value pad(Value x, const ConvWindow &w, Value padValue);
  LogicalResult importDynamicQuantizeLinear(const Node &node);
  LogicalResult importLeakyRelu(const Node &node);
  LogicalResult importSoftmax(const Node &node);
  LogicalResult importMatMul(const Node &node);
  LogicalResult importGemm(const Node &node);
  LogicalResult importReshapeLike(const Node &node);
  LogicalResult importTranspose(const Node &node);
  LogicalResult importConcat(const Node &node);
  LogicalResult importConstant(const Node &node);
  LogicalResult importQuantizeLinear(const Node &node);
  LogicalResult importDequantizeLinear(const Node &node);
  LogicalResult importQLinearMatMul(const Node &node);

  // Quantization helpers.
  FailureOr<Type> quantTypeFor(const Node &node, const GraphValue &scale,
                               const GraphValue *zeroPoint, int32_t dtype,
                               int64_t axis, int64_t rank,
                               Type expressedType);
  FailureOr<Value> dequantize(const Node &node, const GraphValue &x,
                              const GraphValue &scale,
                              const GraphValue *zeroPoint, int64_t axis);
  FailureOr<GraphValue> quantize(const Node &node, Value x,
                                 const GraphValue &scale,
                                 const GraphValue *zeroPoint, int64_t axis);
  Value matmul(Location loc, Value lhs, Value rhs, RankedTensorType result,
               const Node &node, LogicalResult &status);

  MLIRContext *ctx;
  OpBuilder b;
  std::string path;
  Location loc = UnknownLoc::get(ctx);
  int64_t opset = 0;
  llvm::StringMap<GraphValue> values;
  llvm::StringMap<RankedTensorType> inferredTypes;
  llvm::StringMap<int32_t> inferredDtypes;
};

} // namespace

//===----------------------------------------------------------------------===//
// Attributes and values
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *ONNXImporter::findAttr(const Node &node,
                                                   StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t ONNXImporter::intAttr(const Node &node, StringRef name,
                              int64_t fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : fallback;
}

float ONNXImporter::floatAttr(const Node &node, StringRef name,
                              float fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->f() : fallback;
}

std::optional<SmallVector<int64_t>>
ONNXImporter::intsAttr(const Node &node, StringRef name) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

FailureOr<GraphValue> ONNXImporter::input(const Node &node, int index) {
  if (!hasInput(node, index))
    return nodeError(node) << "input " << index << " is missing";
  auto it = values.find(node.input(index));
  if (it == values.end())
    return nodeError(node) << "input '" << node.input(index)
                           << "' is not defined before the node";
  return it->second;
}

FailureOr<RankedTensorType> ONNXImporter::outputType(const Node &node,
                                                     int index) {
  auto it = inferredTypes.find(node.output(index));
  if (it == inferredTypes.end())
    return nodeError(node) << "ONNX shape inference gave no type for output '"
                           << node.output(index) << "'";
  return it->second;
}

void ONNXImporter::define(const Node &node, int index, GraphValue value) {
  values[node.output(index)] = value;
}

Value ONNXImporter::constant(DenseElementsAttr attr) {
  return arith::ConstantOp::create(b, loc, attr);
}

GraphValue ONNXImporter::constantValue(DenseElementsAttr attr, int32_t dtype) {
  GraphValue result;
  result.value = constant(attr);
  result.dtype = dtype;
  result.constant = attr;
  return result;
}

Value ONNXImporter::constShape(ArrayRef<int64_t> shape) {
  auto shapeType = tosa::shapeType::get(ctx, shape.size());
  auto shapeAttr = DenseIntElementsAttr::get(
      RankedTensorType::get({int64_t(shape.size())}, b.getIndexType()),
      shape);
  return tosa::ConstShapeOp::create(b, loc, shapeType, shapeAttr);
}

Value ONNXImporter::reshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return tosa::ReshapeOp::create(b, loc, type.clone(shape), value,
                                 constShape(shape));
}

/// Broadcasts `value` to the shape of `type` (rank alignment, then
/// tosa.tile of the size-1 dimensions).
Value ONNXImporter::expandTo(Value value, RankedTensorType type) {
  value = broadcastTo(value, type.getRank());
  auto valueType = cast<RankedTensorType>(value.getType());
  if (valueType.getShape() == type.getShape())
    return value;
  SmallVector<int64_t> multiples;
  for (int64_t d = 0; d < type.getRank(); ++d)
    multiples.push_back(valueType.getDimSize(d) == type.getDimSize(d)
                            ? 1
                            : type.getDimSize(d));
  return tosa::TileOp::create(b, loc,
                              type.clone(valueType.getElementType()), value,
                              constShape(multiples));
}

/// Float division, exact (TOSA only has a reciprocal): linalg.div on
/// operands broadcast to the result shape.
Value ONNXImporter::divide(Value lhs, Value rhs, RankedTensorType type) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  return linalg::DivOp::create(b, loc, TypeRange{type},
                               ValueRange{expandTo(lhs, type),
                                          expandTo(rhs, type)},
                               ValueRange{init})
      .getResult(0);
}

/// Prepends size-1 dimensions up to `rank` (TOSA broadcasts only between
/// equal ranks).
Value ONNXImporter::broadcastTo(Value value, int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() >= rank)
    return value;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  shape.append(type.getShape().begin(), type.getShape().end());
  return reshape(value, shape);
}

Value ONNXImporter::zeroShift() {
  auto type = RankedTensorType::get({1}, b.getI8Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, int8_t(0)));
}

Value ONNXImporter::floatZeroPoint(Type elementType) {
  auto type = RankedTensorType::get({1}, elementType);
  return tosa::ConstOp::create(
      b, loc, type, DenseElementsAttr::get(type, b.getZeroAttr(elementType)));
}

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
  else if (op == "Div" && type->getElementType().isInteger(32))
    result = tosa::IntDivOp::create(b, loc, *type, l, r);
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
      double v = (*bound->constant.getValues<APFloat>().begin())
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
  using T = onnx::TensorProto;
  if (x.dtype == T::UINT8 || x.dtype == T::UINT16 || x.dtype == T::UINT32 ||
      x.dtype == T::UINT64)
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
        (*bound->constant.getValues<APInt>().begin()).getSExtValue();
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
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape()) {
    status = nodeError(node) << "dynamic shapes are not supported yet";
    return {};
  }
  if (lhsType.getRank() < 2 || rhsType.getRank() < 2) {
    status = nodeError(node) << "1-D operands are not supported yet";
    return {};
  }
  ArrayRef<int64_t> ls = lhsType.getShape(), rs = rhsType.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), n = rs.back();
  Type elementType = result.getElementType();
  if (ls.size() == 2 && rs.size() == 2) {
    // Plain 2-D: linalg.matmul into a zero fill, with no reshapes around it
    // (the form quant-fold-qdq recognises).
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
    Value init = tensor::EmptyOp::create(b, loc, result.getShape(), elementType);
    Value filled = linalg::FillOp::create(b, loc, zero, init).getResult(0);
    return linalg::MatmulOp::create(b, loc, TypeRange{result},
                                    ValueRange{lhs, rhs}, ValueRange{filled})
        .getResult(0);
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
  if (!type->hasStaticShape())
    return nodeError(node) << "the output shape must be static (the shape "
                              "input a constant); got "
                           << *type;
  define(node, 0, {reshape(x->value, type->getShape()), x->dtype});
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
// Quantization ops
//===----------------------------------------------------------------------===//

/// The !quant.uniform type of a QuantizeLinear/DequantizeLinear: per tensor
/// for a scalar (or one-element) scale, per axis otherwise. Parameters must
/// be constants.
FailureOr<Type> ONNXImporter::quantTypeFor(const Node &node,
                                           const GraphValue &scale,
                                           const GraphValue *zeroPoint,
                                           int32_t dtype, int64_t axis,
                                           int64_t rank, Type expressedType) {
  if (!scale.constant)
    return nodeError(node) << "the scale must be a constant (an initializer, "
                              "a Constant node or a bound input)";
  if (zeroPoint && !zeroPoint->constant)
    return nodeError(node) << "the zero point must be a constant";
  using T = onnx::TensorProto;
  unsigned width;
  bool isSigned;
  switch (dtype) {
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
  for (const APFloat &s : scale.constant.getValues<APFloat>())
    scales.push_back(s.convertToDouble());
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (zeroPoint) {
    if (zeroPoint->constant.getNumElements() != int64_t(scales.size()))
      return nodeError(node) << "the zero point has "
                             << zeroPoint->constant.getNumElements()
                             << " values but the scale " << scales.size();
    int64_t i = 0;
    for (const APInt &z : zeroPoint->constant.getValues<APInt>())
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
  bool perAxis = scale.constant.getType().getRank() > 0 && scales.size() > 1;
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

FailureOr<Value> ONNXImporter::dequantize(const Node &node,
                                          const GraphValue &x,
                                          const GraphValue &scale,
                                          const GraphValue *zeroPoint,
                                          int64_t axis) {
  auto xType = cast<RankedTensorType>(x.value.getType());
  Type expressed = getElementType(ctx, onnx::TensorProto::FLOAT);
  if (scale.constant)
    expressed = scale.constant.getElementType();
  FailureOr<Type> quantType = quantTypeFor(node, scale, zeroPoint, x.dtype,
                                           axis, xType.getRank(), expressed);
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
                                             int64_t axis) {
  auto xType = cast<RankedTensorType>(x.getType());
  int32_t dtype = zeroPoint ? zeroPoint->dtype : onnx::TensorProto::UINT8;
  FailureOr<Type> quantType = quantTypeFor(
      node, scale, zeroPoint, dtype, axis, xType.getRank(),
      xType.getElementType());
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

LogicalResult ONNXImporter::importQuantizeLinear(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0), scale = input(node, 1);
  if (failed(x) || failed(scale))
    return failure();
  std::optional<GraphValue> zeroPoint;
  if (hasInput(node, 2)) {
    FailureOr<GraphValue> zp = input(node, 2);
    if (failed(zp))
      return failure();
    zeroPoint = *zp;
  }
  if (findAttr(node, "block_size") && intAttr(node, "block_size", 0) != 0)
    return nodeError(node) << "blocked quantization (block_size) is not "
                              "supported yet";
  FailureOr<GraphValue> result =
      quantize(node, x->value, *scale, zeroPoint ? &*zeroPoint : nullptr,
               intAttr(node, "axis", 1));
  if (failed(result))
    return failure();
  define(node, 0, *result);
  return success();
}

LogicalResult ONNXImporter::importDequantizeLinear(const Node &node) {
  FailureOr<GraphValue> x = input(node, 0), scale = input(node, 1);
  if (failed(x) || failed(scale))
    return failure();
  std::optional<GraphValue> zeroPoint;
  if (hasInput(node, 2)) {
    FailureOr<GraphValue> zp = input(node, 2);
    if (failed(zp))
      return failure();
    zeroPoint = *zp;
  }
  if (findAttr(node, "block_size") && intAttr(node, "block_size", 0) != 0)
    return nodeError(node) << "blocked quantization (block_size) is not "
                              "supported yet";
  FailureOr<Value> result =
      dequantize(node, *x, *scale, zeroPoint ? &*zeroPoint : nullptr,
                 intAttr(node, "axis", 1));
  if (failed(result))
    return failure();
  define(node, 0, {*result, onnx::TensorProto::FLOAT});
  return success();
}

/// QLinearMatMul in QDQ form: dq(a), dq(b), matmul, q. quant-fold-qdq turns
/// it back into one qnn.matmul.
LogicalResult ONNXImporter::importQLinearMatMul(const Node &node) {
  SmallVector<GraphValue> in;
  for (int i = 0; i < 8; ++i) {
    FailureOr<GraphValue> v = input(node, i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
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

/// Sign- or zero-extends an ONNX integer of `dtype` to i32.
static Value extendToI32(OpBuilder &b, Location loc, Value v, int32_t dtype) {
  using T = onnx::TensorProto;
  if (v.getType().isInteger(32))
    return v;
  bool isUnsigned = dtype == T::UINT8 || dtype == T::UINT16;
  if (isUnsigned)
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

/// Conv (float), ConvInteger (integer, int32 result) and QLinearConv (QDQ
/// form around a float conv) as one linalg.generic over
/// (n, group, oc, oh, ow, ic, kh, kw), with channels expanded to
/// [group, channels / group] so that grouped and depthwise convolutions
/// need no special case.
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
  int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
  int64_t m = wType.getDimSize(0), icg = wType.getDimSize(1);
  int64_t groups = intAttr(node, "group", 1);
  if (groups <= 0 || c != icg * groups || m % groups != 0)
    return nodeError(node) << "group " << groups << " does not divide "
                           << c << " input and " << m
                           << " output channels";
  int64_t ocg = m / groups;
  RankedTensorType accType =
      isQLinear ? outType->clone(xType.getElementType()) : *outType;
  FailureOr<ConvWindow> win =
      windowFor(node, xType, {wType.getDimSize(2), wType.getDimSize(3)},
                accType);
  if (failed(win))
    return failure();
  Type accElement = accType.getElementType();

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
  auto paddedType = cast<RankedTensorType>(padded.getType());
  Value x5 = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({n, groups, icg, paddedType.getDimSize(2),
                             paddedType.getDimSize(3)},
                            paddedType.getElementType()),
      padded, ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  Value w5 = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({groups, ocg, icg, wType.getDimSize(2),
                             wType.getDimSize(3)},
                            wType.getElementType()),
      wv, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});

  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  // Loops: n g o oh ow ic kh kw.
  AffineExpr ih = d(3) * win->strides[0] + d(6) * win->dilations[0];
  AffineExpr iw = d(4) * win->strides[1] + d(7) * win->dilations[1];
  SmallVector<AffineMap> maps{
      AffineMap::get(8, 0, {d(0), d(1), d(5), ih, iw}, ctx),
      AffineMap::get(8, 0, {d(1), d(2), d(5), d(6), d(7)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
  auto out5Type = RankedTensorType::get(
      {n, groups, ocg, win->outH, win->outW}, accElement);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accElement));
  Value init = linalg::FillOp::create(
                   b, loc, zero,
                   tensor::EmptyOp::create(b, loc, out5Type.getShape(),
                                           accElement)
                       .getResult())
                   .getResult(0);
  SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  int32_t xDtype = x->dtype, wDtype = w->dtype;
  std::optional<APInt> xZpValue, wZpValue;
  if (xZp)
    xZpValue = *xZp->constant.getValues<APInt>().begin();
  if (wZp)
    wZpValue = *wZp->constant.getValues<APInt>().begin();
  Value out5 =
      linalg::GenericOp::create(
          b, loc, TypeRange{out5Type}, ValueRange{x5, w5}, ValueRange{init},
          maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value product;
            if (isInteger) {
              auto centred = [&](Value v, int32_t dtype,
                                 std::optional<APInt> zp, bool isUnsigned) {
                Value e = extendToI32(nb, l, v, dtype);
                if (!zp)
                  return e;
                int64_t z = isUnsigned ? zp->getZExtValue() : zp->getSExtValue();
                return arith::SubIOp::create(
                           nb, l, e,
                           arith::ConstantOp::create(nb, l,
                                                     nb.getI32IntegerAttr(z)))
                    .getResult();
              };
              using T = onnx::TensorProto;
              Value a = centred(args[0], xDtype, xZpValue, xDtype == T::UINT8);
              Value bw = centred(args[1], wDtype, wZpValue, wDtype == T::UINT8);
              product = arith::MulIOp::create(nb, l, a, bw);
              linalg::YieldOp::create(
                  nb, l,
                  ValueRange{arith::AddIOp::create(nb, l, args[2], product)});
              return;
            }
            product = arith::MulFOp::create(nb, l, args[0], args[1]);
            linalg::YieldOp::create(
                nb, l,
                ValueRange{arith::AddFOp::create(nb, l, args[2], product)});
          })
          .getResult(0);
  Value result = tensor::CollapseShapeOp::create(
      b, loc, accType, out5,
      ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});

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
  using T = onnx::TensorProto;
  bool isUnsigned = x->dtype == T::UINT8 || x->dtype == T::UINT16;
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

//===----------------------------------------------------------------------===//
// Dispatch and the graph
//===----------------------------------------------------------------------===//

LogicalResult ONNXImporter::importNode(const Node &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeError(node) << "operator domain '" << node.domain()
                           << "' is not supported";
  loc = nodeLoc(node);
  StringRef op = node.op_type();
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return importElementwiseBinary(node);
  if (op == "Sigmoid" || op == "Tanh" || op == "Exp" || op == "Neg" ||
      op == "Identity")
    return importUnary(node);
  if (op == "Relu" || op == "Clip")
    return importClamp(node);
  if (op == "LeakyRelu")
    return importLeakyRelu(node);
  if (op == "Softmax")
    return importSoftmax(node);
  if (op == "MatMul")
    return importMatMul(node);
  if (op == "Gemm")
    return importGemm(node);
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
      op == "Unsqueeze")
    return importReshapeLike(node);
  if (op == "Transpose")
    return importTranspose(node);
  if (op == "Concat")
    return importConcat(node);
  if (op == "Constant")
    return importConstant(node);
  if (op == "QuantizeLinear")
    return importQuantizeLinear(node);
  if (op == "DequantizeLinear")
    return importDequantizeLinear(node);
  if (op == "QLinearMatMul")
    return importQLinearMatMul(node);
  if (op == "MatMulInteger")
    return importMatMulInteger(node);
  if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv")
    return importConv(node);
  if (op == "MaxPool" || op == "AveragePool")
    return importPool(node);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool")
    return importGlobalPool(node);
  if (op == "DynamicQuantizeLinear")
    return importDynamicQuantizeLinear(node);
  return nodeError(node) << "operator '" << op
                         << "' is not supported (docs/Tools/quant-import.md "
                            "lists the supported ones)";
}

OwningOpRef<ModuleOp> ONNXImporter::import(onnx::ModelProto model,
                                           const ONNXImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  for (const onnx::OperatorSetIdProto &set : model.opset_import()) {
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << opset << " is not supported ("
                       << kMinOpset << " to " << kMaxOpset << ")";
    return {};
  }

  // Bound inputs become initializers before shape inference sees them.
  onnx::GraphProto *graph = model.mutable_graph();
  for (const auto &[name, serialized] : options.constantInputs) {
    onnx::TensorProto tensor;
    if (!tensor.ParseFromString(serialized)) {
      emitError(fileLoc) << "constant input '" << name
                         << "' is not a valid TensorProto";
      return {};
    }
    const std::string &inputName = name;
    bool found = llvm::any_of(graph->input(), [&](const auto &in) {
      return in.name() == inputName;
    });
    if (!found) {
      emitError(fileLoc) << "constant input '" << name
                         << "' is not an input of the graph";
      return {};
    }
    tensor.set_name(name);
    *graph->add_initializer() = tensor;
  }
  try {
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(),
        onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
  } catch (const std::exception &e) {
    emitError(fileLoc) << "ONNX shape inference failed: " << e.what();
    return {};
  }

  auto recordType = [&](const onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type())
      return;
    const auto &tensorType = info.type().tensor_type();
    Type elementType = getElementType(ctx, tensorType.elem_type());
    if (!elementType || !tensorType.has_shape())
      return;
    SmallVector<int64_t> shape;
    for (const auto &dim : tensorType.shape().dim())
      shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                          : ShapedType::kDynamic);
    inferredTypes[info.name()] = RankedTensorType::get(shape, elementType);
    inferredDtypes[info.name()] = tensorType.elem_type();
  };
  for (const auto &info : graph->input())
    recordType(info);
  for (const auto &info : graph->value_info())
    recordType(info);
  for (const auto &info : graph->output())
    recordType(info);

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());

  // Arguments: the graph inputs that are not initializers.
  llvm::StringSet<> initializerNames;
  for (const auto &init : graph->initializer())
    initializerNames.insert(init.name());
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const auto &info : graph->input())
    if (!initializerNames.contains(info.name()))
      args.push_back(&info);
  SmallVector<Type> argTypes, resultTypes;
  for (const onnx::ValueInfoProto *info : args) {
    auto it = inferredTypes.find(info->name());
    if (it == inferredTypes.end()) {
      emitError(fileLoc) << "graph input '" << info->name()
                         << "' has no tensor type with a known element type";
      return {};
    }
    argTypes.push_back(it->second);
  }
  for (const auto &info : graph->output()) {
    auto it = inferredTypes.find(info.name());
    if (it == inferredTypes.end()) {
      emitError(fileLoc) << "graph output '" << info.name()
                         << "' has no known rank and element type (neither "
                            "declared nor inferred)";
      return {};
    }
    resultTypes.push_back(it->second);
  }
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, resultTypes));
  func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
  auto nameAttrs = [&](StringRef name, int32_t dtype) {
    return b.getDictionaryAttr(
        {b.getNamedAttr("quantc.onnx_name", b.getStringAttr(name)),
         b.getNamedAttr("quantc.onnx_dtype", b.getStringAttr(dtypeName(dtype)))});
  };
  for (auto [i, info] : llvm::enumerate(args))
    func.setArgAttrs(i, nameAttrs(info->name(),
                                  info->type().tensor_type().elem_type()));
  for (auto [i, info] : llvm::enumerate(graph->output()))
    func.setResultAttrs(i, nameAttrs(info.name(),
                                     info.type().tensor_type().elem_type()));

  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (auto [i, info] : llvm::enumerate(args))
    values[info->name()] = {body->getArgument(i),
                            info->type().tensor_type().elem_type()};
  loc = fileLoc;
  for (const auto &init : graph->initializer()) {
    FailureOr<DenseElementsAttr> attr = tensorToAttr(
        init, ctx, [&] { return emitError(fileLoc) << "initializer: "; });
    if (failed(attr))
      return {};
    values[init.name()] = constantValue(*attr, init.data_type());
  }
  for (const onnx::NodeProto &node : graph->node())
    if (failed(importNode(node)))
      return {};

  SmallVector<Value> results;
  for (const auto &info : graph->output()) {
    auto it = values.find(info.name());
    if (it == values.end()) {
      emitError(fileLoc) << "graph output '" << info.name()
                         << "' is not produced by any node";
      return {};
    }
    results.push_back(it->second.value);
  }
  func::ReturnOp::create(b, fileLoc, results);
  if (failed(verify(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> quantc::importONNXModel(const onnx::ModelProto &model,
                                              StringRef path,
                                              MLIRContext *context,
                                              const ONNXImportOptions &options) {
  context->loadDialect<func::FuncDialect, arith::ArithDialect,
                       tosa::TosaDialect, quant::QuantDialect,
                       linalg::LinalgDialect, tensor::TensorDialect,
                       math::MathDialect>();
  ONNXImporter importer(context, path);
  return importer.import(model, options);
}

OwningOpRef<ModuleOp> quantc::importONNXFile(StringRef path,
                                             MLIRContext *context,
                                             const ONNXImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot read ONNX model: "
                       << buffer.getError().message();
    return {};
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray((*buffer)->getBufferStart(),
                            int((*buffer)->getBufferSize())) ||
      !model.has_graph()) {
    emitError(fileLoc) << "not a valid ONNX model (protobuf parse failed)";
    return {};
  }
  return importONNXModel(model, path, context, options);
}

void quantc::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, arith::ArithDialect, tosa::TosaDialect,
                  quant::QuantDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, math::MathDialect>();
}
