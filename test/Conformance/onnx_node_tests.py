#!/usr/bin/env python3
# ===- onnx_node_tests.py - ONNX backend node tests through QuantC ------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Runs ONNX's backend node tests (Debian's libonnx-testdata) through
quant-import and quant-run and checks them against MANIFEST.

  onnx_node_tests.py --bin BUILD/bin --manifest onnx-node-tests.txt
                     [--data /usr/share/libonnx-testdata/data/node]
                     [--update]

Each test: its model is imported (quantization parameters that the test
feeds as inputs are bound as constants with --const-input, since QuantC
compiles them into types), compiled by quant-cpu-pipeline, run on every
test_data_set_N, and compared with the expected outputs: exactly for
integer outputs, with ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7)
for float ones.

The scope is computed from the data, not kept by hand: every node test
whose model uses only operators of SCOPE_OPS (the quantization operators and
every operator quant-import supports), except the `_expanded` variants,
which test ONNX's function bodies built of other operators (ReduceMin, Cast,
Round, ...). MANIFEST lists each test in scope, one per line: `NAME PASS`
or `NAME FAIL reason`. The run fails if a PASS test fails, a FAIL test
passes, or the manifest and the scope disagree; --update rewrites it.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# Inputs that must be compile-time constants, by op: quantization
# parameters, Clip's bounds, pads, slice bounds and the (folded)
# BatchNormalization parameters.
CONSTANT_INPUTS = {
    "QuantizeLinear": (1, 2),
    "DequantizeLinear": (1, 2),
    "QLinearMatMul": (1, 2, 4, 5, 6, 7),
    "QLinearConv": (1, 2, 4, 5, 6, 7),
    "MatMulInteger": (2, 3),
    "ConvInteger": (2, 3),
    "Clip": (1, 2),
    "Pad": (1, 2, 3),
    "Slice": (1, 2, 3, 4),
    "BatchNormalization": (1, 2, 3, 4),
}

# The operators whose node tests are in scope.
SCOPE_OPS = {
    # Quantization operators.
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
    "QLinearMatMul", "QLinearConv", "MatMulInteger", "ConvInteger",
    # Float operators quant-import supports.
    "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Clip",
    "LeakyRelu", "Sigmoid", "Tanh", "Exp", "Neg", "Softmax", "MaxPool",
    "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten",
    "Reshape", "Transpose", "Concat", "Slice", "Squeeze", "Unsqueeze", "Pad",
    "BatchNormalization", "Identity", "Constant",
}

QUANTIZATION_OPS = ("quantizelinear", "dequantizelinear",
                    "dynamicquantizelinear", "qlinearmatmul", "qlinearconv",
                    "matmulinteger", "convinteger")


def tests_in_scope(data_dir):
    """The node tests whose model uses only operators of SCOPE_OPS."""
    names = []
    for name in sorted(os.listdir(data_dir)):
        model_path = os.path.join(data_dir, name, "model.onnx")
        if name.endswith("_expanded") or not os.path.isfile(model_path):
            continue
        ops = {node.op_type for node in onnx.load(model_path).graph.node}
        if ops <= SCOPE_OPS:
            names.append(name)
    return names


def read_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return tensor


def run_test(test_dir, bin_dir, work):
    """Returns None when the test passes, else the reason it does not."""
    try:
        return run_test_sets(test_dir, bin_dir, work)
    except (ValueError, onnx.onnx_cpp2py_export.checker.ValidationError,
            KeyError, IndexError) as e:
        return f"test data not readable as tensors ({type(e).__name__})"


