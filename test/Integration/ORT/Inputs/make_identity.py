#!/usr/bin/env python3
# ===- make_identity.py - An identity model over the .npy dtypes ---------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""make_identity.py OUT_DIR: writes identity.onnx (one Identity per dtype
that ort_run.js reads and writes) and in_<dtype>.npy, for the .npy
reader/writer test of ort_run.js; `check OUT_DIR` compares out_<dtype>.npy
with the inputs (dtype, shape, values)."""

import os
import sys

import numpy as np
import onnx
from onnx import helper, mapping

DTYPES = ["float32", "float64", "int8", "uint8", "int16", "uint16", "int32",
          "int64", "bool"]
SHAPES = {"float32": (2, 3), "float64": (5,), "int8": (2, 2, 2),
          "uint8": (3, 1), "int16": (4,), "uint16": (1, 2), "int32": (),
          "int64": (2, 3), "bool": (3,)}


def array(dtype):
    rng = np.random.default_rng(0)
    values = rng.integers(-1000, 1000, SHAPES[dtype])
    if dtype == "bool":
        return values > 0
    info = np.iinfo(dtype) if dtype[0] in "iu" else None
    if info:
        values = np.clip(values, info.min, info.max)
    if dtype == "int64":
        values = values * (1 << 40)  # beyond 32 bits
    return np.asarray(values * (0.37 if dtype[0] == "f" else 1)).astype(dtype)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        out = sys.argv[2]
        for d in DTYPES:
            a, b = array(d), np.load(os.path.join(out, f"out_{d}.npy"))
            ok = a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
            print(f"{d}: {b.dtype} {b.shape} {'same' if ok else 'DIFFERENT'}")
        return 0
    out = sys.argv[1]
    nodes, inputs, outputs = [], [], []
    for d in DTYPES:
        t = mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(d)]
        inputs.append(helper.make_tensor_value_info(f"in_{d}", t, SHAPES[d]))
        outputs.append(helper.make_tensor_value_info(f"out_{d}", t, SHAPES[d]))
        nodes.append(helper.make_node("Identity", [f"in_{d}"], [f"out_{d}"]))
        np.save(os.path.join(out, f"in_{d}.npy"), array(d))
    model = helper.make_model(helper.make_graph(nodes, "id", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "identity.onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
