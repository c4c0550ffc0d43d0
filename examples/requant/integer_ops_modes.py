#!/usr/bin/env python3
# ===- integer_ops_modes.py - add/sub and average pool in integer modes ---=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Test data for qnn.add, qnn.sub and qnn.avg_pool2d in the integer
requantize modes, and the comparison of runs.

  integer_ops_modes.py qnn   --op O --mode M -o qnn.mlir   the qnn ops, @main prints them
  integer_ops_modes.py tosa  --op O --mode M -o tosa.mlir  the same as hand-written TOSA
  integer_ops_modes.py cases --op O -o cases.txt           input of gemmlowp_ops_ref
  integer_ops_modes.py compare EXPECTED ACTUAL             element-wise, exact

`--op addsub`: cases of qnn.add and qnn.sub on [ROWS, COLS] operands, the
rhs [COLS] or [1, COLS] (broadcast), random stored values over the whole
storage range (so results saturate), scales that differ by factors up to
~10^3, equal scales (exact input multipliers of 1/2) and a tiny one
(flushed), i8, u8 and i16 (16-bit cases have zero points 0, as TFLite and
TOSA require).

`--op avgpool`: cases of qnn.avg_pool2d (NCHW, count excluding padding) with
padding, strides, equal parameters (TFLite's own AveragePool), a zero point
change and a scale change (average, then requantize).

The TOSA form (the reference of the tosa-* modes, lowered by upstream's
tosa-to-linalg): add/sub as TensorFlow's TFLite legalization writes them,
tosa.rescale of each input to i32 (multiplier 2^shift * s / (2 max(sa, sb)),
input zero point), tosa.add/tosa.sub, tosa.rescale to the output; the
average pool as tosa.avg_pool2d (NHWC, input/output zero points) followed,
where the scales differ, by a tosa.rescale. The 8-bit TOSA cases are signed
(TOSA's unsigned rescale flags are another path).

Every program prints each case's result as i32 with printMemrefI32;
`compare` reads the values after each "data =" and requires equality.
"""

import argparse
import math
import random
import re
import sys

import numpy as np

from requant_modes import compare_values

ROWS, COLS = 24, 37

STORAGE = {"i8": (-128, 127, True, 8), "u8": (0, 255, False, 8),
           "i16": (-32768, 32767, True, 16)}


def mlir_float(x):
    text = repr(float(x))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


def f32(x):
    return float(np.float32(x))


def qtype(storage, scale, zp):
    return f"!quant.uniform<{storage}:f32, {mlir_float(scale)}:{zp}>"


def tosa_multiplier(real):
    """Upstream MLIR's computeMultiplierAndShift (TOSA scale32)."""
    mantissa, exponent = math.frexp(real)
    shifted = math.floor(mantissa * 2**31 + 0.5)
    if shifted == 2**31:
        shifted //= 2
        exponent += 1
    shift = 31 - exponent
    if shift > 62:
        shifted >>= min(31, shift - 62)
        shift = 62
    return shifted, shift


def random_values(rng, storage, shape):
    lo, hi, _, _ = STORAGE[storage]
    return rng.integers(lo, hi, size=shape, endpoint=True)


def addsub_cases(mode):
    """(op, storage, (sa, za), (sb, zb), (sc, zc), rhs_shape, a, b)."""
    rng = np.random.default_rng(7)
    tosa = mode != "fixedpoint"
    cases = []
    specs = [
        # op, storage, lhs, rhs, out, rhs broadcast shape
        ("add", "i8", (0.05, 3), (0.013, -20), (0.07, 5), (COLS,)),
        ("sub", "i8", (0.02, -7), (0.11, 30), (0.09, -1), (1, COLS)),
        ("add", "i8", (0.031, 0), (0.031, 10), (0.031, -3), (ROWS, COLS)),
        ("sub", "i8", (0.5, 1), (0.0004, 2), (0.003, 0), (COLS,)),
        ("add", "i8", (0.0625, -128), (0.125, 127), (0.25, 0), (1, COLS)),
        ("add", "i8", (0.3, 4), (1.0e-9, 0), (0.2, 7), (ROWS, COLS)),
        ("add", "i16", (0.0007, 0), (0.0003, 0), (0.0011, 0), (COLS,)),
        ("sub", "i16", (0.001, 0), (0.004, 0), (0.002, 0), (1, COLS)),
        ("sub", "i16", (2.0**-10, 0), (2.0**-10, 0), (2.0**-9, 0), (ROWS, COLS)),
    ]
    if not tosa:
        specs += [
            ("add", "u8", (0.04, 128), (0.06, 100), (0.08, 120), (COLS,)),
            ("sub", "u8", (0.02, 0), (0.02, 255), (0.05, 128), (1, COLS)),
            ("sub", "i8", (0.25, 0), (0.25, 0), (0.5, 0), (ROWS, COLS)),
        ]
    for op, storage, lhs, rhs, out, rhs_shape in specs:
        a = random_values(rng, storage, (ROWS, COLS))
        # Half the rows near the zero points: results in range, and
        # (equal scales) exact rounding ties.
        a[::2] = np.clip(lhs[1] + rng.integers(-6, 7, size=a[::2].shape),
                         STORAGE[storage][0], STORAGE[storage][1])
        b = random_values(rng, storage, rhs_shape)
        cases.append((op, storage, lhs, rhs, out, rhs_shape, a, b))
    return cases


POOL_N, POOL_C, POOL_H, POOL_W = 2, 3, 9, 8


def pool_cases(mode):
    """(storage, (s_in, z_in), (s_out, z_out), kernel, strides, padding, x)."""
    rng = np.random.default_rng(11)
    specs = [
        ("i8", (0.05, 3), (0.05, 3), (3, 3), (2, 2), (1, 1, 1, 0)),
        ("i8", (0.05, -100), (0.05, -100), (2, 3), (1, 2), (0, 1, 1, 0)),
        ("i8", (0.02, 10), (0.02, -5), (3, 2), (2, 1), (1, 0, 1, 1)),
        ("i8", (0.03, 0), (0.07, 8), (3, 3), (1, 1), (1, 1, 1, 1)),
        ("i8", (0.5, -128), (0.5, -128), (POOL_H, POOL_W), (1, 1), (0, 0, 0, 0)),
        ("i16", (0.001, 0), (0.001, 0), (3, 3), (2, 2), (0, 1, 0, 0)),
    ]
    if mode == "fixedpoint":
        specs.append(("u8", (0.04, 128), (0.04, 128), (2, 2), (2, 2), (1, 1, 0, 0)))
    cases = []
    for storage, inp, out, kernel, strides, padding in specs:
        x = random_values(rng, storage, (POOL_N, POOL_C, POOL_H, POOL_W))
        # One channel near the zero point: small sums, exact ties.
        x[:, 0] = np.clip(inp[1] + rng.integers(-3, 4, size=x[:, 0].shape),
                          STORAGE[storage][0], STORAGE[storage][1])
        cases.append((storage, inp, out, kernel, strides, padding, x))
    return cases


def pool_out_shape(kernel, strides, padding):
    oh = (POOL_H + padding[0] + padding[2] - kernel[0]) // strides[0] + 1
    ow = (POOL_W + padding[1] + padding[3] - kernel[1]) // strides[1] + 1
    return (POOL_N, POOL_C, oh, ow)


def dense(array):
    return np.array2string(np.asarray(array), separator=", ",
                           threshold=sys.maxsize,
                           max_line_width=sys.maxsize).replace("\n", "")


def printer_lines(name, shape, storage):
    """Prints tensor `%name` of `storage` (i8/i16 element type) as i32."""
    t = "x".join(str(d) for d in shape)
    elem = "i16" if storage == "i16" else "i8"
    ext = "arith.extui" if storage == "u8" else "arith.extsi"
    rank = len(shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    iters = ", ".join(['"parallel"'] * rank)
    return [
        f"  %{name}_e = tensor.empty() : tensor<{t}xi32>",
        f"  %{name}_w = linalg.generic {{indexing_maps = [affine_map<({dims}) -> ({dims})>, "
        f"affine_map<({dims}) -> ({dims})>], iterator_types = [{iters}]}} "
        f"ins(%{name} : tensor<{t}x{elem}>) outs(%{name}_e : tensor<{t}xi32>) {{",
        f"  ^bb0(%a: {elem}, %b: i32):",
        f"    %x = {ext} %a : {elem} to i32",
        "    linalg.yield %x : i32",
        f"  }} -> tensor<{t}xi32>",
        f"  %{name}_u = tensor.cast %{name}_w : tensor<{t}xi32> to tensor<*xi32>",
        f"  call @printMemrefI32(%{name}_u) : (tensor<*xi32>) -> ()",
    ]


def elem(storage):
    return "i16" if storage == "i16" else "i8"


def shape_str(shape):
    return "x".join(str(d) for d in shape)


def emit_qnn_addsub(mode):
    funcs, body = [], []
    for i, (op, st, lhs, rhs, out, rhs_shape, a, b) in enumerate(addsub_cases(mode)):
        qa, qb, qc = qtype(st, *lhs), qtype(st, *rhs), qtype(st, *out)
        ta, tb = f"tensor<{ROWS}x{COLS}", f"tensor<{shape_str(rhs_shape)}"
        funcs += [
            f"func.func @case{i}(%a: {ta}x{qa}>, %b: {tb}x{qb}>) -> {ta}x{qc}> {{",
            f"  %0 = qnn.{op} %a, %b : ({ta}x{qa}>, {tb}x{qb}>) -> {ta}x{qc}>",
            f"  return %0 : {ta}x{qc}>",
            "}",
        ]
        e = elem(st)
        body += [
            f"  %a{i} = arith.constant dense<{dense(a)}> : {ta}x{e}>",
            f"  %b{i} = arith.constant dense<{dense(b)}> : {tb}x{e}>",
            f"  %aq{i} = quant.scast %a{i} : {ta}x{e}> to {ta}x{qa}>",
            f"  %bq{i} = quant.scast %b{i} : {tb}x{e}> to {tb}x{qb}>",
            f"  %r{i} = call @case{i}(%aq{i}, %bq{i}) : ({ta}x{qa}>, {tb}x{qb}>) -> {ta}x{qc}>",
            f"  %o{i} = quant.scast %r{i} : {ta}x{qc}> to {ta}x{e}>",
        ] + printer_lines(f"o{i}", (ROWS, COLS), st)
    return module(funcs, body)


def module(funcs, body):
    lines = ["func.func private @printMemrefI32(tensor<*xi32>)"] + funcs
    lines += ["func.func @main() {"] + body + ["  return", "}"]
    return "\n".join(lines) + "\n"


def const(name, values, type_):
    return (f"  %{name} = \"tosa.const\"() {{values = dense<{values}> : {type_}}}"
            f" : () -> {type_}")


def rescale(name, src, src_t, dst_t, real, in_zp, out_zp, in_elem, out_elem,
            rounding):
    m, s = tosa_multiplier(real)
    return [
        const(f"{name}_m", m, "tensor<1xi32>"),
        const(f"{name}_s", s, "tensor<1xi8>"),
        const(f"{name}_iz", in_zp, f"tensor<1x{in_elem}>"),
        const(f"{name}_oz", out_zp, f"tensor<1x{out_elem}>"),
        f"  %{name} = tosa.rescale %{src}, %{name}_m, %{name}_s, %{name}_iz, "
        f"%{name}_oz {{scale32 = true, rounding_mode = {rounding}, "
        "per_channel = false, input_unsigned = false, output_unsigned = false} "
        f": ({src_t}, tensor<1xi32>, tensor<1xi8>, tensor<1x{in_elem}>, "
        f"tensor<1x{out_elem}>) -> {dst_t}",
    ]


ROUNDING = {"tosa-double-round": "DOUBLE_ROUND",
            "tosa-single-round": "SINGLE_ROUND"}


def emit_tosa_addsub(mode):
    rounding = ROUNDING[mode]
    body = []
    for i, (op, st, lhs, rhs, out, rhs_shape, a, b) in enumerate(addsub_cases(mode)):
        e = elem(st)
        shift = 15 if st == "i16" else 20
        max2 = 2.0 * max(lhs[0], rhs[0])
        b2 = np.broadcast_to(b, (1, COLS) if b.ndim == 1 else b.shape)
        ta, tb = f"tensor<{ROWS}x{COLS}", f"tensor<{shape_str(b2.shape)}"
        body += [
            f"  %a{i} = arith.constant dense<{dense(a)}> : {ta}x{e}>",
            f"  %b{i} = arith.constant dense<{dense(b2)}> : {tb}x{e}>",
        ]
        body += rescale(f"ra{i}", f"a{i}", f"{ta}x{e}>", f"{ta}xi32>",
                        2.0**shift * lhs[0] / max2, lhs[1], 0, e, "i32",
                        rounding)
        body += rescale(f"rb{i}", f"b{i}", f"{tb}x{e}>", f"{tb}xi32>",
                        2.0**shift * rhs[0] / max2, rhs[1], 0, e, "i32",
                        rounding)
        body.append(f"  %s{i} = tosa.{op} %ra{i}, %rb{i} : ({ta}xi32>, "
                    f"{tb}xi32>) -> {ta}xi32>")
        body += rescale(f"o{i}", f"s{i}", f"{ta}xi32>", f"{ta}x{e}>",
                        max2 / (out[0] * 2.0**shift), 0, out[1], "i32", e,
                        rounding)
        body += printer_lines(f"o{i}", (ROWS, COLS), st)
    return module([], body)


def emit_qnn_pool(mode):
    funcs, body = [], []
    for i, (st, inp, out, kernel, strides, padding, x) in enumerate(pool_cases(mode)):
        qi, qo = qtype(st, *inp), qtype(st, *out)
        oshape = pool_out_shape(kernel, strides, padding)
        tx, to = f"tensor<{shape_str(x.shape)}", f"tensor<{shape_str(oshape)}"
        funcs += [
            f"func.func @case{i}(%x: {tx}x{qi}>) -> {to}x{qo}> {{",
            f"  %0 = qnn.avg_pool2d %x kernel [{kernel[0]}, {kernel[1]}] strides "
            f"[{strides[0]}, {strides[1]}] padding [{', '.join(map(str, padding))}] "
            f": {tx}x{qi}> -> {to}x{qo}>",
            f"  return %0 : {to}x{qo}>",
            "}",
        ]
        e = elem(st)
        body += [
            f"  %x{i} = arith.constant dense<{dense(x)}> : {tx}x{e}>",
            f"  %xq{i} = quant.scast %x{i} : {tx}x{e}> to {tx}x{qi}>",
            f"  %r{i} = call @case{i}(%xq{i}) : ({tx}x{qi}>) -> {to}x{qo}>",
            f"  %o{i} = quant.scast %r{i} : {to}x{qo}> to {to}x{e}>",
        ] + printer_lines(f"o{i}", oshape, st)
    return module(funcs, body)


def emit_tosa_pool(mode):
    rounding = ROUNDING[mode]
    body = []
    for i, (st, inp, out, kernel, strides, padding, x) in enumerate(pool_cases(mode)):
        e = elem(st)
        n, c, oh, ow = pool_out_shape(kernel, strides, padding)
        nhwc = x.transpose(0, 2, 3, 1)
        tx = f"tensor<{shape_str(nhwc.shape)}x{e}>"
        tp = f"tensor<{n}x{oh}x{ow}x{c}x{e}>"
        requant = inp[0] != out[0]
        pool_zp = inp[1] if requant else out[1]
        top, left, bottom, right = padding
        body += [
            f"  %x{i} = arith.constant dense<{dense(nhwc)}> : {tx}",
            const(f"iz{i}", inp[1], f"tensor<1x{e}>"),
            const(f"pz{i}", pool_zp, f"tensor<1x{e}>"),
            f"  %p{i} = tosa.avg_pool2d %x{i}, %iz{i}, %pz{i} {{acc_type = i32, "
            f"kernel = array<i64: {kernel[0]}, {kernel[1]}>, pad = array<i64: "
            f"{top}, {bottom}, {left}, {right}>, stride = array<i64: "
            f"{strides[0]}, {strides[1]}>}} : ({tx}, tensor<1x{e}>, "
            f"tensor<1x{e}>) -> {tp}",
        ]
        result = f"p{i}"
        if requant:
            body += rescale(f"q{i}", f"p{i}", tp, tp, inp[0] / out[0], inp[1],
                            out[1], e, e, rounding)
            result = f"q{i}"
        tnchw = f"tensor<{n}x{c}x{oh}x{ow}x{e}>"
        body += [
            f"  %t{i}_e = tensor.empty() : {tnchw}",
            f"  %o{i} = linalg.transpose ins(%{result} : {tp}) outs(%t{i}_e : "
            f"{tnchw}) permutation = [0, 3, 1, 2]",
        ] + printer_lines(f"o{i}", (n, c, oh, ow), st)
    return module([], body)


def emit_cases(op):
    """The reference program's input, one case per block."""
    lines = []
    if op == "addsub":
        cases = addsub_cases("fixedpoint")
        lines.append(f"{len(cases)}")
        for kind, st, lhs, rhs, out, _, a, b in cases:
            lo, hi, _, bits = STORAGE[st]
            b2 = np.broadcast_to(b, a.shape)
            lines.append(f"{kind} {bits} {lo} {hi} {f32(lhs[0])!r} {lhs[1]} "
                         f"{f32(rhs[0])!r} {rhs[1]} {f32(out[0])!r} {out[1]} "
                         f"{a.size}")
            lines.append(" ".join(str(v) for v in a.ravel()))
            lines.append(" ".join(str(v) for v in b2.ravel()))
    else:
        cases = pool_cases("fixedpoint")
        lines.append(f"{len(cases)}")
        for st, inp, out, kernel, strides, padding, x in cases:
            lo, hi, _, _ = STORAGE[st]
            lines.append(f"{lo} {hi} {f32(inp[0])!r} {inp[1]} {f32(out[0])!r} "
                         f"{out[1]} {' '.join(map(str, x.shape))} "
                         f"{' '.join(map(str, kernel))} {' '.join(map(str, strides))} "
                         f"{' '.join(map(str, padding))}")
            lines.append(" ".join(str(v) for v in x.ravel()))
    return "\n".join(lines) + "\n"


def read_values(path):
    """The integers after each "data =" (runner output: up to the next
    memref header; a reference's list: to the end)."""
    with open(path) as f:
        text = f.read()
    values = []
    for chunk in text.split("data =")[1:]:
        chunk = chunk.split("Unranked Memref")[0]
        values += [int(v) for v in re.findall(r"-?\d+", chunk)]
    return values


def compare(expected_path, actual_path):
    return compare_values(read_values(expected_path), read_values(actual_path))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("qnn", "tosa", "cases"):
        p = sub.add_parser(name)
        p.add_argument("--op", choices=["addsub", "avgpool"], required=True)
        if name != "cases":
            p.add_argument("--mode", required=True,
                           choices=["fixedpoint", "tosa-double-round",
                                    "tosa-single-round"])
        p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("compare")
    p.add_argument("expected")
    p.add_argument("actual")
    args = parser.parse_args()
    if args.command == "compare":
        return compare(args.expected, args.actual)
    if args.command == "cases":
        text = emit_cases(args.op)
    elif args.command == "tosa":
        if args.mode == "fixedpoint":
            parser.error("TOSA has no fixedpoint mode")
        text = (emit_tosa_addsub if args.op == "addsub" else emit_tosa_pool)(
            args.mode)
    else:
        text = (emit_qnn_addsub if args.op == "addsub" else emit_qnn_pool)(
            args.mode)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
