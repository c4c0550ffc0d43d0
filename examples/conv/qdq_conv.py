#!/usr/bin/env python3
# ===- qdq_conv.py - QDQ convolution models and their reference ----------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Writes a quantized 2-D convolution in QDQ form, and checks a run against it.

  qdq_conv.py emit  --variant V [--seed S] -o model.mlir
  qdq_conv.py check --variant V [--seed S] RUNNER_OUTPUT

`emit` writes a module with `@conv` (the layer in the form quant-import
gives a QDQ Conv: quant.qcast/dcast of the input, tensor.pad with 0.0,
linalg.conv_2d_nchw_fchw, or for groups > 1 tensor.expand_shape +
linalg.conv_2d_ngchw_gfchw + tensor.collapse_shape, int8 weights through
quant.scast/dcast or quant.qcast of a float constant, an int32 or float bias
added by tosa.add of a tosa.reshape to [1, F, 1, 1], and quant.qcast/dcast
of the output) and `@main`, which calls it on a constant input and prints
the result with printMemrefF32.

Variants named tosa-* write the layer as TOSA-producing frontends do
instead: NHWC input, tosa.conv2d with OHWI weights or
tosa.depthwise_conv2d with [KH, KW, C, M] weights, the bias as the conv's
operand (the reference is the same, transposed to NHWC).

`check` recomputes the expected output independently with numpy, with ONNX
Runtime's QLinearConv semantics: the input quantized as QuantizeLinear does
(x / scale in float32, round half to even, clamp), the weights and a float
bias quantized as ONNX Runtime's quantizer writes them, the convolution
accumulated exactly in integers (padding contributes 0 after the zero point
is subtracted), then multiplied by the float32 merged scale
float32(float32(s_in * s_w) / s_out), rounded half to even, offset by the
output zero point and clamped. Scales are arbitrary, so only the integer
semantics can match: bit-exact is the bar.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "linear"))
from qdq_linear import (dense, example_main, fmt, report,  # noqa: E402
                        stored_values)

