# Writes the arrays of the streaming and .npz tests into argv[1]: 6 rows of
# x and s (3 batches of stream.mlir's 2), numpy's x W + s and x W, the same
# in .npz archives (named, positional, deflated), and broken archives.
import sys
import zipfile

import numpy as np

d = sys.argv[1]
w = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0],
              [2.0, 0.0, 1.5], [-0.5, 1.0, 4.0]], np.float32)
rng = np.random.default_rng(3)
x = rng.standard_normal((6, 4)).astype(np.float32)
s = rng.standard_normal((6, 3)).astype(np.float32)
y = (x @ w + s).astype(np.float32)
np.save(f"{d}/x.npy", x)
np.save(f"{d}/s.npy", s)
np.save(f"{d}/y.npy", y)
np.save(f"{d}/xw.npy", (x @ w).astype(np.float32))
np.save(f"{d}/x2.npy", x[:2])
np.save(f"{d}/s2.npy", s[:2])
np.save(f"{d}/y2.npy", y[:2])
np.save(f"{d}/x5.npy", x[:5])
np.save(f"{d}/s4.npy", s[:4])

# By name (archive order differs from the arguments'), by order, deflated.
np.savez(f"{d}/named.npz", s=s, x=x)
np.savez(f"{d}/positional.npz", x, s)
np.savez_compressed(f"{d}/compressed.npz", s=s, x=x)
np.savez(f"{d}/only_x.npz", x=x)
np.savez(f"{d}/stranger.npz", x=x, t=s)
np.savez(f"{d}/ref.npz", y=y)

# Not a .npy member; a flipped data byte (CRC); no end record.
with zipfile.ZipFile(f"{d}/readme.npz", "w") as z:
    z.writestr("readme.txt", "not an array")
data = bytearray(open(f"{d}/named.npz", "rb").read())
data[data.find(b"\x93NUMPY") + 140] ^= 0xFF
open(f"{d}/corrupt.npz", "wb").write(bytes(data))
open(f"{d}/truncated.npz", "wb").write(bytes(data[:200]))
