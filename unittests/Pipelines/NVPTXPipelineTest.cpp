//===- NVPTXPipelineTest.cpp - buildNVPTXPipeline and extractPTX -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The C++ path a compiler embedding QuantC takes to PTX: the registrations
// of quantc::registerAllDialects, buildNVPTXPipeline, extractPTX.
//
//===----------------------------------------------------------------------===//

#include "quantc/InitAll.h"
#include "quantc/Pipelines/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

// A quantized linear layer with runtime weights, K a multiple of 4.
constexpr const char *kLinear = R"mlir(
!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>
func.func @linear(%x: tensor<4x16x!qa>, %w: tensor<16x8x!qw>) -> tensor<4x8x!qo> {
  %y = qnn.matmul %x, %w : (tensor<4x16x!qa>, tensor<16x8x!qw>) -> tensor<4x8x!qo>
  return %y : tensor<4x8x!qo>
}
)mlir";

class NVPTXPipeline : public ::testing::Test {
protected:
  NVPTXPipeline() {
    DialectRegistry registry;
    quantc::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Compiles kLinear with `options`; null (and a test failure) on error.
  OwningOpRef<ModuleOp> compile(const quantc::NVPTXPipelineOptions &options) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(kLinear, &context);
    EXPECT_TRUE(module);
    if (!module)
      return nullptr;
    PassManager pm(&context);
    quantc::buildNVPTXPipeline(pm, options);
    EXPECT_TRUE(succeeded(pm.run(*module)));
    return module;
  }

  MLIRContext context;
};

TEST_F(NVPTXPipeline, ExtractsOnePTXWithDp4a) {
  quantc::NVPTXPipelineOptions options;
  options.mma = false;
  OwningOpRef<ModuleOp> module = compile(options);
  ASSERT_TRUE(module);
  FailureOr<std::string> ptx = quantc::extractPTX(*module);
  ASSERT_TRUE(succeeded(ptx));
  EXPECT_NE(ptx->find(".version 8.0"), std::string::npos);
  EXPECT_NE(ptx->find(".target sm_80"), std::string::npos);
  EXPECT_NE(ptx->find(".visible .entry linear_kernel_0("), std::string::npos);
  EXPECT_NE(ptx->find("dp4a.s32.s32"), std::string::npos);
  // One module: one PTX header.
  EXPECT_EQ(ptx->find(".version", ptx->find(".version") + 1),
            std::string::npos);
}

TEST_F(NVPTXPipeline, MatmulOnTensorCoresByDefault) {
  quantc::NVPTXPipelineOptions options;
  OwningOpRef<ModuleOp> module = compile(options);
  ASSERT_TRUE(module);
  FailureOr<std::string> ptx = quantc::extractPTX(*module);
  ASSERT_TRUE(succeeded(ptx));
  EXPECT_NE(ptx->find("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32"),
            std::string::npos);
  EXPECT_EQ(ptx->find("dp4a"), std::string::npos);
}

TEST_F(NVPTXPipeline, Sm90) {
  quantc::NVPTXPipelineOptions options;
  options.chip = "sm_90";
  OwningOpRef<ModuleOp> module = compile(options);
  ASSERT_TRUE(module);
  FailureOr<std::string> ptx = quantc::extractPTX(*module);
  ASSERT_TRUE(succeeded(ptx));
  EXPECT_NE(ptx->find(".target sm_90"), std::string::npos);
}

TEST_F(NVPTXPipeline, ExtractWithoutBinaryIsAnError) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kLinear, &context);
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(quantc::extractPTX(*module)));
  EXPECT_EQ(message, "expected one NVPTX assembly object (one gpu.binary of "
                     "format isa), found 0");
}

} // namespace
