#!/usr/bin/env python3
"""Benchmark `velo run Examples/replenishment/plan.velo` against DuckDB and Polars.

    python3 Benchmarks/bench.py S M [--runs 5] [--warmup 1] [--seed 42] [--json results.json]

For each size:

 1. generates the data with Benchmarks/generate.py into a scratch folder outside the
    repository ($VELO_BENCH_DATA, default /tmp/velo-bench; reused while the generator and
    its arguments are unchanged), plus an "append" copy whose sales.csv has one more day;
 2. builds velo in release mode (swift build -c release --scratch-path .build-bench);
 3. runs velo, reference_duckdb.py and reference_polars.py once per scenario and checks
    with compare.py that all three agree; any disagreement stops the benchmark with
    exit status 1 (unless --keep-going, which still exits 1 at the end);
 4. times every tool end to end (process start to exit: read the CSVs, compute, write
    series.csv and plan.csv): --warmup untimed rounds, then --runs rounds, the tools
    interleaved within a round; wall-time median [min-max], CPU seconds and peak RSS
    (from wait4's rusage of each run);
 5. prints a table per size with the ratios velo/duckdb and velo/polars.

Scenarios: base (service level 0.95), whatif (0.98: `--set service_level=0.98` /
`--service-level 0.98`), append (sales.csv + sales_next_day.csv, recomputed from scratch).

The machine may be shared: "busy" is the average number of cores that other processes
kept busy during the timed runs (from /proc/stat); above ~0.2 the numbers are disturbed.
--wait-quiet S waits up to S seconds for an idle machine before each timed block.

Sizes: S = 1,000 SKUs x 3 channels x 120 days, M = 10,000 x 4 x 180, L = 50,000 x 4 x 365;
E = the hand-made corner cases of edge_cases.py (checked for agreement only, not timed).
Exit status: 0 all agreed (and timed), 1 a disagreement or a failed command, 2 bad usage.
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PLAN = os.path.join(REPO, "Examples", "replenishment", "plan.velo")
SIZES = {
    "S": dict(skus=1000, channels=3, days=120),
    "M": dict(skus=10000, channels=4, days=180),
    "L": dict(skus=50000, channels=4, days=365),
    "E": None,          # the hand-made corner cases of edge_cases.py: checked, never timed
}
TOOLS = ("velo", "duckdb", "polars")
SCENARIOS = {"base": 0.95, "whatif": 0.98, "append": 0.95}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def fail(msg):
    log("bench: " + msg)
    sys.exit(1)


# ---------------------------------------------------------------- data

def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def ensure_data(root, size, seed, force=False):
    """Generates (or reuses) ROOT/SIZE-seedN and ROOT/SIZE-seedN-append; returns both paths."""
    spec = SIZES[size]
    script = "generate.py" if spec else "edge_cases.py"
    base = os.path.join(root, "%s-seed%d" % (size, seed) if spec else size)
    append = base + "-append"
    stamp = {"generator_sha256": sha256(os.path.join(HERE, script)), "seed": seed, **(spec or {})}
    stamp_path = os.path.join(base, "bench-stamp.json")
    current = None
    if os.path.exists(stamp_path) and os.path.exists(os.path.join(append, "sales.csv")):
        with open(stamp_path) as fh:
            current = json.load(fh)
    if current != stamp or force:
        for d in (base, append):
            shutil.rmtree(d, ignore_errors=True)
        cmd = [sys.executable, os.path.join(HERE, script), "--out", base]
        if spec:
            cmd += ["--skus", str(spec["skus"]), "--channels", str(spec["channels"]), "--days", str(spec["days"]),
                    "--seed", str(seed)]
        log("generating %s: %s" % (size, " ".join(cmd)))
        if subprocess.run(cmd).returncode != 0:
            fail("data generation failed")
        os.makedirs(append)
        for name in ("items.csv", "inventory.csv"):
            shutil.copyfile(os.path.join(base, name), os.path.join(append, name))
        with open(os.path.join(append, "sales.csv"), "wb") as out:
            for name, skip_header in (("sales.csv", False), ("sales_next_day.csv", True)):
                with open(os.path.join(base, name), "rb") as fh:
                    if skip_header:
                        fh.readline()
                    shutil.copyfileobj(fh, out, 1 << 20)
        with open(stamp_path, "w") as fh:
            json.dump(stamp, fh)
    return base, append


def data_facts(folder):
    path = os.path.join(folder, "sales.csv")
    with open(path, "rb") as fh:
        rows = sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 24), b"")) - 1
    return {"sales_rows": rows, "sales_mb": round(os.path.getsize(path) / 1e6, 1)}


# ---------------------------------------------------------------- tools

def build_velo(scratch):
    cmd = ["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", "velo"]
    log("building: " + " ".join(cmd))
    if subprocess.run(cmd, cwd=REPO).returncode != 0:
        fail("swift build failed")
    bin_dir = subprocess.run(cmd[:-2] + ["--show-bin-path"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.strip()
    return os.path.join(bin_dir, "velo")


def command(tool, data, out, service_level, velo, extra=()):
    if tool == "velo":
        cmd = [velo, "run", PLAN]
        cmd += ["--source", "sales=" + os.path.join(data, "sales.csv"),
                "--source", "items=" + os.path.join(data, "items.csv"),
                "--source", "inventory=" + os.path.join(data, "inventory.csv"),
                "--table", "series", "--table", "plan", "--format", "csv", "--output", out]
        if service_level != 0.95:
            cmd += ["--set", "service_level=%r" % service_level]
    else:
        cmd = [sys.executable, os.path.join(HERE, "reference_%s.py" % tool), "--data", data, "--out", out]
        if service_level != 0.95:
            cmd += ["--service-level", repr(service_level)]
    return cmd + list(extra)


def run_once(cmd, capture=False):
    """Runs cmd; returns (wall s, cpu s, peak RSS MB, returncode, stderr text)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE if capture else subprocess.DEVNULL, text=capture)
    err = p.stderr.read() if capture else ""
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if capture:
        p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, code, err


