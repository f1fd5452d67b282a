#!/usr/bin/env python3
"""Compares two directories of Velo CSV outputs: same files, rows (sorted), columns; numbers within 1e-9 relative."""
import csv, os, sys

def cells_equal(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300)

def compare(left, right, names=("left", "right")):
    problems = []
    files = sorted(set(os.listdir(left)) | set(os.listdir(right)))
    for f in files:
        if not (os.path.exists(os.path.join(left, f)) and os.path.exists(os.path.join(right, f))):
            problems.append(f"{f}: only in one of {names[0]}, {names[1]}")
            continue
        a = list(csv.reader(open(os.path.join(left, f))))
        b = list(csv.reader(open(os.path.join(right, f))))
        if a[:1] != b[:1]:
            problems.append(f"{f}: headers differ: {a[:1]} vs {b[:1]}")
            continue
        if len(a) != len(b):
            problems.append(f"{f}: {len(a) - 1} rows in {names[0]}, {len(b) - 1} in {names[1]}")
            continue
        for i, (ra, rb) in enumerate(zip(a, b)):
            for j, (x, y) in enumerate(zip(ra, rb)):
                if not cells_equal(x, y):
                    problems.append(f"{f}:{i + 1}: {a[0][j]}: {names[0]} {x!r}, {names[1]} {y!r}")
    return problems

if __name__ == "__main__":
    p = compare(sys.argv[1], sys.argv[2], tuple(sys.argv[3:5]) or ("left", "right"))
    for line in p[:40]:
        print(line)
    sys.exit(1 if p else 0)
