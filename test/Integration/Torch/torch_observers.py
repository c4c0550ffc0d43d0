#!/usr/bin/env python3
"""Runs the same float batches through QuantC's calibration runtime (its C
ABI in libquantc_calibration.so, via ctypes) and through PyTorch's observers
(torch.ao.quantization, Debian's python3-torch 1.13), and compares the scale
and zero point of every case.

usage: torch_observers.py <libquantc_calibration.so> <scratch stats .json>

Prints one line per case and a summary; exits 1 on any mismatch.
Tolerance: scales must be equal as float32 (0 ULP) and zero points equal;
both sides compute the range and the parameters in float32 with the same
operations (docs/Calibration.md).
"""

import ctypes
import json
import sys

import numpy as np
import torch
from torch.ao.quantization.observer import (
    HistogramObserver,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    MovingAveragePerChannelMinMaxObserver,
    PerChannelMinMaxObserver,
)


class FloatRangeHistogramObserver(HistogramObserver):
    """PyTorch 1.13's HistogramObserver.forward, except that torch.histc gets
    the float range instead of int(min)/int(max): 1.13 truncates the range
    to integers (observer.py, forward), which drops samples and misplaces
    every bin of non-integer ranges; later PyTorch releases pass the floats.
    Everything else (_adjust_min_max, _combine_histograms,
    _non_linear_param_search) is PyTorch's own code."""

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach()
        min_val = self.min_val
        max_val = self.max_val
        same_values = min_val.item() == max_val.item()
        is_uninitialized = min_val == float("inf") and max_val == float("-inf")
        if is_uninitialized or same_values:
            min_val, max_val = torch.aminmax(x)
            self.min_val.resize_(min_val.shape)
            self.min_val.copy_(min_val)
            self.max_val.resize_(max_val.shape)
            self.max_val.copy_(max_val)
            torch.histc(x, self.bins, min=float(min_val), max=float(max_val),
                        out=self.histogram)
        else:
            new_min, new_max = torch.aminmax(x)
            combined_min = torch.min(new_min, min_val)
            combined_max = torch.max(new_max, max_val)
            (combined_min, combined_max, downsample_rate,
             start_idx) = self._adjust_min_max(combined_min, combined_max,
                                               self.upsample_rate)
            combined_histogram = torch.histc(
                x, self.bins, min=float(combined_min), max=float(combined_max))
            if combined_min == min_val and combined_max == max_val:
                combined_histogram += self.histogram
            else:
                combined_histogram = self._combine_histograms(
                    combined_histogram, self.histogram, self.upsample_rate,
                    downsample_rate, start_idx, self.bins)
            self.histogram.detach_().resize_(combined_histogram.shape)
            self.histogram.copy_(combined_histogram)
            self.min_val.detach_().resize_(combined_min.shape)
            self.min_val.copy_(combined_min)
            self.max_val.detach_().resize_(combined_max.shape)
            self.max_val.copy_(combined_max)
        return x_orig


def load_runtime(path):
    lib = ctypes.CDLL(path)
    i64, f32, p = ctypes.c_int64, ctypes.c_float, ctypes.c_void_p
    lib.quantc_calibration_create.restype = p
    lib.quantc_calibration_destroy.argtypes = [p]
    lib.quantc_calibration_add_observer.restype = i64
    lib.quantc_calibration_add_observer.argtypes = [
        p, ctypes.c_char_p, i64, i64, i64, f32]
    lib.quantc_observe_f32.restype = ctypes.c_int
    lib.quantc_observe_f32.argtypes = [
        p, i64, ctypes.POINTER(f32), ctypes.POINTER(i64), i64]
    lib.quantc_calibration_quant_params.restype = ctypes.c_int
    lib.quantc_calibration_quant_params.argtypes = [
        p, i64, ctypes.c_char_p, ctypes.c_double, i64, ctypes.c_int,
        ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.POINTER(f32),
        ctypes.POINTER(i64), i64, ctypes.POINTER(i64)]
    lib.quantc_calibration_write_json.restype = ctypes.c_int
    lib.quantc_calibration_write_json.argtypes = [p, ctypes.c_char_p]
    lib.quantc_calibration_range.restype = ctypes.c_int
    lib.quantc_calibration_range.argtypes = [
        p, i64, ctypes.c_char_p, ctypes.c_double, i64,
        ctypes.POINTER(f32), ctypes.POINTER(f32), i64, ctypes.POINTER(i64)]
    lib.quantc_calibration_last_error.restype = ctypes.c_char_p
    lib.quantc_calibration_last_error.argtypes = [p]
    return lib


