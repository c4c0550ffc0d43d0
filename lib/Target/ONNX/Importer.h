//===- Importer.h - The ONNX importer's private interface -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Shared by the ONNX importer's sources, one per op category (the public
// entry points are in include/quantc/Target/ONNX/ImportONNX.h).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_ONNX_IMPORTER_H
#define QUANTC_LIB_TARGET_ONNX_IMPORTER_H

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
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <limits>
#include <numeric>


namespace quantc::onnx_import {

using namespace mlir;

/// ONNX 1.16's 4-bit element types, which Debian's libonnx 1.12 does not
/// name (TensorProto::UINT4, INT4).
constexpr int32_t kOnnxUint4 = 21;
constexpr int32_t kOnnxInt4 = 22;

/// The MLIR element type of an ONNX tensor element type (integers are
/// signless; ONNX's signedness is kept in the `quantc.onnx_dtype` attribute
/// of function arguments and results, and in !quant storage types).
Type getElementType(MLIRContext *ctx, int32_t dtype);
StringRef dtypeName(int32_t dtype);
/// The elements of a TensorProto as a DenseElementsAttr.
FailureOr<DenseElementsAttr> tensorToAttr(const onnx::TensorProto &tensor,
                                          MLIRContext *ctx,
                                          function_ref<InFlightDiagnostic()>
                                              error);
/// Whether ONNX's element type `dtype` is an unsigned integer.
bool isUnsignedDtype(int32_t dtype);
/// Sign- or zero-extends an ONNX integer of `dtype` to i32.
Value extendToI32(OpBuilder &b, Location loc, Value v, int32_t dtype);

//===----------------------------------------------------------------------===//
// ONNXImporter
//===----------------------------------------------------------------------===//

/// The sliding window of a conv or pool over an N, C, spatial... input.
struct ConvWindow {
  /// One entry per spatial dimension. padEnd includes ceil_mode's extension
  /// past the declared (or auto_pad) end padding, declaredPadEnd does not.
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd,
      declaredPadEnd, out;
};

/// A value of the graph, with what the importer knows of it.
struct GraphValue {
  GraphValue() = default;
  GraphValue(Value value, int32_t dtype, ElementsAttr constant = {},
             Value quantized = {})
      : value(value), dtype(dtype), constant(constant), quantized(quantized) {}

  Value value;
  /// The ONNX element type (keeps signedness that MLIR integers drop).
  int32_t dtype = 0;
  /// The constant, when the value is one: a DenseElementsAttr, or for large
  /// initializers a DenseResourceElementsAttr (printed as one blob, never
  /// uniqued element by element).
  ElementsAttr constant;
  /// The constant's elements, a dense resource read out of its blob: for
  /// the importer's own reads of parameters (scales, pads, ...).
  DenseElementsAttr dense() const;
  /// For the integer output of a QuantizeLinear: the quantized value before
  /// its storage cast, so that a DequantizeLinear of the same parameters
  /// reads it directly.
  Value quantized;
};

/// An integer conv operand: its ONNX element type and optional zero point.
struct IntegerConvOperand {
  int32_t dtype;
  std::optional<GraphValue> zeroPoint;
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
  /// Input `index` when the node has it (nullopt otherwise).
  FailureOr<std::optional<GraphValue>> optionalInput(const Node &node,
                                                     int index);
  /// Inputs 0 to count - 1, all required.
  FailureOr<SmallVector<GraphValue>> leadingInputs(const Node &node,
                                                   int count);
  struct QDQOperands {
    GraphValue x, scale;
    std::optional<GraphValue> zeroPoint;
  };
  FailureOr<QDQOperands> qdqOperands(const Node &node);
  bool hasInput(const Node &node, int index) {
    return index < node.input_size() && !node.input(index).empty();
  }
  bool hasOutput(const Node &node, int index) {
    return index < node.output_size() && !node.output(index).empty();
  }
  FailureOr<RankedTensorType> outputType(const Node &node, int index);
  void define(const Node &node, int index, GraphValue value);
  Value constant(ElementsAttr attr);
  /// A constant of `shape` holding `values` rounded to `type`.
  Value floatTensor(ArrayRef<float> values, ArrayRef<int64_t> shape,
                    FloatType type);
  GraphValue constantValue(ElementsAttr attr, int32_t dtype);
  FailureOr<GraphValue> initializerValue(const onnx::TensorProto &tensor);

