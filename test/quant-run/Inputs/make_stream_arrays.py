# Writes the arrays of the streaming and .npz tests into argv[1]: 6 rows of
# x and s (3 batches of stream.mlir's 2), numpy's x W + s and x W, the same
# in .npz archives (named, positional, deflated, zip64), and broken
# archives.
import sys
import zipfile

import numpy as np


def write_zip64(path, members):
    """A stored zip whose central directory and end record are all zip64
    (sizes and offsets 0xffffffff, the values in extra fields), as a writer
    of archives beyond 4 GiB emits them."""
    import io
    import struct
    import zlib
    out, directory = io.BytesIO(), io.BytesIO()
    for name, array in members.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        data, member = buffer.getvalue(), f"{name}.npy".encode()
        crc, offset = zlib.crc32(data), out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21,
                              crc, len(data), len(data), len(member), 0))
        out.write(member + data)
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45,
                                    0, 0, 0, 0x21, crc, 0xFFFFFFFF,
                                    0xFFFFFFFF, len(member), len(extra), 0,
                                    0, 0, 0, 0xFFFFFFFF))
        directory.write(member + extra)
    start, size = out.tell(), len(directory.getvalue())
    out.write(directory.getvalue())
    end64 = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0,
                          len(members), len(members), size, start))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                          0xFFFFFFFF, 0xFFFFFFFF, 0))
    open(path, "wb").write(out.getvalue())


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
np.save(f"{d}/k.npy", np.float32(-1.5))
np.save(f"{d}/xk.npy", x * np.float32(-1.5))
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

write_zip64(f"{d}/zip64.npz", {"x": x, "s": s})
# Python's zipfile reads it as zip64 (the writer above is not the only
# judge of its format).
with zipfile.ZipFile(f"{d}/zip64.npz") as z:
    assert z.testzip() is None and z.infolist()[1].header_offset > 0
assert np.array_equal(np.load(f"{d}/zip64.npz")["s"], s)
