//===- TileParallelLoops.cpp - Thread tiles on innermost dims ---*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-gpu-tile-parallel-loops: upstream's scf-parallel-loop-tiling applies
// its sizes to the leading dimensions, which for quant-lower-qnn's [1, M, N]
// matmul outputs is the batch of 1. The tiles belong on the innermost ones.
//
//===----------------------------------------------------------------------===//

#include "quantc/GPU/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"

namespace quantc {
#define GEN_PASS_DEF_GPUTILEPARALLELLOOPSPASS
#include "quantc/GPU/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

struct GPUTileParallelLoopsPass
    : public quantc::impl::GPUTileParallelLoopsPassBase<
          GPUTileParallelLoopsPass> {
  using GPUTileParallelLoopsPassBase::GPUTileParallelLoopsPassBase;

  void runOnOperation() override {
    SmallVector<int64_t> sizes(tileSizes.begin(), tileSizes.end());
    if (sizes.empty())
      sizes = {16, 16};
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      // Loops that come mapped (quant-gpu-mma's warps) keep their shape.
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->hasAttr(gpu::getMappingAttrName()))
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost) {
      size_t rank = loop.getNumLoops();
      size_t tiled = std::min(rank, sizes.size());
      SmallVector<int64_t> loopSizes(rank - tiled, 1);
      llvm::append_range(loopSizes, ArrayRef(sizes).take_back(tiled));
      scf::tileParallelLoop(loop, loopSizes, /*noMinMaxBounds=*/true);
    }
  }
};

} // namespace
