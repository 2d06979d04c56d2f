"""Time per update of one River detector, alone in its process, the loop inside a
function (the way that favours Python); best of `repeats` passes, as JSON.

    bench/.venv/bin/python bench/river/time_river.py <streams.json> <Detector> <options-json> <stream> <limit> <repeats>
"""
import json
import sys
import time

from river_detectors import make


def run(update, values):
    for x in values:
        update(x)


def main() -> None:
    streams_file, detector, options, stream, limit, repeats = sys.argv[1:7]
    values = next(s for s in json.load(open(streams_file))["streams"] if s["name"] == stream)["values"][: int(limit)]
    best = float("inf")
    for _ in range(int(repeats)):
        d = make(detector, json.loads(options))
        t0 = time.perf_counter_ns()
        run(d.update, values)
        best = min(best, (time.perf_counter_ns() - t0) / len(values))
    print(json.dumps({"ns": best}))


if __name__ == "__main__":
    main()
