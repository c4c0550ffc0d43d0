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
