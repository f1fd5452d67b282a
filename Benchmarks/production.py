#!/usr/bin/env python3
"""The production example (Examples/production) against the reference weekly projection.

For each size (S, M): generated data (bench.py's generator, seed 42), open orders from
gen_orders.py for three seeds, the reference plan (reference_python.py, stdlib) at service
levels 0.90, 0.95 and 0.99, and reference_projection.py (copies of shared/bench's
gen_orders.py, ref_python.py and ref_projection.py). Checks that velo's projection, stockouts
and capacity equal the reference (compare.py's rule) for seeds x horizons 8, 12, 16 (service
levels cycling; `--all` for every service level too), with a weekly capacity at the median of
the week's releases, so some weeks are over and some under. Then times, release build, in
alternating runs: the production example end to end against the replenishment example alone,
and a one-order edit (`velo bench --cell-after`) against the full run's evaluation.

    python3 Benchmarks/production.py [S] [M] [--runs 5] [--all] [--check-only]
"""
import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import json

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

PRODUCTION = os.path.join(bench.REPO, "Examples", "production", "production.velo")
REPLENISHMENT = os.path.join(bench.REPO, "Examples", "replenishment", "plan.velo")


def run(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        bench.fail("%s failed:\n%s%s" % (" ".join(cmd[:3]), out.stdout[-2000:], out.stderr[-2000:]))
    return out


def median_release(path):
    r = [float(x["released"]) for x in csv.DictReader(open(path)) if float(x["released"]) > 0]
    return int(statistics.median(r)) if r else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", default=["S", "M"], choices=["S", "M", "L"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--all", action="store_true", help="every service level for every seed and horizon")
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--timing-only", action="store_true", help="skip the comparison with the reference")
    ap.add_argument("--data-dir", default=os.environ.get("VELO_BENCH_DATA", "/tmp/velo-bench"))
    ap.add_argument("--velo", help="use this velo binary instead of building one")
    args = ap.parse_args(argv)
    velo = args.velo or bench.build_velo(os.path.join(bench.REPO, ".build-bench"))
    py = sys.executable
    levels = [0.9, 0.95, 0.99]
    failed = 0
    for size in args.sizes:
        base, _ = bench.ensure_data(args.data_dir, size, 42)
        work = tempfile.mkdtemp(prefix="velo-production-%s-" % size)
        try:
            for sl in ([] if args.timing_only else levels):
                run([py, os.path.join(HERE, "reference_python.py"), "--data", base, "--out", os.path.join(work, "plan_%s" % sl),
                     "--service-level", str(sl)])
            i = 0
            for seed in args.seeds:
                d = os.path.join(work, "seed%d" % seed)
                os.makedirs(d)
                for name in ("items.csv", "inventory.csv"):
                    shutil.copyfile(os.path.join(base, name), os.path.join(d, name))
                os.symlink(os.path.join(base, "sales.csv"), os.path.join(d, "sales.csv"))
                run([py, os.path.join(HERE, "gen_orders.py"), "--data", d, "--seed", str(seed)])
                for h in (() if args.timing_only else (8, 12, 16)):
                    for sl in (levels if args.all else [levels[i % 3]]):
                        plan = os.path.join(work, "plan_%s" % sl)
                        probe = os.path.join(work, "probe")
                        run([py, os.path.join(HERE, "reference_projection.py"), "--data", d, "--plan", plan, "--out", probe,
                             "--horizon", str(h), "--capacity", "1e15"])
                        cap = median_release(os.path.join(probe, "capacity.csv"))
                        ref = os.path.join(work, "ref_%d_%d_%s" % (seed, h, sl))
                        run([py, os.path.join(HERE, "reference_projection.py"), "--data", d, "--plan", plan, "--out", ref,
                             "--horizon", str(h), "--capacity", str(cap)])
                        out = os.path.join(work, "velo_%d_%d_%s" % (seed, h, sl))
                        run([velo, "run", PRODUCTION, "--format", "csv", "--output", out,
                             "--table", "projection", "--table", "stockouts", "--table", "capacity",
                             "--source", "sales=" + os.path.join(base, "sales.csv"),
                             "--source", "items=" + os.path.join(d, "items.csv"),
                             "--source", "inventory=" + os.path.join(d, "inventory.csv"),
                             "--source", "purchase_orders=" + os.path.join(d, "purchase_orders.csv"),
                             "--set", "horizon_weeks=%d" % h, "--set", "service_level=%s" % sl,
                             "--set", "weekly_capacity=%d" % cap])
                        cmp = subprocess.run([py, os.path.join(HERE, "compare.py"), ref, out, "--files",
                                              "projection.csv", "stockouts.csv", "capacity.csv"], capture_output=True, text=True)
                        over = sum(1 for x in csv.DictReader(open(os.path.join(ref, "capacity.csv"))) if x["over_capacity"] == "true")
                        status = "AGREE" if cmp.returncode == 0 else "DISAGREE"
                        print("%s seed %d, %2d weeks, service level %.2f, capacity %d (%d of %d weeks over): %s"
                              % (size, seed, h, sl, cap, over, h, status))
                        if cmp.returncode != 0:
                            failed += 1
                            print(cmp.stdout)
                    i += 1
            if args.check_only:
                continue
            # Timing: the production example end to end vs the replenishment example alone.
            d = os.path.join(work, "seed%d" % args.seeds[0])
            sources = ["--source", "sales=" + os.path.join(base, "sales.csv"), "--source", "items=" + os.path.join(d, "items.csv"),
                       "--source", "inventory=" + os.path.join(d, "inventory.csv")]
            prod, repl, edit, evaluate = [], [], [], []
            po = next(csv.DictReader(open(os.path.join(d, "purchase_orders.csv"))))["po"]
            for r in range(args.runs + 1):
                t = time.perf_counter()
                run([velo, "run", REPLENISHMENT, "--format", "csv", "--output", os.path.join(work, "t_repl")] + sources)
                t_repl = time.perf_counter() - t
                t = time.perf_counter()
                run([velo, "run", PRODUCTION, "--format", "csv", "--output", os.path.join(work, "t_prod")] + sources
                    + ["--source", "purchase_orders=" + os.path.join(d, "purchase_orders.csv")])
                t_prod = time.perf_counter() - t
                b = json.loads(run([velo, "bench", PRODUCTION] + sources
                                   + ["--source", "purchase_orders=" + os.path.join(d, "purchase_orders.csv"),
                                      "--cell-after", "purchase_orders.qty[%s]=1" % po]).stdout.strip().splitlines()[-1])
                if r > 0:   # the first run warms the page cache
                    repl.append(t_repl); prod.append(t_prod); edit.append(b["cell_s"]); evaluate.append(b["full_evaluate_s"])
            m = statistics.median
            ratios = [p / q for p, q in zip(prod, repl)]
            edits = [e / v for e, v in zip(edit, evaluate)]
            print("%s timing (median of %d runs, release build):" % (size, args.runs))
            print("  replenishment alone, end to end   %8.1f ms" % (1000 * m(repl)))
            print("  production example, end to end    %8.1f ms   %.2fx the replenishment run (per-run ratios %s)"
                  % (1000 * m(prod), m(ratios), ", ".join("%.2f" % x for x in ratios)))
            print("  one open-order edit               %8.2f ms   %.2f%% of the full run's evaluation (%.1f ms)"
                  % (1000 * m(edit), 100 * m(edits), 1000 * m(evaluate)))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("all cases agree" if failed == 0 else "%d case(s) disagree" % failed)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
