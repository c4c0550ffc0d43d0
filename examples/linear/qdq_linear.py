#!/usr/bin/env python3
# ===- qdq_linear.py - QDQ linear layer models and their reference -------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Writes a quantized linear layer in QDQ form, and checks a run against it.

  qdq_linear.py emit  --variant V [--seed S] -o model.mlir
  qdq_linear.py check --variant V [--seed S] RUNNER_OUTPUT

`emit` writes a module with `@linear` (the layer: func + tosa or linalg float
ops with quant.qcast/dcast around them, int8 weights, int32 or float bias)
and `@main`, which calls it on a constant input and prints the result with
printMemrefF32. `check` recomputes the expected output independently with
numpy, emulating the QDQ graph in float32 exactly as ONNX Runtime's float
path and the ONNX reference do (x / scale, round half to even, clamp), and
compares it element by element with what the runner printed.

Scales are powers of two and K is small, so every float32 product and sum
of the emulation is exact: the integer kernel must then match it bit for
bit. The input mixes random values with exact rounding ties and values far
outside the input range (saturation).
"""

import argparse
import re
import sys

import numpy as np

# name: (matmul flavour, per-channel weights, bias kind, float weights,
#        weight zero points, u8 activations, M, K, N)
VARIANTS = {
    "tosa-per-tensor": ("tosa", False, "int32", False, False, False, 4, 16, 8),
    "tosa-per-channel": ("tosa", True, "int32", False, False, False, 5, 32, 6),
    "tosa-float-weights": ("tosa", True, "float", True, False, False, 3, 24, 7),
    "tosa-no-bias": ("tosa", False, "none", False, False, False, 2, 8, 3),
    "tosa-asymmetric-weights":
        ("tosa", True, "int32", False, True, False, 4, 20, 6),
    "linalg-per-channel": ("linalg", True, "int32", False, False, False, 4, 16, 5),
    "linalg-no-bias": ("linalg", False, "none", True, False, False, 3, 12, 4),
    "linalg-uint8": ("linalg", False, "int32", False, True, True, 6, 16, 5),
}


class Layer:
    """All constants of one variant, drawn from a seeded generator."""

    def __init__(self, variant, seed):
        (self.flavour, self.per_channel, self.bias_kind, self.float_weights,
         asymmetric_weights, self.act_unsigned, self.m, self.k,
         self.n) = VARIANTS[variant]
        rng = np.random.default_rng(seed)
        m, k, n = self.m, self.k, self.n
        self.act_min, self.act_max = (0, 255) if self.act_unsigned else (-128, 127)
        self.s_in = np.float32(2.0 ** -3)
        self.zp_in = int(rng.integers(100, 156) if self.act_unsigned
                         else rng.integers(-20, 20))
        if self.per_channel:
            self.s_w = (2.0 ** -rng.integers(3, 7, size=n)).astype(np.float32)
        else:
            self.s_w = np.full(n, 2.0 ** -5, dtype=np.float32)
        # Symmetric weights use the narrow range [-127, 127] with zero point
        # 0, as ONNX Runtime writes them; asymmetric ones the full range.
        if asymmetric_weights:
            self.w_min, self.w_max = -128, 127
            zp = rng.integers(-12, 12, size=n if self.per_channel else 1)
            self.zp_w = np.broadcast_to(zp, (n,)).astype(np.int64)
        else:
            self.w_min, self.w_max = -127, 127
            self.zp_w = np.zeros(n, dtype=np.int64)
        self.w_q = rng.integers(self.w_min, self.w_max + 1,
                                size=(k, n)).astype(np.int8)
        # Float weights are given off-grid so that the compile-time quantize
        # has to round (and hit ties: +0.5 of a step).
        offsets = rng.choice([0.0, 0.25, -0.25, 0.5], size=(k, n))
        self.w_f = ((self.w_q.astype(np.float64) - self.zp_w + offsets) *
                    self.s_w).astype(np.float32)
        self.s_b = (self.s_in * self.s_w).astype(np.float32)
        self.b_q = rng.integers(-3000, 3000, size=n).astype(np.int32)
        self.b_f = (self.b_q.astype(np.float32) * self.s_b +
                    np.float32(0.25) * self.s_b).astype(np.float32)
        # Input: random, exact ties, and saturating values.
        x = rng.uniform(-12.0, 12.0, size=(m, k)).astype(np.float32)
        ties = (rng.integers(-60, 60, size=(m, k)) + 0.5) * self.s_in
        x = np.where(rng.random((m, k)) < 0.3, ties, x)
        x[0, 0], x[-1, -1] = 1e4, -1e4
        self.x = x.astype(np.float32)
        # Output scale: a power of two that keeps most outputs unsaturated.
        self.zp_out = int(rng.integers(-10, 10))
        self.s_out = np.float32(1.0)
        spread = np.percentile(np.abs(self.accumulate()), 85)
        self.s_out = np.float32(2.0 ** np.round(np.log2(max(spread, 1) / 127)))

    # -- the independent reference ------------------------------------- #
    def accumulate(self):
        """The float32 QDQ emulation up to the output quantize."""
        xq = np.clip(np.rint(self.x / self.s_in) + self.zp_in, self.act_min,
                     self.act_max)
        xd = ((xq - self.zp_in).astype(np.float32) * self.s_in)
        if self.float_weights:
            wq = np.clip(np.rint(self.w_f / self.s_w) + self.zp_w,
                         self.w_min, self.w_max)
        else:
            wq = self.w_q.astype(np.float32)
        wd = (wq - self.zp_w).astype(np.float32) * self.s_w
        y = (xd.astype(np.float32) @ wd.astype(np.float32)).astype(np.float32)
        if self.bias_kind == "int32":
            y = y + self.b_q.astype(np.float32) * self.s_b
        elif self.bias_kind == "float":
            # A float bias is quantized to int32 at s_in * s_w, as ONNX
            # Runtime's quantizer writes it (docs/Numerics.md).
            b_q = np.rint(self.b_f / self.s_b)
            y = y + b_q.astype(np.float32) * self.s_b
        return y

    def reference(self):
        """The output quantize and dequantize: what @main prints."""
        y = self.accumulate()
        yq = np.clip(np.rint(y / self.s_out) + self.zp_out, -128, 127)
        return ((yq - self.zp_out) * self.s_out).astype(np.float32)

    # -- the model ------------------------------------------------------ #
    def emit(self):
        m, k, n = self.m, self.k, self.n
        lines = [
            f"// Generated by examples/linear/qdq_linear.py: a QDQ linear "
            f"layer {m}x{k} @ {k}x{n}.",
            f"!qa = !quant.uniform<{'u8' if self.act_unsigned else 'i8'}:f32, "
            f"{fmt(self.s_in)}:{self.zp_in}>",
            f"!qo = !quant.uniform<i8:f32, {fmt(self.s_out)}:{self.zp_out}>",
        ]
        tosa = self.flavour == "tosa"
        wshape = [1, k, n] if tosa else [k, n]
        axis = len(wshape) - 1
        wstore = f"i8<{self.w_min}:{self.w_max}>"
        if self.per_channel:
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
        act = f"{m}x{k}"
        out = f"{m}x{n}"
        ws = "x".join(map(str, wshape))
        lines.append(f"func.func @linear(%x: tensor<{act}xf32>) -> "
                     f"tensor<{out}xf32> {{")
        body = []
        if tosa:
            body += [
                f"%s3 = tosa.const_shape {{values = dense<[1, {m}, {k}]> : "
                f"tensor<3xindex>}} : () -> !tosa.shape<3>",
                f"%x3 = tosa.reshape %x, %s3 : (tensor<{act}xf32>, "
                f"!tosa.shape<3>) -> tensor<1x{act}xf32>",
            ]
            xin, xt = "%x3", f"1x{act}"
        else:
            xin, xt = "%x", act
        body += [
            f"%xq = quant.qcast {xin} : tensor<{xt}xf32> to "
            f"tensor<{xt}x!qa>",
            f"%xd = quant.dcast %xq : tensor<{xt}x!qa> to tensor<{xt}xf32>",
        ]
        if self.float_weights:
            body += [
                f"%wf = arith.constant {dense(self.w_f.reshape(wshape))} : "
                f"tensor<{ws}xf32>",
                f"%wq = quant.qcast %wf : tensor<{ws}xf32> to "
                f"tensor<{ws}x!qw>",
            ]
        else:
            body += [
                f"%wi = arith.constant {dense(self.w_q.reshape(wshape))} : "
                f"tensor<{ws}xi8>",
                f"%wq = quant.scast %wi : tensor<{ws}xi8> to "
                f"tensor<{ws}x!qw>",
            ]
        body.append(f"%wd = quant.dcast %wq : tensor<{ws}x!qw> to "
                    f"tensor<{ws}xf32>")
        yt = f"1x{out}" if tosa else out
        if tosa:
            body += [
                '%zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} '
                ": () -> tensor<1xf32>",
                f"%mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<{xt}xf32>, "
                f"tensor<{ws}xf32>, tensor<1xf32>, tensor<1xf32>) -> "
                f"tensor<{yt}xf32>",
            ]
        else:
            body += [
                "%zero = arith.constant 0.0 : f32",
                f"%e = tensor.empty() : tensor<{out}xf32>",
                f"%acc = linalg.fill ins(%zero : f32) outs(%e : "
                f"tensor<{out}xf32>) -> tensor<{out}xf32>",
                f"%mm = linalg.matmul ins(%xd, %wd : tensor<{act}xf32>, "
                f"tensor<{ws}xf32>) outs(%acc : tensor<{out}xf32>) -> "
                f"tensor<{out}xf32>",
            ]
        y = "%mm"
        if self.bias_kind != "none":
            if self.bias_kind == "int32":
                body += [
                    f"%bi = arith.constant {dense(self.b_q)} : tensor<{n}xi32>",
                    f"%bq = quant.scast %bi : tensor<{n}xi32> to "
                    f"tensor<{n}x!qb>",
                    f"%b = quant.dcast %bq : tensor<{n}x!qb> to "
                    f"tensor<{n}xf32>",
                ]
            else:
                body.append(f"%b = arith.constant {dense(self.b_f)} : "
                            f"tensor<{n}xf32>")
            if tosa:
                body += [
                    f"%bs = tosa.const_shape {{values = dense<[1, 1, {n}]> : "
                    f"tensor<3xindex>}} : () -> !tosa.shape<3>",
                    f"%b3 = tosa.reshape %b, %bs : (tensor<{n}xf32>, "
                    f"!tosa.shape<3>) -> tensor<1x1x{n}xf32>",
                    f"%y = tosa.add %mm, %b3 : (tensor<{yt}xf32>, "
                    f"tensor<1x1x{n}xf32>) -> tensor<{yt}xf32>",
                ]
            else:
                body += [
                    f"%be = tensor.empty() : tensor<{out}xf32>",
                    f"%bb = linalg.broadcast ins(%b : tensor<{n}xf32>) "
                    f"outs(%be : tensor<{out}xf32>) dimensions = [0]",
                    f"%ye = tensor.empty() : tensor<{out}xf32>",
                    f"%y = linalg.add ins(%mm, %bb : tensor<{out}xf32>, "
                    f"tensor<{out}xf32>) outs(%ye : tensor<{out}xf32>) -> "
                    f"tensor<{out}xf32>",
                ]
            y = "%y"
        body += [
            f"%yq = quant.qcast {y} : tensor<{yt}xf32> to tensor<{yt}x!qo>",
            f"%yd = quant.dcast %yq : tensor<{yt}x!qo> to tensor<{yt}xf32>",
        ]
        if tosa:
            body += [
                f"%s2 = tosa.const_shape {{values = dense<[{m}, {n}]> : "
                f"tensor<2xindex>}} : () -> !tosa.shape<2>",
                f"%r = tosa.reshape %yd, %s2 : (tensor<{yt}xf32>, "
                f"!tosa.shape<2>) -> tensor<{out}xf32>",
                f"return %r : tensor<{out}xf32>",
            ]
        else:
            body.append(f"return %yd : tensor<{out}xf32>")
        lines += ["  " + line for line in body]
        lines += [
            "}",
            "",
            "func.func @main() {",
            f"  %x = arith.constant {dense(self.x)} : tensor<{act}xf32>",
            f"  %y = call @linear(%x) : (tensor<{act}xf32>) -> "
            f"tensor<{out}xf32>",
            f"  %u = tensor.cast %y : tensor<{out}xf32> to tensor<*xf32>",
            "  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()",
            "  return",
            "}",
            "func.func private @printMemrefF32(tensor<*xf32>)",
        ]
        return "\n".join(lines) + "\n"


def fmt(value):
    """A float32 printed so that MLIR parses back the same value."""
    return repr(float(value))


def dense(array):
    """An MLIR dense literal of `array`."""
    array = np.asarray(array)
    if array.ndim == 0:
        return fmt(array) if array.dtype.kind == "f" else str(int(array))
    if array.ndim == 1:
        items = [fmt(v) if array.dtype.kind == "f" else str(int(v))
                 for v in array]
        return "dense<[" + ", ".join(items) + "]>"
    return "dense<" + nested(array) + ">"


def nested(array):
    if array.ndim == 1:
        return "[" + ", ".join(fmt(v) if array.dtype.kind == "f"
                               else str(int(v)) for v in array) + "]"
    return "[" + ", ".join(nested(a) for a in array) + "]"


def parse_runner_output(text):
    """The numbers printMemrefF32 printed, flattened, and its shape."""
    match = re.search(r"sizes = \[([0-9, ]*)\].*?data =\s*(.*)", text, re.S)
    if not match:
        raise ValueError("no printMemrefF32 output found")
    shape = [int(s) for s in match.group(1).split(",") if s.strip()]
    numbers = re.findall(r"[-+]?(?:nan|inf|[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)",
                         match.group(2))
    return np.array([float(v) for v in numbers],
                    dtype=np.float32).reshape(shape)


def example_main(description, variants, default_variant, make, check):
    """The command line the example generators share. `emit [-o FILE]`
    writes make(variant, seed).emit(); `check RUNNER_OUTPUT` parses what
    mlir-runner printed and returns check(example, variant, got)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("command", choices=["emit", "check"])
    parser.add_argument("input", nargs="?", help="runner output (check)")
    parser.add_argument("--variant", default=default_variant,
                        choices=sorted(variants))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_intermixed_args()
    example = make(args.variant, args.seed)
    if args.command == "emit":
        text = example.emit()
        if args.output == "-":
            sys.stdout.write(text)
        else:
            with open(args.output, "w") as f:
                f.write(text)
        return 0
    with open(args.input) as f:
        got = parse_runner_output(f.read())
    return check(example, args.variant, got)


