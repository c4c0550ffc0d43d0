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

#include "Importer.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/shape_inference/implementation.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

namespace {

// The opsets whose operator definitions the importer implements. A model of
// an older opset is taken node by node where ONNX's definition of the node's
// operator at that opset is still the one in force at kMinOpset.
constexpr int64_t kMinOpset = 10;
constexpr int64_t kMaxOpset = 21;
// Debian 12's libonnx (1.12) has schemas up to opset 17. For 18 to 21 its
// shape inference uses each operator's opset-17 definition, which gives the
// same shapes for the operators and attributes the importer supports but
// rejects their newer element types (int4, int16 Q/DQ): type checking is
// left to the importer there. Newer attributes are caught by
// kKnownAttributes.
constexpr int64_t kLibOnnxMaxOpset = 17;

/// The attributes each supported operator's handler implements. Any other
/// attribute (a newer opset's `block_size`, a legacy one) is an error
/// rather than silently ignored.
const llvm::StringMap<llvm::StringSet<>> &knownAttributes() {
  static const llvm::StringMap<llvm::StringSet<>> known = [] {
    llvm::StringMap<llvm::StringSet<>> m;
    auto add = [&](std::initializer_list<StringRef> ops,
                   std::initializer_list<StringRef> attrs) {
      for (StringRef op : ops) {
        llvm::StringSet<> &set = m[op];
        for (StringRef attr : attrs)
          set.insert(attr);
      }
    };
    add({"Add", "Sub", "Mul", "Div", "Sigmoid", "Tanh", "Exp", "Neg",
         "Identity", "Relu", "MatMul", "QLinearMatMul", "MatMulInteger",
         "GlobalAveragePool", "GlobalMaxPool", "DynamicQuantizeLinear",
         "Slice"},
        {});
    add({"Clip"}, {"min", "max"});
    add({"LeakyRelu"}, {"alpha"});
    add({"Softmax", "Flatten", "Concat"}, {"axis"});
    add({"Gemm"}, {"alpha", "beta", "transA", "transB"});
    add({"Reshape"}, {"allowzero"});
    add({"Squeeze", "Unsqueeze"}, {"axes"});
    add({"Transpose"}, {"perm"});
    add({"Constant"}, {"value"});
    // `saturate` only affects float8 outputs, which are refused by type.
    add({"QuantizeLinear"}, {"axis", "block_size", "saturate"});
    add({"DequantizeLinear"}, {"axis", "block_size"});
    add({"Conv", "ConvInteger", "QLinearConv"},
        {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
    // `storage_order` only affects the Indices output, which is refused.
    add({"MaxPool"}, {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                      "pads", "storage_order", "strides"});
    add({"AveragePool"}, {"auto_pad", "ceil_mode", "count_include_pad",
                          "kernel_shape", "pads", "strides"});
    add({"Pad"}, {"mode", "pads", "value"});
    add({"BatchNormalization"}, {"epsilon", "momentum", "training_mode"});
    add({"LayerNormalization"}, {"axis", "epsilon", "stash_type"});
    return m;
  }();
  return known;
}

} // namespace

//===----------------------------------------------------------------------===//
// Tensors and types
//===----------------------------------------------------------------------===//

/// The MLIR element type of an ONNX tensor element type (integers are
/// signless; ONNX's signedness is kept in the `quantc.onnx_dtype` attribute
/// of function arguments and results, and in !quant storage types).
Type quantc::onnx_import::getElementType(MLIRContext *ctx, int32_t dtype) {
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
  case kOnnxUint4:
  case kOnnxInt4:
    return IntegerType::get(ctx, 4);
  default:
    return {};
  }
}

bool quantc::onnx_import::isUnsignedDtype(int32_t dtype) {
  using T = onnx::TensorProto;
  return dtype == T::UINT8 || dtype == T::UINT16 || dtype == T::UINT32 ||
         dtype == T::UINT64 || dtype == kOnnxUint4;
}

StringRef quantc::onnx_import::dtypeName(int32_t dtype) {
  if (dtype == kOnnxUint4)
    return "UINT4";
  if (dtype == kOnnxInt4)
    return "INT4";
  return onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(dtype));
}

