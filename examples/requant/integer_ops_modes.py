#!/usr/bin/env python3
# ===- integer_ops_modes.py - add/sub and average pool in integer modes ---=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Test data for qnn.add, qnn.sub, qnn.avg_pool2d and qnn.leaky_relu in the
integer requantize modes, and the comparison of runs.

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

`--op peraxis`: qnn.add/qnn.sub with per-axis operands (COLS channels
along the last dimension, log-uniform scales; per-channel zero points and
uint8 in fixedpoint only). The TOSA form uses per-channel tosa.rescale; the
fixedpoint reference (`cases`) is one per-tensor gemmlowp case per
channel. Results print transposed, channel after channel.

`--op leakyrelu`: qnn.leaky_relu on every int8 and every int16 value; the
TOSA form is TensorFlow's legalization (rescale to i32, greater_equal,
two rescales, select).

`--op exportpool`: uint8 and count_include_pad pools, qnn only (for the
TOSA export test, which compares with quant-lower-qnn).

Every program prints each case's result as i32 with printMemrefI32;
`compare` reads the values after each "data =" and requires equality.
"""

import argparse
import math
import random
import re
import sys

import numpy as np

from requant_modes import compare_values, mlir_float, tosa_multiplier

ROWS, COLS = 24, 37

STORAGE = {"i8": (-128, 127, True, 8), "u8": (0, 255, False, 8),
           "i16": (-32768, 32767, True, 16)}


def f32(x):
    return float(np.float32(x))


def qtype(storage, scale, zp):
    return f"!quant.uniform<{storage}:f32, {mlir_float(scale)}:{zp}>"


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


def export_pool_cases(mode):
    """Pools only the TOSA export test runs (no TOSA reference here): uint8
    (the export moves it to int8 and back), count_include_pad (an explicit
    tosa.pad), uint8 with a scale change; the last element is
    count_include_pad."""
    rng = np.random.default_rng(19)
    specs = [
        ("u8", (0.04, 128), (0.04, 120), (3, 3), (2, 2), (1, 1, 1, 0), False),
        ("u8", (0.04, 200), (0.09, 15), (2, 3), (1, 2), (0, 1, 1, 0), False),
        ("i8", (0.05, 3), (0.05, -4), (3, 3), (2, 2), (1, 1, 1, 1), True),
        ("u8", (0.03, 10), (0.05, 100), (3, 2), (2, 1), (1, 0, 1, 1), True),
        ("u8", (0.5, 0), (0.5, 0), (POOL_H, POOL_W), (1, 1), (0, 0, 0, 0), False),
    ]
    cases = []
    for storage, inp, out, kernel, strides, padding, include in specs:
        x = random_values(rng, storage, (POOL_N, POOL_C, POOL_H, POOL_W))
        cases.append((storage, inp, out, kernel, strides, padding, x, include))
    return cases


def emit_qnn_exportpool(mode):
    return emit_qnn_pool(mode, export_pool_cases(mode))


def emit_qnn_pool(mode, cases=None):
    funcs, body = [], []
    for i, case in enumerate(cases or pool_cases(mode)):
        st, inp, out, kernel, strides, padding, x = case[:7]
        include = " count_include_pad" if len(case) > 7 and case[7] else ""
        qi, qo = qtype(st, *inp), qtype(st, *out)
        oshape = pool_out_shape(kernel, strides, padding)
        tx, to = f"tensor<{shape_str(x.shape)}", f"tensor<{shape_str(oshape)}"
        funcs += [
            f"func.func @case{i}(%x: {tx}x{qi}>) -> {to}x{qo}> {{",
            f"  %0 = qnn.avg_pool2d %x kernel [{kernel[0]}, {kernel[1]}] strides "
            f"[{strides[0]}, {strides[1]}] padding [{', '.join(map(str, padding))}]{include} "
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


# --- per-axis add/sub ----------------------------------------------------- #


def pa_scales(rng, lo, hi):
    """COLS log-uniform scales in [lo, hi], float32 values (TFLite's)."""
    return [f32(math.exp(rng.uniform(math.log(lo), math.log(hi))))
            for _ in range(COLS)]


def peraxis_cases(mode):
    """(op, storage, lhs, rhs, out, lhs_shape, rhs_shape, a, b): lhs and rhs
    are (scales, zero points, axis), per axis along the result's last
    dimension (COLS channels) or per tensor (one of each, axis None)."""
    rng = np.random.default_rng(13)
    pyrng = random.Random(13)
    tosa = mode != "fixedpoint"

    def pa(lo, hi, zp, axis):
        return (pa_scales(pyrng, lo, hi), [zp] * COLS, axis)

    def pt(scale, zp):
        return ([scale], [zp], None)

    full, row, flat = (ROWS, COLS), (1, COLS), (COLS,)
    specs = [
        ("add", "i8", pa(0.005, 0.5, 3, 1), pt(0.05, -20), (0.07, 5), full, flat),
        ("sub", "i8", pt(0.02, -7), pa(0.001, 0.3, 30, 1), (0.09, -1), full, row),
        ("add", "i8", pa(0.01, 0.2, -5, 1), pa(0.01, 0.2, 9, 0), (0.04, 0), full, flat),
        ("sub", "i16", pa(0.0002, 0.002, 0, 1), pt(0.001, 0), (0.002, 0), full, full),
        ("add", "i16", pa(0.0001, 0.001, 0, 1), pa(0.0003, 0.003, 0, 1), (0.0025, 0), full, row),
    ]
    if not tosa:
        # Per-channel zero points (TOSA's rescale has one per operand).
        zps = [pyrng.randint(-40, 40) for _ in range(COLS)]
        specs.append(("add", "i8", (pa_scales(pyrng, 0.01, 0.1), zps, 1),
                      pt(0.03, 2), (0.05, -3), full, full))
        uzps = [pyrng.randint(90, 160) for _ in range(COLS)]
        specs.append(("sub", "u8", pt(0.04, 128),
                      (pa_scales(pyrng, 0.01, 0.1), uzps, 1), (0.06, 120),
                      full, row))
    cases = []
    for op, st, lhs, rhs, out, lhs_shape, rhs_shape in specs:
        a = random_values(rng, st, lhs_shape)
        b = random_values(rng, st, rhs_shape)
        # Half the rows near the zero points: results in range.
        lo, hi = STORAGE[st][0], STORAGE[st][1]
        a[::2] = np.clip(np.array(lhs[1])[-1] + rng.integers(-6, 7, size=a[::2].shape), lo, hi)
        cases.append((op, st, lhs, rhs, out, lhs_shape, rhs_shape, a, b))
    return cases


def pa_qtype(storage, params):
    scales, zps, axis = params
    if axis is None:
        return qtype(storage, scales[0], zps[0])
    body = ", ".join(f"{mlir_float(s)}:{z}" for s, z in zip(scales, zps))
    return f"!quant.uniform<{storage}:f32:{axis}, {{{body}}}>"


def transposed_printer_lines(name, storage):
    """Prints the [ROWS, COLS] tensor `%name` transposed ([COLS, ROWS],
    channel after channel, the order of the per-channel references) as i32."""
    e = elem(storage)
    ext = "arith.extui" if storage == "u8" else "arith.extsi"
    return [
        f"  %{name}_e = tensor.empty() : tensor<{COLS}x{ROWS}xi32>",
        f"  %{name}_w = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, "
        "affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [\"parallel\", \"parallel\"]} "
        f"ins(%{name} : tensor<{ROWS}x{COLS}x{e}>) outs(%{name}_e : tensor<{COLS}x{ROWS}xi32>) {{",
        f"  ^bb0(%a: {e}, %b: i32):",
        f"    %x = {ext} %a : {e} to i32",
        "    linalg.yield %x : i32",
        f"  }} -> tensor<{COLS}x{ROWS}xi32>",
        f"  %{name}_u = tensor.cast %{name}_w : tensor<{COLS}x{ROWS}xi32> to tensor<*xi32>",
        f"  call @printMemrefI32(%{name}_u) : (tensor<*xi32>) -> ()",
    ]


def emit_qnn_peraxis(mode):
    funcs, body = [], []
    for i, (op, st, lhs, rhs, out, ls, rs, a, b) in enumerate(peraxis_cases(mode)):
        qa, qb, qc = pa_qtype(st, lhs), pa_qtype(st, rhs), qtype(st, *out)
        ta, tb = f"tensor<{shape_str(ls)}", f"tensor<{shape_str(rs)}"
        tc = f"tensor<{ROWS}x{COLS}"
        funcs += [
            f"func.func @case{i}(%a: {ta}x{qa}>, %b: {tb}x{qb}>) -> {tc}x{qc}> {{",
            f"  %0 = qnn.{op} %a, %b : ({ta}x{qa}>, {tb}x{qb}>) -> {tc}x{qc}>",
            f"  return %0 : {tc}x{qc}>",
            "}",
        ]
        e = elem(st)
        body += [
            f"  %a{i} = arith.constant dense<{dense(a)}> : {ta}x{e}>",
            f"  %b{i} = arith.constant dense<{dense(b)}> : {tb}x{e}>",
            f"  %aq{i} = quant.scast %a{i} : {ta}x{e}> to {ta}x{qa}>",
            f"  %bq{i} = quant.scast %b{i} : {tb}x{e}> to {tb}x{qb}>",
            f"  %r{i} = call @case{i}(%aq{i}, %bq{i}) : ({ta}x{qa}>, {tb}x{qb}>) -> {tc}x{qc}>",
            f"  %o{i} = quant.scast %r{i} : {tc}x{qc}> to {tc}x{e}>",
        ] + transposed_printer_lines(f"o{i}", st)
    return module(funcs, body)


def channel_rescale(name, src, src_t, dst_t, reals, in_zp, out_zp, in_elem,
                    out_elem, rounding):
    """A per-channel (last dimension) tosa.rescale by `reals`."""
    pairs = [tosa_multiplier(r) for r in reals]
    n = len(pairs)
    return [
        const(f"{name}_m", "[" + ", ".join(str(m) for m, _ in pairs) + "]",
              f"tensor<{n}xi32>"),
        const(f"{name}_s", "[" + ", ".join(str(s) for _, s in pairs) + "]",
              f"tensor<{n}xi8>"),
        const(f"{name}_iz", in_zp, f"tensor<1x{in_elem}>"),
        const(f"{name}_oz", out_zp, f"tensor<1x{out_elem}>"),
        f"  %{name} = tosa.rescale %{src}, %{name}_m, %{name}_s, %{name}_iz, "
        f"%{name}_oz {{scale32 = true, rounding_mode = {rounding}, "
        "per_channel = true, input_unsigned = false, output_unsigned = false} "
        f": ({src_t}, tensor<{n}xi32>, tensor<{n}xi8>, tensor<1x{in_elem}>, "
        f"tensor<1x{out_elem}>) -> {dst_t}",
    ]


def emit_tosa_peraxis(mode):
    """TensorFlow's ADD/SUB legalization with each channel's multipliers:
    per-channel tosa.rescale of both inputs and of the sum."""
    rounding = ROUNDING[mode]
    body = []
    for i, (op, st, lhs, rhs, out, ls, rs, a, b) in enumerate(peraxis_cases(mode)):
        e = elem(st)
        shift = 15 if st == "i16" else 20
        sa = [lhs[0][c if lhs[2] is not None else 0] for c in range(COLS)]
        sb = [rhs[0][c if rhs[2] is not None else 0] for c in range(COLS)]
        max2 = [2.0 * max(x, y) for x, y in zip(sa, sb)]
        a2 = a.reshape((1, COLS)) if a.ndim == 1 else a
        b2 = b.reshape((1, COLS)) if b.ndim == 1 else b
        ta, tb = f"tensor<{shape_str(a2.shape)}", f"tensor<{shape_str(b2.shape)}"
        tc = f"tensor<{ROWS}x{COLS}"
        body += [
            f"  %a{i} = arith.constant dense<{dense(a2)}> : {ta}x{e}>",
            f"  %b{i} = arith.constant dense<{dense(b2)}> : {tb}x{e}>",
        ]
        body += channel_rescale(f"ra{i}", f"a{i}", f"{ta}x{e}>", f"{ta}xi32>",
                                [2.0**shift * s / m for s, m in zip(sa, max2)],
                                lhs[1][0], 0, e, "i32", rounding)
        body += channel_rescale(f"rb{i}", f"b{i}", f"{tb}x{e}>", f"{tb}xi32>",
                                [2.0**shift * s / m for s, m in zip(sb, max2)],
                                rhs[1][0], 0, e, "i32", rounding)
        body.append(f"  %s{i} = tosa.{op} %ra{i}, %rb{i} : ({ta}xi32>, "
                    f"{tb}xi32>) -> {tc}xi32>")
        body += channel_rescale(f"o{i}", f"s{i}", f"{tc}xi32>", f"{tc}x{e}>",
                                [m / (out[0] * 2.0**shift) for m in max2], 0,
                                out[1], "i32", e, rounding)
        body += transposed_printer_lines(f"o{i}", st)
    return module([], body)


def peraxis_reference_cases():
    """gemmlowp_ops_ref's addsub input: one per-tensor case per channel (the
    column of that channel, its parameters), channel after channel."""
    lines = []
    count = 0
    for op, st, lhs, rhs, out, ls, rs, a, b in peraxis_cases("fixedpoint"):
        lo, hi, _, bits = STORAGE[st]
        a2 = np.broadcast_to(a, (ROWS, COLS))
        b2 = np.broadcast_to(b, (ROWS, COLS))
        for c in range(COLS):
            la = 0 if lhs[2] is None else c
            lb = 0 if rhs[2] is None else c
            lines.append(f"{op} {bits} {lo} {hi} {f32(lhs[0][la])!r} {lhs[1][la]} "
                         f"{f32(rhs[0][lb])!r} {rhs[1][lb]} {f32(out[0])!r} "
                         f"{out[1]} {ROWS}")
            lines.append(" ".join(str(v) for v in a2[:, c]))
            lines.append(" ".join(str(v) for v in b2[:, c]))
            count += 1
    return "\n".join([str(count)] + lines) + "\n"


# --- leaky_relu ----------------------------------------------------------- #


def leaky_cases():
    """(in storage, (s_in, z_in), out storage, (s_out, z_out), alpha); the
    input is every value of its storage type."""
    return [
        ("i8", (0.05, 3), "i8", (0.03, -10), 0.1),
        ("i8", (0.1, -128), "i8", (0.1, -128), 0.2),
        ("i8", (0.02, 0), "i8", (0.04, 7), 1.5),
        ("i8", (0.03, 20), "i8", (0.025, -5), 0.0),
        ("i8", (0.0625, -1), "i8", (0.125, 0), 0.375),
        ("i16", (0.001, 0), "i16", (0.0015, 0), 0.3),
        ("i16", (0.0005, 0), "i8", (0.2, 5), 0.01),
        ("i16", (2.0**-12, 0), "i16", (2.0**-11, 0), 0.25),
    ]


def all_values(storage):
    lo, hi, _, _ = STORAGE[storage]
    return np.arange(lo, hi + 1)


def emit_qnn_leaky(mode):
    funcs, body = [], []
    for i, (ist, inp, ost, out, alpha) in enumerate(leaky_cases()):
        x = all_values(ist)
        qi, qo = qtype(ist, *inp), qtype(ost, *out)
        t = f"tensor<{x.size}"
        funcs += [
            f"func.func @case{i}(%x: {t}x{qi}>) -> {t}x{qo}> {{",
            f"  %0 = qnn.leaky_relu %x alpha {mlir_float(alpha)} : ({t}x{qi}>) -> {t}x{qo}>",
            f"  return %0 : {t}x{qo}>",
            "}",
        ]
        body += [
            f"  %x{i} = arith.constant dense<{dense(x)}> : {t}x{elem(ist)}>",
            f"  %xq{i} = quant.scast %x{i} : {t}x{elem(ist)}> to {t}x{qi}>",
            f"  %r{i} = call @case{i}(%xq{i}) : ({t}x{qi}>) -> {t}x{qo}>",
            f"  %o{i} = quant.scast %r{i} : {t}x{qo}> to {t}x{elem(ost)}>",
        ] + printer_lines(f"o{i}", (x.size,), ost)
    return module(funcs, body)


def emit_tosa_leaky(mode):
    """TensorFlow's TFLite-to-TOSA legalization of a quantized LEAKY_RELU:
    greater_equal(rescale_to_i32(x), 0) selects between two rescales of x
    to the output, by s_in / s_out and by s_in * alpha / s_out (double)."""
    rounding = ROUNDING[mode]
    body = []
    for i, (ist, inp, ost, out, alpha) in enumerate(leaky_cases()):
        x = all_values(ist)
        ie, oe = elem(ist), elem(ost)
        t = f"tensor<{x.size}"
        body.append(f"  %x{i} = arith.constant dense<{dense(x)}> : {t}x{ie}>")
        body += rescale(f"v{i}", f"x{i}", f"{t}x{ie}>", f"{t}xi32>", 1.0,
                        inp[1], 0, ie, "i32", rounding)
        body += [
            const(f"zero{i}", 0, "tensor<1xi32>"),
            f"  %ge{i} = tosa.greater_equal %v{i}, %zero{i} : ({t}xi32>, "
            f"tensor<1xi32>) -> {t}xi1>",
        ]
        body += rescale(f"id{i}", f"x{i}", f"{t}x{ie}>", f"{t}x{oe}>",
                        inp[0] / out[0], inp[1], out[1], ie, oe, rounding)
        body += rescale(f"al{i}", f"x{i}", f"{t}x{ie}>", f"{t}x{oe}>",
                        inp[0] * float(np.float32(alpha)) / out[0], inp[1],
                        out[1], ie, oe, rounding)
        body.append(f"  %o{i} = tosa.select %ge{i}, %id{i}, %al{i} : ({t}xi1>, "
                    f"{t}x{oe}>, {t}x{oe}>) -> {t}x{oe}>")
        body += printer_lines(f"o{i}", (x.size,), ost)
    return module([], body)


def emit_cases(op):
    """The reference program's input, one case per block."""
    if op == "peraxis":
        return peraxis_reference_cases()
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


# --op: the qnn and the TOSA program.
OPS = {"addsub": (emit_qnn_addsub, emit_tosa_addsub),
       "avgpool": (emit_qnn_pool, emit_tosa_pool),
       "peraxis": (emit_qnn_peraxis, emit_tosa_peraxis),
       "leakyrelu": (emit_qnn_leaky, emit_tosa_leaky),
       "exportpool": (emit_qnn_exportpool, None)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("qnn", "tosa", "cases"):
        p = sub.add_parser(name)
        p.add_argument("--op", choices=OPS, required=True)
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
        if OPS[args.op][1] is None:
            parser.error(f"--op {args.op} has no TOSA program")
        text = OPS[args.op][1](args.mode)
    else:
        text = OPS[args.op][0](args.mode)
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
