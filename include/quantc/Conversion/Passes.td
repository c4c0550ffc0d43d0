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
    - `qnn.observe`: the identity.

    Function signatures with quantized types become their storage types.
    An op of any other dialect on quantized types is an error naming it.
  }];
  let options = [
    Option<"requantMode", "requant-mode", "std::string", /*default=*/"\"\"",
           "Requantization numerics: fp32, fixedpoint, tosa-double-round or "
           "tosa-single-round (default: the module's qnn.requant_mode, else "
           "fp32)">,
  ];
  let dependentDialects = [
    "::quantc::qnn::QNNDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect"
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

#endif // QUANTC_CONVERSION_PASSES_TD
