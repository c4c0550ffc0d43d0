#!/usr/bin/env python3
"""Writes an MLIR module whose @main runs every qnn.requantize fold of
quant-fuse-requant on data (all stored input values, or seeded random ones
with many rounding ties) and prints each result widened to i32.

Run once through quant-cpu-pipeline (folded) and once with emulate-qdq
(which skips quant-fuse-requant: unfolded), the two printouts must be
identical in every requant mode: test/Integration/CPU/fuse-requant.test.
"""
import sys

import numpy as np

WIDEN = """
#id1 = affine_map<(d0) -> (d0)>
func.func private @printMemrefI32(tensor<*xi32>)
"""


def widen_fn(name, n, storage, signed):
    ext = "extsi" if signed else "extui"
    return f"""
func.func @{name}(%r: tensor<{n}x{storage}>) {{
  %e = tensor.empty() : tensor<{n}xi32>
  %w = linalg.generic {{indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}}
      ins(%r : tensor<{n}x{storage}>) outs(%e : tensor<{n}xi32>) {{
  ^bb0(%a: {storage}, %b: i32):
    %x = arith.{ext} %a : {storage} to i32
    linalg.yield %x : i32
  }} -> tensor<{n}xi32>
  %u = tensor.cast %w : tensor<{n}xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}}
"""


def dense(values):
    return "dense<[" + ", ".join(str(int(v)) for v in np.ravel(values)) + "]>"


