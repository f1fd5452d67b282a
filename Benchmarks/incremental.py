#!/usr/bin/env python3
"""Incremental recomputation benchmark: what an edit costs against a full run.

For one data size (default M) this times, in one process per run (`velo bench`):
  * a full run from scratch (parse, check, load, evaluate),
  * a param edit read only by `plan` (service_level 95% -> 98%): time and cells per table,
  * appending one new day of sales for every series (the as-of date moves),
and, for comparison, the DuckDB reference re-running on the grown data and Polars' warm
recompute: the data already in memory in a long-running Polars process, the new day
concatenated and the whole plan recomputed and written (the floor a dataframe user has).
Ratios are computed within each run, since absolute times drift on a shared machine.

    python3 Benchmarks/incremental.py [--size M] [--runs 5] [--json PATH]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (data generation and the release build are shared)


class PolarsWarm:
    """The replenishment plan in a long-running Polars process: loaded once, then each
    `append_day()` concatenates the next day's sales and recomputes and writes the plan."""

    def __init__(self, base, next_day, out):
        import polars as pl
        import reference_polars as rp
        self.pl, self.rp, self.out = pl, rp, out
        self.frames = {name: pl.read_csv(os.path.join(base, name + ".csv"), schema=schema)
                       for name, schema in rp.SCHEMAS.items()}
        self.next_day = pl.read_csv(next_day, schema=rp.SCHEMAS["sales"])
        os.makedirs(out, exist_ok=True)

    def append_day(self):
        from statistics import NormalDist
        t = time.perf_counter()
        sales = self.pl.concat([self.frames["sales"], self.next_day])
        series = self.rp.series_table(sales)
        plan = self.rp.plan_table(series, self.frames["items"], self.frames["inventory"], NormalDist().inv_cdf(0.95))
        series_out = series.select("sku", "channel", "velocity", "sigma", "prior_velocity", "velocity_change",
                                   "exception").sort("sku", "channel")
        series_df, plan_df = self.pl.collect_all([series_out, plan])
        series_df.write_csv(os.path.join(self.out, "series.csv"))
        plan_df.write_csv(os.path.join(self.out, "plan.csv"))
        return time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="M", choices=[s for s, spec in bench.SIZES.items() if spec])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", default=os.environ.get("VELO_BENCH_DATA", "/tmp/velo-bench"))
    ap.add_argument("--velo", help="use this velo binary instead of building one")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)

    base, grown = bench.ensure_data(args.data_dir, args.size, args.seed)
    velo = args.velo or bench.build_velo(os.path.join(bench.REPO, ".build-bench"))
    work = tempfile.mkdtemp(prefix="velo-incremental-")
    runs = []
    polars = PolarsWarm(base, os.path.join(base, "sales_next_day.csv"), os.path.join(work, "polars"))
    try:
        for i in range(args.runs + 1):
            # A fresh copy each run: the append edit writes to the sales file.
            for name in ("sales.csv", "items.csv", "inventory.csv"):
                shutil.copyfile(os.path.join(base, name), os.path.join(work, name))
            cmd = [velo, "bench", bench.PLAN, "--source", "sales=" + os.path.join(work, "sales.csv"),
                   "--source", "items=" + os.path.join(work, "items.csv"),
                   "--source", "inventory=" + os.path.join(work, "inventory.csv"),
                   "--set-after", "service_level=98%",
                   "--append", "sales=" + os.path.join(base, "sales_next_day.csv")]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                bench.fail("velo bench failed: " + out.stderr)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            t0 = time.perf_counter()
            subprocess.run([sys.executable, os.path.join(HERE, "reference_duckdb.py"), "--data", grown,
                            "--out", os.path.join(work, "duckdb")], check=True, capture_output=True)
            result["duckdb_rerun_s"] = time.perf_counter() - t0
            result["polars_warm_append_s"] = polars.append_day()
            if i > 0:  # the first run warms the page cache
                runs.append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(key):
        return statistics.median(r[key] for r in runs)

    full, evaluate = med("full_s"), med("full_evaluate_s")
    param, append, duck = med("param_s"), med("append_s"), med("duckdb_rerun_s")
    warm = med("polars_warm_append_s")
    ratios = sorted(r["append_s"] / r["polars_warm_append_s"] for r in runs)
    rows = [
        ("full run (parse + load + evaluate)", full, ""),
        ("  of which evaluate", evaluate, ""),
        ("param read only by plan", param, "%.1f%% of the full run, %.1f%% of its evaluation; series cells: %d"
         % (100 * param / full, 100 * param / evaluate, max(r["param_cells_series"] for r in runs))),
        ("append one day (as-of moves)", append, "%.1f%% of the full run; %.1fx faster than DuckDB re-running"
         % (100 * append / full, duck / append)),
        ("DuckDB re-run on the grown data", duck, ""),
        ("Polars warm: concat the day, recompute", warm, "velo's append / Polars' per run: %s"
         % ", ".join("%.3fx" % x for x in ratios)),
    ]
    print("incremental, %s (median of %d runs)" % (args.size, len(runs)))
    for name, seconds, note in rows:
        print("  %-36s %8.1f ms  %s" % (name, seconds * 1000, note))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"size": args.size, "runs": runs}, fh, indent=1)
    ok = param < 0.05 * full and append < 0.25 * full and duck >= 10 * append
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
