"""Writes the layer report test's model and data into argv[2]: a QDQ MLP
(x -> fc1 -> fc2 -> fc3, ONNX Runtime's quantizer conventions, built with
test/Integration/ORT/make_qdq_models.py's Builder, argv[1]) whose fc2 output
is given a scale 16 times too small (most of it clips), and fc3 a large bias
so that its output hides fc2's error; x.npy (8 batches of 4 rows); and
ref.json, the report computed here in numpy: the float twin (Q/DQ removed,
weights and biases dequantized) against the integer path (ONNX Runtime's
QLinearMatMul: int32 accumulation, fp32 requantization with
M = float32(float32(s_x * s_w) / s_y), round half to even)."""
import json
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import make_qdq_models as m  # noqa: E402

F32 = np.float32
out = sys.argv[2]
rng = np.random.default_rng(7)
k, hidden, classes, rows = 16, 24, 10, 32
w1 = rng.normal(0, 0.4, (k, hidden)).astype(F32)
b1 = rng.normal(0, 0.3, hidden).astype(F32)
w2 = rng.normal(0, 0.3, (hidden, hidden)).astype(F32)
b2 = rng.normal(0, 0.3, hidden).astype(F32)
w3 = rng.normal(0, 0.3, (hidden, classes)).astype(F32)
b3 = (rng.choice([-1, 1], classes) * rng.uniform(20, 30, classes)).astype(F32)
x = rng.normal(0, 1.0, (rows, k)).astype(F32)
np.save(f"{out}/x.npy", x)

# Quantization parameters from the float activations (min/max, uint8).
w1q, sw1 = m.weight_params(w1, 1)
w2q, sw2 = m.weight_params(w2, 1)
w3q, sw3 = m.weight_params(w3, 1)
w1f, w2f, w3f = w1q * sw1, w2q * sw2, w3q * sw3
sx, zx = m.activation_params(x, "uint8")
h1 = x @ w1f + b1
s1, z1 = m.activation_params(h1, "uint8")
h2 = h1 @ w2f + b2
s2, z2 = m.activation_params(h2, "uint8")
s2 = F32(s2 / 16)  # the deliberately bad scale
y = h2 @ w3f + b3
s3, z3 = m.activation_params(y, "uint8")

b = m.Builder()
xd = b.qdq("x", sx, zx)
layers = [("fc1", w1, b1, sx, sw1, s1, z1), ("fc2", w2, b2, s1, sw2, s2, z2),
          ("fc3", w3, b3, s2, sw3, s3, z3)]
act = xd
biases = []
for name, w, bias, s_in, s_w, s_out, z_out in layers:
    wd, _ = b.weight(name + "_weight", w, 1)
    bd = b.bias(name + "_bias", bias, s_in, s_w)
    biases.append(np.rint(bias / (F32(s_in) * s_w).astype(F32)).astype(np.int32))
    mm = b.node("MatMul", [act, wd], name + "_matmul")
    act = b.qdq(b.node("Add", [mm, bd], name), s_out, z_out)
model = m.finish(b, {"x": [4, k]}, act, [4, classes], 13)
m.onnx.save(model, f"{out}/mlp.onnx")


# The float twin: the same weights and biases as the model holds them.
def float_bias(q, s_in, s_w):
    return q.astype(F32) * (F32(s_in) * s_w).astype(F32)


ref = {"x": x}
f = x
for (name, _, _, s_in, s_w, _, _), wf, bq in zip(layers, (w1f, w2f, w3f),
                                                  biases):
    f = f @ wf + float_bias(bq, s_in, s_w)
    ref[name] = f


# The integer path.
def quantize(v, s, z):
    return np.clip(np.rint(v / F32(s)) + int(z), 0, 255).astype(np.int64)


stored = {"x": quantize(x, sx, zx)}
q, s_q, z_q = stored["x"], sx, zx
for (name, _, _, _, s_w, s_out, z_out), wq, bq in zip(layers, (w1q, w2q, w3q),
                                                     biases):
    acc = (q - int(z_q)) @ wq.astype(np.int64) + bq
    mult = ((F32(s_q) * s_w).astype(F32) / F32(s_out)).astype(F32)
    q = np.clip(np.rint(acc.astype(F32) * mult) + int(z_out), 0, 255)
    q = q.astype(np.int64)
    stored[name] = q
    s_q, z_q = s_out, z_out

params = {"x": (sx, zx), "fc1": (s1, z1), "fc2": (s2, z2), "fc3": (s3, z3)}
report = {}
for name, (s, z) in params.items():
    fv = ref[name].astype(np.float64)
    real = (stored[name] - int(z)) * float(s)
    noise = ((real - fv) ** 2).sum()
    at_limits = np.mean((stored[name] == 0) | (stored[name] == 255))
    lo, hi = (0 - int(z) - 0.5) * float(s), (255 - int(z) + 0.5) * float(s)
    clipped = np.mean((fv < lo) | (fv > hi))
    report[name + "_quantized"] = {
        "sqnr_db": 10 * np.log10((fv ** 2).sum() / noise),
        "at_limits": float(at_limits), "clipped": float(clipped)}
with open(f"{out}/ref.json", "w") as fh:
    json.dump(report, fh, indent=1)
