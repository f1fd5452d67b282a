#!/usr/bin/env bash
# Benchmark velo against the DuckDB and Polars reference plans.
#
#   Benchmarks/run.sh SIZE [SIZE...] [bench.py options]
#   Benchmarks/run.sh S M --runs 5 --warmup 1 --json /tmp/velo-bench/results.json
#   Benchmarks/run.sh S --seed 1 2 3 --check-only
#
# SIZE is S (1,000 SKUs x 3 channels x 120 days), M (10,000 x 4 x 180) or L (50,000 x 4 x 365).
# Data and outputs go to $VELO_BENCH_DATA (default /tmp/velo-bench), never into the repository.
# Builds velo with `swift build -c release --scratch-path .build-bench`, checks that velo,
# DuckDB and Polars agree (exit 1 if not), then prints the timing / memory table.
# All options: python3 Benchmarks/bench.py --help
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
PY=${PYTHON:-python3}
if ! "$PY" -c 'import numpy, duckdb, polars' 2>/dev/null; then
  echo "run.sh: needs numpy, duckdb and polars: $PY -m pip install numpy duckdb polars" >&2
  exit 1
fi
exec "$PY" "$here/bench.py" "$@"