def quantc_params(lib, batches, axis, method, signed, symmetric,
                  stats_path=None):
    session = lib.quantc_calibration_create()
    try:
        oid = lib.quantc_calibration_add_observer(session, b"x", axis, 2048,
                                                  128, 0.01)
        assert oid >= 0, lib.quantc_calibration_last_error(session)
        for b in batches:
            b = np.ascontiguousarray(b, dtype=np.float32)
            shape = (ctypes.c_int64 * b.ndim)(*b.shape)
            rc = lib.quantc_observe_f32(
                session, oid, b.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                shape, b.ndim)
            assert rc == 0, lib.quantc_calibration_last_error(session)
        capacity = 64
        scales = (ctypes.c_float * capacity)()
        zps = (ctypes.c_int64 * capacity)()
        n = ctypes.c_int64()
        rc = lib.quantc_calibration_quant_params(
            session, oid, method.encode(), 0.0, 8, int(signed), 0,
            int(symmetric), 1, scales, zps, capacity, ctypes.byref(n))
        assert rc == 0, lib.quantc_calibration_last_error(session)
        if stats_path:
            rc = lib.quantc_calibration_write_json(session, stats_path.encode())
            assert rc == 0, lib.quantc_calibration_last_error(session)
        return (np.array(scales[:n.value], dtype=np.float32),
                np.array(zps[:n.value], dtype=np.int64))
    finally:
        lib.quantc_calibration_destroy(session)


def quantc_range(lib, batches, method, parameter):
    session = lib.quantc_calibration_create()
    try:
        oid = lib.quantc_calibration_add_observer(session, b"x", -1, 2048,
                                                  128, 0.01)
        for b in batches:
            b = np.ascontiguousarray(b, dtype=np.float32)
            shape = (ctypes.c_int64 * b.ndim)(*b.shape)
            lib.quantc_observe_f32(
                session, oid, b.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                shape, b.ndim)
        lo, hi, n = ctypes.c_float(), ctypes.c_float(), ctypes.c_int64()
        rc = lib.quantc_calibration_range(session, oid, method.encode(),
                                          parameter, 256, ctypes.byref(lo),
                                          ctypes.byref(hi), 1, ctypes.byref(n))
        assert rc == 0, lib.quantc_calibration_last_error(session)
        return lo.value, hi.value
    finally:
        lib.quantc_calibration_destroy(session)


def percentile_check(lib):
    """No PyTorch observer computes percentiles. Ours interpolates inside a
    histogram bin, numpy.percentile between neighbouring samples; in a
    sparse tail those differ by the gap between samples. The check: our
    value lies between the sorted samples just below and just above the
    quantile's rank, widened by 2 bins of the final histogram (re-binning
    spreads an old bin's samples over up to one old bin)."""
    worst = 0.0
    for seed in range(4):
        batches = make_batches(seed, (4, 3, 64), 6)
        data = np.sort(np.concatenate([b.reshape(-1) for b in batches]))
        n = len(data)
        width = (float(data[-1]) - float(data[0])) / 2048
        for p in (99.0, 99.9):
            lo, hi = quantc_range(lib, batches, "percentile", p)
            for value, q in ((lo, 1.0 - p / 100.0), (hi, p / 100.0)):
                below = data[max(int(np.floor(q * n)) - 1, 0)]
                above = data[min(int(np.ceil(q * n)), n - 1)]
                outside = max(below - value, value - above, 0.0) / width
                worst = max(worst, outside)
    ok = worst <= 2.0
    print("percentile vs sorted samples: largest distance outside the rank "
          "bracket %.2f bins (limit 2): %s" % (worst, "match" if ok else
                                                "MISMATCH"))
    return 0 if ok else 1


