#!/usr/bin/env python3
# ===- make_tosa_export_layer.py - A qnn layer for the TOSA export test --=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_tosa_export_layer.py MODE OUT_DIR [linear|conv|depthwise|conv-nhwc|
depthwise-nhwc|conv-dynamic|depthwise-dynamic|grouped|elementwise-u8|
elementwise-i8]: writes
layer.mlir and x.npy. linear: a uint8 input quantized in the function,
qnn.matmul with per-channel int8 weights and an int32 bias, then a
qnn.requantize; conv: qnn.conv2d (NCHW, per-channel weights, bias, stride 2,
asymmetric padding); depthwise: qnn.conv2d with one group per channel and a
channel multiplier of 2; -nhwc: the same with data_layout "NHWC" (OHWI
weights); conv-dynamic, depthwise-dynamic: with dynamic N, H and W;
grouped: 2 groups of
2 channels; elementwise-*: qnn.mul by a
broadcast constant, qnn.clamp and qnn.lookup, on uint8 or int8. All
recorded in requant MODE, with arbitrary
scales (not powers of two) so that rounding matters."""

import sys

import numpy as np

mode, out = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else "linear"
rng = np.random.default_rng(17)
m, k, n = 1024, 24, 7
s_w = rng.uniform(0.002, 0.02, n)
w = rng.integers(-127, 128, (k, n))
bias = rng.integers(-3000, 3000, n)


def dense(values):
    return "dense<" + np.array2string(np.asarray(values), separator=", ",
                                      threshold=10**6).replace("\n", "") + ">"


def floats(values):
    return ", ".join(f"{v:.9g}" for v in values)


qa = "!quant.uniform<u8:f32, 0.0371:131>"
header = f"module attributes {{qnn.requant_mode = #qnn.requant_mode<{mode}>}} {{"
if kind == "linear":
    qw = f"!quant.uniform<i8:f32:1, {{{floats(s_w)}}}>"
    qb = f"!quant.uniform<i32:f32:0, {{{floats(0.0371 * s_w)}}}>"
    qy = "!quant.uniform<i8:f32, 0.173:-9>"
    qr = "!quant.uniform<u8:f32, 0.0917:120>"
    text = f"""{header}
      func.func @layer(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> attributes {{llvm.emit_c_interface}} {{
        %xq = quant.qcast %x : tensor<{m}x{k}xf32> to tensor<{m}x{k}x{qa}>
        %wi = arith.constant {dense(w)} : tensor<{k}x{n}xi8>
        %wq = quant.scast %wi : tensor<{k}x{n}xi8> to tensor<{k}x{n}x{qw}>
        %bi = arith.constant {dense(bias)} : tensor<{n}xi32>
        %bq = quant.scast %bi : tensor<{n}xi32> to tensor<{n}x{qb}>
        %y = qnn.matmul %xq, %wq bias %bq : (tensor<{m}x{k}x{qa}>, tensor<{k}x{n}x{qw}>, tensor<{n}x{qb}>) -> tensor<{m}x{n}x{qy}>
        %r = qnn.requantize %y : tensor<{m}x{n}x{qy}> -> tensor<{m}x{n}x{qr}>
        %d = quant.dcast %r : tensor<{m}x{n}x{qr}> to tensor<{m}x{n}xf32>
        return %d : tensor<{m}x{n}xf32>
      }}
    }}
    """
elif kind.startswith("elementwise"):
    # qnn.mul by a broadcast constant, qnn.clamp, qnn.lookup: 8-bit storage
    # of the kind's signedness (u8 tests TOSA's signed clamp and table).
    unsigned = kind == "elementwise-u8"
    st, lo, hi = ("u8", 0, 255) if unsigned else ("i8", -128, 127)
    zp = (lambda v: v + 128) if unsigned else (lambda v: v)
    n, c, h, w_in = 4, 3, 9, 9
    xt = f"{n}x{c}x{h}x{w_in}"
    qx = f"!quant.uniform<{st}:f32, 0.0371:{zp(3)}>"
    qc = f"!quant.uniform<{st}:f32, 0.0113:{zp(-7)}>"
    qm = f"!quant.uniform<{st}:f32, 0.0437:{zp(-2)}>"
    qt = f"!quant.uniform<{st}:f32, 0.0517:{zp(11)}>"
    factors = rng.integers(lo, hi + 1, (c, 1, 1))
    table = rng.integers(lo, hi + 1, 256)
    text = f"""{header}
  func.func @layer(%x: tensor<{xt}xf32>) -> tensor<{xt}xf32> attributes {{llvm.emit_c_interface}} {{
    %xq = quant.qcast %x : tensor<{xt}xf32> to tensor<{xt}x{qx}>
    %ci = arith.constant {dense(factors)} : tensor<{c}x1x1xi8>
    %cq = quant.scast %ci : tensor<{c}x1x1xi8> to tensor<{c}x1x1x{qc}>
    %m = qnn.mul %xq, %cq : (tensor<{xt}x{qx}>, tensor<{c}x1x1x{qc}>) -> tensor<{xt}x{qm}>
    %r = qnn.clamp %m min {zp(-40)} max {zp(90)} : tensor<{xt}x{qm}>
    %t = qnn.lookup %r table {dense(table)} : tensor<256xi64> : (tensor<{xt}x{qm}>) -> tensor<{xt}x{qt}>
    %d = quant.dcast %t : tensor<{xt}x{qt}> to tensor<{xt}xf32>
    return %d : tensor<{xt}xf32>
  }}
}}
"""
else:
    depthwise = kind.startswith("depthwise")
    nhwc = kind.endswith("-nhwc")
    n, c, h, w_in = 3, 4, 11, 11
    f, cg = (8, 1) if depthwise else (6, 2) if kind == "grouped" else (6, 4)
    groups = c if depthwise else c // cg
    s_w = rng.uniform(0.002, 0.02, f)
    weights = rng.integers(-127, 128, (f, cg, 3, 3))
    if nhwc:  # OHWI
        weights = weights.transpose(0, 2, 3, 1)
    bias = rng.integers(-3000, 3000, f)
    padding, strides = ([1, 1, 1, 1], [1, 1]) if depthwise else ([1, 0, 2, 1], [2, 2])
    oh = (h + padding[0] + padding[2] - 3) // strides[0] + 1
    ow = (w_in + padding[1] + padding[3] - 3) // strides[1] + 1
    qw = f"!quant.uniform<i8:f32:0, {{{floats(s_w)}}}>"
    qb = f"!quant.uniform<i32:f32:0, {{{floats(0.0371 * s_w)}}}>"
    qy = "!quant.uniform<i8:f32, 0.173:-9>"
    xt, wt = f"{n}x{c}x{h}x{w_in}", f"{f}x{cg}x3x3"
    yt = f"{n}x{f}x{oh}x{ow}"
    layout = ""
    if nhwc:
        xt, wt = f"{n}x{h}x{w_in}x{c}", f"{f}x3x3x{cg}"
        yt = f"{n}x{oh}x{ow}x{f}"
        layout = ' {data_layout = "NHWC"}'
    if kind.endswith("-dynamic"):  # N, H and W dynamic
        xt, yt = f"?x{c}x?x?", f"?x{f}x?x?"
    text = f"""{header}
  func.func @layer(%x: tensor<{xt}xf32>) -> tensor<{yt}xf32> attributes {{llvm.emit_c_interface}} {{
    %xq = quant.qcast %x : tensor<{xt}xf32> to tensor<{xt}x{qa}>
    %wi = arith.constant {dense(weights)} : tensor<{wt}xi8>
    %wq = quant.scast %wi : tensor<{wt}xi8> to tensor<{wt}x{qw}>
    %bi = arith.constant {dense(bias)} : tensor<{f}xi32>
    %bq = quant.scast %bi : tensor<{f}xi32> to tensor<{f}x{qb}>
    %y = qnn.conv2d %xq, %wq bias %bq strides {strides} dilations [1, 1] padding {padding} groups {groups}{layout} : (tensor<{xt}x{qa}>, tensor<{wt}x{qw}>, tensor<{f}x{qb}>) -> tensor<{yt}x{qy}>
    %d = quant.dcast %y : tensor<{yt}x{qy}> to tensor<{yt}xf32>
    return %d : tensor<{yt}xf32>
  }}
}}
"""
with open(f"{out}/layer.mlir", "w") as f:
    f.write(text)
shape = ((m, k) if kind == "linear" else
         (4, 3, 9, 9) if kind.startswith("elementwise") else
         (n, h, w_in, c) if kind.endswith("-nhwc") else (n, c, h, w_in))
np.save(f"{out}/x.npy", rng.uniform(-4.8, 4.7, shape).astype(np.float32))
if kind.endswith("-dynamic"):  # a second input size: other N, H and W
    np.save(f"{out}/x2.npy",
            rng.uniform(-4.8, 4.7, (2, c, 8, 14)).astype(np.float32))
