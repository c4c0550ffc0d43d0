#!/usr/bin/env python3
# ===- run_example.py - Train, export, quantize and evaluate a small CNN -=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""The trained example: a small CNN trained here on synthetic shapes
(shapes.py), exported to ONNX, quantized with each calibration method by
the one-command flow, and evaluated by quant-run on a test set.

  run_example.py [--retrain] [--table docs/Accuracy.md] [--subset N]
                 [--methods minmax,...] [--workdir DIR] [--check-float]

Steps (each deterministic; about a minute on 2 cores with --retrain):

1. Data: 4096 training, 256 calibration and 1024 test images, from
   shapes.make with fixed seeds.
2. Model (only with --retrain, or when model.onnx is missing; needs
   python3-torch): Conv(1->8, 3x3) ReLU MaxPool Conv(8->16, 3x3) ReLU
   MaxPool Flatten Linear(144->6), trained with Adam, exported with
   torch.onnx.export (opset 13, batch 32) to model.onnx beside this script.
3. Float: quant-run runs model.onnx on the test set (32 batches of 32);
   with --check-float, its logits are compared with PyTorch's on the same
   weights (read back from the ONNX file).
4. Per method: quantize() runs `quant-calibrate model.onnx --data calib.npy
   --method M -o M.mlir`; quant-run runs M.mlir on the test set; the table
   gets the top-1 accuracy, the SQNR of the logits against the float run's,
   and the worst layer of `quant-run --layer-report`.

--table writes the results as Markdown (docs/Accuracy.md is written so).
Tools are taken from PATH, else from --build-dir/bin (default: build/ of
this repository). A method that fails (e.g. quant-calibrate is not built)
is reported in the table and makes the exit code 1.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import shapes  # noqa: E402

BATCH = 32
COUNTS = {"train": 4096, "calib": 256, "test": 1024}
SEEDS = {"train": 1, "calib": 2, "test": 3}
METHODS = ("minmax", "avg-minmax", "percentile", "entropy", "mse")
MODEL = os.path.join(HERE, "model.onnx")


class ToolError(RuntimeError):
    pass


def find_tool(name, build_dir):
    path = shutil.which(name)
    if path:
        return path
    candidate = os.path.join(build_dir, "bin", name)
    if os.access(candidate, os.X_OK):
        return candidate
    raise ToolError(f"{name} not found on PATH or in the build directory")


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolError(f"{os.path.basename(cmd[0])} failed ({done.returncode}): "
                        f"{done.stderr.strip()[-2000:]}")
    return done.stdout


# --- training (PyTorch) ----------------------------------------------------

def torch_model():
    import torch.nn as nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 3 * 3, len(shapes.CLASSES)))


def train(path):
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    x, y = shapes.make(COUNTS["train"], SEEDS["train"])
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    model = torch_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    order = torch.Generator().manual_seed(0)
    for epoch in range(8):
        for idx in torch.randperm(len(x), generator=order).split(64):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x).argmax(1) == y).float().mean().item()
    print(f"trained: {100 * accuracy:.2f} % on the {len(x)} training images")
    torch.onnx.export(model, torch.zeros(BATCH, 1, shapes.SIZE, shapes.SIZE),
                      path, opset_version=13, input_names=["image"],
                      output_names=["logits"], do_constant_folding=True)


def pytorch_logits(path, x):
    """The ONNX model's weights in the PyTorch model: an independent
    reference for quant-run's float run."""
    import onnx
    import torch
    from onnx import numpy_helper
    weights = [numpy_helper.to_array(t)
               for t in onnx.load(path).graph.initializer]
    model = torch_model()
    params = list(model.parameters())
    if len(weights) != len(params):
        raise ToolError(f"{path}: {len(weights)} initializers, the PyTorch "
                        f"model has {len(params)} parameters")
    with torch.no_grad():
        for p, w in zip(params, weights):
            p.copy_(torch.from_numpy(w.copy()).reshape(p.shape))
        return model(torch.from_numpy(x)).numpy()


# --- quantization and evaluation -------------------------------------------

def quantize(model, calib_npy, method, out_mlir, build_dir):
    """The one-command flow: quant-calibrate MODEL --data CALIB --method M."""
    exe = find_tool("quant-calibrate", build_dir)
    run([exe, model, "--data", calib_npy, "--method", method, "-o", out_mlir])


def logits_of(model, test_npy, workdir, name, build_dir):
    """The model's first result (the logits) on the test images."""
    out = os.path.join(workdir, name + ".results.npz")
    run([find_tool("quant-run", build_dir), model, "--input", test_npy,
         "--output", out, "--threads", "2"])
    with np.load(out) as results:
        return results[results.files[0]]