def entropy_reference(hist_min, hist_max, counts, levels=256):
    """docs/Calibration.md's entropy method, written again in numpy (float64)
    from the statistics file's histogram: fold to |x|, TensorRT-style KL
    search, threshold."""
    n = len(counts)
    width = (hist_max - hist_min) / n
    abs_max = max(abs(hist_min), abs(hist_max))
    abs_width = abs_max / n
    folded = np.zeros(n)

    def spread(begin, end, mass):
        first = min(max(int(begin / abs_width), 0), n - 1)
        last = min(max(int(end / abs_width), 0), n - 1)
        for j in range(first, last + 1):
            lo = begin if j == first else j * abs_width
            hi = end if j == last else (j + 1) * abs_width
            if hi > lo:
                folded[j] += mass * (hi - lo) / (end - begin)

    for i, c in enumerate(counts):
        if c == 0:
            continue
        begin = hist_min + width * i
        end = begin + width
        if begin >= 0:
            spread(begin, end, c)
        elif end <= 0:
            spread(-end, -begin, c)
        else:
            neg = c * (-begin) / (end - begin)
            spread(0.0, -begin, neg)
            spread(0.0, end, c - neg)

    def smooth(p, eps=1e-4):
        zeros = p == 0
        nz = len(p) - zeros.sum()
        return p + eps * zeros - (eps * zeros.sum() / nz) * (~zeros)

    quant_bins = levels // 2
    best, best_i = np.inf, n
    for i in range(quant_bins, n + 1):
        sliced = folded[:i]
        p = sliced.copy()
        p[i - 1] += folded[i:].sum()
        group = i // quant_bins
        q = np.zeros(i)
        for j in range(quant_bins):
            b = j * group
            e = i if j == quant_bins - 1 else b + group
            nonzero = p[b:e] != 0
            if nonzero.sum():
                q[b:e][nonzero] = sliced[b:e].sum() / nonzero.sum()
        p, q = smooth(p), smooth(q)
        p, q = p / p.sum(), q / q.sum()
        mask = (p > 0) & (q > 0)
        kl = float(np.sum(p[mask] * np.log(p[mask] / q[mask])))
        if kl < best:
            best, best_i = kl, i
    return np.float32(abs_width * best_i)


def entropy_check(lib, stats_path):
    """Our entropy threshold against entropy_reference on the same
    histogram: the same threshold bin (the KL minimum may tie only to
    float64 rounding, so exact equality is expected)."""
    mismatches = 0
    for seed in range(2):
        batches = make_batches(seed, (4, 3, 64), 6)
        quantc_params(lib, batches, -1, "minmax", True, False, stats_path)
        with open(stats_path) as f:
            ch = json.load(f)["observers"][0]["channels"][0]
        t = entropy_reference(ch["histogram"]["min"], ch["histogram"]["max"],
                              np.array(ch["histogram"]["bins"], np.float64))
        lo, hi = quantc_range(lib, batches, "entropy", 0.0)
        ref = (max(np.float32(ch["min"]), -t), min(np.float32(ch["max"]), t))
        if (np.float32(lo), np.float32(hi)) != (np.float32(ref[0]),
                                                np.float32(ref[1])):
            mismatches += 1
            print("entropy MISMATCH seed=%d: ours [%r, %r], reference [%r, %r]"
                  % (seed, lo, hi, float(ref[0]), float(ref[1])))
    print("entropy vs numpy reference of the documented search: %s"
          % ("match" if not mismatches else "MISMATCH"))
    return mismatches


def torch_params(observer, batches):
    for b in batches:
        observer(torch.from_numpy(np.ascontiguousarray(b, dtype=np.float32)))
    scale, zp = observer.calculate_qparams()
    return (scale.detach().numpy().astype(np.float32).reshape(-1),
            zp.detach().numpy().astype(np.int64).reshape(-1))


