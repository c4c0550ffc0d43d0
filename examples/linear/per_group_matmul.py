#!/usr/bin/env python3
"""QDQ MatMul / Gemm layers with per-group (blocked) weights, ONNX opset 21
DequantizeLinear with `block_size` along K, run by quant-run (folded into
qnn.matmul with per-group weights) and compared with two references:

- numpy, bit-exact: QuantC's documented formula (docs/Numerics.md,
  "Per-group weights"): per group g of B products the exact integer
  P[g, n] = sum (x - zx) * (w - zw[g, n]); y = sum_g float32(P[g, n]) *
  float32(float32(s_x) * float32(s_w[g, n])) in float32, in order of g;
  q = clamp(round_half_to_even(y / s_y) + zy).
- ONNX Runtime 1.23.2 (ort_run.js), with all optimizations and without:
  it dequantizes and multiplies in float32 (or its MatMulNBits kernels),
  so its float rounding differs from ours; an output may differ by 1 step
  only where the exact value (float64 from the quantized operands) lies
  within MIDPOINT_DISTANCE steps of a rounding midpoint.

  per_group_matmul.py check --bin BUILD/bin --node NODE --ort DIR --work DIR

prints one line per model:

  NAME: E elements, numpy: M mismatches; ORT all: D differ (max S step), U unexplained; ORT disabled: ...
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "..", "..", "test", "Integration", "ORT",
                       "ort_run.js")
MIDPOINT_DISTANCE = 1e-3
F = TensorProto.FLOAT

# name: (weight type, block, K, N, M, activation type, gemm transB)
MODELS = {
    "int8-b32-u8": ("int8", 32, 128, 24, 64, "uint8", False),
    "uint8-b16-i8": ("uint8", 16, 64, 20, 48, "int8", False),
    "int4-b32-u8": ("int4", 32, 256, 32, 64, "uint8", False),
    "uint4-b16-u8": ("uint4", 16, 96, 17, 33, "uint8", False),
    "int4-b64-gemm-transb": ("int4", 64, 128, 16, 32, "uint8", True),
}
RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int4": (-8, 7),
          "uint4": (0, 15)}
NP_TYPES = {"int8": np.int8, "uint8": np.uint8}
# ONNX element types (int4 and uint4 by number: Debian's onnx 1.12 predates
# them).
ONNX_TYPES = {"int8": TensorProto.INT8, "uint8": TensorProto.UINT8,
              "int4": 22, "uint4": 21}


def params(name):
    wtype, block, k, n, m, xtype, transb = MODELS[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    lo, hi = RANGES[wtype]
    groups = k // block
    w = rng.integers(lo, hi + 1, size=(k, n))
    s_w = (rng.uniform(0.5, 2.0, size=(groups, n)) * 2.0**-6).astype(np.float32)
    z_w = rng.integers(lo, hi + 1, size=(groups, n))
    if wtype == "int8":
        z_w[:, ::2] = 0  # symmetric columns next to asymmetric ones
    xlo, xhi = RANGES[xtype]
    s_x = np.float32(0.03125)
    z_x = np.int64(xlo + (xhi - xlo) // 3)
    s_y = np.float32(0.0625 * (1 + (k // 64)))
    z_y = np.int64(xlo + (xhi - xlo) // 2)
    x = rng.normal(0.0, 1.5, size=(m, k)).astype(np.float32)
    return dict(w=w, s_w=s_w, z_w=z_w, s_x=s_x, z_x=z_x, s_y=s_y, z_y=z_y,
                x=x, wtype=wtype, xtype=xtype, block=block, transb=transb)


def int_tensor(tname, values, wtype):
    """An ONNX initializer of `values` stored as `wtype`."""
    if wtype in ("int8", "uint8"):
        return numpy_helper.from_array(values.astype(NP_TYPES[wtype]), tname)
    # Two 4-bit values a byte, the first in the low nibble (ONNX 1.16).
    flat = (values.reshape(-1) & 0xF).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, np.uint8(0))
    t = TensorProto()
    t.name, t.data_type = tname, ONNX_TYPES[wtype]
    t.dims.extend(values.shape)
    t.raw_data = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()
    return t


def make_model(name, path):
    p = params(name)
    wtype, xtype = p["wtype"], p["xtype"]
    m, k = p["x"].shape
    n = p["w"].shape[1]
    w, s_w, z_w = p["w"], p["s_w"], p["z_w"]
    axis = 0
    if p["transb"]:  # Gemm(x, W^T): W stored [N, K], blocks along axis 1
        w, s_w, z_w, axis = w.T, s_w.T, z_w.T, 1
    inits = [int_tensor("w", w, wtype), numpy_helper.from_array(s_w, "s_w"),
             int_tensor("z_w", z_w, wtype),
             numpy_helper.from_array(np.array(p["s_x"], np.float32), "s_x"),
             numpy_helper.from_array(np.array(p["z_x"], NP_TYPES[xtype]), "z_x"),
             numpy_helper.from_array(np.array(p["s_y"], np.float32), "s_y"),
             numpy_helper.from_array(np.array(p["z_y"], NP_TYPES[xtype]), "z_y")]
    core = (helper.make_node("Gemm", ["xd", "wd"], ["y"], name="gemm", transB=1)
            if p["transb"] else
            helper.make_node("MatMul", ["xd", "wd"], ["y"], name="mm"))
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s_x", "z_x"], ["xq"], name="q_x"),
        helper.make_node("DequantizeLinear", ["xq", "s_x", "z_x"], ["xd"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w", "s_w", "z_w"], ["wd"],
                         name="dq_w", axis=axis, block_size=p["block"]),
        core,
        helper.make_node("QuantizeLinear", ["y", "s_y", "z_y"], ["yq"], name="q_y"),
        helper.make_node("DequantizeLinear", ["yq", "s_y", "z_y"], ["out"], name="dq_y"),
    ]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", F, [m, k])],
                              [helper.make_tensor_value_info("out", F, [m, n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10  # opset 21 (onnx 1.12's checker predates it)
    onnx.save(model, path)


def quantized_input(p):
    lo, hi = RANGES[p["xtype"]]
    q = np.rint(p["x"] / p["s_x"]) + p["z_x"]
    return np.clip(q, lo, hi).astype(np.int64)


def centred_parts(p):
    """P[g, m, n]: the exact integer sum of each group."""
    xq = quantized_input(p) - p["z_x"]
    block = p["block"]
    groups = p["w"].shape[0] // block
    zw = np.repeat(p["z_w"], block, axis=0)
    wc = p["w"] - zw
    return np.stack([xq[:, g * block:(g + 1) * block] @ wc[g * block:(g + 1) * block]
                     for g in range(groups)])


def reference_q(p):
    parts = centred_parts(p)
    scales = (np.float32(p["s_x"]) * p["s_w"].astype(np.float32)).astype(np.float32)
    y = np.zeros(parts.shape[1:], np.float32)
    for g in range(parts.shape[0]):
        y = (y + parts[g].astype(np.float32) * scales[g][None, :]).astype(np.float32)
    lo, hi = RANGES[p["xtype"]]
    q = np.rint(y / np.float32(p["s_y"])).astype(np.float64) + p["z_y"]
    return np.clip(q, lo, hi).astype(np.int64)


def exact_steps(p):
    """The real value both sides round, in output steps (float64)."""
    parts = centred_parts(p).astype(np.float64)
    scales = np.float64(p["s_x"]) * p["s_w"].astype(np.float64)
    y = np.einsum("gmn,gn->mn", parts, scales)
    return y / np.float64(p["s_y"]) + p["z_y"]


def dequantize(q, p):
    return ((q - p["z_y"]).astype(np.float32) * np.float32(p["s_y"])).astype(np.float32)


def to_steps(out, p):
    return np.rint(out.astype(np.float64) / np.float64(p["s_y"])).astype(np.int64) + p["z_y"]


def run(cmd, allowed_failure=None):
    """Runs `cmd`; returns None where it fails with `allowed_failure` in its
    messages, exits on any other failure."""
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    if result.returncode != 0:
        if allowed_failure and allowed_failure in result.stderr:
            return None
        sys.exit(f"per_group_matmul: command failed ({result.returncode}): "
                 f"{' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result.stdout


# ONNX Runtime 1.23.2 with its QDQ fusions fuses a blocked 8-bit weight
# DequantizeLinear into QLinearMatMul, which then rejects the [K/B, N]
# weight zero point at run time: that model cannot run there.
ORT_QLINEARMATMUL_BLOCKED = "QLinearMatmul : weight zero point must be"


def compare_ort(ours, ort, exact):
    """Elements that differ; the largest difference in steps; how many are
    not 1 step within MIDPOINT_DISTANCE of a midpoint of `exact`."""
    diff = np.abs(ours - ort)
    distance = np.abs(exact - np.floor(exact) - 0.5)
    explained = (diff == 1) & (distance < MIDPOINT_DISTANCE)
    differ = diff != 0
    return (int(differ.sum()), int(diff.max()),
            int((differ & ~explained).sum()))


def check_against_ort(args, base, ours, p, exact, blocked_failure, fused_op):
    """Runs `base`.onnx with ONNX Runtime at opt levels all and disabled and
    compares with `ours` (output steps): the text for the report line and
    whether every difference is explained. `blocked_failure` is the error
    of ORT's `fused_op` fusion, which rejects blocked weight zero points."""
    text, ok = "", True
    for level in ("all", "disabled"):
        out = f"{base}.ort-{level}.npy"
        if run([args.node, ORT_RUN, base + ".onnx", "--input",
                base + ".x.npy", "--output", out, "--opt-level", level,
                "--ort", args.ort],
               allowed_failure=blocked_failure) is None:
            text += (f"; ORT {level}: fails (its {fused_op} fusion "
                     f"rejects blocked weight zero points)")
            continue
        differ, largest, unexplained = compare_ort(
            ours, to_steps(np.load(out), p), exact)
        text += (f"; ORT {level}: {differ} differ (max {largest} step), "
                 f"{unexplained} unexplained")
        ok &= unexplained == 0
    return text, ok


def check(args):
    os.makedirs(args.work, exist_ok=True)
    ok = True
    for name in MODELS:
        p = params(name)
        base = os.path.join(args.work, name)
        make_model(name, base + ".onnx")
        np.save(base + ".x.npy", p["x"])
        expected = reference_q(p)
        np.save(base + ".ref.npy", dequantize(expected, p))
        run([os.path.join(args.bin, "quant-run"), base + ".onnx", "--input",
             base + ".x.npy", "--output", base + ".quantc.npy"])
        ours = to_steps(np.load(base + ".quantc.npy"), p)
        mismatches = int((ours != expected).sum())
        line = f"{name}: {expected.size} elements, numpy: {mismatches} mismatches"
        ok &= mismatches == 0
        ort_line, ort_ok = check_against_ort(
            args, base, ours, p, exact_steps(p), ORT_QLINEARMATMUL_BLOCKED,
            "QLinearMatMul")
        ok &= ort_ok
        print(line + ort_line)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--bin", required=True)
    c.add_argument("--node", required=True)
    c.add_argument("--ort", required=True)
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
