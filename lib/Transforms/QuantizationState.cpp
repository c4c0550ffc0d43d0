//===- QuantizationState.cpp - Manifest export and verification -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-export-manifest writes every quantized tensor and observer of a
// module (types, recipes, statistics, requant mode) as JSON with a SHA-256
// state hash; quant-verify-state compares a module with such a manifest and
// names each tensor and field that differs. docs/QuantizationState.md.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/QuantizationState.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <set>
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/ToolOutputFile.h"

namespace quantc {
#define GEN_PASS_DEF_EXPORTMANIFESTPASS
#define GEN_PASS_DEF_VERIFYSTATEPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;
namespace json = llvm::json;

/// Fields of a tensor entry that describe where it is, not how it is
/// quantized: outside the hash and the comparison.
static constexpr llvm::StringLiteral kInformationalFields[] = {"op", "shape"};

std::string quantc::getLocationName(Location loc) {
  std::string name;
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

namespace {

std::string printed(Type type) {
  std::string s;
  llvm::raw_string_ostream(s) << type;
  return s;
}

json::Array shapeOf(Type type) {
  json::Array shape;
  if (auto shaped = dyn_cast<ShapedType>(type); shaped && shaped.hasRank())
    for (int64_t d : shaped.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? json::Value(nullptr)
                                               : json::Value(d));
  return shape;
}

/// The quantization parameters of a quantized type: storage, scheme,
/// granularity, scales, zero points and the real range each channel
/// represents (`[(qmin - zp) * s, (qmax - zp) * s]`).
json::Object describeQuantizedType(Type type) {
  json::Object entry;
  std::optional<UniformParams> params = getUniformParams(type);
  std::optional<BlockedParams> blocked;
  if (!params) {
    blocked = getBlockedParams(type);
    if (blocked)
      params = blocked->params;
  }
  if (!params) {
    // Calibrated or `any` quantized types: no uniform parameters to list.
    entry["type"] = printed(qnn::getElementTypeOrSelf(type));
    entry["granularity"] = "other";
    return entry;
  }
  int64_t qmin = params->type.getStorageTypeMin();
  int64_t qmax = params->type.getStorageTypeMax();
  unsigned bits = params->storageWidth();
  entry["bits"] = int64_t(bits);
  entry["signed"] = params->isSigned();
  entry["storage_min"] = qmin;
  entry["storage_max"] = qmax;
  entry["expressed"] = printed(params->expressedType());
  // Symmetric: every zero point at the middle of the full storage range.
  int64_t middle = params->isSigned() ? 0 : int64_t(1) << (bits - 1);
  bool symmetric = llvm::all_of(params->zeroPoints,
                                [&](int64_t zp) { return zp == middle; });
  entry["scheme"] = symmetric ? "symmetric" : "asymmetric";

  auto range = [&](size_t i) {
    double s = params->scales[i];
    int64_t zp = params->zeroPoints[i];
    return json::Array{double(qmin - zp) * s, double(qmax - zp) * s};
  };
  if (!params->isPerAxis() && !blocked) {
    entry["granularity"] = "tensor";
    entry["scale"] = params->scales[0];
    entry["zero_point"] = params->zeroPoints[0];
    entry["range"] = range(0);
    return entry;
  }
  if (blocked) {
    entry["granularity"] = "block";
    entry["block_sizes"] = json::Array(blocked->blockSizes);
    entry["param_shape"] = json::Array(blocked->paramShape);
  } else {
    entry["granularity"] = "channel";
    entry["axis"] = int64_t(*params->axis);
  }
  json::Array scales, zeroPoints, ranges;
  for (size_t i = 0; i < params->scales.size(); ++i) {
    scales.push_back(params->scales[i]);
    zeroPoints.push_back(params->zeroPoints[i]);
    ranges.push_back(range(i));
  }
  entry["scales"] = std::move(scales);
  entry["zero_points"] = std::move(zeroPoints);
  entry["ranges"] = std::move(ranges);
  return entry;
}

json::Object describeRecipe(RecipeAttr recipe) {
  json::Object out;
  out["bits"] = int64_t(recipe.getStorage().getWidth());
  out["signed"] = !recipe.getStorage().isUnsigned();
  out["scheme"] = stringifyQuantScheme(recipe.getScheme()).str();
  out["narrow_range"] = recipe.getNarrowRange();
  out["granularity"] = stringifyGranularity(recipe.getGranularity()).str();
  if (recipe.getAxis())
    out["axis"] = *recipe.getAxis();
  if (recipe.getGroupSize())
    out["group_size"] = *recipe.getGroupSize();
  out["method"] = stringifyCalibrationMethod(recipe.getMethod()).str();
  if (recipe.getPercentile())
    out["percentile"] = recipe.getPercentile().getValueAsDouble();
  if (recipe.getAveragingConstant())
    out["averaging_constant"] =
        recipe.getAveragingConstant().getValueAsDouble();
  if (recipe.getNumBins())
    out["num_bins"] = *recipe.getNumBins();
  return out;
}

json::Object describeStats(StatsAttr stats) {
  json::Object out;
  out["count"] = stats.getCount();
  out["min"] = stats.getMin().getValueAsDouble();
  out["max"] = stats.getMax().getValueAsDouble();
  auto optional = [&](StringRef key, FloatAttr value) {
    if (value)
      out[key] = value.getValueAsDouble();
  };
  optional("avg_min", stats.getAvgMin());
  optional("avg_max", stats.getAvgMax());
  optional("hist_min", stats.getHistMin());
  optional("hist_max", stats.getHistMax());
  // Float bins: re-binned histograms keep fractional counts.
  if (DenseF64ArrayAttr counts = stats.getHistCounts();
      counts && !counts.empty())
    out["hist_counts"] = json::Array(counts.asArrayRef());
  return out;
}

/// A tensor before it gets its unique name.
struct Record {
  std::string baseName;
  Operation *op; // null for a function argument
  json::Object fields;
};

/// Recipes and statistics attached to `op`, whatever their attribute names
/// (qnn.observe carries them inherently; a later stage may keep them as
/// discardable attributes of the op that replaced the observer).
void addCalibration(Operation *op, json::Object &fields) {
  for (NamedAttribute attr : op->getAttrs()) {
    if (auto recipe = dyn_cast<RecipeAttr>(attr.getValue()))
      fields["recipe"] = describeRecipe(recipe);
    else if (auto stats = dyn_cast<StatsAttr>(attr.getValue()))
      fields["stats"] = describeStats(stats);
  }
}

std::vector<Record> collectRecords(ModuleOp module) {
  std::vector<Record> records;
  module.walk([&](Operation *op) {
    if (auto func = dyn_cast<func::FuncOp>(op)) {
      for (BlockArgument arg : func.getArguments()) {
        if (!isQuantized(arg.getType()))
          continue;
        std::string name = "arg" + std::to_string(arg.getArgNumber());
        if (auto onnx = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                          "quantc.onnx_name"))
          name = onnx.str();
        json::Object fields = describeQuantizedType(arg.getType());
        fields["op"] = "argument";
        fields["shape"] = shapeOf(arg.getType());
        records.push_back({name, nullptr, std::move(fields)});
      }
      return;
    }
    if (auto observe = dyn_cast<ObserveOp>(op)) {
      json::Object fields;
      fields["op"] = "qnn.observe";
      fields["kind"] = "observer";
      fields["shape"] = shapeOf(observe.getType());
      addCalibration(op, fields);
      records.push_back({observe.getName().str(), op, std::move(fields)});
      return;
    }
    std::string node = getLocationName(op->getLoc());
    if (node.empty())
      node = op->getName().getStringRef().str();
    for (OpResult result : op->getResults()) {
      if (!isQuantized(result.getType()))
        continue;
      json::Object fields = describeQuantizedType(result.getType());
      fields["op"] = op->getName().getStringRef().str();
      fields["shape"] = shapeOf(result.getType());
      addCalibration(op, fields);
      std::string name = node;
      if (op->getNumResults() > 1)
        name += ":" + std::to_string(result.getResultNumber());
      records.push_back({name, op, std::move(fields)});
    }
  });
  return records;
}

/// The records with unique names (`base`, then `base#1`, `base#2`, ... in
/// program order), sorted by name, with the op each came from.
std::vector<std::pair<std::string, Record *>>
nameRecords(std::vector<Record> &records) {
  llvm::StringMap<unsigned> seen;
  llvm::StringSet<> taken;
  for (Record &r : records)
    taken.insert(r.baseName);
  std::vector<std::pair<std::string, Record *>> named;
  for (Record &r : records) {
    unsigned &k = seen[r.baseName];
    std::string name = r.baseName;
    if (k > 0)
      do
        name = r.baseName + "#" + std::to_string(k++);
      while (taken.contains(name));
    else
      ++k;
    taken.insert(name);
    named.emplace_back(name, &r);
  }
  llvm::sort(named, [](auto &a, auto &b) { return a.first < b.first; });
  return named;
}

json::Object buildManifest(ModuleOp module,
                           llvm::StringMap<Operation *> *opsByName) {
  std::vector<Record> records = collectRecords(module);
  json::Array tensors;
  for (auto &[name, record] : nameRecords(records)) {
    json::Object entry = std::move(record->fields);
    entry["name"] = name;
    tensors.push_back(std::move(entry));
    if (opsByName)
      (*opsByName)[name] = record->op;
  }
  json::Object manifest;
  manifest["format"] = kManifestFormat;
  manifest["version"] = kManifestVersion;
  if (auto mode = module->getAttrOfType<RequantModeAttr>(
          QNNDialect::kRequantModeAttrName))
    manifest["requant_mode"] = stringifyRequantMode(mode.getValue()).str();
  else
    manifest["requant_mode"] = nullptr;
  manifest["tensors"] = std::move(tensors);
  manifest["state_sha256"] = computeStateHash(manifest);
  return manifest;
}

std::string compact(const json::Value &value) {
  std::string s;
  llvm::raw_string_ostream(s) << value;
  return s;
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

/// Appends one message per difference between `expected` (the manifest's)
/// and `actual` (the module's) at `path`. A list of numbers that differs in
/// several places is one message (how many, the first), so that a
/// per-channel change stays readable.
void diffValues(StringRef path, const json::Value *expected,
                const json::Value *actual, std::vector<std::string> &out) {
  auto show = [](const json::Value *v) {
    return v ? compact(*v) : std::string("(absent)");
  };
  if (!expected && !actual)
    return;
  if (expected && actual) {
    const json::Object *eo = expected->getAsObject();
    const json::Object *ao = actual->getAsObject();
    if (eo && ao) {
      std::set<std::string> keys;
      for (auto &kv : *eo)
        keys.insert(kv.first.str());
      for (auto &kv : *ao)
        keys.insert(kv.first.str());
      for (const std::string &key : keys)
        diffValues(path.empty() ? key : (path + "." + key).str(),
                   eo->get(key), ao->get(key), out);
      return;
    }
    const json::Array *ea = expected->getAsArray();
    const json::Array *aa = actual->getAsArray();
    if (ea && aa) {
      if (ea->size() != aa->size()) {
        out.push_back((path + " has " + llvm::Twine(ea->size()) +
                       " values in the manifest, " + llvm::Twine(aa->size()) +
                       " in the module")
                          .str());
        return;
      }
      size_t differing = 0, first = 0;
      for (size_t i = 0; i < ea->size(); ++i)
        if ((*ea)[i] != (*aa)[i] && differing++ == 0)
          first = i;
      if (differing == 0)
        return;
      std::string at = (path + "[" + llvm::Twine(first) + "]").str();
      if (differing == 1) {
        diffValues(at, &(*ea)[first], &(*aa)[first], out);
        return;
      }
      out.push_back((path + " differs in " + llvm::Twine(differing) + " of " +
                     llvm::Twine(ea->size()) + " values, first " + at +
                     ": manifest " + show(&(*ea)[first]) + ", module " +
                     show(&(*aa)[first]))
                        .str());
      return;
    }
    if (*expected == *actual)
      return;
  }
  out.push_back(
      (path + ": manifest " + show(expected) + ", module " + show(actual))
          .str());
}

/// The differences between two entries of one tensor, the defining
/// parameters first; the real range, which follows from them, only when
/// they agree (else it would repeat each change).
std::vector<std::string> diffTensor(const json::Object &expected,
                                    const json::Object &actual) {
  static constexpr llvm::StringLiteral kFirst[] = {
      "kind",        "type",        "bits",       "signed",
      "storage_min", "storage_max", "expressed",  "scheme",
      "granularity", "axis",        "block_sizes", "param_shape",
      "scale",       "scales",      "zero_point", "zero_points"};
  std::vector<std::string> out;
  std::set<std::string> keys;
  for (auto &kv : expected)
    keys.insert(kv.first.str());
  for (auto &kv : actual)
    keys.insert(kv.first.str());
  for (StringRef key : kFirst) {
    diffValues(key, expected.get(key), actual.get(key), out);
    keys.erase(key.str());
  }
  bool parametersDiffer = !out.empty();
  for (const std::string &key : keys) {
    if (parametersDiffer && (key == "range" || key == "ranges"))
      continue;
    diffValues(key, expected.get(key), actual.get(key), out);
  }
  return out;
}

llvm::Error manifestError(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(
      ("manifest '" + path + "': " + message).str());
}

//===----------------------------------------------------------------------===//
// Passes
//===----------------------------------------------------------------------===//

struct ExportManifestPass
    : public quantc::impl::ExportManifestPassBase<ExportManifestPass> {
  using ExportManifestPassBase::ExportManifestPassBase;

  void runOnOperation() override {
    json::Object manifest = buildManifest(getOperation(), nullptr);
    std::string error;
    auto file = openOutputFile(output, &error);
    if (!file) {
      emitError(getOperation().getLoc(), "quant-export-manifest: cannot write '")
          << output << "': " << error;
      return signalPassFailure();
    }
    file->os() << llvm::formatv("{0:2}", json::Value(std::move(manifest)))
               << "\n";
    file->keep();
    markAllAnalysesPreserved();
  }
};

struct VerifyStatePass
    : public quantc::impl::VerifyStatePassBase<VerifyStatePass> {
  using VerifyStatePassBase::VerifyStatePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    markAllAnalysesPreserved();
    if (manifest.empty()) {
      module.emitError("quant-verify-state: no manifest given (manifest=FILE)");
      return signalPassFailure();
    }
    llvm::Expected<json::Object> expected = readQuantizationManifest(manifest);
    if (!expected) {
      emitError(module.getLoc(), "quant-verify-state: ")
          << llvm::toString(expected.takeError());
      return signalPassFailure();
    }
    llvm::StringMap<Operation *> opsByName;
    json::Object actual = buildManifest(module, &opsByName);

    unsigned differences = 0;
    auto report = [&](Operation *op, const llvm::Twine &message) {
      ++differences;
      // At the location only: printing the op (or the whole module) after
      // every difference would bury the messages.
      emitError(op ? op->getLoc() : module.getLoc())
          << "quantization state differs from manifest '" << manifest
          << "': " << message;
    };
    std::vector<std::string> modeDiffs;
    diffValues("requant_mode", expected->get("requant_mode"),
               actual.get("requant_mode"), modeDiffs);
    for (const std::string &d : modeDiffs)
      report(nullptr, d);

    auto byName = [](const json::Object &m) {
      std::map<std::string, const json::Object *> map;
      for (const json::Value &t : *m.getArray("tensors"))
        map[t.getAsObject()->getString("name")->str()] = t.getAsObject();
      return map;
    };
    auto want = byName(*expected), have = byName(actual);
    for (auto &[name, entry] : want)
      if (!have.count(name))
        report(nullptr, "tensor '" + name +
                            "' is in the manifest but not in the module");
    for (auto &[name, entry] : have) {
      Operation *op = opsByName.lookup(name);
      auto it = want.find(name);
      if (it == want.end()) {
        report(op, "tensor '" + name + "' is not in the manifest");
        continue;
      }
      json::Object wantFields = *it->second, haveFields = *entry;
      for (StringRef key : kInformationalFields) {
        wantFields.erase(key);
        haveFields.erase(key);
      }
      for (const std::string &d : diffTensor(wantFields, haveFields))
        report(op, "tensor '" + name + "' " + d);
    }
    if (differences == 0)
      return;
    emitError(module.getLoc(), "quant-verify-state: ")
        << differences << " difference" << (differences == 1 ? "" : "s")
        << " from manifest '" << manifest << "' (state "
        << *expected->getString("state_sha256") << " in the manifest, "
        << *actual.getString("state_sha256") << " in the module)";
    signalPassFailure();
  }
};

} // namespace

json::Object quantc::buildQuantizationManifest(ModuleOp module) {
  return buildManifest(module, nullptr);
}

std::string quantc::computeStateHash(const json::Object &manifest) {
  json::Object canonical = manifest;
  canonical.erase("state_sha256");
  if (json::Array *tensors = canonical.getArray("tensors"))
    for (json::Value &tensor : *tensors)
      if (json::Object *fields = tensor.getAsObject())
        for (StringRef key : kInformationalFields)
          fields->erase(key);
  std::string text = compact(json::Value(std::move(canonical)));
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(text.data()),
                     text.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

llvm::Expected<json::Object>
quantc::readQuantizationManifest(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return manifestError(path, "cannot read: " + buffer.getError().message());
  llvm::Expected<json::Value> parsed = json::parse((*buffer)->getBuffer());
  if (!parsed)
    return manifestError(path,
                         "not JSON: " + llvm::toString(parsed.takeError()));
  json::Object *root = parsed->getAsObject();
  if (!root)
    return manifestError(path, "not a JSON object");
  std::optional<StringRef> format = root->getString("format");
  if (!format || *format != kManifestFormat)
    return manifestError(path, "format is " +
                                   (format ? "'" + format->str() + "'"
                                           : std::string("missing")) +
                                   ", expected '" + kManifestFormat + "'");
  std::optional<int64_t> version = root->getInteger("version");
  if (!version || *version != kManifestVersion)
    return manifestError(
        path, "version " +
                  (version ? std::to_string(*version) : std::string("missing")) +
                  ", this QuantC reads version " +
                  std::to_string(kManifestVersion));
  const json::Array *tensors = root->getArray("tensors");
  if (!tensors)
    return manifestError(path, "'tensors' is missing or not a list");
  std::set<std::string> names;
  for (auto [i, tensor] : llvm::enumerate(*tensors)) {
    const json::Object *entry = tensor.getAsObject();
    std::optional<StringRef> name =
        entry ? entry->getString("name") : std::nullopt;
    if (!name)
      return manifestError(path, "tensors[" + llvm::Twine(i) +
                                     "] is not an object with a string 'name'");
    if (!names.insert(name->str()).second)
      return manifestError(path, "tensor '" + *name + "' appears twice");
  }
  if (!root->get("requant_mode"))
    return manifestError(path, "'requant_mode' is missing");
  std::optional<StringRef> hash = root->getString("state_sha256");
  if (!hash)
    return manifestError(path, "'state_sha256' is missing");
  std::string recomputed = computeStateHash(*root);
  if (*hash != recomputed)
    return manifestError(path, "state_sha256 " + *hash +
                                   " is not the hash of its contents (" +
                                   recomputed + "); was it edited by hand?");
  return std::move(*root);
}
