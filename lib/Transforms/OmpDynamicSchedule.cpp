//===- OmpDynamicSchedule.cpp - Dynamic schedule for kernel loops -*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace quantc {
#define GEN_PASS_DEF_OMPDYNAMICSCHEDULEPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

struct OmpDynamicSchedulePass
    : public quantc::impl::OmpDynamicSchedulePassBase<OmpDynamicSchedulePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    getOperation()->walk([&](omp::WsloopOp loop) {
      // A schedule someone chose on purpose stays.
      if (loop.getScheduleKind())
        return;
      loop.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
          context, omp::ClauseScheduleKind::Dynamic));
    });
  }
};

} // namespace
