#!/usr/bin/env python3
# ===- make_qdq_models.py - QDQ models as ONNX Runtime's quantizer writes === #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_qdq_models.py OUT_DIR [--only NAME ...] [--batch N ...] [--list]

Writes, for every model variant, OUT_DIR/NAME.onnx and its test inputs
OUT_DIR/NAME.INPUT.npy (INPUT: x, and y for the add). Output 0 is the model's float output; outputs 1.. are
every quantized activation (QuantizeLinear output), in graph order, so that
each layer is compared, not only the last.

The models are quantized the way ONNX Runtime's static quantizer writes QDQ
models: activations QuantizeLinear -> DequantizeLinear with asymmetric uint8
or int8 parameters from min/max calibration (range widened to include 0);
weights int8 initializers, symmetric per output channel (zero point 0,
scale max|w| / 127.5) behind a DequantizeLinear with `axis`; bias int32 at
scale s_x * s_w (float32 product) behind a DequantizeLinear. MaxPool and
Flatten keep their input's parameters, as the quantizer does.

  mlp: x -> MatMul + Add (or Gemm) -> Relu -> Gemm(transB) -> out
  cnn: x -> Conv 3x3 pad 1 + Relu -> MaxPool 2x2 -> depthwise Conv 3x3
       -> residual Add -> Relu -> Concat with the MaxPool output
       -> Conv 3x3 stride 2 + Relu -> GlobalAveragePool -> Flatten -> Gemm
       -> out
  transformer (-2h: two heads, split by Reshape + Transpose):
       x [B, 16, 32] -> Q/K/V MatMul + Add -> Q x K^T -> Mul by
       1/sqrt(d) -> Softmax -> x V -> MatMul + Add -> residual Add
       -> LayerNormalization -> MatMul + Add + Relu -> MatMul + Add
       -> residual Add -> LayerNormalization -> out
  op-*: one op between QDQ pairs, on many elements (single_op)

Weights, calibration data and test inputs come from fixed numpy seeds: the
files are the same on every run. Calibration uses a numpy float forward
pass written here.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = np.float32


# --- quantization parameters (ONNX Runtime's quantizer conventions) ------

QRANGE = {"uint8": (0, 255), "int8": (-128, 127)}
NP_TYPE = {"uint8": np.uint8, "int8": np.int8}


def activation_params(values, qtype):
    """Asymmetric min/max parameters; the range always includes 0."""
    qmin, qmax = QRANGE[qtype]
    rmin = min(float(values.min()), 0.0)
    rmax = max(float(values.max()), 0.0)
    scale = F32((rmax - rmin) / (qmax - qmin))
    zp = int(np.clip(np.round(qmin - rmin / scale), qmin, qmax))
    return scale, NP_TYPE[qtype](zp)


def fake_quant(x, scale, zp):
    """Q then DQ in float32, as ONNX defines them (round half to even)."""
    info = np.iinfo(type(zp))
    q = np.clip(np.rint(x / scale) + int(zp), info.min, info.max)
    return ((q - int(zp)) * scale).astype(F32)


def weight_params(w, axis):
    """Symmetric int8 per channel along `axis`: zero point 0."""
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    absmax = np.abs(w).max(axis=reduce)
    scale = (absmax / F32(127.5)).astype(F32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -128, 127).astype(np.int8)
    return q, scale


# --- numpy float forward pass (for calibration) --------------------------

def conv2d(x, w, b, stride, pad, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, m, oh, ow), np.result_type(x, w))
    mg = m // group
    for g in range(group):
        xg = xp[:, g * cg:(g + 1) * cg]
        wg = w[g * mg:(g + 1) * mg]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,mc->nmhw", patch, wg[:, :, i, j])
    return out + b.reshape(1, -1, 1, 1)


def maxpool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


# --- ONNX graph building -------------------------------------------------

