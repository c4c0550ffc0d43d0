"""Checks a calibration run against make_calibration_model.py's numpy
forward pass: the statistics file (every field that must follow from the
data) and the #qnn.stats in the calibrated IR, min/max exactly.

Usage: check_calibration.py EXPECTED.json STATS.json CALIBRATED.mlir
"""

import json
import re
import sys


def main(expected_path, stats_path, mlir_path):
    expected = json.load(open(expected_path))
    stats = json.load(open(stats_path))
    errors = []
    assert stats["format"] == "quantc-calibration-stats", stats["format"]
    assert stats["version"] == 1
    observers = {o["name"]: o for o in stats["observers"]}
    if sorted(observers) != sorted(expected):
        errors.append(f"observers {sorted(observers)}, expected "
                      f"{sorted(expected)}")
    for name, want in expected.items():
        got = observers.get(name)
        if got is None:
            continue
        channel = got["channels"][0]
        for field, value in [("batches", 4), ("shape", want["shape"]),
                             ("channel_axis", -1), ("histogram_bins", 0)]:
            if got[field] != value:
                errors.append(f"{name}: {field} {got[field]} != {value}")
        if len(got["channels"]) != 1:
            errors.append(f"{name}: {len(got['channels'])} channels")
        for field in ["count", "min", "max"]:
            if channel[field] != want[field]:
                errors.append(f"{name}: json {field} {channel[field]} != "
                              f"numpy {want[field]}")
        if channel["nan_count"] or channel["inf_count"]:
            errors.append(f"{name}: non-finite samples counted")

    ir = open(mlir_path).read()
    found = re.findall(r'name = "([^"]+)", recipe = #qnn.recipe<[^>]*>, '
                       r'stats = #qnn.stats<count = (\d+), min = ([^,]+), '
                       r'max = ([^,>]+)', ir)
    if sorted(n for n, *_ in found) != sorted(expected):
        errors.append(f"IR stats on {sorted(n for n, *_ in found)}")
    for name, count, lo, hi in found:
        want = expected.get(name)
        if want and (int(count), float(lo), float(hi)) != (
                want["count"], want["min"], want["max"]):
            errors.append(f"{name}: IR stats {count} [{lo}, {hi}] != numpy "
                          f"{want['count']} [{want['min']}, {want['max']}]")
    if "quantc.observer_id" in ir:
        errors.append("the calibrated IR still has observer ids")
    for e in errors:
        print("MISMATCH", e)
    print(f"{len(expected)} observers checked, {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
