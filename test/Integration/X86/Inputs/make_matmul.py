#!/usr/bin/env python3
"""Writes a qnn.matmul model on stored integers, its input and the numpy
reference of its output (fp32 requantization).

The model takes the stored activations (i8, or u8 with --act u8), multiplies
them by constant s8 weights with a constant i32 bias, and returns the stored
i8 result. Scales are powers of two, so float32 requantization is exact in
any evaluation order: the reference is float32(y) * M, rounded half to even,
plus the output zero point, clamped, with y the exact integer sum
sum_k (x - zx)(w - zw[n]) + bias[n] (numpy int64).

  make_matmul.py --m 37 --k 53 --n 45 [--batch 2] [--act s8|u8]
      [--weights per-tensor|per-channel|asymmetric] [--no-bias]
      [--requant-mode fixedpoint] DIR
"""
import argparse
import os

import numpy as np


def dense(values):
    return "[" + ", ".join(str(int(v)) for v in values.reshape(-1)) + "]"


def nested(a):
    if a.ndim == 1:
        return dense(a)
    return "[" + ", ".join(nested(row) for row in a) + "]"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--batch", type=int, default=0,
                   help="a leading batch dimension of this size (0: none)")
    p.add_argument("--act", choices=["s8", "u8"], default="s8")
    p.add_argument("--weights", default="per-tensor",
                   choices=["per-tensor", "per-channel", "asymmetric"])
    p.add_argument("--no-bias", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--requant-mode", default="",
                   help="record this qnn.requant_mode on the module (the "
                        "reference stays the fp32 one: compare such runs "
                        "with each other)")
    p.add_argument("dir")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    m, k, n = a.m, a.k, a.n
    lead = [a.batch] if a.batch else []

    if a.act == "s8":
        x = rng.integers(-128, 128, size=lead + [m, k]).astype(np.int8)
        zx, act_storage = -3, "i8"
    else:
        x = rng.integers(0, 256, size=lead + [m, k]).astype(np.uint8)
        zx, act_storage = 131, "u8"
    w = rng.integers(-127, 128, size=(k, n)).astype(np.int8)
    bias = rng.integers(-5000, 5000, size=n).astype(np.int32)
    sx_exp = 4
    if a.weights == "per-channel":
        sw_exp = rng.integers(4, 7, size=n)
        zw = np.zeros(n, dtype=np.int64)
    else:
        sw_exp = np.full(n, 5)
        zw = np.full(n, 7 if a.weights == "asymmetric" else 0, dtype=np.int64)
    so_exp, zo = 0, 5

    # Reference.
    y = np.einsum("...mk,kn->...mn", x.astype(np.int64) - zx,
                  w.astype(np.int64) - zw[None, :])
    if not a.no_bias:
        y = y + bias.astype(np.int64)
    multiplier = np.float32(2.0) ** -(sx_exp + sw_exp - so_exp).astype(np.float32)
    scaled = y.astype(np.float32) * multiplier.astype(np.float32)
    ref = np.clip(np.rint(scaled) + zo, -128, 127).astype(np.int8)

    # Model.
    qa = f"!quant.uniform<{act_storage}:f32, {2.0 ** -sx_exp}:{zx}>"
    if a.weights == "per-channel":
        scales = ", ".join(f"{2.0 ** -int(e)}" for e in sw_exp)
        qw = f"!quant.uniform<i8:f32:1, {{{scales}}}>"
        qb = "!quant.uniform<i32:f32:0, {" + ", ".join(
            f"{2.0 ** -(sx_exp + int(e))}" for e in sw_exp) + "}>"
    else:
        qw = f"!quant.uniform<i8:f32, {2.0 ** -5}:{int(zw[0])}>"
        qb = f"!quant.uniform<i32:f32, {2.0 ** -(sx_exp + 5)}>"
    qo = f"!quant.uniform<i8:f32, {2.0 ** -so_exp}:{zo}>"
    shape = "x".join(str(d) for d in lead + [m])
    xt = f"tensor<{shape}x{k}x{{}}>"
    ot = f"tensor<{shape}x{n}x{{}}>"
    dtype_attr = ', quantc.onnx_dtype = "UINT8"' if a.act == "u8" else ""
    bias_use = "" if a.no_bias else " bias %b"
    bias_type = "" if a.no_bias else f", tensor<{n}x!qb>"
    lines = [
        f"!qa = {qa}", f"!qw = {qw}", f"!qb = {qb}", f"!qo = {qo}",
        f'func.func @main(%x: {xt.format("i8")} {{quantc.onnx_name = "x"{dtype_attr}}})',
        f'    -> ({ot.format("i8")} {{quantc.onnx_name = "y"}}) {{',
        f"  %xq = quant.scast %x : {xt.format('i8')} to {xt.format('!qa')}",
        f"  %wi = arith.constant dense<{nested(w)}> : tensor<{k}x{n}xi8>",
        f"  %w = quant.scast %wi : tensor<{k}x{n}xi8> to tensor<{k}x{n}x!qw>",
        f"  %bi = arith.constant dense<{dense(bias)}> : tensor<{n}xi32>",
        f"  %b = quant.scast %bi : tensor<{n}xi32> to tensor<{n}x!qb>",
        f"  %y = qnn.matmul %xq, %w{bias_use} : ({xt.format('!qa')}, "
        f"tensor<{k}x{n}x!qw>{bias_type}) -> {ot.format('!qo')}",
        f"  %yi = quant.scast %y : {ot.format('!qo')} to {ot.format('i8')}",
        f"  return %yi : {ot.format('i8')}",
        "}",
    ]
    if a.requant_mode:
        lines = lines[:4] + [
            "module attributes {qnn.requant_mode = "
            f"#qnn.requant_mode<{a.requant_mode}>}} {{"] + lines[4:] + ["}"]
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "model.mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(os.path.join(a.dir, "x.npy"), x)
    np.save(os.path.join(a.dir, "ref.npy"), ref)


if __name__ == "__main__":
    main()
