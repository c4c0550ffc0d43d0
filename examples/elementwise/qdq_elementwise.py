#!/usr/bin/env python3
# ===- qdq_elementwise.py - QDQ add/sub/mul models and their reference ---=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Writes a quantized Add/Sub/Mul/LeakyRelu in QDQ form, and checks a run.

  qdq_elementwise.py emit  --variant V [--seed S] -o model.mlir
  qdq_elementwise.py check --variant V [--seed S] RUNNER_OUTPUT

`emit` writes a module with `@ew` (the op in the form quant-import gives a
QDQ Add/Sub/Mul: quant.qcast/dcast of both inputs, a tosa.reshape that
prepends size-1 dimensions where the ranks differ, tosa.add / tosa.sub /
tosa.mul, quant.qcast/dcast of the output) and `@main`, which calls it on
constant inputs and prints the result with printMemrefF32.

`check` recomputes the expected output independently with numpy, with the
semantics of ONNX Runtime's x86 QLinearAdd / QLinearMul kernels
(docs/Numerics.md): inputs quantized as QuantizeLinear does, then, all in
float32,
  add/sub: ra = sa / sc, rb = +-(sb / sc), fixed = zc - (ra * za + rb * zb),
           rne(fma(a, ra, fma(b, rb, fixed)))
  mul:     rne(float32((a - za) * (b - zb)) * float32(float32(sa * sb) / sc))
           + zc
clamped to the output storage range; an activation (tosa.clamp) after the
op clamps to its quantized bounds; LeakyRelu is the float QDQ graph in
float32 (dequantize, x >= 0 ? x : alpha * x, quantize). A fused multiply-add is computed in
long double (64-bit significand: the product of a float32 and a value of
at most 16 bits is exact, and so is the sum with a float32 of similar
magnitude) and rounded once to float32. Bit-exact is the bar.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "linear"))
from qdq_linear import (dense, example_main, fmt, report,  # noqa: E402
                        stored_values)

# name: op, shapes of a and b (NumPy broadcasting), storage, and optionally
# fixed scales/zero points (ties: ratios that make exact .5 midpoints).
VARIANTS = {
    "add-u8": dict(op="add", a=(2, 3, 8), b=(2, 3, 8), unsigned=True),
    "add-i8-rank-broadcast": dict(op="add", a=(2, 3, 8), b=(8,),
                                  unsigned=False),
    "add-u8-size1-both": dict(op="add", a=(2, 1, 8), b=(3, 1),
                              unsigned=True),
    "add-ties": dict(op="add", a=(4, 16), b=(4, 16), unsigned=True,
                     scales=(0.5, 0.25, 1.0), zps=(128, 120, 127)),
    "add-saturating": dict(op="add", a=(4, 16), b=(16,), unsigned=False,
                           out_scale_factor=0.4),
    "sub-u8": dict(op="sub", a=(2, 3, 8), b=(2, 3, 8), unsigned=True),
    "sub-i8-broadcast": dict(op="sub", a=(1, 4, 3, 3), b=(1, 4, 1, 1),
                             unsigned=False),
    "mul-u8": dict(op="mul", a=(2, 3, 8), b=(2, 3, 8), unsigned=True),
    "mul-i8-broadcast": dict(op="mul", a=(1, 4, 3, 3), b=(4, 1, 1),
                             unsigned=False),
    "mul-ties": dict(op="mul", a=(4, 16), b=(4, 16), unsigned=False,
                     scales=(0.5, 0.25, 0.25), zps=(-3, 1, 0)),
    # An activation (tosa.clamp) between the op and its quantize: folded
    # into qnn.clamp, then into the op's output range.
    "add-relu6-u8": dict(op="add", a=(2, 3, 8), b=(8,), unsigned=True,
                         clamp=(0.0, 6.0)),
    "mul-relu-i8": dict(op="mul", a=(1, 4, 3, 3), b=(4, 1, 1),
                        unsigned=False, clamp=(0.0, float("inf"))),
    "sub-clip-i8": dict(op="sub", a=(4, 16), b=(4, 16), unsigned=False,
                        clamp=(-1.5, 2.0)),
    # LeakyRelu (unary: no b) in quant-import's form, folded to qnn.lookup.
    "leakyrelu-i8": dict(op="leakyrelu", a=(4, 64), b=None, unsigned=False,
                         alpha=0.1),
    "leakyrelu-u8": dict(op="leakyrelu", a=(4, 64), b=None, unsigned=True,
                         alpha=0.3),
}


def quantize(x, scale, zp, qmin, qmax):
    """QuantizeLinear: float32 divide, round half to even, clamp (in float
    first, so that +-inf saturates)."""
    q = np.rint(np.asarray(x, np.float32) / np.float32(scale))
    return np.clip(q.astype(np.float64) + zp, qmin, qmax).astype(np.int64)


def fma(x, y, z):
    """float32(x * y + z) with one rounding (see the module docstring)."""
    ld = np.longdouble
    return (ld(x) * ld(y) + ld(z)).astype(np.float32)