class Builder:
    """Collects nodes and initializers; names every node after its output."""

    def __init__(self):
        self.nodes, self.inits = [], []
        self.taps = []  # every QuantizeLinear output, in graph order

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, output, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output,
                                           **attrs))
        return output

    def qdq(self, x, scale, zp):
        """Activation fake-quantization: QuantizeLinear -> DequantizeLinear."""
        s = self.init(x + "_scale", scale)
        z = self.init(x + "_zero_point", zp)
        q = self.node("QuantizeLinear", [x, s, z], x + "_quantized")
        self.taps.append(q)
        return self.node("DequantizeLinear", [q, s, z], x + "_dequantized")

    def weight(self, name, w, axis):
        """int8 per-channel weight initializer + DequantizeLinear."""
        q, scale = weight_params(w, axis)
        self.init(name + "_quantized", q)
        self.init(name + "_scale", scale)
        self.init(name + "_zero_point", np.zeros(scale.shape, np.int8))
        dq = self.node("DequantizeLinear",
                       [name + "_quantized", name + "_scale",
                        name + "_zero_point"], name + "_dequantized", axis=axis)
        return dq, scale

    def bias(self, name, b, x_scale, w_scale):
        """int32 bias at scale s_x * s_w + DequantizeLinear (axis 0)."""
        scale = (F32(x_scale) * w_scale).astype(F32)
        q = np.rint(b / scale).astype(np.int32)
        self.init(name + "_quantized", q)
        self.init(name + "_scale", scale)
        self.init(name + "_zero_point", np.zeros(scale.shape, np.int32))
        return self.node("DequantizeLinear",
                         [name + "_quantized", name + "_scale",
                          name + "_zero_point"], name + "_dequantized", axis=0)


def finish(builder, inputs, out, out_shape, opset):
    """The model on float `inputs` ({name: shape}); its outputs are `out`
    (float) and then, so that every layer is compared and not only the
    last, each quantized activation."""
    graph = helper.make_graph(
        builder.nodes, "qdq", [helper.make_tensor_value_info(
            name, TensorProto.FLOAT, shape) for name, shape in inputs.items()],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)],
        builder.inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)],
        producer_name="quantc-make_qdq_models")
    model.ir_version = 8
    inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(
        model, strict_mode=True).graph.value_info}
    model.graph.output.extend(inferred[t] for t in builder.taps)
    onnx.checker.check_model(model, full_check=True)
    return model


class Calibrator:
    """Min/max of each activation over the calibration batch; the float
    forward pass fake-quantizes as it goes, so later ranges see the
    quantized values, as calibrating the QDQ model would."""

    def __init__(self, act_type):
        self.act_type = act_type

    def __call__(self, values):
        scale, zp = activation_params(values, self.act_type)
        return fake_quant(values, scale, zp), scale, zp


# --- the models ----------------------------------------------------------

def mlp(act_type, batch, opset, use_gemm):
    rng = np.random.default_rng(1)
    k, hidden, classes = 16, 32, 10
    w1 = rng.normal(0, 0.4, (k, hidden)).astype(F32)
    b1 = rng.normal(0, 0.3, hidden).astype(F32)
    w2 = rng.normal(0, 0.3, (classes, hidden)).astype(F32)  # Gemm transB
    b2 = rng.normal(0, 0.2, classes).astype(F32)
    calib = rng.normal(0, 1.0, (64, k)).astype(F32)
    x = np.random.default_rng(100 + batch).normal(0, 1.0, (batch, k)).astype(F32)

    cal = Calibrator(act_type)
    xq, sx, zx = cal(calib)
    _, sw1 = weight_params(w1, 1)
    _, sw2 = weight_params(w2, 0)
    w1f = (weight_params(w1, 1)[0] * sw1).astype(F32)
    w2f = (weight_params(w2, 0)[0] * sw2.reshape(-1, 1)).astype(F32)
    h, sh, zh = cal(xq @ w1f + b1)
    r, sr, zr = cal(np.maximum(h, 0))
    _, so, zo = cal(r @ w2f.T + b2)

    b = Builder()
    xd = b.qdq("x", sx, zx)
    wd1, _ = b.weight("fc1_weight", w1, 1)
    bd1 = b.bias("fc1_bias", b1, sx, sw1)
    if use_gemm:
        y1 = b.node("Gemm", [xd, wd1, bd1], "fc1")
    else:
        mm = b.node("MatMul", [xd, wd1], "fc1_matmul")
        y1 = b.node("Add", [mm, bd1], "fc1")
    hd = b.qdq(y1, sh, zh)
    rd = b.qdq(b.node("Relu", [hd], "relu1"), sr, zr)
    wd2, _ = b.weight("fc2_weight", w2, 0)
    bd2 = b.bias("fc2_bias", b2, sr, sw2)
    y2 = b.node("Gemm", [rd, wd2, bd2], "fc2", transB=1)
    out = b.qdq(y2, so, zo)
    return finish(b, {"x": [batch, k]}, out, [batch, classes], opset), [x]