/// The elements of a TensorProto as a DenseElementsAttr.
FailureOr<DenseElementsAttr>
quantc::onnx_import::tensorToAttr(const onnx::TensorProto &tensor,
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

  // int4/uint4: two elements a byte, the first in the low nibble, in
  // raw_data or one byte per int32_data entry.
  if (elementType.isInteger(4)) {
    SmallVector<uint8_t> bytes;
    if (tensor.has_raw_data())
      bytes.assign(tensor.raw_data().begin(), tensor.raw_data().end());
    else
      for (int32_t v : tensor.int32_data())
        bytes.push_back(uint8_t(v));
    if (int64_t(bytes.size()) != (count + 1) / 2)
      return emitError() << "tensor '" << tensor.name() << "' holds "
                         << bytes.size() << " bytes of 4-bit values, its "
                         << "shape needs " << (count + 1) / 2;
    SmallVector<APInt> values;
    for (int64_t i = 0; i < count; ++i)
      values.emplace_back(4, (bytes[i / 2] >> (4 * (i % 2))) & 0xf);
    return DenseElementsAttr::get(type, values);
  }
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

FailureOr<std::optional<GraphValue>>
ONNXImporter::optionalInput(const Node &node, int index) {
  if (!hasInput(node, index))
    return std::optional<GraphValue>();
  FailureOr<GraphValue> v = input(node, index);
  if (failed(v))
    return failure();
  return std::optional<GraphValue>(*v);
}

FailureOr<SmallVector<GraphValue>>
ONNXImporter::leadingInputs(const Node &node, int count) {
  SmallVector<GraphValue> result;
  for (int i = 0; i < count; ++i) {
    FailureOr<GraphValue> v = input(node, i);
    if (failed(v))
      return failure();
    result.push_back(*v);
  }
  return result;
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

Value ONNXImporter::constant(ElementsAttr attr) {
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

Value ONNXImporter::floatTensor(ArrayRef<float> values,
                                ArrayRef<int64_t> shape, FloatType type) {
  DenseElementsAttr attr = DenseElementsAttr::get(
      RankedTensorType::get(shape, b.getF32Type()), values);
  if (!type.isF32())
    attr = attr.mapValues(type, [&](const APFloat &v) {
      APFloat converted = v;
      bool lost;
      converted.convert(type.getFloatSemantics(),
                        APFloat::rmNearestTiesToEven, &lost);
      return converted.bitcastToAPInt();
    });
  return constant(attr);
}

DenseElementsAttr GraphValue::dense() const {
  if (auto elements = dyn_cast_or_null<DenseElementsAttr>(constant))
    return elements;
  auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(constant);
  if (!resource || !resource.getRawHandle().getBlob())
    return {};
  return DenseElementsAttr::getFromRawBuffer(
      resource.getType(), resource.getRawHandle().getBlob()->getData());
}

/// Initializers of at least this many bytes become dense resources: the IR
/// prints them as one hex blob (or raw bytes in bytecode) instead of element
/// by element, and the context does not unique them as DenseElementsAttr.
constexpr size_t kMinResourceBytes = 1024;

FailureOr<GraphValue>
ONNXImporter::initializerValue(const onnx::TensorProto &tensor) {
  Type elementType = getElementType(ctx, tensor.data_type());
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  const std::string &raw = tensor.raw_data();
  // Byte-addressed element types in raw_data of the right size are copied
  // as they are; the others (bool, 4-bit, typed fields, and sizes that do
  // not match, which it reports) go through tensorToAttr.
  if (tensor.has_raw_data() && raw.size() >= kMinResourceBytes &&
      elementType && elementType.getIntOrFloatBitWidth() % 8 == 0 &&
      tensor.data_location() != onnx::TensorProto::EXTERNAL &&
      int64_t(raw.size()) == ShapedType::getNumElements(shape) *
                                 elementType.getIntOrFloatBitWidth() / 8) {
    auto type = RankedTensorType::get(shape, elementType);
    // Resource keys print as identifiers: keep [A-Za-z0-9_.].
    std::string key = "onnx." + tensor.name();
    for (char &c : key)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
        ArrayRef<char>(raw.data(), raw.size()));
    return constantValue(
        DenseResourceElementsAttr::get(type, key, std::move(blob)),
        tensor.data_type());
  }
  FailureOr<DenseElementsAttr> attr = tensorToAttr(
      tensor, ctx, [&] { return emitError(loc) << "initializer: "; });
  if (failed(attr))
    return failure();
  return constantValue(*attr, tensor.data_type());
}

GraphValue ONNXImporter::constantValue(ElementsAttr attr, int32_t dtype) {
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

/// Division on operands broadcast to the result shape: exact for floats
/// (TOSA only has a reciprocal), truncating for integers, unsigned where
/// ONNX's element type is.
Value ONNXImporter::divide(Value lhs, Value rhs, RankedTensorType type,
                           bool isUnsigned) {
  // A linalg.generic that broadcasts size-1 dimensions through its maps
  // (no tile, so dynamic dimensions work); each dynamic result dimension
  // takes its size from an operand that has it.
  int64_t rank = type.getRank();
  SmallVector<Value, 2> inputs{broadcastTo(lhs, rank), broadcastTo(rhs, rank)};
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<AffineExpr> index;
    for (int64_t d = 0; d < rank; ++d)
      index.push_back(inputType.getDimSize(d) == 1 && type.getDimSize(d) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(rank, 0, index, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value source = cast<RankedTensorType>(inputs[0].getType()).getDimSize(d) != 1
                       ? inputs[0]
                       : inputs[1];
    dynamicSizes.push_back(tensor::DimOp::create(b, loc, source, d));
  }
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType(), dynamicSizes);
  bool isFloat = isa<FloatType>(type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value q;
               if (isFloat)
                 q = arith::DivFOp::create(nb, l, args[0], args[1]);
               else if (isUnsigned)
                 q = arith::DivUIOp::create(nb, l, args[0], args[1]);
               else
                 q = arith::DivSIOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(nb, l, ValueRange{q});
             })
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
// Dispatch and the graph
//===----------------------------------------------------------------------===//

LogicalResult ONNXImporter::importNode(const Node &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeError(node) << "operator domain '" << node.domain()
                           << "' is not supported";
  loc = nodeLoc(node);
  StringRef op = node.op_type();
  auto known = knownAttributes().find(op);
  if (known == knownAttributes().end())
    return nodeError(node) << "operator '" << op
                           << "' is not supported (docs/Tools/quant-import.md "
                              "lists the supported ones)";
  for (const onnx::AttributeProto &attr : node.attribute())
    if (!known->second.contains(attr.name()))
      return nodeError(node) << "attribute '" << attr.name()
                             << "' is not supported";
  if (opset < kMinOpset) {
    // Older opsets: only where the operator's definition did not change
    // between the model's opset and kMinOpset.
    const auto *registry = onnx::OpSchemaRegistry::Instance();
    const onnx::OpSchema *then = registry->GetSchema(node.op_type(), opset);
    const onnx::OpSchema *now = registry->GetSchema(node.op_type(), kMinOpset);
    if (!then || !now || then->SinceVersion() != now->SinceVersion())
      return nodeError(node) << op << " at opset " << opset
                             << " is an older definition than the ones "
                                "QuantC implements (opsets "
                             << kMinOpset << " to " << kMaxOpset << ")";
  }
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
  if (op == "Pad")
    return importPad(node);
  if (op == "Slice")
    return importSlice(node);
  if (op == "BatchNormalization")
    return importBatchNormalization(node);
  if (op == "LayerNormalization")
    return importLayerNormalization(node);
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
  if (opset < 1 || opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << opset << " is not supported ("
                       << kMinOpset << " to " << kMaxOpset
                       << ", and older ones for operators unchanged since)";
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
        onnx::ShapeInferenceOptions(/*check_type=*/opset <= kLibOnnxMaxOpset,
                                    /*strict=*/1));
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
    FailureOr<GraphValue> value = initializerValue(init);
    if (failed(value))
      return {};
    values[init.name()] = *value;
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
