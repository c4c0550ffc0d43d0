#!/usr/bin/env python3
# ===- make_tosa_export_layer.py - A qnn layer for the TOSA export test --=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_tosa_export_layer.py MODE OUT_DIR: writes layer.mlir (uint8 input
quantized in the function, qnn.matmul with per-channel int8 weights and an
int32 bias, then a qnn.requantize, recorded in requant MODE) and x.npy.
Scales are arbitrary (not powers of two) so that rounding matters."""

import sys

import numpy as np

mode, out = sys.argv[1], sys.argv[2]
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
qw = f"!quant.uniform<i8:f32:1, {{{floats(s_w)}}}>"
qb = f"!quant.uniform<i32:f32:0, {{{floats(0.0371 * s_w)}}}>"
qy = "!quant.uniform<i8:f32, 0.173:-9>"
qr = "!quant.uniform<u8:f32, 0.0917:120>"
text = f"""module attributes {{qnn.requant_mode = #qnn.requant_mode<{mode}>}} {{
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
with open(f"{out}/layer.mlir", "w") as f:
    f.write(text)
np.save(f"{out}/x.npy", rng.uniform(-4.8, 4.7, (m, k)).astype(np.float32))
