# Writes a float32 [rows, cols] .npy of seeded random activations, with
# exact rounding ties (k + 0.5 steps of the input scale 0.125) and values
# far outside the int8 range, for the ahead-of-time example.
import sys

import numpy as np

path, rows, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)
x = rng.uniform(-20.0, 20.0, size=(rows, cols)).astype(np.float32)
ties = rng.random(size=x.shape) < 0.2
x[ties] = (np.round(x[ties] / 0.125) + 0.5) * 0.125
x[0, 0], x[-1, -1] = 1.0e4, -1.0e4
np.save(path, x)
