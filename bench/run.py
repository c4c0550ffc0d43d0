#!/usr/bin/env python3
# ===- run.py - QuantC's benchmarks against its peers, one table ---------=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""bench/run.py [--quick] [--min-seconds S] [--threads 1,2] [--only CASE ...]
                [--skip-compile-scaling] [--json OUT.json]

Runs every case of docs/Benchmarks.md side by side in one run and prints one
table: GOP/s of QuantC and each peer, and QuantC's ratio to each (a ratio
above 1 means QuantC is faster). Peers: ONNX Runtime (npm onnxruntime-node,
the same QDQ .onnx model QuantC compiles), oneDNN (u8 x s8 -> s8 matmul and
conv), XNNPACK (s8 fully connected and conv), and the machine's own limits:
its measured vpdpbusd peak and read bandwidth. Then the compile-time table:
the whole pipeline on generated models of 500 to 4000 quantized layers.

Every process runs with the same fixed glibc allocator thresholds
(MALLOC_*_ below): ONNX Runtime's timings otherwise swing with glibc's
dynamic mmap threshold. Timings are medians of single calls over at least
--min-seconds; the ratios are only meaningful within one run.

Builds what it needs (quant-run, quant-opt, quantc-bench-peers) with
scripts/build.sh first.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("QUANTC_BUILD_DIR", os.path.join(ROOT, "build"))
BIN = os.path.join(BUILD, "bin")
ORT_RUN = os.path.join(ROOT, "test", "Integration", "ORT", "ort_run.js")

sys.path.insert(0, os.path.join(ROOT, "bench"))
import make_models  # noqa: E402

# Fixed for every peer alike: large allocations stay on the heap and are
# reused instead of going back to the kernel after each call.
ALLOCATOR_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 30),
    "MALLOC_TOP_PAD_": str(64 << 20),
    "MALLOC_ARENA_MAX": "2",
}


def env_for(threads, min_seconds):
    env = dict(os.environ)
    env.update(ALLOCATOR_ENV)
    env["OMP_NUM_THREADS"] = str(threads)
    env["QUANTC_BENCH_MIN_SECONDS"] = str(min_seconds)
    return env


def run_seconds(cmd, env):
    """Runs `cmd` and returns the `seconds` its output reports (the median
    seconds per call), or None with the error shown when it failed."""
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    text = proc.stdout + proc.stderr
    match = re.search(r"^seconds ([0-9.eE+-]+)$", text, re.M)
    if proc.returncode != 0 or not match:
        print(f"  [{' '.join(os.path.basename(c) for c in cmd[:2])}] failed: "
              f"{text.strip().splitlines()[-1] if text.strip() else proc.returncode}",
              file=sys.stderr)
        return None
    return float(match.group(1))


# The "weights evicted" rows: every timer touches a buffer of this many
# bytes (4x this machine's 32 MiB L3) before each timed call.
EVICT_BYTES = 128 << 20


def quantc_seconds(model, x, threads, env, min_seconds, evict=False):
    """QuantC: the model compiled by quant-run's JIT with
    quant-x86-pipeline (the code quant-compile --target=x86_64 emits),
    median latency of the call alone, over at least min_seconds of calls. QUANTC_BENCH_RUN_ARGS replaces the
    target arguments ({threads} is substituted), e.g. `--target=cpu` for
    the scalar pipeline."""
    def median(repeat):
        cmd = [os.path.join(BIN, "quant-run"), model, "--input", x, "--time",
               f"--repeat={repeat}"]
        target = os.environ.get("QUANTC_BENCH_RUN_ARGS",
                                "--target=x86 --kernel-threads={threads}")
        cmd += target.format(threads=threads).split()
        if evict:
            cmd.append(f"--evict-cache={EVICT_BYTES}")
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        match = re.search(r"median latency over \d+ calls: ([0-9.]+) us",
                          proc.stdout + proc.stderr)
        if proc.returncode != 0 or not match:
            print(f"  [quant-run] failed: "
                  f"{(proc.stderr or proc.stdout).strip()[-300:]}",
                  file=sys.stderr)
            return None
        return float(match.group(1)) * 1e-6

    # As long as the peers' timers run: 20 calls give the latency, then
    # enough calls for min_seconds (a 50 us call would otherwise be timed
    # over 1 ms, where one hiccup of the machine moves the median).
    estimate = median(20)
    if estimate is None:
        return None
    repeat = min(int(min_seconds / estimate) + 1, 200000)
    return median(repeat) if repeat > 20 else estimate