def run_test_sets(test_dir, bin_dir, work):
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    graph = model.graph
    for value in list(graph.input) + list(graph.output):
        kind = value.type.WhichOneof("value")
        if kind != "tensor_type":
            return (f"'{value.name}' is of {kind.replace('_type', '')} type; "
                    f"QuantC compiles tensors only")
    initializers = {i.name for i in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in initializers]
    bound = set()
    for node in graph.node:
        for index in CONSTANT_INPUTS.get(node.op_type, ()):
            if index < len(node.input) and node.input[index] in inputs:
                bound.add(node.input[index])
    data_sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not data_sets:
        return "no test data"
    for data_set in data_sets:
        input_files = sorted(glob.glob(os.path.join(data_set, "input_*.pb")),
                             key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
        output_files = sorted(glob.glob(os.path.join(data_set, "output_*.pb")),
                              key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
        args = [os.path.join(bin_dir, "quant-run"),
                os.path.join(test_dir, "model.onnx")]
        float_output = False
        for position, path in enumerate(input_files):
            name = inputs[position]
            if name in bound:
                args.append(f"--const-input={name}={path}")
                continue
            array = numpy_helper.to_array(read_tensor(path))
            npy = os.path.join(work, f"in{position}.npy")
            np.save(npy, np.array(array, order="C"))
            args.append(f"--input={npy}")
        for position, path in enumerate(output_files):
            array = numpy_helper.to_array(read_tensor(path))
            float_output |= array.dtype.kind == "f"
            npy = os.path.join(work, f"ref{position}.npy")
            np.save(npy, np.array(array, order="C"))
            args.append(f"--compare={npy}")
        if float_output:
            args += ["--rtol=1e-3", "--atol=1e-7", "--allow-nonfinite"]
        result = subprocess.run(args, capture_output=True, text=True)
        if result.returncode != 0:
            # The error, or the comparison that failed.
            lines = [l for l in (result.stderr + result.stdout).splitlines()
                     if "error:" in l or "differs" in l or
                     ("mismatches" in l and " 0 mismatches" not in l)]
            reason = lines[0] if lines else f"exit code {result.returncode}"
            # Keep the reason free of per-machine paths.
            reason = reason.replace(test_dir + "/", "").replace(work + "/", "")
            return reason.split("error: ", 1)[-1].strip()
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--data",
                        default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--summary", help="also write the summary line here")
    args = parser.parse_args()

    listed = {}
    header = []
    with open(args.manifest) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                if not listed:
                    header.append(line)
                continue
            name, status, *reason = line.split(maxsplit=2)
            listed[name] = status
    scope = tests_in_scope(args.data)
    # A test in scope but not listed counts as listed FAIL, so that it
    # shows up as a surprise until the manifest says what it does.
    entries = [(name, listed.get(name, "UNLISTED")) for name in scope]
    stale = sorted(set(listed) - set(scope))

    passed = 0
    quant_total = quant_passed = 0
    surprises = []
    updated = []
    with tempfile.TemporaryDirectory() as work:
        for name, status in entries:
            test_dir = os.path.join(args.data, name)
            reason = (run_test(test_dir, args.bin, work)
                      if os.path.isdir(test_dir) else "test not found")
            ok = reason is None
            passed += ok
            is_quant = any(name.startswith("test_" + op)
                           for op in QUANTIZATION_OPS)
            quant_total += is_quant
            quant_passed += is_quant and ok
            if status == "UNLISTED":
                surprises.append(f"{name}: in scope but not listed")
            elif ok != (status == "PASS"):
                surprises.append(f"{name}: listed {status}, "
                                 f"{'passes' if ok else 'fails: ' + reason}")
            updated.append(f"{name} PASS" if ok else f"{name} FAIL {reason}")

    summary = (f"ONNX node tests: {passed}/{len(entries)} pass "
               f"(quantization operators: {quant_passed}/{quant_total}); "
               f"the others are listed with their reasons in "
               f"test/Conformance/onnx-node-tests.txt")
    print(summary)
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(summary + "\n")
    if args.update:
        with open(args.manifest, "w") as f:
            f.writelines(header)
            f.write("\n".join(updated) + "\n")
        print(f"updated {args.manifest}")
        return 0
    surprises += [f"{name}: listed but not in scope" for name in stale]
    for line in surprises:
        print("UNEXPECTED: " + line)
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
