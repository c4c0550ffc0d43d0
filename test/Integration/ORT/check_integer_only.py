#!/usr/bin/env python3
# ===- check_integer_only.py - no float math outside the declared islands === #
#
# Part of the QuantC project, under the Apache License v2.0 with LLVM
# Exceptions. See LICENSE for license information.
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# ===---------------------------------------------------------------------=== #
"""check_integer_only.py FILE [--island NODE ...]

Checks that a whole quantized network, lowered by
`quant-opt --quant-to-linalg-pipeline --mlir-print-debuginfo
--mlir-print-local-scope` (the input printed by `quant-import
--mlir-print-debuginfo`, so that every op carries its ONNX node's name), does
no float arithmetic between the model's first quantize and its last
dequantize, except:

- requantize epilogues: a generic from integer tensors to an integer tensor
  whose float ops are only EPILOGUE_OPS (sitofp/uitofp, mulf, math.fma,
  addf, math.roundeven, maxnumf/minnumf and cmpf for the clamp,
  fptosi/fptoui: the fp32 requantize of qnn.matmul/conv2d/mul/avg_pool2d
  and ONNX Runtime's QLinearAdd form of qnn.add; divf: a concat input's
  requantize in ONNX Runtime's QLinearConcat form);
- declared islands: ops located at an ONNX node named with --island
  (Softmax, LayerNormalization), their entry dequantizes (integer to float,
  DEQUANTIZE_OPS, every user in an island) and exit quantizes (float to
  integer, QUANTIZE_OPS, every float operand from an island);
- the model's boundary: quantizes of the function's float arguments and
  dequantizes whose only users are the function's return.

Prints one line per violation (op, location, its float ops) and
"integer-only: N ops checked, V violations"; exit status 1 if V > 0.
"""

import argparse
import re
import sys

# Float arithmetic: arith ops on floats, int<->float conversions, math.*.
FLOAT_OP = re.compile(
    r"\b(arith\.(?:addf|subf|mulf|divf|remf|negf|cmpf|maxnumf|minnumf|"
    r"maximumf|minimumf|sitofp|uitofp|fptosi|fptoui|extf|truncf)|math\.\w+)\b")
EPILOGUE_OPS = {"arith.sitofp", "arith.uitofp", "arith.mulf", "math.fma",
                "arith.addf", "math.roundeven", "arith.maxnumf",
                "arith.minnumf", "arith.cmpf", "arith.fptosi", "arith.fptoui",
                # qnn.requantize of a concat input in ONNX Runtime's
                # QLinearConcat form: (v - z_in) * s_in / s_out.
                "arith.divf"}
DEQUANTIZE_OPS = {"arith.sitofp", "arith.uitofp", "arith.subf", "arith.mulf"}
QUANTIZE_OPS = {"arith.divf", "arith.addf", "math.roundeven", "arith.maxnumf",
                "arith.minnumf", "arith.cmpf", "arith.fptosi", "arith.fptoui"}
# Ops that only move, reshape or create values: transparent for dataflow,
# never arithmetic.
MOVEMENT = re.compile(
    r"^(tensor\.(?:empty|expand_shape|collapse_shape|extract_slice|"
    r"insert_slice|pad|cast|concat|reshape)|linalg\.(?:fill|transpose|"
    r"broadcast|copy)|tosa\.(?:const|const_shape|reshape|transpose|slice|"
    r"concat|tile|shape)|arith\.constant|quant\.scast)$")
SSA = re.compile(r"%[\w.$-]+")
TENSOR = re.compile(r"tensor<([^>]*)>")


def element_kind(tensor_body):
    """'f' for a float element type, 'i' for an integer one."""
    element = tensor_body.split("x")[-1]
    return "f" if re.match(r"(f\d+|bf16)$", element) else "i"