def gops(ops, seconds):
    return ops / seconds / 1e9 if seconds else None


def fmt(value, width=8, digits=1):
    return f"{value:{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def ratio(ours, peer):
    return f"{ours / peer:6.2f}x" if ours and peer else f"{'-':>7}"


def measure_machine(peers, min_seconds, threads_list):
    machine = {}
    for threads in threads_list:
        env = env_for(threads, min_seconds)
        proc = subprocess.run([peers, "peak", str(threads)], env=env,
                              capture_output=True, text=True, check=True)
        seconds = float(re.search(r"^seconds (\S+)", proc.stdout, re.M).group(1))
        ops = float(re.search(r"^ops (\S+)", proc.stdout, re.M).group(1))
        machine[("peak", threads)] = ops / seconds / 1e9
        for label, size in (("l3", 16 << 20), ("dram", 512 << 20)):
            s = run_seconds([peers, "bandwidth", str(size), str(threads)], env)
            machine[(label, threads)] = size / s / 1e9 if s else None
    return machine


def bench_cases(models_dir, peers, min_seconds, threads_list, only):
    rows = []
    cases = [(f"matmul {m}x{k}x{n}", f"matmul_{m}x{k}x{n}", 2.0 * m * k * n,
              ("matmul", m, k, n)) for m, k, n in make_models.MATMUL_SHAPES]
    c = make_models.CONV
    conv_ops = 2.0 * c["batch"] * c["filters"] * c["size"] ** 2 * c["channels"] * \
        c["kernel"] ** 2
    cases.append(("conv 3x3 64->64 56x56", "conv", conv_ops,
                  ("conv", c["batch"], c["channels"], c["size"], c["size"],
                   c["filters"], c["kernel"], c["kernel"])))
    # Its depthwise form (one 3x3 filter per channel), as MobileNets use it:
    # not a matmul; ONNX Runtime the peer.
    cases.append(("depthwise conv 3x3 64ch 56x56", "depthwise_conv",
                  conv_ops / c["channels"], None))
    # Grouped (16 groups of 4 channels, as ResNeXt's): one matmul per group.
    cases.append(("grouped conv 3x3 64->64 56x56 (16 groups)", "grouped_conv",
                  conv_ops / 16, None))
    cases.append(("small CNN (batch 1)", "cnn", None, None))
    # The weight-streaming case again with its 16 MiB of weights evicted
    # from the caches before every call (read from DRAM).
    cases.insert(1, (f"{cases[0][0]} (weights evicted)", cases[0][1],
                     cases[0][2], cases[0][3]))
    for label, name, ops, native in cases:
        if only and not any(o in name for o in only):
            continue
        model = os.path.join(models_dir, name + ".onnx")
        x = os.path.join(models_dir, name + ".x.npy")
        evict = label.endswith("(weights evicted)")
        for threads in threads_list:
            env = env_for(threads, min_seconds)
            if evict:
                env["QUANTC_BENCH_EVICT_BYTES"] = str(EVICT_BYTES)
            row = {"case": label, "threads": threads, "ops": ops}
            row["quantc"] = quantc_seconds(model, x, threads, env, min_seconds,
                                           evict)
            row["ort"] = run_seconds(
                ["node", ORT_RUN, model, "--input", x, "--threads", str(threads),
                 "--time", str(min_seconds)]
                + (["--evict-cache", str(EVICT_BYTES)] if evict else []), env)
            if native and native[0] == "matmul":
                dims = [str(d) for d in native[1:]]
                row["onednn"] = run_seconds(
                    [peers, "dnnl-matmul", *dims, str(threads)], env)
                row["xnnpack"] = run_seconds(
                    [peers, "xnnpack-matmul", *dims, str(threads)], env)
            elif native and native[0] == "conv":
                dims = [str(d) for d in native[1:]]
                row["onednn"] = run_seconds(
                    [peers, "dnnl-conv", *dims, str(threads)], env)
                row["xnnpack"] = run_seconds(
                    [peers, "xnnpack-conv", *dims, str(threads)], env)
            rows.append(row)
            print(f"  measured {label}, {threads} thread(s)", file=sys.stderr)
    return rows


