#!/usr/bin/env python3
"""byte_transpose.py OUT_DIR: writes transpose.mlir (one function that
transposes five i8 tensors, each with a different permutation and shape),
x.npz (random inputs) and ref.npz (numpy's transposes) for
test/Integration/X86/byte-transpose.test. The shapes cover full 16 x 16
tiles, wide tiles (four side by side along the output's rows), remainders
along both tiled dimensions, and permutations that move more than the
innermost dimension."""

import os
import sys

import numpy as np

CASES = [  # (shape, permutation)
    ((1, 19, 37, 5), (0, 2, 3, 1)),  # NCHW -> NHWC, remainders in both
    ((3, 40, 17), (0, 2, 1)),        # [N, rows, F] -> [N, F, rows]
    ((32, 48), (1, 0)),              # full tiles only
    ((2, 5, 33, 18), (3, 1, 0, 2)),  # the innermost moves to the outermost
    ((2, 147, 40), (0, 2, 1)),       # wide tiles of 64 along q, remainders
]


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(3)
    inputs = {f"x{i}": rng.integers(-128, 128, shape, dtype=np.int8)
              for i, (shape, _) in enumerate(CASES)}
    refs = {f"y{i}": np.ascontiguousarray(inputs[f"x{i}"].transpose(perm))
            for i, (_, perm) in enumerate(CASES)}
    np.savez(os.path.join(out, "x.npz"), **inputs)
    np.savez(os.path.join(out, "ref.npz"), **refs)

    def ty(shape):
        return "tensor<" + "x".join(map(str, shape)) + "xi8>"

    args = ", ".join(f"%x{i}: {ty(s)}" for i, (s, _) in enumerate(CASES))
    results = ", ".join(ty(refs[f"y{i}"].shape) for i in range(len(CASES)))
    lines = [f"func.func @main({args}) -> ({results}) {{"]
    for i, (shape, perm) in enumerate(CASES):
        out_ty = ty(refs[f"y{i}"].shape)
        lines += [
            f"  %e{i} = tensor.empty() : {out_ty}",
            f"  %y{i} = linalg.transpose ins(%x{i} : {ty(shape)}) "
            f"outs(%e{i} : {out_ty}) permutation = [{', '.join(map(str, perm))}]",
        ]
    lines += [f"  return {', '.join(f'%y{i}' for i in range(len(CASES)))} : "
              f"{results}", "}"]
    with open(os.path.join(out, "transpose.mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
