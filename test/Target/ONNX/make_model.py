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


def qdq_linear_nodes():
    """x -> Q -> DQ -> MatMul(DQ(w, per column)) -> Add(DQ(b)) -> Q -> DQ,
    over initializers s_x, zp_x, w, s_w, zp_w, b, s_b, zp_b, s_y, zp_y."""
    return [
        helper.make_node("QuantizeLinear", ["x", "s_x", "zp_x"], ["xq"], name="q_x"),
        helper.make_node("DequantizeLinear", ["xq", "s_x", "zp_x"], ["xd"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w", "s_w", "zp_w"], ["wd"], name="dq_w", axis=1),
        helper.make_node("MatMul", ["xd", "wd"], ["mm"], name="fc"),
        helper.make_node("DequantizeLinear", ["b", "s_b", "zp_b"], ["bd"], name="dq_b", axis=0),
        helper.make_node("Add", ["mm", "bd"], ["y"], name="bias"),
        helper.make_node("QuantizeLinear", ["y", "s_y", "zp_y"], ["yq"], name="q_y"),
        helper.make_node("DequantizeLinear", ["yq", "s_y", "zp_y"], ["out"], name="dq_y"),
    ]


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
    nodes = qdq_linear_nodes()
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


def pad_model(mode, pads, value=None, pads_input=True, opset=13):
    inputs = ["x", "pads"] + (["v"] if value is not None else [])
    inits = [const("pads", np.array(pads, np.int64))] if pads_input else []
    if value is not None:
        inits.append(const("v", np.float32(value)))
    node = helper.make_node("Pad", inputs, ["y"], name="pad", mode=mode)
    return model([node], [tensor("x", F, [2, 3]), *([] if pads_input else
                                                    [tensor("pads", TensorProto.INT64, [4])])],
                 [tensor("y", F, None)], inits, opset=opset)


def slice_model(starts, ends, axes, steps):
    inits = [const("starts", np.array(starts, np.int64)),
             const("ends", np.array(ends, np.int64)),
             const("axes", np.array(axes, np.int64)),
             const("steps", np.array(steps, np.int64))]
    node = helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"],
                            ["y"], name="slice")
    return model([node], [tensor("x", F, [4, 5])], [tensor("y", F, None)], inits)


def batchnorm(training=False, constant=True):
    params = [const(n, np.full(3, v, np.float32)) for n, v in
              (("scale", 2.0), ("bias", 0.5), ("mean", 1.0), ("var", 4.0))]
    node = helper.make_node("BatchNormalization",
                            ["x", "scale", "bias", "mean", "var"], ["y"],
                            name="bn", epsilon=1e-5,
                            **({"training_mode": 1} if training else {}))
    inputs = [tensor("x", F, [2, 3, 4, 4])]
    if not constant:
        inputs.append(tensor("mean", F, [3]))
        params = [p for p in params if p.name != "mean"]
    return model([node], inputs, [tensor("y", F, None)], params, opset=15)


def layernorm(axis=-1, x_shape=(2, 3, 8), scale_shape=None, bias=True,
              outputs=("y",), **attrs):
    """LayerNormalization (opset 17) over axes [axis, rank); Scale and B
    have the normalized shape unless `scale_shape` says otherwise."""
    rank = len(x_shape)
    normalized = list(x_shape[axis % rank:]) if scale_shape is None \
        else list(scale_shape)
    rng = np.random.default_rng(5)
    inits = [const("scale", rng.normal(1, 0.2, normalized).astype(np.float32))]
    inputs = ["x", "scale"]
    if bias:
        inits.append(const("bias", rng.normal(0, 0.2, normalized)
                           .astype(np.float32)))
        inputs.append("bias")
    node = helper.make_node("LayerNormalization", inputs, list(outputs),
                            name="ln", axis=axis, epsilon=1e-3, **attrs)
    return model([node], [tensor("x", F, list(x_shape))],
                 [tensor(o, F, None) for o in outputs], inits, opset=17)


def layernorm_data(directory, axis):
    """x.npy and the float64 LayerNormalization of x (epsilon 1e-3), ref.npy,
    for layernorm(axis)."""
    m = layernorm(axis)
    params = {i.name: onnx.numpy_helper.to_array(i)
              for i in m.graph.initializer}
    x = np.random.default_rng(6).normal(0.5, 2.0, (2, 3, 8)).astype(np.float32)
    axes = tuple(range(axis % 3, 3))
    d = x.astype(np.float64) - x.mean(axis=axes, keepdims=True, dtype=np.float64)
    var = (d * d).mean(axis=axes, keepdims=True)
    y = d / np.sqrt(var + 1e-3) * params["scale"] + params["bias"]
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", y.astype(np.float32))


def grouped_conv():
    """Conv with 2 groups, padding and stride 2, then a depthwise Conv with
    dilation 2 and a bias: the grouped linalg form."""
    rng = np.random.default_rng(7)
    inits = [const("w1", rng.standard_normal((4, 2, 3, 3)).astype(np.float32)),
             const("w2", rng.standard_normal((4, 1, 3, 3)).astype(np.float32)),
             const("b2", rng.standard_normal(4).astype(np.float32))]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["h"], name="grouped", group=2,
                         pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Conv", ["h", "w2", "b2"], ["y"], name="depthwise",
                         group=4, pads=[2, 2, 2, 2], dilations=[2, 2]),
    ]
    return model(nodes, [tensor("x", F, [1, 4, 7, 7])], [tensor("y", F, None)], inits)


