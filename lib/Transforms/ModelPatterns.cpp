//===- ModelPatterns.cpp - quant-import's float op patterns ----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "ModelPatterns.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace quantc::qnn;

namespace quantc::patterns {

bool isLayoutOp(Operation *op) {
  return isa_and_nonnull<tensor::PadOp, tensor::ExpandShapeOp,
                         tensor::CollapseShapeOp, tosa::ReshapeOp,
                         tosa::TransposeOp>(op);
}

/// A value computed from constants only (a weight, a bias, a reshaped or
/// transposed weight): quantized statically, never observed. Also a value
/// without data.
bool isStaticallyKnown(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return false;
  // tensor.empty has no data: a pooling window's shape operand.
  if (op->hasTrait<OpTrait::ConstantLike>() || isa<tensor::EmptyOp>(op))
    return true;
  return op->getNumOperands() > 0 && op->getNumRegions() == 0 &&
         llvm::all_of(op->getOperands(), isStaticallyKnown);
}

bool isContraction(Operation *op) {
  return isa_and_nonnull<tosa::MatMulOp, tosa::Conv2DOp,
                         tosa::DepthwiseConv2DOp, linalg::MatmulOp,
                         linalg::BatchMatmulOp>(op) ||
         isa_and_nonnull<linalg::ConvolutionOpInterface>(op);
}

/// quant-import's max pool (and global max pool): a linalg.generic whose
/// body is one arith.maximumf.
bool isMaxPool(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumReductionLoops() == 0)
    return false;
  Block &body = generic.getRegion().front();
  return body.getOperations().size() == 2 &&
         isa<arith::MaximumFOp>(body.front());
}

/// An elementwise linalg.generic whose body is one arith.divf (quant-import's
/// division: the average pools' division by the window counts, Softmax's
/// division by the sum, ONNX Div).
bool isElementwiseDivision(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumReductionLoops() != 0 ||
      generic.getNumDpsInputs() != 2)
    return false;
  Block &body = generic.getRegion().front();
  return body.getOperations().size() == 2 && isa<arith::DivFOp>(body.front());
}

/// quant-import's average pool: a division by constant counts of a window
/// sum (a linalg.generic reducing with arith.addf) or of a chain of
/// tosa.reduce_sum (GlobalAveragePool). Returns the pool's input, or null.
Value averagePoolInput(Operation *op) {
  if (!isElementwiseDivision(op) || !isStaticallyKnown(op->getOperand(1)))
    return {};
  Operation *sum = op->getOperand(0).getDefiningOp();
  if (auto generic = dyn_cast_or_null<linalg::GenericOp>(sum)) {
    Block &body = generic.getRegion().front();
    if (generic.getNumReductionLoops() == 0 ||
        body.getOperations().size() != 2 || !isa<arith::AddFOp>(body.front()))
      return {};
    return generic.getDpsInputOperand(0)->get();
  }
  if (!isa_and_nonnull<tosa::ReduceSumOp>(sum))
    return {};
  while (auto reduce = sum->getOperand(0).getDefiningOp<tosa::ReduceSumOp>())
    sum = reduce;
  return sum->getOperand(0);
}

Operation *producerThroughLayout(Value value) {
  Operation *def = value.getDefiningOp();
  while (isLayoutOp(def) && !isa<tensor::PadOp>(def)) {
    value = def->getOperand(0);
    def = value.getDefiningOp();
  }
  return def;
}

Operation *contractionOfBiasAdd(Operation *op) {
  auto add = dyn_cast_or_null<tosa::AddOp>(op);
  if (!add)
    return nullptr;
  for (auto [data, bias] : {std::pair(add.getInput1(), add.getInput2()),
                            std::pair(add.getInput2(), add.getInput1())}) {
    Operation *producer = producerThroughLayout(data);
    if (isContraction(producer) && isStaticallyKnown(bias))
      return producer;
  }
  return nullptr;
}

bool isBiasAdd(Operation *op) { return contractionOfBiasAdd(op) != nullptr; }

/// quant-import's Softmax: exp divided by the reduce_sum of that exp.
bool isSoftmax(Operation *op) {
  if (!isElementwiseDivision(op))
    return false;
  Value exp = op->getOperand(0);
  auto sum = op->getOperand(1).getDefiningOp<tosa::ReduceSumOp>();
  return exp.getDefiningOp<tosa::ExpOp>() && sum && sum.getInput() == exp;
}

/// A #qnn.recipe<...> attribute (the built-in names are in Recipes.h).
FailureOr<RecipeAttr> parseRecipe(StringRef text, MLIRContext *ctx) {
  if (!text.starts_with("#qnn.recipe"))
    return failure();
  // parseAttribute reports its own syntax errors; silence them here, the
  // caller names the option.
  ScopedDiagnosticHandler silence(ctx, [](Diagnostic &) { return success(); });
  auto recipe = dyn_cast_or_null<RecipeAttr>(parseAttribute(text, ctx));
  if (!recipe)
    return failure();
  return recipe;
}

} // namespace quantc::patterns
