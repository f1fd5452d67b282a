#!/usr/bin/env python3
"""Pathological inputs that used to take time growing with their square (issue 16, item 8).

Each case writes one generated input and times `velo` on it (best of --runs); each should
finish in about a second on a release build, and grow linearly with its size:

  * brackets:  a formula of 100,000 `(` never closed (lexer recovery and diagnostics),
  * repl:      the same as one REPL line,
  * columns:   a CSV whose header has 100,000 columns, every one a column of the source,
  * formulas:  one table of 200,000 formulas,
  * cr_lines:  a 100,000-line rule file with CR-only line ends.

Also the moved timing checks of the unit tests (the parser's "< 10 s" cases): 10,000 nested
parentheses and a one-megabyte line of additions.

    python3 Benchmarks/pathological.py [--velo .build-release/release/velo] [--runs 3] [--scale 1.0]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def cases(scale):
    n = lambda k: max(1, int(k * scale))
    b, c, f, l = n(100_000), n(100_000), n(200_000), n(100_000)
    yield ("brackets", f"{b:,} unclosed (", ["check", "plan.velo"],
           {"plan.velo": "table t:\n  x = " + "(" * b + "\n"}, None)
    yield ("repl", f"{b:,} ( as one REPL line", ["repl", "plan.velo"],
           {"plan.velo": "table t:\n  x = 1\n"}, "(" * b + "\n")
    yield ("columns", f"{c:,} header columns", ["check", "plan.velo"],
           {"plan.velo": 'table wide = csv("wide.csv")\n\ntable t:\n  x = sum(wide.c0)\n',
            "wide.csv": ",".join(f"c{i}" for i in range(c)) + "\n" + ",".join("1" for _ in range(c)) + "\n"}, None)
    yield ("formulas", f"{f:,} formulas in one table", ["check", "plan.velo"],
           {"plan.velo": "table t:\n" + "".join(f"  f{i} = {i}\n" for i in range(f))}, None)
    yield ("cr_lines", f"{l:,} CR-only lines", ["check", "plan.velo"],
           {"plan.velo": "table t:\r" + "".join(f"  f{i} = {i}\r" for i in range(l))}, None)
    yield ("nested", "10,000 nested ( )", ["check", "plan.velo"],
           {"plan.velo": "param p = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"}, None)
    yield ("long_line", "1 MB line of +1", ["check", "plan.velo"],
           {"plan.velo": "param p = 1" + "+1" * 500_000 + "\n"}, None)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--velo", default=os.path.join(root, ".build-release", "release", "velo"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every size (0.5: half)")
    args = ap.parse_args(argv)
    args.velo = os.path.abspath(args.velo)
    if not os.access(args.velo, os.X_OK):
        sys.exit(f"no velo at {args.velo}: swift build -c release --scratch-path .build-release")
    print(f"{'case':<10} {'input':<28} {'seconds':>8}  exit", flush=True)
    worst = 0.0
    for name, what, cmd, files, stdin in cases(args.scale):
        with tempfile.TemporaryDirectory(prefix="velo-patho-") as d:
            for fn, text in files.items():
                with open(os.path.join(d, fn), "w", newline="") as fh:
                    fh.write(text)
            best, status = None, None
            for _ in range(args.runs):
                start = time.perf_counter()
                p = subprocess.run([args.velo] + cmd, cwd=d, input=stdin, text=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
                took = time.perf_counter() - start
                best = took if best is None else min(best, took)
                status = p.returncode
            worst = max(worst, best)
            print(f"{name:<10} {what:<28} {best:>8.2f}  {status}", flush=True)
    print(f"slowest: {worst:.2f} s")


if __name__ == "__main__":
    main()
