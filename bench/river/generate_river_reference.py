"""Records the indices at which River's detectors flag a change on the shared
parity streams, for packages/detectors/test/fixtures/river/river-detections.json.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install river==0.26.1
    bench/.venv/bin/python bench/river/generate_river_reference.py

It first writes the streams with `npx tsx bench/river/write-streams.ts parity`
(so both sides read the same values from one file), then runs River on them.
"""
import json
import math
import pathlib
import subprocess

import river

from river_detectors import detections

ROOT = pathlib.Path(__file__).resolve().parents[2]
STREAMS = ROOT / "bench/.data/river-parity-streams.json"
FIXTURE = ROOT / "packages/detectors/test/fixtures/river/river-detections.json"

# Detector configurations, keyed by a label; options use the TypeScript names.
REAL = {
    "adwin": ("Adwin", {}),
    "adwin-clock-1": ("Adwin", {"clock": 1, "delta": 0.01}),
    "page-hinkley": ("PageHinkley", {}),
    "page-hinkley-20-down": ("PageHinkley", {"threshold": 20, "mode": "down"}),
    "kswin": ("Kswin", {"seed": 1}),
    "kswin-200-50": ("Kswin", {"seed": 7, "windowSize": 200, "statSize": 50, "alpha": 0.001}),
}
BINARY = {
    "adwin": ("Adwin", {}),
    "ddm": ("Ddm", {}),
    "hddm-a": ("HddmA", {}),
    "hddm-a-two-sided": ("HddmA", {"twoSidedTest": True}),
}


def checksum(values) -> float:
    total = 0.0
    for i, x in enumerate(values):
        total += x * ((i % 7) + 1)
    return math.floor(total * 1e6 + 0.5) / 1e6


def main() -> None:
    subprocess.run(["npx", "tsx", "bench/river/write-streams.ts", "parity", str(STREAMS)], cwd=ROOT, check=True)
    streams = json.loads(STREAMS.read_text())["streams"]
    out = []
    for s in streams:
        table = REAL if s["kind"] == "real" else BINARY
        found = {label: detections(d, o, s["values"]) for label, (d, o) in table.items()}
        out.append({"name": s["name"], "kind": s["kind"], "length": len(s["values"]), "checksum": checksum(s["values"]), "detections": found})
    fixture = {
        "river": river.__version__,
        "configs": {"real": {k: {"detector": d, "options": o} for k, (d, o) in REAL.items()}, "binary": {k: {"detector": d, "options": o} for k, (d, o) in BINARY.items()}},
        "streams": out,
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
