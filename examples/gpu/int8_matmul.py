#!/usr/bin/env python3
"""Raw 8-bit integer matmuls for the GPU rewrites (quant-gpu-dp4a, quant-gpu-mma).

  int8_matmul.py emit  --variant V [--seed S] -o model.mlir
  int8_matmul.py check --variant V [--seed S] RUNNER_OUTPUT

`emit` writes the i8 x i8 -> i32 contraction in the form quant-lower-qnn
emits for qnn.matmul (each byte sign- or zero-extended, multiplied, summed
in i32), with a main that prints the result with printMemrefI32. `check`
compares what mlir-runner printed with numpy's int64 matmul of the same
bytes. The shapes are chosen for the rewrite's corners: K not a multiple
of 4 (a scalar remainder after the groups of 4), K < 4 (no group), M and N
not multiples of the 16x16 tiles, a batch dimension, every signedness
pair, and the extreme bytes -128, 127, 0 and 255; the mma variants whole
and partial 16x8x32 mma tiles and blocks of 2x2 warps.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "linear"))
from qdq_linear import dense, example_main, report  # noqa: E402

# name: (lhs signed, rhs signed, batch or 0, M, K, N)
VARIANTS = {
    "s8s8-odd": (True, True, 0, 7, 19, 9),
    "u8s8": (False, True, 0, 5, 16, 33),
    "s8u8-batched": (True, False, 2, 3, 12, 20),
    "u8u8-k3": (False, False, 0, 4, 3, 4),
    "s8s8-extremes": (True, True, 0, 20, 64, 36),
    # For quant-gpu-mma's 16x8x32 tiles and 2x2 warps per block: whole
    # tiles and blocks; partial tiles in M, N and K with warps past the
    # matrix; a batch; K not a multiple of 32 over several steps.
    "s8s8-mma-tiles": (True, True, 0, 32, 64, 16),
    "u8s8-mma-partial": (False, True, 0, 37, 45, 21),
    "s8u8-mma-batched": (True, False, 3, 20, 40, 12),
    "u8u8-mma-k100": (False, False, 0, 48, 100, 40),
}


class Matmul:
    def __init__(self, variant, seed):
        (self.lhs_signed, self.rhs_signed, self.batch, self.m, self.k,
         self.n) = VARIANTS[variant]
        rng = np.random.default_rng(seed)
        lead = [self.batch] if self.batch else []
        self.a = self.draw(rng, lead + [self.m, self.k], self.lhs_signed)
        self.b = self.draw(rng, lead + [self.k, self.n], self.rhs_signed)

    @staticmethod
    def draw(rng, shape, signed):
        lo, hi = (-128, 127) if signed else (0, 255)
        values = rng.integers(lo, hi + 1, size=shape)
        # A share of extreme bytes, where sign and zero extension differ most.
        extremes = rng.choice([lo, hi, 0], size=shape)
        return np.where(rng.random(shape) < 0.25, extremes, values)

    @staticmethod
    def stored(values):
        """The bytes as MLIR's signless i8 literals (two's complement)."""
        return np.where(values > 127, values - 256, values)

    def reference(self):
        return np.matmul(self.a.astype(np.int64), self.b.astype(np.int64))

    def emit(self):
        lead = [self.batch] if self.batch else []
        shape = lambda dims: "x".join(map(str, lead + dims))
        ta = f"tensor<{shape([self.m, self.k])}xi8>"
        tb = f"tensor<{shape([self.k, self.n])}xi8>"
        tc = f"tensor<{shape([self.m, self.n])}xi32>"
        b = "d0, " if self.batch else ""
        d = 1 if self.batch else 0
        dims = ", ".join(f"d{i}" for i in range(d + 3))
        m, n, k = f"d{d}", f"d{d + 1}", f"d{d + 2}"
        iters = '"parallel", ' * (d + 2) + '"reduction"'
        ext_a = "arith.extsi" if self.lhs_signed else "arith.extui"
        ext_b = "arith.extsi" if self.rhs_signed else "arith.extui"
        return f"""\
func.func @matmul(%a: {ta}, %b: {tb}) -> {tc} {{
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : {tc}
  %acc = linalg.fill ins(%zero : i32) outs(%e : {tc}) -> {tc}
  %r = linalg.generic {{indexing_maps = [
      affine_map<({dims}) -> ({b}{m}, {k})>,
      affine_map<({dims}) -> ({b}{k}, {n})>,
      affine_map<({dims}) -> ({b}{m}, {n})>],
      iterator_types = [{iters}]}}
      ins(%a, %b : {ta}, {tb}) outs(%acc : {tc}) {{
  ^bb0(%x: i8, %y: i8, %s: i32):
    %xe = {ext_a} %x : i8 to i32
    %ye = {ext_b} %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %t = arith.addi %s, %p : i32
    linalg.yield %t : i32
  }} -> {tc}
  return %r : {tc}
}}

func.func @main() {{
  %a = arith.constant {dense(self.stored(self.a))} : {ta}
  %b = arith.constant {dense(self.stored(self.b))} : {tb}
  %c = call @matmul(%a, %b) : ({ta}, {tb}) -> {tc}
  %u = tensor.cast %c : {tc} to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}}
func.func private @printMemrefI32(tensor<*xi32>)
"""


def check(example, variant, got):
    want = example.reference()
    return report(variant, got.astype(np.int64), want, "int64 matmul",
                  f"K = {example.k}")


def main():
    return example_main(__doc__.split("\n")[0], VARIANTS, "s8s8-odd",
                        Matmul, check)


if __name__ == "__main__":
    sys.exit(main())
