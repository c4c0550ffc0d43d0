#!/usr/bin/env python3
# ===- wide_activations.py - 16-bit Relu/Clip/LeakyRelu, exhaustive ------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Activations that requantize from int16, on all 65536 stored inputs.

  wide_activations.py qdq -o qdq.mlir              the QDQ graphs, @main prints them
  wide_activations.py reference --mode M -o ref.txt  the expected output
  wide_activations.py compare EXPECTED ACTUAL      element-wise, exact

Each case is dq(x) -> f -> q as quant-import writes it (tosa.clamp for
Relu/Relu6/Clip, tosa.select(x >= 0, x, x * alpha) for LeakyRelu), x every
int16 value. `reference --mode fp32` is the numpy float32 QDQ computation
(dequantize, f, quantize with round half to even), the semantics of ONNX
Runtime's DQ -> op -> Q; `--mode fixedpoint` is TFLite's int16 LeakyRelu
(leaky_relu.cc's float32 multipliers, QuantizeMultiplier, gemmlowp's
MultiplyByQuantizedMultiplier) transcribed in Python integers, and for the
clamps TFLite's requantize (QUANTIZE, multiplier s_in / s_out) followed by
the clamp to the quantized bounds.
"""

import argparse
import math
import re
import sys

import numpy as np

from requant_modes import compare_values, mlir_float

N = 65536
STORAGE = {"i8": (-128, 127), "i16": (-32768, 32767)}

# name, kind, (s_in, z_in), (out storage, s_out, z_out), parameter
CASES = [
    ("relu", "clamp", (0.001, 0), ("i8", 0.02, -128), (0.0, float("inf"))),
    ("clip", "clamp", (0.0003, 0), ("i8", 0.015, 3), (-1.5, 2.25)),
    ("relu6", "clamp", (0.00025, 0), ("i16", 0.0002, 5), (0.0, 6.0)),
    ("leaky_i8", "leaky", (0.001, 0), ("i8", 0.05, -10), 0.1),
    ("leaky_i16", "leaky", (0.0005, 0), ("i16", 0.0004, 0), 0.3),
    ("leaky_small", "leaky", (0.002, 0), ("i16", 0.001, -7), 0.01),
]


def f32_attr(x):
    if math.isinf(x):
        return "0x7F800000" if x > 0 else "0xFF800000"
    return mlir_float(np.float32(x))


def emit_qdq():
    qi_t = lambda s, z: f"!quant.uniform<i16:f32, {mlir_float(s)}:{z}>"
    lines = ["func.func private @printMemrefI32(tensor<*xi32>)"]
    body = [
        f"  %e = tensor.empty() : tensor<{N}xi16>",
        "  %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], "
        "iterator_types = [\"parallel\"]} outs(%e : tensor<65536xi16>) {",
        "  ^bb0(%o: i16):",
        "    %i = linalg.index 0 : index",
        "    %v = arith.index_cast %i : index to i32",
        "    %c = arith.constant 32768 : i32",
        "    %w = arith.subi %v, %c : i32",
        "    %t = arith.trunci %w : i32 to i16",
        "    linalg.yield %t : i16",
        "  } -> tensor<65536xi16>",
    ]
    for name, kind, (s_in, z_in), (ost, s_out, z_out), param in CASES:
        qi = qi_t(s_in, z_in)
        oe = ost
        qo = f"!quant.uniform<{ost}:f32, {mlir_float(s_out)}:{z_out}>"
        t = f"tensor<{N}"
        lines += [f"func.func @{name}(%x: {t}x{qi}>) -> {t}x{qo}> {{",
                  f"  %xd = quant.dcast %x : {t}x{qi}> to {t}xf32>"]
        if kind == "clamp":
            lo, hi = param
            lines.append(f"  %y = tosa.clamp %xd {{min_val = {f32_attr(lo)} : f32, "
                         f"max_val = {f32_attr(hi)} : f32}} : ({t}xf32>) -> {t}xf32>")
        else:
            lines += [
                f"  %alpha = \"tosa.const\"() {{values = dense<{f32_attr(param)}> : "
                "tensor<1xf32>} : () -> tensor<1xf32>",
                "  %zero = \"tosa.const\"() {values = dense<0.0> : tensor<1xf32>} "
                ": () -> tensor<1xf32>",
                "  %shift = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} : "
                "() -> tensor<1xi8>",
                f"  %s = tosa.mul %xd, %alpha, %shift : ({t}xf32>, tensor<1xf32>, "
                f"tensor<1xi8>) -> {t}xf32>",
                f"  %p = tosa.greater_equal %xd, %zero : ({t}xf32>, tensor<1xf32>) "
                f"-> {t}xi1>",
                f"  %y = tosa.select %p, %xd, %s : ({t}xi1>, {t}xf32>, {t}xf32>) "
                f"-> {t}xf32>",
            ]
        lines += [f"  %q = quant.qcast %y : {t}xf32> to {t}x{qo}>",
                  f"  return %q : {t}x{qo}>", "}"]
        ext = "arith.extsi"
        body += [
            f"  %{name}_in = quant.scast %x : {t}xi16> to {t}x{qi}>",
            f"  %{name}_r = call @{name}(%{name}_in) : ({t}x{qi}>) -> {t}x{qo}>",
            f"  %{name}_s = quant.scast %{name}_r : {t}x{qo}> to {t}x{oe}>",
            f"  %{name}_e = tensor.empty() : {t}xi32>",
            f"  %{name}_w = linalg.generic {{indexing_maps = [affine_map<(d0) -> (d0)>, "
            "affine_map<(d0) -> (d0)>], iterator_types = [\"parallel\"]} "
            f"ins(%{name}_s : {t}x{oe}>) outs(%{name}_e : {t}xi32>) {{",
            f"  ^bb0(%a: {oe}, %b: i32):",
            f"    %z = {ext} %a : {oe} to i32",
            "    linalg.yield %z : i32",
            f"  }} -> {t}xi32>",
            f"  %{name}_u = tensor.cast %{name}_w : {t}xi32> to tensor<*xi32>",
            f"  call @printMemrefI32(%{name}_u) : (tensor<*xi32>) -> ()",
        ]
    lines += ["func.func @main() {"] + body + ["  return", "}"]
    return "\n".join(lines) + "\n"


def qdq_reference(kind, s_in, z_in, ost, s_out, z_out, param):
    q = np.arange(-32768, 32768, dtype=np.int64)
    x = (q - z_in).astype(np.float32) * np.float32(s_in)
    if kind == "clamp":
        lo, hi = np.float32(param[0]), np.float32(param[1])
        y = np.minimum(np.maximum(x, lo), hi)
    else:
        y = np.where(x >= np.float32(0), x, x * np.float32(param))
    with np.errstate(over="ignore"):
        r = np.rint(y / np.float32(s_out)).astype(np.float64) + z_out
    lo, hi = STORAGE[ost]
    return np.clip(r, lo, hi).astype(np.int64)


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = math.floor(q * 2**31 + 0.5)  # std::round, q > 0
    if q_fixed == 2**31:
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return 2**31 - 1, 30
    return q_fixed, shift


def srdhm(a, b):
    """gemmlowp::SaturatingRoundingDoublingHighMul."""
    if a == b == -(2**31):
        return 2**31 - 1
    ab = a * b
    nudge = 2**30 if ab >= 0 else 1 - 2**30
    n = ab + nudge
    return abs(n) // 2**31 * (1 if n >= 0 else -1)  # truncating


def rdbpot(x, exponent):
    """gemmlowp::RoundingDivideByPOT."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def mbqm(x, multiplier, shift):
    left, right = max(shift, 0), max(-shift, 0)
    shifted = max(-(2**31), min(2**31 - 1, x * (1 << left)))
    return rdbpot(srdhm(shifted, multiplier), right)