# name: dict of the layer's shape and quantization. k, stride and dilation
# are one value or (H, W); pads are [top, left, bottom, right]; weight_zp:
# per-channel weight zero points (asymmetric weights, full int8 range)
# instead of symmetric narrow-range; runtime: weights and bias are
# arguments of @conv (quantized tensors), not constants, so the lowering
# computes the weight sums in code.
VARIANTS = {
    "per-tensor-padded": dict(n=1, c=3, h=7, w=7, f=4, k=3, stride=1,
                              dilation=1, pads=(1, 1, 1, 1), groups=1,
                              per_channel=False, unsigned=False,
                              bias="int32", float_weights=False,
                              weight_zp=False),
    "per-channel-u8-stride2": dict(n=1, c=4, h=9, w=8, f=6, k=3, stride=2,
                                   dilation=1, pads=(1, 0, 1, 1), groups=1,
                                   per_channel=True, unsigned=True,
                                   bias="int32", float_weights=False,
                                   weight_zp=False),
    "dilation2-float-bias": dict(n=1, c=4, h=9, w=9, f=5, k=3, stride=1,
                                 dilation=2, pads=(2, 2, 2, 2), groups=1,
                                 per_channel=True, unsigned=False,
                                 bias="float", float_weights=False,
                                 weight_zp=False),
    "grouped-u8-float-weights": dict(n=1, c=6, h=6, w=7, f=4, k=3, stride=1,
                                     dilation=1, pads=(1, 1, 1, 1), groups=2,
                                     per_channel=True, unsigned=True,
                                     bias="int32", float_weights=True,
                                     weight_zp=False),
    "depthwise-stride2-no-bias": dict(n=2, c=5, h=8, w=8, f=5, k=3, stride=2,
                                      dilation=1, pads=(1, 1, 1, 1),
                                      groups=5, per_channel=True,
                                      unsigned=False, bias="none",
                                      float_weights=False, weight_zp=False),
    "depthwise-u8-dilation2": dict(n=1, c=4, h=9, w=9, f=8, k=3, stride=1,
                                   dilation=2, pads=(1, 2, 2, 1), groups=4,
                                   per_channel=False, unsigned=True,
                                   bias="float", float_weights=False,
                                   weight_zp=False),
    # quant-lower-qnn's channels-innermost depthwise form: 70 channels
    # (vector remainders), u8, asymmetric padding, per-channel weights.
    "depthwise-wide-u8": dict(n=1, c=70, h=9, w=7, f=70, k=3, stride=1,
                              dilation=1, pads=(1, 2, 0, 1), groups=70,
                              per_channel=True, unsigned=True, bias="int32",
                              float_weights=False, weight_zp=False),
    # Depthwise with weight zero points: quant-lower-qnn centres the
    # constant weights (16-bit taps) and keeps the channels-innermost form.
    "depthwise-asymmetric-u8": dict(n=1, c=20, h=9, w=8, f=20, k=3, stride=1,
                                    dilation=1, pads=(1, 1, 2, 0), groups=20,
                                    per_channel=True, unsigned=True,
                                    bias="int32", float_weights=False,
                                    weight_zp=True),
    "asymmetric-weights-grouped": dict(n=1, c=4, h=7, w=6, f=6, k=2,
                                       stride=2, dilation=1,
                                       pads=(1, 1, 0, 1), groups=2,
                                       per_channel=True, unsigned=True,
                                       bias="int32", float_weights=False,
                                       weight_zp=True),
    # Groups of 5 and 8 input channels: quant-conv-to-matmul runs them as
    # matmuls on channel slices (sliced bias, per-channel scales and
    # corrections); the symmetric 4 groups of 3 filters merge into one.
    "grouped-per-channel-s8": dict(n=2, c=20, h=9, w=8, f=12, k=3, stride=1,
                                   dilation=1, pads=(1, 1, 1, 1), groups=4,
                                   per_channel=True, unsigned=False,
                                   bias="int32", float_weights=False,
                                   weight_zp=False),
    # 8 groups of 4 channels and 4 filters, symmetric weights: merged 4
    # groups at a time into two 16-column block-diagonal matmuls.
    "grouped-merged-u8": dict(n=1, c=32, h=7, w=9, f=32, k=3, stride=1,
                              dilation=1, pads=(1, 1, 1, 1), groups=8,
                              per_channel=True, unsigned=True, bias="int32",
                              float_weights=False, weight_zp=False),
    "grouped-asymmetric-u8": dict(n=1, c=16, h=7, w=9, f=8, k=3, stride=2,
                                  dilation=1, pads=(1, 0, 1, 1), groups=2,
                                  per_channel=True, unsigned=True,
                                  bias="float", float_weights=False,
                                  weight_zp=True),
    # Power-of-two scales and small weights: the merged scales are 2^-3 and
    # 2^-4, so float(acc) * M hits exact .5 ties often (round half to even).
    "pow2-ties": dict(n=1, c=4, h=7, w=7, f=4, k=3, stride=1, dilation=1,
                      pads=(1, 1, 1, 1), groups=1, per_channel=True,
                      unsigned=True, bias="int32", float_weights=False,
                      weight_zp=False, pow2=True),
    # H and W differ in kernel, stride and dilation: catches a swapped axis.
    "rectangular-grouped": dict(n=1, c=4, h=8, w=7, f=4, k=(3, 2),
                                stride=(2, 1), dilation=(1, 2),
                                pads=(1, 0, 2, 1), groups=2,
                                per_channel=True, unsigned=False,
                                bias="int32", float_weights=False,
                                weight_zp=False),
    "runtime-weights-batch2": dict(n=2, c=4, h=6, w=5, f=6, k=3, stride=1,
                                   dilation=1, pads=(1, 1, 1, 0), groups=2,
                                   per_channel=True, unsigned=True,
                                   bias="int32", float_weights=False,
                                   weight_zp=True, runtime=True),
    "asymmetric-weights-no-pad": dict(n=1, c=3, h=6, w=6, f=4, k=3, stride=1,
                                      dilation=1, pads=(0, 0, 0, 0), groups=1,
                                      per_channel=False, unsigned=False,
                                      bias="none", float_weights=True,
                                      weight_zp=True),
    # Shapes for the matmul kernels of quant-conv-to-matmul: channel counts
    # that are no multiple of 4, 8, 16 or 32 (remainders in K and N of every
    # kernel's tiles), more than one 64-row block, 1x1 convolutions.
    "odd-channels-s8": dict(n=2, c=19, h=10, w=9, f=37, k=3, stride=1,
                            dilation=1, pads=(1, 1, 1, 1), groups=1,
                            per_channel=True, unsigned=False, bias="int32",
                            float_weights=False, weight_zp=False),
    # 130 channels: taps of two 64-byte chunks and a masked remainder in
    # quant-x86-vnni's in-kernel gather; asymmetric padding, K % 4 = 2.
    "wide-channels-u8": dict(n=1, c=130, h=7, w=6, f=20, k=3, stride=2,
                             dilation=1, pads=(1, 0, 2, 1), groups=1,
                             per_channel=True, unsigned=True, bias="int32",
                             float_weights=False, weight_zp=False),
    "pointwise-u8": dict(n=1, c=33, h=7, w=9, f=20, k=1, stride=1,
                         dilation=1, pads=(0, 0, 0, 0), groups=1,
                         per_channel=True, unsigned=True, bias="float",
                         float_weights=False, weight_zp=False),
    "pointwise-stride2-asymmetric": dict(n=1, c=12, h=9, w=9, f=10, k=1,
                                         stride=2, dilation=1,
                                         pads=(0, 0, 0, 0), groups=1,
                                         per_channel=True, unsigned=False,
                                         bias="int32", float_weights=False,
                                         weight_zp=True),
    # TOSA's channels-last form (tosa.conv2d / tosa.depthwise_conv2d on NHWC
    # input, OHWI or HWCM weights, the bias as the conv's own operand), as
    # TF/TFLite -> TOSA frontends write QDQ convolutions.
    "tosa-nhwc-u8-rect": dict(n=2, c=4, h=8, w=7, f=6, k=(3, 2),
                              stride=(2, 1), dilation=(1, 2),
                              pads=(1, 0, 2, 1), groups=1, per_channel=True,
                              unsigned=True, bias="float",
                              float_weights=False, weight_zp=False,
                              tosa=True),
    "tosa-nhwc-float-weights": dict(n=1, c=3, h=6, w=6, f=4, k=3, stride=1,
                                    dilation=1, pads=(1, 1, 1, 1), groups=1,
                                    per_channel=False, unsigned=False,
                                    bias="int32", float_weights=True,
                                    weight_zp=True, tosa=True),
    "tosa-depthwise-m2": dict(n=1, c=3, h=9, w=9, f=6, k=3, stride=2,
                              dilation=1, pads=(1, 1, 1, 1), groups=3,
                              per_channel=False, unsigned=True, bias="float",
                              float_weights=False, weight_zp=True,
                              tosa=True),
    "tosa-depthwise-per-channel": dict(n=1, c=4, h=9, w=9, f=4, k=3,
                                       stride=1, dilation=2,
                                       pads=(2, 1, 2, 2), groups=4,
                                       per_channel=True, unsigned=False,
                                       bias="none", float_weights=True,
                                       weight_zp=False, tosa=True),
    "tosa-nhwc-pointwise": dict(n=2, c=17, h=6, w=5, f=40, k=1, stride=1,
                                dilation=1, pads=(0, 0, 0, 0), groups=1,
                                per_channel=True, unsigned=False,
                                bias="int32", float_weights=False,
                                weight_zp=False, tosa=True),
    "tosa-nhwc-odd-dilated-u8": dict(n=1, c=7, h=11, w=11, f=9, k=3,
                                     stride=(2, 1), dilation=2,
                                     pads=(2, 2, 2, 1), groups=1,
                                     per_channel=False, unsigned=True,
                                     bias="float", float_weights=False,
                                     weight_zp=False, tosa=True),
}