def busy_cpu_seconds():
    try:
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
    except OSError:
        return None
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit, threshold=0.2, window=2.0):
    if limit <= 0:
        return
    end = time.time() + limit
    while time.time() < end:
        b0 = busy_cpu_seconds()
        time.sleep(window)
        b1 = busy_cpu_seconds()
        if b0 is None or (b1 - b0) / window < threshold:
            return
    log("  (machine still busy after waiting %.0f s)" % limit)


# ---------------------------------------------------------------- steps

def compare(a, b):
    p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), a, b], capture_output=True, text=True)
    return p.returncode == 0, p.stdout.strip()


def check_scenarios(size, seed, dirs, out_root, velo, tools, scenarios):
    """Runs each tool once per scenario and compares; returns a list of result dicts."""
    results = []
    for scen in scenarios:
        data = dirs[scen]
        outs = {}
        for tool in tools:
            out = os.path.join(out_root, "%s-seed%d" % (size, seed), scen, tool)
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            wall, _, _, code, err = run_once(command(tool, data, out, SCENARIOS[scen], velo), capture=True)
            if code != 0:
                fail("%s failed on %s seed %d %s (exit %d):\n%s" % (tool, size, seed, scen, code, err))
            outs[tool] = out
        pairs = [(x, y) for i, x in enumerate(tools) for y in tools[i + 1:]]
        for x, y in pairs:
            ok, text = compare(outs[x], outs[y])
            results.append({"size": size, "seed": seed, "scenario": scen, "a": x, "b": y, "agree": ok,
                            "report": text})
            log("  check %s seed %d %-6s %-6s vs %-6s %s" % (size, seed, scen, x, y, "AGREE" if ok else "DISAGREE"))
            if not ok:
                log("    " + text.replace("\n", "\n    "))
    return results


def phases(size, dirs, out_root, velo, tools, repeat=3):
    """Internal load/compute split of each tool on the base scenario (median of `repeat`)."""
    res = {}
    for tool in tools:
        out = os.path.join(out_root, "phases", tool)
        os.makedirs(out, exist_ok=True)
        extra = ["--stats"] if tool == "velo" else ["--timing"]
        samples = []
        for _ in range(repeat):
            _, _, _, code, err = run_once(command(tool, dirs["base"], out, 0.95, velo, extra), capture=True)
            if code != 0:
                fail("%s failed while measuring phases:\n%s" % (tool, err))
            if tool == "velo":
                samples.append({m.group(1): float(m.group(2).replace(",", "")) / 1000.0
                                for m in re.finditer(r"^\s+(\w+)\s+([-+\d.,eE]+) ms$", err, re.M)})
            else:
                line = [ln for ln in err.splitlines() if ln.startswith("{")]
                samples.append({k[:-2]: v for k, v in json.loads(line[-1]).items() if k.endswith("_s")})
        keys = [k for k in samples[0] if all(k in s for s in samples)]
        res[tool] = {k: round(statistics.median(s[k] for s in samples), 4) for k in keys}
    return res


