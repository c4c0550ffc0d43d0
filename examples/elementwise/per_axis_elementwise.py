#!/usr/bin/env python3
# ===- per_axis_elementwise.py - add/sub/mul with per-axis operands ------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""QDQ add/sub/mul where an operand is quantized per axis, and their check.

  per_axis_elementwise.py emit [--mul-only] -o model.mlir   QDQ graphs, @main prints them
  per_axis_elementwise.py check [--mode M] RUNNER_OUTPUT    reference, exact

Each case is dq(a) op dq(b) -> q (tosa.add/sub/mul between quant.dcast and
quant.qcast, as quant-import writes them), with a per-channel operand
(random scales and zero points per channel) next to a per-tensor one or a
second per-channel one, broadcasting, stored values over the whole range.
The reference is the formula of docs/Numerics.md "Elementwise ops" with
each channel's parameters: ONNX Runtime's x86 QLinearAdd/QLinearMul
arithmetic (qdq_elementwise.py's fma emulation), channel by channel.
`--mode fixedpoint` checks the mul cases (`emit --mul-only`) against TFLite's
integer mul with each channel's multiplier s_a * s_b / s_c
(wide_activations.py's transcription of QuantizeMultiplier and gemmlowp's
MultiplyByQuantizedMultiplier).
"""

import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qdq_elementwise import fma  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "requant"))
from requant_modes import mlir_float as mlir_double  # noqa: E402
from wide_activations import mbqm, quantize_multiplier  # noqa: E402

STORAGE = {"i8": (-128, 127), "u8": (0, 255)}

# op, (a shape, storage, axis or None), (b shape, storage, axis or None),
# output storage, result shape
CASES = [
    ("add", ((4, 6, 5), "i8", 1), ((1, 1, 5), "u8", None), "i8", (4, 6, 5)),
    ("sub", ((3, 8), "i8", None), ((1, 8), "i8", 1), "u8", (3, 8)),
    ("mul", ((3, 4, 9), "i8", 1), ((3, 4, 9), "i8", None), "i8", (3, 4, 9)),
    ("add", ((5, 6), "u8", 1), ((5, 6), "i8", 1), "u8", (5, 6)),
    ("mul", ((6, 16), "u8", None), ((6, 1), "i8", 0), "i8", (6, 16)),
]


def mlir_float(x):
    """`x` rounded to float32, spelled for MLIR."""
    return mlir_double(np.float32(x))


def params(rng, shape, storage, axis):
    lo, hi = STORAGE[storage]
    count = shape[axis] if axis is not None else 1
    scales = (10.0 ** rng.uniform(-2.5, -0.5, size=count)).astype(np.float32)
    zps = rng.integers(lo // 2, hi // 2, size=count, endpoint=True)
    return scales, zps


def qtype(storage, axis, scales, zps):
    if axis is None:
        return f"!quant.uniform<{storage}:f32, {mlir_float(scales[0])}:{zps[0]}>"
    pairs = ", ".join(f"{mlir_float(s)}:{z}" for s, z in zip(scales, zps))
    return f"!quant.uniform<{storage}:f32:{axis}, {{{pairs}}}>"


def make_cases(mul_only=False):
    rng = np.random.default_rng(23)
    cases = []
    for op, (ash, ast, aax), (bsh, bst, bax), ost, rsh in CASES:
        if mul_only and op != "mul":
            continue
        sa, za = params(rng, ash, ast, aax)
        sb, zb = params(rng, bsh, bst, bax)
        # An output scale near the inputs' (add/sub) or their product's
        # (mul), so that results fill the range and saturate at the ends.
        if op == "mul":
            sc = np.float32(np.median(sa) * np.median(sb) * 40)
        else:
            sc = np.float32(max(np.median(sa), np.median(sb)) * 1.7)
        lo, hi = STORAGE[ost]
        zc = int(rng.integers(lo // 2, hi // 2, endpoint=True))
        a = rng.integers(*STORAGE[ast], size=ash, endpoint=True)
        b = rng.integers(*STORAGE[bst], size=bsh, endpoint=True)
        cases.append(dict(op=op, a=a, b=b, ast=ast, bst=bst, aax=aax, bax=bax,
                          sa=sa, za=za, sb=sb, zb=zb, sc=sc, zc=zc, ost=ost,
                          rsh=rsh))
    return cases


def dense(x):
    return np.array2string(x, separator=", ", threshold=sys.maxsize,
                           max_line_width=sys.maxsize).replace("\n", "")


def shape_str(shape):
    return "x".join(map(str, shape))


def emit(mul_only):
    lines = ["func.func private @printMemrefI32(tensor<*xi32>)"]
    body = []
    for i, c in enumerate(make_cases(mul_only)):
        qa = qtype(c["ast"], c["aax"], c["sa"], c["za"])
        qb = qtype(c["bst"], c["bax"], c["sb"], c["zb"])
        qc = qtype(c["ost"], None, [c["sc"]], [c["zc"]])
        ta, tb, tr = (f"tensor<{shape_str(s)}" for s in
                      (c["a"].shape, c["b"].shape, c["rsh"]))
        lines += [
            f"func.func @case{i}(%a: {ta}x{qa}>, %b: {tb}x{qb}>) -> {tr}x{qc}> {{",
            f"  %ad = quant.dcast %a : {ta}x{qa}> to {ta}xf32>",
            f"  %bd = quant.dcast %b : {tb}x{qb}> to {tb}xf32>",
        ]
        if c["op"] == "mul":
            lines += [
                "  %shift = \"tosa.const\"() {values = dense<0> : tensor<1xi8>} "
                ": () -> tensor<1xi8>",
                f"  %y = tosa.mul %ad, %bd, %shift : ({ta}xf32>, {tb}xf32>, "
                f"tensor<1xi8>) -> {tr}xf32>",
            ]
        else:
            lines.append(f"  %y = tosa.{c['op']} %ad, %bd : ({ta}xf32>, "
                         f"{tb}xf32>) -> {tr}xf32>")
        lines += [f"  %q = quant.qcast %y : {tr}xf32> to {tr}x{qc}>",
                  f"  return %q : {tr}x{qc}>", "}"]
        rank = len(c["rsh"])
        dims = ", ".join(f"d{k}" for k in range(rank))
        iters = ", ".join(['"parallel"'] * rank)
        ext = "arith.extui" if c["ost"] == "u8" else "arith.extsi"
        body += [
            f"  %a{i} = arith.constant dense<{dense(c['a'])}> : {ta}xi8>",
            f"  %b{i} = arith.constant dense<{dense(c['b'])}> : {tb}xi8>",
            f"  %aq{i} = quant.scast %a{i} : {ta}xi8> to {ta}x{qa}>",
            f"  %bq{i} = quant.scast %b{i} : {tb}xi8> to {tb}x{qb}>",
            f"  %r{i} = call @case{i}(%aq{i}, %bq{i}) : ({ta}x{qa}>, {tb}x{qb}>) "
            f"-> {tr}x{qc}>",
            f"  %s{i} = quant.scast %r{i} : {tr}x{qc}> to {tr}xi8>",
            f"  %e{i} = tensor.empty() : {tr}xi32>",
            f"  %w{i} = linalg.generic {{indexing_maps = [affine_map<({dims}) -> "
            f"({dims})>, affine_map<({dims}) -> ({dims})>], iterator_types = "
            f"[{iters}]}} ins(%s{i} : {tr}xi8>) outs(%e{i} : {tr}xi32>) {{",
            "  ^bb0(%x: i8, %o: i32):",
            f"    %z = {ext} %x : i8 to i32",
            "    linalg.yield %z : i32",
            f"  }} -> {tr}xi32>",
            f"  %u{i} = tensor.cast %w{i} : {tr}xi32> to tensor<*xi32>",
            f"  call @printMemrefI32(%u{i}) : (tensor<*xi32>) -> ()",
        ]
    lines += ["func.func @main() {"] + body + ["  return", "}"]
    return "\n".join(lines) + "\n"


def per_element(values, axis, operand_shape, result_shape):
    """A per-channel parameter broadcast to the result's shape."""
    if axis is None:
        return np.full(result_shape, values[0])
    shape = [1] * len(operand_shape)
    shape[axis] = len(values)
    offset = len(result_shape) - len(operand_shape)
    full = np.reshape(values, [1] * offset + shape)
    return np.broadcast_to(full, result_shape)


def fixedpoint_mul(c):
    rsh = c["rsh"]
    a = np.broadcast_to(c["a"], rsh)
    b = np.broadcast_to(c["b"], rsh)
    sa = per_element(c["sa"], c["aax"], c["a"].shape, rsh)
    za = per_element(c["za"], c["aax"], c["a"].shape, rsh)
    sb = per_element(c["sb"], c["bax"], c["b"].shape, rsh)
    zb = per_element(c["zb"], c["bax"], c["b"].shape, rsh)
    lo, hi = STORAGE[c["ost"]]
    out = np.empty(rsh, dtype=np.int64)
    for idx in np.ndindex(*rsh):
        m, shift = quantize_multiplier(float(sa[idx]) * float(sb[idx]) /
                                       float(c["sc"]))
        prod = int(a[idx] - za[idx]) * int(b[idx] - zb[idx])
        out[idx] = min(hi, max(lo, mbqm(prod, m, shift) + c["zc"]))
    return out


def reference(c):
    f32 = np.float32
    rsh = c["rsh"]
    a = np.broadcast_to(c["a"], rsh)
    b = np.broadcast_to(c["b"], rsh)
    sa = per_element(c["sa"], c["aax"], c["a"].shape, rsh).astype(f32)
    za = per_element(c["za"], c["aax"], c["a"].shape, rsh)
    sb = per_element(c["sb"], c["bax"], c["b"].shape, rsh).astype(f32)
    zb = per_element(c["zb"], c["bax"], c["b"].shape, rsh)
    sc, zc = f32(c["sc"]), c["zc"]
    lo, hi = STORAGE[c["ost"]]
    if c["op"] == "mul":
        m = (sa * sb).astype(f32) / sc
        prod = ((a - za) * (b - zb)).astype(f32)
        q = np.rint(prod * m).astype(np.int64) + zc
    else:
        ra = sa / sc
        rb = sb / sc
        if c["op"] == "sub":
            rb = -rb
        fixed = f32(zc) - ((ra * za.astype(f32)).astype(f32)
                           + (rb * zb.astype(f32)).astype(f32))
        partial = fma(b.astype(f32), rb, fixed.astype(f32))
        q = np.rint(fma(a.astype(f32), ra, partial)).astype(np.int64)
    return np.clip(q, lo, hi)


def check(path, mode):
    with open(path) as f:
        text = f.read()
    got = []
    for chunk in text.split("data =")[1:]:
        chunk = chunk.split("Unranked Memref")[0]
        got.append([int(v) for v in re.findall(r"-?\d+", chunk)])
    cases = make_cases(mul_only=mode == "fixedpoint")
    if len(got) != len(cases):
        print(f"FAIL: {len(got)} results for {len(cases)} cases")
        return 1
    total = mismatched = 0
    distinct = set()
    for i, c in enumerate(cases):
        expected = (fixedpoint_mul(c) if mode == "fixedpoint"
                    else reference(c)).ravel()
        actual = np.array(got[i])
        if actual.shape != expected.shape:
            print(f"FAIL: case {i}: {actual.size} values, expected {expected.size}")
            return 1
        bad = np.nonzero(actual != expected)[0]
        for k in bad[:5]:
            print(f"  case {i} ({c['op']}) element {k}: expected "
                  f"{expected[k]}, got {actual[k]}")
        total += expected.size
        mismatched += bad.size
        distinct |= set(expected.tolist())
    print(f"{total} values, {len(distinct)} distinct, {mismatched} mismatches")
    if mismatched or len(distinct) < 50:
        print("FAIL")
        return 1
    print("PASS: bit-exact")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("emit")
    p.add_argument("--mul-only", action="store_true")
    p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("check")
    p.add_argument("--mode", choices=["fp32", "fixedpoint"], default="fp32")
    p.add_argument("output")
    args = parser.parse_args()
    if args.command == "check":
        return check(args.output, args.mode)
    with open(args.output, "w") as f:
        f.write(emit(args.mul_only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