def print_kernel_table(rows, machine):
    print("\n## Kernels (GOP/s; ratio = QuantC / peer, > 1 is faster)\n")
    print("| case | thr | QuantC | ORT | oneDNN | XNNPACK | vs ORT | vs oneDNN "
          "| vs XNNPACK | % peak |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["ops"]:
            ours = gops(r["ops"], r["quantc"])
            peers = [gops(r["ops"], r.get(k)) for k in ("ort", "onednn", "xnnpack")]
            peak = machine.get(("peak", r["threads"]))
            pct = fmt(100 * ours / peak, 6) if ours and peak else f"{'-':>6}"
            print(f"| {r['case']} | {r['threads']} | {fmt(ours)} | "
                  + " | ".join(fmt(p) for p in peers) + " | "
                  + " | ".join(ratio(ours, p) for p in peers) + f" | {pct} |")
        else:  # whole network: latency instead of GOP/s
            ours, ort = r["quantc"], r.get("ort")
            print(f"| {r['case']} (latency, us) | {r['threads']} | "
                  f"{fmt(ours and ours * 1e6)} | {fmt(ort and ort * 1e6)} | - | - | "
                  f"{ratio(ort, ours)} | - | - | - |")
    # The 1x4096x4096 case is bound by the weights' traffic: 16 MiB of int8
    # weights, read once per call.
    for r in rows:
        if r["case"].startswith("matmul 1x4096x4096"):
            weight_bytes = 4096 * 4096
            t = r["threads"]
            where = ("weights evicted before each call, read from DRAM"
                     if "evicted" in r["case"]
                     else "weights cache-resident, 16 MiB < L3")
            print(f"\nmatmul 1x4096x4096, {t} thread(s), weight traffic in GB/s "
                  f"({where}): QuantC "
                  f"{fmt(r['quantc'] and weight_bytes / r['quantc'] / 1e9)}, ORT "
                  f"{fmt(r.get('ort') and weight_bytes / r['ort'] / 1e9)}, oneDNN "
                  f"{fmt(r.get('onednn') and weight_bytes / r['onednn'] / 1e9)}; "
                  f"measured read bandwidth: 16 MiB buffer "
                  f"{fmt(machine.get(('l3', t)))}, 512 MiB buffer (DRAM) "
                  f"{fmt(machine.get(('dram', t)))}")
    print()
    for (what, t), value in sorted(machine.items()):
        unit = "GOP/s (vpdpbusd loop)" if what == "peak" else "GB/s read"
        print(f"machine {what}, {t} thread(s): {value:.1f} {unit}")


# --- compile time and memory on large generated models --------------------

def chain_model_mlir(layers, width=32):
    """A QDQ MLP of `layers` quantized linear layers in the interchange
    form quant-import writes (tosa.matmul on [1, 1, K] x [1, K, N], per-
    tensor u8 activations, per-channel s8 weights). As in a trained
    network, every layer has its own weights and activation scale."""
    def act(i):
        return f"!quant.uniform<u8:f32, {0.05 + 0.00001 * i:.5f}:128>"

    def weights(i):
        rows = ("[" + ",".join(str((i * 7 + (r * width + c) * 13) % 255 - 127)
                               for c in range(width)) + "]"
                for r in range(width))
        return f"dense<[[{','.join(rows)}]]>"

    wt = "!quant.uniform<i8<-127:127>:f32:2, {%s}>" % ",".join(
        f"{0.01 + 0.0001 * c:.4f}" for c in range(width))
    lines = [f"func.func @main(%x: tensor<1x1x{width}xf32>) -> "
             f"tensor<1x1x{width}xf32> {{",
             f"  %a0 = quant.qcast %x : tensor<1x1x{width}xf32> to "
             f"tensor<1x1x{width}x{act(0)}>"]
    for i in range(layers):
        lines += [
            f"  %d{i} = quant.dcast %a{i} : tensor<1x1x{width}x{act(i)}> to "
            f"tensor<1x1x{width}xf32>",
            f"  %wq{i} = arith.constant {weights(i)} : "
            f"tensor<1x{width}x{width}xi8>",
            f"  %ws{i} = quant.scast %wq{i} : tensor<1x{width}x{width}xi8> to "
            f"tensor<1x{width}x{width}x{wt}>",
            f"  %w{i} = quant.dcast %ws{i} : tensor<1x{width}x{width}x{wt}> to "
            f"tensor<1x{width}x{width}xf32>",
            f"  %z{i} = \"tosa.const\"() <{{values = dense<0.0> : tensor<1xf32>}}> "
            f": () -> tensor<1xf32>",
            f"  %m{i} = tosa.matmul %d{i}, %w{i}, %z{i}, %z{i} : "
            f"(tensor<1x1x{width}xf32>, tensor<1x{width}x{width}xf32>, "
            f"tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x{width}xf32>",
            f"  %a{i + 1} = quant.qcast %m{i} : tensor<1x1x{width}xf32> to "
            f"tensor<1x1x{width}x{act(i + 1)}>",
        ]
    lines += [f"  %out = quant.dcast %a{layers} : tensor<1x1x{width}x{act(layers)}> "
              f"to tensor<1x1x{width}xf32>",
              f"  return %out : tensor<1x1x{width}xf32>", "}"]
    return "\n".join(lines) + "\n"


def compile_scaling(sizes):
    print("\n## Compile time and peak memory of quant-cpu-pipeline "
          "(quant-opt, generated QDQ MLP chains)\n")
    print("| quantized layers | seconds | peak RSS (MiB) | ms per layer | "
          "time ratio to the previous size |")
    print("|---:|---:|---:|---:|---:|")
    previous = None
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for layers in sizes:
            path = os.path.join(tmp, f"chain{layers}.mlir")
            with open(path, "w") as f:
                f.write(chain_model_mlir(layers))
            cmd = ["/usr/bin/time", "-f", "%e %M",
                   os.path.join(BIN, "quant-opt"), path,
                   "--quant-cpu-pipeline", "-o", os.devnull]
            start = time.monotonic()
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  env=env_for(1, 0))
            wall = time.monotonic() - start
            if proc.returncode != 0:
                print(f"| {layers} | failed: {proc.stderr.strip()[-200:]} |")
                continue
            rss_kib = int(proc.stderr.strip().split()[-1])
            growth = f"{wall / previous[1]:.2f} (size x{layers / previous[0]:.0f})" \
                if previous else "-"
            print(f"| {layers} | {wall:.2f} | {rss_kib / 1024:.0f} | "
                  f"{1000 * wall / layers:.2f} | {growth} |")
            results.append({"layers": layers, "seconds": wall,
                            "peak_rss_kib": rss_kib})
            previous = (layers, wall)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="short timings and small compile models (a smoke run)")
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--only", action="append", default=[],
                        help="run only cases whose model name contains this")
    parser.add_argument("--skip-compile-scaling", action="store_true")
    parser.add_argument("--json", help="also write the raw measurements here")
    args = parser.parse_args()
    if args.quick:
        args.min_seconds = min(args.min_seconds, 0.1)
    threads_list = [int(t) for t in args.threads.split(",")]

    subprocess.run([os.path.join(ROOT, "scripts", "build.sh"), "quant-run",
                    "quant-opt", "quantc-bench-peers"], check=True,
                   stdout=subprocess.DEVNULL)
    peers = os.path.join(BIN, "quantc-bench-peers")
    with tempfile.TemporaryDirectory() as models_dir:
        print("writing the models ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_models.py"),
                        models_dir], check=True)
        machine = measure_machine(peers, args.min_seconds, threads_list)
        rows = bench_cases(models_dir, peers, args.min_seconds, threads_list,
                           args.only)
    print_kernel_table(rows, machine)
    scaling = []
    if not args.skip_compile_scaling:
        sizes = [100, 200, 400] if args.quick else [500, 1000, 2000, 4000]
        scaling = compile_scaling(sizes)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"kernels": rows,
                       "machine": {f"{k[0]}@{k[1]}": v for k, v in machine.items()},
                       "compile_scaling": scaling}, f, indent=1)


if __name__ == "__main__":
    main()
