#!/usr/bin/env python3
# ===- per_axis_layout.py - Layout ops on per-axis quantized tensors -----=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""QDQ layout ops on per-axis (per-channel) quantized tensors, and their
check.

  per_axis_layout.py emit -o model.mlir     QDQ graphs, @main prints them
  per_axis_layout.py check RUNNER_OUTPUT    numpy reference, exact

Each case is q(op(dq(x))) (quant.dcast, a float tosa.transpose /
tosa.reshape / tensor.extract_slice / tensor.pad / tosa.concat,
quant.qcast, as quant-import writes them) on an int8 [2, 4, 3, 5] tensor
quantized per channel along axis 1 (random scales and zero points), with an
output quantized per axis where the axis lands (the same or other
parameters) or per tensor; one flatten merges the axis (quant-fold-qdq
leaves it in QDQ form) and must still compute the same. The reference is
numpy: dq(q) = float32(q - zp[c]) * s[c], the op, q(x) =
clamp(round_half_to_even(float32(x / s)) + zp) with the output's channel
parameters (docs/Numerics.md).
"""

import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "examples", "requant"))
from requant_modes import mlir_float as mlir_double  # noqa: E402

F32 = np.float32
SHAPE = (2, 4, 3, 5)
rng = np.random.default_rng(23)
X = rng.integers(-128, 128, size=SHAPE)
S_IN = (10.0 ** rng.uniform(-2, -0.5, 4)).astype(F32)
Z_IN = rng.integers(-20, 20, 4)
Z_SYM = np.zeros(4, dtype=np.int64)  # for the pad: one stored 0.0


def mlir_float(x):
    """`x` rounded to float32, spelled for MLIR."""
    return mlir_double(F32(x))


def qtype(axis, scales, zps):
    if axis is None:
        return f"!quant.uniform<i8:f32, {mlir_float(scales[0])}:{zps[0]}>"
    body = ",".join(f"{mlir_float(s)}:{z}" for s, z in zip(scales, zps))
    return f"!quant.uniform<i8:f32:{axis}, {{{body}}}>"


def shape_str(shape):
    return "x".join(str(d) for d in shape)


def other(scales, factor):
    return (scales * F32(factor)).astype(F32)


# name, input zero points, op builder (MLIR of %d -> %r), numpy op, output
# shape, output (axis or None, scales, zero points)
def cases():
    perm = [0, 2, 3, 1]
    t_shape = tuple(SHAPE[p] for p in perm)
    out = []
    out.append(("transpose", Z_IN,
                lambda: [f"  %r = tosa.transpose %d {{perms = array<i32: {', '.join(map(str, perm))}>}} "
                         f": (tensor<{shape_str(SHAPE)}xf32>) -> tensor<{shape_str(t_shape)}xf32>"],
                lambda x: x.transpose(perm), t_shape, (3, S_IN, Z_IN)))
    out.append(("transpose_requant", Z_IN,
                lambda: [f"  %r = tosa.transpose %d {{perms = array<i32: {', '.join(map(str, perm))}>}} "
                         f": (tensor<{shape_str(SHAPE)}xf32>) -> tensor<{shape_str(t_shape)}xf32>"],
                lambda x: x.transpose(perm), t_shape, (None, [F32(0.02)], [3])))
    r_shape = (2, 4, 15)
    out.append(("reshape_keeps_axis", Z_IN,
                lambda: [f"  %s = tosa.const_shape {{values = dense<[2, 4, 15]> : tensor<3xindex>}} : () -> !tosa.shape<3>",
                         f"  %r = tosa.reshape %d, %s : (tensor<{shape_str(SHAPE)}xf32>, !tosa.shape<3>) -> tensor<{shape_str(r_shape)}xf32>"],
                lambda x: x.reshape(r_shape), r_shape,
                (1, other(S_IN, 1.37), Z_IN + 5)))
    f_shape = (2, 60)
    out.append(("flatten_merges_axis", Z_IN,
                lambda: [f"  %r = tensor.collapse_shape %d [[0], [1, 2, 3]] : tensor<{shape_str(SHAPE)}xf32> into tensor<{shape_str(f_shape)}xf32>"],
                lambda x: x.reshape(f_shape), f_shape,
                (None, [F32(0.03)], [-2])))
    sl_shape = (2, 2, 3, 5)
    out.append(("slice_along_axis", Z_IN,
                lambda: [f"  %r = tensor.extract_slice %d[0, 1, 0, 0] [2, 2, 3, 5] [1, 1, 1, 1] : tensor<{shape_str(SHAPE)}xf32> to tensor<{shape_str(sl_shape)}xf32>"],
                lambda x: x[:, 1:3], sl_shape, (1, S_IN[1:3], Z_IN[1:3])))
    p_shape = (2, 4, 6, 5)
    out.append(("pad_other_dim", Z_SYM,
                lambda: ["  %v = arith.constant 0.0 : f32",
                         "  %r = tensor.pad %d low[0, 0, 1, 0] high[0, 0, 2, 0] {",
                         "  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):",
                         "    tensor.yield %v : f32",
                         f"  }} : tensor<{shape_str(SHAPE)}xf32> to tensor<{shape_str(p_shape)}xf32>"],
                lambda x: np.pad(x, ((0, 0), (0, 0), (1, 2), (0, 0))), p_shape,
                (1, other(S_IN, 0.8), Z_SYM + 1)))
    c_shape = (2, 8, 3, 5)
    out.append(("concat_along_axis", Z_IN,
                lambda: [f"  %r = tosa.concat %d, %d {{axis = 1 : i32}} : (tensor<{shape_str(SHAPE)}xf32>, tensor<{shape_str(SHAPE)}xf32>) -> tensor<{shape_str(c_shape)}xf32>"],
                lambda x: np.concatenate([x, x], axis=1), c_shape,
                (1, np.concatenate([S_IN, S_IN]), np.concatenate([Z_IN, Z_IN]))))
    return out


def emit():
    lines = ["func.func private @printMemrefI32(tensor<*xi32>)"]
    body = []
    xs = f"tensor<{shape_str(SHAPE)}"
    for i, (name, z_in, op, _, oshape, (axis, s_out, z_out)) in enumerate(cases()):
        qi = qtype(1, S_IN, z_in)
        qo = qtype(axis, s_out, z_out)
        os_ = f"tensor<{shape_str(oshape)}"
        lines += [f"func.func @{name}(%x: {xs}x{qi}>) -> {os_}x{qo}> {{",
                  f"  %d = quant.dcast %x : {xs}x{qi}> to {xs}xf32>"]
        lines += op()
        lines += [f"  %y = quant.qcast %r : {os_}xf32> to {os_}x{qo}>",
                  f"  return %y : {os_}x{qo}>", "}"]
        rank = len(oshape)
        dims = ", ".join(f"d{k}" for k in range(rank))
        iters = ", ".join(['"parallel"'] * rank)
        body += [
            f"  %xq{i} = quant.scast %x : {xs}xi8> to {xs}x{qi}>",
            f"  %r{i} = call @{name}(%xq{i}) : ({xs}x{qi}>) -> {os_}x{qo}>",
            f"  %s{i} = quant.scast %r{i} : {os_}x{qo}> to {os_}xi8>",
            f"  %e{i} = tensor.empty() : {os_}xi32>",
            f"  %w{i} = linalg.generic {{indexing_maps = [affine_map<({dims}) -> ({dims})>, "
            f"affine_map<({dims}) -> ({dims})>], iterator_types = [{iters}]}} "
            f"ins(%s{i} : {os_}xi8>) outs(%e{i} : {os_}xi32>) {{",
            "  ^bb0(%a: i8, %b: i32):",
            "    %v = arith.extsi %a : i8 to i32",
            "    linalg.yield %v : i32",
            f"  }} -> {os_}xi32>",
            f"  %u{i} = tensor.cast %w{i} : {os_}xi32> to tensor<*xi32>",
            f"  call @printMemrefI32(%u{i}) : (tensor<*xi32>) -> ()",
        ]
    dense = np.array2string(X, separator=", ", threshold=sys.maxsize,
                            max_line_width=sys.maxsize).replace("\n", "")
    lines += ["func.func @main() {",
              f"  %x = arith.constant dense<{dense}> : {xs}xi8>"] + body
    lines += ["  return", "}"]
    return "\n".join(lines) + "\n"


def channel_view(values, axis, rank):
    shape = [1] * rank
    shape[axis] = -1
    return np.asarray(values).reshape(shape)


def reference():
    expected = []
    for name, z_in, _, op, oshape, (axis, s_out, z_out) in cases():
        x = (X - channel_view(z_in, 1, 4)).astype(F32)
        x = x * channel_view(S_IN, 1, 4).astype(F32)
        y = op(x.astype(F32)).astype(F32)
        rank = len(oshape)
        if axis is None:
            s, z = F32(s_out[0]), z_out[0]
        else:
            s = channel_view(np.asarray(s_out, dtype=F32), axis, rank)
            z = channel_view(z_out, axis, rank)
        q = np.rint((y / s).astype(F32)) + z
        expected += [int(v) for v in np.clip(q, -128, 127).ravel()]
    return expected


def check(path):
    with open(path) as f:
        text = f.read()
    actual = []
    for chunk in text.split("data =")[1:]:
        chunk = chunk.split("Unranked Memref")[0]
        actual += [int(v) for v in re.findall(r"-?\d+", chunk)]
    expected = reference()
    if len(actual) != len(expected):
        print(f"FAIL: {len(expected)} expected values, {len(actual)} actual")
        return 1
    mismatches = sum(1 for e, a in zip(expected, actual) if e != a)
    print(f"{len(expected)} values, {len(set(expected))} distinct, "
          f"{mismatches} mismatches")
    if mismatches or len(set(expected)) < 50:
        print("FAIL")
        return 1
    print("PASS: bit-exact")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("emit")
    p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("check")
    p.add_argument("output")
    args = parser.parse_args()
    if args.command == "check":
        return check(args.output)
    with open(args.output, "w") as f:
        f.write(emit())
    return 0


if __name__ == "__main__":
    sys.exit(main())