def worst_layer(model, test_npy, workdir, name, build_dir):
    report = os.path.join(workdir, name + ".layers.json")
    try:
        run([find_tool("quant-run", build_dir), model, "--input", test_npy,
             "--layer-report", "--layer-report-json", report])
    except ToolError as error:
        return f"n/a ({str(error).splitlines()[0][:80]})"
    layers = json.load(open(report))["layers"]
    worst = layers[0]
    sqnr = "inf" if worst["sqnr_db"] is None else f"{worst['sqnr_db']:.1f}"
    return f"`{worst['name']}` ({sqnr} dB, {100 * worst['clipped']:.1f} % clipped)"


def sqnr_db(reference, values):
    noise = ((values.astype(np.float64) - reference) ** 2).sum()
    if noise == 0:
        return float("inf")
    return 10 * np.log10((reference.astype(np.float64) ** 2).sum() / noise)


def accuracy(logits, labels):
    return float((logits.argmax(1) == labels).mean())


def write_table(path, rows, test_count):
    lines = [
        "# Accuracy of the trained example",
        "",
        "Written by `examples/trained/run_example.py --table docs/Accuracy.md`",
        "(do not edit by hand; rerun it). The model: a CNN (two 3x3",
        "convolutions with ReLU and 2x2 max pooling, one linear layer, 2 118",
        "parameters) trained by that script with PyTorch on synthetic 12 x 12",
        "images of six shapes on noise (`examples/trained/shapes.py`, fixed",
        "seeds), exported to ONNX (opset 13). Each method quantizes it with",
        "`quant-calibrate model.onnx --data calib.npy --method M` (256",
        "calibration images); quant-run runs every variant on the "
        f"{test_count} test images.",
        "SQNR: of the quantized logits against the float model's logits (both",
        "from quant-run). Worst layer: the lowest-SQNR quantized activation of",
        "`quant-run --layer-report` (integer run against the float twin).",
        "",
        "| model | top-1 accuracy | logits SQNR (dB) | worst layer |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append("| " + " | ".join(row) + " |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retrain", action="store_true",
                        help="train and export model.onnx again")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--workdir", help="keep the files here")
    parser.add_argument("--subset", type=int, default=COUNTS["test"],
                        help="test images to use (a multiple of 32)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help="comma-separated; empty: float only")
    parser.add_argument("--check-float", action="store_true",
                        help="compare quant-run's float logits with PyTorch's")
    parser.add_argument("--table", help="write the Markdown table here")
    args = parser.parse_args()
    if args.subset <= 0 or args.subset % BATCH or args.subset > COUNTS["test"]:
        parser.error(f"--subset must be a multiple of {BATCH} up to "
                     f"{COUNTS['test']}")
    methods = [m for m in args.methods.split(",") if m]
    workdir = args.workdir or tempfile.mkdtemp(prefix="quantc-trained-")
    os.makedirs(workdir, exist_ok=True)

    if args.retrain or not os.path.exists(args.model):
        train(args.model)
    calib_x, _ = shapes.make(COUNTS["calib"], SEEDS["calib"])
    test_x, test_y = shapes.make(COUNTS["test"], SEEDS["test"])
    test_x, test_y = test_x[:args.subset], test_y[:args.subset]
    calib_npy = os.path.join(workdir, "calib.npy")
    test_npy = os.path.join(workdir, "test.npy")
    np.save(calib_npy, calib_x)
    np.save(test_npy, test_x)

    float_logits = logits_of(args.model, test_npy, workdir, "float",
                             args.build_dir)
    float_accuracy = accuracy(float_logits, test_y)
    print(f"float: {100 * float_accuracy:.2f} % on {len(test_y)} test images")
    if args.check_float:
        reference = pytorch_logits(args.model, test_x)
        diff = np.abs(float_logits - reference).max()
        agree = (float_logits.argmax(1) == reference.argmax(1)).mean()
        print(f"float vs PyTorch: max abs difference {diff:.2e}, "
              f"{100 * agree:.2f} % same class")
        if diff > 1e-4 or agree != 1.0:
            print("error: quant-run's float logits differ from PyTorch's")
            return 1

    rows = [["float (f32)", f"{100 * float_accuracy:.2f} %", "-", "-"]]
    failed = False
    for method in methods:
        out = os.path.join(workdir, method + ".mlir")
        try:
            quantize(args.model, calib_npy, method, out, args.build_dir)
            logits = logits_of(out, test_npy, workdir, method, args.build_dir)
        except ToolError as error:
            failed = True
            print(f"{method}: not run: {error}")
            rows.append([method, "not run", "-",
                         str(error).splitlines()[0][:100]])
            continue
        acc = accuracy(logits, test_y)
        quality = sqnr_db(float_logits, logits)
        worst = worst_layer(out, test_npy, workdir, method, args.build_dir)
        print(f"{method}: {100 * acc:.2f} %, logits SQNR {quality:.2f} dB, "
              f"worst layer {worst}")
        rows.append([method, f"{100 * acc:.2f} %", f"{quality:.2f}", worst])
    if args.table:
        write_table(args.table, rows, len(test_y))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