def stored_values(got, s_out, zp_out):
    """The stored integers q behind printed floats float32(q - zp) * s_out."""
    return (np.rint(got.astype(np.float64) / np.float64(s_out))
            .astype(np.int64) + zp_out)


def report(variant, got_q, want_q, reference, details, show=None):
    """Prints the comparison (and up to 10 differing elements) and returns
    the exit status: 0 only when every stored value matches."""
    if list(got_q.shape) != list(want_q.shape):
        print(f"FAIL: shape {list(got_q.shape)} != expected "
              f"{list(want_q.shape)}")
        return 1
    mismatches = int(np.count_nonzero(got_q != want_q))
    print(f"{variant}: {got_q.size} outputs, {mismatches} mismatches "
          f"against the numpy {reference} reference ({details})")
    if show:
        show()
    if mismatches:
        for index in np.argwhere(got_q != want_q)[:10]:
            i = tuple(int(v) for v in index)
            print(f"  {list(i)} got q={got_q[i]} expected q={want_q[i]}")
        print("FAIL")
        return 1
    print("PASS: bit-exact")
    return 0


def check_layer(layer, variant, got):
    want_q = stored_values(layer.reference(), layer.s_out, layer.zp_out)
    got_q = stored_values(got, layer.s_out, layer.zp_out)
    saturated = int(np.count_nonzero((want_q == -128) | (want_q == 127)))

    def show():
        print("native kernel output (dequantized):")
        for row in got:
            print("  " + " ".join(f"{v:8.3f}" for v in row))
    return report(variant, got_q, want_q, "QDQ",
                  f"{saturated} saturated, output scale {layer.s_out:g}", show)


def main():
    return example_main(__doc__.split("\n")[0], VARIANTS, "tosa-per-channel",
                        Layer, check_layer)


if __name__ == "__main__":
    sys.exit(main())
