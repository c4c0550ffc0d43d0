# Writes the arrays of the dtype tests into argv[1]: one input per dtype of
# dtypes.mlir (values at the edges of each range, so that x + 1 wraps), the
# numpy x + 1 references, and arrays of the wrong dtype.
import sys

import numpy as np

d = sys.argv[1]
inputs = {
    "f32": np.array([1.5, -2.25, 1e30], np.float32),
    "f16": np.array([0.1, -65504.0, 2048.0], np.float16),
    "i8": np.array([-128, 5, 127], np.int8),
    "u8": np.array([0, 200, 255], np.uint8),
    "i16": np.array([-32768, 7, 32767], np.int16),
    "i32": np.array([-2**31, 9, 2**31 - 1], np.int32),
    "i64": np.array([-2**63, 11, 2**63 - 1], np.int64),
}
# numpy's own x + 1 in each dtype (integers wrap, f16 rounds in f16).
with np.errstate(over="ignore"):
    refs = {f"{k}_out": (v + v.dtype.type(1)).astype(v.dtype)
            for k, v in inputs.items()}
for name, array in inputs.items():
    np.save(f"{d}/{name}.npy", array)
np.savez(f"{d}/refs.npz", **refs)
np.save(f"{d}/u8_as_i8.npy", inputs["u8"].view(np.int8))
np.save(f"{d}/f16_as_f32.npy", inputs["f16"].astype(np.float32))
np.save(f"{d}/complex.npy", np.zeros(3, np.complex64))
