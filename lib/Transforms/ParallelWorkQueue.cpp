//===- ParallelWorkQueue.cpp - Self-scheduled parallel loops -----*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-parallel-work-queue: an scf.parallel over units of work becomes an
// scf.parallel over `threads` workers that take the units from a shared
// counter (memref.atomic_rmw), one unit per atomic add. The free worker
// takes the remaining units, as with libomp's schedule(dynamic), without
// a runtime call per unit: Debian's libomp formats a trace string in every
// __kmpc_dispatch_next (3 % of a 2-thread conv call).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace quantc {
#define GEN_PASS_DEF_PARALLELWORKQUEUEPASS
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Whether `alloca` can move from a unit's body to its worker: a static
/// size, so one buffer serves every unit the worker takes.
bool isWorkerBuffer(Operation &op) {
  auto alloca = dyn_cast<memref::AllocaOp>(op);
  return alloca && alloca.getType().hasStaticShape() &&
         alloca.getDynamicSizes().empty() && alloca.getSymbolOperands().empty();
}

/// Clones `loop`'s body for unit `unit` (row-major over its dimensions,
/// the last fastest) at `b`.
void buildUnit(OpBuilder &b, Location loc, scf::ParallelOp loop,
               ArrayRef<Value> tripCounts, Value unit, IRMapping &mapping) {
  Value rest = unit;
  for (int64_t d = loop.getNumLoops() - 1; d >= 0; --d) {
    Value index = rest;
    if (d > 0) {
      index = arith::RemUIOp::create(b, loc, rest, tripCounts[d]);
      rest = arith::DivUIOp::create(b, loc, rest, tripCounts[d]);
    }
    mapping.map(loop.getInductionVars()[d],
                arith::AddIOp::create(
                    b, loc, loop.getLowerBound()[d],
                    arith::MulIOp::create(b, loc, index, loop.getStep()[d])));
  }
  Block &body = *loop.getBody();
  bool scoped = false;
  for (Operation &op : body.without_terminator())
    scoped |= !isWorkerBuffer(op) &&
              op.walk([](memref::AllocaOp) {
                  return WalkResult::interrupt();
                }).wasInterrupted();
  auto cloneBody = [&](OpBuilder &ob) {
    for (Operation &op : body.without_terminator())
      if (!isWorkerBuffer(op))
        ob.clone(op, mapping);
  };
  if (!scoped) {
    cloneBody(b);
    return;
  }
  // Other stack buffers are freed after each unit.
  auto scope = memref::AllocaScopeOp::create(b, loc, TypeRange{});
  Block *block = new Block();
  scope.getBodyRegion().push_back(block);
  OpBuilder sb = OpBuilder::atBlockEnd(block);
  cloneBody(sb);
  memref::AllocaScopeReturnOp::create(sb, loc);
}

/// Rewrites `loop` (no reductions) into workers draining unit counters.
void buildWorkQueue(scf::ParallelOp loop, func::FuncOp func, int64_t threads) {
  Location loc = loop.getLoc();
  OpBuilder b(loop);
  auto cst = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };

  // Units in row-major order over the loop's dimensions; an empty
  // dimension (upper bound below the lower) has none.
  SmallVector<Value> tripCounts;
  Value total;
  Value none = cst(b, 0);
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    Value span = arith::SubIOp::create(b, loc, ub, lb);
    Value count = arith::MaxSIOp::create(
        b, loc, arith::CeilDivSIOp::create(b, loc, span, step), none);
    tripCounts.push_back(count);
    total = total ? arith::MulIOp::create(b, loc, total, count) : count;
  }

  // Worker t's share is units [total*t/threads, total*(t+1)/threads), in
  // order (neighbouring units read neighbouring data); counters[t] counts
  // the units of that share taken. A worker drains its own share, then
  // helps the others with theirs. The counters live in the entry block, so
  // that a loop around the parallel loop does not grow the stack; they are
  // reset before each run.
  auto counterType = MemRefType::get({threads}, b.getI64Type());
  Value counters;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&func.getBody().front());
    counters = memref::AllocaOp::create(b, loc, counterType);
  }
  Value zero = arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0);
  for (int64_t t = 0; t < threads; ++t)
    memref::StoreOp::create(b, loc, zero, counters, ValueRange{cst(b, t)});

  Value numWorkers = cst(b, threads);
  auto shareBegin = [&](OpBuilder &ob, Value worker) -> Value {
    return arith::DivUIOp::create(
        ob, loc, arith::MulIOp::create(ob, loc, total, worker), numWorkers);
  };
  Block &unitBody = *loop.getBody();
  scf::ParallelOp::create(
      b, loc, ValueRange{cst(b, 0)}, ValueRange{numWorkers},
      ValueRange{cst(b, 1)},
      [&](OpBuilder &wb, Location, ValueRange workerIvs) {
        IRMapping mapping;
        // Static buffers a unit allocates on its stack: once per worker.
        for (Operation &op : unitBody.without_terminator())
          if (isWorkerBuffer(op))
            wb.clone(op, mapping);
        Value one = arith::ConstantIntOp::create(wb, loc, wb.getI64Type(), 1);
        scf::ForOp::create(
            wb, loc, cst(wb, 0), numWorkers, cst(wb, 1), ValueRange{},
            [&](OpBuilder &fb, Location, Value k, ValueRange) {
              Value owner = arith::RemUIOp::create(
                  fb, loc, arith::AddIOp::create(fb, loc, workerIvs[0], k),
                  numWorkers);
              Value begin = shareBegin(fb, owner);
              Value size = arith::SubIOp::create(
                  fb, loc,
                  shareBegin(fb, arith::AddIOp::create(fb, loc, owner,
                                                       cst(fb, 1))),
                  begin);
              scf::WhileOp::create(
                  fb, loc, TypeRange{fb.getIndexType()}, ValueRange{},
                  [&](OpBuilder &cb, Location, ValueRange) {
                    Value taken = memref::AtomicRMWOp::create(
                        cb, loc, arith::AtomicRMWKind::addi, one, counters,
                        ValueRange{owner});
                    Value index = arith::IndexCastOp::create(
                        cb, loc, cb.getIndexType(), taken);
                    Value more = arith::CmpIOp::create(
                        cb, loc, arith::CmpIPredicate::ult, index, size);
                    scf::ConditionOp::create(
                        cb, loc, more,
                        ValueRange{arith::AddIOp::create(cb, loc, begin,
                                                         index)});
                  },
                  [&](OpBuilder &db, Location, ValueRange args) {
                    buildUnit(db, loc, loop, tripCounts, args[0], mapping);
                    scf::YieldOp::create(db, loc);
                  });
              scf::YieldOp::create(fb, loc);
            });
      });
  loop.erase();
}

struct ParallelWorkQueuePass
    : public quantc::impl::ParallelWorkQueuePassBase<ParallelWorkQueuePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (threads < 2 || func.isExternal())
      return;
    // Outermost loops only: a nested scf.parallel runs inside its unit.
    SmallVector<scf::ParallelOp> loops;
    func.walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
      if (loop.getNumReductions() == 0)
        loops.push_back(loop);
      return WalkResult::skip();
    });
    for (scf::ParallelOp loop : loops)
      buildWorkQueue(loop, func, threads);
  }
};

} // namespace
