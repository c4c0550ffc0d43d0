#!/usr/bin/env python3
# ===- make_models.py - The ONNX models of bench/run.py -------------------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_models.py OUT_DIR

Writes the benchmark models as QDQ ONNX, the form ONNX Runtime's quantizer
writes and quant-import reads, with 8-bit graph inputs and outputs so that
every runtime times the same integer work and nothing else:

  matmul_MxKxN.onnx  x:uint8[M,K] -> DequantizeLinear -> MatMul with a
                     constant int8 [K,N] weight (per tensor) ->
                     QuantizeLinear -> y:uint8[M,N]
  conv.onnx          x:uint8[1,64,56,56] -> Conv 3x3 pad 1, 64 -> 64, int8
                     per-channel weights, int32 bias -> y:uint8
  cnn.onnx           the CNN of test/Integration/ORT (conv, depthwise conv,
                     residual add, pooling, concat, gemm) at batch 1, with
                     its float input and output

and OUT_DIR/NAME.x.npy, an input for each. Fixed seeds: the same files on
every run.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "test", "Integration", "ORT"))
import make_qdq_models  # noqa: E402  (the CNN and the QDQ conventions)

MATMUL_SHAPES = [(1, 4096, 4096), (16, 4096, 4096), (128, 768, 3072),
                 (256, 256, 256), (1024, 1024, 1024)]
CONV = dict(batch=1, channels=64, size=56, filters=64, kernel=3)


def integer_io_model(name, nodes, inits, x_shape, y_shape):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.UINT8, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, y_shape)],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="quantc-bench")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def qdq_params(prefix, scale, zero_point):
    return [numpy_helper.from_array(np.array(scale, np.float32), prefix + "_scale"),
            numpy_helper.from_array(np.asarray(zero_point), prefix + "_zero_point")]


def matmul(m, k, n):
    rng = np.random.default_rng(m * 31 + k * 7 + n)
    w = rng.integers(-127, 128, (k, n), dtype=np.int8)
    inits = [numpy_helper.from_array(w, "w")]
    inits += qdq_params("x", 0.02, np.uint8(128))
    inits += qdq_params("w", 0.01, np.int8(0))
    # Output scale: a typical accumulator spread maps onto the 8-bit range.
    inits += qdq_params("y", 0.02 * 0.01 * 64 * np.sqrt(k) / 127, np.uint8(128))
    nodes = [
        helper.make_node("DequantizeLinear", ["x", "x_scale", "x_zero_point"], ["xd"]),
        helper.make_node("DequantizeLinear", ["w", "w_scale", "w_zero_point"], ["wd"]),
        helper.make_node("MatMul", ["xd", "wd"], ["yf"]),
        helper.make_node("QuantizeLinear", ["yf", "y_scale", "y_zero_point"], ["y"]),
    ]
    x = rng.integers(0, 256, (m, k), dtype=np.uint8)
    return integer_io_model(f"matmul_{m}x{k}x{n}", nodes, inits, [m, k], [m, n]), x


def conv(groups=1):
    """The 3x3 conv layer of CONV; with groups=channels, its depthwise
    form (one 3x3 filter per channel); in between, grouped (ResNeXt's
    groups of 4 channels)."""
    c, f, s, kk = CONV["channels"], CONV["filters"], CONV["size"], CONV["kernel"]
    rng = np.random.default_rng(7)
    w = rng.integers(-127, 128, (f, c // groups, kk, kk), dtype=np.int8)
    w_scale = rng.uniform(0.005, 0.02, f).astype(np.float32)
    b = rng.integers(-2000, 2000, f, dtype=np.int32)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    inits += qdq_params("x", 0.02, np.uint8(128))
    inits += [numpy_helper.from_array(w_scale, "w_scale"),
              numpy_helper.from_array(np.zeros(f, np.int8), "w_zero_point"),
              numpy_helper.from_array((np.float32(0.02) * w_scale).astype(np.float32),
                                      "b_scale"),
              numpy_helper.from_array(np.zeros(f, np.int32), "b_zero_point")]
    inits += qdq_params("y", 0.3, np.uint8(128))
    nodes = [
        helper.make_node("DequantizeLinear", ["x", "x_scale", "x_zero_point"], ["xd"]),
        helper.make_node("DequantizeLinear", ["w", "w_scale", "w_zero_point"], ["wd"],
                         axis=0),
        helper.make_node("DequantizeLinear", ["b", "b_scale", "b_zero_point"], ["bd"],
                         axis=0),
        helper.make_node("Conv", ["xd", "wd", "bd"], ["yf"], kernel_shape=[kk, kk],
                         pads=[kk // 2] * 4, group=groups),
        helper.make_node("QuantizeLinear", ["yf", "y_scale", "y_zero_point"], ["y"]),
    ]
    shape = [CONV["batch"], c, s, s]
    x = rng.integers(0, 256, shape, dtype=np.uint8)
    name = ("conv" if groups == 1 else
            "depthwise_conv" if groups == c else "grouped_conv")
    return integer_io_model(name, nodes, inits, shape, [CONV["batch"], f, s, s]), x


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    models = {f"matmul_{m}x{k}x{n}": matmul(m, k, n) for m, k, n in MATMUL_SHAPES}
    models["conv"] = conv()
    models["depthwise_conv"] = conv(groups=CONV["channels"])
    models["grouped_conv"] = conv(groups=CONV["channels"] // 4)
    cnn, inputs = make_qdq_models.cnn("uint8", 1, 13)
    del cnn.graph.output[1:]  # the float output only
    models["cnn"] = (cnn, inputs[0])
    for name, (model, x) in models.items():
        onnx.save(model, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + ".x.npy"), x)


if __name__ == "__main__":
    main()
