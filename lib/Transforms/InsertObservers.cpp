//===- InsertObservers.cpp - Calibration points on floats ------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-insert-observers: a qnn.observe on every activation the recipe will
// quantize, i.e. the float inputs and outputs of the ops quantization turns
// into qnn ops. A walk in program order, so observer names are stable.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "ModelPatterns.h"
#include "Recipes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

namespace quantc {
#define GEN_PASS_DEF_INSERTOBSERVERSPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;
using namespace quantc::patterns;

namespace {

/// The single user of a value through single-use layout ops.
Operation *userThroughLayout(Value value) {
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (!isLayoutOp(user) || isa<tensor::PadOp>(user))
      return user;
    value = user->getResult(0);
  }
  return nullptr;
}

/// quant-import's Softmax computes `exp(x - reduce_max(x))`: the max and
/// the difference are internal to the float island, not quantized.
bool isSoftmaxInternal(Operation *op) {
  auto feedsExp = [](Operation *sub) {
    return isa<tosa::SubOp>(sub) &&
           llvm::all_of(sub->getUsers(),
                        [](Operation *u) { return isa<tosa::ExpOp>(u); });
  };
  if (isa<tosa::SubOp>(op))
    return feedsExp(op);
  if (isa<tosa::ReduceMaxOp>(op))
    return !op->use_empty() && llvm::all_of(op->getUsers(), feedsExp);
  return false;
}

/// Ops whose float inputs and outputs the recipe quantizes.
bool isQuantizable(Operation *op) {
  return isContraction(op) || isMaxPool(op) ||
         isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::ClampOp,
             tosa::ConcatOp, tosa::MaxPool2dOp, tosa::AvgPool2dOp,
             tosa::ReduceMaxOp>(op);
}

/// The stable name of a value: its ONNX node (quant-import's NameLoc) or
/// graph input, else the op name or argument number.
std::string baseName(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "quantc.onnx_name"))
        return name.str();
    return "arg" + std::to_string(arg.getArgNumber());
  }
  Operation *op = value.getDefiningOp();
  std::string node = op->getName().getStringRef().str();
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      node = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  unsigned index = cast<OpResult>(value).getResultNumber();
  return node + ".out" + (index == 0 ? "" : std::to_string(index));
}

/// The layers a value is an input or output of: its producer, then its
/// users (through layout ops) in program order.
SmallVector<Operation *> layersTouching(Value value) {
  SmallVector<Operation *> layers;
  if (Operation *def = value.getDefiningOp();
      def && !recipes::layerKind(def).empty())
    layers.push_back(def);
  SmallVector<Operation *> users;
  SmallVector<Value> worklist{value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (isLayoutOp(user))
        worklist.push_back(user->getResult(0));
      else if (!recipes::layerKind(user).empty() &&
               !llvm::is_contained(users, user))
        users.push_back(user);
    }
  }
  llvm::sort(users, [](Operation *a, Operation *b) {
    return a->getBlock() == b->getBlock() && a->isBeforeInBlock(b);
  });
  layers.append(users);
  return layers;
}

