#!/usr/bin/env python3
# ===- ort_roundtrip.py - QDQ models: QuantC against ONNX Runtime --------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Generates the QDQ models of make_qdq_models.py, runs each with ONNX
Runtime (ort_run.js) and with quant-run, and compares every output.

  ort_roundtrip.py --bin BUILD/bin --work DIR [--emulate-qdq]
                   [--ort-opt-level all|disabled] [--batch N ...]
                   [--node NODE] [--ort DIR] [--details] [VARIANT ...]

Prints one line per model:

  NAME: N elements in K outputs, M mismatches (P%), max D step; R root, U unexplained

A mismatch is an element that differs at all; "steps" are units of the
output's quantization scale (the integer difference of a quantized output;
for the float output 0, the difference divided by its scale). A root
mismatch is one in a quantized tensor none of whose quantized inputs
differ anywhere; it is explained when it is 1 step and its exact value
(float64, from ORT's quantized inputs) lies within MIDPOINT_DISTANCE steps
of a rounding midpoint, or, for a Softmax output, when QuantC holds the
exact value rounded and ORT its QLinearSoftmax value rounded (ORT
multiplies the probabilities by floor(1.0f / s_y) instead of 1 / s_y). With --details, one line per output that has
mismatches. Exit status 1 if a tool fails; mismatches are reported, not
judged (the lit test judges them).
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_qdq_models  # noqa: E402


def run(cmd):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    if result.returncode != 0:
        sys.exit(f"ort_roundtrip: command failed ({result.returncode}): "
                 f"{' '.join(cmd)}\n{result.stdout}{result.stderr}")


def output_scales(model):
    """Scale of each output: a QuantizeLinear's scale for quantized outputs,
    the producing DequantizeLinear's for the float output."""
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    producer = {n.output[0]: n for n in model.graph.node}
    return [float(consts[producer[o.name].input[1]])
            for o in model.graph.output]


# --- exact values: the model in float64, fed with ORT's quantized tensors --

def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def pool2d(x, kernel, strides, pads, average):
    """MaxPool, or AveragePool with count_include_pad = 0, over the taps
    of each window inside the input."""
    def windows(size, d):
        count = (size + pads[d] + pads[2 + d] - kernel[d]) // strides[d] + 1
        for o in range(count):
            begin = o * strides[d] - pads[d]
            yield max(begin, 0), min(begin + kernel[d], size)
    rows = list(windows(x.shape[2], 0))
    cols = list(windows(x.shape[3], 1))
    out = np.zeros(x.shape[:2] + (len(rows), len(cols)), x.dtype)
    for i, (h0, h1) in enumerate(rows):
        for j, (w0, w1) in enumerate(cols):
            window = x[:, :, h0:h1, w0:w1]
            out[:, :, i, j] = (window.mean(axis=(2, 3)) if average
                               else window.max(axis=(2, 3)))
    return out


def evaluate_exact(model, inputs, taps):
    """The input of every QuantizeLinear, computed in float64 from the
    tensors ORT quantized (`taps`: name -> array) instead of from the
    float inputs: the real value that both implementations round, with no
    float32 rounding of its own (int8 x float32 products are exact in
    float64; sums of a few hundred of them are exact to ~1e-13 relative)."""
    env = {k: numpy_helper.to_array(i) for k, i in
           ((i.name, i) for i in model.graph.initializer)}
    env.update(inputs)
    exact, qlinear_softmax = {}, {}
    f64 = np.float64
    producer = {}
    for n in model.graph.node:
        a = [env[i] for i in n.input]
        op = n.op_type
        if op == "QuantizeLinear":
            exact[n.output[0]] = f64(a[0]) / f64(a[1]) + f64(a[2])
            if producer.get(n.input[0]) == "Softmax":
                # ORT's QLinearSoftmax multiplies the probabilities by
                # floor(1.0f / s_y), not by 1 / s_y.
                qlinear_softmax[n.output[0]] = f64(a[0]) * np.floor(
                    np.float32(1) / np.float32(a[1])) + f64(a[2])
            out = taps[n.output[0]]
        elif op == "DequantizeLinear":
            scale, zp = f64(a[1]), a[2].astype(f64)
            if scale.ndim == 1 and a[0].ndim > 1:
                shape = [1] * a[0].ndim
                shape[attr(n, "axis", 1)] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            out = (a[0].astype(f64) - zp) * scale
        elif op == "Conv":
            pads = attr(n, "pads", [0, 0, 0, 0])
            out = make_qdq_models.conv2d(
                a[0], a[1], a[2] if len(a) > 2 else np.zeros(a[1].shape[0]),
                attr(n, "strides", [1, 1])[0], pads[0], attr(n, "group", 1))
        elif op == "Relu":
            out = np.maximum(a[0], 0)
        elif op == "Add":
            out = a[0] + a[1]
        elif op == "Mul":
            out = a[0] * a[1]
        elif op == "LeakyRelu":
            out = np.where(a[0] >= 0, a[0], attr(n, "alpha", 0.01) * a[0])
        elif op == "MatMul":
            out = a[0] @ a[1]
        elif op == "Gemm":
            out = a[0] @ (a[1].T if attr(n, "transB", 0) else a[1])
            out = out + a[2] if len(a) > 2 else out
        elif op in ("MaxPool", "AveragePool"):
            out = pool2d(a[0], attr(n, "kernel_shape", None),
                         attr(n, "strides", [1, 1]),
                         attr(n, "pads", [0, 0, 0, 0]), op == "AveragePool")
        elif op == "Concat":
            out = np.concatenate(a, axis=attr(n, "axis", None))
        elif op == "GlobalAveragePool":
            out = a[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Transpose":
            out = a[0].transpose(attr(n, "perm", None))
        elif op == "Softmax":
            if attr(n, "axis", -1) not in (-1, a[0].ndim - 1):
                sys.exit("ort_roundtrip: Softmax only over the last axis")
            out = make_qdq_models.softmax(a[0])
        elif op == "LayerNormalization":
            if attr(n, "axis", -1) not in (-1, a[0].ndim - 1):
                sys.exit("ort_roundtrip: LayerNormalization only over the "
                         "last axis")
            out = make_qdq_models.layer_norm(a[0], a[1], a[2],
                                             attr(n, "epsilon", 1e-5))
        elif op == "Reshape":
            out = a[0].reshape(a[1])
        elif op == "Flatten":
            out = a[0].reshape(a[0].shape[0], -1)
        else:
            sys.exit(f"ort_roundtrip: no float64 evaluation of {op}")
        env[n.output[0]] = out
        producer[n.output[0]] = op
    return exact, qlinear_softmax


MIDPOINT_DISTANCE = 1e-3


def compare(name, model_path, input_arrays, ref_paths, out_paths, details):
    """Prints the mismatches of one model, and classifies each mismatch of a
    quantized tensor whose producer saw the same inputs in both runs (a
    root mismatch; the others follow from an earlier one): explained if it
    is 1 step and the exact value lies within MIDPOINT_DISTANCE steps of a
    rounding midpoint, where float32 rounding of the same value can fall
    either way."""
    model = onnx.load(model_path)
    scales = output_scales(model)
    total = mismatches = roots = explained = 0
    worst = 0.0
    lines = []
    refs = {o.name: np.load(p) for o, p in zip(model.graph.output, ref_paths)}
    outs = {o.name: np.load(p) for o, p in zip(model.graph.output, out_paths)}
    exact, qlinear_softmax = evaluate_exact(model, input_arrays, refs)
    producer = {n.output[0]: n for n in model.graph.node}
    differs = set()
    for o, scale in zip(model.graph.output, scales):
        ref, out = refs[o.name], outs[o.name]
        if ref.shape != out.shape or ref.dtype != out.dtype:
            sys.exit(f"ort_roundtrip: {name} output '{o.name}': "
                     f"{out.dtype}{out.shape} against ORT's "
                     f"{ref.dtype}{ref.shape}")
        diff = np.abs(out.astype(np.float64) - ref.astype(np.float64))
        if ref.dtype.kind == "f":
            diff /= scale
        count = int(np.count_nonzero(diff))
        total += ref.size
        mismatches += count
        worst = max(worst, float(diff.max(initial=0)))
        if not count:
            continue
        differs.add(o.name)
        line = f"  {o.name}: {count}/{ref.size} differ, max {diff.max():g} step"
        if o.name in exact:
            # Quantized tensors this one depends on, back to the inputs.
            upstream, stack = set(), [producer[o.name].input[0]]
            while stack:
                t = stack.pop()
                if t in producer:
                    if t in exact and t != o.name:
                        upstream.add(t)
                    stack.extend(producer[t].input)
            if upstream & differs:
                line += " (follows an earlier mismatch)"
            else:
                v = exact[o.name][diff != 0]
                distance = np.abs(v - np.floor(v) - 0.5)
                at_midpoint = (distance < MIDPOINT_DISTANCE) & \
                    (diff[diff != 0] == 1)
                roots += count
                # Which side rounded the exact value to nearest (even).
                info = np.iinfo(ref.dtype)
                nearest = np.clip(np.rint(v), info.min, info.max)
                line += (f", root: exact value within {distance.max():.1e} "
                         f"step of a midpoint; rounded to nearest by QuantC "
                         f"{int(np.sum(out[diff != 0] == nearest))}, by ORT "
                         f"{int(np.sum(ref[diff != 0] == nearest))}")
                if o.name in qlinear_softmax:
                    # QuantC rounds the exact value (or is at a midpoint)
                    # and ORT rounds its QLinearSoftmax value (or that is
                    # at a midpoint).
                    w = qlinear_softmax[o.name][diff != 0]
                    w_distance = np.abs(w - np.floor(w) - 0.5)
                    by_table = (
                        (out[diff != 0] == nearest) |
                        (distance < MIDPOINT_DISTANCE)) & (
                        (ref[diff != 0] == np.clip(np.rint(w), info.min,
                                                   info.max)) |
                        (w_distance < MIDPOINT_DISTANCE))
                    line += (f"; ORT's QLinearSoftmax value (probability "
                             f"times floor(1 / s_y)) rounded by ORT "
                             f"{int(np.sum(by_table & ~at_midpoint))}")
                    at_midpoint |= by_table
                explained += int(np.count_nonzero(at_midpoint))
        lines.append(line)
    pct = 100.0 * mismatches / total
    print(f"{name}: {total} elements in {len(scales)} outputs, "
          f"{mismatches} mismatches ({pct:.4f}%), max {worst:g} step; "
          f"{roots} root, {roots - explained} unexplained")
    if details and lines:
        print("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bin", required=True, help="directory of quant-run")
    p.add_argument("--work", required=True, help="directory for the files")
    p.add_argument("--emulate-qdq", action="store_true",
                   help="run quant-run --emulate-qdq (float fake-quantization)")
    p.add_argument("--ort-opt-level", default="all",
                   choices=["all", "disabled"],
                   help="ORT graph optimizations: 'all' fuses QDQ groups into "
                        "integer kernels, 'disabled' runs Q, DQ and float ops")
    p.add_argument("--batch", type=int, action="append", default=[])
    p.add_argument("--node", default="node")
    p.add_argument("--ort", help="onnxruntime-node directory (ort_run.js --ort)")
    p.add_argument("--details", action="store_true",
                   help="one line per output with mismatches")
    p.add_argument("variants", nargs="*")
    args = p.parse_args()

    variants = make_qdq_models.variants(args.batch)
    unknown = [v for v in args.variants if v not in variants]
    if unknown:
        p.error(f"unknown variant(s) {', '.join(unknown)}")
    os.makedirs(args.work, exist_ok=True)
    quant_run = os.path.join(args.bin, "quant-run")
    ort_run = [args.node, os.path.join(HERE, "ort_run.js"),
               "--opt-level", args.ort_opt_level]
    if args.ort:
        ort_run += ["--ort", args.ort]
    for name in args.variants or variants:
        model, arrays = variants[name]()
        base = os.path.join(args.work, name)
        onnx.save(model, base + ".onnx")
        inputs, input_arrays = [], {}
        for graph_input, array in zip(model.graph.input, arrays):
            input_arrays[graph_input.name] = array
            inputs += ["--input", f"{base}.{graph_input.name}.npy"]
            np.save(inputs[-1], array)
        n = len(model.graph.output)
        refs = [f"{base}.ort.{i}.npy" for i in range(n)]
        outs = [f"{base}.quantc.{i}.npy" for i in range(n)]
        cmd = ort_run + [base + ".onnx"] + inputs
        for r in refs:
            cmd += ["--output", r]
        run(cmd)
        cmd = [quant_run, base + ".onnx"] + inputs
        if args.emulate_qdq:
            cmd.append("--emulate-qdq")
        for o in outs:
            cmd += ["--output", o]
        run(cmd)
        compare(name, base + ".onnx", input_arrays, refs, outs, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
