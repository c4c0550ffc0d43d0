#!/usr/bin/env python3
# ===- requant_modes.py - Requantize-mode test data and comparisons -------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Test data for the integer requantize modes, and the comparison of runs.

  requant_modes.py qnn   --mode M [--op O] -o qnn.mlir   qnn.requantize, .matmul, .conv2d
  requant_modes.py tosa  --mode M [--op O] -o tosa.mlir  the same rescale as tosa.rescale
  requant_modes.py cases --mode M [--op O] -o cases.txt  input of gemmlowp_requant_ref
  requant_modes.py compare EXPECTED ACTUAL               element-wise, exact

The data is one [ROWS, CHANNELS] tensor of int32 accumulators, requantized
per channel (axis 1) from scale s_in[c] to s_out[c] and zero point zp[c] in
i8; the multiplier is s_in[c] / s_out[c] in double. The channels cover
multipliers above 1 (left shifts, up to the saturated shift 30), exact
powers of two (whose accumulators hit exact .5 ties), tiny scales (flushed
to 0 in fixedpoint, moved into the multiplier by TOSA's shift limit of 62)
and log-uniform random ones; the accumulators cover the whole int32 range,
its extremes, small values and the ties. For the TOSA modes every channel
shares one output zero point (tosa.rescale has one) and accumulators stay
in the range TOSA requires, |acc| < 2^(shift - 1), where the result is
defined.

With `--op matmul` the accumulators are those of a qnn.matmul (i8 [ROWS, 16]
activations with a zero point, i8 [16, CHANNELS] per-channel weights, an
i32 bias), computed exactly here; the qnn module runs the qnn.matmul, the
references requantize the exact accumulators with the multipliers
s_a * s_w[c] / s_out (powers of two for half the channels, so ties occur;
above 1 and tiny for others), one output zero point. The data is the same
for every mode; its accumulators (below 2^21) are within TOSA's range for
every multiplier used (at most 6: shift 28).

With `--op conv`, those of a qnn.conv2d ([1, 4, 6, 6] u8 input, [32, 4, 3, 3]
per-channel weights, 3x3, stride 1): one row per output position, its
NCHW result transposed to that layout before it is printed.

`qnn` and `tosa` write `@main`, which prints the i8 result widened to i32
with printMemrefI32; `compare` reads the integers after `data =` in each
file (a runner output or the reference's list) and requires equality.
"""

import argparse
import math
import random
import re
import sys

ROWS = 40
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def tosa_multiplier(real):
    """Upstream MLIR's computeMultiplierAndShift (TOSA scale32), in Python."""
    mantissa, exponent = math.frexp(real)
    shifted = math.floor(mantissa * 2**31 + 0.5)  # half away from zero
    if shifted == 2**31:
        shifted //= 2
        exponent += 1
    shift = 31 - exponent
    if shift > 62:
        shifted >>= min(31, shift - 62)
        shift = 62
    return shifted, shift


def channel_scales(mode, rng):
    """(s_in, s_out) pairs whose ratio is the multiplier of each channel."""
    multipliers = []
    for k in (1, 2, 3, 5, 10, 20, 31):
        multipliers.append(2.0**-k)  # exact ties
    if mode == "fixedpoint":
        multipliers += [1.0, 1.5, 3.7, 100.25, 2.0**20 + 0.5, 5.0e9, 6.0e11]
        multipliers += [2.0**-32, 1.0e-10, 3.0e-12, 2.0**-40]
    else:
        multipliers += [1.0, 1.5, 3.7, 100.25, 2.0**20 + 0.5, 4.0e8]
        multipliers += [2.0**-32, 1.0e-10, 3.0e-12, 2.0**-40, 1.0e-20]
    while len(multipliers) < 32:
        multipliers.append(10.0 ** rng.uniform(-7.0, 0.3))
    scales = []
    for m in multipliers:
        s_out = rng.choice([0.5, 0.25, 0.0078125, 0.1, 0.37])
        s_in = m * s_out
        scales.append((s_in, s_out))
    return scales


def make_data(mode, seed):
    rng = random.Random(seed)
    scales = channel_scales(mode, rng)
    channels = len(scales)
    if mode == "fixedpoint":
        zps = [rng.randint(-128, 127) for _ in scales]
    else:
        zps = [rng.randint(-128, 127)] * channels
    acc = [[0] * channels for _ in range(ROWS)]
    for c, (s_in, s_out) in enumerate(scales):
        real = s_in / s_out
        limit = INT32_MAX
        if mode != "fixedpoint":
            _, shift = tosa_multiplier(real)
            if shift <= 32:
                limit = 2 ** (shift - 1) - 1
        mantissa, exponent = math.frexp(real)
        for r in range(ROWS):
            kind = r % 8
            if kind == 0:
                v = rng.choice([INT32_MIN, INT32_MAX, 0, 1, -1, INT32_MIN + 1])
            elif kind in (1, 2):
                v = rng.randint(INT32_MIN, INT32_MAX)
            elif kind in (3, 4):
                v = rng.randint(-(2**16), 2**16)
            elif kind == 5:
                v = rng.randint(-300, 300)
            else:
                # An exact .5 tie where the multiplier is 2^-k: an odd
                # multiple of 2^(k-1), either sign.
                if mantissa == 0.5 and exponent <= 0:
                    k = 1 - exponent
                    v = (2 * rng.randint(0, 2000) + 1) * 2 ** (k - 1)
                    v = v if v <= INT32_MAX else 2 ** (k - 1)
                    v = v if r % 2 else -v
                else:
                    v = rng.randint(-(2**24), 2**24)
            acc[r][c] = max(-limit - 1, min(limit, v))
    return scales, zps, acc


def mlir_float(x):
    """repr(x) (exact for a double) in a spelling MLIR parses: 1e-21 needs
    its dot, 1.0e-21. Takes numpy scalars too (their exact double)."""
    text = repr(float(x))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


MATMUL_K = 16
S_A, S_OUT = 0.5, 0.25


def make_matmul_data(mode, seed):
    """Activations, weights, bias and zero points of a qnn.matmul, and the
    (s_in, s_out) pairs, zero points and exact accumulators of its
    requantize."""
    rng = random.Random(seed)
    weight_scales = [2.0**-k for k in range(1, 17)]
    weight_scales += [3.0, 0.75, 1.0e-12, 2.0**-40]
    while len(weight_scales) < 32:
        weight_scales.append(10.0 ** rng.uniform(-8.0, -0.5))
    channels = len(weight_scales)
    za = rng.randint(-128, 127)
    zo = rng.randint(-128, 127)
    # Even rows stay near the zero point and the power-of-two channels have
    # small weights and bias, so that their accumulators are small enough
    # to requantize in range and hit exact ties; the others use the whole
    # i8 range.
    def activation(r):
        if r % 2 == 0:
            return max(-128, min(127, za + rng.randint(-4, 4)))
        return rng.randint(-128, 127)

    def weight(c):
        return rng.randint(-4, 4) if c < 16 else rng.randint(-128, 127)

    a = [[activation(r) for _ in range(MATMUL_K)] for r in range(ROWS)]
    w = [[weight(c) for c in range(channels)] for _ in range(MATMUL_K)]
    bias = [rng.randint(-50, 50) if c < 16 else rng.randint(-5000, 5000)
            for c in range(channels)]
    acc = [[sum((a[r][k] - za) * w[k][c] for k in range(MATMUL_K)) + bias[c]
            for c in range(channels)] for r in range(ROWS)]
    scales = [(S_A * s_w, S_OUT) for s_w in weight_scales]
    return {"a": a, "w": w, "bias": bias, "za": za, "weight_scales":
            weight_scales}, scales, [zo] * channels, acc


CONV_C, CONV_HW, CONV_K = 4, 6, 3
CONV_OUT = CONV_HW - CONV_K + 1


def make_conv_data(mode, seed):
    """The same for a qnn.conv2d ([1, 4, 6, 6] u8 input, [32, 4, 3, 3] i8
    per-channel weights, i32 bias, stride 1, no padding): one accumulator
    row per output position (oh, ow), one column per output channel."""
    rng = random.Random(seed)
    weight_scales = [2.0**-k for k in range(1, 17)]
    weight_scales += [3.0, 0.75, 1.0e-12, 2.0**-40]
    while len(weight_scales) < 32:
        weight_scales.append(10.0 ** rng.uniform(-8.0, -0.5))
    filters = len(weight_scales)
    zx = rng.randint(0, 255)
    zo = rng.randint(-128, 127)
    # The upper half of the image stays near the zero point, and the
    # power-of-two channels have small weights and bias (in-range outputs,
    # exact ties); the rest uses the whole range.
    x = [[[max(0, min(255, zx + rng.randint(-4, 4))) if h < CONV_HW // 2
           else rng.randint(0, 255) for _ in range(CONV_HW)]
          for h in range(CONV_HW)] for _ in range(CONV_C)]
    w = [[[[rng.randint(-4, 4) if f < 16 else rng.randint(-128, 127)
            for _ in range(CONV_K)] for _ in range(CONV_K)]
          for _ in range(CONV_C)] for f in range(filters)]
    bias = [rng.randint(-50, 50) if f < 16 else rng.randint(-5000, 5000)
            for f in range(filters)]
    acc = [[sum((x[c][oh + kh][ow + kw] - zx) * w[f][c][kh][kw]
                for c in range(CONV_C) for kh in range(CONV_K)
                for kw in range(CONV_K)) + bias[f]
            for f in range(filters)]
           for oh in range(CONV_OUT) for ow in range(CONV_OUT)]
    scales = [(S_A * s_w, S_OUT) for s_w in weight_scales]
    return {"x": x, "w": w, "bias": bias, "zx": zx, "weight_scales":
            weight_scales}, scales, [zo] * filters, acc


def data_for(op, mode, seed):
    if op == "matmul":
        return make_matmul_data(mode, seed)[1:]
    if op == "conv":
        return make_conv_data(mode, seed)[1:]
    return make_data(mode, seed)


def dense(rows):
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]"
                           for row in rows) + "]"


