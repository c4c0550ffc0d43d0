//===- QNNOps.td - qnn operations --------------------------*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNOPS_TD

include "quantc/Dialect/QNN/IR/QNNAttrs.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, traits>;

def QNN_FloatTensor : RankedTensorOf<[AnyFloat]>;

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

def QNN_ObserveOp : QNN_Op<"observe", [Pure, SameOperandsAndResultType]> {
  let summary = "Calibration point on a float tensor";
  let description = [{
    Marks a float tensor as one the recipe will quantize. On values it is the
    identity. It carries the tensor's name (stable across runs, used by
    calibration files and manifests), its recipe, and, once calibration has
    run, the observed statistics (`stats`; per channel of the recipe's
    axis, `channel_stats`, one `#qnn.stats` per channel), and once
    `quant-infer-ranges` has run, the range it is to be quantized to.

    ```mlir
    %y = qnn.observe %x {name = "fc1.input",
                         recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>,
                         stats = #qnn.stats<count = 8, min = -1.0, max = 3.0>}
        : tensor<2x4xf32>
    ```
  }];
  let arguments = (ins QNN_FloatTensor:$input, StrAttr:$name,
                       QNN_RecipeAttr:$recipe,
                       OptionalAttr<QNN_StatsAttr>:$stats,
                       OptionalAttr<TypedArrayAttrBase<QNN_StatsAttr,
                           "per-channel statistics">>:$channel_stats,
                       OptionalAttr<QNN_RangeAttr>:$range);
  let results = (outs QNN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

def QNN_RequantizeOp : QNN_Op<"requantize", [Pure]> {
  let summary = "Change the quantization parameters of a tensor";
  let description = [{
    Re-expresses a quantized tensor in the result type's parameters:
    `result = quantize(dequantize(input))` with the numerics of the pipeline's
    requantization mode. Shapes and expressed types match; per-axis operands
    keep their axis.

    ```mlir
    %r = qnn.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
                          -> tensor<4x!quant.uniform<u8:f32, 0.25:128>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

def QNN_MatmulOp : QNN_Op<"matmul", [Pure]> {
  let summary = "Quantized matrix multiply / fully connected layer";
  let description = [{
    `result = requant(sum_k (lhs[.., m, k] - zp_lhs) * (rhs[.., k, n] - zp_rhs[n])
    + bias[n])`, with the output quantization taken from the result type.

    - `lhs`: `[B..., M, K]`, per-tensor `!quant.uniform`.
    - `rhs`: `[K, N]` (shared across the batch) or `[B..., K, N]`,
      per-tensor or per-axis on `N` (the last dimension); or `[K, N]`
      per group: upstream's sub-channel `!quant.uniform` with blocks of
      `B` along `K` (`{0:B}`, scales `[K / B, N]` or `[K / B, 1]`, blocks
      along `N` allowed too), ONNX's blocked `DequantizeLinear`. Each group
      of `B` products is an exact i32 dot product, scaled by
      `s_lhs * s_rhs[g, n]` in f32 and summed over the groups in f32
      before the output quantize (fp32 requant mode only, no bias;
      docs/Numerics.md, "Per-group weights").
    - `bias` (optional): `[N]`, 32-bit signed storage, zero point 0, scale
      `s_lhs * s_rhs` (per axis 0 where the weights are per channel).
    - `result`: `[B..., M, N]`, per-tensor `!quant.uniform`.

    All operands share one expressed type. The verifier proves that the i32
    accumulator cannot overflow: `K * max|lhs - zp| * max|rhs - zp|` must
    fit in i32, which needs a static `K`; where it does not and `rhs` is a
    constant shared by the batch, `max_n sum_k |rhs[k, n] - zp[n]| *
    max|lhs - zp|` must (what the weights can actually reach).

    Where neither bound holds, the sum is split: `accumulator_chunk`
    (optional, set by `quant-fuse-requant`, else chosen by the lowering)
    is a number of products whose i32 partial sum provably fits by the
    storage ranges; the lowering sums the chunks of `K` in i64 and
    requantizes from i64. The verifier rejects a chunk that can overflow
    and a `K` whose i64 sum can, and without a chunk it rejects only a
    contraction where even one product exceeds i32.

    `zero_point_corrections` (optional, set by `quant-fuse-requant`): the
    terms of the sum that do not depend on `lhs`, one per output channel,
    `K * zp_lhs * zp_rhs[n] - zp_lhs * sum_k rhs[k, n]`, so that the
    lowered inner loop is the raw `sum_k lhs * rhs`. Only with a constant
    `rhs` shared by the batch (rank 2, or batch dimensions of size 1); the
    verifier recomputes it from the constant.

    ```mlir
    %y = qnn.matmul %x, %w bias %b
        : (tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>,
           tensor<4x3x!quant.uniform<i8:f32:1, {0.25, 0.125, 0.5}>>,
           tensor<3x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25}>>)
        -> tensor<2x3x!quant.uniform<i8:f32, 1.0:5>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       Optional<AnyRankedTensor>:$bias,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_point_corrections,
                       OptionalAttr<I64Attr>:$accumulator_chunk);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    // Without zero_point_corrections or accumulator_chunk, as every
    // rewrite but quant-fuse-requant builds it.
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$lhs,
                   "::mlir::Value":$rhs, "::mlir::Value":$bias), [{
      build($_builder, $_state, result, lhs, rhs, bias,
            /*zero_point_corrections=*/nullptr, /*accumulator_chunk=*/nullptr);
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The checks of the verifier on bare types, so that a rewrite can ask
    /// whether an op would be valid before building it. `bias` may be null.
    /// `weightAbsCentredSums`: for constant weights, sum_k |w - zw[n]| per
    /// output channel, which bounds the accumulator more tightly than the
    /// storage ranges (empty: the storage-range bound).
    static ::llvm::LogicalResult verifyTypes(
        ::mlir::Type lhs, ::mlir::Type rhs, ::mlir::Type bias,
        ::mlir::Type result,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
        ::llvm::ArrayRef<int64_t> weightAbsCentredSums = {},
        ::std::optional<int64_t> accumulatorChunk = ::std::nullopt);

    /// Whether every output reads the same [K, N] weights: `rhs` has rank
    /// 2, or only batch dimensions of size 1.
    bool hasSharedRhs();

    /// The K chunk the lowering sums in i32 (the chunks in i64):
    /// `accumulator_chunk` if set, else 0 where an i32 bound proves the
    /// whole sum (storage ranges or constant weights), else the largest
    /// chunk the storage ranges prove (maxProductsPerI32Chunk).
    int64_t getRequiredAccumulatorChunk();
  }];
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

def QNN_Conv2DOp : QNN_Op<"conv2d", [Pure]> {
  let summary = "Quantized 2-D convolution (NCHW), grouped and depthwise";
  let description = [{
    `result[n, f, oh, ow] = requant(sum_{c, kh, kw} (xp[n, g * C/G + c,
    oh * sh + kh * dh, ow * sw + kw * dw] - zp_in) * (weight[f, c, kh, kw] -
    zp_w[f]) + bias[f])`, with `g = f / (F/G)`, `xp` the input padded with
    *its zero point* (so that padding contributes exactly 0, as a float conv
    padded with 0.0 does), and the output quantization taken from the result
    type. ONNX `QLinearConv` semantics.

    - `input`: `[N, C, H, W]`, per-tensor `!quant.uniform`; `C` static
      (`N`, `H`, `W` may be dynamic; a dynamic `H` or `W` gives a dynamic
      `OH` or `OW`, computed when lowered).
    - `weight`: `[F, C/G, KH, KW]`, static, per-tensor or per-axis on axis 0
      (the output channel).
    - `bias` (optional): `[F]`, 32-bit signed storage, zero point 0, scale
      `s_in * s_w` (per axis 0 where the weights are per channel).
    - `result`: `[N, F, OH, OW]`, per-tensor `!quant.uniform`, with
      `OH = (H + pad_top + pad_bottom - ((KH - 1) * dh + 1)) / sh + 1` (floor)
      and likewise `OW`.
    - `strides = [sh, sw]`, `dilations = [dh, dw]` (all > 0),
      `padding = [pad_top, pad_left, pad_bottom, pad_right]` (ONNX `pads`
      order, all >= 0), `groups = G` > 0 dividing `C` and `F`. Depthwise is
      `G = C`.

    All operands share one expressed type. The verifier proves that the i32
    accumulator cannot overflow: the `C/G * KH * KW` products of centred
    values must fit in i32, from the storage ranges or, for a constant
    `weight`, from `max_f sum |weight[f] - zp[f]| * max|input - zp|`.

    `zero_point_corrections` (optional, set by `quant-fuse-requant`): one
    per filter `f`, `K * zp_in * zp_w[f] - zp_in * sum weight[f]` with
    `K = C/G * KH * KW`; only with a constant `weight`, which the verifier
    recomputes it from.

    `data_layout = "NHWC"` (default `"NCHW"`, as above) takes the channels
    last, as TOSA and TFLite do: `input` `[N, H, W, C]`, `weight`
    `[F, KH, KW, C/G]` (OHWI, also for depthwise: `[C * M, KH, KW, 1]`),
    `result` `[N, OH, OW, F]`; per-axis weights and the bias stay on the
    output channel (weight axis 0). Same arithmetic, other positions.

    ```mlir
    %y = qnn.conv2d %x, %w bias %b strides [2, 2] dilations [1, 1]
             padding [1, 1, 1, 1] groups 1
        : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:128>>,
           tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0,
                  {0.25, 0.125, 0.5, 0.25}>>,
           tensor<4x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.25, 0.125}>>)
        -> tensor<1x4x4x4x!quant.uniform<u8:f32, 1.0:120>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, I64Attr:$groups,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_point_corrections,
                       DefaultValuedStrAttr<StrAttr, "NCHW">:$data_layout);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? `strides` $strides
    `dilations` $dilations `padding` $padding `groups` $groups attr-dict
    `:` functional-type(operands, results)
  }];
  let builders = [
    // Without zero_point_corrections, as every rewrite but
    // quant-fuse-requant builds it.
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$input,
                   "::mlir::Value":$weight, "::mlir::Value":$bias,
                   "::llvm::ArrayRef<int64_t>":$strides,
                   "::llvm::ArrayRef<int64_t>":$dilations,
                   "::llvm::ArrayRef<int64_t>":$padding, "int64_t":$groups,
                   CArg<"::llvm::StringRef", "\"NCHW\"">:$dataLayout), [{
      build($_builder, $_state, result, input, weight, bias, strides,
            dilations, padding, groups, /*zero_point_corrections=*/nullptr,
            dataLayout);
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The checks of the verifier on bare types and attribute values, so that
    /// a rewrite can ask whether an op would be valid before building it.
    /// `bias` may be null.
    static ::llvm::LogicalResult verifyTypes(
        ::mlir::Type input, ::mlir::Type weight, ::mlir::Type bias,
        ::mlir::Type result, ::llvm::ArrayRef<int64_t> strides,
        ::llvm::ArrayRef<int64_t> dilations, ::llvm::ArrayRef<int64_t> padding,
        int64_t groups,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
        ::llvm::ArrayRef<int64_t> weightAbsCentredSums = {});
    /// The same for a `dataLayout` ("NCHW" or "NHWC").
    static ::llvm::LogicalResult verifyTypes(
        ::mlir::Type input, ::mlir::Type weight, ::mlir::Type bias,
        ::mlir::Type result, ::llvm::ArrayRef<int64_t> strides,
        ::llvm::ArrayRef<int64_t> dilations, ::llvm::ArrayRef<int64_t> padding,
        int64_t groups, ::llvm::StringRef dataLayout,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
        ::llvm::ArrayRef<int64_t> weightAbsCentredSums = {});
    /// Whether the channels are last (input NHWC, weights OHWI).
    bool isChannelsLast() { return getDataLayout() == "NHWC"; }
  }];
}

//===----------------------------------------------------------------------===//
// AvgPool2DOp
//===----------------------------------------------------------------------===//

def QNN_AvgPool2DOp : QNN_Op<"avg_pool2d", [Pure]> {
  let summary = "Quantized 2-D average pool (NCHW), global average pool";
  let description = [{
    `result[n, c, oh, ow] = clamp(round_half_to_even(float32(acc) * M[count])
    + zp_out)` with `acc = sum_{kh, kw} (xp[n, c, oh * sh + kh, ow * sw + kw]
    - zp_in)` summed exactly in i32, `xp` the input padded with its zero point
    (padded taps contribute 0), `count` the number of taps of the window
    inside the input (or all `KH * KW` taps with `count_include_pad`), and
    `M[count] = float32(s_in / float32(s_out * count))`: ONNX Runtime's
    QLinearGlobalAveragePool requantization, applied to every window. A
    global average pool is `kernel = [H, W]`, no padding.

    - `input`: `[N, C, H, W]`, per-tensor `!quant.uniform`; `C`, `H`, `W`
      static (`N` may be dynamic).
    - `result`: `[N, C, OH, OW]`, per-tensor `!quant.uniform` of the same
      expressed type, `OH = (H + pad_top + pad_bottom - KH) / sh + 1`
      (floor), likewise `OW`.
    - `kernel = [KH, KW]`, `strides = [sh, sw]` (all > 0), `padding =
      [pad_top, pad_left, pad_bottom, pad_right]` (ONNX `pads` order, each
      >= 0 and smaller than the kernel along its dimension, so that every
      window holds at least one input element).

    The verifier proves that the i32 sum cannot overflow.

    ```mlir
    %y = qnn.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1]
        : tensor<1x8x16x16x!quant.uniform<u8:f32, 0.5:128>>
       -> tensor<1x8x8x8x!quant.uniform<u8:f32, 0.25:120>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       UnitAttr:$count_include_pad);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `kernel` $kernel `strides` $strides `padding` $padding
    (`count_include_pad` $count_include_pad^)? attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The checks of the verifier on bare types and attribute values, so that
    /// a rewrite can ask whether an op would be valid before building it.
    static ::llvm::LogicalResult verifyTypes(
        ::mlir::Type input, ::mlir::Type result,
        ::llvm::ArrayRef<int64_t> kernel, ::llvm::ArrayRef<int64_t> strides,
        ::llvm::ArrayRef<int64_t> padding,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);

    /// The number of taps each output position averages, row-major over
    /// [OH, OW], for an input of spatial sizes [H, W]: those inside the
    /// input, or all of them with `includePad`. Arguments as verified.
    static ::llvm::SmallVector<int64_t> computeWindowCounts(
        ::llvm::ArrayRef<int64_t> inputSpatial,
        ::llvm::ArrayRef<int64_t> kernel, ::llvm::ArrayRef<int64_t> strides,
        ::llvm::ArrayRef<int64_t> padding, bool includePad);
  }];
}