class Elementwise:
    """All constants of one variant, drawn from a seeded generator."""

    def __init__(self, variant, seed):
        self.variant = variant
        spec = VARIANTS[variant]
        self.op = spec["op"]
        self.a_shape, self.b_shape = spec["a"], spec["b"]
        self.unsigned = spec["unsigned"]
        self.qmin, self.qmax = (0, 255) if self.unsigned else (-128, 127)
        rng = np.random.default_rng(seed)
        self.a = rng.uniform(-3, 4, self.a_shape).astype(np.float32)
        self.b = (rng.uniform(-2, 2.5, self.b_shape).astype(np.float32)
                  if self.b_shape else None)
        self.alpha = spec.get("alpha")
        mid = 128 if self.unsigned else 0
        if "scales" in spec:
            self.s_a, self.s_b, self.s_out = (np.float32(s)
                                              for s in spec["scales"])
            self.zp_a, self.zp_b, self.zp_out = spec["zps"]
        else:
            self.s_a = np.float32(7.0 / 255 * rng.uniform(0.9, 1.1))
            self.s_b = np.float32(4.5 / 255 * rng.uniform(0.9, 1.1))
            out_range = {"add": 11.5, "sub": 11.5, "mul": 16.0,
                         "leakyrelu": 4.5}[self.op]
            self.s_out = np.float32(out_range / 255 * rng.uniform(0.9, 1.1) *
                                    spec.get("out_scale_factor", 1.0))
            self.zp_a, self.zp_b, self.zp_out = (
                mid + int(v) for v in rng.integers(-20, 20, 3))
        self.out_shape = (np.broadcast_shapes(self.a_shape, self.b_shape)
                          if self.b_shape else tuple(self.a_shape))
        self.clamp = spec.get("clamp")

    def reference_q(self):
        """QLinearAdd / QLinearMul on the quantized inputs, in float32."""
        qa = quantize(self.a, self.s_a, self.zp_a, self.qmin, self.qmax)
        if self.op == "leakyrelu":
            # The float QDQ graph in float32: dequantize, x >= 0 ? x :
            # alpha * x, quantize (independent of the table QuantC builds).
            x = (qa - self.zp_a).astype(np.float32) * self.s_a
            y = np.where(x >= 0, x, x * np.float32(self.alpha))
            return quantize(y, self.s_out, self.zp_out, self.qmin, self.qmax)
        qb = quantize(self.b, self.s_b, self.zp_b, self.qmin, self.qmax)
        ca, cb = qa - self.zp_a, qb - self.zp_b
        f32 = np.float32
        if self.op == "mul":
            multiplier = f32(f32(self.s_a * self.s_b) / self.s_out)
            scaled = (ca * cb).astype(f32) * multiplier
            q = np.rint(scaled).astype(np.int64) + self.zp_out
        else:
            ra = f32(self.s_a / self.s_out)
            rb = f32(self.s_b / self.s_out)
            if self.op == "sub":
                rb = -rb
            fixed = f32(f32(self.zp_out) - f32(f32(ra * f32(self.zp_a)) +
                                               f32(rb * f32(self.zp_b))))
            partial = fma(qb.astype(f32), rb, fixed)
            q = np.rint(fma(qa.astype(f32), ra, partial)).astype(np.int64)
        q = np.clip(q, self.qmin, self.qmax)
        if self.clamp:
            # The activation on the real value, applied to the quantized
            # one through the quantized bounds (quantization is monotonic).
            lo, hi = (quantize(v, self.s_out, self.zp_out, self.qmin,
                               self.qmax) for v in self.clamp)
            q = np.clip(q, lo, hi)
        return q

    def emit(self):
        store = "u8" if self.unsigned else "i8"
        shape = lambda s: "x".join(map(str, s)) + "x" if s else ""  # noqa
        a_s, y_s = shape(self.a_shape), shape(self.out_shape)
        b_s = shape(self.b_shape) if self.b_shape else None
        rank = len(self.out_shape)
        lines = [
            f"// Generated by examples/elementwise/qdq_elementwise.py "
            f"--variant {self.variant}.",
            f"!qa = !quant.uniform<{store}:f32, {fmt(self.s_a)}:{self.zp_a}>",
            f"!qb = !quant.uniform<{store}:f32, {fmt(self.s_b)}:{self.zp_b}>",
            f"!qo = !quant.uniform<{store}:f32, {fmt(self.s_out)}:"
            f"{self.zp_out}>",
        ]
        args = [f"%a: tensor<{a_s}f32>"] + (
            [f"%b: tensor<{b_s}f32>"] if b_s else [])
        lines.append(f"func.func @ew({', '.join(args)}) -> "
                     f"tensor<{y_s}f32> {{")
        body = []
        operands = []
        inputs = [("a", self.a_shape, a_s)]
        if b_s:
            inputs.append(("b", self.b_shape, b_s))
        for name, s, ty in inputs:
            body += [
                f"%{name}q = quant.qcast %{name} : tensor<{ty}f32> to "
                f"tensor<{ty}!q{name}>",
                f"%{name}d = quant.dcast %{name}q : tensor<{ty}!q{name}> to "
                f"tensor<{ty}f32>",
            ]
            value = f"%{name}d"
            if len(s) < rank:
                # quant-import's rank alignment before a broadcasting op.
                aligned = (1,) * (rank - len(s)) + tuple(s)
                al = shape(aligned)
                body += [
                    f"%{name}s = tosa.const_shape {{values = dense<"
                    f"[{', '.join(map(str, aligned))}]> : tensor<{rank}xindex>}}"
                    f" : () -> !tosa.shape<{rank}>",
                    f"%{name}r = tosa.reshape %{name}d, %{name}s : "
                    f"(tensor<{ty}f32>, !tosa.shape<{rank}>) -> "
                    f"tensor<{al}f32>",
                ]
                value, ty = f"%{name}r", al
            operands.append((value, ty))
        (av, at), (bv, bt) = operands[0], operands[-1]
        y0 = "%y0" if self.clamp else "%y"
        ones = "x".join(["1"] * rank)
        if self.op == "leakyrelu":
            # quant-import's LeakyRelu: x >= 0 ? x : alpha * x.
            body += [
                f'%alpha = "tosa.const"() {{values = dense<{fmt(self.alpha)}>'
                f" : tensor<{ones}xf32>}} : () -> tensor<{ones}xf32>",
                '%zero = "tosa.const"() {values = dense<0.0> : '
                f"tensor<{ones}xf32>}} : () -> tensor<{ones}xf32>",
                '%shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} '
                ": () -> tensor<1xi8>",
                f"%scaled = tosa.mul {av}, %alpha, %shift : (tensor<{at}f32>, "
                f"tensor<{ones}xf32>, tensor<1xi8>) -> tensor<{y_s}f32>",
                f"%pos = tosa.greater_equal {av}, %zero : (tensor<{at}f32>, "
                f"tensor<{ones}xf32>) -> tensor<{y_s}i1>",
                f"{y0} = tosa.select %pos, {av}, %scaled : (tensor<{y_s}i1>, "
                f"tensor<{at}f32>, tensor<{y_s}f32>) -> tensor<{y_s}f32>",
            ]
        elif self.op == "mul":
            body += [
                '%shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} '
                ": () -> tensor<1xi8>",
                f"{y0} = tosa.mul {av}, {bv}, %shift : (tensor<{at}f32>, "
                f"tensor<{bt}f32>, tensor<1xi8>) -> tensor<{y_s}f32>",
            ]
        else:
            body.append(f"{y0} = tosa.{self.op} {av}, {bv} : (tensor<{at}f32>, "
                        f"tensor<{bt}f32>) -> tensor<{y_s}f32>")
        if self.clamp:
            lo, hi = (fmt(v) if np.isfinite(v) else "0x7F800000"
                      for v in self.clamp)
            body.append(f"%y = tosa.clamp %y0 {{min_val = {lo} : f32, "
                        f"max_val = {hi} : f32}} : (tensor<{y_s}f32>) -> "
                        f"tensor<{y_s}f32>")
        body += [
            f"%yq = quant.qcast %y : tensor<{y_s}f32> to tensor<{y_s}!qo>",
            f"%yd = quant.dcast %yq : tensor<{y_s}!qo> to tensor<{y_s}f32>",
            f"return %yd : tensor<{y_s}f32>",
        ]
        lines += ["  " + line for line in body]
        lines += [
            "}",
            "",
            "func.func @main() {",
            f"  %a = arith.constant {dense(self.a)} : tensor<{a_s}f32>",
        ]
        if b_s:
            lines += [
                f"  %b = arith.constant {dense(self.b)} : tensor<{b_s}f32>",
                f"  %y = call @ew(%a, %b) : (tensor<{a_s}f32>, "
                f"tensor<{b_s}f32>) -> tensor<{y_s}f32>",
            ]
        else:
            lines.append(f"  %y = call @ew(%a) : (tensor<{a_s}f32>) -> "
                         f"tensor<{y_s}f32>")
        lines += [
            f"  %u = tensor.cast %y : tensor<{y_s}f32> to tensor<*xf32>",
            "  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()",
            "  return",
            "}",
            "func.func private @printMemrefF32(tensor<*xf32>)",
        ]
        return "\n".join(lines) + "\n"


def check_elementwise(ew, variant, got):
    want_q = ew.reference_q()
    got_q = stored_values(got, ew.s_out, ew.zp_out)
    saturated = int(np.count_nonzero((want_q == ew.qmin) |
                                     (want_q == ew.qmax)))
    return report(variant, got_q, want_q, ew.op, f"{saturated} saturated")


def main():
    return example_main(__doc__.split("\n")[0], VARIANTS, "add-u8",
                        Elementwise, check_elementwise)


if __name__ == "__main__":
    sys.exit(main())