def main_function(rows, channels, call_lines):
    """@main: the accumulators, `call_lines`, then the result printed."""
    return [
        "#id = affine_map<(d0, d1) -> (d0, d1)>",
        "func.func private @printMemrefI32(tensor<*xi32>)",
        "func.func @widen(%r: tensor<{0}x{1}xi8>) -> tensor<{0}x{1}xi32> {{".format(
            rows, channels),
        f"  %e = tensor.empty() : tensor<{rows}x{channels}xi32>",
        "  %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = "
        "[\"parallel\", \"parallel\"]} "
        f"ins(%r : tensor<{rows}x{channels}xi8>) "
        f"outs(%e : tensor<{rows}x{channels}xi32>) {{",
        "  ^bb0(%a: i8, %b: i32):",
        "    %x = arith.extsi %a : i8 to i32",
        "    linalg.yield %x : i32",
        f"  }} -> tensor<{rows}x{channels}xi32>",
        f"  return %w : tensor<{rows}x{channels}xi32>",
        "}",
        "func.func @main() {",
    ] + call_lines + [
        f"  %wide = call @widen(%out) : (tensor<{rows}x{channels}xi8>) -> "
        f"tensor<{rows}x{channels}xi32>",
        f"  %u = tensor.cast %wide : tensor<{rows}x{channels}xi32> to tensor<*xi32>",
        "  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()",
        "  return",
        "}",
    ]