def pair(value):
    """(H, W) of a value given once for both or as a pair."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def quantize(x, scale, zp, qmin, qmax):
    """QuantizeLinear: float32 divide, round half to even, clamp."""
    q = np.rint(np.asarray(x, np.float32) / np.asarray(scale, np.float32))
    return np.clip(q.astype(np.int64) + zp, qmin, qmax)


class Conv:
    """All constants of one variant, drawn from a seeded generator."""

    def __init__(self, variant, seed):
        self.variant = variant
        self.pow2 = self.runtime = self.tosa = False
        for key, value in VARIANTS[variant].items():
            setattr(self, key, value)
        self.kernel, self.strides = pair(self.k), pair(self.stride)
        self.dilations = pair(self.dilation)
        rng = np.random.default_rng(seed)
        n, c, f, g = self.n, self.c, self.f, self.groups
        self.cg, self.fg = c // g, f // g
        self.qmin, self.qmax = (0, 255) if self.unsigned else (-128, 127)
        self.s_in = np.float32(2.0 ** -4 if self.pow2
                               else rng.uniform(0.01, 0.05))
        self.zp_in = int(rng.integers(100, 156) if self.unsigned
                         else rng.integers(-20, 20))
        count = f if self.per_channel else 1
        if self.pow2:
            s_w = (2.0 ** -rng.integers(5, 7, size=count)).astype(np.float32)
        else:
            s_w = rng.uniform(0.002, 0.02, size=count).astype(np.float32)
        self.s_w = np.broadcast_to(s_w, (f,)).astype(np.float32)
        if self.weight_zp:
            self.w_min, self.w_max = -128, 127
            zp = rng.integers(-12, 12, size=count)
            self.zp_w = np.broadcast_to(zp, (f,)).astype(np.int64)
        else:
            self.w_min, self.w_max = -127, 127
            self.zp_w = np.zeros(f, dtype=np.int64)
        wshape = (f, self.cg) + self.kernel
        w_bound = (-3, 3) if self.pow2 else (self.w_min, self.w_max)
        self.w_q = rng.integers(w_bound[0], w_bound[1] + 1,
                                size=wshape).astype(np.int64)
        # Float weights off the grid (rounding, ties at +0.5 of a step).
        offsets = rng.choice([0.0, 0.3, -0.3, 0.5], size=wshape)
        per = (f, 1, 1, 1)
        self.w_f = ((self.w_q - self.zp_w.reshape(per) + offsets) *
                    self.s_w.reshape(per)).astype(np.float32)
        self.s_b = (self.s_in * self.s_w).astype(np.float32)
        b_bound = 300 if self.pow2 else 5000
        self.b_q = rng.integers(-b_bound, b_bound, size=f).astype(np.int64)
        self.b_f = ((self.b_q + rng.choice([0.0, 0.25, 0.5], size=f)) *
                    self.s_b).astype(np.float32)
        # Input: random, exact ties, saturating values.
        xshape = (n, c, self.h, self.w)
        x = rng.uniform(-4.0, 4.0, size=xshape).astype(np.float32)
        ties = (rng.integers(-100, 100, size=xshape) + 0.5) * self.s_in
        x = np.where(rng.random(xshape) < 0.2, ties, x)
        x.flat[0], x.flat[-1] = 1e4, -1e4
        self.x = x.astype(np.float32)
        self.zp_out = int(rng.integers(100, 156) if self.unsigned
                          else rng.integers(-10, 10))
        spread = np.percentile(np.abs(self.accumulate().astype(np.float64) *
                                      self.s_b.reshape(1, f, 1, 1)), 90)
        if self.pow2:
            self.s_out = np.float32(self.s_in * self.s_w.max() * 8)
        else:
            self.s_out = np.float32(max(spread, 1e-3) / 120 *
                                    rng.uniform(0.9, 1.1))

    def out_size(self, size, d):
        pads = self.pads[d] + self.pads[d + 2]
        extent = (self.kernel[d] - 1) * self.dilations[d] + 1
        return (size + pads - extent) // self.strides[d] + 1

    # -- the independent reference ------------------------------------- #
    def weights_q(self):
        if not self.float_weights:
            return self.w_q
        # Per output channel, as the compile-time quantize of quant-fold-qdq.
        per = (self.f, 1, 1, 1)
        return quantize(self.w_f, self.s_w.reshape(per), self.zp_w.reshape(per),
                        self.w_min, self.w_max)

    def bias_q(self):
        if self.bias == "int32":
            return self.b_q
        if self.bias == "float":
            return np.rint(self.b_f / self.s_b).astype(np.int64)
        return np.zeros(self.f, dtype=np.int64)

    def accumulate(self):
        """sum (x - zx) * (w - zw) + bias in exact integers (int64)."""
        xq = quantize(self.x, self.s_in, self.zp_in, self.qmin, self.qmax)
        xc = xq - self.zp_in  # padding with zx contributes 0 below
        t, l, b, r = self.pads
        xc = np.pad(xc, ((0, 0), (0, 0), (t, b), (l, r)))
        wc = self.weights_q() - self.zp_w.reshape(self.f, 1, 1, 1)
        oh, ow = self.out_size(self.h, 0), self.out_size(self.w, 1)
        (sh, sw), (dh, dw) = self.strides, self.dilations
        acc = np.zeros((self.n, self.f, oh, ow), dtype=np.int64)
        for f in range(self.f):
            g = f // self.fg
            xs = xc[:, g * self.cg:(g + 1) * self.cg]
            for i in range(self.kernel[0]):
                for j in range(self.kernel[1]):
                    window = xs[:, :, i * dh:i * dh + (oh - 1) * sh + 1:sh,
                                j * dw:j * dw + (ow - 1) * sw + 1:sw]
                    acc[:, f] += np.einsum("ncyx,c->nyx", window,
                                           wc[f, :, i, j])
        acc += self.bias_q().reshape(1, self.f, 1, 1)
        assert np.all(np.abs(acc) < 2**31), "accumulator overflows int32"
        return acc

    def reference_q(self):
        """QLinearConv's requantization of the exact accumulator."""
        multiplier = (self.s_b / self.s_out).astype(np.float32)
        scaled = (self.accumulate().astype(np.float32) *
                  multiplier.reshape(1, self.f, 1, 1)).astype(np.float32)
        return np.clip(np.rint(scaled).astype(np.int64) + self.zp_out,
                       self.qmin, self.qmax)

    # -- the model ------------------------------------------------------ #
    def tosa_weights(self, w):
        """FCHW weights in TOSA's layout: OHWI, or HWCM for depthwise."""
        if self.groups == 1:
            return w.transpose(0, 2, 3, 1)
        m = self.f // self.c
        return w.reshape((self.c, m) + self.kernel).transpose(2, 3, 0, 1)

    def emit_tosa(self):
        """The layer as a TOSA-producing frontend writes it: NHWC, the
        weights in TOSA's layout, the bias the conv's own operand."""
        n, c, h, w, f = self.n, self.c, self.h, self.w, self.f
        depthwise = self.groups > 1
        assert not depthwise or self.groups == c, "TOSA: plain or depthwise"
        oh, ow = self.out_size(h, 0), self.out_size(w, 1)
        store = "u8" if self.unsigned else "i8"
        wshape = self.tosa_weights(self.w_q).shape
        xs, ys = f"{n}x{h}x{w}x{c}", f"{n}x{oh}x{ow}x{f}"
        ws = "x".join(map(str, wshape))
        wstore = f"i8<{self.w_min}:{self.w_max}>"
        lines = [
            f"// Generated by examples/conv/qdq_conv.py --variant "
            f"{self.variant}: a QDQ {'depthwise_' if depthwise else ''}conv2d "
            f"{xs} * {ws} in TOSA's layout.",
            f"!qa = !quant.uniform<{store}:f32, {fmt(self.s_in)}:{self.zp_in}>",
            f"!qo = !quant.uniform<{store}:f32, {fmt(self.s_out)}:"
            f"{self.zp_out}>",
        ]
        if self.per_channel:
            axis = 2 if depthwise else 0
            params = ", ".join(f"{fmt(s)}:{z}"
                               for s, z in zip(self.s_w, self.zp_w))
            lines.append(f"!qw = !quant.uniform<{wstore}:f32:{axis}, "
                         f"{{{params}}}>")
            lines.append(f"!qb = !quant.uniform<i32:f32:0, "
                         f"{{{', '.join(fmt(s) for s in self.s_b)}}}>")
        else:
            lines.append(f"!qw = !quant.uniform<{wstore}:f32, "
                         f"{fmt(self.s_w[0])}:{self.zp_w[0]}>")
            lines.append(f"!qb = !quant.uniform<i32:f32, {fmt(self.s_b[0])}>")
        lines.append(f"func.func @conv(%x: tensor<{xs}xf32>) -> "
                     f"tensor<{ys}xf32> {{")
        body = [
            f"%xq = quant.qcast %x : tensor<{xs}xf32> to tensor<{xs}x!qa>",
            f"%xd = quant.dcast %xq : tensor<{xs}x!qa> to tensor<{xs}xf32>",
            '%zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : '
            '() -> tensor<1xf32>',
        ]
        if self.float_weights:
            body += [
                f"%wf = arith.constant {dense(self.tosa_weights(self.w_f))} "
                f": tensor<{ws}xf32>",
                f"%wq = quant.qcast %wf : tensor<{ws}xf32> to "
                f"tensor<{ws}x!qw>",
            ]
        else:
            body += [
                f"%wi = arith.constant "
                f"{dense(self.tosa_weights(self.w_q).astype(np.int8))} : "
                f"tensor<{ws}xi8>",
                f"%wq = quant.scast %wi : tensor<{ws}xi8> to tensor<{ws}x!qw>",
            ]
        body.append(f"%wd = quant.dcast %wq : tensor<{ws}x!qw> to "
                    f"tensor<{ws}xf32>")
        if self.bias == "int32":
            body += [
                f"%bi = arith.constant {dense(self.b_q.astype(np.int32))} : "
                f"tensor<{f}xi32>",
                f"%bq = quant.scast %bi : tensor<{f}xi32> to tensor<{f}x!qb>",
                f"%b = quant.dcast %bq : tensor<{f}x!qb> to tensor<{f}xf32>",
            ]
        elif self.bias == "float":
            body.append(f"%b = arith.constant {dense(self.b_f)} : "
                        f"tensor<{f}xf32>")
        else:
            body.append(f"%b = arith.constant dense<0.0> : tensor<{f}xf32>")
        t, l, b, r = self.pads
        op = "tosa.depthwise_conv2d" if depthwise else "tosa.conv2d"
        body += [
            f"%conv = {op} %xd, %wd, %b, %zp, %zp {{acc_type = f32, "
            f"pad = array<i64: {t}, {b}, {l}, {r}>, "
            f"stride = array<i64: {', '.join(map(str, self.strides))}>, "
            f"dilation = array<i64: {', '.join(map(str, self.dilations))}>}}"
            f" : (tensor<{xs}xf32>, tensor<{ws}xf32>, tensor<{f}xf32>, "
            f"tensor<1xf32>, tensor<1xf32>) -> tensor<{ys}xf32>",
            f"%yq = quant.qcast %conv : tensor<{ys}xf32> to tensor<{ys}x!qo>",
            f"%yd = quant.dcast %yq : tensor<{ys}x!qo> to tensor<{ys}xf32>",
            f"return %yd : tensor<{ys}xf32>",
        ]
        lines += ["  " + line for line in body]
        lines += [
            "}",
            "",
            "func.func @main() {",
            f"  %x = arith.constant {dense(self.x.transpose(0, 2, 3, 1))} : "
            f"tensor<{xs}xf32>",
            f"  %y = call @conv(%x) : (tensor<{xs}xf32>) -> tensor<{ys}xf32>",
            f"  %u = tensor.cast %y : tensor<{ys}xf32> to tensor<*xf32>",
            "  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()",
            "  return",
            "}",
            "func.func private @printMemrefF32(tensor<*xf32>)",
        ]
        return "\n".join(lines) + "\n"

    def emit(self):
        if self.tosa:
            return self.emit_tosa()
        n, c, h, w, f, g = self.n, self.c, self.h, self.w, self.f, self.groups
        kh, kw = self.kernel
        cg, fg = self.cg, self.fg
        t, l, b, r = self.pads
        hp, wp = h + t + b, w + l + r
        oh, ow = self.out_size(h, 0), self.out_size(w, 1)
        store = "u8" if self.unsigned else "i8"
        xs, ps, ws = f"{n}x{c}x{h}x{w}", f"{n}x{c}x{hp}x{wp}", f"{f}x{cg}x{kh}x{kw}"
        ys = f"{n}x{f}x{oh}x{ow}"
        lines = [
            f"// Generated by examples/conv/qdq_conv.py --variant "
            f"{self.variant}: a QDQ conv {xs} * {ws}, groups {g}.",
            f"!qa = !quant.uniform<{store}:f32, {fmt(self.s_in)}:{self.zp_in}>",
            f"!qo = !quant.uniform<{store}:f32, {fmt(self.s_out)}:"
            f"{self.zp_out}>",
        ]
        wstore = f"i8<{self.w_min}:{self.w_max}>"
        if self.per_channel:
            params = ", ".join(f"{fmt(s)}:{z}"
                               for s, z in zip(self.s_w, self.zp_w))
            lines.append(f"!qw = !quant.uniform<{wstore}:f32:0, {{{params}}}>")
            lines.append(f"!qb = !quant.uniform<i32:f32:0, "
                         f"{{{', '.join(fmt(s) for s in self.s_b)}}}>")
        else:
            lines.append(f"!qw = !quant.uniform<{wstore}:f32, "
                         f"{fmt(self.s_w[0])}:{self.zp_w[0]}>")
            lines.append(f"!qb = !quant.uniform<i32:f32, {fmt(self.s_b[0])}>")
        args = [f"%x: tensor<{xs}xf32>"]
        if self.runtime:
            args += [f"%wq: tensor<{ws}x!qw>", f"%bq: tensor<{f}x!qb>"]
        lines.append(f"func.func @conv({', '.join(args)}) -> "
                     f"tensor<{ys}xf32> {{")
        body = [
            f"%xq = quant.qcast %x : tensor<{xs}xf32> to tensor<{xs}x!qa>",
            f"%xd = quant.dcast %xq : tensor<{xs}x!qa> to tensor<{xs}xf32>",
            "%zero = arith.constant 0.0 : f32",
        ]
        xin = "%xd"
        if any(self.pads):
            body += [
                f"%xp = tensor.pad %xd low[0, 0, {t}, {l}] high[0, 0, {b}, "
                f"{r}] {{",
                "^bb0(%i: index, %j: index, %k: index, %l: index):",
                "  tensor.yield %zero : f32",
                f"}} : tensor<{xs}xf32> to tensor<{ps}xf32>",
            ]
            xin = "%xp"
        weight_lines = [
            f"%wi = arith.constant {dense(self.w_q.astype(np.int8))} : "
            f"tensor<{ws}xi8>",
            f"%wq = quant.scast %wi : tensor<{ws}xi8> to tensor<{ws}x!qw>",
        ]
        bias_lines = [
            f"%bi = arith.constant {dense(self.b_q.astype(np.int32))} : "
            f"tensor<{f}xi32>",
            f"%bq = quant.scast %bi : tensor<{f}xi32> to tensor<{f}x!qb>",
        ]
        if self.runtime:
            pass  # %wq is an argument.
        elif self.float_weights:
            body += [
                f"%wf = arith.constant {dense(self.w_f)} : tensor<{ws}xf32>",
                f"%wq = quant.qcast %wf : tensor<{ws}xf32> to "
                f"tensor<{ws}x!qw>",
            ]
        else:
            body += weight_lines
        body.append(f"%wd = quant.dcast %wq : tensor<{ws}x!qw> to "
                    f"tensor<{ws}xf32>")
        dilations = ", ".join(map(str, self.dilations))
        strides = ", ".join(map(str, self.strides))
        window = (f"{{dilations = dense<[{dilations}]> : tensor<2xi64>, "
                  f"strides = dense<[{strides}]> : tensor<2xi64>}}")
        if g == 1:
            body += [
                f"%e = tensor.empty() : tensor<{ys}xf32>",
                f"%acc = linalg.fill ins(%zero : f32) outs(%e : "
                f"tensor<{ys}xf32>) -> tensor<{ys}xf32>",
                f"%conv = linalg.conv_2d_nchw_fchw {window} ins({xin}, %wd : "
                f"tensor<{ps}xf32>, tensor<{ws}xf32>) outs(%acc : "
                f"tensor<{ys}xf32>) -> tensor<{ys}xf32>",
            ]
        else:
            x5 = f"{n}x{g}x{cg}x{hp}x{wp}"
            w5 = f"{g}x{fg}x{cg}x{kh}x{kw}"
            y5 = f"{n}x{g}x{fg}x{oh}x{ow}"
            body += [
                f"%x5 = tensor.expand_shape {xin} [[0], [1, 2], [3], [4]] "
                f"output_shape [{n}, {g}, {cg}, {hp}, {wp}] : "
                f"tensor<{ps}xf32> into tensor<{x5}xf32>",
                f"%w5 = tensor.expand_shape %wd [[0, 1], [2], [3], [4]] "
                f"output_shape [{g}, {fg}, {cg}, {kh}, {kw}] : "
                f"tensor<{ws}xf32> into tensor<{w5}xf32>",
                f"%e = tensor.empty() : tensor<{y5}xf32>",
                f"%acc = linalg.fill ins(%zero : f32) outs(%e : "
                f"tensor<{y5}xf32>) -> tensor<{y5}xf32>",
                f"%conv5 = linalg.conv_2d_ngchw_gfchw {window} ins(%x5, %w5 : "
                f"tensor<{x5}xf32>, tensor<{w5}xf32>) outs(%acc : "
                f"tensor<{y5}xf32>) -> tensor<{y5}xf32>",
                f"%conv = tensor.collapse_shape %conv5 [[0], [1, 2], [3], [4]] "
                f": tensor<{y5}xf32> into tensor<{ys}xf32>",
            ]
        y = "%conv"
        if self.bias != "none":
            if self.bias == "int32":
                if not self.runtime:
                    body += bias_lines
                body.append(f"%b = quant.dcast %bq : tensor<{f}x!qb> to "
                            f"tensor<{f}xf32>")
            else:
                body.append(f"%b = arith.constant {dense(self.b_f)} : "
                            f"tensor<{f}xf32>")
            body += [
                f"%bs = tosa.const_shape {{values = dense<[1, {f}, 1, 1]> : "
                f"tensor<4xindex>}} : () -> !tosa.shape<4>",
                f"%b4 = tosa.reshape %b, %bs : (tensor<{f}xf32>, "
                f"!tosa.shape<4>) -> tensor<1x{f}x1x1xf32>",
                f"%y = tosa.add %conv, %b4 : (tensor<{ys}xf32>, "
                f"tensor<1x{f}x1x1xf32>) -> tensor<{ys}xf32>",
            ]
            y = "%y"
        body += [
            f"%yq = quant.qcast {y} : tensor<{ys}xf32> to tensor<{ys}x!qo>",
            f"%yd = quant.dcast %yq : tensor<{ys}x!qo> to tensor<{ys}xf32>",
            f"return %yd : tensor<{ys}xf32>",
        ]
        lines += ["  " + line for line in body]
        lines += [
            "}",
            "",
            "func.func @main() {",
            f"  %x = arith.constant {dense(self.x)} : tensor<{xs}xf32>",
        ]
        if self.runtime:
            lines += ["  " + line for line in weight_lines + bias_lines]
            lines.append(f"  %y = call @conv(%x, %wq, %bq) : "
                         f"(tensor<{xs}xf32>, tensor<{ws}x!qw>, "
                         f"tensor<{f}x!qb>) -> tensor<{ys}xf32>")
        else:
            lines.append(f"  %y = call @conv(%x) : (tensor<{xs}xf32>) -> "
                         f"tensor<{ys}xf32>")
        lines += [
            f"  %u = tensor.cast %y : tensor<{ys}xf32> to tensor<*xf32>",
            "  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()",
            "  return",
            "}",
            "func.func private @printMemrefF32(tensor<*xf32>)",
        ]
        return "\n".join(lines) + "\n"


def check_conv(conv, variant, got):
    want_q = conv.reference_q()
    if conv.tosa:  # the model computes NHWC
        want_q = want_q.transpose(0, 2, 3, 1)
    got_q = stored_values(got, conv.s_out, conv.zp_out)
    saturated = int(np.count_nonzero((want_q == conv.qmin) |
                                     (want_q == conv.qmax)))
    # How many outputs were an exact .5 tie before rounding.
    multiplier = (conv.s_b / conv.s_out).astype(np.float32)
    scaled = (conv.accumulate().astype(np.float32) *
              multiplier.reshape(1, conv.f, 1, 1)).astype(np.float32)
    ties = int(np.count_nonzero(scaled - np.floor(scaled) == 0.5))
    return report(variant, got_q, want_q, "QLinearConv",
                  f"{saturated} saturated, {ties} ties, output scale "
                  f"{conv.s_out:g}")


def main():
    return example_main(__doc__.split("\n")[0], VARIANTS, "per-tensor-padded",
                        Conv, check_conv)


if __name__ == "__main__":
    sys.exit(main())