  // TOSA helpers.
  Value constShape(ArrayRef<int64_t> shape);
  Value reshape(Value value, ArrayRef<int64_t> shape);
  Value expandTo(Value value, RankedTensorType type);
  Value divide(Value lhs, Value rhs, RankedTensorType type,
               bool isUnsigned = false);
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
  /// `dynamicSpatial`: the spatial sizes may be dynamic (2-D float convs,
  /// explicit or VALID padding only); their output sizes are then `?`.
  FailureOr<ConvWindow> windowFor(const Node &node, RankedTensorType x,
                                  ArrayRef<int64_t> kernel,
                                  RankedTensorType out,
                                  bool dynamicSpatial = false);
  Value pad(Value x, const ConvWindow &w, Value padValue);
  Value insertUnitHeight(Value value);
  /// A tensor.empty whose dynamic dimensions (the batch) are those of
  /// `batchOf` at the same positions.
  Value emptyTensor(ArrayRef<int64_t> shape, Type elementType, Value batchOf);
  Value splitGroups(Value value, int64_t dim, int64_t groups);
  Value mergeGroups(Value value, RankedTensorType resultType);
  Value floatConv2D(Value input, Value filter, const ConvWindow &w,
                    int64_t groups, RankedTensorType resultType);
  Value divideByCounts(Value sum, ArrayRef<float> counts,
                       ArrayRef<int64_t> countShape);
  Value genericConv(Value input, Value filter, const ConvWindow &w,
                    int64_t groups, RankedTensorType resultType,
                    const IntegerConvOperand *x, const IntegerConvOperand *wt);
  LogicalResult importDynamicQuantizeLinear(const Node &node);
  LogicalResult importLeakyRelu(const Node &node);
  LogicalResult importSoftmax(const Node &node);
  LogicalResult importMatMul(const Node &node);
  LogicalResult importGemm(const Node &node);
  LogicalResult importReshapeLike(const Node &node);
  LogicalResult importTranspose(const Node &node);
  LogicalResult importConcat(const Node &node);
  LogicalResult importConstant(const Node &node);
  LogicalResult importPad(const Node &node);
  LogicalResult importSlice(const Node &node);
  LogicalResult importBatchNormalization(const Node &node);
  LogicalResult importLayerNormalization(const Node &node);
  FailureOr<SmallVector<int64_t>> constantInts(const Node &node, int index,
                                               StringRef what);
  LogicalResult importQuantizeLinear(const Node &node);
  LogicalResult importDequantizeLinear(const Node &node);
  LogicalResult importQLinearMatMul(const Node &node);

  // Quantization helpers.
  FailureOr<Type> quantTypeFor(const Node &node, const GraphValue &scale,
                               const GraphValue *zeroPoint, int32_t dtype,
                               int64_t axis, ArrayRef<int64_t> shape,
                               Type expressedType, int64_t blockSize = 0);
  FailureOr<Type> blockedQuantType(const Node &node, const GraphValue &scale,
                                   ArrayRef<int64_t> zeroPoints, int64_t axis,
                                   ArrayRef<int64_t> shape, int64_t blockSize,
                                   unsigned flags, Type storage,
                                   Type expressedType, int64_t qmin,
                                   int64_t qmax);
  FailureOr<Value> dequantize(const Node &node, const GraphValue &x,
                              const GraphValue &scale,
                              const GraphValue *zeroPoint, int64_t axis,
                              int64_t blockSize = 0);
  FailureOr<GraphValue> quantize(const Node &node, Value x,
                                 const GraphValue &scale,
                                 const GraphValue *zeroPoint, int64_t axis,
                                 int64_t blockSize = 0);
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

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_TARGET_ONNX_IMPORTER_H
