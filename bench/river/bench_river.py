"""River's side of bench/change-point.bench.ts, untimed or timed apart from the
figures compared: where ADWIN's time goes (the Python loop and call, then
River's Rust core alone), and River's detections on the shared streams with
the parameters the TypeScript side chose (its calibrated ones). The compared
time per update comes from time_river.py, one detector per process. The
TypeScript side runs the breakdown first, alone, then finds the detections in
two processes at once, each given every other stream of each scenario.

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
    # Where ADWIN's time goes, on its timing stream: the Python loop and a method call, then the Rust core alone.
    breakdown = {}
    if config.get("breakdown"):
        real = streams[config["breakdown"]]["values"]
        breakdown = {
            "python loop + no-op method call": per_update_ns(_Noop().update, real, 3),
            "ADWIN Rust core alone (helper.update via pyo3)": per_update_ns(make("Adwin", {})._helper.update, real, 3),
        }
    found = {}
    for d in config["delay"]:
        # Every `parts`-th stream of the scenario from `part` on: parts of one job run in processes side by side.
        names = [name for name in streams if name.startswith(d["prefix"])][d.get("part", 0) :: d.get("parts", 1)]
        found[d["label"]] = {name: detections(d["detector"], d["options"], streams[name]["values"]) for name in names}
    json.dump({"river": river.__version__, "python": sys.version.split()[0], "breakdown": breakdown, "detections": found}, open(out_file, "w"))


if __name__ == "__main__":
    main()
