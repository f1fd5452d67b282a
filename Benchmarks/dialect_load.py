#!/usr/bin/env python3
"""How much slower a CSV dialect loads than the clean CSV (issue 11: "a `;`-separated M
export with a date format loads within 1.3x of the clean CSV").

Generates the M sales (Benchmarks/generate.py; 10,000 SKUs x 4 channels x 180 days, about
5.9 M rows) into --data (default /tmp/velo-dialect-bench, never the repository) unless
sales.csv is there, rewrites them as an ERP would export them — `;`-separated, dates
dd.mm.yyyy, a decimal comma, CRLF line ends — and times `velo run` of a small rule file
over each (a sum by channel: the load is nearly all of it), the two interleaved. Prints the
medians of the wall time and of the `load` phase (`--stats`) and their ratios.

With --baseline VELO, also times the replenishment example on the same M data with both
binaries, interleaved (issue 11: "the replenishment example on M within 5% of before").

    swift build -c release --product velo
    python3 Benchmarks/dialect_load.py --velo .build/release/velo [--runs 7] [--baseline /tmp/velo-before]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PLAN = os.path.join(REPO, "Examples", "replenishment", "plan.velo")

RULES = {
    "clean": 'table sales = csv("sales.csv")\n',
    "dialect": 'table sales = csv("sales_erp.csv", delimiter: ";", decimal: ",", dates: "dd.mm.yyyy")\n',
}
TOTAL = "\ntable by_channel by channel from sales:\n  units = sum(sales.units)\n"


def erp_export(src, dst):
    """sales.csv (date,sku,channel,units) as `;`, dd.mm.yyyy, decimal comma, CRLF."""
    with open(src, newline="") as f, open(dst, "w", newline="") as g:
        g.write(";".join(f.readline().rstrip("\n").split(",")) + "\r\n")
        for line in f:
            d, sku, channel, units = line.rstrip("\n").split(",")
            g.write(f"{d[8:10]}.{d[5:7]}.{d[0:4]};{sku};{channel};{units.replace('.', ',')}\r\n")


def prepare(data):
    os.makedirs(data, exist_ok=True)
    if not os.path.exists(os.path.join(data, "sales.csv")):
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--skus", "10000", "--channels", "4",
                        "--days", "180", "--seed", "42", "--out", data], check=True)
    erp = os.path.join(data, "sales_erp.csv")
    if not os.path.exists(erp) or os.path.getmtime(erp) < os.path.getmtime(os.path.join(data, "sales.csv")):
        erp_export(os.path.join(data, "sales.csv"), erp)
    for name, head in RULES.items():
        with open(os.path.join(data, name + ".velo"), "w") as f:
            f.write(head + TOTAL)


def timed(cmd, cwd):
    """Wall seconds, and the `load` phase of --stats in seconds (None if not printed)."""
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    m = re.search(r"^\s*load\s+([\d,.]+) ms", r.stderr, re.M)
    return wall, (float(m.group(1).replace(",", "")) / 1000 if m else None)


def interleaved(commands, runs, cwd, warmup=1):
    """Runs each command `warmup` + `runs` times, round-robin; the timings of each."""
    out = {name: [] for name in commands}
    for i in range(warmup + runs):
        for name, cmd in commands.items():
            t = timed(cmd, cwd)
            if i >= warmup:
                out[name].append(t)
    return out


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--velo", default=os.path.join(REPO, ".build", "release", "velo"))
    ap.add_argument("--baseline", help="a velo binary from before, for the replenishment comparison")
    ap.add_argument("--data", default=os.environ.get("VELO_DIALECT_BENCH_DATA", "/tmp/velo-dialect-bench"))
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    prepare(args.data)
    velo = os.path.abspath(args.velo)

    cmds = {name: [velo, "run", name + ".velo", "--stats", "--format", "csv"] for name in RULES}
    t = interleaved(cmds, args.runs, args.data)
    print(f"load of the M sales ({args.runs} runs each, interleaved; medians)")
    print(f"{'file':10} {'wall s':>8} {'load s':>8}")
    for name in RULES:
        print(f"{name:10} {median(w for w, _ in t[name]):8.3f} {median(l for _, l in t[name]):8.3f}")
    wall = median(w for w, _ in t["dialect"]) / median(w for w, _ in t["clean"])
    load = median(l for _, l in t["dialect"]) / median(l for _, l in t["clean"])
    print(f"dialect / clean: wall {wall:.2f}x, load {load:.2f}x (goal: within 1.3x)")

    if args.baseline:
        data = args.data
        def plan(binary):
            return [os.path.abspath(binary), "run", PLAN, "--format", "csv", "--stats",
                    "--source", "sales=" + os.path.join(data, "sales.csv"),
                    "--source", "items=" + os.path.join(data, "items.csv"),
                    "--source", "inventory=" + os.path.join(data, "inventory.csv")]
        t = interleaved({"before": plan(args.baseline), "now": plan(velo)}, args.runs, data)
        print(f"\nreplenishment example on M ({args.runs} runs each, interleaved; medians)")
        for name in ("before", "now"):
            print(f"{name:10} {median(w for w, _ in t[name]):8.3f} {median(l for _, l in t[name]):8.3f}")
        ratio = median(w for w, _ in t["now"]) / median(w for w, _ in t["before"])
        print(f"now / before: wall {ratio:.3f}x (goal: within 1.05x)")


if __name__ == "__main__":
    main()
