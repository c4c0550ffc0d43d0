#!/usr/bin/env python3
# ===- make_dynamic_conv.py - A QDQ conv with dynamic spatial sizes ------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_dynamic_conv.py OUT_DIR: writes conv.onnx, a uint8 QDQ Conv (as
ONNX Runtime's quantizer writes it: per-channel int8 weights, int32 bias,
asymmetric padding, stride (2, 1), dilation (1, 2)) whose input is
[N, 3, H, W] with N, H and W dynamic, and x0.npy / x1.npy, inputs of two
spatial sizes. The weights stay within [-63, 63] so that ONNX Runtime's
u8 x s8 kernels without VNNI (16-bit pair sums) cannot saturate."""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(5)
c, f = 3, 4
w = rng.integers(-63, 64, (f, c, 3, 3)).astype(np.int8)
s_w = rng.uniform(0.003, 0.02, f).astype(np.float32)
b = rng.integers(-2000, 2000, f).astype(np.int32)
s_x, zp_x = np.float32(0.0371), np.uint8(121)
s_y, zp_y = np.float32(0.0613), np.uint8(117)
inits = [
    numpy_helper.from_array(np.array(s_x), "s_x"),
    numpy_helper.from_array(np.array(zp_x), "zp_x"),
    numpy_helper.from_array(w, "w_q"),
    numpy_helper.from_array(s_w, "s_w"),
    numpy_helper.from_array(np.zeros(f, np.int8), "zp_w"),
    numpy_helper.from_array(b, "b_q"),
    numpy_helper.from_array((s_x * s_w).astype(np.float32), "s_b"),
    numpy_helper.from_array(np.zeros(f, np.int32), "zp_b"),
    numpy_helper.from_array(np.array(s_y), "s_y"),
    numpy_helper.from_array(np.array(zp_y), "zp_y"),
]
nodes = [
    helper.make_node("QuantizeLinear", ["x", "s_x", "zp_x"], ["xq"]),
    helper.make_node("DequantizeLinear", ["xq", "s_x", "zp_x"], ["xd"]),
    helper.make_node("DequantizeLinear", ["w_q", "s_w", "zp_w"], ["wd"],
                     axis=0),
    helper.make_node("DequantizeLinear", ["b_q", "s_b", "zp_b"], ["bd"],
                     axis=0),
    helper.make_node("Conv", ["xd", "wd", "bd"], ["y"], pads=[1, 0, 2, 1],
                     strides=[2, 1], dilations=[1, 2]),
    helper.make_node("QuantizeLinear", ["y", "s_y", "zp_y"], ["yq"]),
    helper.make_node("DequantizeLinear", ["yq", "s_y", "zp_y"], ["out"]),
]
graph = helper.make_graph(
    nodes, "dynamic_conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                   ["N", c, "H", "W"])],
    [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                   ["N", f, "OH", "OW"])], inits)
model = helper.make_model(graph,
                          opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, f"{out}/conv.onnx")
for i, (h, wd) in enumerate([(9, 8), (14, 11)]):
    x = rng.uniform(-4.5, 4.5, (2, c, h, wd)).astype(np.float32)
    np.save(f"{out}/x{i}.npy", x)
