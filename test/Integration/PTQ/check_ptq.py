#!/usr/bin/env python3
# ===- check_ptq.py - quant-calibrate's parameters against PyTorch ----=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------=== #
"""check_ptq.py OUT_DIR QDQ.mlir METHOD DATA.npy [DATA.npy ...]
   check_ptq.py sqnr GOT.npy REF.npy MIN_DB

Checks the scale and zero point of every quantize in the QDQ model that
`quant-calibrate --convention pytorch` wrote for make_float_cnn.py's CNN
against PyTorch 1.13's observers fed the same activations (numpy's exact
forward pass of the same calibration rows, in the same batches of 8 that
quant-run streams):

- minmax: MinMaxObserver; avg-minmax: MovingAverageMinMaxObserver; mse:
  HistogramObserver (with torch.histc on the float range, as in
  test/Integration/Torch); quint8, per-tensor affine;
- percentile, entropy (no PyTorch observer): each observed range must lie
  inside MinMaxObserver's, and the parameters are not compared;
- ranges follow docs/Passes.md's quant-infer-ranges rules: Relu clamps its
  input's range, MaxPool keeps it, the Concat's inputs and output share
  the union; the parameters then come from the observer's own
  `_calculate_qparams` on that range;
- weights: PerChannelMinMaxObserver, qint8 per-channel symmetric, axis 0.

Scales must be equal as float32 and zero points equal. Prints one line per
mismatch and a summary; exits 1 on any mismatch.
"""

import os
import re
import sys

import numpy as np
import torch
from torch.ao.quantization.observer import (
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    PerChannelMinMaxObserver,
)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "Torch"))
import make_float_cnn as cnn  # noqa: E402
from torch_observers import FloatRangeHistogramObserver  # noqa: E402

# Observer name -> ONNX node whose activation it sees.
OBSERVED = {"x": None, "conv1.out": "conv1", "dwconv.out": "dwconv",
            "residual.out": "residual", "conv3.out": "conv3",
            "gap.out": "gap", "fc.out": "fc"}
QCAST = re.compile(r'quant\.qcast .*\{(?P<attrs>.*)\} : tensor<[^>]*> to '
                   r'tensor<[0-9x]*!quant\.uniform<(?P<type>[^>]*)>>')
WEIGHT = re.compile(r'quant\.scast .* to tensor<[0-9x]*!quant\.uniform<'
                    r'i8:f32:0, \{(?P<scales>[^}]*)\}>>')


def observer_for(method):
    kw = dict(dtype=torch.quint8, qscheme=torch.per_tensor_affine)
    if method == "avg-minmax":
        return MovingAverageMinMaxObserver(**kw)
    if method == "mse":
        return FloatRangeHistogramObserver(**kw)
    return MinMaxObserver(**kw)


def torch_range(obs, method):
    if method == "mse":
        lo, hi = obs._non_linear_param_search()
        return float(lo), float(hi)
    return float(obs.min_val), float(obs.max_val)


def parse_qdq(path):
    """(observer name -> (scale, zp, source)), [per-axis scale lists]."""
    acts, weights = {}, []
    for line in open(path):
        w = WEIGHT.search(line)
        if w:
            weights.append([np.float32(float(x))
                            for x in w.group("scales").split(",")])
        m = QCAST.search(line)
        if not m:
            continue
        t = m.group("type")
        name = re.search(r'quantc\.observer = "([^"]*)"', m.group("attrs"))
        if name:
            params = t.split(", ")[1].split(":")
            scale, zp = params[0], (params[1] if len(params) > 1 else 0)
            source = re.search(r"source = \"?(\w+)", m.group("attrs")).group(1)
            acts[name.group(1)] = (np.float32(float(scale)), int(zp), source)
    return acts, weights


def sqnr(args):
    """check_ptq.py sqnr GOT.npy REF.npy MIN_DB: the quantized output's
    signal-to-quantization-noise ratio against the float output."""
    got, ref = np.load(args[0]).astype(np.float64), np.load(args[1])
    noise = np.sum((got - ref) ** 2)
    db = 10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / noise)
    ok = db >= float(args[2])
    print("SQNR %.2f dB (%s %s dB)" % (db, ">=" if ok else "BELOW", args[2]))
    return 0 if ok else 1


def main():
    if sys.argv[1] == "sqnr":
        return sqnr(sys.argv[2:])
    out_dir, qdq, method = sys.argv[1:4]
    data = np.concatenate([np.load(p) for p in sys.argv[4:]])
    p = cnn.parameters()
    acts, weights = parse_qdq(qdq)
    observers = {name: observer_for(method) for name in OBSERVED}
    # quant-calibrate streams each file through the model in batches of 8;
    # several files are merged (not compared: merging is not PyTorch's).
    for start in range(0, len(data), cnn.BATCH):
        x = data[start:start + cnn.BATCH]
        a = cnn.forward(x, p)
        for name, node in OBSERVED.items():
            observers[name](torch.from_numpy(x if node is None else a[node]))
    ranges = {n: torch_range(o, method) for n, o in observers.items()}
    relu = lambda r: (max(r[0], 0.0), max(r[1], 0.0))  # noqa: E731
    ranges["relu1.out"] = relu(ranges["conv1.out"])
    ranges["relu2.out"] = relu(ranges["residual.out"])
    ranges["relu3.out"] = relu(ranges["conv3.out"])
    union = (min(ranges["relu1.out"][0], ranges["relu2.out"][0]),
             max(ranges["relu1.out"][1], ranges["relu2.out"][1]))
    for name in ("pool.out", "relu2.out", "concat.out"):
        ranges[name] = union
    mismatches = 0
    if sorted(acts) != sorted(ranges):
        print("MISMATCH observers: QDQ model has %s, expected %s"
              % (sorted(acts), sorted(ranges)))
        return 1
    compare = method in ("minmax", "avg-minmax", "mse")
    for name in sorted(ranges):
        lo, hi = ranges[name]
        scale, zp = MinMaxObserver(dtype=torch.quint8)._calculate_qparams(
            torch.tensor(lo, dtype=torch.float32),
            torch.tensor(hi, dtype=torch.float32))
        ref = (np.float32(scale.item()), int(zp.item()))
        got = acts[name][:2]
        if compare and got != ref:
            mismatches += 1
            print("MISMATCH %s (%s): ours scale %r zp %d, PyTorch scale %r "
                  "zp %d (range [%r, %r])" % (name, acts[name][2], got[0],
                                              got[1], ref[0], ref[1], lo, hi))
        if not compare and name in OBSERVED:
            # The method's range lies inside min-max: its scale cannot be
            # larger than min-max's.
            if got[0] > ref[0] * (1 + 1e-6):
                mismatches += 1
                print("MISMATCH %s: scale %r above min-max's %r"
                      % (name, got[0], ref[0]))
    for key in ("w1", "wdw", "w3", "wfc"):
        obs = PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8,
                                       qscheme=torch.per_channel_symmetric)
        obs(torch.from_numpy(p[key]))
        ref = [np.float32(s) for s in obs.calculate_qparams()[0].numpy()]
        if ref not in weights:
            mismatches += 1
            print("MISMATCH weight %s: PyTorch per-channel scales %r not in "
                  "the QDQ model" % (key, ref))
    what = "compared with PyTorch" if compare else "inside min-max"
    print("%s: %d activation quantizers (%s), %d weights, %d mismatches"
          % (method, len(acts), what, 4, mismatches))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
