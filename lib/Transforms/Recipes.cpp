//===- Recipes.cpp - Quantization recipes and recipe files -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Recipes.h"

#include "ModelPatterns.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace quantc::qnn;
namespace json = llvm::json;

namespace quantc::recipes {

//===----------------------------------------------------------------------===//
// Specs and overrides
//===----------------------------------------------------------------------===//

RecipeAttr ActivationSpec::toAttr(MLIRContext *ctx,
                                  CalibrationMethod defaultMethod,
                                  double defaultPercentile) const {
  CalibrationMethod chosen = method.value_or(defaultMethod);
  FloatAttr percentileAttr;
  double p = percentile.value_or(method ? 0.0 : defaultPercentile);
  if (chosen == CalibrationMethod::percentile && p != 0.0)
    percentileAttr = FloatAttr::get(Float64Type::get(ctx), p);
  auto storage = IntegerType::get(ctx, bits,
                                  isSigned ? IntegerType::Signed
                                           : IntegerType::Unsigned);
  return RecipeAttr::get(
      ctx, storage, symmetric ? QuantScheme::symmetric : QuantScheme::asymmetric,
      /*narrow_range=*/false, Granularity::tensor, std::nullopt, std::nullopt,
      chosen, percentileAttr, FloatAttr(), std::nullopt);
}

void ActivationFields::applyTo(ActivationSpec &spec) const {
  if (quantize)
    spec.quantize = *quantize;
  if (bits)
    spec.bits = *bits;
  if (isSigned)
    spec.isSigned = *isSigned;
  if (symmetric)
    spec.symmetric = *symmetric;
  if (method) {
    spec.method = method;
    // A percentile belongs to the method it was given with.
    spec.percentile.reset();
  }
  if (percentile)
    spec.percentile = percentile;
}

void WeightFields::applyTo(WeightSpec &spec) const {
  if (quantize)
    spec.quantize = *quantize;
  if (bits)
    spec.bits = *bits;
  if (isSigned)
    spec.isSigned = *isSigned;
  if (symmetric)
    spec.symmetric = *symmetric;
  if (granularity)
    spec.granularity = *granularity;
  if (groupSize)
    spec.groupSize = *groupSize;
}

/// `Gemm` and `Clip` name the same float ops as `MatMul` and `Relu`.
static StringRef canonicalKind(StringRef kind) {
  return llvm::StringSwitch<StringRef>(kind)
      .Case("Gemm", "MatMul")
      .Case("Clip", "Relu")
      .Default(kind);
}

/// Brace expansion (`fc{1,2}`) is on with a bound on the alternatives.
static llvm::Expected<llvm::GlobPattern> compileGlob(StringRef pattern) {
  return llvm::GlobPattern::create(pattern, /*MaxSubPatterns=*/1024);
}

bool Override::matches(StringRef layerName, StringRef kind) const {
  if (!opKind.empty() && canonicalKind(opKind) != kind)
    return false;
  if (namePattern.empty())
    return true;
  // GlobPattern keeps a reference to its text: compiled here, from the
  // string this override owns.
  llvm::Expected<llvm::GlobPattern> glob = compileGlob(namePattern);
  if (!glob) {
    llvm::consumeError(glob.takeError());
    return false;
  }
  return glob->match(layerName);
}

LayerDecision Recipe::decide(StringRef layerName, StringRef kind) const {
  LayerDecision decision;
  decision.activations = baseActivations;
  decision.weights = baseWeights;
  decision.origin = "recipe " + source;
  for (const Override &entry : overrides) {
    if (!entry.matches(layerName, kind))
      continue;
    if (entry.exclude)
      decision.exclude = *entry.exclude;
    entry.activations.applyTo(decision.activations);
    entry.weights.applyTo(decision.weights);
    decision.origin = "recipe " + source + ", " + entry.where;
  }
  return decision;
}

LayerDecision Recipe::decide(Operation *op) const {
  return decide(layerName(op), layerKind(op));
}

std::vector<const Override *>
Recipe::unmatched(ArrayRef<Operation *> ops) const {
  std::vector<const Override *> result;
  for (const Override &entry : overrides)
    if (!entry.builtin && llvm::none_of(ops, [&](Operation *op) {
          StringRef kind = layerKind(op);
          return !kind.empty() && entry.matches(layerName(op), kind);
        }))
      result.push_back(&entry);
  return result;
}

std::optional<CalibrationMethod> parseMethodName(StringRef name) {
  return llvm::StringSwitch<std::optional<CalibrationMethod>>(name)
      .Case("minmax", CalibrationMethod::minmax)
      .Case("avg-minmax", CalibrationMethod::avg_minmax)
      .Case("percentile", CalibrationMethod::percentile)
      .Case("entropy", CalibrationMethod::entropy)
      .Case("mse", CalibrationMethod::mse)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Built-in recipes
//===----------------------------------------------------------------------===//

std::optional<Recipe> getBuiltinRecipe(StringRef name) {
  Recipe recipe;
  recipe.source = name.str();
  // int8: ONNX Runtime's default QDQ recipe, u8 asymmetric activations and
  // per-channel s8 symmetric weights.
  if (name == "int8")
    return recipe;
  if (name == "int8-symmetric") {
    recipe.baseActivations.isSigned = true;
    recipe.baseActivations.symmetric = true;
    return recipe;
  }
  if (name == "int16") {
    recipe.baseActivations.bits = 16;
    recipe.baseActivations.isSigned = true;
    recipe.baseActivations.symmetric = true;
    return recipe;
  }
  // Weight-only int4 (ONNX Runtime's MatMulNBits, llama.cpp's Q4_0):
  // activations stay float, MatMul/Gemm weights are s4 symmetric in blocks
  // of 32 along K; convolutions stay float.
  if (name == "int4-weight-only") {
    recipe.baseActivations.quantize = false;
    recipe.baseWeights.bits = 4;
    recipe.baseWeights.granularity = Granularity::group;
    recipe.baseWeights.groupSize = 32;
    Override convs;
    convs.where = "convolutions stay float";
    convs.opKind = "Conv";
    convs.builtin = true;
    convs.weights.quantize = false;
    recipe.overrides.push_back(std::move(convs));
    return recipe;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Recipe files
//===----------------------------------------------------------------------===//

namespace {

std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// Reads a recipe file's JSON value into a Recipe; every error names the
/// file and the JSON path of the offending value.
class RecipeFileParser {
public:
  explicit RecipeFileParser(StringRef fileName) : fileName(fileName) {}

  llvm::Expected<Recipe> parse(const json::Value &root);

private:
  StringRef fileName;

  llvm::Error error(const Twine &path, const Twine &message) {
    return llvm::createStringError(
        (fileName + ": " + path + ": " + message).str());
  }

  llvm::Error checkKeys(const json::Object &object, const Twine &path,
                        ArrayRef<StringRef> allowed) {
    // Sorted, so that the first unknown key reported does not depend on
    // the hash order.
    SmallVector<std::string> keys;
    for (const auto &entry : object)
      keys.push_back(entry.first.str());
    llvm::sort(keys);
    for (const std::string &key : keys)
      if (!llvm::is_contained(allowed, key))
        return error(path, "unknown key '" + key + "'; expected " +
                               llvm::join(allowed, ", "));
    return llvm::Error::success();
  }

  llvm::Expected<const json::Object *> object(const json::Value &value,
                                              const Twine &path) {
    if (const json::Object *result = value.getAsObject())
      return result;
    return error(path, "expected an object");
  }

  llvm::Expected<bool> boolean(const json::Value &value, const Twine &path) {
    if (std::optional<bool> result = value.getAsBoolean())
      return *result;
    return error(path, "expected true or false");
  }

  llvm::Expected<StringRef> string(const json::Value &value,
                                   const Twine &path) {
    if (std::optional<StringRef> result = value.getAsString())
      return *result;
    return error(path, "expected a string");
  }

  llvm::Expected<unsigned> bits(const json::Value &value, const Twine &path) {
    std::optional<int64_t> result = value.getAsInteger();
    if (!result)
      return error(path, "expected an integer");
    if (*result < 2 || *result > 16)
      return error(path, "bits " + Twine(*result) +
                             " is out of range; expected 2 to 16");
    return unsigned(*result);
  }

  /// `"none"` or an object of `keys`: bits, signed and symmetric parsed
  /// here into `fields` (ActivationFields or WeightFields), every other key
  /// by `parseOwn(key, value, path)`.
  template <typename Fields, typename ParseOwn>
  llvm::Error parseTensorFields(const json::Value &value, const Twine &path,
                                ArrayRef<StringRef> keys, Fields &fields,
                                ParseOwn parseOwn);
  llvm::Error parseActivations(const json::Value &value, const Twine &path,
                               ActivationFields &fields);
  llvm::Error parseWeights(const json::Value &value, const Twine &path,
                           WeightFields &fields);
  llvm::Expected<Override> parseOverride(const json::Value &value,
                                         unsigned index);
};

template <typename Fields, typename ParseOwn>
llvm::Error RecipeFileParser::parseTensorFields(const json::Value &value,
                                                const Twine &path,
                                                ArrayRef<StringRef> keys,
                                                Fields &fields,
                                                ParseOwn parseOwn) {
  if (std::optional<StringRef> text = value.getAsString()) {
    if (*text != "none")
      return error(path, "expected \"none\" or an object");
    fields.quantize = false;
    return llvm::Error::success();
  }
  llvm::Expected<const json::Object *> obj = object(value, path);
  if (!obj)
    return error(path, "expected \"none\" or an object");
  if (llvm::Error err = checkKeys(**obj, path, keys))
    return err;
  fields.quantize = true;
  for (const auto &[key, field] : **obj) {
    std::string at = (path + "." + key.str()).str();
    if (key == "bits") {
      llvm::Expected<unsigned> b = bits(field, at);
      if (!b)
        return b.takeError();
      fields.bits = *b;
    } else if (key == "signed" || key == "symmetric") {
      llvm::Expected<bool> flag = boolean(field, at);
      if (!flag)
        return flag.takeError();
      (key == "signed" ? fields.isSigned : fields.symmetric) = *flag;
    } else if (llvm::Error err = parseOwn(StringRef(key), field, at)) {
      return err;
    }
  }
  return llvm::Error::success();
}

llvm::Error RecipeFileParser::parseActivations(const json::Value &value,
                                               const Twine &path,
                                               ActivationFields &fields) {
  auto parseOwn = [&](StringRef key, const json::Value &field,
                      const std::string &at) -> llvm::Error {
    if (key == "granularity") {
      llvm::Expected<StringRef> text = string(field, at);
      if (!text)
        return text.takeError();
      if (*text == "per-channel" || *text == "per-group")
        return error(at, *text + " activations are not supported yet; "
                                 "expected per-tensor");
      if (*text != "per-tensor")
        return error(at, "unknown granularity '" + *text +
                             "'; expected per-tensor");
    } else if (key == "method") {
      llvm::Expected<StringRef> text = string(field, at);
      if (!text)
        return text.takeError();
      std::optional<CalibrationMethod> method = parseMethodName(*text);
      if (!method)
        return error(at, "unknown method '" + *text +
                             "'; expected minmax, avg-minmax, percentile, "
                             "entropy or mse");
      fields.method = method;
    } else if (key == "percentile") {
      std::optional<double> p = field.getAsNumber();
      if (!p)
        return error(at, "expected a number");
      if (!(*p > 50.0 && *p <= 100.0))
        return error(at, "percentile " + formatNumber(*p) +
                             " is not in (50, 100]");
      fields.percentile = *p;
    }
    return llvm::Error::success();
  };
  if (llvm::Error err = parseTensorFields(
          value, path,
          {"bits", "signed", "symmetric", "granularity", "method",
           "percentile"},
          fields, parseOwn))
    return err;
  if (fields.percentile && fields.method &&
      *fields.method != CalibrationMethod::percentile)
    return error(path, "conflicting settings: 'percentile' is for method "
                       "percentile, not the method given here");
  return llvm::Error::success();
}

llvm::Error RecipeFileParser::parseWeights(const json::Value &value,
                                           const Twine &path,
                                           WeightFields &fields) {
  auto parseOwn = [&](StringRef key, const json::Value &field,
                      const std::string &at) -> llvm::Error {
    if (key == "granularity") {
      llvm::Expected<StringRef> text = string(field, at);
      if (!text)
        return text.takeError();
      std::optional<Granularity> granularity =
          llvm::StringSwitch<std::optional<Granularity>>(*text)
              .Case("per-tensor", Granularity::tensor)
              .Case("per-channel", Granularity::channel)
              .Case("per-group", Granularity::group)
              .Default(std::nullopt);
      if (!granularity)
        return error(at, "unknown granularity '" + *text +
                             "'; expected per-tensor, per-channel or "
                             "per-group");
      fields.granularity = granularity;
    } else if (key == "group_size") {
      std::optional<int64_t> size = field.getAsInteger();
      if (!size)
        return error(at, "expected an integer");
      if (*size < 1)
        return error(at, "group size " + Twine(*size) + " must be positive");
      fields.groupSize = *size;
    }
    return llvm::Error::success();
  };
  if (llvm::Error err = parseTensorFields(
          value, path,
          {"bits", "signed", "symmetric", "granularity", "group_size"}, fields,
          parseOwn))
    return err;
  if (fields.groupSize && fields.granularity &&
      *fields.granularity != Granularity::group)
    return error(path, "conflicting settings: 'group_size' needs granularity "
                       "per-group");
  // A group size of its own, or the one the base or an earlier entry set;
  // 32 where none did (checked when the recipe is used).
  return llvm::Error::success();
}

llvm::Expected<Override> RecipeFileParser::parseOverride(const json::Value &value,
                                                         unsigned index) {
  std::string path = "overrides[" + std::to_string(index) + "]";
  llvm::Expected<const json::Object *> obj = object(value, path);
  if (!obj)
    return obj.takeError();
  if (llvm::Error err = checkKeys(
          **obj, path, {"name", "op", "exclude", "activations", "weights"}))
    return std::move(err);
  Override entry;
  if (const json::Value *name = (*obj)->get("name")) {
    llvm::Expected<StringRef> text = string(*name, path + ".name");
    if (!text)
      return text.takeError();
    if (text->empty())
      return error(path + ".name", "empty pattern");
    llvm::Expected<llvm::GlobPattern> glob = compileGlob(*text);
    if (!glob)
      return error(path + ".name", "invalid pattern '" + *text +
                                       "': " + toString(glob.takeError()));
    entry.namePattern = text->str();
  }
  if (const json::Value *op = (*obj)->get("op")) {
    llvm::Expected<StringRef> text = string(*op, path + ".op");
    if (!text)
      return text.takeError();
    SmallVector<StringRef> kinds;
    StringRef(kLayerKinds).split(kinds, ", ");
    if (!llvm::is_contained(kinds, *text))
      return error(path + ".op", "unknown op kind '" + *text +
                                     "'; expected one of " + kLayerKinds);
    entry.opKind = text->str();
  }
  if (entry.namePattern.empty() && entry.opKind.empty())
    return error(path, "an override needs 'name' (a layer name pattern) or "
                       "'op' (a layer kind)");
  if (const json::Value *exclude = (*obj)->get("exclude")) {
    llvm::Expected<bool> flag = boolean(*exclude, path + ".exclude");
    if (!flag)
      return flag.takeError();
    entry.exclude = *flag;
  }
  const json::Value *activations = (*obj)->get("activations");
  const json::Value *weights = (*obj)->get("weights");
  if (entry.exclude.value_or(false) && (activations || weights))
    return error(path, "conflicting settings: an excluded layer stays float; "
                       "'exclude': true with '" +
                           Twine(activations ? "activations" : "weights") +
                           "'");
  if (!entry.exclude && !activations && !weights)
    return error(path, "the override sets nothing; expected 'exclude', "
                       "'activations' or 'weights'");
  if (activations)
    if (llvm::Error err = parseActivations(*activations, path + ".activations",
                                           entry.activations))
      return std::move(err);
  if (weights)
    if (llvm::Error err =
            parseWeights(*weights, path + ".weights", entry.weights))
      return std::move(err);
  entry.where = path;
  if (!entry.namePattern.empty())
    entry.where += " (name '" + entry.namePattern + "')";
  else
    entry.where += " (op " + entry.opKind + ")";
  return entry;
}

llvm::Expected<Recipe> RecipeFileParser::parse(const json::Value &root) {
  llvm::Expected<const json::Object *> top = object(root, "top level");
  if (!top)
    return top.takeError();
  if (llvm::Error err = checkKeys(**top, "top level",
                                  {"description", "base", "overrides"}))
    return std::move(err);
  if (const json::Value *description = (*top)->get("description"))
    if (!description->getAsString())
      return error("description", "expected a string");

  Recipe recipe = *getBuiltinRecipe("int8");
  const json::Value *base = (*top)->get("base");
  if (base && base->getAsString()) {
    StringRef name = *base->getAsString();
    std::optional<Recipe> builtin = getBuiltinRecipe(name);
    if (!builtin)
      return error("base", "unknown recipe '" + name + "'; expected " +
                               kBuiltinNames + " or an object");
    recipe = std::move(*builtin);
  } else if (base) {
    llvm::Expected<const json::Object *> obj = object(*base, "base");
    if (!obj)
      return error("base", "expected a built-in recipe name or an object");
    if (llvm::Error err = checkKeys(**obj, "base",
                                    {"recipe", "activations", "weights"}))
      return std::move(err);
    if (const json::Value *name = (*obj)->get("recipe")) {
      llvm::Expected<StringRef> text = string(*name, "base.recipe");
      if (!text)
        return text.takeError();
      std::optional<Recipe> builtin = getBuiltinRecipe(*text);
      if (!builtin)
        return error("base.recipe", "unknown recipe '" + *text +
                                        "'; expected " + kBuiltinNames);
      recipe = std::move(*builtin);
    }
    ActivationFields activations;
    WeightFields weights;
    if (const json::Value *value = (*obj)->get("activations"))
      if (llvm::Error err =
              parseActivations(*value, "base.activations", activations))
        return std::move(err);
    if (const json::Value *value = (*obj)->get("weights"))
      if (llvm::Error err = parseWeights(*value, "base.weights", weights))
        return std::move(err);
    activations.applyTo(recipe.baseActivations);
    weights.applyTo(recipe.baseWeights);
  }
  recipe.source = fileName.str();
  if (recipe.baseWeights.granularity == Granularity::group &&
      recipe.baseWeights.groupSize == 0)
    recipe.baseWeights.groupSize = 32;

  if (const json::Value *overrides = (*top)->get("overrides")) {
    const json::Array *list = overrides->getAsArray();
    if (!list)
      return error("overrides", "expected an array");
    for (auto [i, value] : llvm::enumerate(*list)) {
      llvm::Expected<Override> entry = parseOverride(value, i);
      if (!entry)
        return entry.takeError();
      recipe.overrides.push_back(std::move(*entry));
    }
  }
  return recipe;
}

} // namespace

llvm::Expected<Recipe> parseRecipeFile(StringRef text, StringRef fileName) {
  llvm::Expected<json::Value> root = json::parse(text);
  if (!root) {
    // json::ParseError logs "[LINE:COLUMN, byte=OFFSET]: MESSAGE"; written
    // here as a compiler would: FILE:LINE:COLUMN.
    std::string log = toString(root.takeError());
    unsigned line = 0, column = 0;
    StringRef rest = log;
    if (rest.consume_front("[") && !rest.consumeInteger(10, line) &&
        rest.consume_front(":") && !rest.consumeInteger(10, column)) {
      size_t colon = rest.find("]: ");
      if (colon != StringRef::npos)
        return llvm::createStringError(
            (fileName + ":" + Twine(line) + ":" + Twine(column) +
             ": invalid JSON: " + rest.drop_front(colon + 3))
                .str());
    }
    return llvm::createStringError(
        (fileName + ": invalid JSON: " + log).str());
  }
  return RecipeFileParser(fileName).parse(*root);
}

llvm::Expected<Recipe> loadRecipe(StringRef text, MLIRContext *ctx) {
  if (std::optional<Recipe> builtin = getBuiltinRecipe(text))
    return *builtin;
  if (text.starts_with("#qnn.recipe")) {
    FailureOr<RecipeAttr> attr = patterns::parseRecipe(text, ctx);
    if (failed(attr))
      return llvm::createStringError(
          ("unknown recipe '" + text + "': not a valid #qnn.recipe<...>")
              .str());
    Recipe recipe = *getBuiltinRecipe("int8");
    recipe.source = text.str();
    recipe.activationAttr = *attr;
    return recipe;
  }
  if (!text.ends_with(".json"))
    return llvm::createStringError(
        ("unknown recipe '" + text + "'; expected " + kBuiltinNames +
         ", a #qnn.recipe<...> or a .json recipe file")
            .str());
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(text, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(("cannot read recipe file '" + text +
                                    "': " + buffer.getError().message())
                                       .str());
  return parseRecipeFile((*buffer)->getBuffer(), text);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

StringRef layerKind(Operation *op) {
  using namespace patterns;
  if (!op)
    return {};
  if (isa<tosa::MatMulOp, linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return "MatMul";
  if (isContraction(op))
    return "Conv";
  if (isBiasAdd(op))
    return layerKind(contractionOfBiasAdd(op));
  if (isa<tosa::AddOp>(op))
    return "Add";
  if (isa<tosa::SubOp>(op))
    return "Sub";
  if (isa<tosa::MulOp>(op))
    return "Mul";
  if (isa<tosa::ClampOp>(op))
    return "Relu";
  if (isa<tosa::ConcatOp>(op))
    return "Concat";
  if (isMaxPool(op) || isa<tosa::MaxPool2dOp, tosa::ReduceMaxOp>(op))
    return "MaxPool";
  if (averagePoolInput(op) || isa<tosa::AvgPool2dOp>(op))
    return "AveragePool";
  if (isa<tosa::SigmoidOp>(op))
    return "Sigmoid";
  if (isa<tosa::TanhOp>(op))
    return "Tanh";
  if (isSoftmax(op))
    return "Softmax";
  return {};
}

std::string layerName(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

} // namespace quantc::recipes
