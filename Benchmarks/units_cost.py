#!/usr/bin/env python3
"""What units of measure and decision tables cost at run time (issue 13: "nothing measurable").

Runs the replenishment example as written (units declared on its sources, the review cadence
a `decide unique` table) against the same plan without them (no unit declarations, the
cadence an `if … then … else`), with one release binary, on the same data, interleaved:

    python3 Benchmarks/units_cost.py --data /tmp/velo-bench/M [--runs 30]
        [--velo .build-release/release/velo]

--data is a folder holding sales.csv, items.csv and inventory.csv (Benchmarks/generate.py
writes one; M is `--skus 10000 --channels 4 --days 180`). Both plans must write the same
files, byte for byte (exit 1 if not). Prints wall-clock and CPU (user+sys) medians and the
ratio with units / without; the machine may be shared, so read the ratios, not the seconds.
"""
import argparse
import filecmp
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(ROOT, "Examples", "replenishment", "plan.velo")


def without_units(text):
    """The example's plan with its unit declarations and decision table written out."""
    # A source block that only declares units (`name: unit` lines) becomes a bare source.
    text = re.sub(r'^(table \w+ = csv\("[^"]+"\)(?: by \w+)?):[^\n]*\n(?:  \w+: [^\n]+\n)+',
                  r"\1\n", text, flags=re.M)
    decision = re.compile(r"^  (?:#[^\n]*\n  )?decide unique:\n(?:    [^\n]+\n)+", re.M)
    if not decision.search(text):
        sys.exit("units_cost.py: the example has no `decide unique` block any more: update me")
    text = decision.sub('  cadence = if cover_days < 60 then "weekly" else "monthly"\n', text)
    if re.search(r"^\s+\w+: (units|days|USD)", text, re.M):
        sys.exit("units_cost.py: a unit is left in the plain plan: update the rewriting")
    return text


def run(velo, plan, out):
    proc = subprocess.Popen([velo, "run", plan, "--output", out], stdout=subprocess.DEVNULL)
    start = os.times().elapsed
    _, status, usage = os.wait4(proc.pid, 0)
    wall = os.times().elapsed - start
    if status != 0:
        sys.exit(f"units_cost.py: velo run {plan} failed (status {status})")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--velo", default=os.path.join(ROOT, ".build-release", "release", "velo"))
    args = ap.parse_args(argv)
    velo, data = os.path.abspath(args.velo), os.path.abspath(args.data)
    if not os.access(velo, os.X_OK):
        sys.exit(f"no velo at {velo}: swift build -c release --scratch-path .build-release")
    with open(PLAN) as fh:
        text = fh.read()
    with tempfile.TemporaryDirectory(prefix="velo-units-cost-") as tmp:
        plans = {}
        for name, body in (("units", text), ("plain", without_units(text))):
            os.makedirs(os.path.join(tmp, name))
            os.symlink(data, os.path.join(tmp, name, "data"))
            plans[name] = os.path.join(tmp, name, "plan.velo")
            with open(plans[name], "w") as fh:
                fh.write(body)
        outs = {name: os.path.join(tmp, "out-" + name) for name in plans}
        wall = {name: [] for name in plans}
        cpu = {name: [] for name in plans}
        for i in range(args.runs):
            for name in (("units", "plain") if i % 2 == 0 else ("plain", "units")):
                w, c = run(velo, plans[name], outs[name])
                wall[name].append(w)
                cpu[name].append(c)
        files = sorted(os.listdir(outs["units"]))
        same = files == sorted(os.listdir(outs["plain"])) and all(
            filecmp.cmp(os.path.join(outs["units"], f), os.path.join(outs["plain"], f), shallow=False) for f in files)
        print(f"{'':<24}{'with units':>12}{'without':>12}{'ratio':>8}")
        for label, series in (("wall median (s)", wall), ("cpu median (s)", cpu)):
            a, b = statistics.median(series["units"]), statistics.median(series["plain"])
            print(f"{label:<24}{a:>12.3f}{b:>12.3f}{a / b:>8.3f}")
        print(f"{args.runs} runs each, interleaved; outputs {'identical' if same else 'DIFFER'}: {', '.join(files)}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
