"""Time per call of scipy's two-sample tests on the windows bench/two-sample.bench.ts wrote,
all in one process, each call inside a function (the way that favours Python); the process's
CPU time, best of `repeats` rounds of `calls` calls, as JSON:
{test: {"<size> <start>": {"ns": best ns per call, "p": p-value}}}.

    bench/.venv/bin/python bench/scipy/time_two_sample.py <data-dir> <sizes, comma-separated> <repeats>

Each <data-dir>/two-sample-<size>.f64 holds four float64 columns of <size> values: the reference
window's latencies, the current window's, then their ratings (1-5). Two starts, as on our side:
"columns" gives the tests numpy arrays (not charged for building them; chi2_contingency is
charged for counting the ratings into its 2 x 5 table with np.bincount); "events" gives them
the window's events as a Python monitor holds them, a list of dicts (as json.loads makes them),
and charges taking each column out with np.fromiter.
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def table(ref_ratings, cur_ratings):
    return np.stack([np.bincount(ref_ratings, minlength=6)[1:], np.bincount(cur_ratings, minlength=6)[1:]])


def column(events, key, dtype):
    return np.fromiter((e[key] for e in events), dtype=dtype, count=len(events))


def calls_for(size):
    return max(1, 200_000 // size)


def best_ns(call, calls, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time_ns()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time_ns() - t0) / calls)
    return best


def main() -> None:
    data_dir, sizes, repeats = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], int(sys.argv[3])
    out = {"ks": {}, "mann-whitney": {}, "welch": {}, "chi-square": {}}
    for size in sizes:
        ref, cur, ref_r, cur_r = np.fromfile(f"{data_dir}/two-sample-{size}.f64", dtype=np.float64).reshape(4, size)
        ref_r, cur_r = ref_r.astype(np.int64), cur_r.astype(np.int64)
        ref_e = [{"latency_ms": float(x), "rating": int(r)} for x, r in zip(ref, ref_r)]
        cur_e = [{"latency_ms": float(x), "rating": int(r)} for x, r in zip(cur, cur_r)]

        def lat(events):
            return column(events, "latency_ms", np.float64)

        def ratings(events):
            return column(events, "rating", np.int64)

        tests = {
            "ks": (lambda: stats.ks_2samp(ref, cur), lambda: stats.ks_2samp(lat(ref_e), lat(cur_e))),
            "mann-whitney": (lambda: stats.mannwhitneyu(ref, cur), lambda: stats.mannwhitneyu(lat(ref_e), lat(cur_e))),
            "welch": (
                lambda: stats.ttest_ind(ref, cur, equal_var=False),
                lambda: stats.ttest_ind(lat(ref_e), lat(cur_e), equal_var=False),
            ),
            "chi-square": (
                lambda: stats.chi2_contingency(table(ref_r, cur_r)),
                lambda: stats.chi2_contingency(table(ratings(ref_e), ratings(cur_e))),
            ),
        }
        for name, starts in tests.items():
            for start, call in zip(("columns", "events"), starts):
                call()  # warm-up
                out[name][f"{size} {start}"] = {"ns": best_ns(call, calls_for(size), repeats), "p": float(call().pvalue)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
