#!/usr/bin/env python3
"""qnn.matmul contractions whose i32 accumulator no bound proves, so that
K is split (accumulator_chunk): i32 partial sums of centred products, summed
in i64 and requantized from i64. The weights are a function argument (no
constant-weight bound), and the data is adversarial: rows of all -128 (or
-32768) against columns of all -128 (-32768) or all 127 (32767), whose sums
pass 2^31, next to random rows and columns.

  split_k_matmul.py mlir MODE OUT.mlir   writes the module: @main prints
                                         each case's result widened to i32
  split_k_matmul.py check MODE OUTPUT    compares mlir-runner's output with
                                         numpy's int64 reference

MODE is the requant mode: fp32, tosa_double_round or tosa_single_round
(fixedpoint takes an int32 accumulator: an error, tested in lit).

Cases (storage, zero points, K, M, N, output scale):
- i8 x i8, zero points 0: K = 2^17 + 5, one chunk of 131071 products would
  fit, so K splits into 2 chunks of 65539 (K padded by 1 with the input
  zero point); |sum| up to 2^31 + 81920.
- u8 (zero point 3) x i8 (per-column zero points): K = 70000, chunks
  of at most 63124 products, split into 2 of 35000.
- i16 x i16, zero points 0: K = 64, one product (2^30) per chunk; sums up
  to 2^36.
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "requant"))
from requant_modes import tosa_multiplier  # noqa: E402

# (name, x storage, x zp, w storage, w zps, K, M, N, s_x, s_w, s_out, z_out)
CASES = [
    ("i8", "i8", 0, "i8", [0, 0, 0], 2**17 + 5, 4, 3, 1.0, 1.0, 2.0**25, 0),
    ("u8", "u8", 3, "i8", [0, -5, 7], 70000, 3, 3, 0.5, 0.25, 2.0**20, -3),
    ("i16", "i16", 0, "i16", [0, 0], 64, 3, 2, 1.0, 1.0, 2.0**30, 1),
]
RANGES = {"i8": (-128, 127), "u8": (0, 255), "i16": (-32768, 32767)}


def case_data(case):
    name, xs, zx, ws, zws, k, m, n = case[:8]
    rng = np.random.default_rng(len(name) * 7 + k)
    xlo, xhi = RANGES[xs]
    wlo, whi = RANGES[ws]
    x = rng.integers(xlo, xhi + 1, size=(m, k), dtype=np.int64)
    w = rng.integers(wlo, whi + 1, size=(k, n), dtype=np.int64)
    # Adversarial: row 0 all at the bottom, row 1 at the top; column 0 all
    # at the bottom, column 1 at the top (the products' extremes).
    x[0, :] = xlo
    x[1, :] = xhi
    w[:, 0] = wlo
    w[:, 1] = whi
    return x, w


def exact_sums(case):
    """The exact centred sums, in int64 (no term comes near 2^63)."""
    x, w = case_data(case)
    zx, zws = case[2], np.array(case[4], np.int64)
    return (x - zx) @ (w - zws)


def reference(case, mode):
    y = exact_sums(case)
    s_x, s_w, s_out, z_out = case[8:12]
    lo, hi = RANGES["i8"]
    if mode == "fp32":
        # float32(y) (round to nearest even) times the f32 merged scale.
        merged = np.float32(np.float32(s_x) * np.float32(s_w)) / np.float32(s_out)
        scaled = y.astype(np.float32) * np.float32(merged)
        q = np.rint(scaled.astype(np.float64)) + z_out
        return np.clip(q, lo, hi).astype(np.int64)
    multiplier, shift = tosa_multiplier(s_x * s_w / s_out)
    out = np.empty_like(y)
    for index, value in np.ndenumerate(y):
        value = int(value)
        rounding = 1 << (shift - 1)
        if mode == "tosa_double_round" and shift > 31:
            rounding += (1 << 30) if value >= 0 else -(1 << 30)
        scaled = (value * multiplier + rounding) >> shift  # exact Python ints
        out[index] = min(max(scaled + z_out, lo), hi)
    return out


def quant_type(storage, scale, zp):
    return f"!quant.uniform<{storage}:f32, {scale!r}:{zp}>"


def weight_type(storage, scale, zps):
    if all(z == zps[0] for z in zps):
        return quant_type(storage, scale, zps[0])
    channels = ",".join(f"{scale!r}:{z}" for z in zps)
    return f"!quant.uniform<{storage}:f32:1, {{{channels}}}>"


def dense(a):
    return "dense<[" + ", ".join(
        "[" + ", ".join(str(int(v)) for v in row) + "]" for row in a) + "]>"


def storage_int(storage):
    return "i16" if storage == "i16" else "i8"


def emit(mode, path):
    functions, calls = [], []
    for i, case in enumerate(CASES):
        name, xs, zx, ws, zws, k, m, n, s_x, s_w, s_out, z_out = case
        x, w = case_data(case)
        qx, qw = quant_type(xs, s_x, zx), weight_type(ws, s_w, zws)
        qo = quant_type("i8", s_out, z_out)
        xi, wi = storage_int(xs), storage_int(ws)
        functions.append(f"""