//===----------------------------------------------------------------------===//
// Elementwise binary ops: AddOp, SubOp, MulOp
//===----------------------------------------------------------------------===//

class QNN_ElementwiseBinaryOp<string mnemonic, string formula,
                              string reference, string example>
    : QNN_Op<mnemonic, [Pure]> {
  let description = !strconcat([{
    `}], formula, [{`, elementwise with NumPy broadcasting; each operand and
    the result carry their own quantization. }], reference, [{

    - `lhs`, `rhs`, `result`: tensors of per-tensor `!quant.uniform` with one
      expressed type; scales, zero points and storage types may all differ.
    - Broadcasting: an operand may have a lower rank than the result and is
      aligned to its trailing dimensions; each aligned dimension is 1
      (broadcast) or the result's, and the result has the broadcast shape.
      A dynamic operand dimension is never broadcast: the result dimension
      must be dynamic too, and takes the operand's size.

    ```mlir
    }], example, [{

    ```
  }]);
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The checks of the verifier on bare types, so that a rewrite can ask
    /// whether an op would be valid before building it.
    static ::llvm::LogicalResult verifyTypes(
        ::mlir::Type lhs, ::mlir::Type rhs, ::mlir::Type result,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);
  }];
}

def QNN_AddOp : QNN_ElementwiseBinaryOp<"add",
    "result = requant(dequant(lhs) + dequant(rhs))",
    "ONNX `QLinearAdd` (com.microsoft) semantics.",
    [{%y = qnn.add %a, %b
        : (tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>,
           tensor<4x!quant.uniform<u8:f32, 0.25:120>>)
        -> tensor<2x4x!quant.uniform<u8:f32, 1.0:127>>}]> {
  let summary = "Quantized elementwise addition";
}

