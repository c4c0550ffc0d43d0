# Writes a small QLinearMatMul model (u8 activations [2, 8], constant u8
# weights [8, 4], u8 output) for quant-compile's .onnx input.
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(3)
w = rng.integers(0, 256, size=(8, 4), dtype=np.uint8)
inits = [
    numpy_helper.from_array(w, "w"),
    numpy_helper.from_array(np.array(0.05, np.float32), "x_scale"),
    numpy_helper.from_array(np.array(120, np.uint8), "x_zp"),
    numpy_helper.from_array(np.array(0.02, np.float32), "w_scale"),
    numpy_helper.from_array(np.array(128, np.uint8), "w_zp"),
    numpy_helper.from_array(np.array(0.5, np.float32), "y_scale"),
    numpy_helper.from_array(np.array(100, np.uint8), "y_zp"),
]
node = helper.make_node(
    "QLinearMatMul",
    ["x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp"], ["y"])
graph = helper.make_graph(
    [node], "mm", [helper.make_tensor_value_info("x", TensorProto.UINT8, [2, 8])],
    [helper.make_tensor_value_info("y", TensorProto.UINT8, [2, 4])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, sys.argv[1])