def time_scenarios(size, dirs, out_root, velo, tools, scenarios, runs, warmup, quiet):
    rows = []
    for scen in scenarios:
        outs = {}
        cmds = {}
        for tool in tools:
            outs[tool] = os.path.join(out_root, "timing", scen, tool)
            os.makedirs(outs[tool], exist_ok=True)
            cmds[tool] = command(tool, dirs[scen], outs[tool], SCENARIOS[scen], velo)
        wait_quiet(quiet)
        for _ in range(warmup):
            for tool in tools:
                if run_once(cmds[tool])[3] != 0:
                    fail("%s failed during warmup (%s %s)" % (tool, size, scen))
        samples = {t: [] for t in tools}
        b0, w0 = busy_cpu_seconds(), time.perf_counter()
        own_cpu = 0.0
        for r in range(runs):
            order = tools[r % len(tools):] + tools[:r % len(tools)]     # rotate who goes first
            for tool in order:
                wall, cpu, rss, code, _ = run_once(cmds[tool])
                if code != 0:
                    fail("%s failed during timing (%s %s), exit %d" % (tool, size, scen, code))
                samples[tool].append((wall, cpu, rss))
                own_cpu += cpu
        b1, w1 = busy_cpu_seconds(), time.perf_counter()
        other = None if b0 is None else round(max(0.0, (b1 - b0) - own_cpu) / (w1 - w0), 2)
        for tool in tools:
            walls = [s[0] for s in samples[tool]]
            rows.append({
                "size": size, "scenario": scen, "tool": tool, "runs": runs, "warmup": warmup,
                "median_s": round(statistics.median(walls), 4), "min_s": round(min(walls), 4),
                "max_s": round(max(walls), 4), "times_s": [round(w, 4) for w in walls],
                "cpu_s": round(statistics.median(s[1] for s in samples[tool]), 4),
                "peak_rss_mb": round(max(s[2] for s in samples[tool]), 1),
                "other_busy_cores": other, "command": cmds[tool],
            })
        log("  timed %s %-6s %s  (other busy cores %s)" % (size, scen, "  ".join(
            "%s %.3f s" % (t, statistics.median(s[0] for s in samples[t])) for t in tools), other))
    return rows


def ratio(a, b):
    return "%.2fx" % (a / b) if a and b else "-"


