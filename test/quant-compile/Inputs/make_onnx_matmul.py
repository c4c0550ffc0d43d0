# Writes a QLinearMatMul model (u8 activations [6, 40], constant weights
# [40, 10], u8 output; --shape M K N for others) for quant-compile's .onnx
# input, and a u8 input.
#
#   make_onnx_matmul.py OUT.onnx [--weights uint8|int8] [--input X.npy]
#                       [--shape M K N]
#
# u8 weights (zero point 128) make the aarch64 contraction u8 x u8 (ummla),
# int8 weights (zero point 0) u8 x s8 (usmmla).
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--weights", choices=["uint8", "int8"], default="uint8")
parser.add_argument("--input")
parser.add_argument("--shape", type=int, nargs=3, default=[6, 40, 10],
                    metavar=("M", "K", "N"))
args = parser.parse_args()

M, K, N = args.shape
rng = np.random.default_rng(3)
if args.weights == "uint8":
    w = rng.integers(0, 256, size=(K, N), dtype=np.uint8)
    w_zp = np.array(128, np.uint8)
else:
    w = rng.integers(-127, 128, size=(K, N), dtype=np.int8)
    w_zp = np.array(0, np.int8)
inits = [
    numpy_helper.from_array(w, "w"),
    numpy_helper.from_array(np.array(0.05, np.float32), "x_scale"),
    numpy_helper.from_array(np.array(120, np.uint8), "x_zp"),
    numpy_helper.from_array(np.array(0.02, np.float32), "w_scale"),
    numpy_helper.from_array(w_zp, "w_zp"),
    numpy_helper.from_array(np.array(0.5, np.float32), "y_scale"),
    numpy_helper.from_array(np.array(100, np.uint8), "y_zp"),
]
node = helper.make_node(
    "QLinearMatMul",
    ["x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp"], ["y"])
graph = helper.make_graph(
    [node], "mm", [helper.make_tensor_value_info("x", TensorProto.UINT8, [M, K])],
    [helper.make_tensor_value_info("y", TensorProto.UINT8, [M, N])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, args.out)
if args.input:
    np.save(args.input, np.random.default_rng(4).integers(
        0, 256, size=(M, K), dtype=np.uint8))
