//===- DialectNamespaceTest.cpp - Why our dialect is not 'quant' -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// docs/Rationale/RationaleQNN.md says upstream owns the `quant` namespace and
// MLIR refuses a second dialect under it. This is the check.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

namespace {

/// A dialect that tries to take upstream's name.
class ClashingQuantDialect : public mlir::Dialect {
public:
  explicit ClashingQuantDialect(mlir::MLIRContext *ctx)
      : mlir::Dialect(getDialectNamespace(), ctx,
                      mlir::TypeID::get<ClashingQuantDialect>()) {}
  static llvm::StringRef getDialectNamespace() { return "quant"; }
};

TEST(DialectNamespace, SecondQuantDialectIsRejected) {
  EXPECT_DEATH(
      {
        mlir::DialectRegistry registry;
        registry.insert<mlir::quant::QuantDialect>();
        registry.insert<ClashingQuantDialect>();
      },
      "Trying to register different dialects for the same namespace: quant");
}

TEST(DialectNamespace, QNNLivesBesideQuant) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::quant::QuantDialect, quantc::qnn::QNNDialect>();
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  EXPECT_NE(context.getLoadedDialect("quant"), nullptr);
  EXPECT_NE(context.getLoadedDialect("qnn"), nullptr);
  // qnn depends on quant: loading it alone brings quant in.
  mlir::MLIRContext alone;
  alone.getOrLoadDialect<quantc::qnn::QNNDialect>();
  EXPECT_NE(alone.getLoadedDialect("quant"), nullptr);
}

} // namespace