func.func @matmul_{name}(%x: tensor<{m}x{k}x{qx}>, %w: tensor<{k}x{n}x{qw}>) -> tensor<{m}x{n}xi8> {{
  %y = qnn.matmul %x, %w : (tensor<{m}x{k}x{qx}>, tensor<{k}x{n}x{qw}>) -> tensor<{m}x{n}x{qo}>
  %s = quant.scast %y : tensor<{m}x{n}x{qo}> to tensor<{m}x{n}xi8>
  return %s : tensor<{m}x{n}xi8>
}}""")
        calls.append(f"""
  %xi{i} = arith.constant {dense(x)} : tensor<{m}x{k}x{xi}>
  %x{i} = quant.scast %xi{i} : tensor<{m}x{k}x{xi}> to tensor<{m}x{k}x{qx}>
  %wi{i} = arith.constant {dense(w)} : tensor<{k}x{n}x{wi}>
  %w{i} = quant.scast %wi{i} : tensor<{k}x{n}x{wi}> to tensor<{k}x{n}x{qw}>
  %r{i} = call @matmul_{name}(%x{i}, %w{i}) : (tensor<{m}x{k}x{qx}>, tensor<{k}x{n}x{qw}>) -> tensor<{m}x{n}xi8>
  %e{i} = tensor.empty() : tensor<{m}x{n}xi32>
  %wide{i} = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%r{i} : tensor<{m}x{n}xi8>) outs(%e{i} : tensor<{m}x{n}xi32>) {{
  ^bb0(%a: i8, %b: i32):
    %v = arith.extsi %a : i8 to i32
    linalg.yield %v : i32
  }} -> tensor<{m}x{n}xi32>
  %u{i} = tensor.cast %wide{i} : tensor<{m}x{n}xi32> to tensor<*xi32>
  call @printMemrefI32(%u{i}) : (tensor<*xi32>) -> ()""")
    text = (f"module attributes {{qnn.requant_mode = #qnn.requant_mode<{mode}>}} {{\n"
            "#id = affine_map<(d0, d1) -> (d0, d1)>\n"
            "func.func private @printMemrefI32(tensor<*xi32>)\n"
            + "\n".join(functions)
            + "\nfunc.func @main() {" + "".join(calls) + "\n  return\n}\n}\n")
    # The affine map alias must precede the module.
    text = text.replace("#id = affine_map<(d0, d1) -> (d0, d1)>\n", "")
    text = "#id = affine_map<(d0, d1) -> (d0, d1)>\n" + text
    with open(path, "w") as f:
        f.write(text)


def check(mode, path):
    text = open(path).read()
    blocks = text.split("data =")[1:]
    ok = len(blocks) == len(CASES)
    for case, block in zip(CASES, blocks):
        name = case[0]
        expected = reference(case, mode).ravel().tolist()
        # Up to the next memref header (the next block starts there).
        actual = [int(v) for v in re.findall(r"-?\d+", block.split("Unranked")[0])]
        y = exact_sums(case)
        same = actual == expected
        ok &= same
        print(f"{name}: K = {case[5]}, largest |sum| {int(np.abs(y).max())} "
              f"({'>' if np.abs(y).max() > 2**31 - 1 else '<='} 2^31 - 1), "
              f"{len(expected)} values {'bit-exact' if same else 'DIFFER'}")
        if not same:
            print(f"  expected {expected}\n  got      {actual}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main():
    if sys.argv[1] == "mlir":
        emit(sys.argv[2], sys.argv[3])
        return 0
    return check(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