class Op:
    def __init__(self, lines):
        head = lines[0]
        match = re.match(r"\s*(?:(%[\w.$-]+)(?::\d+)? = )?([\w.]+)", head)
        self.result, self.name = match.group(1), match.group(2)
        self.text = "\n".join(lines)
        # Operands: SSA names on the first line after the op name (a
        # region's block arguments and body are on later lines).
        self.operands = SSA.findall(head[match.end():])
        locs = re.findall(r'loc\("([^"]*)"', lines[-1])
        self.loc = locs[0] if locs else "?"
        types = TENSOR.findall(lines[-1] if len(lines) > 1 else head)
        self.result_kind = element_kind(types[-1]) if types else "?"
        # The element kind of each operand, in order: from a linalg op's
        # ins(names : types), else from the op's (types) -> signature.
        ins = re.search(r"ins\(([^)]*)\)", head)
        signature = re.search(r":\s*\(([^)]*)\)\s*->", head)
        source = (ins.group(1).split(":")[-1] if ins else
                  signature.group(1) if signature else "")
        names = (SSA.findall(ins.group(1).split(":")[0]) if ins else
                 self.operands)
        self.operand_kinds = dict(zip(
            names, (element_kind(t) for t in TENSOR.findall(source))))
        body = lines[1:-1] if len(lines) > 1 else []
        self.float_ops = set(FLOAT_OP.findall("\n".join(body)))
        # A named op on float tensors is float arithmetic itself; a
        # generic's (or reduce's) arithmetic is its body.
        if FLOAT_OP.match(self.name) or (
                self.result_kind == "f" and not MOVEMENT.match(self.name) and
                not body and
                re.match(r"(tosa|linalg|arith|math)\.", self.name)):
            self.float_ops.add(self.name)


def parse(text):
    """The top-level ops of the one function, and its return operands."""
    lines = text.split("\n")
    ops, returns, args = [], [], set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("func.func"):
            args = set(re.findall(r"(%arg\d+):", line))
        elif re.match(r"\s*(return|func\.return)\b", line):
            returns = SSA.findall(line.split(":")[0])
        elif re.match(r"\s{4}(%[\w.$-]+(:\d+)? = )?[a-z_]+\.\w+", line):
            start, depth = i, line.count("{") - line.count("}")
            while depth > 0 and i + 1 < len(lines):
                i += 1
                depth += lines[i].count("{") - lines[i].count("}")
            ops.append(Op(lines[start:i + 1]))
        i += 1
    return ops, returns, args


def check(text, islands):
    ops, returns, args = parse(text)
    producer = {op.result: op for op in ops if op.result}
    users = {}
    for op in ops:
        for v in op.operands:
            users.setdefault(v, []).append(op)

    def sources(value):
        """Non-movement producers (or function arguments) of `value`."""
        op = producer.get(value)
        if op is None:
            return [value if value in args else None]
        if MOVEMENT.match(op.name):
            return [s for v in op.operands for s in sources(v)]
        return [op]

    def sinks(value):
        """Non-movement users of `value`, 'return' for the function's."""
        found = ["return"] if value in returns else []
        for op in users.get(value, []):
            if MOVEMENT.match(op.name):
                found += sinks(op.result)
            else:
                found.append(op)
        return found

    def in_island(op):
        return op.loc in islands

    violations = []
    for op in ops:
        if not op.float_ops or in_island(op):
            continue
        # Float constants (scales) are parameters, not data.
        integer_in = all(
            kind == "i" or getattr(producer.get(v), "name", "") ==
            "arith.constant" for v, kind in op.operand_kinds.items())
        if integer_in and op.result_kind == "i" and \
                op.float_ops <= EPILOGUE_OPS:
            continue  # a requantize epilogue
        if integer_in and op.result_kind == "f" and \
                op.float_ops <= DEQUANTIZE_OPS:
            dests = sinks(op.result)
            if dests and all(d == "return" or in_island(d) for d in dests):
                continue  # into an island, or the model's last dequantize
        if op.result_kind == "i" and op.float_ops <= QUANTIZE_OPS:
            float_sources = [s for v in op.operands for s in sources(v)
                             if not isinstance(s, Op) or s.result_kind == "f"]
            if all(s in args or (isinstance(s, Op) and in_island(s))
                   for s in float_sources):
                continue  # out of an island, or the model's first quantize
        violations.append(op)
    for op in violations:
        print(f"float op outside the islands: {op.name} at "
              f'loc("{op.loc}"): {" ".join(sorted(op.float_ops))}')
    print(f"integer-only: {len(ops)} ops checked, {len(violations)} "
          f"violations")
    return len(violations)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="lowered MLIR ('-': stdin)")
    parser.add_argument("--island", action="append", default=[],
                        help="ONNX node name of a float island (repeatable)")
    args = parser.parse_args()
    text = sys.stdin.read() if args.file == "-" else open(args.file).read()
    if "loc(" not in text:
        parser.error("the IR has no locations: print it with "
                     "--mlir-print-debuginfo --mlir-print-local-scope")
    return 1 if check(text, set(args.island)) else 0


if __name__ == "__main__":
    sys.exit(main())
