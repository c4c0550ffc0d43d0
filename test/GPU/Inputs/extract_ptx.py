#!/usr/bin/env python3
"""Prints the PTX text of the gpu.binary ops in an MLIR file.

quant-nvptx-pipeline leaves the PTX in the `assembly = "..."` string of a
#gpu.object; MLIR prints such strings with \\XX hex escapes for quotes,
backslashes and non-printable bytes. Usage: extract_ptx.py IN.mlir > OUT.ptx
"""

import re
import sys


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    objects = re.findall(r'assembly = "((?:[^"\\]|\\.)*)"', text)
    if not objects:
        sys.exit("extract_ptx.py: no NVPTX assembly object in " + sys.argv[1])
    for escaped in objects:
        data = re.sub(r"\\([0-9A-Fa-f]{2})",
                      lambda m: chr(int(m.group(1), 16)), escaped)
        sys.stdout.write(data)


if __name__ == "__main__":
    main()
