"""Writes a small float CNN (Conv+Relu+MaxPool+Flatten+Gemm) as ONNX, a
calibration input of 4 batches, and the numpy forward pass of the same model
as the expected per-observer statistics (calibrate.test).

Every input and weight is a small integer, so every intermediate value is an
integer far below 2^24: float32 computes it exactly in any summation order,
and the observed min/max must equal numpy's exactly.

Usage: make_calibration_model.py OUT_DIR
"""

import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BATCH, BATCHES = 2, 4


def conv2d(x, w, b, pad):
    """NCHW x OIHW, stride 1, in float64 (exact here)."""
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, wd = x.shape
    f, _, kh, kw = w.shape
    out = np.zeros((n, f, h - kh + 1, wd - kw + 1))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + out.shape[2], j:j + out.shape[3]]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b.reshape(1, -1, 1, 1)


def max_pool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def main(out):
    rng = np.random.default_rng(7)
    w1 = rng.integers(-2, 3, size=(4, 3, 3, 3)).astype(np.float32)
    b1 = rng.integers(-5, 6, size=(4,)).astype(np.float32)
    w2 = rng.integers(-2, 3, size=(5, 64)).astype(np.float32)
    b2 = rng.integers(-5, 6, size=(5,)).astype(np.float32)
    x = rng.integers(-3, 4, size=(BATCH * BATCHES, 3, 8, 8)).astype(np.float32)

    nodes = [
        helper.make_node("Conv", ["X", "W1", "B1"], ["c"], name="conv",
                         pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "W2", "B2"], ["Y"], name="gemm",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "calib",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT,
                                       [BATCH, 3, 8, 8])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [BATCH, 5])],
        [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "B1"),
         numpy_helper.from_array(w2, "W2"), numpy_helper.from_array(b2, "B2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/model.onnx")
    np.save(f"{out}/x.npy", x)

    # The forward pass, independent of the compiler: the tensors the
    # observers see, under the names quant-insert-observers gives them.
    x64 = x.astype(np.float64)
    conv = conv2d(x64, w1.astype(np.float64), b1.astype(np.float64), 1)
    relu = np.maximum(conv, 0)
    pool = max_pool2(relu)
    gemm = pool.reshape(len(pool), -1) @ w2.T.astype(np.float64) + b2
    expected = {}
    for name, t in [("X", x64), ("conv.out", conv), ("relu.out", relu),
                    ("pool.out", pool), ("gemm.out", gemm)]:
        assert np.all(np.abs(t) < 2**24) and np.all(t == np.round(t))
        expected[name] = {"count": int(t.size), "min": float(t.min()),
                          "max": float(t.max()),
                          "shape": [BATCH] + list(t.shape[1:])}
    with open(f"{out}/expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    np.save(f"{out}/y.npy", gemm.astype(np.float32))
    # All-NaN data: every observer downstream sees no finite value.
    np.save(f"{out}/x_nan.npy", np.full((BATCH, 3, 8, 8), np.nan, np.float32))
    # One Inf: counted and excluded.
    x_inf = x[:BATCH].copy()
    x_inf[0, 0, 0, 0] = np.inf
    np.save(f"{out}/x_inf.npy", x_inf)
    # For unknown-observer-id.mlir, and a wrong shape for the CNN.
    np.save(f"{out}/x_2x4.npy", np.ones((2, 4), np.float32))
    # No data at all.
    np.save(f"{out}/x_empty.npy", np.zeros((0, 3, 8, 8), np.float32))


if __name__ == "__main__":
    main(sys.argv[1])
