# Writes the .npy files of the quant-run tests into argv[1].
import sys

import numpy as np

d = sys.argv[1]
x = np.array([[1.5, -2.0, 3.25], [0.0, 10.0, -7.5]], np.float32)
y = np.array([[0.5, 2.0, 0.75], [1.0, -3.0, 2.5]], np.float32)
np.save(f"{d}/x.npy", x)
np.save(f"{d}/y.npy", y)
np.save(f"{d}/sum.npy", x + y)
np.save(f"{d}/sum_int.npy", (x + y).astype(np.int8))
off = (x + y).copy()
off[1, 2] += 0.5
np.save(f"{d}/off.npy", off)
np.save(f"{d}/x_f64.npy", x.astype(np.float64))
np.save(f"{d}/x_shape.npy", np.zeros((3, 2), np.float32))
bad = x.copy()
bad[0, 1] = np.nan
np.save(f"{d}/x_nan.npy", bad)
np.save(f"{d}/x_fortran.npy", np.asfortranarray(np.ones((2, 3), np.float32)))
open(f"{d}/garbage.npy", "wb").write(b"not an array")
np.save(f"{d}/sum_nan.npy", bad + y)
inf = x.copy()
inf[1, 2] = -np.inf
np.save(f"{d}/x_inf.npy", inf)
