//===- Recipes.h - Quantization recipes and recipe files -------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A recipe says, layer by layer, how a float model is quantized: the
// built-in ones (int8, int8-symmetric, int16, int4-weight-only) and JSON
// recipe files with per-layer overrides (docs/Recipes.md). One definition
// for quant-insert-observers (activations) and quant-insert-qdq (weights).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_RECIPES_H
#define QUANTC_LIB_TRANSFORMS_RECIPES_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/Operation.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace quantc::recipes {

/// How a layer's activations (its float inputs and outputs) are quantized.
struct ActivationSpec {
  bool quantize = true;
  unsigned bits = 8;
  bool isSigned = false;
  bool symmetric = false;
  /// Unset: the calibration method the pass or tool is given.
  std::optional<qnn::CalibrationMethod> method;
  std::optional<double> percentile;

  /// The observer's #qnn.recipe; `defaultMethod`/`defaultPercentile` where
  /// the spec names none (percentile 0: the range method's default).
  qnn::RecipeAttr toAttr(mlir::MLIRContext *ctx,
                         qnn::CalibrationMethod defaultMethod,
                         double defaultPercentile) const;
};

/// How a layer's constant weights are quantized.
struct WeightSpec {
  bool quantize = true;
  unsigned bits = 8;
  bool isSigned = true;
  bool symmetric = true;
  /// tensor, channel (the output channels) or group (blocks of `groupSize`
  /// along the reduction axis K).
  qnn::Granularity granularity = qnn::Granularity::channel;
  int64_t groupSize = 0;
};

/// What a recipe decides for one layer.
struct LayerDecision {
  bool exclude = false;
  ActivationSpec activations;
  WeightSpec weights;
  /// Where the decision came from, for diagnostics: "recipe int8" or
  /// "recipe FILE, overrides[2]" (the last override that set anything).
  std::string origin;

  bool quantizesActivations() const {
    return !exclude && activations.quantize;
  }
  bool quantizesWeights() const { return !exclude && weights.quantize; }
};

/// The fields one recipe entry sets; unset fields keep the value below.
struct ActivationFields {
  std::optional<bool> quantize;
  std::optional<unsigned> bits;
  std::optional<bool> isSigned, symmetric;
  std::optional<qnn::CalibrationMethod> method;
  std::optional<double> percentile;
  void applyTo(ActivationSpec &spec) const;
};
struct WeightFields {
  std::optional<bool> quantize;
  std::optional<unsigned> bits;
  std::optional<bool> isSigned, symmetric;
  std::optional<qnn::Granularity> granularity;
  std::optional<int64_t> groupSize;
  void applyTo(WeightSpec &spec) const;
};

/// One entry of a recipe's `overrides`.
struct Override {
  /// "overrides[i]" with its name/op pattern, for diagnostics.
  std::string where;
  /// A glob (checked when the file is read); empty: any name.
  std::string namePattern;
  std::string opKind;
  /// Part of a built-in recipe: never reported as matching nothing.
  bool builtin = false;
  std::optional<bool> exclude;
  ActivationFields activations;
  WeightFields weights;

  bool matches(llvm::StringRef layerName, llvm::StringRef kind) const;
};

/// A built-in recipe or a recipe file.
struct Recipe {
  /// "int8" or the file's path.
  std::string source;
  /// A `#qnn.recipe<...>` given as is: every observer's recipe (as written,
  /// per-channel and narrow-range ones included).
  qnn::RecipeAttr activationAttr;
  ActivationSpec baseActivations;
  WeightSpec baseWeights;
  /// Applied after the base in order; a later match wins for each field it
  /// sets.
  std::vector<Override> overrides;

  /// The decision for a layer named `layerName` of kind `kind`.
  LayerDecision decide(llvm::StringRef layerName, llvm::StringRef kind) const;
  /// The decision for `op`'s layer (its ONNX node name and kind).
  LayerDecision decide(mlir::Operation *op) const;
  /// The overrides that match none of `ops`' layers.
  std::vector<const Override *>
  unmatched(llvm::ArrayRef<mlir::Operation *> ops) const;
};

/// The built-in recipe names, for messages.
constexpr llvm::StringLiteral kBuiltinNames =
    "int8, int8-symmetric, int16, int4-weight-only";

/// A built-in recipe by name, nullopt for any other name.
std::optional<Recipe> getBuiltinRecipe(llvm::StringRef name);

/// A recipe file's text; errors are "FILE: PLACE: message" (PLACE a JSON
/// path such as `overrides[1].weights.bits`, or `line L, column C` for a
/// syntax error).
llvm::Expected<Recipe> parseRecipeFile(llvm::StringRef text,
                                       llvm::StringRef fileName);

/// `text` as a pass option gives it: a built-in name, a `.json` recipe file
/// or a `#qnn.recipe<...>` (the activations' recipe; int8 weights).
llvm::Expected<Recipe> loadRecipe(llvm::StringRef text,
                                  mlir::MLIRContext *ctx);

/// The kind of layer `op` is (`Conv`, `MatMul`, `Add`, `Relu`, ...; a bias
/// add is its contraction's kind); empty for an op that is not a layer.
llvm::StringRef layerKind(mlir::Operation *op);

/// The layer name of `op`: quant-import's ONNX node name (the first NameLoc
/// of its location); empty where there is none.
std::string layerName(mlir::Operation *op);

/// A calibration method as the tools spell it: minmax, avg-minmax,
/// percentile, entropy, mse.
std::optional<qnn::CalibrationMethod> parseMethodName(llvm::StringRef name);

/// The layer kinds a recipe file may name.
constexpr llvm::StringLiteral kLayerKinds =
    "Conv, MatMul, Gemm, Add, Sub, Mul, Relu, Clip, Concat, MaxPool, "
    "AveragePool, Sigmoid, Tanh, Softmax";

} // namespace quantc::recipes

#endif // QUANTC_LIB_TRANSFORMS_RECIPES_H
