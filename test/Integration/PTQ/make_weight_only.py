#!/usr/bin/env python3
# ===- make_weight_only.py - A float ONNX MLP for weight-only recipes --=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------=== #
"""make_weight_only.py OUT_DIR

A float MLP for the int4 weight-only recipe (docs/Recipes.md):

  x [4, 64] -> MatMul W1 [64, 32] ("fc1") -> Relu ("relu")
            -> Gemm transB W2 [16, 32] + b2 ("fc2") -> out [4, 16]

so that the blocks run along axis 0 of one weight and axis 1 (K of a
transposed Gemm) of the other. Writes mlp.onnx, calib.npy (8 rows) and
test.npy (8 rows); `parameters()` gives the weights to check_recipes.py.
"""

import os
import sys

import numpy as np

F32 = np.float32
BATCH, K1, N1, N2 = 4, 64, 32, 16


def parameters():
    rng = np.random.default_rng(5)
    return {
        "W1": rng.normal(0, 0.2, (K1, N1)).astype(F32),
        "W2": rng.normal(0, 0.3, (N2, N1)).astype(F32),
        "b2": rng.normal(0, 0.1, (N2,)).astype(F32),
    }


def main():
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = parameters()
    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    n = helper.make_node
    nodes = [
        n("MatMul", ["x", "W1"], ["h"], "fc1"),
        n("Relu", ["h"], ["r"], "relu"),
        n("Gemm", ["r", "W2", "b2"], ["out"], "fc2", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, K1])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                       [BATCH, N2])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, "mlp.onnx"))
    rng = np.random.default_rng(9)
    np.save(os.path.join(out, "calib.npy"),
            rng.normal(0, 1, (8, K1)).astype(F32))
    np.save(os.path.join(out, "test.npy"),
            rng.normal(0, 1, (8, K1)).astype(F32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