def conv_reference(x, w, b, group, pads, strides, dilations):
    """Direct-loop NCHW convolution in float64, independent of the importer."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh = (h - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (wd - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    y = np.zeros((n, m, oh, ow))
    mg = m // group
    for o in range(m):
        g = o // mg
        for i in range(oh):
            for j in range(ow):
                patch = x[:, g * cg:(g + 1) * cg,
                          i * strides[0]:i * strides[0] + (kh - 1) * dilations[0] + 1:dilations[0],
                          j * strides[1]:j * strides[1] + (kw - 1) * dilations[1] + 1:dilations[1]]
                y[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
        if b is not None:
            y[:, o] += b[o]
    return y


def grouped_conv_data(directory):
    x = np.random.default_rng(8).standard_normal((1, 4, 7, 7)).astype(np.float32)
    inits = {i.name: numpy_helper.to_array(i) for i in grouped_conv().graph.initializer}
    h = conv_reference(x, inits["w1"], None, 2, [1, 1, 1, 1], [2, 2], [1, 1])
    y = conv_reference(h, inits["w2"], inits["b2"], 4, [2, 2, 2, 2], [1, 1], [2, 2])
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", y.astype(np.float32))


def conv_nd_reference(x, w, b, group, pads, strides, dilations):
    """Direct-loop N-d convolution (N, C, spatial...) in float64."""
    spatial = x.ndim - 2
    x = np.pad(x.astype(np.float64),
               [(0, 0), (0, 0)] + [(pads[i], pads[i + spatial]) for i in range(spatial)])
    m, cg = w.shape[:2]
    kernel = w.shape[2:]
    out = [(x.shape[2 + i] - (kernel[i] - 1) * dilations[i] - 1) // strides[i] + 1
           for i in range(spatial)]
    y = np.zeros((x.shape[0], m, *out))
    mg = m // group
    for o in range(m):
        g = o // mg
        for pos in np.ndindex(*out):
            window = tuple(slice(pos[i] * strides[i],
                                 pos[i] * strides[i] + (kernel[i] - 1) * dilations[i] + 1,
                                 dilations[i]) for i in range(spatial))
            patch = x[(slice(None), slice(g * cg, (g + 1) * cg)) + window]
            y[(slice(None), o) + pos] = (patch * w[o]).sum(axis=tuple(range(1, spatial + 2)))
        if b is not None:
            y[:, o] += b[o]
    return y


CONV_ND = {
    # name: input shape (batch symbolic), weight shape, group, pads, strides, dilations
    "conv1d": (["N", 4, 11], (6, 2, 3), 2, [1, 2], [2], [1]),
    "conv3d": (["N", 2, 4, 5, 4], (3, 2, 2, 3, 2), 1, [1, 0, 1, 0, 1, 1], [1, 2, 1], [1, 1, 2]),
}


def conv_nd(name):
    """A Conv over 1 or 3 spatial dimensions with a dynamic batch."""
    shape, wshape, group, pads, strides, dilations = CONV_ND[name]
    rng = np.random.default_rng(11)
    inits = [const("w", rng.standard_normal(wshape).astype(np.float32)),
             const("b", rng.standard_normal(wshape[0]).astype(np.float32))]
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name=name, group=group,
                            pads=pads, strides=strides, dilations=dilations)
    return model([node], [tensor("x", F, shape)], [tensor("y", F, None)], inits)


def conv_nd_data(name, directory, batch=3):
    shape, _, group, pads, strides, dilations = CONV_ND[name]
    x = np.random.default_rng(12).standard_normal([batch] + shape[1:]).astype(np.float32)
    inits = {i.name: numpy_helper.to_array(i) for i in conv_nd(name).graph.initializer}
    y = conv_nd_reference(x, inits["w"], inits["b"], group, pads, strides, dilations)
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", y.astype(np.float32))


def qdq_int16_opset21():
    """int16 activations (QuantizeLinear-21 / DequantizeLinear-21 types that
    Debian's libonnx 1.12 does not know) around a Relu."""
    inits = [const("s", np.float32(0.25)), const("zp", np.int16(-300))]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="q"),
        helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["d"], name="dq"),
        helper.make_node("Relu", ["d"], ["y"], name="relu"),
    ]
    return model(nodes, [tensor("x", F, [6])], [tensor("y", F, [6])], inits, opset=21)