def QNN_SubOp : QNN_ElementwiseBinaryOp<"sub",
    "result = requant(dequant(lhs) - dequant(rhs))",
    "The counterpart of `qnn.add` with the second operand negated.",
    [{%y = qnn.sub %a, %b
        : (tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>,
           tensor<2x4x!quant.uniform<i8:f32, 0.25:0>>)
        -> tensor<2x4x!quant.uniform<i8:f32, 1.0:2>>}]> {
  let summary = "Quantized elementwise subtraction";
}

def QNN_MulOp : QNN_ElementwiseBinaryOp<"mul",
    "result = requant(dequant(lhs) * dequant(rhs))",
    "ONNX `QLinearMul` (com.microsoft) semantics.",
    [{%y = qnn.mul %a, %b
        : (tensor<1x3x4x4x!quant.uniform<u8:f32, 0.5:128>>,
           tensor<1x3x1x1x!quant.uniform<u8:f32, 0.25:120>>)
        -> tensor<1x3x4x4x!quant.uniform<u8:f32, 1.0:127>>}]> {
  let summary = "Quantized elementwise multiplication";
}

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

def QNN_ClampOp : QNN_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "Clamp a quantized tensor to a range of stored values";
  let description = [{
    `result = min(max(input, min), max)` on the stored integers, `min` and
    `max` in storage units. It is what a ReLU, ReLU6 or Clip becomes on a
    quantized tensor: quantization is monotonic, so clamping the real value
    to `[lo, hi]` and quantizing equals quantizing and clamping to
    `[q(lo), q(hi)]`, exactly. `quant-fuse-requant` folds it into the output
    range of the qnn op that produces its input.

    - `input`, `result`: one tensor type of per-tensor `!quant.uniform`.
    - `min <= max`, both within the storage range of the type.

    ```mlir
    // ReLU at scale 0.05, zero point 128: [q(0), q(inf)] = [128, 255].
    %r = qnn.clamp %x min 128 max 255 : tensor<1x8x!quant.uniform<u8:f32, 0.05:128>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$min, I64Attr:$max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `min` $min `max` $max attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// LookupOp
//===----------------------------------------------------------------------===//

def QNN_LookupOp : QNN_Op<"lookup", [Pure]> {
  let summary = "Quantized unary op as a table of its stored values";
  let description = [{
    `result = table[input - offset]` on the stored integers: a unary function
    of a quantized tensor with at most 256 stored values, tabulated at
    compile time (`quant-fold-qdq` builds it for a LeakyRelu by evaluating
    the float QDQ semantics, `quantize(f(dequantize(v)))`, at every stored
    value `v`, so the table reproduces them exactly).

    - `input`: per-tensor `!quant.uniform` with at most 8-bit storage `w`.
    - `table`: 1-D, one integer per value of the storage integer type
      (`2^w`, from `offset` = `-2^(w-1)` signed or 0 unsigned, whatever
      narrower range the type declares), each within the result's storage
      range.
    - `result`: per-tensor `!quant.uniform` of the input's shape and
      expressed type.

    ```mlir
    %y = qnn.lookup %x table dense<[...]> : tensor<256xi64>
        : (tensor<8x!quant.uniform<u8:f32, 0.05:128>>)
        -> tensor<8x!quant.uniform<u8:f32, 0.04:100>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64ElementsAttr:$table);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `table` $table attr-dict `:` functional-type($input, $result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The stored input value of table entry 0 and the number of entries:
    /// the whole storage integer type (signed: -2^(w-1), unsigned: 0; 2^w
    /// entries), not the type's possibly narrowed range, so that narrowing
    /// the input's range (quant-fuse-requant) keeps the table valid.
    static int64_t tableOffset(::mlir::quant::QuantizedType input);
    static int64_t tableSize(::mlir::quant::QuantizedType input);
  }];
}

