#!/usr/bin/env python3
# ===- make_model.py - Small ONNX models for the quant-import tests ------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_model.py NAME OUT.onnx: writes the model NAME, built with ONNX's
own helpers (python3-onnx), so that the tests need no checked-in binaries."""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def tensor(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


F = TensorProto.FLOAT


def qdq_linear():
    """x -> Q -> DQ -> MatMul(DQ(W int8, per column)) -> Add(DQ(B int32))
    -> Q -> DQ, as ONNX Runtime's quantizer writes a linear layer."""
    s_w = np.array([0.25, 0.125, 0.5], np.float32)
    inits = [
        const("s_x", np.float32(0.5)), const("zp_x", np.int8(-3)),
        const("w", np.array([[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]],
                            np.int8)),
        const("s_w", s_w), const("zp_w", np.zeros(3, np.int8)),
        const("b", np.array([1, 2, 3], np.int32)),
        const("s_b", (np.float32(0.5) * s_w).astype(np.float32)),
        const("zp_b", np.zeros(3, np.int32)),
        const("s_y", np.float32(2.0)), const("zp_y", np.int8(4)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s_x", "zp_x"], ["xq"], name="q_x"),
        helper.make_node("DequantizeLinear", ["xq", "s_x", "zp_x"], ["xd"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w", "s_w", "zp_w"], ["wd"], name="dq_w", axis=1),
        helper.make_node("MatMul", ["xd", "wd"], ["mm"], name="fc"),
        helper.make_node("DequantizeLinear", ["b", "s_b", "zp_b"], ["bd"], name="dq_b", axis=0),
        helper.make_node("Add", ["mm", "bd"], ["y"], name="bias"),
        helper.make_node("QuantizeLinear", ["y", "s_y", "zp_y"], ["yq"], name="q_y"),
        helper.make_node("DequantizeLinear", ["yq", "s_y", "zp_y"], ["out"], name="dq_y"),
    ]
    return model(nodes, [tensor("x", F, [2, 4])], [tensor("out", F, [2, 3])], inits)


def float_mlp():
    inits = [const("w", np.ones((4, 3), np.float32)),
             const("c", np.zeros(3, np.float32))]
    nodes = [
        helper.make_node("Gemm", ["x", "w", "c"], ["h"], name="fc", alpha=0.5),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax", axis=-1),
    ]
    return model(nodes, [tensor("x", F, [2, 4])], [tensor("y", F, [2, 3])], inits)


def unary(op, **attrs):
    return model([helper.make_node(op, ["x"], ["y"], name="n0", **attrs)],
                 [tensor("x", F, [2, 3])], [tensor("y", F, [2, 3])])


def dynamic_scale():
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], name="q")]
    return model(nodes, [tensor("x", F, [4]), tensor("s", F, []),
                         tensor("zp", TensorProto.UINT8, [])],
                 [tensor("y", TensorProto.UINT8, [4])])


def zero_scale():
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], name="q")]
    return model(nodes, [tensor("x", F, [4])], [tensor("y", TensorProto.UINT8, [4])],
                 [const("s", np.float32(0.0)), const("zp", np.uint8(0))])


def foreign_domain():
    node = helper.make_node("FusedGemm", ["x"], ["y"], name="ms", domain="com.microsoft")
    graph = helper.make_graph([node], "g", [tensor("x", F, [2, 3])], [tensor("y", F, [2, 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                   helper.make_opsetid("com.microsoft", 1)])


def external_data():
    w = const("w", np.ones((3, 3), np.float32))
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    entry = w.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [tensor("x", F, [2, 3])], [tensor("y", F, [2, 3])], [w])


def bad_shapes():
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [tensor("x", F, [2, 3]), tensor("w", F, [4, 5])],
                 [tensor("y", F, [2, 5])])


def dynamic_reshape():
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="r")],
                 [tensor("x", F, [2, 3]), tensor("shape", TensorProto.INT64, [2])],
                 [tensor("y", F, ["a", "b"])])


MODELS = {
    "qdq_linear": qdq_linear,
    "float_mlp": float_mlp,
    "unsupported_op": lambda: unary("Erf"),
    "old_opset": lambda: model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                               [tensor("x", F, [2])], [tensor("y", F, [2])], opset=9),
    "new_opset": lambda: model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                               [tensor("x", F, [2])], [tensor("y", F, [2])], opset=18),
    "dynamic_scale": dynamic_scale,
    "zero_scale": zero_scale,
    "foreign_domain": foreign_domain,
    "external_data": external_data,
    "bad_shapes": bad_shapes,
    "dynamic_reshape": dynamic_reshape,
}

def qdq_linear_reference(x):
    """The numpy float32 QDQ emulation of qdq_linear on x (rows of 4).
    Scales are powers of two: the emulation is exact."""
    xq = np.clip(np.rint(x / np.float32(0.5)) - 3, -128, 127)
    xd = ((xq + 3) * np.float32(0.5)).astype(np.float32)
    s_w = np.array([0.25, 0.125, 0.5], np.float32)
    w = np.array([[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]], np.float32)
    y = xd @ (w * s_w) + np.array([1, 2, 3], np.float32) * (0.5 * s_w)
    yq = np.clip(np.rint(y / np.float32(2.0)) + 4, -128, 127)
    return ((yq - 4) * np.float32(2.0)).astype(np.float32)


def qdq_linear_data(directory):
    """x.npy and qdq_linear_reference(x), ref.npy."""
    x = np.array([[1.3, -2.25, 40.0, 0.75], [-0.4, 3.0, -100.0, 2.2]],
                 np.float32)
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", qdq_linear_reference(x))


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    if name == "qdq_linear_data":
        qdq_linear_data(out)
    else:
        onnx.save(MODELS[name](), out)
