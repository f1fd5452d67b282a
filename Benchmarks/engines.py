#!/usr/bin/env python3
"""Times the replenishment plan natively and on each SQL engine (`velo run --engine`), after
checking that every engine agrees with the DuckDB reference plan (Benchmarks/reference_duckdb.py).

  python3 Benchmarks/engines.py --size S --seeds 1 2 3 --engines duckdb postgres spark
  python3 Benchmarks/engines.py --size M --engines duckdb postgres --runs 3
  python3 Benchmarks/engines.py --size L --engines duckdb spark --runs 1 --velo .build-bench/release/velo
  python3 Benchmarks/engines.py --size L --engines duckdb --no-native --data-dir /tmp/scratch

Data is generated (or reused) under $VELO_BENCH_DATA (default /tmp/velo-bench) as bench.py does.
PostgreSQL: a throwaway server is started in a temporary directory (Debian's binaries) unless
--database gives a connection string. Prints one line per engine: seconds (median) and the
ratio to the DuckDB reference script. Exit 1 if an engine disagrees.
"""
import argparse, glob, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench  # noqa: E402  (data generation and comparison of the benchmark)

PLAN = os.path.join(REPO, "Examples", "replenishment", "plan.velo")


def start_postgres():
    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    d = tempfile.mkdtemp(prefix="velo-pg-bench-")
    wrap = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if wrap:
        shutil.chown(d, "postgres")
    subprocess.run(wrap + [bindir + "/initdb", "-D", d + "/data", "-A", "trust", "-U", "velo", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run(wrap + [bindir + "/pg_ctl", "-D", d + "/data", "-l", d + "/log", "-w", "-t", "60", "-o",
                           "-k %s -p 55433 -c listen_addresses= -c fsync=off -c shared_buffers=1GB -c work_mem=256MB" % d,
                           "start"], check=True, capture_output=True)

    def stop():
        subprocess.run(wrap + [bindir + "/pg_ctl", "-D", d + "/data", "-m", "immediate", "-w", "-t", "30", "stop"],
                       capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
    return "host=%s port=55433 user=velo dbname=postgres" % d, stop


def velo_cmd(velo, data, out, engine, database):
    cmd = [velo, "run", PLAN, "--source", "sales=" + os.path.join(data, "sales.csv"),
           "--source", "items=" + os.path.join(data, "items.csv"),
           "--source", "inventory=" + os.path.join(data, "inventory.csv"),
           "--table", "series", "--table", "plan", "--format", "csv", "--output", out]
    if engine != "native":
        cmd += ["--engine", engine]
    if engine == "postgres" and database:
        cmd += ["--database", database]
    return cmd


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="S", choices=["S", "M", "L"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[42])
    ap.add_argument("--engines", nargs="+", default=["duckdb", "postgres", "spark"])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--velo", default=os.path.join(REPO, ".build", "debug", "velo"))
    ap.add_argument("--database", help="PostgreSQL connection string (default: a throwaway server)")
    ap.add_argument("--data-dir", default=os.environ.get("VELO_BENCH_DATA", "/tmp/velo-bench"))
    ap.add_argument("--no-native", action="store_true", help="time the SQL engines only (not velo's own engine)")
    args = ap.parse_args()
    database, stop = args.database, None
    if "postgres" in args.engines and not database:
        database, stop = start_postgres()
    failed = False
    try:
        for seed in args.seeds:
            data, _ = bench.ensure_data(args.data_dir, args.size, seed)
            outs = tempfile.mkdtemp(prefix="velo-engines-")
            ref = os.path.join(outs, "reference")
            ref_cmd = [sys.executable, os.path.join(HERE, "reference_duckdb.py"), "--data", data, "--out", ref]
            times = {"reference": [timed(ref_cmd) for _ in range(args.runs)]}
            for engine in ([] if args.no_native else ["native"]) + args.engines:
                out = os.path.join(outs, engine)
                times[engine] = [timed(velo_cmd(args.velo, data, out, engine, database)) for _ in range(args.runs)]
                ok, detail = bench.compare(out, ref)
                if not ok:
                    failed = True
                    print("%s seed %d: %s differs from the DuckDB reference:\n%s" % (args.size, seed, engine, detail))
            base = statistics.median(times["reference"])
            for engine, ts in times.items():
                m = statistics.median(ts)
                print("%s seed %-3d %-10s %8.2f s  %5.2fx the DuckDB reference" % (args.size, seed, engine, m, m / base))
            shutil.rmtree(outs, ignore_errors=True)
    finally:
        if stop:
            stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
