//===- QNNToLinalgPass.cpp - quant-lower-qnn pass ---------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "LoweringHelpers.h"

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/Utils/QuantTypeUtils.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"

#define DEBUG_TYPE "quant-lower-qnn"

namespace quantc {
#define GEN_PASS_DEF_LOWERQNNPASS
#define GEN_PASS_DEF_DROPREQUANTMODEPASS
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {

/// Whether any operand or result of `op` (or, for functions, the signature)
/// is quantized.
bool touchesQuantTypes(Operation *op) {
  auto quantized = [](Type t) { return qnn::isQuantized(t); };
  if (auto func = dyn_cast<FunctionOpInterface>(op))
    return llvm::any_of(func.getArgumentTypes(), quantized) ||
           llvm::any_of(func.getResultTypes(), quantized);
  return llvm::any_of(op->getOperandTypes(), quantized) ||
         llvm::any_of(op->getResultTypes(), quantized);
}

bool hasLowering(Operation *op) {
  return isa<quant::QuantizeCastOp, quant::DequantizeCastOp,
             quant::StorageCastOp, func::FuncOp, func::ReturnOp,
             func::CallOp>(op) ||
         isa_and_nonnull<qnn::QNNDialect>(op->getDialect()) ||
         lowering::hasStorageLowering(op);
}

/// Inserts, before each qnn.observe, a call of kObserveCallbackName with the
/// observed tensor's buffer (any layout, as memref<*xf32>) and the op's
/// quantc.observer_id. The observe op itself stays, and lowers to the identity.
LogicalResult insertCalibrationCalls(ModuleOp module) {
  SmallVector<qnn::ObserveOp> observers;
  module.walk([&](qnn::ObserveOp op) { observers.push_back(op); });
  if (observers.empty())
    return success();
  MLIRContext *ctx = module.getContext();
  Type i64 = IntegerType::get(ctx, 64);
  auto unranked = UnrankedMemRefType::get(Float32Type::get(ctx), 0);
  auto callbackType = FunctionType::get(ctx, {i64, unranked}, {});
  auto callback = module.lookupSymbol<func::FuncOp>(kObserveCallbackName);
  if (callback && callback.getFunctionType() != callbackType)
    return callback.emitError("@")
           << kObserveCallbackName << " must have type " << callbackType
           << " for quant-lower-qnn{calibrate}, got "
           << callback.getFunctionType();
  if (!callback) {
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    callback = func::FuncOp::create(builder, module.getLoc(),
                                    kObserveCallbackName, callbackType);
    callback.setPrivate();
  }
  for (qnn::ObserveOp op : observers) {
    auto id = op->getAttrOfType<IntegerAttr>(kObserverIdAttrName);
    if (!id)
      return op.emitError("qnn.observe '")
             << op.getName() << "' has no integer '" << kObserverIdAttrName
             << "' (quant-run --calibrate numbers the observers)";
    auto tensor = cast<RankedTensorType>(op.getInput().getType());
    if (!tensor.getElementType().isF32())
      return op.emitError("calibration observes f32 tensors, got ") << tensor;
    // A fully dynamic layout accepts whatever buffer bufferization picks.
    SmallVector<int64_t> strides(tensor.getRank(), ShapedType::kDynamic);
    auto buffer = MemRefType::get(
        tensor.getShape(), tensor.getElementType(),
        StridedLayoutAttr::get(ctx, ShapedType::kDynamic, strides));
    OpBuilder builder(op);
    Location loc = op.getLoc();
    Value memref =
        bufferization::ToBufferOp::create(builder, loc, buffer, op.getInput(),
                                          /*read_only=*/true);
    Value erased = memref::CastOp::create(builder, loc, unranked, memref);
    Value idValue = arith::ConstantOp::create(
        builder, loc, IntegerAttr::get(i64, id.getInt()));
    func::CallOp::create(builder, loc, callback, ValueRange{idValue, erased});
  }
  return success();
}

struct LowerQNNPass : public quantc::impl::LowerQNNPassBase<LowerQNNPass> {
  using LowerQNNPassBase::LowerQNNPassBase;

  /// The mode of the `requant-mode` option and the module's
  /// qnn.requant_mode, which must agree; fp32 when neither is given.
  FailureOr<qnn::RequantMode> resolveRequantMode(ModuleOp module) {
    auto recorded = module->getAttrOfType<qnn::RequantModeAttr>(
        qnn::QNNDialect::kRequantModeAttrName);
    if (requantMode.empty())
      return recorded ? recorded.getValue() : qnn::RequantMode::fp32;
    std::optional<qnn::RequantMode> requested =
        qnn::symbolizeRequantModeOption(requantMode);
    if (!requested)
      return module.emitError("unknown requant-mode '")
             << requantMode
             << "'; expected fp32, fixedpoint, tosa-double-round or "
                "tosa-single-round";
    if (recorded && recorded.getValue() != *requested)
      return module.emitError("requant-mode=")
             << requantMode << " contradicts the module's "
             << qnn::QNNDialect::kRequantModeAttrName << " = " << recorded;
    return *requested;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<qnn::RequantMode> mode = resolveRequantMode(module);
    if (failed(mode))
      return signalPassFailure();
    if (calibrate && failed(insertCalibrationCalls(module)))
      return signalPassFailure();
    // Name what cannot be lowered instead of failing with a generic
    // "failed to legalize" later.
    WalkResult unsupported = module.walk([&](Operation *op) {
      if (!touchesQuantTypes(op))
        return WalkResult::advance();
      // Upstream accepts NaN scales and out-of-range zero points; the
      // arithmetic built from them would be silently wrong.
      for (Type type : llvm::concat<const Type>(op->getOperandTypes(),
                                                op->getResultTypes())) {
        if (!qnn::isQuantized(type))
          continue;
        std::optional<qnn::UniformParams> params =
            qnn::getUniformParams(type);
        // Blocked types (ONNX block_size) flow through the casts and are
        // qnn.matmul's per-group weights.
        if (!params && isa<quant::QuantizeCastOp, quant::DequantizeCastOp,
                           quant::StorageCastOp, qnn::MatmulOp>(op))
          if (std::optional<qnn::BlockedParams> blocked =
                  qnn::getBlockedParams(type))
            params = blocked->params;
        if (!params) {
          op->emitError("only !quant.uniform types are lowered, got ")
              << type;
          return WalkResult::interrupt();
        }
        if (failed(qnn::verifyUniformParams(
                *params, "quantized type", [&] { return op->emitError(); })))
          return WalkResult::interrupt();
      }
      if (failed(verifyRequantizable(op, *mode)))
        return WalkResult::interrupt();
      if (!hasLowering(op)) {
        std::string whyNot;
        lowering::hasStorageLowering(op, &whyNot);
        InFlightDiagnostic diag =
            op->emitError("'")
            << op->getName()
            << "' on quantized types has no integer lowering in "
               "quant-lower-qnn; fold it into a qnn op or keep it in float "
               "between quant.dcast and quant.qcast";
        if (!whyNot.empty())
          diag << " (" << whyNot << ")";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<qnn::QNNDialect, quant::QuantDialect>();
    target.markUnknownOpDynamicallyLegal(
        [](Operation *op) { return !touchesQuantTypes(op); });

    RewritePatternSet patterns(ctx);
    populateQNNToLinalgConversionPatterns(typeConverter, patterns, *mode);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(
        patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    populateCallOpTypeConversionPattern(patterns, typeConverter);

    // Never fold: quant.dcast(quant.qcast(x)) folds to x upstream, which
    // would drop a fake-quantization (docs/Building.md).
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(module, target, std::move(patterns),
                                      config)))
      return signalPassFailure();
    module->setAttr(qnn::QNNDialect::kRequantModeAttrName,
                    qnn::RequantModeAttr::get(ctx, *mode));
  }
};

struct DropRequantModePass
    : public quantc::impl::DropRequantModePassBase<DropRequantModePass> {
  void runOnOperation() override {
    getOperation()->removeAttr(qnn::QNNDialect::kRequantModeAttrName);
  }
};

} // namespace
