"""Compares quant-run's --layer-report-json (argv[1]) with the numpy report
(argv[2]): the same layers, SQNR within 1e-9 dB, the fractions at the
storage limits and clipped equal, and argv[3] the worst layer."""
import json
import sys

got = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))
layers = {layer["name"]: layer for layer in got["layers"]}
assert set(layers) == set(want), (sorted(layers), sorted(want))
for name, ref in want.items():
    layer = layers[name]
    assert abs(layer["sqnr_db"] - ref["sqnr_db"]) < 1e-9, (name, layer, ref)
    for key in ("at_limits", "clipped"):
        assert abs(layer[key] - ref[key]) < 1e-12, (name, key, layer, ref)
    print(f"{name}: SQNR {layer['sqnr_db']:.2f} dB (numpy {ref['sqnr_db']:.2f}), "
          f"at limits {layer['at_limits']:.4f}, clipped {layer['clipped']:.4f}")
worst = got["layers"][0]["name"]
assert worst == sys.argv[3], worst
print("worst:", worst)