//===----------------------------------------------------------------------===//
// LeakyReluOp
//===----------------------------------------------------------------------===//

def QNN_LeakyReluOp : QNN_Op<"leaky_relu", [Pure]> {
  let summary = "Quantized LeakyRelu that also requantizes";
  let description = [{
    `y = x >= 0 ? x : alpha * x` on the real values, from the input's
    quantization to the result's: what `quant-fold-qdq` makes of a QDQ
    LeakyRelu on inputs too wide for a `qnn.lookup` table. In the fp32
    requantize mode it is the float32 QDQ computation,
    `quantize(f(dequantize(q)))`; in `fixedpoint` TFLite's integer
    LeakyRelu (two multipliers, `s_in / s_out` and `alpha * s_in / s_out`,
    chosen by the sign of `q - zp_in`). docs/Numerics.md has the formulas.

    - `input`, `result`: per-tensor `!quant.uniform` with f32 expressed
      type and at most 16-bit storage, one shape.
    - `alpha`: a finite f32.

    ```mlir
    %y = qnn.leaky_relu %x alpha 1.000000e-01 : (tensor<8x!quant.uniform<i16:f32, 0.001>>)
        -> tensor<8x!quant.uniform<i8:f32, 0.05:-10>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, F32Attr:$alpha);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `alpha` $alpha attr-dict `:` functional-type($input, $result)
  }];
  let hasVerifier = 1;
}

#endif // QUANTC_DIALECT_QNN_IR_QNNOPS_TD
