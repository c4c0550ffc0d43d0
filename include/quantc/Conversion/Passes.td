//===- Passes.td - QuantC conversions ----------------------*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_TD
#define QUANTC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// QNNToLinalg
//===----------------------------------------------------------------------===//

def LowerQNNPass : Pass<"quant-lower-qnn", "::mlir::ModuleOp"> {
  let summary = "Lower qnn ops and quant casts to linalg on plain integers";
  let description = [{
    Replaces every `!quant.uniform` value by its storage integer tensor and
    every op on them by integer (or, for casts from and to float, float)
    `linalg.generic` code. Every requantizing epilogue (`qnn.matmul`,
    `qnn.conv2d`, `qnn.requantize`) computes the formula of one mode of
    docs/Numerics.md, chosen by `requant-mode` or, without it, by the
    module's `qnn.requant_mode` attribute (`fp32` if neither is given). The
    two must agree. The mode used is recorded on the lowered module:

    ```mlir
    // quant-opt --quant-lower-qnn=requant-mode=fixedpoint
    module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
    ```

    - `fp32`: `clamp(round_half_to_even(float(acc) * m) + zp_out)`;
    - `fixedpoint`: Q31 multiplier and shift in i32/i64 arithmetic only
      (TFLite's MultiplyByQuantizedMultiplier), `+ zp_out`, clamp;
    - `tosa-double-round` / `tosa-single-round`: TOSA `apply_scale_32` in
      i64, `+ zp_out`, clamp.

    - `qnn.matmul`: an i8 x i8 -> i32 contraction of the raw stored values,
      then the zero-point terms (`- zp_rhs[n] * rowsum(lhs)`,
      `- zp_lhs * colsum(rhs)`, `+ K * zp_lhs * zp_rhs[n]`; the column sums
      and the constant terms are folded with the bias into one i32 vector at
      compile time when the weights are constant), then the requantize
      epilogue of the mode with the merged scale
      `m[n] = s_lhs * s_rhs[n] / s_out`.
    - `qnn.conv2d`: the same construction over the convolution window, in
      the grouped layout for every `groups`: the input padded with its zero
      point and expanded to NGCHW, the weights to GFCHW, an i8 x i8 -> i32
      contraction of the stored values, the terms `- zp_w[f] *
      windowsum(input)`, `- zp_in * sum(weights[f])`, `+ K * zp_in *
      zp_w[f]` and the bias, the same requantize epilogue, and the result
      collapsed back to NCHW.
    - `quant.qcast`: `clamp(round_half_to_even(x / s) + zp)`, NaN to the
      zero point; `quant.dcast`: `float(q - zp) * s`; `quant.scast`: nothing.
      Upstream `-lower-quant-ops` truncates instead of rounding, so it is not
      used (docs/Building.md).
    - `qnn.requantize`: in `fp32` mode dequantize then quantize in float32,
      the QDQ float semantics of a dq -> q pair; in the other modes the
      mode's epilogue on `q - zp_in` with `m = s_in / s_out`.
    - `qnn.observe`: the identity; with `calibrate`, also a call of the host
      function `quantc_calibration_jit_observe(i64 id, memref<*xf32>)` with
      the tensor's buffer and the op's `quantc.observer_id` (set by
      `quant-run --calibrate`, which registers that function with the JIT):

      ```mlir
      %y = qnn.observe %x {name = "conv1.out", quantc.observer_id = 0 : i64,
                           recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>}
          : tensor<1x4xf32>
      // quant-opt --quant-lower-qnn=calibrate
      %m = bufferization.to_buffer %x read_only
          : tensor<1x4xf32> to memref<1x4xf32, strided<[?, ?], offset: ?>>
      %u = memref.cast %m : memref<1x4xf32, strided<[?, ?], offset: ?>> to memref<*xf32>
      %id = arith.constant 0 : i64
      call @quantc_calibration_jit_observe(%id, %u) : (i64, memref<*xf32>) -> ()
      ```

    Function signatures with quantized types become their storage types.
    An op of any other dialect on quantized types is an error naming it.
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string", /*default=*/"\"\"",
           "Requantization numerics: fp32, fixedpoint, tosa-double-round or "
           "tosa-single-round (default: the module's qnn.requant_mode, else "
           "fp32)">,
    Option<"calibrate", "calibrate", "bool", /*default=*/"false",
           "Lower each qnn.observe to a call of the calibration host "
           "function with its tensor and quantc.observer_id">,
  ];
  let dependentDialects = [
    "::quantc::qnn::QNNDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect"
  ];
}

def ConvToMatmulPass : Pass<"quant-conv-to-matmul"> {
  let summary = "qnn.conv2d as im2col patches times a [K, F] qnn.matmul";
  let description = [{
    Rewrites each `qnn.conv2d` with static shapes and constant weights (a
    `quant.scast` of an integer constant) into the `qnn.matmul` the
    targets' matmul kernels run (quant-x86-vnni, quant-neon-contraction,
    quant-gpu-dp4a), before `quant-lower-qnn`:

    - the input, as its storage integers (`quant.scast`), NCHW transposed
      to NHWC;
    - its im2col patches `[N, OH * OW, K]`, `K = C * KH * KW` in (kh, kw,
      c) order (each tap C contiguous bytes): one copying `linalg.generic`
      over the windows (strides, dilations; a tap in the padding reads the
      input zero point, so no padded copy is made), or for a 1x1 stride-1
      conv without padding a `tensor.collapse_shape` of the input, no copy;
    - the weights reordered at compile time to a `[K, F]` constant, per-axis
      parameters moved to axis 1;
    - `qnn.matmul` with the conv's bias and `zero_point_corrections` (the
      same K and weight sums, so the same values), hence the matmul's
      folded constant terms and fused requantize epilogue;
    - the `[N, OH * OW, F]` result reshaped to NHWC in place, or transposed
      to NCHW (`linalg.transpose` of the 8-bit result).

    A grouped convolution with at least 2 input channels per group and
    symmetric weights, or 4 with weight zero points (and a per-tensor
    output), becomes such matmuls over consecutive groups: with
    symmetric weights as many groups as fit 16 columns merge into one
    matmul of block-diagonal weights, else one per group; each on
    `tensor.extract_slice`s of the input channels, bias and corrections
    and its own `[K, F']` constant (per-axis scales sliced with it), the
    results `tensor.insert_slice`d into the output channels. Groups of
    one channel (depthwise: quant-lower-qnn's depthwise form), of 2 or 3
    with weight zero points, runtime weights and dynamic shapes are left
    unchanged (quant-lower-qnn's conv contractions run them). The arithmetic is the conv's exactly: every product and
    correction term is the same integer, so the result is bit-identical to
    the generic lowering.

    ```mlir
    // quant-opt --quant-conv-to-matmul (NHWC, 3x3, pad 1)
    %s = quant.scast %x : tensor<1x8x8x16x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x8x8x16xi8>
    %g = linalg.generic ... outs(... : tensor<1x8x8x3x3x16xi8>) {
      ... tensor.extract %s[...] ... arith.select %inside, %v, %c3_i8 ...
    }
    %c = tensor.collapse_shape %g [[0], [1, 2], [3, 4, 5]] : ... into tensor<1x64x144xi8>
    %y = qnn.matmul %lhs, %w bias %b : (tensor<1x64x144x!quant...>, tensor<144x32x!quant...>, ...) -> tensor<1x64x32x!quant...>
    ```
  }];
  let dependentDialects = [
    "::quantc::qnn::QNNDialect", "::mlir::quant::QuantDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DropRequantModePass : Pass<"quant-drop-requant-mode", "::mlir::ModuleOp"> {
  let summary = "Remove the module's qnn.requant_mode once lowered";
  let description = [{
    The `qnn.requant_mode` attribute records the numerics `quant-lower-qnn`
    built; once the module is in the LLVM dialect nothing reads it, and tools
    without the qnn dialect (mlir-runner) cannot parse it. The last step of
    `quant-cpu-pipeline`.
  }];
}

def QNNToTosaPass : Pass<"quant-convert-qnn-to-tosa", "::mlir::ModuleOp"> {
  let summary = "Export qnn ops to TOSA's integer form";
  let description = [{
    Rewrites qnn ops into TOSA's integer ops, so that other TOSA backends
    can consume QuantC's output:

    - `qnn.matmul`: `tosa.matmul` on int8 (uint8 operands are first moved
      to int8 by an exact `tosa.rescale`, zero point - 128) with the zero
      points as its `a_zp`/`b_zp`, the int32 bias added with `tosa.add`,
      and a `tosa.rescale` to the result (per channel where the weights
      are), reshaped from TOSA's rank-3 form;
    - `qnn.conv2d`: `tosa.conv2d`, or `tosa.depthwise_conv2d` when each
      group is one input channel, on NHWC transposes of the NCHW values
      (weights FCHW to OHWI, or to `[KH, KW, C, M]`), padding reordered to
      TOSA's `[top, bottom, left, right]` and trimmed of rows past the last
      window (TOSA wants the window arithmetic exact), then the rescale;
    - `qnn.requantize`: one `tosa.rescale`.

    Values cross the boundary through `quant.scast` to and from their
    storage types. TOSA's rescale is the `tosa-double-round` or
    `tosa-single-round` requantize mode: the pass uses the module's
    `qnn.requant_mode` when it names one of them, else `rounding`, and
    records the mode it used; a module recorded as `fp32` or `fixedpoint`
    is an error (the export would change its numerics). So the exported
    module computes, bit for bit, what `quant-lower-qnn` computes in that
    mode.

    Errors name what TOSA cannot express: grouped convolutions other than
    depthwise, operands other than 8-bit,
    per-channel weight zero points other than 0, per-axis requantization
    along an axis other than the last, varying per-channel zero points,
    multipliers outside TOSA's shift range, dynamic shapes.
  }];
  let options = [
    Option<"rounding", "rounding", "std::string",
           /*default=*/"\"double-round\"",
           "TOSA rescale rounding when the module records no tosa mode: "
           "double-round or single-round">,
  ];
  let dependentDialects = [
    "::quantc::qnn::QNNDialect", "::mlir::quant::QuantDialect",
    "::mlir::tosa::TosaDialect"
  ];
}

def LowerSCFToCFPass : Pass<"quant-lower-scf-to-cf", "::mlir::ModuleOp"> {
  let summary = "SCF to ControlFlow in time and memory linear in the "
                "number of loops";
  let description = [{
    Applies upstream's SCF-to-ControlFlow rewrite patterns
    (`populateSCFToControlFlowConversionPatterns`) with a plain rewriter,
    visiting the structured ops in reverse post-order: a parent before the
    ops nested in it, and the last of a block's ops first.

    Upstream's `convert-scf-to-cf` applies the same patterns through the
    dialect-conversion driver. Each lowering splits its block at the op,
    and that driver logs every op the split moves so that it could roll
    the rewrite back: with a whole network in one function, quadratic time
    and memory in the number of loops (measured: 2.6 GB at 1,000 quantized
    layers, 4x per doubling; bench/run.py's compile-time table). Lowering
    the last op of a block first leaves only a few ops after each split
    point, so every split is short, and nothing is logged.

    The result is the same IR as upstream's pass. An SCF op that no
    pattern lowers is an error naming it.
  }];
  let dependentDialects = ["::mlir::cf::ControlFlowDialect"];
}

#endif // QUANTC_CONVERSION_PASSES_TD