INT4_WEIGHTS = np.array([[-8, 7, 0], [3, -1, 5], [-4, 2, 6], [1, -7, -2], [4, 0, -3]])
UINT4_WEIGHTS = np.array([[0, 15, 3], [9, 1, 12], [7, 8, 2], [14, 4, 11], [5, 10, 6]])


def packed4(name, values, dtype):
    """An int4 (22) / uint4 (21) initializer: two values a byte, the first
    in the low nibble, as ONNX 1.16 packs them."""
    flat = (values.reshape(-1) & 0xF).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, np.uint8(0))
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(values.shape)
    t.raw_data = (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()
    return t


def qdq_int4_weights():
    """x @ DQ(int4 weights, per column) + x @ DQ(uint4 weights, zp 8): the
    4-bit Q/DQ types of opset 21."""
    inits = [packed4("w4", INT4_WEIGHTS, 22),
             const("s4", np.array([0.5, 0.25, 0.125], np.float32)),
             packed4("z4", np.zeros(3, np.int64), 22),
             packed4("wu4", UINT4_WEIGHTS, 21), const("su4", np.float32(0.0625)),
             packed4("zu4", np.array(8), 21)]
    nodes = [helper.make_node("DequantizeLinear", ["w4", "s4", "z4"], ["wd"],
                              name="dq_w4", axis=1),
             helper.make_node("DequantizeLinear", ["wu4", "su4", "zu4"], ["wud"],
                              name="dq_wu4"),
             helper.make_node("MatMul", ["x", "wd"], ["a"], name="mm4"),
             helper.make_node("MatMul", ["x", "wud"], ["b"], name="mmu4"),
             helper.make_node("Add", ["a", "b"], ["y"], name="sum")]
    return model(nodes, [tensor("x", F, [2, 5])], [tensor("y", F, [2, 3])], inits, opset=21)


def qdq_int4_weights_data(directory):
    x = np.array([[1, -2, 0.5, 4, -1], [0.25, 3, -8, 2, 1]], np.float32)
    w = INT4_WEIGHTS * np.array([0.5, 0.25, 0.125]) + (UINT4_WEIGHTS - 8) * 0.0625
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", (x.astype(np.float64) @ w).astype(np.float32))


BLOCKED_W = np.arange(-12, 12).reshape(4, 6).astype(np.int8)
BLOCKED_S = (2.0 ** -np.arange(12).reshape(4, 3) % 1 + 0.0625).astype(np.float32)
BLOCKED_ZP = np.array([[0, 1, -1], [2, 0, 3], [-2, 1, 0], [0, 0, 4]], np.int8)


INT4_LINEAR_WEIGHTS = np.array([[1, -2, 3], [4, 5, -6], [7, -8, 0], [-1, 6, 2]])
INT4_LINEAR_SCALES = np.array([0.25, 0.125, 0.5], np.float32)


def qdq_int4_linear():
    """The QDQ linear layer of qdq_linear_nodes with int4 weights per column
    (opset 21): quant-fold-qdq takes it into qnn.matmul on i4 storage."""
    inits = [const("s_x", np.float32(0.5)), const("zp_x", np.int8(-3)),
             packed4("w", INT4_LINEAR_WEIGHTS, 22), const("s_w", INT4_LINEAR_SCALES),
             packed4("zp_w", np.zeros(3, np.int64), 22),
             const("b", np.array([1, 2, 3], np.int32)),
             const("s_b", (np.float32(0.5) * INT4_LINEAR_SCALES).astype(np.float32)),
             const("zp_b", np.zeros(3, np.int32)),
             const("s_y", np.float32(2.0)), const("zp_y", np.int8(4))]
    return model(qdq_linear_nodes(), [tensor("x", F, [2, 4])],
                 [tensor("out", F, [2, 3])], inits, opset=21)


def qdq_int4_linear_data(directory):
    """Power-of-two scales: the numpy QDQ emulation is exact."""
    x = np.array([[1.3, -2.25, 40.0, 0.75], [-0.4, 3.0, -100.0, 2.2]], np.float32)
    xd = (np.clip(np.rint(x / 0.5) - 3, -128, 127) + 3) * 0.5
    y = xd @ (INT4_LINEAR_WEIGHTS * INT4_LINEAR_SCALES) + \
        np.array([1, 2, 3]) * (0.5 * INT4_LINEAR_SCALES)
    yq = np.clip(np.rint(y / 2.0) + 4, -128, 127)
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", ((yq - 4) * 2.0).astype(np.float32))


def blocked_dq(block=2, scales=None, zero_points=None):
    """x @ DequantizeLinear(int8 weights [4, 6], blocks of `block` along
    axis 1, asymmetric), then a blocked QuantizeLinear/DequantizeLinear of
    the [2, 6] result (blocks of 3 along axis 1): opset 21's block_size."""
    scales = BLOCKED_S if scales is None else scales
    zero_points = BLOCKED_ZP if zero_points is None else zero_points
    inits = [const("w", BLOCKED_W), const("s", scales), const("zp", zero_points),
             const("sy", np.array([[0.25, 0.5], [0.125, 1.0]], np.float32)),
             const("zy", np.array([[3, -3], [0, 7]], np.int8))]
    nodes = [helper.make_node("DequantizeLinear", ["w", "s", "zp"], ["wd"],
                              name="dq_w", axis=1, block_size=block),
             helper.make_node("MatMul", ["x", "wd"], ["y"], name="mm"),
             helper.make_node("QuantizeLinear", ["y", "sy", "zy"], ["yq"],
                              name="q_y", axis=1, block_size=3),
             helper.make_node("DequantizeLinear", ["yq", "sy", "zy"], ["out"],
                              name="dq_y", axis=1, block_size=3)]
    return model(nodes, [tensor("x", F, [2, 4])], [tensor("out", F, [2, 6])], inits, opset=21)


def blocked_dq_data(directory):
    """Inputs and the numpy QDQ emulation (scales are sums of powers of two
    and the values small: the float32 arithmetic is exact)."""
    x = np.array([[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -4.0]], np.float32)
    scales = np.repeat(BLOCKED_S, 2, axis=1)
    zps = np.repeat(BLOCKED_ZP, 2, axis=1).astype(np.float32)
    w = (BLOCKED_W.astype(np.float32) - zps) * scales
    y = x @ w
    sy = np.repeat(np.array([[0.25, 0.5], [0.125, 1.0]], np.float32), 3, axis=1)
    zy = np.repeat(np.array([[3, -3], [0, 7]], np.float32), 3, axis=1)
    yq = np.clip(np.rint(y / sy) + zy, -128, 127)
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", ((yq - zy) * sy).astype(np.float32))


def large_linear_params():
    """Weights of 64 x 256 int8 (16 KiB) and an int32 bias of 256 (1 KiB):
    large enough that quant-import makes both dense resources."""
    rng = np.random.default_rng(21)
    return (rng.integers(-127, 128, (64, 256)).astype(np.int8),
            rng.integers(-5000, 5000, 256).astype(np.int32))


def qdq_large_linear():
    """A QDQ linear layer (uint8 activations, zero point 128; per-column
    weights) with power-of-two scales, so that the numpy QDQ emulation in
    qdq_large_linear_data is exact."""
    w, bias = large_linear_params()
    s_w = np.float32(2.0) ** -np.arange(6, 10, dtype=np.float32).repeat(64)
    inits = [const("s_x", np.float32(0.0625)), const("zp_x", np.uint8(128)),
             const("w", w), const("s_w", s_w), const("zp_w", np.zeros(256, np.int8)),
             const("b", bias), const("s_b", (np.float32(0.0625) * s_w).astype(np.float32)),
             const("zp_b", np.zeros(256, np.int32)),
             const("s_y", np.float32(0.25)), const("zp_y", np.uint8(100))]
    nodes = qdq_linear_nodes()
    return model(nodes, [tensor("x", F, [3, 64])], [tensor("out", F, [3, 256])], inits)


def qdq_large_linear_data(directory):
    w, bias = large_linear_params()
    s_w = 2.0 ** -np.arange(6, 10).repeat(64)
    x = np.random.default_rng(22).uniform(-9, 9, (3, 64)).astype(np.float32)
    xq = np.clip(np.rint(x / np.float32(0.0625)) + 128, 0, 255)
    y = (xq - 128) @ w.astype(np.float64) * (0.0625 * s_w) + bias * (0.0625 * s_w)
    yq = np.clip(np.rint(y / 0.25) + 100, 0, 255)
    np.save(f"{directory}/x.npy", x)
    np.save(f"{directory}/ref.npy", ((yq - 100) * 0.25).astype(np.float32))


def dynamic_cnn():
    """A float CNN with a symbolic batch through every operator kind that
    must carry it: Conv, BatchNormalization, Relu, Pad, MaxPool, Add,
    GlobalAveragePool, Flatten, Gemm, Slice, Softmax."""
    rng = np.random.default_rng(31)
    inits = [const("w1", rng.standard_normal((8, 2, 3, 3)).astype(np.float32)),
             const("b1", rng.standard_normal(8).astype(np.float32)),
             const("gamma", rng.uniform(0.5, 2, 8).astype(np.float32)),
             const("beta", rng.standard_normal(8).astype(np.float32)),
             const("mean", rng.standard_normal(8).astype(np.float32)),
             const("var", rng.uniform(0.5, 2, 8).astype(np.float32)),
             const("w2", rng.standard_normal((8, 5)).astype(np.float32)),
             const("b2", rng.standard_normal(5).astype(np.float32)),
             const("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)),
             const("starts", np.array([0], np.int64)),
             const("ends", np.array([3], np.int64)),
             const("axes", np.array([1], np.int64))]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["bn"], name="bn"),
        helper.make_node("Relu", ["bn"], ["r"], name="relu"),
        helper.make_node("Pad", ["r", "pads"], ["p"], name="pad", mode="reflect"),
        helper.make_node("MaxPool", ["p"], ["mp"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Add", ["mp", "mp"], ["a"], name="add"),
        helper.make_node("GlobalAveragePool", ["a"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w2", "b2"], ["g"], name="fc", alpha=0.5),
        helper.make_node("Slice", ["g", "starts", "ends", "axes"], ["s"], name="slice"),
        helper.make_node("Softmax", ["s"], ["y"], name="softmax"),
    ]
    return model(nodes, [tensor("x", F, ["N", 2, 6, 6])], [tensor("y", F, None)], inits)


def short_initializer():
    """A 32x16 float initializer of 2000 raw bytes (2048 needed): large
    enough for the dense-resource path, which must still refuse it."""
    w = TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.extend([32, 16])
    w.raw_data = bytes(2000)
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [tensor("x", F, [2, 32])], [tensor("y", F, [2, 16])], [w])


MODELS = {
    "qdq_linear": qdq_linear,
    "float_mlp": float_mlp,
    "unsupported_op": lambda: unary("Erf"),
    "old_opset": lambda: model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2])],
        [tensor("x", F, [1, 1, 4, 4])], [tensor("y", F, [1, 1, 3, 3])], opset=8),
    "future_opset": lambda: model([helper.make_node("Relu", ["x"], ["y"], name="n0")],
                                  [tensor("x", F, [2])], [tensor("y", F, [2])], opset=22),
    "dynamic_scale": dynamic_scale,
    "zero_scale": zero_scale,
    "foreign_domain": foreign_domain,
    "external_data": external_data,
    "bad_shapes": bad_shapes,
    "dynamic_reshape": dynamic_reshape,
    "short_initializer": short_initializer,
    "old_opset_unchanged": lambda: model(
        [helper.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")],
        [tensor("x", F, [1, 2, 3, 3])], [tensor("y", F, [1, 2, 1, 1])], opset=1),
    "unknown_attribute": lambda: unary("LeakyRelu", alpha=0.1, beta=2.0),
    "pad_reflect": lambda: pad_model("reflect", [0, 1, 1, 2]),
    "pad_reflect_too_far": lambda: pad_model("reflect", [0, 3, 0, 0]),
    "pad_wrap": lambda: pad_model("wrap", [1, 3, 2, 1], opset=19),
    "pad_wrap_too_far": lambda: pad_model("wrap", [0, 4, 0, 0], opset=19),
    "pad_negative": lambda: pad_model("edge", [0, -1, 1, 2]),
    "pad_overcrop": lambda: pad_model("constant", [0, -2, 0, -2]),
    "pad_dynamic": lambda: pad_model("constant", [0, 1, 0, 1], pads_input=False),
    "slice_reverse": lambda: slice_model([-1, 4], [-100, 0], [0, 1], [-2, -3]),
    "slice_zero_step": lambda: slice_model([0], [2], [1], [0]),
    "batchnorm": batchnorm,
    "batchnorm_training": lambda: batchnorm(training=True),
    "batchnorm_dynamic": lambda: batchnorm(constant=False),
    "layernorm": layernorm,
    "layernorm_axis1": lambda: layernorm(axis=1),
    "layernorm_no_bias": lambda: layernorm(bias=False),
    "layernorm_stash": lambda: layernorm(stash_type=0),
    "layernorm_mean": lambda: layernorm(outputs=("y", "mean")),
    "layernorm_dynamic": lambda: layernorm(x_shape=(2, "S", 8), axis=1,
                                           scale_shape=(1, 8)),
    "layernorm_bad_scale": lambda: layernorm(scale_shape=(4,)),
    "layernorm_bad_axis": lambda: layernorm(axis=3),
    "layernorm_int": lambda: model(
        [helper.make_node("LayerNormalization", ["x", "scale"], ["y"],
                          name="ln")],
        [tensor("x", TensorProto.INT32, [2, 3])],
        [tensor("y", TensorProto.INT32, None)],
        [const("scale", np.ones(3, np.int32))], opset=17),
    "grouped_conv": grouped_conv,
    "conv_bad_group": lambda: model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=3)],
        [tensor("x", F, [1, 4, 5, 5])], [tensor("y", F, None)],
        [const("w", np.ones((4, 2, 3, 3), np.float32))]),
    "conv_dynamic_same": lambda: model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                          auto_pad="SAME_UPPER")],
        [tensor("x", F, [1, 2, "H", "W"])], [tensor("y", F, None)],
        [const("w", np.ones((4, 2, 3, 3), np.float32))]),
    "conv_dynamic_1d": lambda: model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
        [tensor("x", F, [1, 2, "W"])], [tensor("y", F, None)],
        [const("w", np.ones((4, 2, 3), np.float32))]),
    "qdq_int16_opset21": qdq_int16_opset21,
    "blocked_dq": blocked_dq,
    "blocked_partial": lambda: blocked_dq(block=4, scales=np.ones((4, 2), np.float32),
                                          zero_points=np.zeros((4, 2), np.int8)),
    "blocked_bad_scales": lambda: blocked_dq(scales=np.ones((2, 4), np.float32),
                                             zero_points=np.zeros((2, 4), np.int8)),
    "qdq_int4_weights": qdq_int4_weights,
    "qdq_int4_linear": qdq_int4_linear,
    "qdq_large_linear": qdq_large_linear,
    "dynamic_cnn": dynamic_cnn,
    "conv1d": lambda: conv_nd("conv1d"),
    "conv3d": lambda: conv_nd("conv3d"),
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
    elif name in ("layernorm_data", "layernorm_axis1_data"):
        layernorm_data(out, 1 if "axis1" in name else -1)
    elif name == "grouped_conv_data":
        grouped_conv_data(out)
    elif name == "qdq_int4_linear_data":
        qdq_int4_linear_data(out)
    elif name == "blocked_dq_data":
        blocked_dq_data(out)
    elif name == "qdq_large_linear_data":
        qdq_large_linear_data(out)
    elif name in ("conv1d_data", "conv3d_data"):
        conv_nd_data(name[:-5], out)
    elif name == "qdq_int4_weights_data":
        qdq_int4_weights_data(out)
    else:
        onnx.save(MODELS[name](), out)