def tflite_leaky(s_in, z_in, ost, s_out, z_out, alpha):
    f = np.float32
    identity = float(f(s_in) / f(s_out))
    alpha_m = float(f(f(s_in) * f(alpha)) / f(s_out))
    mi, si = quantize_multiplier(identity)
    ma, sa = quantize_multiplier(alpha_m)
    lo, hi = STORAGE[ost]
    out = []
    for q in range(-32768, 32768):
        v = q - z_in
        r = mbqm(v, mi, si) if v >= 0 else mbqm(v, ma, sa)
        out.append(min(hi, max(lo, r + z_out)))
    return np.array(out, dtype=np.int64)


def quantize_scalar(x, s, z, ost):
    """ONNX QuantizeLinear of one float32 value (+-inf saturating)."""
    lo, hi = STORAGE[ost]
    with np.errstate(over="ignore", divide="ignore"):
        y = np.float32(x) / np.float32(s)
    if np.isinf(y):
        return hi if y > 0 else lo
    return int(min(hi, max(lo, int(np.rint(y)) + z)))


def tflite_requantize_clamp(s_in, z_in, ost, s_out, z_out, bounds):
    """TFLite's requantize (QUANTIZE int16 -> int8/int16: the double
    multiplier s_in / s_out, MultiplyByQuantizedMultiplier), then the clamp
    to the quantized bounds."""
    m, shift = quantize_multiplier(s_in / s_out)
    lo, hi = STORAGE[ost]
    qlo = quantize_scalar(bounds[0], s_out, z_out, ost)
    qhi = quantize_scalar(bounds[1], s_out, z_out, ost)
    out = []
    for q in range(-32768, 32768):
        r = min(hi, max(lo, mbqm(q - z_in, m, shift) + z_out))
        out.append(min(qhi, max(qlo, r)))
    return np.array(out, dtype=np.int64)


def reference(mode):
    chunks = []
    for name, kind, (s_in, z_in), (ost, s_out, z_out), param in CASES:
        if mode == "fp32":
            values = qdq_reference(kind, s_in, z_in, ost, s_out, z_out, param)
        elif kind == "clamp":
            values = tflite_requantize_clamp(s_in, z_in, ost, s_out, z_out,
                                             param)
        else:
            values = tflite_leaky(s_in, z_in, ost, s_out, z_out, param)
        chunks.append(f"data = # {name}\n" + " ".join(map(str, values)))
    return "\n".join(chunks) + "\n"


def read_values(path):
    with open(path) as f:
        text = f.read()
    values = []
    for chunk in text.split("data =")[1:]:
        chunk = chunk.split("Unranked Memref")[0]
        chunk = re.sub(r"#.*", "", chunk)
        values += [int(v) for v in re.findall(r"-?\d+", chunk)]
    return values


def compare(expected_path, actual_path):
    return compare_values(
        read_values(expected_path), read_values(actual_path),
        describe=lambda i: f"case {CASES[i // N][0]}, input {i % N - 32768}",
        min_distinct=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("qdq")
    p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("reference")
    p.add_argument("--mode", choices=["fp32", "fixedpoint"], required=True)
    p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("compare")
    p.add_argument("expected")
    p.add_argument("actual")
    args = parser.parse_args()
    if args.command == "compare":
        return compare(args.expected, args.actual)
    text = emit_qdq() if args.command == "qdq" else reference(args.mode)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
