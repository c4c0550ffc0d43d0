#!/usr/bin/env python3
# ===- check_recipes.py - Recipe decisions and results against numpy ---=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------=== #
"""check_recipes.py int4 OUT_DIR MANIFEST.json GOT.npy
   check_recipes.py mixed MANIFEST.json
   check_recipes.py sqnr GOT.npy REF.npy MIN_DB

int4: the int4-weight-only recipe on make_weight_only.py's MLP. numpy
quantizes each weight independently: s4 symmetric blocks of 32 along K
(axis 0 of W1 [K, N], axis 1 of the transposed Gemm's W2 [N, K]), scale
float32(2 * max|w| / 15) (float64 arithmetic, ONNX Runtime's symmetric
compute_scale_zp on [-8, 7]), q = clip(round_half_even(float32(w / s)), -8,
7); the manifest's block scales must equal numpy's exactly, and quant-run's
output must match numpy's forward pass on the dequantized weights (float
activations) to float32 rounding.

mixed: examples/recipes/mixed.json on make_float_cnn.py's CNN. Every
tensor's decision in the manifest: 16-bit tensors exactly around conv3
(its input, the concat, and its output), the depthwise conv's weights
float, every other weight s8 per channel, every other activation u8.
"""

import json
import sys

import numpy as np

F32 = np.float32


def blocked_s4(w, axis, group):
    """numpy's blocked s4 fake quantization of w along axis: (dequantized
    weight, scales with the blocked axis divided by group)."""
    moved = np.moveaxis(w, axis, 0)
    k = moved.shape[0]
    blocks = moved.reshape(k // group, group, *moved.shape[1:])
    absmax = np.abs(blocks).max(axis=1).astype(np.float64)
    scale = (2 * absmax / 15).astype(F32)
    scale_b = scale[:, None]
    q = np.clip(np.rint(blocks / scale_b), -8, 7)
    deq = (q * scale_b).astype(F32).reshape(moved.shape)
    return np.moveaxis(deq, 0, axis), np.moveaxis(scale, 0, axis)


def check_int4(out_dir, manifest_path, got_path):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import make_weight_only as mlp
    p = mlp.parameters()
    w1, s1 = blocked_s4(p["W1"], 0, 32)
    w2, s2 = blocked_s4(p["W2"], 1, 32)
    manifest = json.load(open(manifest_path))
    blocks = [t for t in manifest["tensors"] if t.get("granularity") == "block"]
    failures = 0
    for expected, name in ((s1, "W1"), (s2, "W2")):
        match = [t for t in blocks if t["param_shape"] == list(expected.shape)]
        if len(match) != 1:
            print(f"{name}: {len(match)} blocked weights of parameter shape "
                  f"{list(expected.shape)} in the manifest")
            failures += 1
            continue
        t = match[0]
        scales = np.array(t["scales"], F32).reshape(expected.shape)
        bad = int((scales != expected).sum())
        zp = set(t["zero_points"])
        if (bad or zp != {0} or t["bits"] != 4 or not t["signed"]
                or t["recipe"]["group_size"] != 32):
            print(f"{name}: {bad} scales differ from numpy, zero points {zp},"
                  f" bits {t['bits']}, recipe {t['recipe']}")
            failures += 1
    x = np.load(f"{out_dir}/test.npy").astype(np.float64)
    h = np.maximum(x @ w1.astype(np.float64), 0)
    ref = h @ w2.T.astype(np.float64) + p["b2"]
    floatref = np.maximum(x @ p["W1"], 0) @ p["W2"].T + p["b2"]
    got = np.load(got_path).astype(np.float64)
    err = np.abs(got - ref).max()
    tol = 1e-5 * np.abs(ref).max()
    sqnr = 10 * np.log10((floatref ** 2).sum() / ((got - floatref) ** 2).sum())
    print(f"int4: {len(blocks)} blocked weights, max |quant-run - numpy| "
          f"{'<=' if err <= tol else '>'} 1e-5 of max |y|; SQNR against "
          f"float {sqnr:.1f} dB")
    return failures + (err > tol)


def check_mixed(manifest_path):
    manifest = json.load(open(manifest_path))
    failures = 0
    weights = {}
    acts = {}
    for t in manifest["tensors"]:
        if t.get("kind") == "observer" or "bits" not in t:
            continue
        if t["op"] == "quant.scast":
            weights[t["name"]] = t
        elif t["op"] == "quant.qcast":
            acts[t["name"]] = t
    # The weights: conv1, conv3, fc per channel s8; dwconv's float.
    wnames = sorted(weights)
    for name, t in weights.items():
        if "dwconv" in name or "wdw" in name:
            print(f"{name}: the excluded dwconv's weight is quantized")
            failures += 1
        if (t["bits"], t["signed"], t["granularity"]) != (8, True, "channel"):
            print(f"{name}: weight decision {t['bits']} bits, "
                  f"{t['granularity']}")
            failures += 1
    if len(weights) != 3:
        print(f"expected 3 quantized weights, got {wnames}")
        failures += 1
    # Activations: 16 bits at conv3's input (the concat's output) and
    # output, 8 bits elsewhere.
    wide = {"concat", "conv3"}
    for name, t in sorted(acts.items()):
        base = name.split("#")[0]
        want = (16, True) if base in wide else (8, False)
        got = (t["bits"], t["signed"])
        if got != want or t["recipe"]["bits"] != want[0]:
            print(f"{name}: {got[0]} bits signed={got[1]}, expected "
                  f"{want[0]}")
            failures += 1
    print(f"mixed: {len(weights)} weights ({', '.join(wnames)}), "
          f"{len(acts)} activations, 16-bit: "
          f"{sorted(n for n, t in acts.items() if t['bits'] == 16)}; "
          f"{failures} wrong decisions")
    return failures


def check_sqnr(got_path, ref_path, min_db):
    got = np.load(got_path).astype(np.float64)
    ref = np.load(ref_path).astype(np.float64)
    sqnr = 10 * np.log10((ref ** 2).sum() / ((got - ref) ** 2).sum())
    print(f"SQNR {sqnr:.2f} dB (at least {min_db})")
    return sqnr < float(min_db)


def main():
    if sys.argv[1] == "sqnr":
        return 1 if check_sqnr(*sys.argv[2:5]) else 0
    if sys.argv[1] == "int4":
        return 1 if check_int4(*sys.argv[2:5]) else 0
    if sys.argv[1] == "mixed":
        return 1 if check_mixed(sys.argv[2]) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