def emit_qnn(mode, seed):
    scales, zps, acc = make_data(mode, seed)
    channels = len(scales)
    qi = "!quant.uniform<i32:f32:1, {%s}>" % ", ".join(
        mlir_float(s_in) for s_in, _ in scales)
    qo = "!quant.uniform<i8:f32:1, {%s}>" % ", ".join(
        f"{mlir_float(s_out)}:{zp}" for (_, s_out), zp in zip(scales, zps))
    shape = f"{ROWS}x{channels}"
    lines = [
        f"func.func @requant(%x: tensor<{shape}x{qi}>) -> tensor<{shape}x{qo}> {{",
        f"  %0 = qnn.requantize %x : tensor<{shape}x{qi}> -> tensor<{shape}x{qo}>",
        f"  return %0 : tensor<{shape}x{qo}>",
        "}",
    ]
    lines += main_function(ROWS, channels, [
        f"  %acc = arith.constant dense<{dense(acc)}> : tensor<{shape}xi32>",
        f"  %q = quant.scast %acc : tensor<{shape}xi32> to tensor<{shape}x{qi}>",
        f"  %r = call @requant(%q) : (tensor<{shape}x{qi}>) -> tensor<{shape}x{qo}>",
        f"  %out = quant.scast %r : tensor<{shape}x{qo}> to tensor<{shape}xi8>",
    ])
    return "\n".join(lines) + "\n"