def make_batches(seed, shape, count):
    """Batches whose location and spread change, so that the range grows
    (histogram re-binning) and the moving averages move."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        loc = rng.uniform(-1.0, 1.0) * k
        spread = rng.uniform(0.8, 1.2) * (0.5 + k)
        out.append(rng.normal(loc, spread, size=shape).astype(np.float32))
    return out


def main():
    lib = load_runtime(sys.argv[1])
    per_tensor = {
        "minmax": lambda dt, qs: MinMaxObserver(dtype=dt, qscheme=qs),
        "moving-average": lambda dt, qs: MovingAverageMinMaxObserver(
            averaging_constant=0.01, dtype=dt, qscheme=qs),
        "mse": lambda dt, qs: FloatRangeHistogramObserver(
            bins=2048, upsample_rate=128, dtype=dt, qscheme=qs),
    }
    per_channel = {
        "minmax": lambda dt, qs, ax: PerChannelMinMaxObserver(
            ch_axis=ax, dtype=dt, qscheme=qs),
        "moving-average": lambda dt, qs, ax:
            MovingAveragePerChannelMinMaxObserver(
                ch_axis=ax, averaging_constant=0.01, dtype=dt, qscheme=qs),
    }
    stats_path = sys.argv[2]
    cases = 0
    histograms = 0
    failures = 0
    worst_ulps = 0
    for signed, dtype in ((False, torch.quint8), (True, torch.qint8)):
        for symmetric in (False, True):
            for seed in range(4):
                batches = make_batches(seed, (4, 3, 64), 6)
                qs = (torch.per_tensor_symmetric if symmetric
                      else torch.per_tensor_affine)
                for method, make in per_tensor.items():
                    ours = quantc_params(lib, batches, -1, method, signed,
                                         symmetric, stats_path)
                    observer = make(dtype, qs)
                    theirs = torch_params(observer, batches)
                    if method == "mse":
                        histograms += 1
                        failures += compare_histogram(stats_path, observer)
                    cases += 1
                    failures += report(method, "tensor", dtype, symmetric,
                                       seed, ours, theirs)
                    worst_ulps = max(worst_ulps, ulps(ours[0], theirs[0]))
                qc = (torch.per_channel_symmetric if symmetric
                      else torch.per_channel_affine)
                for axis in (0, 1):
                    for method, make in per_channel.items():
                        ours = quantc_params(lib, batches, axis, method,
                                             signed, symmetric)
                        theirs = torch_params(make(dtype, qc, axis), batches)
                        cases += 1
                        failures += report(method, "channel%d" % axis, dtype,
                                           symmetric, seed, ours, theirs)
                        worst_ulps = max(worst_ulps, ulps(ours[0], theirs[0]))
    # PyTorch 1.13's own HistogramObserver, unpatched: one batch whose min
    # and max are integers, where its int() truncation changes nothing.
    for signed, dtype in ((False, torch.quint8), (True, torch.qint8)):
        batch = make_batches(7, (1000,), 1)[0]
        batch[0], batch[1] = -6.0, 9.0
        ours = quantc_params(lib, [batch], -1, "mse", signed, False)
        theirs = torch_params(HistogramObserver(dtype=dtype), [batch])
        cases += 1
        failures += report("mse-unpatched", "tensor", dtype, False, 7, ours,
                           theirs)
        worst_ulps = max(worst_ulps, ulps(ours[0], theirs[0]))
    failures += percentile_check(lib)
    failures += entropy_check(lib, stats_path)
    print("histograms compared bin by bin: %d" % histograms)
    print("cases: %d, mismatches: %d, largest scale difference: %d ulp"
          % (cases, failures, worst_ulps))
    return 1 if failures else 0


def compare_histogram(stats_path, observer):
    """Our histogram (from the statistics file) against the observer's:
    range and every bin, as float32 bits."""
    with open(stats_path) as f:
        hist = json.load(f)["observers"][0]["channels"][0]["histogram"]
    ours = np.array(hist["bins"], dtype=np.float32)
    theirs = observer.histogram.detach().numpy().astype(np.float32)
    same = (np.float32(hist["min"]) == np.float32(observer.min_val.item())
            and np.float32(hist["max"]) == np.float32(observer.max_val.item())
            and np.array_equal(ours.view(np.int32), theirs.view(np.int32)))
    if not same:
        print("histogram MISMATCH: range [%r, %r] vs [%r, %r], %d bins differ"
              % (hist["min"], hist["max"], observer.min_val.item(),
                 observer.max_val.item(), int(np.sum(ours != theirs))))
    return 0 if same else 1


def ulps(a, b):
    ai = a.view(np.int32).astype(np.int64)
    bi = b.view(np.int32).astype(np.int64)
    return int(np.max(np.abs(ai - bi))) if len(ai) == len(bi) else 1 << 31


def report(method, granularity, dtype, symmetric, seed, ours, theirs):
    same = (len(ours[0]) == len(theirs[0])
            and np.array_equal(ours[0], theirs[0])
            and np.array_equal(ours[1], theirs[1]))
    print("%s %s %s %s seed=%d: %s" % (
        method, granularity, str(dtype).replace("torch.", ""),
        "symmetric" if symmetric else "affine", seed,
        "match" if same else "MISMATCH ours=%s/%s torch=%s/%s" % (
            ours[0].tolist(), ours[1].tolist(), theirs[0].tolist(),
            theirs[1].tolist())))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
