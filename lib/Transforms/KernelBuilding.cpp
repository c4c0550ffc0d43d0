//===- KernelBuilding.cpp - Shared pieces of the x86 kernel passes -------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "KernelBuilding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

bool quantc::isStaticIdentityMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

Value quantc::bodyLoadSource(linalg::GenericOp op) {
  Value source;
  for (Operation &inner : op.getRegion().front()) {
    auto load = dyn_cast<memref::LoadOp>(inner);
    if (!load)
      continue;
    if (source && source != load.getMemRef())
      return Value();
    source = load.getMemRef();
  }
  return source;
}

void quantc::buildForLoop(OpBuilder &b, Location loc, int64_t lower,
                          int64_t upper, int64_t step,
                          function_ref<void(Value)> body) {
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  scf::ForOp::create(b, loc, index(lower), index(upper), index(step),
                     ValueRange{},
                     [&](OpBuilder &nb, Location l, Value iv, ValueRange) {
                       OpBuilder::InsertionGuard guard(b);
                       b.setInsertionPoint(nb.getInsertionBlock(),
                                           nb.getInsertionPoint());
                       body(iv);
                       scf::YieldOp::create(nb, l);
                     });
}