def emit_qnn_matmul(mode, seed):
    layer, scales, zps, acc = make_matmul_data(mode, seed)
    channels = len(scales)
    k = MATMUL_K
    qa = f"!quant.uniform<i8:f32, {mlir_float(S_A)}:{layer['za']}>"
    qw = "!quant.uniform<i8:f32:1, {%s}>" % ", ".join(
        mlir_float(s) for s in layer["weight_scales"])
    qb = "!quant.uniform<i32:f32:0, {%s}>" % ", ".join(
        mlir_float(s_in) for s_in, _ in scales)
    qo = f"!quant.uniform<i8:f32, {mlir_float(S_OUT)}:{zps[0]}>"
    a_t, w_t = f"tensor<{ROWS}x{k}", f"tensor<{k}x{channels}"
    b_t, o_t = f"tensor<{channels}", f"tensor<{ROWS}x{channels}"
    lines = [
        f"func.func @matmul(%a: {a_t}x{qa}>, %w: {w_t}x{qw}>, %b: {b_t}x{qb}>)"
        f" -> {o_t}x{qo}> {{",
        f"  %0 = qnn.matmul %a, %w bias %b : ({a_t}x{qa}>, {w_t}x{qw}>, "
        f"{b_t}x{qb}>) -> {o_t}x{qo}>",
        f"  return %0 : {o_t}x{qo}>",
        "}",
    ]
    lines += main_function(ROWS, channels, [
        f"  %ai = arith.constant dense<{dense(layer['a'])}> : {a_t}xi8>",
        f"  %wi = arith.constant dense<{dense(layer['w'])}> : {w_t}xi8>",
        "  %bi = arith.constant dense<[" +
        ", ".join(str(v) for v in layer["bias"]) + f"]> : {b_t}xi32>",
        f"  %aq = quant.scast %ai : {a_t}xi8> to {a_t}x{qa}>",
        f"  %wq = quant.scast %wi : {w_t}xi8> to {w_t}x{qw}>",
        f"  %bq = quant.scast %bi : {b_t}xi32> to {b_t}x{qb}>",
        f"  %r = call @matmul(%aq, %wq, %bq) : ({a_t}x{qa}>, {w_t}x{qw}>, "
        f"{b_t}x{qb}>) -> {o_t}x{qo}>",
        f"  %out = quant.scast %r : {o_t}x{qo}> to {o_t}xi8>",
    ])
    return "\n".join(lines) + "\n"


def emit_qnn_conv(mode, seed):
    layer, scales, zps, acc = make_conv_data(mode, seed)
    filters, rows = len(scales), len(acc)
    qx = f"!quant.uniform<u8:f32, {mlir_float(S_A)}:{layer['zx']}>"
    qw = "!quant.uniform<i8:f32:0, {%s}>" % ", ".join(
        mlir_float(s) for s in layer["weight_scales"])
    qb = "!quant.uniform<i32:f32:0, {%s}>" % ", ".join(
        mlir_float(s_in) for s_in, _ in scales)
    qo = f"!quant.uniform<i8:f32, {mlir_float(S_OUT)}:{zps[0]}>"
    x_t = f"tensor<1x{CONV_C}x{CONV_HW}x{CONV_HW}"
    w_t = f"tensor<{filters}x{CONV_C}x{CONV_K}x{CONV_K}"
    b_t = f"tensor<{filters}"
    o_t = f"tensor<1x{filters}x{CONV_OUT}x{CONV_OUT}"
    nhwc_t = f"tensor<1x{CONV_OUT}x{CONV_OUT}x{filters}xi8>"
    lines = [
        f"func.func @conv(%x: {x_t}x{qx}>, %w: {w_t}x{qw}>, %b: {b_t}x{qb}>)"
        f" -> {o_t}x{qo}> {{",
        f"  %0 = qnn.conv2d %x, %w bias %b strides [1, 1] dilations [1, 1] "
        f"padding [0, 0, 0, 0] groups 1 : ({x_t}x{qx}>, {w_t}x{qw}>, "
        f"{b_t}x{qb}>) -> {o_t}x{qo}>",
        f"  return %0 : {o_t}x{qo}>",
        "}",
    ]
    # The NCHW result goes to [OH * OW, F], the references' layout.
    lines += main_function(rows, filters, [
        "  %xi = arith.constant dense<[[" + ", ".join(
            dense(plane) for plane in layer["x"]) + f"]]> : {x_t}xi8>",
        "  %wi = arith.constant dense<[" + ", ".join(
            "[" + ", ".join(dense(kernel) for kernel in filt) + "]"
            for filt in layer["w"]) + f"]> : {w_t}xi8>",
        "  %bi = arith.constant dense<[" +
        ", ".join(str(v) for v in layer["bias"]) + f"]> : {b_t}xi32>",
        f"  %xq = quant.scast %xi : {x_t}xi8> to {x_t}x{qx}>",
        f"  %wq = quant.scast %wi : {w_t}xi8> to {w_t}x{qw}>",
        f"  %bq = quant.scast %bi : {b_t}xi32> to {b_t}x{qb}>",
        f"  %r = call @conv(%xq, %wq, %bq) : ({x_t}x{qx}>, {w_t}x{qw}>, "
        f"{b_t}x{qb}>) -> {o_t}x{qo}>",
        f"  %ri = quant.scast %r : {o_t}x{qo}> to {o_t}xi8>",
        f"  %nhwc0 = tensor.empty() : {nhwc_t}",
        f"  %nhwc = linalg.transpose ins(%ri : {o_t}xi8>) outs(%nhwc0 : "
        f"{nhwc_t}) permutation = [0, 2, 3, 1]",
        f"  %out = tensor.collapse_shape %nhwc [[0, 1, 2], [3]] : {nhwc_t} "
        f"into tensor<{rows}x{filters}xi8>",
    ])
    return "\n".join(lines) + "\n"