def print_table(size, facts, rows, tools, phase):
    by = {(r["scenario"], r["tool"]): r for r in rows if r["size"] == size}
    scens = [s for s in SCENARIOS if (s, tools[0]) in by]
    print()
    print("## %s: %s SKUs x %s channels x %s days, %s sales rows, %s MB" % (
        size, format(SIZES[size]["skus"], ","), SIZES[size]["channels"], SIZES[size]["days"],
        format(facts["sales_rows"], ","), facts["sales_mb"]))
    print()
    head = ["scenario"] + ["%s s" % t for t in tools]
    refs = [t for t in ("duckdb", "polars") if t in tools and "velo" in tools]
    head += ["velo/%s" % t for t in refs]
    head += ["%s MB" % t for t in tools] + ["velo/%s mem" % t for t in refs] + ["busy"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in scens:
        cells = [s]
        for t in tools:
            r = by[(s, t)]
            cells.append("%.3f [%.3f-%.3f]" % (r["median_s"], r["min_s"], r["max_s"]))
        cells += [ratio(by[(s, "velo")]["median_s"], by[(s, t)]["median_s"]) for t in refs]
        cells += ["%.0f" % by[(s, t)]["peak_rss_mb"] for t in tools]
        cells += [ratio(by[(s, "velo")]["peak_rss_mb"], by[(s, t)]["peak_rss_mb"]) for t in refs]
        cells.append(str(by[(s, tools[0])]["other_busy_cores"]))
        print("| " + " | ".join(cells) + " |")
    cpu = ", ".join("%s %.2f" % (t, by[(scens[0], t)]["cpu_s"]) for t in tools) if scens else ""
    print()
    print("CPU seconds per run (%s): %s" % (scens[0] if scens else "-", cpu))
    if phase:
        print("Phases, base, median of 3 (s): " + "; ".join(
            "%s %s" % (t, " / ".join("%s %.3f" % kv for kv in p.items())) for t, p in phase.items()))
    sys.stdout.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description="benchmark velo against DuckDB and Polars",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("sizes", nargs="+", choices=sorted(SIZES))
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool and scenario (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--seed", type=int, nargs="+", default=[42],
                    help="data seeds; all are checked, the first is timed (default 42)")
    ap.add_argument("--data-dir", default=os.environ.get("VELO_BENCH_DATA", "/tmp/velo-bench"),
                    help="scratch folder for data and outputs (default $VELO_BENCH_DATA or /tmp/velo-bench)")
    ap.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=list(TOOLS))
    ap.add_argument("--velo", help="use this velo binary instead of building one")
    ap.add_argument("--scratch-path", default=os.path.join(REPO, ".build-bench"),
                    help="swift build scratch path (default .build-bench)")
    ap.add_argument("--check-only", action="store_true", help="check agreement, do not time")
    ap.add_argument("--no-phases", action="store_true", help="skip the load/compute split runs")
    ap.add_argument("--keep-going", action="store_true", help="time even after a disagreement (still exit 1)")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the data even if present")
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                    help="wait up to S seconds for an idle machine before each timed block")
    ap.add_argument("--json", metavar="PATH", help="write all results to PATH")
    a = ap.parse_args(argv)
    if a.runs < 1 or a.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")
    data_root = os.path.abspath(a.data_dir)
    if data_root == REPO or data_root.startswith(REPO + os.sep):
        ap.error("--data-dir must be outside the repository")
    tools = [t for t in TOOLS if t in a.tools]
    missing = [m for m, t in (("duckdb", "duckdb"), ("polars", "polars")) if t in tools
               and subprocess.run([sys.executable, "-c", "import " + m], capture_output=True).returncode]
    if missing:
        fail("missing Python packages: %s (pip install duckdb polars numpy)" % " ".join(missing))

    velo = None
    if "velo" in tools:
        velo = os.path.abspath(a.velo) if a.velo else build_velo(a.scratch_path)
        if not os.access(velo, os.X_OK):
            fail("no velo binary at " + velo)

    report = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "git": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip(),
        "runs": a.runs, "warmup": a.warmup, "seeds": a.seed, "data_dir": data_root,
        "checks": [], "timings": [], "phases": {}, "data": {},
    }
    for mod in ("numpy", "duckdb", "polars"):
        p = subprocess.run([sys.executable, "-c", "import %s; print(%s.__version__)" % (mod, mod)],
                           capture_output=True, text=True)
        report["machine"][mod] = p.stdout.strip() or None

    all_agree = True
    for size in a.sizes:
        dirs_by_seed = {}
        seeds = a.seed if SIZES[size] else a.seed[:1]       # E does not depend on a seed
        for seed in seeds:
            base, append = ensure_data(data_root, size, seed, force=a.regenerate)
            dirs_by_seed[seed] = {"base": base, "whatif": base, "append": append}
        out_root = os.path.join(data_root, "out")
        for seed in seeds:
            checks = check_scenarios(size, seed, dirs_by_seed[seed], out_root, velo, tools, a.scenarios)
            report["checks"] += checks
            all_agree = all_agree and all(c["agree"] for c in checks)
        if not all_agree and not a.keep_going:
            break
        dirs = dirs_by_seed[a.seed[0]]
        facts = data_facts(dirs["base"])
        report["data"][size] = facts
        if a.check_only or not SIZES[size]:
            continue
        phase = {} if a.no_phases else phases(size, dirs, os.path.join(out_root, "%s-seed%d" % (size, a.seed[0])),
                                              velo, tools)
        report["phases"][size] = phase
        report["timings"] += time_scenarios(size, dirs, os.path.join(out_root, "%s-seed%d" % (size, a.seed[0])),
                                            velo, tools, a.scenarios, a.runs, a.warmup, a.wait_quiet)
        print_table(size, facts, report["timings"], tools, phase)

    report["all_agree"] = all_agree
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
            fh.write("\n")
        log("results written to " + a.json)
    n = len(report["checks"])
    bad = [c for c in report["checks"] if not c["agree"]]
    print()
    print("agreement: %d comparisons, %s" % (n, "all AGREE" if not bad else "%d DISAGREE: %s" % (
        len(bad), ", ".join("%s seed %d %s %s/%s" % (c["size"], c["seed"], c["scenario"], c["a"], c["b"])
                            for c in bad))))
    return 0 if all_agree else 1


if __name__ == "__main__":
    sys.exit(main())
