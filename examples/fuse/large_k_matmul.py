#!/usr/bin/env python3
"""A qnn.matmul with K = 2^17 + 3 int8 products whose storage-range bound
overflows int32 (K * 128 * 128 > 2^31 - 1) but whose constant weights prove
the accumulator fits (max_n sum_k |w| * 128 < 2^31): the verifier accepts
it, and the result must be bit-exact with numpy's int64 arithmetic.

  large_k_matmul.py mlir OUT.mlir   writes the module (@main prints the
                                    result widened to i32)
  large_k_matmul.py check OUTPUT    compares mlir-runner's output with the
                                    numpy reference
"""
import re
import sys

import numpy as np

K = 2**17 + 3
N = 2
# Scales of 1.0 and an output scale of 2^16: the fp32 multiplier 2^-16 is
# exact, so the reference is float32(y) * 2^-16 rounded half to even.
OUT_SCALE = 2.0**16


def data():
    rng = np.random.default_rng(17)
    w = rng.integers(-128, 128, size=(K, N), dtype=np.int64)
    # Activations saturated at -128 / 127: row 0 follows the signs of
    # column 0 (the largest accumulator this weight column allows), row 1
    # is random.
    x0 = np.where(w[:, 0] >= 0, 127, -128)
    x1 = rng.choice([-128, 127], size=K)
    return np.stack([x0, x1]).astype(np.int64), w


def reference():
    x, w = data()
    y = x @ w  # int64, exact
    scaled = np.float32(y.astype(np.float32) * np.float32(1.0 / OUT_SCALE))
    q = np.clip(np.rint(scaled), -128, 127).astype(np.int64)
    return y, q


def dense(a):
    return "dense<[" + ", ".join(
        "[" + ", ".join(str(int(v)) for v in row) + "]" for row in a) + "]>"


def emit(path):
    x, w = data()
    qx = "!quant.uniform<i8:f32, 1.0>"
    qo = f"!quant.uniform<i8:f32, {OUT_SCALE:.1f}>"
    text = f"""
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func private @printMemrefI32(tensor<*xi32>)
func.func @matmul(%x: tensor<2x{K}x{qx}>) -> tensor<2x{N}xi8> {{
  %wi = arith.constant {dense(w)} : tensor<{K}x{N}xi8>
  %w = quant.scast %wi : tensor<{K}x{N}xi8> to tensor<{K}x{N}x{qx}>
  %y = qnn.matmul %x, %w : (tensor<2x{K}x{qx}>, tensor<{K}x{N}x{qx}>) -> tensor<2x{N}x{qo}>
  %s = quant.scast %y : tensor<2x{N}x{qo}> to tensor<2x{N}xi8>
  return %s : tensor<2x{N}xi8>
}}
func.func @main() {{
  %xi = arith.constant {dense(x)} : tensor<2x{K}xi8>
  %x = quant.scast %xi : tensor<2x{K}xi8> to tensor<2x{K}x{qx}>
  %r = call @matmul(%x) : (tensor<2x{K}x{qx}>) -> tensor<2x{N}xi8>
  %e = tensor.empty() : tensor<2x{N}xi32>
  %wide = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}}
      ins(%r : tensor<2x{N}xi8>) outs(%e : tensor<2x{N}xi32>) {{
  ^bb0(%a: i8, %b: i32):
    %v = arith.extsi %a : i8 to i32
    linalg.yield %v : i32
  }} -> tensor<2x{N}xi32>
  %u = tensor.cast %wide : tensor<2x{N}xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}}
"""
    with open(path, "w") as f:
        f.write(text)


def check(path):
    y, expected = reference()
    text = open(path).read()
    body = text[text.index("data ="):]
    actual = [int(v) for v in re.findall(r"-?\d+", body)]
    bound = int(np.abs(data()[1]).sum(axis=0).max()) * 128
    print(f"K = {K}: storage-range bound {K * 128 * 128} > 2147483647, "
          f"constant-weight bound {bound}")
    print(f"largest |accumulator| {int(np.abs(y).max())}")
    ok = actual == expected.ravel().tolist()
    print(f"{expected.size} values, expected {expected.ravel().tolist()}, "
          f"got {actual}")
    print("PASS: bit-exact" if ok else "FAIL")
    return 0 if ok else 1


def main():
    if sys.argv[1] == "mlir":
        emit(sys.argv[2])
        return 0
    return check(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