def main():
    rng = np.random.default_rng(2026)
    funcs, calls, widens = [], [], set()

    def tensor(shape, element):
        return "tensor<" + "x".join(str(d) for d in shape) + "x" + element + ">"

    def case(name, params, body, result):
        """`params`: (ssa name, shape, quant type, storage type, values);
        `result`: (shape, quant type, storage type, is signed)."""
        shape, qt, st, signed = result
        n = int(np.prod(shape))
        sig = ", ".join(f"%{p}: {tensor(sh, q)}" for p, sh, q, _, _ in params)
        # The result leaves as its stored integers: quant.scast accepts a
        # narrowed type, a returned quantized type would block the fold.
        funcs.append(f"func.func @{name}({sig}) -> {tensor(shape, st)} {{\n"
                     f"{body}\n  %s = quant.scast %r : {tensor(shape, qt)} to "
                     f"{tensor(shape, st)}\n  return %s : {tensor(shape, st)}\n}}")
        for p, sh, q, s, vals in params:
            flat = tensor([vals.size], s)
            calls.append(f"  %{name}_{p}_s = arith.constant {dense(vals)} : {flat}")
            calls.append(f"  %{name}_{p}_e = tensor.expand_shape %{name}_{p}_s "
                         f"[[{', '.join(str(i) for i in range(len(sh)))}]] "
                         f"output_shape {list(sh)} : {flat} into {tensor(sh, s)}")
            calls.append(f"  %{name}_{p} = quant.scast %{name}_{p}_e : "
                         f"{tensor(sh, s)} to {tensor(sh, q)}")
        args = ", ".join(f"%{name}_{p[0]}" for p in params)
        types = ", ".join(tensor(p[1], p[2]) for p in params)
        calls.append(f"  %{name}_rs = call @{name}({args}) : ({types}) -> "
                     f"{tensor(shape, st)}")
        calls.append(f"  %{name}_f = tensor.collapse_shape %{name}_rs "
                     f"[[{', '.join(str(i) for i in range(len(shape)))}]] : "
                     f"{tensor(shape, st)} into {tensor([n], st)}")
        widen = f"widen_{n}_{st}_{'s' if signed else 'u'}"
        widens.add((widen, n, st, signed))
        calls.append(f"  call @{widen}(%{name}_f) : ({tensor([n], st)}) -> ()")

    # 1. Lossless inner requantize (u8 -> i16, same scale), then a scale
    #    change whose ratio 0.5 hits a tie at every odd centred value.
    qa = "!quant.uniform<u8:f32, 0.5:128>"
    qm = "!quant.uniform<i16:f32, 0.5:-3>"
    qo = "!quant.uniform<i8:f32, 1.0:5>"
    case("chain", [("a", [256], qa, "i8", np.arange(256))],
         f"  %m = qnn.requantize %a : tensor<256x{qa}> -> tensor<256x{qm}>\n"
         f"  %r = qnn.requantize %m : tensor<256x{qm}> -> tensor<256x{qo}>",
         ([256], qo, "i8", True))

    # 2. qnn.matmul, then u8 at 128 -> i8 at 0: the merged scale 0.25 * 0.5
    #    / 0.5 makes every accumulator = 2 mod 4 a tie.
    qx = "!quant.uniform<i8:f32, 0.25:-3>"
    qw = "!quant.uniform<i8<-127:127>:f32, 0.5>"
    qy = "!quant.uniform<u8:f32, 0.5:128>"
    qz = "!quant.uniform<i8:f32, 0.5:0>"
    x = rng.integers(-128, 128, size=(16, 32))
    w = rng.integers(-127, 128, size=(32, 8))
    case("matmul", [("x", [16, 32], qx, "i8", x), ("w", [32, 8], qw, "i8", w)],
         f"  %y = qnn.matmul %x, %w : (tensor<16x32x{qx}>, tensor<32x8x{qw}>)"
         f" -> tensor<16x8x{qy}>\n"
         f"  %r = qnn.requantize %y : tensor<16x8x{qy}> -> tensor<16x8x{qz}>",
         ([16, 8], qz, "i8", True))

    # 3. qnn.mul, then i8 at -100 -> u8 at 0 (the range narrows to [0, 227]).
    qa = "!quant.uniform<i8:f32, 0.5:-3>"
    qm = "!quant.uniform<i8:f32, 2.0:-100>"
    qo = "!quant.uniform<u8:f32, 2.0:0>"
    a = np.arange(-128, 128)
    b = rng.integers(-128, 128, size=256)
    case("mul", [("a", [256], qa, "i8", a), ("b", [256], qa, "i8", b)],
         f"  %y = qnn.mul %a, %b : (tensor<256x{qa}>, tensor<256x{qa}>) -> "
         f"tensor<256x{qm}>\n"
         f"  %r = qnn.requantize %y : tensor<256x{qm}> -> tensor<256x{qo}>",
         ([256], qo, "i8", False))

    # 4. qnn.conv2d, ReLU, then u8 at 128 -> i8 at 0.
    qx = "!quant.uniform<u8:f32, 0.5:128>"
    qw = "!quant.uniform<i8:f32, 0.25>"
    qy = "!quant.uniform<u8:f32, 0.25:128>"
    qz = "!quant.uniform<i8:f32, 0.25:0>"
    x = rng.integers(0, 256, size=(1, 3, 6, 6))
    w = rng.integers(-128, 128, size=(4, 3, 3, 3))
    case("conv", [("x", [1, 3, 6, 6], qx, "i8", x),
                  ("w", [4, 3, 3, 3], qw, "i8", w)],
         f"  %y = qnn.conv2d %x, %w strides [1, 1] dilations [1, 1] padding "
         f"[1, 1, 1, 1] groups 1 : (tensor<1x3x6x6x{qx}>, "
         f"tensor<4x3x3x3x{qw}>) -> tensor<1x4x6x6x{qy}>\n"
         f"  %c = qnn.clamp %y min 128 max 255 : tensor<1x4x6x6x{qy}>\n"
         f"  %r = qnn.requantize %c : tensor<1x4x6x6x{qy}> -> "
         f"tensor<1x4x6x6x{qz}>",
         ([1, 4, 6, 6], qz, "i8", True))

    # 5. qnn.avg_pool2d, then three requantizes: a lossless move, a move by
    #    7 into i16, a move by -4 back to i8 (the pool's result narrows).
    qa = "!quant.uniform<i8:f32, 0.5:0>"
    q1 = "!quant.uniform<i16:f32, 0.5:0>"
    q2 = "!quant.uniform<i16:f32, 0.5:7>"
    q3 = "!quant.uniform<i8:f32, 0.5:3>"
    x = rng.integers(-128, 128, size=(1, 4, 8, 8))
    x[0, 0] = 127
    x[0, 1] = -128
    t = "tensor<1x4x7x7x"
    case("pool", [("x", [1, 4, 8, 8], qa, "i8", x)],
         f"  %p = qnn.avg_pool2d %x kernel [2, 2] strides [1, 1] padding "
         f"[0, 0, 0, 0] : tensor<1x4x8x8x{qa}> -> {t}{qa}>\n"
         f"  %m = qnn.requantize %p : {t}{qa}> -> {t}{q1}>\n"
         f"  %n = qnn.requantize %m : {t}{q1}> -> {t}{q2}>\n"
         f"  %r = qnn.requantize %n : {t}{q2}> -> {t}{q3}>",
         ([1, 4, 7, 7], q3, "i8", True))

    # 6. i16 -> i8 clamps (no chain merge); the i8 -> i16 move folds into
    #    it. Inputs: the i16 range's ends and random values.
    qa = "!quant.uniform<i16:f32, 0.5:0>"
    qm = "!quant.uniform<i8:f32, 0.5:0>"
    qo = "!quant.uniform<i16:f32, 0.5:3>"
    a = np.concatenate([[-32768, 32767, -129, -128, 127, 128],
                        rng.integers(-300, 300, size=250)])
    case("clamping", [("a", [256], qa, "i16", a)],
         f"  %m = qnn.requantize %a : tensor<256x{qa}> -> tensor<256x{qm}>\n"
         f"  %r = qnn.requantize %m : tensor<256x{qm}> -> tensor<256x{qo}>",
         ([256], qo, "i16", True))

    out = [WIDEN]
    out += funcs
    for widen in sorted(widens):
        out.append(widen_fn(*widen))
    out.append("func.func @main() {")
    out += calls
    out.append("  return\n}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
