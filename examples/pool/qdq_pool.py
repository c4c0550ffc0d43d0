#!/usr/bin/env python3
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""QDQ pooling, concat and layout models and their numpy reference.

`emit --variant V --dir D [--dynamic-batch]` writes D/V.onnx (x -> Q -> DQ
-> op -> Q -> DQ, the way ONNX Runtime's quantizer writes it) and D/V.x.npy. `check --variant
V --dir D OUT.npy` compares quant-run's output with a reference computed
here from the integer formulas, independently of QuantC:

- stored input q = clamp(round_half_to_even(float32(x / s)) + zp);
- max pool, reshape, transpose, slice, pad: the op on the stored integers
  (pad with the stored pad value), then, where the output parameters
  differ, requantize: quantize(float32(q - zp) * s) in float32;
- average pool: exact integer sum of q - zp over the taps inside the input,
  then clamp(round_half_to_even(float32(sum) * M) + zp_out) with
  M = float32(s_in / float32(s_out * count)) (ONNX Runtime's
  QLinearGlobalAveragePool), count the taps inside the input (or the whole
  window with count_include_pad);
- concat: each input requantized to the output parameters (QLinearConcat).

The output compared is DequantizeLinear of the last Q: float32(q - zp) * s.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = np.float32


def storage(dtype):
    return (0, 255, TensorProto.UINT8) if dtype == "u8" else (
        -128, 127, TensorProto.INT8)


def quantize(x, s, zp, dtype):
    lo, hi, _ = storage(dtype)
    q = np.rint((x.astype(F32) / F32(s)).astype(F32)) + zp
    return np.clip(q, lo, hi).astype(np.int64)


def dequantize(q, s, zp):
    return (q - zp).astype(F32) * F32(s)


def requantize(q, src, dst):
    return quantize(dequantize(q, *src[:2]), dst[0], dst[1], dst[2])


# variant: (op, attributes, input shape, dtype, in (s, zp), out (s, zp))
VARIANTS = {
    "maxpool-u8-same": ("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2],
                                        pads=[1, 1, 1, 1]),
                        [2, 3, 9, 9], "u8", (0.05, 128), (0.05, 128)),
    "maxpool-i8-requant": ("MaxPool", dict(kernel_shape=[2, 2],
                                           strides=[2, 2]),
                           [2, 3, 8, 8], "i8", (0.05, -3), (0.07, 5)),
    "avgpool-u8-exclude-pad": ("AveragePool",
                               dict(kernel_shape=[3, 3], strides=[2, 2],
                                    pads=[1, 1, 1, 1]),
                               [2, 3, 9, 9], "u8", (0.05, 128), (0.03, 120)),
    "avgpool-i8-include-pad": ("AveragePool",
                               dict(kernel_shape=[3, 2], strides=[1, 2],
                                    pads=[1, 0, 2, 1], count_include_pad=1),
                               [2, 3, 7, 8], "i8", (0.06, 2), (0.025, -7)),
    "gap-u8": ("GlobalAveragePool", {}, [2, 8, 7, 7], "u8", (0.05, 128),
               (0.011, 130)),
    "gap-i8-ties": ("GlobalAveragePool", {}, [2, 8, 4, 4], "i8",
                    (0.0625, 0), (0.0625, 0)),
    "concat-u8": ("Concat", dict(axis=1), [2, 3, 4, 5], "u8", (0.05, 128),
                  (0.08, 110)),
    "flatten-u8": ("Flatten", dict(axis=1), [2, 3, 4, 5], "u8", (0.05, 128),
                   (0.05, 128)),
    "transpose-i8-requant": ("Transpose", dict(perm=[0, 2, 3, 1]),
                             [2, 3, 4, 5], "i8", (0.05, -3), (0.04, 1)),
    "pad-i8": ("Pad", dict(), [2, 3, 4, 5], "i8", (0.05, -3), (0.05, -3)),
    "slice-u8": ("Slice", dict(), [2, 3, 6, 7], "u8", (0.05, 128),
                 (0.05, 128)),
}
# Concat's second input, quantized differently.
CONCAT_SECOND = (0.1, 100)
PADS = [0, 0, 1, 2, 0, 0, 2, 1]
PAD_VALUE = 0.5  # 10 steps of 0.05: exactly representable
SLICE = ([1, 2], [5, 6], [2, 3])  # starts, ends, axes


def build(name):
    op, attrs, shape, dtype, (si, zi), (so, zo) = VARIANTS[name]
    _, _, onnx_type = storage(dtype)
    nodes, inits = [], []

    def qdq(x, s, zp, tag):
        inits.append(numpy_helper.from_array(np.array(s, F32), tag + "_s"))
        inits.append(helper.make_tensor(tag + "_z", onnx_type, [], [zp]))
        nodes.append(helper.make_node("QuantizeLinear",
                                      [x, tag + "_s", tag + "_z"],
                                      [tag + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear",
                                      [tag + "_q", tag + "_s", tag + "_z"],
                                      [tag + "_d"]))
        return tag + "_d"

    inputs = [qdq("x", si, zi, "in")]
    if op == "Concat":
        inputs.append(qdq("x", *CONCAT_SECOND, "in2"))
    if op == "Pad":
        inits.append(numpy_helper.from_array(np.array(PADS, np.int64),
                                             "pads"))
        inits.append(numpy_helper.from_array(np.array(PAD_VALUE, F32),
                                             "value"))
        inputs += ["pads", "value"]
    if op == "Slice":
        for tag, values in zip(["starts", "ends", "axes"], SLICE):
            inits.append(numpy_helper.from_array(np.array(values, np.int64),
                                                 tag))
            inputs.append(tag)
    nodes.append(helper.make_node(op, inputs, ["y"], **attrs))
    out = qdq("y", so, zo, "out")
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                    shape)],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


def data(name):
    shape = VARIANTS[name][2]
    rng = np.random.default_rng(sum(map(ord, name)))
    if name.endswith("ties"):
        # Multiples of the scale: integer sums, averages on exact .5 ties.
        return (rng.integers(-40, 40, shape) * 0.0625).astype(F32)
    # Beyond the representable range on both sides: clamps are exercised.
    return rng.uniform(-8.0, 8.0, shape).astype(F32)


def windows(size, kernel, stride, pad_begin, pad_end):
    count = (size + pad_begin + pad_end - kernel) // stride + 1
    for o in range(count):
        begin = o * stride - pad_begin
        yield max(begin, 0), min(begin + kernel, size)


def reference(name, x):
    op, attrs, shape, dtype, (si, zi), (so, zo) = VARIANTS[name]
    src, dst = (si, zi, dtype), (so, zo, dtype)
    q = quantize(x, si, zi, dtype)
    if op in ("MaxPool", "AveragePool", "GlobalAveragePool"):
        n, c, h, w = shape
        if op == "GlobalAveragePool":
            kernel, strides, pads = [h, w], [1, 1], [0, 0, 0, 0]
        else:
            kernel, strides = attrs["kernel_shape"], attrs["strides"]
            pads = attrs.get("pads", [0, 0, 0, 0])
        rows = list(windows(h, kernel[0], strides[0], pads[0], pads[2]))
        cols = list(windows(w, kernel[1], strides[1], pads[1], pads[3]))
        out = np.zeros((n, c, len(rows), len(cols)), np.int64)
        for i, (h0, h1) in enumerate(rows):
            for j, (w0, w1) in enumerate(cols):
                window = q[:, :, h0:h1, w0:w1]
                if op == "MaxPool":
                    out[:, :, i, j] = window.max(axis=(2, 3))
                    continue
                acc = (window - zi).sum(axis=(2, 3))
                count = (kernel[0] * kernel[1]
                         if attrs.get("count_include_pad") else
                         (h1 - h0) * (w1 - w0))
                m = F32(si) / (F32(so) * F32(count))
                lo, hi, _ = storage(dtype)
                out[:, :, i, j] = np.clip(
                    np.rint(acc.astype(F32) * m) + zo, lo, hi)
        if op == "MaxPool":
            out = requantize(out, src, dst) if src != dst else out
        return out
    if op == "Concat":
        q2 = quantize(x, *CONCAT_SECOND, dtype)
        return np.concatenate([requantize(q, src, dst),
                               requantize(q2, (*CONCAT_SECOND, dtype), dst)],
                              axis=attrs["axis"])
    if op == "Flatten":
        out = q.reshape(shape[0], -1)
    elif op == "Transpose":
        out = q.transpose(attrs["perm"])
    elif op == "Pad":
        pad_q = quantize(np.array(PAD_VALUE, F32), si, zi, dtype)
        rank = len(shape)
        out = np.pad(q, list(zip(PADS[:rank], PADS[rank:])),
                     constant_values=pad_q)
    elif op == "Slice":
        out = q
        for start, end, axis in zip(*SLICE):
            out = np.take(out, range(start, end), axis=axis)
    return requantize(out, src, dst) if src != dst else out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["emit", "check", "list"])
    parser.add_argument("--variant")
    parser.add_argument("--dir", default=".")
    parser.add_argument("--dynamic-batch", action="store_true",
                        help="emit: the model's batch dimension is symbolic")
    parser.add_argument("output", nargs="?")
    args = parser.parse_intermixed_args()
    if args.mode == "list":
        print("\n".join(VARIANTS))
        return 0
    base = os.path.join(args.dir, args.variant)
    if args.mode == "emit":
        model = build(args.variant)
        if args.dynamic_batch:
            model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
        onnx.save(model, base + ".onnx")
        np.save(base + ".x.npy", data(args.variant))
        return 0
    so, zo = VARIANTS[args.variant][5]
    expected = dequantize(reference(args.variant, np.load(base + ".x.npy")),
                          so, zo)
    actual = np.load(args.output)
    if actual.shape != expected.shape:
        print(f"shape {actual.shape} != reference {expected.shape}")
        return 1
    steps = np.rint(np.abs(actual.astype(np.float64) - expected) / so)
    mismatches = int(np.count_nonzero(actual != expected))
    print(f"{args.variant}: {expected.size} elements, {mismatches} "
          f"mismatches against the numpy reference (max {int(steps.max())} "
          f"steps)")
    print("PASS: bit-exact" if mismatches == 0 else "FAIL")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
