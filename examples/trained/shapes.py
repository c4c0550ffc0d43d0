# ===- shapes.py - A deterministic synthetic image classification set ----=== #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""Six classes of 12 x 12 grayscale shapes (filled square, hollow square,
disk, ring, plus, cross) at a random centre, size and brightness, on
Gaussian noise. numpy only, and the same arrays for the same seed on any
machine (numpy's PCG64 generator and float64 geometry, cast to float32 at
the end), so that the trained model, the calibration set and the test set
can be rebuilt anywhere."""

import numpy as np

CLASSES = ("filled square", "hollow square", "disk", "ring", "plus", "cross")
SIZE = 12


def _shape(kind, cy, cx, r, yy, xx):
    dy, dx = yy - cy, xx - cx
    cheb = np.maximum(np.abs(dy), np.abs(dx))
    dist = np.hypot(dy, dx)
    if kind == 0:
        return cheb <= r
    if kind == 1:
        return (cheb <= r) & (cheb > r - 1.2)
    if kind == 2:
        return dist <= r
    if kind == 3:
        return (dist <= r) & (dist > r - 1.2)
    if kind == 4:
        return ((np.abs(dy) <= 0.6) & (np.abs(dx) <= r)) | (
            (np.abs(dx) <= 0.6) & (np.abs(dy) <= r))
    return (np.abs(np.abs(dy) - np.abs(dx)) <= 0.7) & (cheb <= r)


def make(count, seed):
    """`count` images (N, 1, 12, 12) float32 and labels (N,) int64."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    images = np.empty((count, 1, SIZE, SIZE), np.float64)
    labels = rng.integers(0, len(CLASSES), count)
    for i, kind in enumerate(labels):
        r = rng.uniform(2.5, 4.5)
        cy, cx = rng.uniform(r, SIZE - 1 - r, 2)
        brightness = rng.uniform(0.6, 1.0)
        noise = rng.normal(0.0, 0.2, (SIZE, SIZE))
        images[i, 0] = brightness * _shape(kind, cy, cx, r, yy, xx) + noise
    return images.astype(np.float32), labels.astype(np.int64)
