//===- Passes.td - QuantC cross-dialect transforms ---------*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_TD
#define QUANTC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldQDQPass : Pass<"quant-fold-qdq", "::mlir::ModuleOp"> {
  let summary = "Fold dequantize -> float op -> quantize into qnn integer ops";
  let description = [{
    Recognises a quantized linear layer or 2-D convolution in QDQ form and
    replaces it with one `qnn.matmul` or `qnn.conv2d` on `!quant.uniform`
    operands:

    ```mlir
    %a  = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
    %w  = quant.dcast (quant.scast %w_i8) : ... to tensor<1x4x3xf32>
    %m  = tosa.matmul %a, %w, %zp, %zp : ... -> tensor<1x2x3xf32>
    %b  = quant.dcast (quant.scast %b_i32) : ... to tensor<3xf32>
    %b3 = tosa.reshape %b, %shape : ... -> tensor<1x1x3xf32>
    %y  = tosa.add %m, %b3 : ... -> tensor<1x2x3xf32>
    %yq = quant.qcast %y : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
    ```

    becomes

    ```mlir
    %yq = qnn.matmul %xq, %w_q bias %b_q : (...) -> tensor<1x2x3x!qo>
    ```

    Matmuls: `tosa.matmul` (float zero points constant 0) and `linalg.matmul` (default
    indexing maps, accumulator a zero fill). Bias: `tosa.add` (through an
    optional `tosa.reshape`) or `linalg.add` of a `linalg.broadcast`.

    Convolutions, in the form `quant-import` gives an ONNX Conv: an optional
    `tensor.pad` of the dequantized NCHW input with constant 0.0 on H and W
    (it becomes the op's `padding`, filled with the input zero point), then
    `linalg.conv_2d_nchw_fchw`, or for groups > 1
    `tensor.collapse_shape(linalg.conv_2d_ngchw_gfchw(expand_shape(x),
    expand_shape(w)))`, accumulating into a zero fill; bias `tosa.add` of a
    `tosa.reshape` to `[1, F, 1, 1]`.

    ```mlir
    %p  = tensor.pad %xd low[0, 0, 1, 1] high[0, 0, 1, 1] { tensor.yield %zero }
    %c  = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, ...}
              ins(%p, %wd : ...) outs(%zero_fill : ...)
    %yq = quant.qcast %c : tensor<1x4x4x4xf32> to tensor<1x4x4x4x!qo>
    ```

    becomes

    ```mlir
    %yq = qnn.conv2d %xq, %w_q strides [2, 2] dilations [1, 1]
              padding [1, 1, 1, 1] groups 1 : (...) -> tensor<1x4x4x4x!qo>
    ```

    Weights are taken as they are when already stored (`quant.scast` of an
    integer constant) and constant-folded to their storage type when given as
    `quant.qcast` of a float constant (per tensor or per channel). A bias is
    taken as stored when it is `quant.dcast` of a 32-bit `!quant.uniform` at
    scale `s_in * s_w`; a float constant bias is quantized to int32 at that
    scale (round half to even, computed in float32 as ONNX Runtime's
    quantizer does). A float bias too large for int32 is an error.

    Ops that only move, select or pool values, between a per-tensor dq and
    q: reshapes (`tosa.reshape`, `tensor.collapse_shape` / `expand_shape`),
    `tosa.transpose`, `tensor.extract_slice`, `tensor.pad` (with a pad value
    the input type holds exactly) and quant-import's max pool run on the
    stored integers, followed by `qnn.requantize` where the output
    parameters differ:

    ```mlir
    %d  = quant.dcast %xq : tensor<1x2x3x4x!q> to tensor<1x2x3x4xf32>
    %t  = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : ...
    %yq = quant.qcast %t : tensor<1x3x4x2xf32> to tensor<1x3x4x2x!q>
    ```

    becomes

    ```mlir
    %s  = quant.scast %xq : tensor<1x2x3x4x!q> to tensor<1x2x3x4xi8>
    %t  = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : ...
    %yq = quant.scast %t : tensor<1x3x4x2xi8> to tensor<1x3x4x2x!q>
    ```

    `tosa.concat` concatenates its inputs' stored values after requantizing
    each to the output parameters; quant-import's average and global
    average pools become `qnn.avg_pool2d`.

    Anything else is left in QDQ form, which is always correct (the float
    emulation of the same numerics). With `explain`, every candidate that was
    not folded gets a remark saying why.

    The rewrite walks the IR instead of running a greedy driver: upstream's
    `quant.dcast(quant.qcast(x)) -> x` folder would otherwise erase the
    fake-quantization of activations this pass does not take over.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark for every candidate that was not folded, with the "
           "reason">,
  ];
  let statistics = [
    Statistic<"numFolded", "num-folded", "Number of layers folded into qnn ops">,
    Statistic<"numSameScaleFolded", "num-same-scale-folded",
              "Number of layout, pooling and concat ops folded onto stored "
              "integers or into qnn.avg_pool2d">,
    Statistic<"numWeightsFolded", "num-weights-folded",
              "Number of float weight constants quantized at compile time">,
  ];
  let dependentDialects = [
    "::quantc::qnn::QNNDialect", "::mlir::quant::QuantDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def FuseRequantPass : Pass<"quant-fuse-requant", "::mlir::ModuleOp"> {
  let summary = "Fold requantization steps into the qnn ops that produce them";
  let description = [{
    Merges what follows a quantized op into that op's requantization. The
    first rewrite folds activations: a `qnn.clamp` (ReLU, ReLU6, Clip after
    `quant-fold-qdq`) of the result of a qnn op (`qnn.matmul`,
    `qnn.conv2d`, `qnn.add`, `qnn.sub`, `qnn.mul`, `qnn.clamp`) becomes
    that op's output range: its result type's storage range is narrowed to
    the clamp's `[min, max]`, and the requantize epilogue, which clamps to
    the storage range, applies it at no cost.

    ```mlir
    %y = qnn.conv2d %x, %w ... -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:128>>
    %r = qnn.clamp %y min 128 max 255 : tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:128>>
    ```

    becomes

    ```mlir
    %r = qnn.conv2d %x, %w ... -> tensor<1x8x4x4x!quant.uniform<u8<128:255>:f32, 0.05:128>>
    ```

    The narrowed type states what is true of the value: its stored
    integers lie in `[min, max]`. A clamp stays when folding would be
    wrong or would change a type something else depends on: the producer
    has other users (they must not see the clamp), a user of the clamp is
    not a qnn op, `quant.dcast` or `quant.scast` (a function return or call
    fixes its type), or the range does not contain the zero point (not a valid
    `!quant.uniform`). With `explain`, each such clamp gets a remark saying
    why.

    Then requantize chains, where bit-identical in every requant mode: a
    `qnn.requantize` with the same scale on both sides is an exact
    zero-point move (centred values below 2^21). A requantize of such a
    move that never clamps reads the move's input; such a move of the
    single-use result of `qnn.matmul`, `qnn.conv2d`, `qnn.mul`,
    `qnn.avg_pool2d` or `qnn.requantize` folds into it (the producer takes
    the final zero point and the moved, intersected range). A rescale rounds
    a second time and stays (docs/Passes.md gives the proof).

    Then a `qnn.matmul` whose i32 accumulator neither bound proves (the
    storage ranges, the constant weights) gets `accumulator_chunk`: the
    most products whose i32 partial sum the storage ranges prove; the
    lowering sums K in chunks of it and the chunks in i64.

    Last, a `qnn.matmul` (rank-2 weights, per tensor or per axis, K not
    split) or `qnn.conv2d` with constant
    weights and an input zero point gets `zero_point_corrections`:
    `K * zx * zw[c] - zx * sum_k w[c]` per output channel, which
    `quant-lower-qnn` adds in the epilogue, so that the inner loop is the
    raw product of stored values.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark for every qnn.clamp or qnn.requantize that was not "
           "folded, with the reason">,
  ];
  let statistics = [
    Statistic<"numClampsFolded", "num-clamps-folded",
              "Number of qnn.clamp folded into their producer">,
    Statistic<"numRequantizeChainsFolded", "num-requantize-chains-folded",
              "Number of qnn.requantize that now read the input of a "
              "lossless qnn.requantize before them">,
    Statistic<"numRequantizesFolded", "num-requantizes-folded",
              "Number of qnn.requantize folded into their producer">,
    Statistic<"numCorrectionsFolded", "num-corrections-folded",
              "Number of contractions given zero_point_corrections">,
    Statistic<"numAccumulatorsSplit", "num-accumulators-split",
              "Number of qnn.matmul given accumulator_chunk (K split)">,
  ];
  let dependentDialects = ["::quantc::qnn::QNNDialect",
                           "::mlir::quant::QuantDialect"];
}

def InsertObserversPass : Pass<"quant-insert-observers", "::mlir::ModuleOp"> {
  let summary = "Insert qnn.observe at every activation the recipe quantizes";
  let description = [{
    On a float model as `quant-import` writes it (func + tosa/linalg float
    ops), inserts a `qnn.observe` carrying the recipe at each float input and
    output of the ops quantization turns into qnn ops: contractions
    (`tosa.matmul`, `linalg.matmul`/`batch_matmul`, linalg convolutions,
    `tosa.conv2d`/`depthwise_conv2d`), `tosa.add`/`sub`/`mul`, `tosa.clamp`
    (Relu, Clip), `tosa.concat`, pooling (`tosa.max_pool2d`/`avg_pool2d`,
    quant-import's max pool: a `linalg.generic` reducing with
    `arith.maximumf`, `tosa.reduce_max`), quant-import's average pools (a
    window-sum `linalg.generic` or a `tosa.reduce_sum` chain divided by
    constant counts: the pool's input and the average, not the sum in
    between), `tosa.sigmoid` and `tosa.tanh` (input and output) and
    quant-import's Softmax (`tosa.exp` divided by its `tosa.reduce_sum`: the
    output only; bounded outputs get fixed ranges in `quant-infer-ranges`,
    their statistics are not needed). Not observed: values computed from constants only
    (weights and biases are quantized statically), DPS outputs
    (accumulators), the sum between a contraction and its constant bias
    `tosa.add` (it becomes the int32 bias), and a value that already has an
    observer. Observers look through layout ops (`tensor.pad`,
    `expand_shape`/`collapse_shape`, `tosa.reshape`/`transpose`) to the tensor
    they were taken from, so a conv's zero padding is not observed.

    Names are stable: the ONNX node of the producer (quant-import's location
    name) + `.out` (`.out<k>` for result k > 0), a graph input's ONNX name,
    else the op name or `arg<i>`; `#<k>` is appended where a name is taken.

    ```mlir
    func.func @main(%x: tensor<1x4xf32> {quantc.onnx_name = "x"}) -> tensor<1x4xf32> {
      %r = tosa.clamp %x {max_val = 3.4e38 : f32, min_val = 0.0 : f32}
          : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("relu")
      return %r : tensor<1x4xf32>
    }
    ```

    becomes (`quant-opt --quant-insert-observers`)

    ```mlir
    %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8,
                          scheme = asymmetric>} : tensor<1x4xf32>
    %r = tosa.clamp %x0 ...
    %r0 = qnn.observe %r {name = "relu.out", recipe = #qnn.recipe<...>}
        : tensor<1x4xf32>
    return %r0 : tensor<1x4xf32>
    ```

    `recipe`: `int8` (default: u8 asymmetric per tensor, as ONNX Runtime's
    activations; the weights' per-channel s8 is applied statically later),
    `int8-symmetric` (s8 symmetric), `int16` (s16 symmetric),
    `int4-weight-only` (no observers: activations stay float), a JSON
    recipe file `FILE.json` with per-layer overrides (docs/Recipes.md), or
    any `#qnn.recipe<...>` (every observer's, as written); a recipe the
    tensor's shape cannot take (an axis out of range) is an error. With a
    recipe file, a tensor a layer excluded (or kept float) touches is not
    observed, and a tensor between layers of different precision takes the
    most activation bits. `method`/`percentile`: the calibration method
    where the recipe names none (built-in names, file entries without
    `method`). A recipe file's override that matches no layer is a warning.
  }];
  let options = [
    Option<"recipe", "recipe", "std::string", /*default=*/"\"int8\"",
           "int8, int8-symmetric, int16, int4-weight-only, a .json recipe "
           "file or a #qnn.recipe<...> attribute">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "calibration method where the recipe names none: minmax, "
           "avg-minmax, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"0.0",
           "the percentile method's upper percentile where the recipe "
           "names none (0: 99.99)">,
  ];
  let dependentDialects = ["::quantc::qnn::QNNDialect"];
}

def ExportManifestPass : Pass<"quant-export-manifest", "::mlir::ModuleOp"> {
  let summary = "Write the module's quantization state as a JSON manifest";
  let description = [{
    Writes one JSON entry per quantized tensor (every function argument and
    op result of a `!quant` type: QDQ form's `quant.qcast`/`quant.scast`,
    the qnn ops' results) and per `qnn.observe`, keyed by the op's location
    name (quant-import's ONNX node name; the op name where there is none;
    `#1`, `#2`, ... after the first in program order where names repeat):
    storage bits, signedness and range, scheme, granularity (tensor,
    channel with its axis, block with its block sizes), scales and zero
    points (arrays where per axis or per block), the real range each
    channel represents, and any `#qnn.recipe` (calibration method) and
    `#qnn.stats` (observed statistics) on the op; the module's
    `qnn.requant_mode`; and `state_sha256`, the SHA-256 of a canonical
    serialization (docs/QuantizationState.md). The module is unchanged.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the manifest (- for stdout)">,
  ];
}

def VerifyStatePass : Pass<"quant-verify-state", "::mlir::ModuleOp"> {
  let summary = "Fail unless the module's quantization matches a manifest";
  let description = [{
    Builds the module's manifest as `quant-export-manifest` does and
    compares it with `manifest` (which must be well formed, of this
    version, and carry the hash of its own contents). Every difference is
    an error naming the tensor and the field, manifest value against module
    value (`tensor 'fc' scale: manifest 0.5, module 0.25`): a tensor
    missing from either side, a changed bit width, scale, zero point,
    range, recipe or statistic, a changed requant mode; then one error with
    the count and both state hashes. quant-opt's and quant-run's
    `--quant-verify-state=FILE` run this pass before anything else.
  }];
  let options = [
    Option<"manifest", "manifest", "std::string", /*default=*/"",
           "The manifest (JSON) the module must match">,
  ];
}

def DeallocateBuffersPass : Pass<"quant-deallocate-buffers", "::mlir::ModuleOp"> {
  let summary = "Free each buffer right after its last use (straight-line "
                "functions), else upstream's deallocation pipeline";
  let description = [{
    Runs after One-Shot Bufferize. A whole network lowers to one function
    with one block: a buffer per layer, allocated at the top level, used
    by the loops of one or two layers. For such modules this pass inserts
    a `memref.dealloc` for each `memref.alloc` right after the last
    top-level op that uses it or any view of it (`ViewLikeOpInterface`
    results, transitively), and none for a buffer the function returns.
    The compiled network then holds only the buffers still to be read: its
    peak memory is that of its widest point, not the sum of its layers.

    Upstream's `buffer-deallocation-pipeline` is exact for any control
    flow but frees every buffer of a block at the block's end and then
    simplifies one `bufferization.dealloc` of all of them, comparing
    every pair: quadratic in the number of layers (31 s for 2,000 layers
    against 0.8 s without the simplification; bench/run.py).

    Any function outside that form makes the pass run the upstream
    pipeline on the whole module instead, unchanged: more than one block;
    an allocation inside a nested region or outside a `func.func`; a
    deallocation already there; an op other than a view that takes a
    buffer and returns a memref (a call, say: its aliasing is unknown
    here); or a returned value that is not a buffer allocated in the
    function (a function argument, a global: upstream clones those).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::scf::SCFDialect"];
}

def InlineSplatOperandsPass : Pass<"quant-inline-splat-operands"> {
  let summary = "Turn splat constant inputs of linalg.generic into scalar "
                "constants in its body";
  let description = [{
    `quant-lower-qnn` passes per-tensor parameters (scales, zero points,
    multipliers) to its generics as 0-d constant tensors, so that one
    generic serves per-tensor and per-channel parameters alike; constants
    are uniqued, so a whole network's generics read the same few values.
    This pass drops every input of a `linalg.generic` that the generic
    reads as a scalar (an indexing map with no results) and that is a
    splat constant of integer, index or float elements, and uses an
    `arith.constant` of its value in the body instead. Splat tensors
    indexed by the loops (a constant weight, say) stay operands, so that
    contractions keep the form the target kernels match.

    Why: One-Shot Bufferize checks each operand against every other use of
    its value, so a constant read by every layer made its analysis
    quadratic in the number of layers; and the kernels now see the
    parameters as immediates, not loads.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def ParallelWorkQueuePass
    : Pass<"quant-parallel-work-queue", "::mlir::func::FuncOp"> {
  let summary = "Run parallel loops as workers that take units from a "
                "shared counter";
  let description = [{
    Rewrites each outermost `scf.parallel` without reductions into an
    `scf.parallel` over `threads` workers. Each worker takes the next unit
    (the loop's iterations in row-major order) with one `memref.atomic_rmw
    addi` on a counter and runs it, until none is left. Static stack
    buffers (`memref.alloca`) of a unit move to its worker; a unit with
    other stack buffers runs in a `memref.alloca_scope`.

    Why: `convert-scf-to-openmp` leaves the schedule unset, which libomp
    runs as `static` (each thread a fixed half of the units: a core taken
    by another process for a while doubles the call), and libomp's
    `schedule(dynamic)` calls `__kmpc_dispatch_next` per unit, which in
    Debian's libomp formats a trace string each time (3 % of a 2-thread
    conv call). The counter hands out units as dynamically with one atomic
    add each. `quant-x86-pipeline{threads>1}` runs it before
    `convert-scf-to-openmp` with the same thread count.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"2",
           "Workers: the OpenMP thread count of the parallel region">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def VectorizeByteTransposePass
    : Pass<"quant-vectorize-byte-transpose", "::mlir::func::FuncOp"> {
  let summary = "Transpose bytes on buffers in 16 x 16 register tiles";
  let description = [{
    Runs on bufferized code. Each `linalg.transpose` of 8-bit elements
    between static identity-layout buffers that moves the innermost
    dimension (the NCHW <-> NHWC transposes around a convolution that
    `quant-conv-to-matmul` runs as a matmul) becomes loops over
    16 x 16 tiles: 16 loads of 16 contiguous bytes, a transpose in
    registers by four rounds of byte interleaves (`vector.shuffle`;
    `punpcklbw`/`punpckhbw` on x86, `zip1`/`zip2` on NEON), and 16
    contiguous stores. Where the output's rows have 64 bytes to go, four
    tiles sit side by side in the lanes of 64-byte vectors (one zmm
    register; the interleaves work lane by lane) and each output row gets
    one 64-byte store. The loops run along the output's rows outside and
    the input's rows inside, so a block of input is used up while in
    cache. Tiles at the edges use masked loads and stores.
    As scalar loops, one side of each copy is strided and LLVM assembles
    every vector a byte at a time. Transposes that keep the innermost
    dimension (contiguous copies LLVM vectorizes itself), of other element
    types or of dynamic shapes are left unchanged. `quant-x86-pipeline`
    and `quant-aarch64-pipeline` run it before `convert-linalg-to-loops`.

    With `parallel`, a transpose of at least `min-parallel-bytes` bytes
    (default 128 KiB) runs its outermost loop of more than one iteration
    (other than the two tiled dimensions) as an `scf.parallel`; smaller
    ones stay on one thread, where the fork and join would cost more than
    half their time. `quant-x86-pipeline{threads>1}` sets it.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Large transposes: outer loop as scf.parallel">,
    Option<"minParallelBytes", "min-parallel-bytes", "int64_t",
           /*default=*/"::quantc::kDefaultMinParallelTransposeBytes",
           "With parallel: smaller transposes stay on one thread">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def X86DepthwisePass : Pass<"quant-x86-depthwise", "::mlir::func::FuncOp"> {
  let summary = "Depthwise convolutions on buffers as explicit vector loops";
  let description = [{
    For `quant-x86-pipeline`, on bufferized code. `quant-lower-qnn`'s
    depthwise contraction (the `linalg.generic` it marks `quantc.depthwise`:
    loops (n, oh, ow, kh, kw, c) over an NHWC input, `[KH, KW, C]` weights
    and an `[N, OH, OW, C]` i32 accumulator) becomes loops over output rows
    (an `scf.parallel` over (n, oh) with `parallel`), pixels and 16
    channels at a time, each a `vector<16xi32>` accumulator carried in a
    register through the KH x KW taps (16 input bytes, or the zero point
    where the tap is in the padding, and 16 weight bytes, extended as the
    generic extends them, multiplied and added) and stored once; a
    channel count that is no multiple of 16 ends with masked loads and
    stores. The accumulator's zero fill goes (every element is stored).
    LLVM vectorizes the generic too, but stores the accumulator at every
    tap, and inside an OpenMP loop body not at all (the outlined
    function's buffers may alias). Other generics are left alone; no
    diagnostics.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Emit the loop over output rows as scf.parallel">,
    Option<"minParallelMultiplyAdds", "min-parallel-multiply-adds", "int64_t",
           /*default=*/"::quantc::kDefaultMinParallelMultiplyAdds",
           "With parallel: convolutions of fewer multiply-adds stay on one "
           "thread">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def X86VNNIPass : Pass<"quant-x86-vnni", "::mlir::ModuleOp"> {
  let summary = "Lower int8 contractions on buffers to AVX-512 VNNI micro-kernels";
  let description = [{
    Runs on bufferized code, after `quant-lower-qnn` and one-shot
    bufferization. It matches the raw integer contraction that
    `quant-lower-qnn` builds for `qnn.matmul` (a `linalg.generic` computing
    `acc[b.., m, n] += ext(x[b.., m, k]) * extsi(w[k, n])` with i8 operands
    and an i32 accumulator) whose weights `w` are a constant global
    (`memref.get_global`), and replaces it with a tiled kernel:

    - the weights are packed at compile time into a new constant global of
      shape `[P, K4, 64 * NV]` (`P = ceil(N / (16 * NV))` tile panels,
      `K4 = ceil(K / 4)`): panel `p` holds, for each group of four `k`, the
      `NV` x 16 x 4 bytes the tile's `vpdpbusd` read, zero padded, so a
      tile reads one contiguous stream;
    - an `MR x (16 * NV)` register tile of i32 accumulators
      (`tile-rows` x `tile-vectors` zmm; by default chosen per contraction:
      the `NV` in 4..1 that pads `N` least, the widest on a tie, and
      `MR` = 6 for 4 vectors, else 8) is updated by
      `llvm.x86.avx512.vpdpbusd.512` per group of four `k`, the activation
      group (4 bytes of a row) broadcast to all lanes;
    - signed activations are shifted to u8 (xor 0x80) once, into a copy
      the tiles read, and the constant
      `128 * colsum(w)[n]` is subtracted from each finished accumulator
      (docs/Numerics.md, "VNNI u8 shift");
    - the requantize epilogue generic that reads the accumulator is fused
      into the tile when its other operands are per output channel, per row
      or scalars: it is applied to the accumulator vectors, and the i32
      accumulator buffer disappears. Otherwise the tile adds into it.
    - when the activations are im2col patches written by
      `quant-conv-to-matmul`'s gather (a generic carrying `quantc.im2col`)
      and read by nothing else, each unit of work gathers its own row
      block of patches from the NHWC input into a `[block rows, K]`
      buffer (on the thread's stack with `parallel`), shifting s8 bytes on
      the way; the gather and the patches buffer go away.

    Rows run in blocks of 64 rounded up to `MR` (kept in cache while the
    weight panels stream past), the rows left over from `MR` as one
    narrower tile; columns past `N` are masked. With `parallel`, row blocks x column panels form an
    `scf.parallel` loop (for `convert-scf-to-openmp`). Contractions it cannot take (other
    element types, non-constant or unsigned weights, dynamic shapes,
    convolutions) are left unchanged for the scalar path.
  }];
  let options = [
    Option<"tileRows", "tile-rows", "unsigned", /*default=*/"0",
           "Rows (M) of the register tile (0: chosen per contraction)">,
    Option<"tileVectors", "tile-vectors", "unsigned", /*default=*/"0",
           "16-column zmm vectors (N) of the register tile (0: chosen per "
           "contraction)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Emit the column-panel loop as scf.parallel">,
    Option<"minParallelMultiplyAdds", "min-parallel-multiply-adds", "int64_t",
           /*default=*/"::quantc::kDefaultMinParallelMultiplyAdds",
           "With parallel: contractions of fewer multiply-adds stay on one "
           "thread">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect"];
}

def NeonContractionPass
    : Pass<"quant-neon-contraction", "::mlir::func::FuncOp"> {
  let summary = "Tile the i8 x i8 -> i32 contractions into NEON dot products";
  let description = [{
    For AArch64 (`quant-aarch64-pipeline`). Rewrites each integer
    contraction `quant-lower-qnn` emits (a `linalg.generic` with maps
    `(b..., m, k)`, `(b..., k, n)` or `(k, n)`, `(b..., m, n)` summing
    `ext(x) * ext(w)` of i8 operands into i32) into loops over 4x4 output
    tiles and 16-deep steps of K, each step one `vector.contract` in the
    transposed-B form `(m, k), (n, k) -> (m, n)`. The operands are padded
    with zeros to multiples of the tile (a zero in K adds nothing; the
    extra rows and columns are cut off), and the weights transposed to
    `[N, K]`; constant weights are packed at compile time, so the object
    holds them in that layout.

    The contractions then become NEON instructions:
    - `i8mm`: upstream's `populateLowerContractionToNeonI8MMPatterns`,
      `arm_neon.intr.smmla` (and `ummla`/`usmmla` for u8 operands), one
      per 2x2x8 sub-tile;
    - else `dotprod`: one dot product per output row, 4 columns and 4
      steps of K (the row's 4 values repeated): `arm_neon.intr.sdot` for
      s8 x s8, and for mixed signs sdot on the unsigned side shifted to s8
      (its sign bit flipped, a - 128) plus 128 times the other side's sums
      (sdots against ones, once per column group or row); u8 x u8 stays a
      `vector.contract` here and `quant-neon-udot` makes it udot after
      bufferization;
    - otherwise the `vector.contract` stays for the generic vector
      lowering.

    Other contractions (i4 storage, dynamic shapes) are left as they are.
  }];
  let options = [
    Option<"i8mm", "i8mm", "bool", /*default=*/"true",
           "Use smmla/ummla/usmmla (FEAT_I8MM)">,
    Option<"dotprod", "dotprod", "bool", /*default=*/"true",
           "Use sdot/udot (FEAT_DotProd) where i8mm is off">,
  ];
  let statistics = [
    Statistic<"numContractions", "contractions",
              "Integer contractions tiled into vector.contract">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arm_neon::ArmNeonDialect"];
}

def NeonUnsignedDotPass : Pass<"quant-neon-udot", "::mlir::func::FuncOp"> {
  let summary = "u8 x u8 dot-product contractions as udot, on buffers";
  let description = [{
    The `vector.contract` ops `(m, k), (n, k) -> (m, n)` of zero-extended
    i8 into i32 with N and K multiples of 4 (what `quant-neon-contraction`
    leaves for u8 x u8 with `dotprod` and without `i8mm`) become
    `llvm.aarch64.neon.udot.v4i32.v16i8` calls, one per output row, 4
    columns and 4 steps of K. The ArmNeon dialect has no udot op, and an
    `llvm.call_intrinsic` declares no memory effects, which upstream's
    buffer deallocation rejects: hence after bufferization.
    `quant-aarch64-pipeline{i8mm=false}` runs it after the deallocation.
    No diagnostics: other contracts stay as they are.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def InferRangesPass : Pass<"quant-infer-ranges", "::mlir::ModuleOp"> {
  let summary = "Turn calibration statistics into a range per quantized tensor";
  let description = [{
    Gives every `qnn.observe` a `range = #qnn.range<min, max, source>`: a
    forward walk over each function in program order (operands before
    users; a worklist of one pass, since the imported models have no
    control flow), with a range per SSA value where one is known:

    - `qnn.observe`: the range its input already has (below), else the
      range the calibration method computes from its `#qnn.stats` with the
      calibration runtime's functions (`computeRange`: min-max, moving
      average, percentile, entropy, MSE, exactly as `quant-run` and the
      PyTorch comparison compute them), `source = observed`;
    - the same range through layout ops (reshapes, `tosa.transpose`,
      `tensor.pad` and `tosa.pad` with 0.0, slices) and max pooling
      (quant-import's `linalg.generic`, `tosa.max_pool2d`,
      `tosa.reduce_max`): their output is quantized as their input, so the
      folded op needs no requantize (`source = propagated`);
    - `tosa.clamp` (Relu, Clip) tightens: `[max(lo, a), min(hi, b)]`,
      clipped into `[a, b]`;
    - bounded ops get fixed ranges whatever was observed: `tosa.sigmoid`
      and quant-import's Softmax [0, 1], `tosa.tanh` [-1, 1]
      (`source = fixed`); their observers need no statistics;
    - `tosa.concat`: the union of its inputs' ranges, and then every
      observer feeding the concat (through the ops above) and the concat's
      output share that union (`source = shared`), as ONNX Runtime's and
      TFLite's quantizers do, so the folded concat copies stored integers
      without requantizing; the walk is repeated until nothing widens;
    - everything else (contractions, residual `tosa.add`, average pools)
      starts a new observed range: a residual add is requantized
      (`qnn.add` takes each operand's own scale, as ONNX Runtime's
      QLinearAdd).

    `method` (default: each observer's recipe method) is `minmax`,
    `avg-minmax`, `percentile`, `entropy` or `mse`; `percentile` (default:
    the recipe's, else 99.99) the upper percentile. Entropy and MSE search
    over `2^bits` levels of the recipe's storage type.

    Errors: an observer with neither statistics nor a range from its
    producer ("run quant-run --calibrate first"), a method that needs what
    the statistics do not hold (a histogram, moving averages), a tensor
    that saw no finite value, per-channel statistics (not yet), an unknown
    method.
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"\"",
           "minmax, avg-minmax, percentile, entropy or mse (default: each "
           "observer's recipe method)">,
    Option<"percentile", "percentile", "double", /*default=*/"0.0",
           "the percentile method's upper percentile in (50, 100] "
           "(default: the recipe's, else 99.99)">,
  ];
  let dependentDialects = ["::quantc::qnn::QNNDialect"];
}


def InsertQDQPass : Pass<"quant-insert-qdq", "::mlir::ModuleOp"> {
  let summary = "Replace ranged observers with quantize/dequantize pairs and quantize the weights";
  let description = [{
    The last step of post-training quantization: the calibrated float model
    becomes a QDQ model that `quant-fold-qdq` folds into integer ops.

    - Each `qnn.observe` with a `#qnn.range` (from `quant-infer-ranges`)
      becomes `quant.qcast` to `!quant.uniform` + `quant.dcast` back, with
      the scale and zero point `numerics::chooseQuantParams` gives for the
      range and the observer's recipe (storage type, scheme, narrow range;
      ONNX Runtime's `compute_scale_zp` convention, the range widened to
      include 0). The `qcast` keeps the observer's name, statistics and
      range as `quantc.observer`, `quantc.stats`, `quantc.range`.
    - The float weights of every contraction (the constant behind
      `linalg`/`tosa` matmuls and convolutions, seen through reshapes and
      transposes) are quantized here: per output channel, symmetric, signed
      8-bit (`[-128, 127]`, scale `max|w| / 127.5`, zero point 0, ONNX
      Runtime's and PyTorch's per-channel weight observer, round half to
      even), written as an i8 constant + `quant.scast` + `quant.dcast` (an
      int8 initializer behind a DequantizeLinear). `quant-fold-qdq`
      quantizes the float bias at `s_x * s_w`.

    `recipe` (default `int8`; docs/Recipes.md) decides each contraction's
    weights: `int8`, `int8-symmetric`, `int16` per-channel s8 as above;
    `int4-weight-only` s4 symmetric in groups of 32 along K for MatMul/Gemm
    (upstream's sub-channel `!quant.uniform`, as a blocked
    DequantizeLinear), convolutions float; a `.json` recipe file any bits
    (2-16), signedness, scheme and granularity per layer, or none for an
    excluded layer. The weight's `quant.scast` and each activation's
    `quant.qcast` carry their `#qnn.recipe` as `quantc.recipe` (so the
    manifest records each decision). The activations' recipes are the
    observers' (give quant-insert-observers the same recipe).
    `warn-unmatched` (default true): warn about a recipe file's override
    that matches no layer.

    `weights`: `int8` (default: the recipe's weights), `none` (weights stay
    float). `convention`: `onnxruntime` (default; float64 arithmetic, scale
    rounded to float32 last) or `pytorch` (torch.ao observers'
    `_calculate_qparams`: float32 arithmetic, scale at least FLT_EPSILON),
    for activations and weights (docs/Numerics.md). Errors: an observer
    without a range, a per-channel or per-group activation recipe (not
    yet), an unknown option value, a recipe file's errors (docs/Recipes.md),
    per-group weights on a convolution, a group size not dividing K.
  }];
  let options = [
    Option<"convention", "convention", "std::string",
           /*default=*/"\"onnxruntime\"",
           "scale/zero-point convention: onnxruntime or pytorch">,
    Option<"weights", "weights", "std::string", /*default=*/"\"int8\"",
           "how weights are quantized: int8 (as the recipe says) or "
           "none">,
    Option<"recipe", "recipe", "std::string", /*default=*/"\"int8\"",
           "int8, int8-symmetric, int16, int4-weight-only, a .json recipe "
           "file or a #qnn.recipe<...> attribute">,
    Option<"warnUnmatched", "warn-unmatched", "bool", /*default=*/"true",
           "warn about recipe-file overrides that match no layer">,
  ];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::quantc::qnn::QNNDialect"];
}

#endif // QUANTC_TRANSFORMS_PASSES_TD
