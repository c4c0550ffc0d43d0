#!/usr/bin/env python3
"""make_bounded_model.py OUT.onnx: AveragePool -> GlobalAveragePool ->
Sigmoid -> Tanh -> Flatten -> Softmax, for insert-observers-pools.test."""
import sys

import onnx
from onnx import TensorProto, helper

n = helper.make_node
nodes = [n("AveragePool", ["x"], ["a"], "avgpool", kernel_shape=[2, 2],
           strides=[2, 2]),
         n("GlobalAveragePool", ["a"], ["g"], "gap"),
         n("Sigmoid", ["g"], ["s"], "sigmoid"),
         n("Tanh", ["s"], ["t"], "tanh"),
         n("Flatten", ["t"], ["f"], "flatten"),
         n("Softmax", ["f"], ["y"], "softmax", axis=1)]
graph = helper.make_graph(
    nodes, "bounded",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1])
