#!/usr/bin/env python3
# ===- make_float_cnn.py - A float ONNX CNN and its calibration data ---=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------=== #
"""make_float_cnn.py OUT_DIR

The float counterpart of make_qdq_models.py's CNN, for post-training
quantization:

  x [8, 3, 16, 16] -> Conv 3x3 pad 1 + Relu -> MaxPool 2x2 -> depthwise
  Conv 3x3 -> residual Add -> Relu -> Concat with the MaxPool output
  -> Conv 3x3 stride 2 + Relu -> GlobalAveragePool -> Flatten -> Gemm -> out

Weights are multiples of 1/8 and inputs multiples of 1/4 (fixed numpy
seeds), so that every activation is exact in float32 whatever the order of
the sums (the largest needs 22 significand bits; the average pool divides
by 16): QuantC's JIT, numpy and PyTorch see the same activations bit for
bit, and calibration results can be compared exactly.

Writes cnn.onnx, calib.npy (64 rows: 8 batches of the model's 8), calib2.npy
(16 more rows), test.npy (32 rows) and ref.npy (numpy's float output on
test.npy). `forward(x)` returns every activation by its ONNX node name.
"""

import os
import sys

import numpy as np

F32 = np.float32
BATCH, C_IN, HW, C, C2, CLASSES = 8, 3, 16, 8, 16, 10


def dyadic(rng, std, shape, step):
    return (np.round(rng.normal(0, std, shape) / step) * step).astype(F32)


def parameters():
    rng = np.random.default_rng(7)
    return {
        "w1": dyadic(rng, 0.3, (C, C_IN, 3, 3), 1 / 8),
        "b1": dyadic(rng, 0.2, (C,), 1 / 8),
        "wdw": dyadic(rng, 0.4, (C, 1, 3, 3), 1 / 8),
        "bdw": dyadic(rng, 0.2, (C,), 1 / 8),
        "w3": dyadic(rng, 0.15, (C2, 2 * C, 3, 3), 1 / 8),
        "b3": dyadic(rng, 0.2, (C2,), 1 / 8),
        "wfc": dyadic(rng, 0.4, (CLASSES, C2), 1 / 8),
        "bfc": dyadic(rng, 0.2, (CLASSES,), 1 / 8),
    }


def inputs(seed, rows):
    return dyadic(np.random.default_rng(seed), 1.0, (rows, C_IN, HW, HW),
                  1 / 4)


def conv2d(x, w, b, stride, pad, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, m, oh, ow))
    mg = m // group
    for f in range(m):
        g = f // mg
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i:i + stride * oh:stride, j:j + stride * ow:stride]
                out[:, f] += np.einsum("nchw,c->nhw", patch,
                                       w[f, :, i, j].astype(np.float64))
    return (out + b.reshape(1, -1, 1, 1)).astype(F32)


def forward(x, p):
    """Every activation of the model, by ONNX node name (float64 sums of
    exact float32 products: exact)."""
    a = {}
    a["conv1"] = conv2d(x, p["w1"], p["b1"], 1, 1, 1)
    a["relu1"] = np.maximum(a["conv1"], 0)
    r = a["relu1"]
    a["pool"] = r.reshape(r.shape[0], C, HW // 2, 2, HW // 2, 2).max(axis=(3, 5))
    a["dwconv"] = conv2d(a["pool"], p["wdw"], p["bdw"], 1, 1, C)
    a["residual"] = (a["dwconv"] + a["pool"]).astype(F32)
    a["relu2"] = np.maximum(a["residual"], 0)
    a["concat"] = np.concatenate([a["pool"], a["relu2"]], axis=1)
    a["conv3"] = conv2d(a["concat"], p["w3"], p["b3"], 2, 1, 1)
    a["relu3"] = np.maximum(a["conv3"], 0)
    a["gap"] = (a["relu3"].astype(np.float64).sum(axis=(2, 3), keepdims=True)
                / 16).astype(F32)
    flat = a["gap"].reshape(a["gap"].shape[0], -1).astype(np.float64)
    a["fc"] = (flat @ p["wfc"].T.astype(np.float64) + p["bfc"]).astype(F32)
    return a


def model(p):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], "conv1", kernel_shape=[3, 3],
          pads=[1, 1, 1, 1]),
        n("Relu", ["c1"], ["r1"], "relu1"),
        n("MaxPool", ["r1"], ["p"], "pool", kernel_shape=[2, 2],
          strides=[2, 2]),
        n("Conv", ["p", "wdw", "bdw"], ["d"], "dwconv", kernel_shape=[3, 3],
          pads=[1, 1, 1, 1], group=C),
        n("Add", ["d", "p"], ["s"], "residual"),
        n("Relu", ["s"], ["r2"], "relu2"),
        n("Concat", ["p", "r2"], ["cat"], "concat", axis=1),
        n("Conv", ["cat", "w3", "b3"], ["c3"], "conv3", kernel_shape=[3, 3],
          pads=[1, 1, 1, 1], strides=[2, 2]),
        n("Relu", ["c3"], ["r3"], "relu3"),
        n("GlobalAveragePool", ["r3"], ["g"], "gap"),
        n("Flatten", ["g"], ["f"], "flatten"),
        n("Gemm", ["f", "wfc", "bfc"], ["out"], "fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "float_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [BATCH, C_IN, HW, HW])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                       [BATCH, CLASSES])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def main():
    import onnx
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = parameters()
    onnx.save(model(p), os.path.join(out, "cnn.onnx"))
    np.save(os.path.join(out, "calib.npy"), inputs(11, 64))
    np.save(os.path.join(out, "calib2.npy"), inputs(12, 16))
    test = inputs(13, 32)
    np.save(os.path.join(out, "test.npy"), test)
    np.save(os.path.join(out, "ref.npy"), forward(test, p)["fc"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