struct InsertObserversPass
    : public quantc::impl::InsertObserversPassBase<InsertObserversPass> {
  using InsertObserversPassBase::InsertObserversPassBase;

  /// The recipe of an observer on `value`, null where the value stays
  /// float: no layer it touches quantizes its activations (an excluded
  /// layer's tensors are still quantized for the quantized layers they
  /// feed or come from, as ONNX Runtime's nodes_to_exclude). Between
  /// layers of different precision the tensor takes the most activation
  /// bits (an int16 layer has 16-bit inputs and outputs), with the first
  /// such layer's settings (producer, then users in program order).
  RecipeAttr recipeFor(Value value, const recipes::Recipe &rules,
                       CalibrationMethod defaultMethod) {
    if (rules.activationAttr)
      return rules.activationAttr;
    std::optional<recipes::LayerDecision> chosen;
    SmallVector<Operation *> layers = layersTouching(value);
    for (Operation *layer : layers) {
      recipes::LayerDecision decision = rules.decide(layer);
      if (decision.quantizesActivations() &&
          (!chosen || decision.activations.bits > chosen->activations.bits))
        chosen = decision;
    }
    if (layers.empty())
      chosen = rules.decide("", "");
    if (!chosen || !chosen->quantizesActivations())
      return {};
    return chosen->activations.toAttr(&getContext(), defaultMethod,
                                      percentile);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::Expected<recipes::Recipe> rules =
        recipes::loadRecipe(recipe, &getContext());
    if (!rules) {
      // At the module's location, without the module printed after it.
      emitError(module.getLoc(), "quant-insert-observers: ")
          << toString(rules.takeError());
      return signalPassFailure();
    }
    std::optional<CalibrationMethod> defaultMethod =
        recipes::parseMethodName(method);
    if (!defaultMethod) {
      module.emitError("quant-insert-observers: unknown method '")
          << method
          << "'; expected minmax, avg-minmax, percentile, entropy or mse";
      return signalPassFailure();
    }
    if (percentile != 0.0 && !(percentile > 50.0 && percentile <= 100.0)) {
      module.emitError("quant-insert-observers: percentile ")
          << percentile << " is not in (50, 100]";
      return signalPassFailure();
    }
    SmallVector<Operation *> layerOps;
    module.walk([&](Operation *op) {
      if (!recipes::layerKind(op).empty())
        layerOps.push_back(op);
    });
    for (const recipes::Override *entry : rules->unmatched(layerOps))
      // At the module's location, without the module printed after it.
      emitWarning(module.getLoc(), "quant-insert-observers: recipe ")
          << rules->source << ": " << entry->where << " matches no layer";
    // Names already taken (observers from an earlier run) stay unique.
    llvm::StringSet<> names;
    module.walk([&](ObserveOp op) { names.insert(op.getName()); });

    auto uniqueName = [&](Value value) {
      std::string base = baseName(value), name = base;
      for (unsigned k = 1; names.contains(name); ++k)
        name = base + "#" + std::to_string(k);
      names.insert(name);
      return name;
    };
    bool failedRecipe = false;
    auto observe = [&](Value value) {
      if (failedRecipe) // One error per run, not one per tensor.
        return;
      while (isLayoutOp(value.getDefiningOp()))
        value = value.getDefiningOp()->getOperand(0);
      auto type = dyn_cast<RankedTensorType>(value.getType());
      if (!type || !isa<FloatType>(type.getElementType()) ||
          isStaticallyKnown(value) || value.getDefiningOp<ObserveOp>() ||
          llvm::any_of(value.getUsers(),
                       [](Operation *user) { return isa<ObserveOp>(user); }))
        return;
      OpBuilder builder(&getContext());
      if (Operation *def = value.getDefiningOp())
        builder.setInsertionPointAfter(def);
      else
        builder.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
      // Arguments' observers in argument order, after earlier ones.
      if (!value.getDefiningOp()) {
        auto previous = dyn_cast<ObserveOp>(&*builder.getInsertionPoint());
        while (previous && isa<BlockArgument>(previous.getInput())) {
          builder.setInsertionPointAfter(previous);
          previous = dyn_cast<ObserveOp>(&*builder.getInsertionPoint());
        }
      }
      RecipeAttr parsed = recipeFor(value, *rules, *defaultMethod);
      if (!parsed)
        return;
      Location loc = value.getDefiningOp()
                         ? value.getDefiningOp()->getLoc()
                         : value.getParentRegion()->getParentOp()->getLoc();
      if (failed(parsed.verifyForShape(type.getShape(), [&] {
            return emitError(loc) << "quant-insert-observers: recipe "
                                  << parsed << " on " << type << ": ";
          }))) {
        failedRecipe = true;
        return;
      }
      auto op =
          ObserveOp::create(builder, loc, value, uniqueName(value), parsed,
                            StatsAttr(), ArrayAttr(), RangeAttr());
      value.replaceAllUsesExcept(op.getResult(), op);
    };

    module.walk([&](Operation *op) {
      if (failedRecipe)
        return;
      // Average pools: the pool's input and the average, not the window
      // sum in between (it is the pool's int32 accumulator).
      if (Value poolInput = averagePoolInput(op)) {
        observe(poolInput);
        observe(op->getResult(0));
        return;
      }
      // Softmax is a float island; its output, in [0, 1], is quantized.
      if (isSoftmax(op) || isa<tosa::SigmoidOp, tosa::TanhOp>(op)) {
        if (!isSoftmax(op))
          observe(op->getOperand(0));
        observe(op->getResult(0));
        return;
      }
      if (!isQuantizable(op) || isSoftmaxInternal(op))
        return;
      bool biasAdd = isBiasAdd(op);
      auto dps = dyn_cast<DestinationStyleOpInterface>(op);
      for (OpOperand &input : op->getOpOperands()) {
        // Outputs (DPS inits) are accumulators, not data; the contraction
        // side of a bias add is the contraction's unquantized sum.
        if ((dps && dps.isDpsInit(&input)) ||
            (biasAdd && isContraction(producerThroughLayout(input.get()))))
          continue;
        observe(input.get());
      }
      for (Value result : op->getResults()) {
        if (isContraction(op) && isBiasAdd(userThroughLayout(result)))
          continue;
        observe(result);
      }
    });
    if (failedRecipe)
      signalPassFailure();
  }
};

} // namespace
