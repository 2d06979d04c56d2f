"""River's side of bench/change-point.bench.ts: time per update of River's
detectors and their detections on the shared streams, with the parameters the
TypeScript side chose (its defaults for timing, its calibrated ones for delay).
A config with timing does it first, alone; the TypeScript side then finds the
detections in two processes at once, each given every other stream of each
scenario (nothing is timed then).

    bench/.venv/bin/python bench/river/bench_river.py <streams.json> <config.json> <out.json>

Usually run by `npx tsx bench/change-point.bench.ts`, which writes the inputs.
"""
import json
import sys
import time

import river

from river_detectors import detections, make


class _Noop:
    def update(self, x):
        pass


def per_update_ns(update, values, repeats: int) -> float:
    """Best of `repeats` passes, in nanoseconds per value (the Python loop included, as River is used)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for x in values:
            update(x)
        best = min(best, (time.perf_counter_ns() - t0) / len(values))
    return best


def main() -> None:
    streams_file, config_file, out_file = sys.argv[1:4]
    streams = {s["name"]: s for s in json.loads(open(streams_file).read())["streams"]}
    config = json.loads(open(config_file).read())
    timing = {}
    for t in config["timing"]:
        values = streams[t["stream"]]["values"][: t["limit"]]
        detector = make(t["detector"], t["options"])
        timing[t["label"]] = per_update_ns(detector.update, values, t["repeats"])
    # Where ADWIN's time goes: the Python loop and a method call, then the Rust core alone (with the timing only: a
    # process that only finds detections runs beside another one).
    breakdown = {}
    if config["timing"]:
        real = streams[config["timing"][0]["stream"]]["values"]
        breakdown = {
            "python loop + no-op method call": per_update_ns(_Noop().update, real, 3),
            "ADWIN Rust core alone (helper.update via pyo3)": per_update_ns(make("Adwin", {})._helper.update, real, 3),
            "ADWIN as used (Python wrapper + Rust core)": timing.get("adwin", float("nan")),
        }
    found = {}
    for d in config["delay"]:
        # Every `parts`-th stream of the scenario from `part` on: parts of one job run in processes side by side.
        names = [name for name in streams if name.startswith(d["prefix"])][d.get("part", 0) :: d.get("parts", 1)]
        found[d["label"]] = {name: detections(d["detector"], d["options"], streams[name]["values"]) for name in names}
    json.dump({"river": river.__version__, "python": sys.version.split()[0], "timing": timing, "breakdown": breakdown, "detections": found}, open(out_file, "w"))


if __name__ == "__main__":
    main()
