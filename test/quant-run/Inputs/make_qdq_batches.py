# Writes the QDQ streaming test's data into argv[2]: the qdq_linear model of
# test/Target/ONNX (argv[1] is that directory), 8 batches of its 2 rows, and
# its numpy QDQ emulation on all 16 rows.
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import make_model  # noqa: E402

d = sys.argv[2]
rng = np.random.default_rng(5)
x = (rng.standard_normal((16, 4)) * 20).astype(np.float32)
np.save(f"{d}/x.npy", x)
np.save(f"{d}/ref.npy", make_model.qdq_linear_reference(x))
