#!/usr/bin/env python3
"""QDQ Conv layers with per-group (blocked) weights, ONNX opset 21
DequantizeLinear with `block_size` along axis 1 (the input channels), run
by quant-run (folded into im2col + qnn.matmul with per-group weights) and
compared with two references, as per_group_matmul.py does:

- numpy, bit-exact: QuantC's documented formula (docs/Numerics.md,
  "Per-group weights") on the im2col form: per group g = (kh, kw, cb), the
  B products of the input channels of block cb at tap (kh, kw), the exact
  integer P[g] = sum (x - zx) * (w - zw[f, cb, kh, kw]) (a tap in the
  padding reads x = zx); y = sum_g float32(P[g]) * float32(float32(s_x) *
  float32(s_w[f, cb, kh, kw])) in float32, g in (kh, kw, cb) order;
  q = clamp(round_half_to_even(y / s_y) + zy).
- ONNX Runtime 1.23.2 (ort_run.js), with all optimizations and without:
  an output may differ by 1 step only where the exact value lies within
  MIDPOINT_DISTANCE steps of a rounding midpoint.

  per_group_conv.py check --bin BUILD/bin [--target x86] [--node NODE --ort DIR] --work DIR

prints one line per model:

  NAME: E elements, numpy: M mismatches; ORT all: D differ (max S step), U unexplained; ORT disabled: ...
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from per_group_matmul import (NP_TYPES, RANGES, check_against_ort,
                              int_tensor, quantized_input, run, to_steps)

F = TensorProto.FLOAT

# name: (weight type, block, [N, C, H, W], F, [KH, KW], strides, dilations,
#        pads [top, left, bottom, right], activation type)
MODELS = {
    "int8-b16-u8-3x3": ("int8", 16, [1, 32, 8, 8], 8, [3, 3], [1, 1], [1, 1],
                        [1, 1, 1, 1], "uint8"),
    "int4-b32-u8-s2": ("int4", 32, [2, 64, 7, 7], 16, [3, 3], [2, 2], [1, 1],
                       [1, 1, 1, 1], "uint8"),
    "uint4-b8-i8-dilated": ("uint4", 8, [1, 16, 9, 7], 5, [2, 3], [1, 2],
                            [2, 1], [0, 1, 1, 0], "int8"),
    "int4-b16-u8-1x1": ("int4", 16, [1, 48, 5, 5], 12, [1, 1], [1, 1], [1, 1],
                        [0, 0, 0, 0], "uint8"),
}


# ONNX Runtime 1.23.2 with its QDQ fusions fuses a blocked 8-bit weight
# DequantizeLinear into QLinearConv, which then rejects the blocked weight
# zero point at run time: that model cannot run there.
ORT_QLINEARCONV_BLOCKED = "QLinearConv : filter zero point shape invalid"


def params(name):
    wtype, block, xshape, filters, kernel, strides, dilations, pads, xtype = \
        MODELS[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    lo, hi = RANGES[wtype]
    c = xshape[1]
    w = rng.integers(lo, hi + 1, size=(filters, c, *kernel))
    pshape = (filters, c // block, *kernel)
    s_w = (rng.uniform(0.5, 2.0, size=pshape) * 2.0**-6).astype(np.float32)
    z_w = rng.integers(lo, hi + 1, size=pshape)
    if wtype == "int8":
        z_w[::2] = 0  # symmetric filters next to asymmetric ones
    xlo, xhi = RANGES[xtype]
    k = c * kernel[0] * kernel[1]
    s_x = np.float32(0.03125)
    z_x = np.int64(xlo + (xhi - xlo) // 3)
    # 8-bit weights reach 16 times further than 4-bit ones.
    s_y = np.float32(0.0625 * (1 + (k // 64)) * (8 if "8" in wtype else 1))
    z_y = np.int64(xlo + (xhi - xlo) // 2)
    x = rng.normal(0.0, 1.5, size=xshape).astype(np.float32)
    return dict(w=w, s_w=s_w, z_w=z_w, s_x=s_x, z_x=z_x, s_y=s_y, z_y=z_y,
                x=x, wtype=wtype, xtype=xtype, block=block, strides=strides,
                dilations=dilations, pads=pads)


def output_shape(p):
    n, _, h, w = p["x"].shape
    kh, kw = p["w"].shape[2:]
    (sh, sw), (dh, dw), (pt, pl, pb, pr) = p["strides"], p["dilations"], p["pads"]
    return [n, p["w"].shape[0], (h + pt + pb - (kh - 1) * dh - 1) // sh + 1,
            (w + pl + pr - (kw - 1) * dw - 1) // sw + 1]


def make_model(name, path):
    p = params(name)
    wtype, xtype = p["wtype"], p["xtype"]
    inits = [int_tensor("w", p["w"], wtype),
             numpy_helper.from_array(p["s_w"], "s_w"),
             int_tensor("z_w", p["z_w"], wtype),
             numpy_helper.from_array(np.array(p["s_x"], np.float32), "s_x"),
             numpy_helper.from_array(np.array(p["z_x"], NP_TYPES[xtype]), "z_x"),
             numpy_helper.from_array(np.array(p["s_y"], np.float32), "s_y"),
             numpy_helper.from_array(np.array(p["z_y"], NP_TYPES[xtype]), "z_y")]
    pt, pl, pb, pr = p["pads"]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s_x", "z_x"], ["xq"], name="q_x"),
        helper.make_node("DequantizeLinear", ["xq", "s_x", "z_x"], ["xd"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w", "s_w", "z_w"], ["wd"],
                         name="dq_w", axis=1, block_size=p["block"]),
        helper.make_node("Conv", ["xd", "wd"], ["y"], name="conv",
                         kernel_shape=list(p["w"].shape[2:]),
                         strides=p["strides"], dilations=p["dilations"],
                         pads=[pt, pl, pb, pr]),
        helper.make_node("QuantizeLinear", ["y", "s_y", "z_y"], ["yq"], name="q_y"),
        helper.make_node("DequantizeLinear", ["yq", "s_y", "z_y"], ["out"], name="dq_y"),
    ]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", F, list(p["x"].shape))],
        [helper.make_tensor_value_info("out", F, output_shape(p))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10  # opset 21 (onnx 1.12's checker predates it)
    onnx.save(model, path)


def centred_parts(p):
    """P[g, n, f, oh, ow]: the exact integer sum of each group, g in
    (kh, kw, cb) order; and s_w[f] of each group as [G, F]."""
    pt, pl, pb, pr = p["pads"]
    xc = np.pad(quantized_input(p) - p["z_x"], ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    block = p["block"]
    wc = p["w"] - np.repeat(p["z_w"], block, axis=1)
    _, _, oh, ow = output_shape(p)
    (sh, sw), (dh, dw) = p["strides"], p["dilations"]
    parts, scales = [], []
    for kh in range(wc.shape[2]):
        for kw in range(wc.shape[3]):
            taps = xc[:, :, kh * dh:kh * dh + (oh - 1) * sh + 1:sh,
                      kw * dw:kw * dw + (ow - 1) * sw + 1:sw]
            for cb in range(wc.shape[1] // block):
                channels = slice(cb * block, (cb + 1) * block)
                parts.append(np.einsum("nchw,fc->nfhw", taps[:, channels],
                                       wc[:, channels, kh, kw]))
                scales.append(p["s_w"][:, cb, kh, kw])
    return np.stack(parts), np.stack(scales)


def reference_q(p):
    parts, s_w = centred_parts(p)
    scales = (np.float32(p["s_x"]) * s_w.astype(np.float32)).astype(np.float32)
    y = np.zeros(parts.shape[1:], np.float32)
    for g in range(parts.shape[0]):
        y = (y + parts[g].astype(np.float32) *
             scales[g][None, :, None, None]).astype(np.float32)
    lo, hi = RANGES[p["xtype"]]
    q = np.rint(y / np.float32(p["s_y"])).astype(np.float64) + p["z_y"]
    return np.clip(q, lo, hi).astype(np.int64)


def exact_steps(p):
    """The real value both sides round, in output steps (float64)."""
    parts, s_w = centred_parts(p)
    scales = np.float64(p["s_x"]) * s_w.astype(np.float64)
    y = np.einsum("gnfhw,gf->nfhw", parts.astype(np.float64), scales)
    return y / np.float64(p["s_y"]) + p["z_y"]


def check(args):
    os.makedirs(args.work, exist_ok=True)
    ok = True
    for name in MODELS:
        p = params(name)
        base = os.path.join(args.work, name)
        make_model(name, base + ".onnx")
        np.save(base + ".x.npy", p["x"])
        expected = reference_q(p)
        run([os.path.join(args.bin, "quant-run"), base + ".onnx",
             "--target", args.target, "--input", base + ".x.npy",
             "--output", base + ".quantc.npy"])
        ours = to_steps(np.load(base + ".quantc.npy"), p)
        mismatches = int((ours != expected).sum())
        line = f"{name}: {expected.size} elements, numpy: {mismatches} mismatches"
        ok &= mismatches == 0
        if args.ort:
            ort_line, ort_ok = check_against_ort(
                args, base, ours, p, exact_steps(p), ORT_QLINEARCONV_BLOCKED,
                "QLinearConv")
            line += ort_line
            ok &= ort_ok
        print(line)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--bin", required=True)
    c.add_argument("--target", default="cpu")
    c.add_argument("--node")
    c.add_argument("--ort", help="without it, numpy only")
    c.add_argument("--work", required=True)
    m = sub.add_parser("model")
    m.add_argument("name", choices=sorted(MODELS))
    m.add_argument("path")
    args = parser.parse_args()
    if args.command == "model":
        make_model(args.name, args.path)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