def cnn(act_type, batch, opset):
    rng = np.random.default_rng(2)
    c_in, c, c2, classes, hw = 3, 8, 16, 10, 12
    w1 = rng.normal(0, 0.3, (c, c_in, 3, 3)).astype(F32)
    b1 = rng.normal(0, 0.2, c).astype(F32)
    wdw = rng.normal(0, 0.4, (c, 1, 3, 3)).astype(F32)
    bdw = rng.normal(0, 0.2, c).astype(F32)
    w3 = rng.normal(0, 0.2, (c2, 2 * c, 3, 3)).astype(F32)
    b3 = rng.normal(0, 0.2, c2).astype(F32)
    wfc = rng.normal(0, 0.4, (classes, c2)).astype(F32)
    bfc = rng.normal(0, 0.2, classes).astype(F32)
    calib = rng.normal(0, 1.0, (16, c_in, hw, hw)).astype(F32)
    x = np.random.default_rng(200 + batch).normal(
        0, 1.0, (batch, c_in, hw, hw)).astype(F32)

    def wf(w, axis):
        q, s = weight_params(w, axis)
        shape = [1] * w.ndim
        shape[axis] = -1
        return (q * s.reshape(shape)).astype(F32), s

    w1f, sw1 = wf(w1, 0)
    wdwf, swdw = wf(wdw, 0)
    w3f, sw3 = wf(w3, 0)
    wfcf, swfc = wf(wfc, 0)
    cal = Calibrator(act_type)
    xq, sx, zx = cal(calib)
    a, sa, za = cal(np.maximum(conv2d(xq, w1f, b1, 1, 1, 1), 0))
    p = maxpool2(a)  # keeps a's parameters
    d, sd, zd = cal(conv2d(p, wdwf, bdw, 1, 1, c))
    s, ss, zs = cal(d + p)
    r, sr, zr = cal(np.maximum(s, 0))
    cat, sc, zc = cal(np.concatenate([p, r], axis=1))
    e, se, ze = cal(np.maximum(conv2d(cat, w3f, b3, 2, 1, 1), 0))
    g, sg, zg = cal(e.mean(axis=(2, 3), keepdims=True))
    _, so, zo = cal(g.reshape(g.shape[0], -1) @ wfcf.T + bfc)

    b = Builder()
    xd = b.qdq("x", sx, zx)
    k1, _ = b.weight("conv1_weight", w1, 0)
    y = b.node("Conv", [xd, k1, b.bias("conv1_bias", b1, sx, sw1)], "conv1",
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    ad = b.qdq(b.node("Relu", [y], "relu1"), sa, za)
    pd = b.qdq(b.node("MaxPool", [ad], "pool", kernel_shape=[2, 2],
                      strides=[2, 2]), sa, za)
    kdw, _ = b.weight("dwconv_weight", wdw, 0)
    y = b.node("Conv", [pd, kdw, b.bias("dwconv_bias", bdw, sa, swdw)],
               "dwconv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=c)
    dd = b.qdq(y, sd, zd)
    sd_ = b.qdq(b.node("Add", [dd, pd], "residual"), ss, zs)
    rd = b.qdq(b.node("Relu", [sd_], "relu2"), sr, zr)
    cd = b.qdq(b.node("Concat", [pd, rd], "concat", axis=1), sc, zc)
    k3, _ = b.weight("conv3_weight", w3, 0)
    y = b.node("Conv", [cd, k3, b.bias("conv3_bias", b3, sc, sw3)], "conv3",
               kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    ed = b.qdq(b.node("Relu", [y], "relu3"), se, ze)
    gd = b.qdq(b.node("GlobalAveragePool", [ed], "gap"), sg, zg)
    fd = b.qdq(b.node("Flatten", [gd], "flatten"), sg, zg)
    kfc, _ = b.weight("fc_weight", wfc, 0)
    y = b.node("Gemm", [fd, kfc, b.bias("fc_bias", bfc, sg, swfc)], "fc",
               transB=1)
    out = b.qdq(y, so, zo)
    return (finish(b, {"x": [batch, c_in, hw, hw]}, out, [batch, classes],
                   opset), [x])


def layer_norm(x, gamma, beta, epsilon):
    """LayerNormalization over the last axis, as ONNX defines it."""
    mean = x.mean(axis=-1, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=-1, keepdims=True)
    return d / np.sqrt(var + epsilon) * gamma + beta


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def transformer(act_type, batch, heads=1, opset=17):
    """One post-norm encoder block with `heads` attention heads: Q/K/V
    projections (for several heads, each Reshaped to [B, S, H, d] and
    Transposed to [B, H, S, d], K to [B, H, d, S], with a QDQ pair on the
    projection's parameters after each, as the quantizer writes them),
    scores Q x K^T scaled by 1/sqrt(d), Softmax, probabilities x V (heads
    merged back by Transpose + Reshape), output
    projection, residual Add, LayerNormalization, FFN (MatMul + bias + Relu,
    MatMul + bias), residual Add, LayerNormalization. Softmax and the layer
    norms are float islands between a dq and a q; the scaling constant is
    an int8 initializer behind a DequantizeLinear, as the quantizer writes
    Mul's constant input."""
    rng = np.random.default_rng(4)
    seq, d, ffn = 16, 32, 64
    proj = {n: (rng.normal(0, 0.25, (d, d)).astype(F32),
                rng.normal(0, 0.1, d).astype(F32)) for n in "qkvo"}
    w1 = rng.normal(0, 0.25, (d, ffn)).astype(F32)
    b1 = rng.normal(0, 0.1, ffn).astype(F32)
    w2 = rng.normal(0, 0.2, (ffn, d)).astype(F32)
    b2 = rng.normal(0, 0.1, d).astype(F32)
    gammas = [rng.normal(1, 0.1, d).astype(F32) for _ in range(2)]
    betas = [rng.normal(0, 0.1, d).astype(F32) for _ in range(2)]
    calib = rng.normal(0, 1.0, (8, seq, d)).astype(F32)
    x = np.random.default_rng(400 + batch).normal(
        0, 1.0, (batch, seq, d)).astype(F32)
    epsilon = 1e-5
    # The scaling constant as the quantizer stores it (symmetric int8).
    dh = d // heads
    scale_q, scale_s = weight_params(np.array([1 / np.sqrt(dh)], F32), 0)
    scale_f = (scale_q * scale_s).astype(F32)

    def wf(w):
        q, s = weight_params(w, 1)
        return (q * s).astype(F32)

    # Float forward pass, fake-quantizing as the graph does; `params` keeps
    # each activation's (scale, zero point) in graph order.
    cal = Calibrator(act_type)
    params = []

    def q(v):
        v, s, z = cal(v)
        params.append((s, z))
        return v

    xq = q(calib)
    qkv = {n: q(xq @ wf(proj[n][0]) + proj[n][1]) for n in "qkv"}
    def split(t):  # [N, S, D] -> [N, H, S, d]; exact on quantized values
        return t.reshape(t.shape[0], seq, heads, dh).transpose(0, 2, 1, 3)

    scores = q(split(qkv["q"]) @ split(qkv["k"]).transpose(0, 1, 3, 2))
    scaled = q(scores * scale_f)
    probs = q(softmax(scaled))
    attn = q(probs @ split(qkv["v"]))
    merged = attn.transpose(0, 2, 1, 3).reshape(attn.shape[0], seq, d)
    o = q(merged @ wf(proj["o"][0]) + proj["o"][1])
    r1 = q(o + xq)
    n1 = q(layer_norm(r1, gammas[0], betas[0], epsilon))
    h = q(np.maximum(n1 @ wf(w1) + b1, 0))
    f = q(h @ wf(w2) + b2)
    r2 = q(f + n1)
    q(layer_norm(r2, gammas[1], betas[1], epsilon))

    b = Builder()
    it = iter(params)
    xd = b.qdq("x", *next(it))
    qkv_d = {}
    for n in "qkv":
        w, bias = proj[n]
        wd, sw = b.weight(f"w{n}", w, 1)
        mm = b.node("MatMul", [xd, wd], f"{n}_matmul")
        qkv_d[n] = b.qdq(b.node("Add", [mm, b.bias(f"b{n}", bias, params[0][0],
                                                   sw)], n), *next(it))
    # The quantizer puts a QDQ pair with its input's parameters after each
    # Reshape and Transpose.
    def layout(name, t, op, p, **attrs):
        return b.qdq(b.node(op, [t], name, **attrs), *p)

    def reshape(name, t, shape, p):
        return b.qdq(b.node("Reshape", [t, b.init(name + "_shape", np.array(
            shape, np.int64))], name), *p)

    if heads == 1:
        qh, vh = qkv_d["q"], qkv_d["v"]
        kt = layout("k_transposed", qkv_d["k"], "Transpose", params[2],
                    perm=[0, 2, 1])
    else:
        split_shape = [batch, seq, heads, dh]
        qh, kt, vh = (
            layout(f"{n}_transposed",
                   reshape(f"{n}_heads", qkv_d[n], split_shape, params[i]),
                   "Transpose", params[i], perm=perm)
            for n, i, perm in (("q", 1, [0, 2, 1, 3]), ("k", 2, [0, 2, 3, 1]),
                               ("v", 3, [0, 2, 1, 3])))
    sd = b.qdq(b.node("MatMul", [qh, kt], "scores"), *next(it))
    b.init("attention_scale_quantized", scale_q.reshape(()))
    b.init("attention_scale_scale", scale_s.reshape(()))
    b.init("attention_scale_zero_point", np.int8(0))
    cd = b.node("DequantizeLinear",
                ["attention_scale_quantized", "attention_scale_scale",
                 "attention_scale_zero_point"], "attention_scale_dequantized")
    scd = b.qdq(b.node("Mul", [sd, cd], "scaled"), *next(it))
    pd = b.qdq(b.node("Softmax", [scd], "probs", axis=-1), *next(it))
    ad = b.qdq(b.node("MatMul", [pd, vh], "attention"), *next(it))
    if heads > 1:
        ad = reshape("attention_merged", layout(
            "attention_transposed", ad, "Transpose", params[7],
            perm=[0, 2, 1, 3]), [batch, seq, d], params[7])
    wod, swo = b.weight("wo", proj["o"][0], 1)
    attn_scale = params[7][0]
    od = b.qdq(b.node("Add", [b.node("MatMul", [ad, wod], "o_matmul"),
                              b.bias("bo", proj["o"][1], attn_scale, swo)],
                      "o"), *next(it))
    r1d = b.qdq(b.node("Add", [od, xd], "residual1"), *next(it))

    def norm(i, xd_):
        g = b.init(f"ln{i}_gamma", gammas[i - 1])
        be = b.init(f"ln{i}_beta", betas[i - 1])
        return b.node("LayerNormalization", [xd_, g, be], f"ln{i}", axis=-1,
                      epsilon=epsilon)

    n1d = b.qdq(norm(1, r1d), *next(it))
    w1d, sw1 = b.weight("w1", w1, 1)
    y = b.node("Add", [b.node("MatMul", [n1d, w1d], "ffn1_matmul"),
                       b.bias("b1", b1, params[10][0], sw1)], "ffn1")
    hd = b.qdq(b.node("Relu", [y], "ffn_relu"), *next(it))
    w2d, sw2 = b.weight("w2", w2, 1)
    fd = b.qdq(b.node("Add", [b.node("MatMul", [hd, w2d], "ffn2_matmul"),
                              b.bias("b2", b2, params[11][0], sw2)], "ffn2"),
               *next(it))
    r2d = b.qdq(b.node("Add", [fd, n1d], "residual2"), *next(it))
    out = b.qdq(norm(2, r2d), *next(it))
    shape = [batch, seq, d]
    return finish(b, {"x": shape}, out, shape, opset), [x]


def single_op(op, act_type, batch):
    """One quantized op between QDQ pairs, on enough elements to measure how
    often two implementations round differently: conv (3x3, pad 1),
    dwconv (depthwise), add (two quantized inputs), mul (two quantized
    inputs, one broadcast), leakyrelu (alpha 0.2), gap (GlobalAveragePool),
    maxpool and avgpool (3x3, stride 2, pad 1), concat (two inputs with
    their own parameters), gemm (transB), matmul (MatMul + Add)."""
    rng = np.random.default_rng(3)
    b = Builder()
    if op in ("conv", "dwconv"):
        c, hw = 16, 24
        group = c if op == "dwconv" else 1
        w = rng.normal(0, 0.3, (c, c // group, 3, 3)).astype(F32)
        bias = rng.normal(0, 0.2, c).astype(F32)
        x = rng.normal(0, 1.0, (batch, c, hw, hw)).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        wq, sw = weight_params(w, 0)
        y = conv2d(fake_quant(x, sx, zx), (wq * sw.reshape(-1, 1, 1, 1)
                                          ).astype(F32), bias, 1, 1, group)
        _, sy, zy = Calibrator(act_type)(y)
        k, _ = b.weight("weight", w, 0)
        out = b.qdq(b.node("Conv", [b.qdq("x", sx, zx), k,
                                    b.bias("bias", bias, sx, sw)], op,
                           kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                           group=group), sy, zy)
        return (finish(b, {"x": list(x.shape)}, out, list(y.shape), 13), [x])
    if op == "add":
        shape = [batch, 16, 32, 32]
        x = rng.normal(0, 1.0, shape).astype(F32)
        y = rng.normal(0.5, 2.0, shape).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        _, sy, zy = Calibrator(act_type)(y)
        _, so, zo = Calibrator(act_type)(fake_quant(x, sx, zx) +
                                         fake_quant(y, sy, zy))
        out = b.qdq(b.node("Add", [b.qdq("x", sx, zx), b.qdq("y", sy, zy)],
                           "add"), so, zo)
        return finish(b, {"x": shape, "y": shape}, out, shape, 13), [x, y]
    if op == "mul":
        # y broadcasts over the batch and the spatial dimensions ([C, 1, 1]),
        # so quant-import aligns its rank with a tosa.reshape.
        shape, y_shape = [batch, 16, 32, 32], [16, 1, 1]
        x = rng.normal(0, 1.0, shape).astype(F32)
        y = rng.normal(0.5, 1.5, y_shape).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        _, sy, zy = Calibrator(act_type)(y)
        _, so, zo = Calibrator(act_type)(fake_quant(x, sx, zx) *
                                         fake_quant(y, sy, zy))
        out = b.qdq(b.node("Mul", [b.qdq("x", sx, zx), b.qdq("y", sy, zy)],
                           "mul"), so, zo)
        return (finish(b, {"x": shape, "y": y_shape}, out, shape, 13),
                [x, y])
    if op == "leakyrelu":
        shape = [batch, 16, 32, 32]
        x = rng.normal(0, 1.0, shape).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        xf = fake_quant(x, sx, zx)
        _, so, zo = Calibrator(act_type)(np.where(xf >= 0, xf,
                                                  F32(0.2) * xf))
        out = b.qdq(b.node("LeakyRelu", [b.qdq("x", sx, zx)], "leakyrelu",
                           alpha=0.2), so, zo)
        return finish(b, {"x": shape}, out, shape, 13), [x]
    if op == "gap":
        x = rng.normal(0.3, 1.0, (batch, 64, 12, 12)).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        g = fake_quant(x, sx, zx).mean(axis=(2, 3), keepdims=True)
        _, sg, zg = Calibrator(act_type)(g)
        out = b.qdq(b.node("GlobalAveragePool", [b.qdq("x", sx, zx)], "gap"),
                    sg, zg)
        return (finish(b, {"x": list(x.shape)}, out, [batch, 64, 1, 1], 13),
                [x])
    if op in ("maxpool", "avgpool"):
        x = rng.normal(0.3, 1.0, (batch, 16, 24, 24)).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        xd = b.qdq("x", sx, zx)
        window = dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
        if op == "maxpool":  # keeps its input's parameters
            y = b.node("MaxPool", [xd], "maxpool", **window)
            sy, zy = sx, zx
        else:
            y = b.node("AveragePool", [xd], "avgpool", **window)
            # Averages of 2x2 blocks: a range close to the pool's.
            n, c, h, w = x.shape
            _, sy, zy = Calibrator(act_type)(fake_quant(x, sx, zx).reshape(
                n, c, h // 2, 2, w // 2, 2).mean(axis=(3, 5)))
        out = b.qdq(y, sy, zy)
        return (finish(b, {"x": list(x.shape)}, out, [batch, 16, 12, 12], 13),
                [x])
    if op == "concat":
        x = rng.normal(0, 1.0, (batch, 8, 16, 16)).astype(F32)
        y = rng.normal(0.5, 2.0, (batch, 4, 16, 16)).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        _, sy, zy = Calibrator(act_type)(y)
        _, so, zo = Calibrator(act_type)(np.concatenate(
            [fake_quant(x, sx, zx), fake_quant(y, sy, zy)], axis=1))
        out = b.qdq(b.node("Concat", [b.qdq("x", sx, zx), b.qdq("y", sy, zy)],
                           "concat", axis=1), so, zo)
        return (finish(b, {"x": list(x.shape), "y": list(y.shape)}, out,
                       [batch, 12, 16, 16], 13), [x, y])
    if op in ("gemm", "matmul"):
        k, n = 64, 48
        x = rng.normal(0, 1.0, (batch, k)).astype(F32)
        _, sx, zx = Calibrator(act_type)(x)
        xd = b.qdq("x", sx, zx)
        if op == "gemm":
            w = rng.normal(0, 0.3, (n, k)).astype(F32)
            wq, sw = weight_params(w, 0)
            wf = (wq * sw.reshape(-1, 1)).astype(F32).T
            wd, _ = b.weight("weight", w, 0)
        else:
            w = rng.normal(0, 0.3, (k, n)).astype(F32)
            wq, sw = weight_params(w, 1)
            wf = (wq * sw).astype(F32)
            wd, _ = b.weight("weight", w, 1)
        bias = rng.normal(0, 0.2, n).astype(F32)
        _, sy, zy = Calibrator(act_type)(fake_quant(x, sx, zx) @ wf + bias)
        bd = b.bias("bias", bias, sx, sw)
        if op == "gemm":
            y = b.node("Gemm", [xd, wd, bd], "gemm", transB=1)
        else:
            y = b.node("Add", [b.node("MatMul", [xd, wd], "matmul_float"), bd],
                       "matmul")
        out = b.qdq(y, sy, zy)
        return finish(b, {"x": [batch, k]}, out, [batch, n], 13), [x]
    raise ValueError(op)


SINGLE_OPS = ("conv", "dwconv", "add", "mul", "leakyrelu", "gap", "maxpool",
              "avgpool", "concat", "gemm", "matmul")


def variants(batches=None):
    """name -> builder of (model, [input arrays]); `batches` replaces the default
    batch sizes (larger ones give more elements to compare)."""
    v = {}
    for act in ("uint8", "int8"):
        for batch in batches or (1, 4):
            v[f"mlp-matmul-{act}-b{batch}"] = (
                lambda a=act, n=batch: mlp(a, n, 13, use_gemm=False))
            v[f"mlp-gemm-{act}-b{batch}"] = (
                lambda a=act, n=batch: mlp(a, n, 17, use_gemm=True))
        for batch in batches or (1, 3):
            v[f"cnn-{act}-b{batch}"] = (
                lambda a=act, n=batch: cnn(a, n, 13 if a == "uint8" else 17))
        for batch in batches or (1, 4):
            v[f"transformer-{act}-b{batch}"] = (
                lambda a=act, n=batch: transformer(a, n))
            v[f"transformer-2h-{act}-b{batch}"] = (
                lambda a=act, n=batch: transformer(a, n, heads=2))
        for op in SINGLE_OPS:
            # A batch of 256 rows for the matmuls, 4 images for the others.
            for batch in batches or ((256,) if op in ("gemm", "matmul")
                                     else (4,)):
                v[f"op-{op}-{act}-b{batch}"] = (
                    lambda o=op, a=act, n=batch: single_op(o, a, n))
    return v


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?")
    parser.add_argument("--only", action="append", default=[],
                        help="write only this variant (repeatable)")
    parser.add_argument("--list", action="store_true",
                        help="print the variant names and exit")
    parser.add_argument("--batch", type=int, action="append", default=[],
                        help="batch size instead of the defaults (repeatable)")
    args = parser.parse_args()
    if any(n < 1 for n in args.batch):
        parser.error("--batch must be positive")
    all_variants = variants(args.batch)
    if args.list:
        print("\n".join(all_variants))
        return 0
    if not args.out_dir:
        parser.error("OUT_DIR is required")
    unknown = [n for n in args.only if n not in all_variants]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; "
                     f"--list shows them")
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.only or all_variants:
        model, arrays = all_variants[name]()
        base = os.path.join(args.out_dir, name)
        onnx.save(model, base + ".onnx")
        for graph_input, array in zip(model.graph.input, arrays):
            np.save(f"{base}.{graph_input.name}.npy", array)
    return 0


if __name__ == "__main__":
    sys.exit(main())
