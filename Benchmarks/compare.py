#!/usr/bin/env python3
"""Check that two plan outputs agree.

    python3 Benchmarks/compare.py A B [--files plan.csv series.csv] [--rtol 1e-9] [--atol 1e-9]

A and B are folders holding the CSV files (or two CSV files). Per file:

  * the headers are identical;
  * the rows have the same keys in the same order (plan.csv: sku; series.csv: sku, channel;
    any other file: its first column) and the files have the same number of rows;
  * numbers agree within max(rtol * max(|a|, |b|), atol)  (so "0" and "0.0" are equal);
  * empty cells (missing values) are in the same places;
  * any other cell (text, true/false) is identical.

Prints one line per file and AGREE or DISAGREE; exit status 0 when everything agrees,
1 when something differs, 2 when a file is missing or unreadable. Standard library only.
"""
import argparse
import csv
import math
import os
import sys

KEYS = {"plan.csv": ["sku"], "series.csv": ["sku", "channel"]}


def number(text):
    """The float value of a numeric cell, or None for text (true/false/weekly/...)."""
    if not text or text[0] not in "0123456789+-.":
        return None          # also keeps 'nan'/'inf' words out; they are compared as text
    try:
        return float(text)
    except ValueError:
        return None


def cell_difference(a, b, rtol, atol):
    """None when the cells agree, else (reason, relative difference or None)."""
    if a == b:
        return None
    if a == "" or b == "":
        return ("missing in one", None)
    x, y = number(a), number(b)
    if x is None or y is None:
        return ("text differs", None)
    if math.isnan(x) or math.isnan(y):
        return None if math.isnan(x) and math.isnan(y) else ("nan", None)
    scale = max(abs(x), abs(y))
    d = abs(x - y)
    if d <= max(rtol * scale, atol):
        return None
    return ("differs by %.3g" % d, d / scale if scale else None)


def compare_file(path_a, path_b, name, rtol, atol, show=8):
    """Returns (ok, summary line, detail lines)."""
    details = []
    with open(path_a, newline="") as fa, open(path_b, newline="") as fb:
        ra, rb = csv.reader(fa), csv.reader(fb)
        head_a, head_b = next(ra, None), next(rb, None)
        if head_a != head_b:
            return False, "header differs", ["A: %s" % head_a, "B: %s" % head_b]
        header = head_a or []
        keys = [header.index(k) for k in KEYS.get(name, header[:1]) if k in header]
        rows = bad_cells = 0
        max_rel, max_rel_col = 0.0, ""
        bad_by_col = {}
        ok = True
        line = 1
        while True:
            x, y = next(ra, None), next(rb, None)
            line += 1
            if x is None or y is None:
                if x is not None or y is not None:
                    ok = False
                    extra_a = (x is not None) + sum(1 for _ in ra)
                    extra_b = (y is not None) + sum(1 for _ in rb)
                    details.append("row counts differ: A has %d more rows, B has %d more" % (extra_a, extra_b))
                break
            rows += 1
            if len(x) != len(header) or len(y) != len(header):
                ok = False
                details.append("line %d: %d / %d cells, header has %d" % (line, len(x), len(y), len(header)))
                break
            kx, ky = [x[i] for i in keys], [y[i] for i in keys]
            if kx != ky:
                ok = False
                details.append("line %d: keys differ: %s vs %s (rows out of order or missing)" % (line, kx, ky))
                break
            for j, (u, v) in enumerate(zip(x, y)):
                if u == v:
                    continue
                xu, xv = number(u), number(v)
                if xu is not None and xv is not None and not (math.isnan(xu) or math.isnan(xv)):
                    scale = max(abs(xu), abs(xv))
                    if scale > 0 and abs(xu - xv) / scale > max_rel:
                        max_rel, max_rel_col = abs(xu - xv) / scale, header[j]
                why = cell_difference(u, v, rtol, atol)
                if why:
                    ok = False
                    bad_cells += 1
                    bad_by_col[header[j]] = bad_by_col.get(header[j], 0) + 1
                    if len(details) < show:
                        details.append("line %d %s, %s: %r vs %r (%s)" % (
                            line, ",".join(kx), header[j], u, v, why[0]))
    summary = "rows=%d max_rel_diff=%.3g%s" % (rows, max_rel, " (%s)" % max_rel_col if max_rel_col else "")
    if bad_cells:
        summary += " mismatched cells: " + ", ".join("%s=%d" % kv for kv in sorted(bad_by_col.items()))
    return ok, summary, details


def main(argv=None):
    ap = argparse.ArgumentParser(description="check that two plan outputs agree")
    ap.add_argument("a", help="folder (or CSV file) A")
    ap.add_argument("b", help="folder (or CSV file) B")
    ap.add_argument("--files", nargs="+", default=["plan.csv", "series.csv"])
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--quiet", action="store_true", help="print only AGREE / DISAGREE")
    a = ap.parse_args(argv)
    if os.path.isfile(a.a) and os.path.isfile(a.b):
        pairs = [(os.path.basename(a.a), a.a, a.b)]
    else:
        pairs = [(f, os.path.join(a.a, f), os.path.join(a.b, f)) for f in a.files]
    all_ok = True
    for name, pa, pb in pairs:
        try:
            ok, summary, details = compare_file(pa, pb, name, a.rtol, a.atol)
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            print("%-12s ERROR    %s" % (name, e))
            print("DISAGREE")
            return 2
        all_ok = all_ok and ok
        if not a.quiet:
            print("%-12s %-8s %s" % (name, "OK" if ok else "MISMATCH", summary))
            for d in details:
                print("    " + d)
    print("AGREE" if all_ok else "DISAGREE")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