def emit_tosa(mode, seed, op="requantize"):
    scales, zps, acc = data_for(op, mode, seed)
    channels = len(scales)
    pairs = [tosa_multiplier(s_in / s_out) for s_in, s_out in scales]
    rounding = {"tosa-double-round": "DOUBLE_ROUND",
                "tosa-single-round": "SINGLE_ROUND"}[mode]
    shape = f"{len(acc)}x{channels}"
    lines = main_function(len(acc), channels, [
        f"  %acc = arith.constant dense<{dense(acc)}> : tensor<{shape}xi32>",
        "  %m = \"tosa.const\"() {values = dense<[" +
        ", ".join(str(m) for m, _ in pairs) +
        f"]> : tensor<{channels}xi32>}} : () -> tensor<{channels}xi32>",
        "  %s = \"tosa.const\"() {values = dense<[" +
        ", ".join(str(s) for _, s in pairs) +
        f"]> : tensor<{channels}xi8>}} : () -> tensor<{channels}xi8>",
        "  %iz = \"tosa.const\"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>",
        f"  %oz = \"tosa.const\"() {{values = dense<{zps[0]}> : tensor<1xi8>}} : () -> tensor<1xi8>",
        f"  %out = tosa.rescale %acc, %m, %s, %iz, %oz {{scale32 = true, "
        f"rounding_mode = {rounding}, per_channel = true, input_unsigned = false, "
        f"output_unsigned = false}} : (tensor<{shape}xi32>, tensor<{channels}xi32>, "
        f"tensor<{channels}xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<{shape}xi8>",
    ])
    return "\n".join(lines) + "\n"


def emit_cases(mode, seed, op="requantize"):
    scales, zps, acc = data_for(op, mode, seed)
    lines = [f"{len(acc)} {len(scales)}"]
    lines += [f"{s_in!r} {s_out!r} {zp}" for (s_in, s_out), zp in zip(scales, zps)]
    lines += [" ".join(str(v) for v in row) for row in acc]
    return "\n".join(lines) + "\n"


def read_values(path):
    with open(path) as f:
        text = f.read()
    if "data =" in text:
        text = text.split("data =", 1)[1]
    return [int(v) for v in re.findall(r"-?\d+", text)]


def compare_values(expected, actual, describe=lambda i: f"element {i}",
                   min_distinct=50):
    """Prints the comparison of two integer lists; 0 when bit-exact. Also
    fails on fewer than `min_distinct` distinct expected values (a
    comparison of nothing or of constant data). Shared by the other
    references of examples/requant."""
    if len(expected) != len(actual):
        print(f"FAIL: {len(expected)} expected values, {len(actual)} actual")
        return 1
    mismatches = [(i, e, a) for i, (e, a) in enumerate(zip(expected, actual))
                  if e != a]
    distinct = len(set(expected))
    print(f"{len(expected)} values, {distinct} distinct, "
          f"{len(mismatches)} mismatches")
    for i, e, a in mismatches[:10]:
        print(f"  {describe(i)}: expected {e}, got {a}")
    if mismatches or distinct < min_distinct:
        print("FAIL")
        return 1
    print("PASS: bit-exact")
    return 0


def compare(expected_path, actual_path):
    return compare_values(read_values(expected_path), read_values(actual_path))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("qnn", "tosa", "cases"):
        p = sub.add_parser(name)
        p.add_argument("--mode", required=True,
                       choices=["fixedpoint", "tosa-double-round",
                                "tosa-single-round"])
        p.add_argument("--seed", type=int, default=4)
        p.add_argument("--op", choices=["requantize", "matmul", "conv"],
                       default="requantize")
        p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("compare")
    p.add_argument("expected")
    p.add_argument("actual")
    args = parser.parse_args()
    if args.command == "compare":
        return compare(args.expected, args.actual)
    if args.command == "tosa" and args.mode == "fixedpoint":
        parser.error("tosa.rescale has no fixedpoint mode")
    if args.command == "qnn":
        emit = {"requantize": emit_qnn, "matmul": emit_qnn_matmul,
                "conv": emit_qnn_conv}[args.op]
        text = emit(args.mode, args.seed)
    else:
        emit = emit_tosa if args.command == "tosa" else emit_cases
        text = emit(args.mode, args.seed, args.op)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
